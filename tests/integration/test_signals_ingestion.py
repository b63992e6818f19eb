"""Sales events: idempotent on their event id, all-or-nothing per batch, summed by the site's local day and hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.kernel.errors import Conflict, InvalidInput, NotFound
from jxc.org import services as org
from jxc.signals import services as signals
from jxc.signals import tables as t
from jxc.signals.model import Channel, SalesEvent
from tests.conftest import ref
from tests.factories import item, network

# 2025-12-31 16:30 UTC is 2026-01-01 00:30 in Shanghai: the sale belongs to New Year's Day locally.
LATE_UTC = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)


def sale(site: str, sku: str, *, at: datetime, qty: str = "2", price: str = "3.50", promo: bool = False,
         event_id: str | None = None, channel: Channel = Channel.POS) -> SalesEvent:
    return SalesEvent(event_id=event_id or ref("EV"), occurred_at=at, channel=channel, site=site, sku=sku,
                      quantity=Decimal(qty), unit_price=Decimal(price), promotion=promo)


def history(app: App, site: str, sku: str, *, hourly: bool = False) -> list[signals.DemandPoint]:
    with app.uow() as uow:
        return signals.demand_history(uow, item_id=catalog.get_item(uow, sku).id,
                                      site_id=org.get_site(uow, site).id, hourly=hourly)


def ingest(app: App, events: list[SalesEvent]) -> signals.IngestReport:
    with app.uow() as uow:
        report = signals.ingest_sales(uow, events)
        uow.commit()
    return report


def count_events(app: App) -> int:
    with app.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(t.sig_sales_events)).scalar_one())


def test_events_add_up_by_local_day_and_hour_and_a_retry_counts_once(app: App) -> None:
    net = network(app)
    sku = item(app)
    batch = [sale(net.store, sku, at=LATE_UTC, qty="2", price="3.50"),
             sale(net.store, sku, at=LATE_UTC + timedelta(minutes=10), qty="1", price="3.00", promo=True),
             sale(net.store, sku, at=LATE_UTC + timedelta(hours=2), qty="5", price="3.50")]
    assert ingest(app, batch) == signals.IngestReport(accepted=3, duplicates=0)
    assert ingest(app, batch) == signals.IngestReport(accepted=0, duplicates=3)  # the till retried
    days = history(app, net.store, sku)
    assert [(d.period, d.quantity, d.promo_quantity, d.revenue, d.events) for d in days] == [
        (date(2026, 1, 1), Decimal(8), Decimal(1), Decimal("27.50"), 3)]
    hours = history(app, net.store, sku, hourly=True)
    assert [(h.period, h.quantity) for h in hours] == [
        (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), Decimal(3)), (datetime(2025, 12, 31, 18, 0, tzinfo=UTC), Decimal(5))]


def test_the_same_event_twice_in_one_batch_counts_once(app: App) -> None:
    net = network(app)
    sku = item(app)
    event = sale(net.store, sku, at=LATE_UTC)
    assert ingest(app, [event, event]) == signals.IngestReport(accepted=1, duplicates=1)
    assert [d.quantity for d in history(app, net.store, sku)] == [Decimal(2)]


def test_a_reused_event_id_with_other_content_is_a_conflict_and_writes_nothing(app: App) -> None:
    net = network(app)
    sku = item(app)
    first = sale(net.store, sku, at=LATE_UTC, event_id=ref("EV"))
    ingest(app, [first])
    before = count_events(app)
    other = sale(net.store, sku, at=LATE_UTC + timedelta(minutes=1), qty="9", event_id=first.event_id)
    with pytest.raises(Conflict) as info:
        ingest(app, [sale(net.store, sku, at=LATE_UTC), other])
    assert (info.value.code, info.value.field) == ("signal.event_id_reused", "events[1].event_id")
    assert count_events(app) == before and [d.quantity for d in history(app, net.store, sku)] == [Decimal(2)]


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"sku": "NO-SUCH-SKU"}, "item.not_found", "events[1].sku"),
    ({"site": "NO-SUCH-SITE"}, "site.not_found", "events[1].site"),
    ({"quantity": Decimal("-1")}, "quantity.not_positive", "events[1].quantity"),
    ({"unit_price": Decimal("-0.01")}, "field.invalid", "events[1].unit_price"),
    ({"occurred_at": datetime(2025, 12, 31, 16, 0)}, "time.naive", "events[1].occurred_at"),
    ({"occurred_at": LATE_UTC - timedelta(minutes=1)}, "signal.out_of_order", "events[1].occurred_at"),
    ({"occurred_at": datetime(2030, 1, 1, tzinfo=UTC)}, "field.invalid", "events[1].occurred_at"),
])
def test_bad_input_names_the_event_and_nothing_is_half_ingested(
    app: App, change: dict[str, object], code: str, field: str,
) -> None:
    net = network(app)
    sku = item(app)
    good = sale(net.store, sku, at=LATE_UTC)
    values = {**vars(sale(net.store, sku, at=LATE_UTC + timedelta(minutes=5))), **change}
    before = count_events(app)
    with pytest.raises((InvalidInput, NotFound)) as info:
        ingest(app, [good, SalesEvent(**values)])  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == (code, field)
    assert count_events(app) == before and history(app, net.store, sku) == []
