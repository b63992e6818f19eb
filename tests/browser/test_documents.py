"""Documents, approvals and vouchers in the console (Chromium).

The demo (``jxc.demo.documents``) leaves a purchase order above ¥50,000 waiting at the first level
of its flow in the director's inbox, and books vouchers for a received order, a shipment, a
return, a transfer and a stocktake. ``east-manager`` reads purchase documents with prices masked
and has no ``voucher.read``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from jxc.documents import queries
from jxc.workflow import services as workflow
from tests.browser.conftest import Console
from tests.browser.test_console import sign_in


def big_pending_order(console: Console) -> tuple[str, str, Decimal, str]:
    """The demo's submitted purchase order of ¥50,000 or more: organisation, number, amount, level (zh)."""
    with console.app.uow() as uow:
        rows = queries.list_documents(uow, sites=None, doc_type="purchase_order", status="submitted", limit=50)
        big = [row for row in rows if row.amount is not None and row.amount >= 50_000]
        assert big, "the demo has no purchase order of ¥50,000 or more waiting for approval"
        request = workflow.request_for_document(uow, big[0].id)
    assert request is not None and request.current is not None
    assert request.current is request.levels[0], "the order should wait at the first level"
    order = big[0]
    assert order.amount is not None
    return order.organisation, order.number, order.amount, request.current.name_zh or request.current.name


def request_levels(console: Console, org: str, number: str) -> list[str]:
    """The level names of the document's approval request."""
    with console.app.uow() as uow:
        rows = queries.list_documents(uow, sites=None, doc_type="purchase_order", limit=500)
        found = next(row for row in rows if row.organisation == org and row.number == number)
        request = workflow.request_for_document(uow, found.id)
    assert request is not None
    return [level.name for level in request.levels]


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def test_the_director_approves_from_the_inbox_and_drills_from_voucher_to_movements(
    page: Page, console: Console,
) -> None:
    org, number, amount, level = big_pending_order(console)
    sign_in(page, console, "director")

    # The menu shows the inbox size; the inbox lists the order with its amount, requester and level.
    expect(page.get_by_test_id("menu-approvals")).to_have_text("审批")
    badge = page.get_by_test_id("inbox-badge")
    expect(badge).to_have_text(re.compile(r"^\d+$"))
    page.get_by_test_id("menu-approvals").click()
    expect(page.get_by_role("heading", name="审批待办")).to_be_visible()
    rows = page.get_by_test_id("inbox-table").locator("tbody tr.ant-table-row")
    row = rows.filter(has=page.get_by_test_id("inbox-document").filter(has_text=number))
    expect(row).to_have_count(1)
    expect(badge).to_have_text(str(rows.count()))
    expect(row).to_contain_text(money(amount))
    expect(row).to_contain_text("east-manager")
    expect(row.get_by_test_id("inbox-level")).to_have_text(level)
    expect(row.get_by_test_id("inbox-approve")).to_be_visible()

    # Its detail: a submitted purchase order whose flow waits at the first of its levels.
    row.get_by_test_id("inbox-document").click()
    expect(page).to_have_url(re.compile(f"/documents/{org}/{number}$"))
    expect(page.get_by_test_id("document-title")).to_have_text(number)
    expect(page.get_by_test_id("doc-type").first).to_have_text("采购订单")
    expect(page.get_by_test_id("doc-status").first).to_have_text("已提交")
    expect(page.get_by_test_id("document-gross")).to_have_text(money(amount))
    steps = page.get_by_test_id("approval-steps").locator(".ant-steps-item")
    expect(steps).to_have_count(len(request_levels(console, org, number)))
    expect(steps.first).to_have_class(re.compile(r"ant-steps-item-process"))
    expect(steps.first).to_contain_text(level)
    expect(steps.nth(1)).to_have_class(re.compile(r"ant-steps-item-wait"))
    expect(page.get_by_test_id("approval-status")).to_have_text("审批中")

    # Vouchers: expand the goods receipt's voucher, its debits equal its credits and its total.
    page.get_by_test_id("menu-vouchers").click()
    expect(page.get_by_role("heading", name="记账凭证")).to_be_visible()
    receipt = page.get_by_test_id("vouchers-table").locator("tbody tr.ant-table-row").filter(
        has=page.get_by_test_id("voucher-document").filter(has_text=re.compile(r"^GR-")),
    ).first
    expect(receipt).to_be_visible()
    total = receipt.get_by_test_id("voucher-total").inner_text()
    receipt.locator(".ant-table-row-expand-icon").click()
    lines = page.get_by_test_id("voucher-lines")
    expect(lines).to_have_count(1)
    expect(lines.locator("tbody tr.ant-table-row")).not_to_have_count(0)
    expect(lines.get_by_test_id("voucher-balanced")).to_have_text("借贷平衡")
    expect(lines.get_by_test_id("voucher-debit-total")).to_have_text(total)
    expect(lines.get_by_test_id("voucher-credit-total")).to_have_text(total)
    expect(lines).to_contain_text("库存商品")  # account names in the console language

    # … to its document, and from there to the movements it posted.
    receipt_number = receipt.get_by_test_id("voucher-document").inner_text()
    receipt.get_by_test_id("voucher-document").click()
    expect(page).to_have_url(re.compile(f"/documents/{org}/{re.escape(receipt_number)}$"))
    expect(page.get_by_test_id("doc-type").first).to_have_text("入库单")
    expect(page.get_by_test_id("document-movements").locator("tbody tr.ant-table-row")).not_to_have_count(0)
    expect(page.get_by_test_id("document-source")).to_have_text(re.compile(r"^PO-"))
    expect(page.get_by_test_id("document-vouchers").get_by_test_id("voucher-debit-total")).to_have_text(total)


