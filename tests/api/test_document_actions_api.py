"""The document detail says what the caller may do next, and every action it offers is one the API accepts."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from jxc.bootstrap import App
from tests.api.test_documents_api import key, ok, partners, purchase_order
from tests.factories import item, network


def actions(client: httpx.Client, org: str, number: str) -> list[str]:
    result: list[str] = ok(client.get(f"/documents/{org}/{number}"))["actions"]
    return result


def test_actions_follow_the_lifecycle_and_the_callers_role(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, customer = partners(app)
    sku = item(app)
    director = as_role()
    keeper = as_role(roles=("warehouse_keeper",), organisations=[net.org])
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")

    # A draft: its author may submit it; a clerk (sales only) may do nothing with a purchase order.
    po = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, sku, quantity="10"), headers=key()), 201)
    assert po["actions"] == ["submit"]
    assert actions(clerk, net.org, po["number"]) == []

    # Submitted: the director may decide it; its author (own document) and the keeper may not.
    submitted = ok(http.post(f"/documents/{net.org}/{po['number']}/submit", headers=key()))
    assert submitted["actions"] == []
    assert actions(director, net.org, po["number"]) == ["approve", "reject"]
    assert actions(keeper, net.org, po["number"]) == []
    ok(director.post(f"/approvals/{submitted['approval']['id']}/approve", json={}, headers=key()))

    # Approved: the keeper may receive (and record the supplier's shipping notice) — and receiving works.
    assert actions(keeper, net.org, po["number"]) == ["receive", "shipping_notice"]
    receipt = ok(keeper.post(f"/purchase-orders/{net.org}/{po['number']}/receipts", headers=key(),
                             json={"lines": [{"po_line": 1, "quantity": "10", "to_qc": True}]}), 201)
    # What waits in QC can be inspected or returned; landed costs can be added. The order is done.
    assert receipt["actions"] == ["inspect", "return", "landed_cost"]
    assert actions(keeper, net.org, po["number"]) == []
    ok(keeper.post(f"/goods-receipts/{net.org}/{receipt['number']}/inspections", headers=key(),
                   json={"lines": [{"receipt_line": 1, "passed": "10", "failed": "0"}]}), 201)
    assert actions(keeper, net.org, receipt["number"]) == ["return", "landed_cost"]

    # A sales order: once approved the keeper may ship it; once shipped, the shipment may be returned.
    so = ok(clerk.post("/sales-orders", headers=key(), json={
        "organisation": net.org, "site": net.warehouse, "customer": customer,
        "lines": [{"sku": sku, "quantity": "4", "unit_price": "25.00"}]}), 201)
    request = ok(clerk.post(f"/documents/{net.org}/{so['number']}/submit", headers=key()))["approval"]
    assert actions(manager, net.org, so["number"]) == ["approve", "reject"]
    ok(manager.post(f"/approvals/{request['id']}/approve", json={}, headers=key()))
    assert actions(keeper, net.org, so["number"]) == ["ship"]
    shipment = ok(keeper.post(f"/sales-orders/{net.org}/{so['number']}/shipments", headers=key(),
                              json={"lines": [{"so_line": 1, "quantity": "4"}]}), 201)
    assert shipment["actions"] == ["return"]
    assert actions(keeper, net.org, so["number"]) == []
