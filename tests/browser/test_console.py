"""The web console in Chromium: sign in, switch language, the stock chart, an item with its ATP.

Runs against the demo network (see conftest): ``east-manager`` is a regional manager who sees
the five 华东 sites within 200 km of WH-SH and gets costs masked; ``director`` sees everything.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from jxc.catalog import services as catalog
from jxc.org import services as org
from tests.browser.conftest import Console

BLANK = "—"


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def sign_in(page: Page, console: Console, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(console.password)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/stock$"))


def standard_cost(console: Console, sku: str) -> str:
    """The item's real standard cost, as the API sends it to roles that may see it."""
    with console.app.uow() as uow:
        cost = catalog.items_by_sku(uow, [sku])[sku].standard_cost
    assert cost is not None
    return str(cost)


def site_labels(console: Console) -> dict[str, set[str]]:
    """Every site's code → the texts that could name it (code and names)."""
    with console.app.uow() as uow:
        return {site.code: {site.code, site.name_zh, site.name_en} - {""} for site in org.list_sites(uow)}


def test_a_regional_manager_sees_chinese_then_english_their_sites_only_and_masked_costs(
    page: Page, console: Console,
) -> None:
    page.goto("/")
    expect(page.get_by_text("登录 jxc")).to_be_visible()  # Chinese by default, whatever the browser's locale
    sign_in(page, console, "east-manager")
    expect(page.get_by_role("heading", name="按站点库存总览")).to_be_visible()
    expect(page.get_by_test_id("menu-items")).to_have_text("物料")

    page.get_by_test_id("lang-switch").get_by_text("English").click()
    expect(page.get_by_role("heading", name="Stock overview by site")).to_be_visible()
    expect(page.get_by_test_id("menu-items")).to_have_text("Items")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The chart renders (SVG) and shows exactly the manager's five sites, as the table does.
    chart = page.get_by_test_id("stock-chart")
    expect(chart.locator("svg")).to_be_visible()
    expect(chart.locator("svg text").filter(has_text=exactly("Available"))).to_have_count(1)  # legend, in English
    rows = page.get_by_test_id("stock-table").locator("tbody tr.ant-table-row")
    expect(rows).to_have_count(5)
    cells = [rows.nth(i).locator("td") for i in range(5)]
    in_scope = {row.nth(0).inner_text().strip(): row.nth(1).inner_text().strip() for row in cells}
    for code, name in in_scope.items():  # one bar per site, labelled with its name or else its code
        expect(chart.locator("svg text").filter(has_text=exactly(name if name != BLANK else code))).to_have_count(1)
    assert chart.locator('svg path:not([fill="none"])').count() >= 5
    labels = set(chart.locator("svg text").all_text_contents())
    sites = site_labels(console)
    assert set(in_scope) < set(sites)
    shown_elsewhere = {code for code, names in sites.items() if code not in in_scope and names & labels}
    assert not shown_elsewhere, f"the chart shows sites outside the manager's scope: {shown_elsewhere}"

    # Items → the lemon tea: fields with the cost masked, and its ATP by site.
    sku = console.demo.lemon_tea_sku
    cost = standard_cost(console, sku)
    page.get_by_test_id("menu-items").click()
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    expect(page.get_by_test_id("items-table").get_by_test_id("masked-value").first).to_be_visible()
    assert cost not in page.locator("body").inner_text()
    page.get_by_test_id("item-link").filter(has_text=exactly(sku)).click()
    expect(page).to_have_url(re.compile(f"/items/{re.escape(sku)}$"))
    expect(page.get_by_test_id("item-title")).to_contain_text(sku)
    expect(page.get_by_text("Available to promise")).to_be_visible()
    expect(page.get_by_test_id("atp-value").first).to_be_visible()
    expect(page.get_by_test_id("item-field-standard_cost")).to_have_text(re.compile(r"^\W*\*\*\*$"))
    expect(page.get_by_test_id("item-field-standard_cost").get_by_test_id("masked-value")).to_be_visible()
    assert cost not in page.locator("body").inner_text()


def test_a_purchasing_director_sees_the_real_standard_cost(page: Page, console: Console) -> None:
    sku = console.demo.lemon_tea_sku
    sign_in(page, console, "director")
    page.goto(f"/items/{sku}")
    expect(page.get_by_test_id("item-title")).to_contain_text(sku)
    expect(page.get_by_test_id("item-field-standard_cost")).to_have_text(standard_cost(console, sku))
    expect(page.get_by_test_id("masked-value")).to_have_count(0)
    expect(page.get_by_test_id("atp-value").first).to_be_visible()
