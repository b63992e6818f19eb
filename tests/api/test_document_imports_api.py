"""Excel imports over HTTP: templates to download, the file as the raw body, the report as JSON
(200 when rows went in, 422 when errors kept every row out), and who may import what where."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

from jxc.bootstrap import App
from jxc.documents.model import StocktakeSheet
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn
from jxc.documents.services.stocktake import open_stocktake
from jxc.documents.sheets import OPENING_BALANCES, PURCHASE_ORDERS, STOCKTAKE_COUNTS
from jxc.sheets import SheetSpec
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.document_helpers import balance, opening, supplier

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet_title
    sheet.append([column.header for column in spec.columns])
    for row in rows:
        sheet.append([row.get(column.key) for column in spec.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: httpx.Client, path: str, data: bytes, *, key: str | None = None, **params: str) -> httpx.Response:
    return client.post(path, content=data, params=params,
                       headers={"Content-Type": XLSX, "Idempotency-Key": key or ref("K")})


def test_every_template_downloads_as_a_workbook_with_its_sheet(http: httpx.Client) -> None:
    for spec in (OPENING_BALANCES, PURCHASE_ORDERS, STOCKTAKE_COUNTS):
        response = http.get(f"/templates/{spec.name}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        assert f"{spec.name}-template.xlsx" in response.headers["content-disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [spec.sheet_title, "示例 Example", "说明 README"]
        assert [cell.value for cell in book[spec.sheet_title][1]] == [column.header for column in spec.columns]
    assert http.get("/templates/items_and_more").status_code == 422
    assert httpx.get(f"{str(http.base_url).rstrip('/')}/templates/purchase_orders").status_code == 401


def test_opening_balances_import_200_422_and_who_may(app: App, http: httpx.Client,
                                                     as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    tea = item(app)
    rows = [{"organisation": net.org, "site": net.warehouse, "sku": tea, "quantity": 10, "unit_cost": "1.5"},
            {"organisation": net.org, "site": net.store, "sku": tea, "quantity": -1, "unit_cost": "1.5"}]
    bad = workbook(OPENING_BALANCES, rows)

    refused = upload(http, "/imports/opening_balances", bad)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/json"
    report = refused.json()
    assert (report["sheet"], report["mode"], report["imported"], report["skipped"]) == (
        "opening_balances", "all_or_nothing", 0, 2)
    (error,) = report["errors"]
    assert (error["row"], error["column"], error["header"], error["value"], error["code"]) == (
        3, "quantity", "数量 / Quantity", "-1", "quantity.not_positive")
    assert error["reason_zh"] and error["reason_en"]
    assert balance(app, tea, net.warehouse) == 0

    partly = upload(http, "/imports/opening_balances", bad, mode="valid_only")
    assert partly.status_code == 200, partly.text
    assert (partly.json()["imported"], len(partly.json()["errors"])) == (1, 1)
    assert balance(app, tea, net.warehouse) == 10
    # The same file again (any key): replayed, not doubled.
    assert upload(http, "/imports/opening_balances", bad, mode="valid_only").status_code == 200
    assert balance(app, tea, net.warehouse) == 10

    # Opening stock is a posting of kind `opening`: not a warehouse keeper's, let alone a clerk's.
    good = workbook(OPENING_BALANCES, rows[:1])
    for role in ("warehouse_keeper", "store_clerk"):
        client = as_role(roles=(role,), organisations=[net.org])
        denied = upload(client, "/imports/opening_balances", good)
        assert (denied.status_code, denied.json()["code"]) == (403, "access.kind_denied"), role
    # Not a workbook, or no Idempotency-Key: problems.
    junk = upload(http, "/imports/opening_balances", b"sku,quantity\nA,1\n")
    assert (junk.status_code, junk.json()["code"]) == (422, "sheet.not_xlsx")
    assert junk.headers["content-type"] == "application/problem+json"
    assert http.post("/imports/opening_balances", content=good, headers={"Content-Type": XLSX}).status_code == 422


def test_purchase_orders_import_and_a_clerk_is_refused(app: App, http: httpx.Client,
                                                       as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    vendor = supplier(app)
    tea = item(app)
    rows = [{"po_ref": ref, "organisation": net.org, "supplier": vendor, "site": net.warehouse, "sku": tea,
             "quantity": qty, "unit_price": "3.20"} for ref, qty in (("1", 5), ("1", 7), ("2", 1))]
    data = workbook(PURCHASE_ORDERS, rows)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    denied = upload(clerk, "/imports/purchase_orders", data)
    assert (denied.status_code, denied.json()["code"]) == (403, "access.kind_denied")
    # A keeper of another organisation may create purchase orders, but not at these sites.
    other = network(app)
    outsider = as_role(roles=("warehouse_keeper",), organisations=[other.org])
    refused = upload(outsider, "/imports/purchase_orders", data)
    assert (refused.status_code, refused.json()["code"]) == (403, "access.out_of_scope")

    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    done = upload(keeper, "/imports/purchase_orders", data)
    assert done.status_code == 200, done.text
    assert (done.json()["imported"], done.json()["errors"]) == (3, [])
    listed = http.get("/documents", params={"type": "purchase_order", "organisation": net.org}).json()["documents"]
    assert sorted(d["status"] for d in listed) == ["draft", "draft"]


def test_a_counting_list_downloads_and_imports_back(app: App, http: httpx.Client,
                                                    as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    tea = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=tea, quantity=Decimal(9), unit_cost=Decimal(1)))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, actor="user:counter")
        uow.commit()
    listed = http.get(f"/stocktakes/{net.org}/{sheet.number}/counting-list")
    assert listed.status_code == 200 and listed.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(listed.content))
    data = book[STOCKTAKE_COUNTS.sheet_title]
    headings = [cell.value for cell in data[1]]
    assert "账面数量 / Book quantity" not in headings
    data.cell(row=2, column=headings.index("实盘数量 / Counted *") + 1, value=8)
    buffer = io.BytesIO()
    book.save(buffer)
    path = f"/stocktakes/{net.org}/{sheet.number}/counts/import"

    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    denied = upload(clerk, path, buffer.getvalue())
    assert (denied.status_code, denied.json()["code"]) == (403, "access.kind_denied")
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    done = upload(keeper, path, buffer.getvalue())
    assert done.status_code == 200, done.text
    assert done.json()["imported"] == 1
    with app.uow().reader() as uow:
        stored: StocktakeSheet = c.load(uow, StocktakeSheet, organisation_id=c.organisation(uow, net.org).id,
                                        number=sheet.number).document
    assert [(line.sku, line.counted_qty) for line in stored.lines] == [(tea, 8)]

    bad = upload(keeper, path, workbook(STOCKTAKE_COUNTS, [{"sku": tea, "counted": "lots"}]))
    assert bad.status_code == 422
    assert [(e["row"], e["column"], e["code"]) for e in bad.json()["errors"]] == [(2, "counted", "sheet.not_a_number")]
    assert upload(http, f"/stocktakes/{net.org}/ST-2026-999999/counts/import", buffer.getvalue()).status_code == 404
    assert http.get(f"/stocktakes/{net.org}/ST-2026-999999/counting-list").status_code == 404


def test_a_body_over_the_limit_is_refused_with_413(http: httpx.Client) -> None:
    response = upload(http, "/imports/purchase_orders", b"PK\x03\x04" + b"\0" * 1_048_577)
    assert (response.status_code, response.json()["code"]) == (413, "http.too_large")
