"""Signal use cases on a unit of work: ingest sales events, read demand history.

A batch is all or nothing: every event is checked and resolved before anything is written, so a
bad event leaves the batch unwritten and names itself (``events[3].sku``). Events already stored
under the same id and content are counted as duplicates and add nothing; the demand projection
grows only by events inserted in this transaction, so a retried batch is never counted twice. Two
concurrent batches carrying the same new event meet at the events table's primary key: one
commits, the other fails whole and, retried, finds its events already there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite

from jxc.catalog import services as catalog
from jxc.db.prepared import Prepared
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Conflict, NotFound
from jxc.org import services as org
from jxc.signals import tables as t
from jxc.signals.environment import Reading, Series, check_readings
from jxc.signals.model import DemandCell, SalesEvent, aggregate, check_batch

_INSERT_EVENT = Prepared.insert(t.sig_sales_events, [
    "event_id", "fingerprint", "occurred_at", "channel", "site_id", "item_id", "quantity", "unit_price", "promotion",
    "received_at"])
_LOOKUP_CHUNK = 500


def _upsert(table: Table, bucket: str) -> dict[str, Prepared]:
    """INSERT … ON CONFLICT DO UPDATE adding to the cell, per dialect."""
    statements = {}
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert)):
        statement = insert(table)
        added = {column: table.c[column] + statement.excluded[column]
                 for column in ("quantity", "promo_quantity", "revenue", "events")}
        statements[name] = Prepared(statement.on_conflict_do_update(index_elements=["item_id", "site_id", bucket],
                                                                    set_=added),
                                    column_keys=["item_id", "site_id", bucket, "quantity", "promo_quantity",
                                                 "revenue", "events"])
    return statements


_ADD_DAILY = _upsert(t.sig_demand_daily, "day")
_ADD_HOURLY = _upsert(t.sig_demand_hourly, "hour")


@dataclass(frozen=True)
class IngestReport:
    accepted: int  # new events stored and added to the demand history
    duplicates: int  # events already stored with the same id and content (retries)


def ingest_sales(uow: SqlUnitOfWork, events: Sequence[SalesEvent]) -> IngestReport:
    """Store new sales events and add them to the daily and hourly demand history (no commit)."""
    now = uow.clock.now()
    check_batch(events, now=now)
    sites = org.sites_by_code(uow, {e.site for e in events})
    items = catalog.items_by_sku(uow, {e.sku for e in events})
    for i, event in enumerate(events):
        place = sites.get(event.site)
        if place is None or place.virtual_role is not None:
            raise NotFound("site.not_found", field=f"events[{i}].site", value=event.site)
        if event.sku not in items:
            raise NotFound("item.not_found", field=f"events[{i}].sku", value=event.sku)
    stored = _stored_fingerprints(uow, [e.event_id for e in events])
    fresh: dict[str, SalesEvent] = {}
    duplicates = 0
    for i, event in enumerate(events):
        known = stored.get(event.event_id)
        if known is not None and known != event.fingerprint():
            raise Conflict("signal.event_id_reused", field=f"events[{i}].event_id", value=event.event_id)
        if known is not None or event.event_id in fresh:
            duplicates += 1
            continue
        fresh[event.event_id] = event
    if fresh:
        new = list(fresh.values())
        _INSERT_EVENT.run_many(uow.connection, [{
            "event_id": e.event_id, "fingerprint": e.fingerprint(), "occurred_at": e.occurred_at,
            "channel": e.channel.value, "site_id": sites[e.site].id, "item_id": items[e.sku].id,
            "quantity": e.quantity, "unit_price": e.unit_price, "promotion": e.promotion, "received_at": now,
        } for e in new])
        zones = {code: ZoneInfo(site.timezone) for code, site in sites.items()}
        dialect = uow.dialect
        for hourly, statements, bucket in ((False, _ADD_DAILY, "day"), (True, _ADD_HOURLY, "hour")):
            cells = aggregate(new, zones=zones, hourly=hourly)
            statements[dialect].run_many(uow.connection, [
                _cell_row(sites[site].id, items[sku].id, bucket, when, cell)
                for (site, sku, when), cell in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2])))])
    return IngestReport(accepted=len(fresh), duplicates=duplicates)


def _cell_row(site_id: UUID, item_id: UUID, bucket: str, when: date | datetime, cell: DemandCell) -> dict[str, object]:
    return {"item_id": item_id, "site_id": site_id, bucket: when, "quantity": cell.quantity,
            "promo_quantity": cell.promo_quantity, "revenue": cell.revenue, "events": cell.events}


def _stored_fingerprints(uow: SqlUnitOfWork, event_ids: Sequence[str]) -> dict[str, str]:
    e = t.sig_sales_events
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(event_ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start:start + _LOOKUP_CHUNK]
        rows = uow.connection.execute(select(e.c.event_id, e.c.fingerprint).where(e.c.event_id.in_(chunk)))
        found.update({row[0]: row[1] for row in rows})
    return found


@dataclass(frozen=True)
class DemandPoint:
    period: date | datetime
    quantity: Decimal
    promo_quantity: Decimal
    revenue: Decimal
    events: int


def demand_history(
    uow: SqlUnitOfWork, *, item_id: UUID, site_id: UUID, hourly: bool = False,
    since: date | datetime | None = None, until: date | datetime | None = None,
) -> list[DemandPoint]:
    """The item's demand at the site by local day (or hour start), oldest first; days without sales are absent."""
    table = t.sig_demand_hourly if hourly else t.sig_demand_daily
    bucket = table.c.hour if hourly else table.c.day
    query = select(bucket, table.c.quantity, table.c.promo_quantity, table.c.revenue, table.c.events).where(
        table.c.item_id == item_id, table.c.site_id == site_id).order_by(bucket)
    if since is not None:
        query = query.where(bucket >= since)
    if until is not None:
        query = query.where(bucket < until)
    return [DemandPoint(period=row[0], quantity=row[1], promo_quantity=row[2], revenue=row[3], events=row[4])
            for row in uow.connection.execute(query)]


