"""Replenishment suggestions in the console (Chromium): why a suggestion is what it is, and approving it.

The test makes its own series through the Python services, as the planning loop would see it: a
new item at the demo store ST-SH-01 with two supplier offers and 40 days of sales (~40 a day, no
stock), planned once. The director opens 补货建议, expands the row (reasons, figures, suppliers,
demand chart), changes the quantity and approves it into a draft purchase order, then opens it.
``east-manager`` reads the same suggestion with purchase prices masked and no write buttons.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect

from jxc.catalog import services as catalog
from jxc.documents.model import DocumentStatus, PurchaseOrder
from jxc.documents.services import common as c
from jxc.replenishment import services as replenishment
from tests.browser.conftest import Console
from tests.browser.test_console import sign_in
from tests.conftest import ref
from tests.integration.test_replenishment_loop import history, ingest

STORE = "ST-SH-01"
REASONS_ZH = {
    "below_reorder_point": "低于再订货点",
    "above_reorder_point": "高于再订货点",
    "rounded_to_pack": "已按包装取整",
    "raised_to_moq": "已提至最小起订量",
    "capped_by_shelf_life": "受保质期限制",
    "capped_by_budget": "受预算限制",
}


class Series(NamedTuple):
    sku: str
    cheap: str
    fast: str
    suggestion_id: str
    quantity: Decimal
    reasons: list[str]


def planned_series(console: Console) -> Series:
    """A fresh item with offers and sales at the demo store, planned into one open suggestion."""
    app = console.app
    sku, cheap, fast = ref("REP"), ref("SUP"), ref("SUP")
    with app.uow() as uow:
        catalog.register_item(uow, sku=sku, name_zh="补货测试柠檬茶", name_en="Replenishment test tea", category="饮料",
                              base_unit="瓶", units={"箱": Decimal(12)}, tracking="none")
        catalog.register_supplier(uow, code=cheap, name="便宜供应商")
        catalog.register_supplier(uow, code=fast, name="快速供应商")
        replenishment.set_offer(uow, supplier=cheap, sku=sku, unit_price=Decimal("6.00"), lead_time_days=Decimal(3),
                                lead_time_sd_days=Decimal(1), moq=Decimal(50), pack_size=Decimal(12))
        replenishment.set_offer(uow, supplier=fast, sku=sku, unit_price=Decimal("7.20"), lead_time_days=Decimal(2),
                                pack_size=Decimal(6))
        uow.commit()
    ingest(app, history(STORE, sku, days=40, end=datetime.now(UTC), per_day=40))
    with app.uow() as uow:
        report = replenishment.plan(uow, app.planner, actor="user:director", skus=[sku])
        uow.commit()
    assert (report.series, report.suggestions, report.alerts) == (1, 1, 0)
    with app.uow() as uow:
        [suggestion] = [s for s in replenishment.list_suggestions(uow, limit=1000) if s.sku == sku]
    assert suggestion.supplier == cheap and "below_reorder_point" in suggestion.body["reasons"]
    return Series(sku, cheap, fast, str(suggestion.id), suggestion.quantity, list(suggestion.body["reasons"]))


@pytest.fixture
def series(console: Console) -> Series:
    return planned_series(console)


def open_replenishment(page: Page) -> None:
    page.get_by_test_id("menu-replenishment").click()
    expect(page).to_have_url(re.compile(r"/replenishment$"))
    expect(page.get_by_role("heading", name="补货建议")).to_be_visible()


def test_the_director_sees_why_and_approves_a_suggestion_into_a_draft_purchase_order(
    page: Page, console: Console, series: Series,
) -> None:
    sign_in(page, console, "director")
    expect(page.get_by_test_id("menu-replenishment")).to_have_text("补货建议")
    open_replenishment(page)
    expect(page.get_by_test_id("replan")).to_have_text(re.compile("立即重算"))

    # The open list: SKU, site, class A, regular kind, the cheaper supplier, the quantity, the reasons.
    table = page.get_by_test_id("suggestions-open")
    row = table.locator(f'tr[data-row-key="{series.suggestion_id}"]')
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("suggestion-sku")).to_have_text(series.sku)
    expect(row).to_contain_text(STORE)
    expect(row.get_by_test_id("suggestion-class")).to_have_text("A")
    expect(row.get_by_test_id("suggestion-kind")).to_have_text("常规")
    expect(row).to_contain_text(series.cheap)
    expect(row.get_by_test_id("suggestion-quantity")).to_have_text(f"{series.quantity:,}")
    expect(row.get_by_test_id("suggestion-reason").first).to_have_text("低于再订货点")

    # Why: the figures as a breakdown, the reasons translated, the best suppliers, the demand chart.
    row.locator(".ant-table-row-expand-icon").click()
    detail = page.locator(f'[data-testid="suggestion-detail"][data-id="{series.suggestion_id}"]')
    expect(detail).to_be_visible()
    expect(detail.get_by_test_id("suggestion-reasons").get_by_test_id("suggestion-reason")).to_have_text(
        [REASONS_ZH[code] for code in series.reasons])
    figures = detail.get_by_test_id("suggestion-figures")
    expect(figures).to_contain_text("再订货点")
    expect(figures).to_contain_text("安全库存")
    expect(detail.get_by_test_id("figure-forecast")).to_contain_text(re.compile(r"^\d+(\.\d+)? ± \d+(\.\d+)?"))
    expect(detail.get_by_test_id("figure-forecast")).to_contain_text(re.compile(r"\d+ 天历史$"))  # method · history
    expect(detail.get_by_test_id("figure-service_target")).to_contain_text("99.2%")
    expect(detail.get_by_test_id("figure-position")).to_contain_text("在库 0 + 在途 0 + 未结采购 0 − 未预留承诺 0")
    expect(detail.get_by_test_id("figure-reorder_point")).to_contain_text(re.compile(r"\d+\.\d+ \+ \d+\.\d+"))
    suppliers = detail.get_by_test_id("supplier-table").get_by_test_id("supplier-code")
    expect(suppliers).to_have_text([series.cheap, series.fast])
    expect(detail.get_by_test_id("supplier-table")).to_contain_text("6.00")
    expect(detail.get_by_test_id("demand-chart").locator("svg")).to_be_visible()

    # Select, approve with a changed quantity (whole boxes of 12), and land on the draft order.
    row.locator(".ant-checkbox-input").check()
    expect(page.get_by_test_id("selected-count")).to_have_text("已选 1 条")
    page.get_by_test_id("approve-selected").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("批准 1 条建议")
    quantity = dialog.get_by_test_id("approve-quantity")
    expect(quantity).to_have_value(str(series.quantity))
    quantity.fill("0")
    expect(dialog.get_by_test_id("approve-quantity-error")).to_have_text("数量必须大于 0")
    quantity.fill("240")
    dialog.get_by_test_id("approve-confirm").click()
    expect(dialog).to_be_hidden()

    created = page.get_by_test_id("approved-orders")
    expect(created).to_contain_text("已生成采购订单草稿")
    link = created.get_by_test_id("purchase-order-link")
    expect(link).to_have_count(1)
    number = link.inner_text()
    with console.app.uow() as uow:
        [approved] = [s for s in replenishment.list_suggestions(uow, status="approved", limit=1000)
                      if str(s.id) == series.suggestion_id]
        assert approved.purchase_order == number and approved.quantity == Decimal(240)
        site = c.site(uow, STORE)
        po = c.load(uow, PurchaseOrder, organisation_id=site.organisation_id, number=number).document
    assert po.status is DocumentStatus.DRAFT
    assert [(line.sku, line.quantity, line.unit_price) for line in po.lines] == [(series.sku, Decimal(240), Decimal("6.00"))]
    expect(table.locator(f'tr[data-row-key="{series.suggestion_id}"]')).to_have_count(0)

    # The approved tab keeps it, with its order; the order itself is a draft to submit.
    page.get_by_test_id("tab-approved").click()
    approved_row = page.get_by_test_id("suggestions-approved").locator(f'tr[data-row-key="{series.suggestion_id}"]')
    expect(approved_row.get_by_test_id("purchase-order-link")).to_have_text(number)
    link.click()
    expect(page).to_have_url(re.compile(f"/documents/[^/]+/{re.escape(number)}$"))
    expect(page.get_by_test_id("document-title")).to_have_text(number)
    expect(page.get_by_test_id("doc-type").first).to_have_text("采购订单")
    expect(page.get_by_test_id("doc-status").first).to_have_text("草稿")


def test_a_regional_manager_reads_suggestions_with_prices_masked_and_cannot_approve(
    page: Page, console: Console, series: Series,
) -> None:
    sign_in(page, console, "east-manager")
    open_replenishment(page)
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("replan")).to_have_count(0)
    expect(page.get_by_test_id("approve-selected")).to_have_count(0)
    row = page.get_by_test_id("suggestions-open").locator(f'tr[data-row-key="{series.suggestion_id}"]')
    expect(row).to_have_count(1)
    expect(row.locator(".ant-checkbox-input")).to_have_count(0)
    row.locator(".ant-table-row-expand-icon").click()
    detail = page.locator(f'[data-testid="suggestion-detail"][data-id="{series.suggestion_id}"]')
    expect(detail.get_by_test_id("supplier-table").get_by_test_id("masked-value")).to_have_count(2)
    expect(detail.get_by_test_id("supplier-table")).not_to_contain_text("6.00")
    expect(detail.get_by_test_id("figure-reorder_point")).to_be_visible()
