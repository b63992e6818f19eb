"""Transfers, stocktakes and landed costs over HTTP: create → submit → approve → ship → receive → close,
an intercompany transfer booked in both organisations, a stocktake posted with its loss voucher, a
landed cost on a receipt; who may do which step where, replays, and refusals with their codes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from jxc.bootstrap import App
from jxc.documents.services.opening import OpeningLineIn
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.document_helpers import balance, opening, supplier


def key() -> dict[str, str]:
    return {"Idempotency-Key": ref("K")}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text


def entries(voucher: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((line["account"], line["debit"], line["credit"]) for line in voucher["lines"])


def approve(submitter: httpx.Client, approver: httpx.Client, org: str, number: str) -> dict[str, Any]:
    request = ok(submitter.post(f"/documents/{org}/{number}/submit", headers=key()))["approval"]
    assert request["current_level"] == "regional_manager"
    assert request["id"] in {r["id"] for r in ok(approver.get("/approvals/inbox"))["requests"]}
    return ok(approver.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))  # type: ignore[no-any-return]


def transfer(from_site: str, to_site: str, sku: str, quantity: str) -> dict[str, Any]:
    return {"from_site": from_site, "to_site": to_site, "lines": [{"sku": sku, "quantity": quantity}]}


def test_a_transfer_is_approved_shipped_received_and_its_shortage_closed_at_each_end(
    app: App, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    sku = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(100), unit_cost=Decimal("10.00")))
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")
    receiver = as_role(roles=("warehouse_keeper",), home_site=net.store, radius_km=1)  # the store only
    director = as_role()

    # The keeper drafts 30 from the warehouse to the store; the same key again is a replay.
    headers = key()
    created = ok(keeper.post("/transfer-orders", json=transfer(net.warehouse, net.store, sku, "30"), headers=headers),
                 201)
    number = created["number"]
    assert (created["type"], created["status"], created["site"], created["organisation"]) == (
        "transfer_order", "draft", net.warehouse, net.org)
    assert (created["fields"]["from_site"], created["fields"]["to_site"]) == (net.warehouse, net.store)
    again = keeper.post("/transfer-orders", json=transfer(net.warehouse, net.store, sku, "30"), headers=headers)
    assert (again.status_code, again.headers["Idempotent-Replayed"], again.json()["number"]) == (200, "true", number)

    # Shipping before approval is refused; a regional manager in scope approves.
    refused(keeper.post(f"/transfer-orders/{net.org}/{number}/shipments", headers=key(),
                        json={"lines": [{"line_no": 1, "quantity": "30"}]}), 409, "document.wrong_status")
    assert approve(keeper, manager, net.org, number)["document"]["status"] == "approved"

    # Shipped: available → in transit, one movement; the same key ships once.
    headers = key()
    shipped = ok(keeper.post(f"/transfer-orders/{net.org}/{number}/shipments", headers=headers,
                             json={"lines": [{"line_no": 1, "quantity": "30"}]}))
    assert (shipped["status"], shipped["lines"][0]["shipped"]) == ("partially_done", "30")
    assert [(m["sku"], m["quantity"], m["role"]) for m in shipped["movements"]] == [(sku, "30", "ship")]
    replay = keeper.post(f"/transfer-orders/{net.org}/{number}/shipments", headers=headers,
                         json={"lines": [{"line_no": 1, "quantity": "30"}]})
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (200, "true")
    assert len(replay.json()["movements"]) == 1
    assert (balance(app, sku, net.warehouse), balance(app, sku, net.store, "in_transit")) == (70, 30)

    # The store's keeper cannot ship from the warehouse, but receives at the store — and is shown the
    # transfer it received although the sending warehouse is outside its scope.
    refused(receiver.post(f"/transfer-orders/{net.org}/{number}/shipments", headers=key(),
                          json={"lines": [{"line_no": 1, "quantity": "1"}]}), 403, "access.out_of_scope")
    received = ok(receiver.post(f"/transfer-orders/{net.org}/{number}/receipts", headers=key(),
                                json={"lines": [{"line_no": 1, "quantity": "25"}]}))
    assert (received["number"], received["lines"][0]["received"]) == (number, "25")
    assert received["vouchers"] is None  # a keeper reads no vouchers
    assert (balance(app, sku, net.store), balance(app, sku, net.store, "in_transit")) == (25, 5)
    # The receiving end lists and reads its incoming transfer (its site is the transfer's receiving site).
    incoming = receiver.get("/documents", params={"type": "transfer_order"}).json()["documents"]
    assert number in [d["number"] for d in incoming]
    assert receiver.get(f"/documents/{net.org}/{number}").status_code == 200

    # Closing writes the 5 still in transit off to @transit-loss: the regional manager (transfer kinds,
    # no counterparties) may not; the receiving keeper charges them to the store's own expense.
    refused(manager.post(f"/transfer-orders/{net.org}/{number}/close", headers=key(),
                         json={"responsible": {"1": "receiver"}, "reason": "途损"}), 403, "access.counterparty_denied")
    closed = ok(receiver.post(f"/transfer-orders/{net.org}/{number}/close", headers=key(),
                              json={"responsible": {"1": "receiver"}, "reason": "途损"}))
    assert (closed["status"], closed["lines"][0]["shortage"], closed["lines"][0]["responsible"]) == (
        "done", "5", "receiver")
    detail = ok(director.get(f"/documents/{net.org}/{number}"))
    assert {v["kind"] for v in detail["vouchers"]} == {"transit_loss.inventory", "loss_charge.receiver"}
    assert [h["action"] for h in detail["history"]][-3:] == ["ship", "receive", "close"]


def test_an_intercompany_transfer_books_a_sale_and_a_purchase_that_a_director_sees_in_both_books(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    seller, buyer = network(app), network(app)
    carrier = supplier(app)
    sku = item(app)
    opening(app, seller.org, seller.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(100),
                                                             unit_cost=Decimal("10.00")))
    manager = as_role(roles=("regional_manager",), region="华东")
    buyer_keeper = as_role(roles=("warehouse_keeper",), organisations=[buyer.org])

    created = ok(http.post("/transfer-orders", json={**transfer(seller.warehouse, buyer.store, sku, "40"),
                                                    "markup_pct": "5"}, headers=key()), 201)
    number = created["number"]
    assert created["partner"] == buyer.org and created["fields"]["to_org"] == buyer.org
    approve(http, manager, seller.org, number)

    # 40 leave at cost 400.00, sold at 420.00 + VAT 54.60, with 20.00 freight the buyer bears.
    shipped = ok(http.post(f"/transfer-orders/{seller.org}/{number}/shipments", headers=key(),
                           json={"lines": [{"line_no": 1, "quantity": "40"}], "freight": "20.00", "carrier": carrier,
                                 "eta": "2026-01-03T18:00:00+08:00"}))
    assert [v["kind"] for v in shipped["vouchers"]] == ["intercompany_sale"]  # the document's own organisation

    # The buyer's keeper receives them all at its store (the seller's warehouse is outside its scope).
    received = ok(buyer_keeper.post(f"/transfer-orders/{seller.org}/{number}/receipts", headers=key(),
                                    json={"lines": [{"line_no": 1, "quantity": "40"}]}))
    assert received["status"] == "done"
    assert balance(app, sku, buyer.store) == 40

    def booked(org: str) -> dict[str, dict[str, Any]]:
        page = ok(http.get("/vouchers", params={"organisation": org}))["vouchers"]
        return {v["kind"]: v for v in page if v["document_ref"] == number}

    sold, bought = booked(seller.org), booked(buyer.org)
    assert set(sold) == {"intercompany_sale"} and set(bought) == {"intercompany_purchase", "transit_arrival"}
    assert entries(sold["intercompany_sale"]) == [
        ("1122", "474.60", "0.00"), ("1405", "0.00", "400.00"), ("22210102", "0.00", "54.60"),
        ("6001", "0.00", "420.00"), ("6401", "400.00", "0.00")]
    assert entries(bought["intercompany_purchase"]) == [
        ("1402", "440.00", "0.00"), ("2202", "0.00", "20.00"), ("2202", "0.00", "474.60"),
        ("22210101", "54.60", "0.00")]
    assert entries(bought["transit_arrival"]) == [("1402", "0.00", "440.00"), ("1405", "440.00", "0.00")]
    # The seller's receivable is the buyer's payable to it.
    assert {line["partner"] for line in sold["intercompany_sale"]["lines"] if line["account"] == "1122"} == {buyer.org}
    assert {(line["partner"], line["credit"]) for line in bought["intercompany_purchase"]["lines"]
            if line["account"] == "2202"} == {(seller.org, "474.60"), (carrier, "20.00")}


def test_a_stocktake_is_opened_counted_approved_and_posted_with_its_loss_voucher(
    app: App, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    lost, kept = item(app), item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=lost, quantity=Decimal(20), unit_cost=Decimal("12.50")),
            OpeningLineIn(sku=kept, quantity=Decimal(5), unit_cost=Decimal(1)))
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    director = as_role()

    # A clerk may not open one (its kinds are sale and return); the keeper opens a blind sheet.
    body = {"site": net.warehouse, "skus": [lost, kept]}
    refused(clerk.post("/stocktakes", json=body, headers=key()), 403, "access.kind_denied")
    sheet = ok(keeper.post("/stocktakes", json=body, headers=key()), 201)
    number = sheet["number"]
    assert (sheet["type"], sheet["status"], sheet["site"]) == ("stocktake", "draft", net.warehouse)
    assert sorted(line["sku"] for line in sheet["lines"]) == sorted([lost, kept])
    assert all("book_qty" not in line for line in sheet["lines"])  # a blind count

    # Posting a draft is refused; counts go in once per key.
    refused(keeper.post(f"/stocktakes/{net.org}/{number}/post", headers=key()), 409, "stocktake.not_approved")
    headers = key()
    counts = {"counts": [{"sku": lost, "counted": "18"}, {"sku": kept, "counted": "5"}]}
    counted = ok(keeper.post(f"/stocktakes/{net.org}/{number}/counts", json=counts, headers=headers))
    assert {line["sku"]: line["counted_qty"] for line in counted["lines"]} == {lost: "18", kept: "5"}
    replay = keeper.post(f"/stocktakes/{net.org}/{number}/counts", json=counts, headers=headers)
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (200, "true")
    assert [h["action"] for h in replay.json()["history"]].count("count") == 1

    # Submitted: the variance is 2 × 12.50; a regional manager approves; still refused to a clerk.
    request = ok(keeper.post(f"/documents/{net.org}/{number}/submit", headers=key()))["approval"]
    assert request["flow"] == "stocktake.default"
    ok(manager.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    refused(clerk.post(f"/stocktakes/{net.org}/{number}/post", headers=key()), 403, "access.kind_denied")
    refused(manager.post(f"/stocktakes/{net.org}/{number}/post", headers=key()), 403, "access.kind_denied")

    headers = key()
    posted = ok(keeper.post(f"/stocktakes/{net.org}/{number}/post", headers=headers))
    assert posted["status"] == "done"
    assert [(m["sku"], m["quantity"], m["role"]) for m in posted["movements"]] == [(lost, "2", "loss")]
    again = keeper.post(f"/stocktakes/{net.org}/{number}/post", headers=headers)
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert balance(app, lost, net.warehouse) == 18
    vouchers = ok(director.get(f"/documents/{net.org}/{number}"))["vouchers"]
    assert [(v["kind"], entries(v)) for v in vouchers] == [
        ("stocktake_loss", [("1405", "0.00", "25.00"), ("1901", "25.00", "0.00")])]


def test_a_landed_cost_is_shared_over_a_receipt_and_booked_to_the_carrier(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    vendor, carrier = supplier(app, "华东乳业"), supplier(app)
    tea, cups = item(app), item(app)
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    approver = as_role()
    order = ok(http.post("/purchase-orders", headers=key(), json={
        "organisation": net.org, "supplier": vendor, "site": net.warehouse, "lines": [
            {"sku": tea, "quantity": "100", "unit_price": "10.00", "expected_date": "2026-01-10"},
            {"sku": cups, "quantity": "50", "unit_price": "6.00", "expected_date": "2026-01-10"}]}), 201)["number"]
    request = ok(http.post(f"/documents/{net.org}/{order}/submit", headers=key()))["approval"]
    ok(approver.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    receipt = ok(keeper.post(f"/purchase-orders/{net.org}/{order}/receipts", headers=key(), json={"lines": [
        {"po_line": 1, "quantity": "100", "to_qc": False}, {"po_line": 2, "quantity": "50", "to_qc": False}]}),
        201)["number"]

    # 130.00 + VAT 11.70 by value over 1000.00 and 300.00 of goods: 100.00 and 30.00, all capitalised.
    body = {"total": "130.00", "vat": "11.70", "basis": "value", "carrier": carrier}
    refused(clerk.post(f"/goods-receipts/{net.org}/{receipt}/landed-costs", json=body, headers=key()), 403,
            "access.kind_denied")
    headers = key()
    landed = ok(keeper.post(f"/goods-receipts/{net.org}/{receipt}/landed-costs", json=body, headers=headers))
    assert landed["number"] == receipt
    entry = next(h for h in landed["history"] if h["action"] == "landed_cost")
    assert (entry["detail"]["shares"], entry["detail"]["capitalised"]) == (["100.00", "30.00"], "130.00")
    replay = keeper.post(f"/goods-receipts/{net.org}/{receipt}/landed-costs", json=body, headers=headers)
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (200, "true")
    vouchers = {v["kind"]: v for v in ok(http.get(f"/documents/{net.org}/{receipt}"))["vouchers"]}
    assert set(vouchers) == {"purchase_receipt", "landed_cost"}
    assert entries(vouchers["landed_cost"]) == [
        ("1405", "100.00", "0.00"), ("1405", "30.00", "0.00"), ("2202", "0.00", "141.70"),
        ("22210101", "11.70", "0.00")]

    # Not a goods receipt: 404; a basis it does not know: 422 naming it.
    refused(keeper.post(f"/goods-receipts/{net.org}/{order}/landed-costs", json=body, headers=key()), 404,
            "document.not_found")
    bad = keeper.post(f"/goods-receipts/{net.org}/{receipt}/landed-costs", json={**body, "basis": "volume"},
                      headers=key())
    assert bad.status_code == 422 and "basis" in bad.text


def test_who_may_create_a_transfer_and_where(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net, far = network(app), network(app, region="西南")
    sku = item(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), region="华东")
    store_keeper = as_role(roles=("warehouse_keeper",), home_site=net.store, radius_km=1)

    refused(clerk.post("/transfer-orders", json=transfer(net.store, net.warehouse, sku, "1"), headers=key()), 403,
            "access.kind_denied")
    refused(manager.post("/transfer-orders", json=transfer(far.warehouse, net.store, sku, "1"), headers=key()), 403,
            "access.out_of_scope")
    refused(store_keeper.post("/transfer-orders", json=transfer(net.warehouse, net.store, sku, "1"), headers=key()),
            403, "access.out_of_scope")
    created = ok(manager.post("/transfer-orders", json=transfer(net.warehouse, net.store, sku, "1"), headers=key()),
                 201)
    assert created["created_by"].startswith("user:")
    # A transfer's steps name transfers only, and bad input is named.
    refused(manager.post(f"/transfer-orders/{net.org}/TO-2099-999999/receipts", headers=key(),
                         json={"lines": [{"line_no": 1, "quantity": "1"}]}), 404, "document.not_found")
    refused(manager.post("/transfer-orders", json=transfer(net.warehouse, net.warehouse, sku, "1"), headers=key()),
            422, "transfer.same_site")
    bad = manager.post(f"/transfer-orders/{net.org}/{created['number']}/close", headers=key(),
                       json={"responsible": {"x": "carrier"}, "reason": "r"})
    assert bad.status_code == 422 and "responsible" in bad.text
