"""Supply over HTTP: shipping notices (announce, receive against, revise), supplier reliability and
purchase requisitions (create, approve, convert); who may write them, replays, masked amounts, bad
input named."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from tests.conftest import ref
from tests.factories import Network, item, network


def key() -> dict[str, str]:
    return {"Idempotency-Key": ref("K")}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def vendor(app: App) -> str:
    code = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=code, name="华东乳业")
    return code


def approved_po(client: httpx.Client, approver: httpx.Client, net: Network, supplier: str, sku: str,
                quantity: str = "100") -> str:
    body = {"organisation": net.org, "supplier": supplier, "site": net.warehouse,
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": "10.00", "expected_date": "2026-01-10"}]}
    number: str = ok(client.post("/purchase-orders", json=body, headers=key()), 201)["number"]
    request = ok(client.post(f"/documents/{net.org}/{number}/submit", headers=key()))["approval"]
    ok(approver.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    return number


def entries(voucher: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((line["account"], line["debit"], line["credit"]) for line in voucher["lines"])


def test_a_shipping_notice_is_announced_received_against_and_revised_over_http(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier = vendor(app)
    sku = item(app)
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")
    po = approved_po(http, as_role(), net, supplier, sku)

    # The keeper records the supplier's notice: 100 in transit, due on the 4th; the same key replays.
    notice_body = {"eta": "2026-01-04T10:00:00+08:00",
                   "lines": [{"po_line": 1, "quantity": "100", "promised_date": "2026-01-04"}]}
    headers = key()
    notice = ok(keeper.post(f"/purchase-orders/{net.org}/{po}/shipping-notices", json=notice_body,
                            headers=headers), 201)
    assert (notice["type"], notice["status"], notice["partner"], notice["site"]) == (
        "advance_shipping_notice", "approved", supplier, net.warehouse)
    assert notice["source"]["number"] == po and notice["amount"] == "1130.00"
    assert [(m["sku"], m["quantity"], m["role"], m["line_no"]) for m in notice["movements"]] == [
        (sku, "100", "in_transit", 1)]
    again = keeper.post(f"/purchase-orders/{net.org}/{po}/shipping-notices", json=notice_body, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == notice["number"]
    [into] = ok(http.get("/vouchers", params={"organisation": net.org, "document": notice["number"]}))["vouchers"]
    assert entries(into) == [("1402", "1000.00", "0.00"), ("2202", "0.00", "1130.00"), ("22210101", "130.00", "0.00")]
    atp = ok(keeper.get(f"/items/{sku}/atp", params={"by": "site"}))
    assert [(g["key"], g["scheduled_receipts"], g["atp"]) for g in atp["groups"]] == [(net.warehouse, "100", "100")]

    # A clerk may not record purchases; a manager sees the notice with its amount masked.
    refused = clerk.post(f"/purchase-orders/{net.org}/{po}/shipping-notices", json=notice_body, headers=key())
    assert (refused.status_code, refused.json()["code"]) == (403, "access.kind_denied")
    assert ok(manager.get(f"/documents/{net.org}/{notice['number']}"))["amount"] == "***"

    # 60 arrive against the notice; then the supplier says only 30 more are coming.
    receipt = ok(keeper.post(f"/shipping-notices/{net.org}/{notice['number']}/receipts", headers=key(),
                             json={"lines": [{"po_line": 1, "quantity": "60", "to_qc": False}]}), 201)
    assert receipt["type"] == "goods_receipt" and receipt["source"]["number"] == po
    assert receipt["vouchers"] is None  # a keeper reads no vouchers
    [arrival] = ok(http.get("/vouchers", params={"organisation": net.org, "document": receipt["number"]}))["vouchers"]
    assert entries(arrival) == [("1402", "0.00", "600.00"), ("1405", "600.00", "0.00")]
    revision = {"lines": [{"po_line": 1, "quantity": "60", "promised_date": "2026-01-04"},
                          {"po_line": 1, "quantity": "30", "promised_date": "2026-01-09"}], "reason": "缺货"}
    headers = key()
    revised = ok(keeper.post(f"/shipping-notices/{net.org}/{notice['number']}/revisions", json=revision,
                             headers=headers))
    assert revised["fields"]["revision"] == 1 and revised["status"] == "partially_done"
    assert [line["quantity"] for line in revised["fields"]["history"][0]["lines"]] == ["100"]
    replay = keeper.post(f"/shipping-notices/{net.org}/{notice['number']}/revisions", json=revision, headers=headers)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert [m["role"] for m in ok(http.get(f"/documents/{net.org}/{notice['number']}"))["movements"]] == [
        "in_transit", "reverse"]
    too_much = keeper.post(f"/shipping-notices/{net.org}/{notice['number']}/receipts", headers=key(),
                           json={"lines": [{"po_line": 1, "quantity": "31", "to_qc": False}]})
    assert (too_much.status_code, too_much.json()["code"], too_much.json()["field"]) == (
        422, "asn.exceeds_in_transit", "lines[0].quantity")

    # Bad input is named; a notice against anything but a purchase order is not found.
    naive = keeper.post(f"/purchase-orders/{net.org}/{po}/shipping-notices", headers=key(),
                        json={**notice_body, "eta": "2026-01-04T10:00:00"})
    assert (naive.status_code, naive.json()["code"]) == (422, "time.naive")
    wrong = keeper.post(f"/purchase-orders/{net.org}/{receipt['number']}/shipping-notices", json=notice_body,
                        headers=key())
    assert (wrong.status_code, wrong.json()["code"]) == (404, "document.not_found")


def test_supplier_reliability_over_http_keeps_to_the_callers_sites(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net, elsewhere = network(app), network(app, region="华北")
    supplier = vendor(app)
    sku = item(app)
    po = approved_po(http, as_role(), net, supplier, sku, quantity="10")
    notice = ok(http.post(f"/purchase-orders/{net.org}/{po}/shipping-notices", headers=key(), json={
        "eta": "2026-01-02T00:00:00Z", "lines": [{"po_line": 1, "quantity": "10", "promised_date": "2026-01-02"}]}),
        201)
    ok(http.post(f"/shipping-notices/{net.org}/{notice['number']}/receipts", headers=key(),  # two days late
                 json={"lines": [{"po_line": 1, "quantity": "10", "to_qc": False}], "received_on": "2026-01-04"}), 201)

    report = ok(http.get(f"/suppliers/{supplier}/reliability"))
    assert (report["notices"], report["counted"], report["on_time_rate"], report["mean_days_late"],
            report["p90_days_late"], report["fill_rate"]) == (1, 1, "0.0000", "2.00", 2, "1.0000")
    assert [(o["asn"], o["purchase_order"], o["days_late"], o["actual_date"]) for o in report["outcomes"]] == [
        (notice["number"], po, 2, "2026-01-04")]
    outsider = as_role(roles=("warehouse_keeper",), organisations=[elsewhere.org])
    theirs = ok(outsider.get(f"/suppliers/{supplier}/reliability"))
    assert (theirs["notices"], theirs["on_time_rate"], theirs["outcomes"]) == (0, None, [])
    missing = http.get("/suppliers/NO-SUCH-SUPPLIER/reliability")
    assert (missing.status_code, missing.json()["code"]) == (404, "supplier.not_found")


def test_a_requisition_is_created_approved_and_converted_over_http(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier = vendor(app)
    sku = item(app)
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")
    body = {"organisation": net.org, "site": net.warehouse,
            "lines": [{"sku": sku, "quantity": "2", "unit": "箱", "needed_by": "2026-01-08", "reason": "周末促销"},
                      {"sku": sku, "quantity": "10", "needed_by": "2026-01-15"}]}
    headers = key()
    pr = ok(keeper.post("/purchase-requisitions", json=body, headers=headers), 201)
    assert (pr["type"], pr["status"], pr["site"]) == ("purchase_requisition", "draft", net.warehouse)
    assert [(line["quantity"], line["unit"]) for line in pr["lines"]] == [("2", "箱"), ("10", "支")]
    again = keeper.post("/purchase-requisitions", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["number"] == pr["number"]

    conversion = {"supplier": supplier, "lines": [{"line": 1, "unit_price": "96.00"}]}
    early = http.post(f"/purchase-requisitions/{net.org}/{pr['number']}/purchase-orders", json=conversion,
                      headers=key())
    assert (early.status_code, early.json()["code"]) == (409, "requisition.not_approved")

    request = ok(keeper.post(f"/documents/{net.org}/{pr['number']}/submit", headers=key()))["approval"]
    assert request["flow"] == "purchase_requisition.default" and request["current_level"] == "regional_manager"
    ok(manager.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))

    headers = key()
    po = ok(http.post(f"/purchase-requisitions/{net.org}/{pr['number']}/purchase-orders", json=conversion,
                      headers=headers), 201)
    assert (po["type"], po["status"], po["partner"], po["site"]) == ("purchase_order", "draft", supplier,
                                                                    net.warehouse)
    assert po["source"]["number"] == pr["number"]
    assert [(x["sku"], x["quantity"], x["unit"], x["unit_price"]) for x in po["lines"]] == [(sku, "2", "箱", "96.00")]
    replay = http.post(f"/purchase-requisitions/{net.org}/{pr['number']}/purchase-orders", json=conversion,
                       headers=headers)
    assert replay.status_code == 200 and replay.json()["number"] == po["number"]
    after = ok(http.get(f"/documents/{net.org}/{pr['number']}"))
    assert after["status"] == "partially_done" and [e["number"] for e in after["executions"]] == [po["number"]]
    twice = http.post(f"/purchase-requisitions/{net.org}/{pr['number']}/purchase-orders", headers=key(),
                      json={"supplier": supplier, "lines": [{"line": 2, "unit_price": "4"},
                                                             {"line": 2, "unit_price": "4"}]})
    assert (twice.status_code, twice.json()["field"]) == (422, "lines[1].line")
    assert Decimal(after["lines"][0]["quantity"]) == 2
