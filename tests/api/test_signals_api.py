"""Sales events over HTTP: batches, retries counted once, bad events named, the caller's sites only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from jxc.bootstrap import App
from tests.conftest import ref
from tests.factories import item, network

AT = datetime(2025, 12, 31, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def event(site: str, sku: str, minutes: int = 0, **change: Any) -> dict[str, Any]:
    return {"event_id": ref("EV"), "occurred_at": (AT + timedelta(minutes=minutes)).isoformat(), "channel": "pos",
            "site": site, "sku": sku, "quantity": "2", "unit_price": "4.50", **change}


def test_a_store_sends_its_sales_and_reads_the_demand_they_add_up_to(
    app: App, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    sku = item(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    batch = [event(net.store, sku, 0), event(net.store, sku, 30, promotion=True), event(net.store, sku, 90)]
    first = clerk.post("/signals/sales", json={"events": batch})
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": 3, "duplicates": 0}
    assert clerk.post("/signals/sales", json={"events": batch}).json() == {"accepted": 0, "duplicates": 3}
    days = clerk.get("/signals/demand", params={"sku": sku, "site": net.store}).json()
    assert [(p["period"], p["quantity"], p["promo_quantity"], p["events"]) for p in days["points"]] == [
        ("2025-12-31", "6", "2", 3)]
    hours = clerk.get("/signals/demand", params={"sku": sku, "site": net.store, "by": "hour"}).json()
    assert [p["quantity"] for p in hours["points"]] == ["4", "2"]


def test_a_bad_event_refuses_the_batch_naming_it(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    sku = item(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    for bad, code, field in (
        (event(net.store, "NO-SUCH", 5), "item.not_found", "events[1].sku"),
        (event(net.store, sku, 5, quantity="-3"), "quantity.not_positive", "events[1].quantity"),
        (event(net.store, sku, -5), "signal.out_of_order", "events[1].occurred_at"),
        (event(net.store, sku, 5, occurred_at="2025-12-31T10:00:00"), "field.invalid", "events.1.occurred_at"),
    ):
        answer = clerk.post("/signals/sales", json={"events": [event(net.store, sku, 0), bad]})
        assert answer.status_code in (404, 422), answer.text
        problem = answer.json()
        assert (problem["code"], problem["field"]) == (code, field), problem
    days = clerk.get("/signals/demand", params={"sku": sku, "site": net.store}).json()
    assert days["points"] == []  # nothing of any refused batch was taken


def test_events_at_a_site_outside_the_callers_scope_are_refused(
    app: App, as_role: Callable[..., httpx.Client],
) -> None:
    net, other = network(app), network(app)
    sku = item(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    answer = clerk.post("/signals/sales", json={"events": [event(other.store, sku)]})
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (
        403, "access.out_of_scope", "events[0].site")
    keeper_reads = as_role(roles=("auditor",)).get("/signals/demand", params={"sku": sku, "site": net.store})
    assert keeper_reads.status_code == 200