def test_a_regional_manager_sees_purchase_prices_masked_and_no_vouchers(page: Page, console: Console) -> None:
    org, number, amount, _ = big_pending_order(console)
    sign_in(page, console, "east-manager")
    page.get_by_test_id("menu-documents").click()
    expect(page.get_by_role("heading", name="单据")).to_be_visible()
    page.get_by_test_id("document-link").filter(has_text=number).click()
    expect(page).to_have_url(re.compile(f"/documents/{org}/{number}$"))

    prices = page.get_by_test_id("document-lines").locator('td[data-col="unit_price"]')
    expect(prices).not_to_have_count(0)
    for i in range(prices.count()):
        expect(prices.nth(i)).to_have_text(re.compile(r"^\W*\*\*\*$"))
        expect(prices.nth(i).get_by_test_id("masked-value")).to_be_visible()
    expect(page.get_by_test_id("document-gross").get_by_test_id("masked-value")).to_be_visible()
    assert money(amount) not in page.locator("body").inner_text()

    page.get_by_test_id("menu-vouchers").click()
    expect(page.get_by_test_id("no-permission")).to_contain_text("无权查看凭证")
    expect(page.get_by_test_id("problem")).to_have_count(0)


def test_a_new_purchase_order_shows_the_api_problem_at_its_line_then_is_submitted(
    page: Page, console: Console,
) -> None:
    sign_in(page, console, "director")
    page.goto("/documents")
    page.get_by_test_id("documents-new-po").click()
    expect(page.get_by_role("heading", name="新建采购订单")).to_be_visible()
    expect(page.get_by_test_id("po-organisation")).to_contain_text("XD-EC")
    page.get_by_test_id("po-supplier").fill("SUP-FRESH-EC")
    page.get_by_test_id("po-site").click()
    page.locator(".ant-select-item-option").filter(has_text="WH-SH").click()
    page.get_by_test_id("po-line-sku-0").fill("NO-SUCH-SKU")
    page.get_by_test_id("po-line-quantity-0").fill("12")
    page.get_by_test_id("po-line-price-0").fill("8.5")
    page.get_by_test_id("po-save").click()

    # The API's 404 names lines[0].sku: the message sits under that field.
    sku_item = page.locator(".ant-form-item").filter(has=page.get_by_test_id("po-line-sku-0"))
    expect(sku_item.locator(".ant-form-item-explain-error")).to_contain_text("NO-SUCH-SKU")
    expect(page).to_have_url(re.compile(r"/documents/new/purchase-order$"))

    page.get_by_test_id("po-line-sku-0").fill(console.demo.lemon_tea_sku)
    page.get_by_test_id("po-save").click()
    expect(page).to_have_url(re.compile(r"/documents/XD-EC/PO-\d{4}-\d+$"))
    expect(page.get_by_test_id("doc-status").first).to_have_text("草稿")
    expect(page.get_by_test_id("document-gross")).to_have_text("115.26")  # 12 × 8.50 + 13% VAT
    page.get_by_test_id("document-submit").click()
    page.locator(".ant-popconfirm").get_by_role("button", name=re.compile("确 ?定|OK")).click()
    expect(page.get_by_test_id("doc-status").first).to_have_text("已提交")
    expect(page.get_by_test_id("approval-steps").locator(".ant-steps-item-process")).to_have_count(1)
