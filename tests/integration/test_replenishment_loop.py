"""From ingested sales to an approved draft purchase order, with the reasons kept; surges raise alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import DocumentStatus, PurchaseOrder
from jxc.documents.services import approvals, purchasing
from jxc.documents.services import common as c
from jxc.documents.services.common import Wiring
from jxc.inventory.commands import MoveLine
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import Conflict
from jxc.replenishment import services as replenishment
from jxc.replenishment.scheduler import Scheduler
from jxc.signals import services as signals
from jxc.signals.model import Channel, SalesEvent
from jxc.workflow.config import parse_flows
from tests.conftest import ref
from tests.factories import item, network, post, receive


def history(site: str, sku: str, *, days: int, end: datetime, per_day: int) -> list[SalesEvent]:
    """``per_day`` units a day (two sales, lunch and evening) for ``days`` days before ``end``."""
    events = []
    for back in range(days, 0, -1):
        day = end - timedelta(days=back)
        weekend = day.weekday() >= 5
        for hour, share in ((4, 0.4), (11, 0.6)):  # 12:00 and 19:00 Shanghai
            qty = max(1, round(per_day * share * (1.3 if weekend else 1.0)))
            events.append(SalesEvent(event_id=ref("EV"), occurred_at=day.replace(hour=hour), channel=Channel.POS,
                                     site=site, sku=sku, quantity=Decimal(qty), unit_price=Decimal("12.00")))
    return events


def at(uow: SqlUnitOfWork, site: str) -> list[UUID]:
    return [c.site(uow, site).id]


def ingest(app: App, events: list[SalesEvent]) -> None:
    for start in range(0, len(events), 2000):
        with app.uow() as uow:
            signals.ingest_sales(uow, events[start:start + 2000])
            uow.commit()


@pytest.fixture
def stocked(app: App, clock: FixedClock) -> tuple[App, str, str, str, str]:
    clock.current = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    net = network(app)
    sku = item(app)
    cheap, fast = ref("SUP"), ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=cheap, name="便宜供应商")
        catalog.register_supplier(uow, code=fast, name="快速供应商")
        replenishment.set_offer(uow, supplier=cheap, sku=sku, unit_price=Decimal("6.00"),
                                lead_time_days=Decimal(3), lead_time_sd_days=Decimal(1), moq=Decimal(50),
                                pack_size=Decimal(12))
        replenishment.set_offer(uow, supplier=fast, sku=sku, unit_price=Decimal("7.20"),
                                lead_time_days=Decimal(2), pack_size=Decimal(6))
        uow.commit()
    ingest(app, history(net.store, sku, days=70, end=clock.current, per_day=40))
    receive(app, sku, 100, net.store)
    return app, net.store, sku, cheap, fast


def test_sales_become_a_suggestion_with_its_reasons_and_an_approved_draft_order(
    stocked: tuple[App, str, str, str, str],
) -> None:
    app, store, sku, cheap, fast = stocked
    with app.uow() as uow:
        report = replenishment.plan(uow, app.planner, actor="user:buyer", skus=[sku])
        uow.commit()
    assert (report.series, report.suggestions, report.alerts) == (1, 1, 0)
    with app.uow() as uow:
        [suggestion] = replenishment.list_suggestions(uow, sites=at(uow, store))
    figures = suggestion.body["figures"]
    # ~46 units a day (weekends higher), 3 ± 1 days lead time + 1 day review, A item at 99.2 % fill rate.
    assert suggestion.supplier == cheap and suggestion.sku == sku and suggestion.site == store
    assert Decimal(figures["forecast_per_day"]) > 40 and Decimal(figures["on_hand"]) == 100
    assert Decimal(figures["reorder_point"]) > Decimal(figures["demand_over_protection"]) > 160
    assert Decimal(figures["safety_stock"]) > 0 and Decimal(figures["service_target"]) == Decimal("0.992")
    assert suggestion.body["class"] == "A" and "below_reorder_point" in suggestion.body["reasons"]
    assert suggestion.quantity % 12 == 0 and suggestion.quantity >= 50
    assert Decimal(figures["position"]) + suggestion.quantity >= Decimal(figures["order_up_to"])
    assert [a["supplier"] for a in suggestion.body["alternatives"]] == [cheap, fast]

    with app.uow() as uow:
        [number] = replenishment.approve(uow, [suggestion.id], actor="user:buyer")
        uow.commit()
    with app.uow() as uow:
        po: PurchaseOrder = c.load(uow, PurchaseOrder, organisation_id=c.site(uow, store).organisation_id,
                                   number=number).document
        [approved] = replenishment.list_suggestions(uow, status="approved", sites=at(uow, store))
        with pytest.raises(Conflict):
            replenishment.approve(uow, [suggestion.id], actor="user:buyer")
    assert po.status is DocumentStatus.DRAFT and [(x.sku, x.quantity, x.unit_price) for x in po.lines] == [
        (sku, suggestion.quantity, Decimal("6.00"))]
    assert approved.purchase_order == number


def test_a_replan_supersedes_open_suggestions_and_counts_approved_orders_as_on_order(
    stocked: tuple[App, str, str, str, str],
) -> None:
    app, store, sku, _cheap, _fast = stocked
    with app.uow() as uow:
        replenishment.plan(uow, app.planner, actor="user:buyer", skus=[sku])
        replenishment.plan(uow, app.planner, actor="user:buyer", skus=[sku])
        uow.commit()
    with app.uow() as uow:
        assert len(replenishment.list_suggestions(uow, sites=at(uow, store))) == 1
        assert len(replenishment.list_suggestions(uow, status="superseded", sites=at(uow, store))) == 1


def test_a_sales_surge_raises_an_alert_and_an_emergency_suggestion_from_the_fastest_supplier(
    stocked: tuple[App, str, str, str, str], clock: FixedClock,
) -> None:
    app, store, sku, cheap, fast = stocked
    clock.current = clock.current + timedelta(hours=6)  # 15:00 in Shanghai
    surge = [SalesEvent(event_id=ref("EV"), occurred_at=clock.current - timedelta(minutes=50 - i), channel=Channel.POS,
                        site=store, sku=sku, quantity=Decimal(20), unit_price=Decimal("12.00")) for i in range(10)]
    ingest(app, surge)
    with app.uow() as uow:
        report = replenishment.plan(uow, app.planner, actor="system:scheduler", trigger="schedule", skus=[sku])
        uow.commit()
    assert report.alerts == 1
    with app.uow() as uow:
        [alert] = [a for a in replenishment.list_alerts(uow) if a["site"] == store]
        [suggestion] = replenishment.list_suggestions(uow, sites=at(uow, store))
    assert Decimal(str(alert["sold_today"])) >= 200 and alert["suggestion_id"] == suggestion.id
    assert suggestion.kind == "emergency" and suggestion.supplier == fast
    assert [x["supplier"] for x in alert["candidates"]] == [fast, cheap]


def test_each_scheduler_cycle_replans_only_the_series_whose_signals_changed(
    stocked: tuple[App, str, str, str, str], clock: FixedClock,
) -> None:
    app, store, sku, _cheap, _fast = stocked
    scheduler = Scheduler(app.uow, app.planner)
    assert scheduler.interval == timedelta(minutes=15)
    # Later than any run the other tests in this database made (the loop is one for the whole database).
    clock.current = clock.current + timedelta(days=10)
    with app.uow() as uow:
        replenishment.plan(uow, app.planner, actor="user:buyer", skus=[sku])  # the previous run
        uow.commit()
    clock.current = clock.current + timedelta(minutes=15)
    assert scheduler.run_once().series == 0  # nothing arrived since
    clock.current = clock.current + timedelta(minutes=1)
    ingest(app, [SalesEvent(event_id=ref("EV"), occurred_at=clock.current, channel=Channel.POS, site=store,
                            sku=sku, quantity=Decimal(3), unit_price=Decimal("12.00"))])
    clock.current = clock.current + timedelta(minutes=14)
    assert scheduler.run_once().series == 1


def test_a_suppliers_measured_lead_time_replaces_its_quote_after_three_receipts(
    stocked: tuple[App, str, str, str, str], clock: FixedClock,
) -> None:
    app, store, sku, cheap, _fast = stocked
    one_click = Wiring(ledger=app.ledger, books=app.books, flows=parse_flows(
        'version = 1\n[[flow]]\nname = "po"\ndocument_type = "purchase_order"\ndefault = true\nauto_approve = true\n'))
    with app.uow() as uow:
        organisation = c.organisation_by_id(uow, c.site(uow, store).organisation_id).code
    for days in (5, 6, 7):  # quoted 3 days; it takes 5–7
        with app.uow() as uow:
            po = purchasing.create_purchase_order(
                uow, organisation=organisation, supplier=cheap, site=store, actor="user:buyer",
                lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(12), unit_price=Decimal(6),
                                              expected_date=clock.current.date())])
            approvals.submit(uow, one_click, organisation=organisation, number=po.number, actor="user:buyer")
            uow.commit()
        clock.current = clock.current + timedelta(days=days)
        with app.uow() as uow:
            purchasing.receive(uow, one_click, organisation=organisation, purchase_order=po.number, actor="user:wh",
                               lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(12), to_qc=False)])
            uow.commit()
    with app.uow() as uow:
        [best, *_] = [o for o in replenishment.supplier_options(uow, catalog.get_item(uow, sku).id)
                      if o.offer.supplier == cheap]
    assert (best.offer.lead_time_days, best.offer.lead_time_sd_days) == (Decimal(6), Decimal(1))


def test_days_the_shelf_was_empty_are_not_learned_as_low_demand(app: App, clock: FixedClock) -> None:
    clock.current = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    net = network(app)
    sku = item(app)
    supplier = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="供应商")
        replenishment.set_offer(uow, supplier=supplier, sku=sku, unit_price=Decimal(6), lead_time_days=Decimal(2))
        uow.commit()
    start = clock.current - timedelta(days=30)
    post(app, MoveLine(sku=sku, quantity="800", from_site="@supplier", to_site=net.store), kind="receipt",
         occurred_at=start - timedelta(hours=1))
    events = []
    for day in range(20):  # 40 a day for 20 days empties the shelf; the last 10 days sell nothing
        moment = start + timedelta(days=day, hours=3)
        post(app, MoveLine(sku=sku, quantity="40", from_site=net.store, to_site="@customer"), kind="sale",
             occurred_at=moment)
        events.append(SalesEvent(event_id=ref("EV"), occurred_at=moment, channel=Channel.POS, site=net.store, sku=sku,
                                 quantity=Decimal(40), unit_price=Decimal(12)))
    ingest(app, events)
    with app.uow() as uow:
        replenishment.plan(uow, app.planner, actor="user:buyer", skus=[sku])
        uow.commit()
    with app.uow() as uow:
        [suggestion] = replenishment.list_suggestions(uow, sites=at(uow, net.store))
    figures = suggestion.body["figures"]
    assert figures["stockout_days"] >= 10
    assert Decimal(figures["forecast_per_day"]) == 40  # not 40 × 20 / 28 ≈ 28.6
