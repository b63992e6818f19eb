"""Documents over HTTP: purchase → approval → receipt → sale → approval → shipment, the vouchers they
book and their GL export; who may write what where, masked purchase prices, and bad input named."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from openpyxl import load_workbook

from jxc.accounting.export import HEADER
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from tests.conftest import ref
from tests.factories import Network, item, network


def partners(app: App) -> tuple[str, str]:
    supplier, customer = ref("SUP"), ref("CUS")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
        catalog.register_customer(uow, code=customer, name="城东超市")
    return supplier, customer


def key() -> dict[str, str]:
    return {"Idempotency-Key": ref("K")}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def purchase_order(net: Network, supplier: str, sku: str, *, quantity: str = "100", price: str = "10.00",
                   site: str | None = None) -> dict[str, Any]:
    return {"organisation": net.org, "supplier": supplier, "site": site or net.warehouse,
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price, "expected_date": "2026-01-10"}]}


def approved_po(client: httpx.Client, approver: httpx.Client, body: dict[str, Any]) -> str:
    number: str = ok(client.post("/purchase-orders", json=body, headers=key()), 201)["number"]
    request = ok(client.post(f"/documents/{body['organisation']}/{number}/submit", headers=key()))["approval"]
    ok(approver.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    return number


def entries(voucher: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((line["account"], line["debit"], line["credit"]) for line in voucher["lines"])


def test_purchase_to_sale_with_approvals_vouchers_and_the_gl_export(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, customer = partners(app)
    sku = item(app)
    director = as_role()
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")

    # A purchase order: draft, 100 × 10.00 + 13 % VAT; the same key again is a replay.
    headers = key()
    po = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, sku), headers=headers), 201)
    assert (po["status"], po["amount"], po["partner"], po["site"]) == ("draft", "1130.00", supplier, net.warehouse)
    assert po["lines"][0]["unit_price"] == "10.00" and po["lines"][0]["gross"] == "1130.00"
    again = http.post("/purchase-orders", json=purchase_order(net, supplier, sku), headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == po["number"]

    # Submitted, it waits for a purchasing director — not the one who submitted it.
    submitted = ok(http.post(f"/documents/{net.org}/{po['number']}/submit", headers=key()))
    request = submitted["approval"]
    assert (submitted["status"], request["status"], request["current_level"]) == (
        "submitted", "pending", "purchasing_director")
    own = http.post(f"/approvals/{request['id']}/approve", json={}, headers=key())
    assert (own.status_code, own.json()["code"]) == (403, "workflow.own_document")
    assert request["id"] in {r["id"] for r in ok(director.get("/approvals/inbox"))["requests"]}
    decided = ok(director.post(f"/approvals/{request['id']}/approve", json={"reason": "ok"}, headers=key()))
    assert (decided["status"], decided["document"]["status"]) == ("approved", "approved")

    # The keeper receives everything (straight to available).
    receipt = ok(keeper.post(f"/purchase-orders/{net.org}/{po['number']}/receipts", headers=key(),
                             json={"lines": [{"po_line": 1, "quantity": "100", "to_qc": False}]}), 201)
    assert receipt["type"] == "goods_receipt" and receipt["source"]["number"] == po["number"]
    assert [(m["sku"], m["quantity"], m["role"]) for m in receipt["movements"]] == [(sku, "100", "post")]

    # A clerk sells 30 at 25.00; a regional manager in scope approves; the keeper ships.
    so = ok(clerk.post("/sales-orders", headers=key(), json={
        "organisation": net.org, "site": net.warehouse, "customer": customer,
        "lines": [{"sku": sku, "quantity": "30", "unit_price": "25.00"}]}), 201)
    request = ok(clerk.post(f"/documents/{net.org}/{so['number']}/submit", headers=key()))["approval"]
    assert request["current_level"] == "regional_manager"
    assert request["id"] in {r["id"] for r in ok(manager.get("/approvals/inbox"))["requests"]}
    ok(manager.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    shipment = ok(keeper.post(f"/sales-orders/{net.org}/{so['number']}/shipments", headers=key(),
                              json={"lines": [{"so_line": 1, "quantity": "30"}]}), 201)

    # Vouchers: the receipt and the sale, each balanced, drilled down to their documents.
    vouchers = ok(http.get("/vouchers", params={"organisation": net.org}))["vouchers"]
    by_document = {v["document"]["number"]: v for v in vouchers}
    assert set(by_document) == {receipt["number"], shipment["number"]}
    for voucher in vouchers:
        debit = sum(Decimal(line["debit"]) for line in voucher["lines"])
        credit = sum(Decimal(line["credit"]) for line in voucher["lines"])
        assert debit == credit == Decimal(voucher["total"])
        assert all(line["account_name_zh"] and line["account_name_en"] for line in voucher["lines"])
    assert entries(by_document[receipt["number"]]) == [
        ("1405", "1000.00", "0.00"), ("2202", "0.00", "1130.00"), ("22210101", "130.00", "0.00")]
    assert entries(by_document[shipment["number"]]) == [
        ("1122", "847.50", "0.00"), ("1405", "0.00", "300.00"), ("22210102", "0.00", "97.50"),
        ("6001", "0.00", "750.00"), ("6401", "300.00", "0.00")]
    detail = ok(http.get(f"/documents/{net.org}/{shipment['number']}"))
    assert [v["number"] for v in detail["vouchers"]] == [by_document[shipment["number"]]["number"]]
    order = ok(http.get(f"/documents/{net.org}/{po['number']}"))
    assert order["status"] == "done" and [e["number"] for e in order["executions"]] == [receipt["number"]]
    assert [h["action"] for h in order["history"]][:3] == ["create", "submit", "approve"]

    # The GL export parses, and its debits equal its credits.
    export = http.get("/exports/vouchers", params={"organisation": net.org, "format": "xlsx"})
    assert export.status_code == 200, export.text
    rows = list(load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert tuple(rows[0]) == HEADER
    debit, credit = HEADER.index("借方金额"), HEADER.index("贷方金额")
    assert len(rows) - 1 == sum(len(v["lines"]) for v in vouchers)
    assert sum(Decimal(str(r[debit])) for r in rows[1:]) == sum(Decimal(str(r[credit])) for r in rows[1:]) == Decimal(
        "1130.00") + Decimal("1147.50")


def test_a_clerk_may_not_create_a_purchase_order(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    supplier, _ = partners(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    refused = clerk.post("/purchase-orders", json=purchase_order(net, supplier, item(app)), headers=key())
    assert (refused.status_code, refused.json()["code"]) == (403, "access.kind_denied")


def test_a_regional_manager_sees_purchase_prices_masked_and_no_vouchers(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, _ = partners(app)
    number = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, item(app), price="37.25"),
                          headers=key()), 201)["number"]
    ok(http.post(f"/documents/{net.org}/{number}/submit", headers=key()))
    manager = as_role(roles=("regional_manager",), organisations=[net.org])
    response = manager.get(f"/documents/{net.org}/{number}")
    seen = ok(response)
    assert seen["lines"][0]["unit_price"] == "***" and seen["lines"][0]["net"] == "***"
    assert seen["amount"] == "***" and seen["amounts"] == {"net": "***", "vat": "***", "gross": "***"}
    assert seen["approval"]["amount"] == "***" and seen["vouchers"] is None
    assert "37.25" not in response.text and "3725" not in response.text
    listed = ok(manager.get("/documents", params={"organisation": net.org}))["documents"]
    assert [d["amount"] for d in listed if d["number"] == number] == ["***"]
    refused = manager.get("/vouchers", params={"organisation": net.org})
    assert (refused.status_code, refused.json()["code"]) == (403, "access.denied")


def test_a_document_outside_the_scope_is_neither_listed_nor_shown(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net, elsewhere = network(app), network(app, region="华南")
    supplier, _ = partners(app)
    sku = item(app)
    mine = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, sku), headers=key()), 201)["number"]
    theirs = ok(http.post("/purchase-orders", json=purchase_order(elsewhere, supplier, sku), headers=key()),
                201)["number"]
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    listed = {(d["organisation"], d["number"]) for d in ok(keeper.get("/documents", params={"limit": 500}))["documents"]}
    assert (net.org, mine) in listed and (elsewhere.org, theirs) not in listed
    assert all(org == net.org for org, _ in listed)
    hidden = keeper.get(f"/documents/{elsewhere.org}/{theirs}")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "document.not_found")
    refused = keeper.post(f"/documents/{elsewhere.org}/{theirs}/submit", headers=key())
    assert (refused.status_code, refused.json()["code"]) == (403, "access.out_of_scope")


def test_bad_input_is_refused_naming_the_field(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    unknown = http.post("/purchase-orders", json=purchase_order(net, "NO-SUCH", sku), headers=key())
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        404, "supplier.not_found", "supplier")
    number = approved_po(http, as_role(), purchase_order(net, supplier, sku, quantity="10"))
    over = http.post(f"/purchase-orders/{net.org}/{number}/receipts", headers=key(),
                     json={"lines": [{"po_line": 1, "quantity": "11"}]})
    assert (over.status_code, over.json()["code"], over.json()["field"]) == (
        422, "receipt.over_tolerance", "lines[0].quantity")

    finance = as_role(roles=("finance",), organisations=[net.org])
    period = f"{app.clock.now():%Y-%m}"
    closed = ok(finance.post(f"/periods/{net.org}/{period}/close", headers=key()))
    assert closed["closed_through"] == period
    late = http.post(f"/purchase-orders/{net.org}/{number}/receipts", headers=key(),
                     json={"lines": [{"po_line": 1, "quantity": "1"}]})
    assert (late.status_code, late.json()["code"]) == (409, "period.closed")
    reopened = ok(finance.post(f"/periods/{net.org}/{period}/reopen", headers=key(), json={"reason": "late invoice"}))
    assert reopened["closed_through"] < period  # the months before stay closed
    ok(http.post(f"/purchase-orders/{net.org}/{number}/receipts", headers=key(),
                 json={"lines": [{"po_line": 1, "quantity": "1"}]}), 201)
