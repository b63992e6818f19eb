"""CSV and Excel exports over HTTP: same scope and field rules as the JSON lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from jxc.access import services as access
from jxc.bootstrap import App
from tests.conftest import ref
from tests.factories import item, network, receive


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: httpx.Response) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    # Write-only sheets leave trailing empty cells out of a row: pad to the header's width.
    return [dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True)) for row in rows]


def test_a_director_exports_items_with_costs_in_csv_and_excel(app: App, as_role: Callable[..., httpx.Client]) -> None:
    sku = item(app, standard_cost="12.34")
    director = as_role()
    as_csv = director.get("/exports/items", params={"format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    row = next(r for r in csv_rows(as_csv) if r["sku"] == sku)
    assert (row["name_zh"], row["standard_cost"]) == ("测试物料", "12.34")
    excel = next(r for r in xlsx_rows(director.get("/exports/items", params={"format": "xlsx"})) if r["sku"] == sku)
    assert Decimal(str(excel["standard_cost"])) == Decimal("12.34") and excel["name_zh"] == "测试物料"


def test_a_regional_manager_exports_only_in_scope_balances_with_costs_masked(
    app: App, as_role: Callable[..., httpx.Client],
) -> None:
    net, far = network(app), network(app, region="西南")
    sku = item(app, standard_cost="8.5")
    receive(app, sku, 10, net.store)
    receive(app, sku, 7, far.store)
    manager = as_role(roles=("regional_manager",), region="华东", home_site=net.store, radius_km=200)
    for fmt, reader in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = [r for r in reader(manager.get("/exports/balances", params={"format": fmt, "sku": sku}))]
        assert [(r["site"], r["unit_cost"], r["value"]) for r in rows] == [(net.store, "***", "***")], fmt
    director_rows = csv_rows(as_role().get("/exports/balances", params={"format": "csv", "sku": sku}))
    assert sorted((r["site"], r["value"]) for r in director_rows) == sorted(
        [(net.store, "85.00"), (far.store, "59.50")])


def test_a_device_export_has_no_cost_column_at_all(app: App, server: str) -> None:
    net = network(app)
    item(app, standard_cost="3.3")
    with app.uow() as uow:
        _, secret = access.create_api_key(uow, name=ref("pda"), role="device", site_code=net.store)
    with httpx.Client(base_url=server, headers={"X-Api-Key": secret}) as device:
        exported = device.get("/exports/items", params={"format": "csv"})
    assert exported.status_code == 200
    assert "standard_cost" not in exported.text.splitlines()[0]


def test_an_unknown_export_format_is_a_problem(as_role: Callable[..., httpx.Client]) -> None:
    refused = as_role().get("/exports/items", params={"format": "pdf"})
    assert refused.status_code == 422 and refused.json()["field"] == "format"