def demand_panel(
    uow: SqlUnitOfWork, *, since: date, site_ids: Collection[UUID] | None = None,
    item_ids: Collection[UUID] | None = None,
) -> dict[tuple[UUID, UUID], list[DemandPoint]]:
    """Daily demand since ``since`` of every (item, site) with sales in that window, oldest first."""
    d = t.sig_demand_daily
    query = (select(d.c.item_id, d.c.site_id, d.c.day, d.c.quantity, d.c.promo_quantity, d.c.revenue, d.c.events)
             .where(d.c.day >= since).order_by(d.c.item_id, d.c.site_id, d.c.day))
    if site_ids is not None:
        query = query.where(d.c.site_id.in_(list(site_ids)))
    if item_ids is not None:
        query = query.where(d.c.item_id.in_(list(item_ids)))
    panel: dict[tuple[UUID, UUID], list[DemandPoint]] = {}
    for row in uow.connection.execute(query):
        panel.setdefault((row.item_id, row.site_id), []).append(DemandPoint(
            period=row.day, quantity=row.quantity, promo_quantity=row.promo_quantity, revenue=row.revenue,
            events=row.events))
    return panel


def sales_since(uow: SqlUnitOfWork, *, since: datetime) -> dict[tuple[UUID, UUID], Decimal]:
    """Quantity sold per (item, site) from ``since`` on (for surge detection within a day)."""
    e = t.sig_sales_events
    query = (select(e.c.item_id, e.c.site_id, func.sum(e.c.quantity)).where(e.c.occurred_at >= since)
             .group_by(e.c.item_id, e.c.site_id))
    # The sum keeps the column's type, so it comes back as a Decimal already.
    return {(row[0], row[1]): Decimal(row[2]) for row in uow.connection.execute(query)}


def changed_series(uow: SqlUnitOfWork, *, received_since: datetime) -> set[tuple[UUID, UUID]]:
    """(item, site) pairs with sales events received from ``received_since`` on (what a replan must revisit)."""
    e = t.sig_sales_events
    query = select(e.c.item_id, e.c.site_id).where(e.c.received_at >= received_since).distinct()
    return {(row[0], row[1]) for row in uow.connection.execute(query)}


def _environment_upsert() -> dict[str, Prepared]:
    table = t.sig_environment
    statements = {}
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert)):
        statement = insert(table)
        statements[name] = Prepared(statement.on_conflict_do_update(
            index_elements=["series", "scope", "day", "hour"],
            set_={"value": statement.excluded.value, "source": statement.excluded.source,
                  "received_at": statement.excluded.received_at}),
            column_keys=["series", "scope", "day", "hour", "value", "source", "received_at"])
    return statements


_PUT_READING = _environment_upsert()


def ingest_environment(uow: SqlUnitOfWork, readings: Sequence[Reading]) -> int:
    """Store environmental readings (a revised one replaces the earlier value); how many were written.

    A scope must be a known site code or a region some site is in, so a typo is refused, not stored.
    """
    check_readings(readings)
    scopes = {r.scope for r in readings}
    known = set(org.sites_by_code(uow, scopes)) | {s.region for s in org.list_sites(uow) if s.region}
    for i, reading in enumerate(readings):
        if reading.scope not in known:
            raise NotFound("site.not_found", field=f"readings[{i}].scope", value=reading.scope)
    now = uow.clock.now()
    latest = {(r.series, r.scope, r.day, r.hour): r for r in readings}  # the last of a batch wins too
    _PUT_READING[uow.dialect].run_many(uow.connection, [
        {"series": r.series.value, "scope": r.scope, "day": r.day, "hour": -1 if r.hour is None else r.hour,
         "value": r.value, "source": r.source[:100], "received_at": now} for r in latest.values()])
    return len(latest)


def environment(uow: SqlUnitOfWork, *, series: str, scope: str, since: date | None = None,
                until: date | None = None) -> list[Reading]:
    """A series' readings for one scope, oldest first."""
    e = t.sig_environment
    query = (select(e).where(e.c.series == series, e.c.scope == scope).order_by(e.c.day, e.c.hour))
    if since is not None:
        query = query.where(e.c.day >= since)
    if until is not None:
        query = query.where(e.c.day < until)
    return [Reading(series=Series(row.series), scope=row.scope, day=row.day, hour=None if row.hour < 0 else row.hour,
                    value=row.value, source=row.source) for row in uow.connection.execute(query)]


__all__ = [
    "DemandPoint",
    "IngestReport",
    "changed_series",
    "demand_history",
    "demand_panel",
    "environment",
    "ingest_environment",
    "ingest_sales",
    "sales_since",
]
