"""The document page's action bar in the console (Chromium): only what the API lists in `actions`.

A small purchase order (one approval level: the purchasing director) is created by the regional
manager and submitted; the director approves it from its page, receives it through the prefilled
"execute lines" form (the lot the API asks for shown at its line) and lands on the new goods
receipt, done.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

from jxc.documents.services import approvals, purchasing
from tests.browser.conftest import Console
from tests.browser.test_console import sign_in

ORG, SITE, SUPPLIER = "XD-EC", "WH-SH", "SUP-FRESH-EC"  # the demo's (jxc.demo.documents)


def submitted_order(console: Console, quantity: str) -> str:
    """A purchase order below ¥50,000 of the demo's lemon tea, submitted by the regional manager: its number."""
    app = console.app
    with app.uow() as uow:
        order = purchasing.create_purchase_order(
            uow, organisation=ORG, supplier=SUPPLIER, site=SITE, actor="user:east-manager",
            key="browser:document-actions:po",
            lines=[purchasing.OrderLineIn(sku=console.demo.lemon_tea_sku, quantity=Decimal(quantity),
                                          unit_price=Decimal("8.50"),
                                          expected_date=app.clock.now().date() + timedelta(days=2))])
        approvals.submit(uow, app.documents, organisation=ORG, number=order.number, actor="user:east-manager")
        uow.commit()
    return order.number


def test_the_director_approves_an_order_then_receives_it_through_the_prefilled_form(
    page: Page, console: Console,
) -> None:
    number = submitted_order(console, "12")
    sign_in(page, console, "director")
    page.goto(f"/documents/{ORG}/{number}")

    # Submitted, waiting at the director's level: approve / reject are offered, nothing else.
    expect(page.get_by_test_id("doc-status").first).to_have_text("已提交")
    expect(page.get_by_test_id("document-approve")).to_have_text(re.compile("审批通过"))
    expect(page.get_by_test_id("document-reject")).to_be_visible()
    expect(page.get_by_test_id("document-action-receive")).to_have_count(0)
    page.get_by_test_id("document-approve").click()
    page.locator(".ant-popconfirm").get_by_role("button", name=re.compile("确 ?定|OK")).click()

    # Approved: receiving is a button; recording a shipping notice is only a hint (no form here).
    expect(page.get_by_test_id("doc-status").first).to_have_text("已审批")
    expect(page.get_by_test_id("document-approve")).to_have_count(0)
    expect(page.get_by_test_id("document-actions-elsewhere")).to_have_text("也可通过 API / CLI 操作:登记到货通知")
    receive = page.get_by_test_id("document-action-receive")
    expect(receive).to_have_text(re.compile("收货"))
    receive.click()

    # The form: the order's line, prefilled with what is still open.
    expect(page).to_have_url(re.compile(f"/documents/{ORG}/{number}/receive$"))
    expect(page.get_by_test_id("exec-title")).to_have_text(f"采购收货 · {number}")
    expect(page.get_by_test_id("exec-lines").locator('td[data-col="open"]')).to_have_text(["12"])
    expect(page.get_by_test_id("exec-quantity-0")).to_have_value("12")
    page.get_by_test_id("exec-submit").click()

    # Lemon tea is tracked by lot: the API's problem (lines[0].lot) is shown at that line's lot.
    lot = page.get_by_test_id("exec-lines").locator('td[data-col="lot"]')
    expect(lot.locator(".ant-form-item-explain-error")).to_contain_text("批次")
    expect(page).to_have_url(re.compile(f"/documents/{ORG}/{number}/receive$"))
    page.get_by_test_id("exec-lot-0").fill("L-BROWSER-01")
    page.get_by_test_id("exec-submit").click()

    # The new goods receipt, done, executing the order — which is done too, with nothing left to receive.
    expect(page).to_have_url(re.compile(rf"/documents/{ORG}/GR-\d{{4}}-\d+$"))
    expect(page.get_by_test_id("doc-type").first).to_have_text("入库单")
    expect(page.get_by_test_id("doc-status").first).to_have_text("已完成")
    expect(page.get_by_test_id("document-lines").locator('td[data-col="quantity"]')).to_have_text(["12"])
    page.get_by_test_id("document-source").get_by_text(number).click()
    expect(page).to_have_url(re.compile(f"/documents/{ORG}/{number}$"))
    expect(page.get_by_test_id("doc-status").first).to_have_text("已完成")
    expect(page.get_by_test_id("document-action-receive")).to_have_count(0)
