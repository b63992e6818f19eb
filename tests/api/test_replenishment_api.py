"""Replenishment over HTTP: replan, suggestions with reasons, approve into draft orders, ranked suppliers."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.kernel.clock import FixedClock
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.test_replenishment_loop import history, ingest


def test_a_buyer_replans_reads_the_reasons_and_approves_into_a_draft_order(
    app: App, clock: FixedClock, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    sku = item(app)
    supplier = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
        uow.commit()
    offer = http.put("/replenishment/offers", json={"supplier": supplier, "sku": sku, "unit_price": "6.00",
                                                     "lead_time_days": "3", "pack_size": "12"})
    assert offer.status_code == 200, offer.text
    assert [o["supplier"] for o in offer.json()] == [supplier]
    ingest(app, history(net.store, sku, days=40, end=clock.current, per_day=30))

    run = http.post("/replenishment/runs", json={"skus": [sku]})
    assert run.status_code == 200, run.text
    assert (run.json()["series"], run.json()["suggestions"]) == (1, 1)
    chart = http.get(f"/forecasts/{sku}/{net.store}").json()
    assert len(chart["actuals"]) == 40 and len(chart["path"]) == 28 and chart["method"]
    assert {"mean", "q0.5", "q0.992"} <= set(chart["path"][0]) and chart["demand_class"] == "smooth"
    page = http.get("/replenishment/suggestions").json()["suggestions"]
    mine = [s for s in page if s["sku"] == sku]
    assert len(mine) == 1 and "below_reorder_point" in mine[0]["reasons"]
    assert {"forecast_per_day", "safety_stock", "reorder_point", "on_hand", "in_transit", "open_orders"} <= set(
        mine[0]["figures"])

    # A regional manager sees the suggestion, purchase prices masked; a clerk may not approve.
    manager = as_role(roles=("regional_manager",), organisations=[net.org], region="华东")
    seen = [s for s in manager.get("/replenishment/suggestions").json()["suggestions"] if s["sku"] == sku]
    assert seen and seen[0]["alternatives"][0]["unit_price"] == "***"
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    refused = clerk.post("/replenishment/suggestions/approve", json={"ids": [mine[0]["id"]]})
    assert refused.status_code == 403

    approved = http.post("/replenishment/suggestions/approve", json={"ids": [mine[0]["id"]]})
    assert approved.status_code == 200, approved.text
    [number] = approved.json()["purchase_orders"]
    order = http.get(f"/documents/{net.org}/{number}").json()
    assert order["status"] == "draft" and order["lines"][0]["sku"] == sku
    assert order["lines"][0]["quantity"] == mine[0]["quantity"]
    again = http.post("/replenishment/suggestions/approve", json={"ids": [mine[0]["id"]]})
    assert (again.status_code, again.json()["code"]) == (409, "suggestion.not_open")


def test_bad_input_names_the_field_and_writes_nothing(app: App, http: httpx.Client) -> None:
    sku = item(app)
    unknown = http.put("/replenishment/offers", json={"supplier": "NO-SUCH-SUP", "sku": sku, "unit_price": "6",
                                                       "lead_time_days": "3"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "supplier.not_found")
    no_pack = http.put("/replenishment/offers", json={"supplier": "NO-SUCH-SUP", "sku": sku, "unit_price": "6",
                                                       "lead_time_days": "3", "pack_size": "0"})
    assert no_pack.status_code == 422 and "pack_size" in no_pack.json()["field"]
    assert http.get(f"/replenishment/offers/{sku}").json() == []  # nothing recorded
    missing = "00000000-0000-7000-8000-000000000000"
    refused = http.post("/replenishment/suggestions/approve", json={"ids": [missing]})
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        404, "suggestion.not_found", "ids[0]")
    empty = http.post("/replenishment/suggestions/approve", json={"ids": []})
    assert empty.status_code == 422 and empty.json()["field"] == "ids"
