"""Replenishment use cases on a unit of work: offers, planning runs, suggestions, approval, surges.

A planning run looks at every item-site with demand in the history window (or the ones asked
for), estimates demand, classes items A/B/C per site by revenue, takes the service target for the
class and department, picks the best supplier offer (price, lead time, measured reliability),
reads the stock position from the ledger and open purchase orders from the documents, and stores
a suggestion with every figure it came from. A newer run supersedes the open suggestions of the
series it replans. Approving suggestions creates draft purchase orders (one per organisation,
site and supplier) through the documents' own use case, which a buyer then submits as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update

from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.codec import encode
from jxc.documents.services import asn as notices
from jxc.documents.services import purchasing
from jxc.forecasting import services as forecasting
from jxc.inventory.queries import StockQueries
from jxc.kernel.errors import Conflict, InvalidInput, NotFound
from jxc.kernel.ids import new_id
from jxc.org import services as org
from jxc.org.model import Site
from jxc.replenishment import tables as t
from jxc.replenishment.estimators import DemandEstimator, RecentDemandEstimator
from jxc.replenishment.planning import (
    Decision,
    DemandEstimate,
    Offer,
    Position,
    RankedOffer,
    Reliability,
    classify_abc,
    decide_within_holding_cap,
    detect_monthly_pattern,
    is_surge,
    rank_offers,
)
from jxc.replenishment.targets import PlanningSettings, default_settings
from jxc.signals import services as signals

MIN_MODEL_DAYS = 28  # shorter histories are estimated from recent days (cold start)
MEASURED_AFTER = 3  # receipts before a supplier's measured lead time replaces its quoted one
ALTERNATIVES = 3


@dataclass
class Planner:
    """What planning needs from the rest of the system (built once by bootstrap)."""

    stock: StockQueries
    estimator: DemandEstimator | None = None  # the forecasting engine; None: recent history only
    fallback: DemandEstimator = field(default_factory=RecentDemandEstimator)
    settings: PlanningSettings = field(default_factory=default_settings)


@dataclass(frozen=True)
class RunReport:
    run_id: UUID
    series: int
    suggestions: int
    alerts: int


# --- offers ---------------------------------------------------------------------------------------


def set_offer(
    uow: SqlUnitOfWork, *, supplier: str, sku: str, unit_price: Decimal, lead_time_days: Decimal,
    lead_time_sd_days: Decimal = Decimal(0), moq: Decimal = Decimal(0), pack_size: Decimal = Decimal(1),
) -> None:
    """Record (or replace) what ``supplier`` quotes for ``sku``."""
    for name, value in (("unit_price", unit_price), ("lead_time_days", lead_time_days),
                        ("lead_time_sd_days", lead_time_sd_days), ("moq", moq)):
        if value < 0:
            raise InvalidInput("field.invalid", field=name, value=str(value), reason="zero or more")
    if pack_size <= 0:
        raise InvalidInput("quantity.not_positive", field="pack_size", value=str(pack_size))
    vendor = catalog.get_supplier(uow, supplier)
    item = catalog.get_item(uow, sku)
    o = t.rep_offers
    uow.connection.execute(o.delete().where(o.c.supplier_id == vendor.id, o.c.item_id == item.id))
    uow.connection.execute(insert(o).values(
        supplier_id=vendor.id, item_id=item.id, unit_price=unit_price, lead_time_days=lead_time_days,
        lead_time_sd_days=lead_time_sd_days, moq=moq, pack_size=pack_size, updated_at=uow.clock.now()))


def supplier_options(uow: SqlUnitOfWork, item_id: UUID, *, urgent: bool = False) -> list[RankedOffer]:
    """Every supplier's offer for the item, best first (price, lead time incl. lateness, on-time rate)."""
    return rank_offers(_candidates(uow, _offer_rows(uow, [item_id]).get(item_id, []), known={}), urgent=urgent)


def _offer_rows(uow: SqlUnitOfWork, item_ids: Collection[UUID]) -> dict[UUID, list[Any]]:
    """The stored offers of the items, by item (one read for a whole planning run)."""
    o = t.rep_offers
    rows: dict[UUID, list[Any]] = defaultdict(list)
    for row in uow.connection.execute(select(o).where(o.c.item_id.in_(list(item_ids)))):
        rows[row.item_id].append(row)
    return rows


def _candidates(uow: SqlUnitOfWork, rows: Sequence[Any],
                known: dict[UUID, tuple[str, Reliability]]) -> list[tuple[Offer, Reliability]]:
    """Offers with their suppliers' delivery records; ``known`` keeps the records looked up so far."""
    measured = purchasing.supplier_lead_times(uow, supplier_ids=[r.supplier_id for r in rows
                                                                 if r.supplier_id not in known])
    offers = []
    for row in rows:
        if row.supplier_id not in known:
            vendor = catalog.get_supplier_by_id(uow, row.supplier_id)
            record = notices.supplier_reliability(uow, supplier=vendor.code)
            known[row.supplier_id] = (vendor.code, Reliability(
                on_time_rate=record.on_time_rate, mean_days_late=record.mean_days_late,
                lead_time=measured.get(row.supplier_id)))
        code, reliability = known[row.supplier_id]
        lead, spread = row.lead_time_days, row.lead_time_sd_days
        history = reliability.lead_time
        if history is not None and history.receipts >= MEASURED_AFTER:
            # What the supplier actually took beats what it quoted (and its spread is real).
            lead, spread = history.mean_days, history.sd_days
            reliability = replace(reliability, mean_days_late=None)  # lateness is inside the measured mean
        offers.append((Offer(supplier=code, unit_price=row.unit_price, lead_time_days=lead, lead_time_sd_days=spread,
                             moq=row.moq, pack_size=row.pack_size), reliability))
    return offers


# --- planning -------------------------------------------------------------------------------------


def plan(
    uow: SqlUnitOfWork, planner: Planner, *, actor: str, trigger: str = "manual",
    sites: Collection[str] | None = None, skus: Collection[str] | None = None,
    only: Collection[tuple[UUID, UUID]] | None = None,
) -> RunReport:
    """Replan the item-sites with recent demand (or the ones named); store suggestions and surge alerts.

    ``only``: (item id, site id) pairs to replan — the scheduler passes the series whose signals changed.
    """
    now = uow.clock.now()
    today = now.date()
    settings = planner.settings
    site_ids = None if sites is None else [s.id for s in org.sites_by_code(uow, sites).values()]
    item_ids = None if skus is None else [i.id for i in catalog.items_by_sku(uow, skus).values()]
    if only is not None:
        site_ids = sorted({site for _, site in only} & set(site_ids if site_ids is not None else {s for _, s in only}))
        item_ids = sorted({item for item, _ in only} & set(item_ids if item_ids is not None else {i for i, _ in only}))
    panel = signals.demand_panel(uow, since=today - timedelta(days=settings.history_days), site_ids=site_ids,
                                 item_ids=item_ids)
    if only is not None:
        wanted = set(only)
        panel = {key: points for key, points in panel.items() if key in wanted}
    run_id = new_id()
    if not panel:
        _record_run(uow, run_id, trigger=trigger, started=now, series=0, suggestions=0, actor=actor)
        return RunReport(run_id=run_id, series=0, suggestions=0, alerts=0)
    items = catalog.items_by_id(uow, {key[0] for key in panel})
    places = org.sites_by_id(uow, {key[1] for key in panel})
    window_start = datetime.combine(today - timedelta(days=settings.history_days), datetime.min.time(), now.tzinfo)
    censored = planner.stock.stockout_days(uow, item_ids={key[0] for key in panel}, since=window_start,
                                           zones={site_id: ZoneInfo(site.timezone) for site_id, site in places.items()})
    # A series whose stock the ledger shows empty on most days is not tracked there (sales arrive as
    # signals, stock is kept elsewhere): its "stock-outs" say nothing, and its history is used whole.
    within = {k: {d for d in days if d >= _first_day(panel[k], today)} for k, days in censored.items() if k in panel}
    censored = {k: days for k, days in within.items()
                if len(days) * 2 < max(1, (today - _first_day(panel[k], today)).days)}
    estimates = _estimate(planner, panel, today=today, censored=censored)
    classes = _classes(panel, today=today)
    open_orders = purchasing.open_order_quantities(uow, site_ids=list(places))
    positions = _positions(uow, planner.stock, items, places)
    today_sales = signals.sales_since(uow, since=datetime.combine(today, datetime.min.time(), now.tzinfo))
    made = alerts = 0
    suppliers: dict[UUID, tuple[str, Reliability]] = {}
    offer_rows = _offer_rows(uow, items)
    for (item_id, site_id), estimate in sorted(estimates.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        item, place = items[item_id], places[site_id]
        if place.organisation_id is None:
            continue
        candidates = _candidates(uow, offer_rows.get(item_id, []), suppliers)
        options = rank_offers(candidates)
        if not options:
            continue  # nobody to buy from: nothing to suggest (the list shows items without offers)
        surge = is_surge(actual=today_sales.get((item_id, site_id), Decimal(0)), expected=estimate.mean_per_day,
                         expected_std=estimate.std_per_day)
        if surge:
            options = rank_offers(candidates, urgent=True)
        abc = classes[(item_id, site_id)]
        target = settings.target_for(abc=abc, category=item.category, site_kind=str(place.kind), site=place.code)
        held = positions.get((item_id, site_id), Position(Decimal(0), Decimal(0), Decimal(0), Decimal(0)))
        position = Position(on_hand=held.on_hand, in_transit=held.in_transit, reserved=held.reserved,
                            open_orders=open_orders.get((item_id, site_id), Decimal(0)), commitments=held.commitments)
        best = options[0].offer
        decision, holding = decide_within_holding_cap(
            estimate=estimate, position=position, offer=best, target=target, review_days=settings.review_days,
            today=today, unit_price=_unit_price(panel[(item_id, site_id)]), holding_rate=settings.holding_rate,
            cap=(settings.max_holding_share or {}).get(abc), shelf_life_days=item.shelf_life_days)
        _supersede(uow, item_id, site_id, at=now)
        suggestion_id = None
        if decision.quantity > 0:
            suggestion_id = _store(uow, run_id=run_id, item=item, place=place, decision=decision, estimate=estimate,
                                   position=position, options=options, abc=classes[(item_id, site_id)],
                                   kind="emergency" if surge else "regular", at=now,
                                   stockout_days=len(censored.get((item_id, site_id), ())), holding_share=holding)
            made += 1
        if surge:
            _alert(uow, item=item, place=place, at=now, actual=today_sales[(item_id, site_id)], estimate=estimate,
                   suggestion_id=suggestion_id, options=options)
            alerts += 1
    forecasting.record(uow, run_id=run_id, forecasts={k: e.detail for k, e in estimates.items() if e.detail},
                       method={k: e.method for k, e in estimates.items()})
    _record_run(uow, run_id, trigger=trigger, started=now, series=len(estimates), suggestions=made, actor=actor)
    return RunReport(run_id=run_id, series=len(estimates), suggestions=made, alerts=alerts)


def _unit_price(points: list[signals.DemandPoint]) -> Decimal | None:
    """The average price the item sold at (revenue over quantity), or None without sales."""
    quantity = sum((p.quantity for p in points), Decimal(0))
    revenue = sum((p.revenue for p in points), Decimal(0))
    return (revenue / quantity).quantize(Decimal("0.0001")) if quantity > 0 and revenue > 0 else None


def _first_day(points: list[signals.DemandPoint], today: date) -> date:
    first = points[0].period if points else today
    return first if isinstance(first, date) and not isinstance(first, datetime) else today


def _estimate(planner: Planner, panel: dict[tuple[UUID, UUID], list[signals.DemandPoint]],
              *, today: date, censored: dict[tuple[UUID, UUID], set[date]]) -> dict[tuple[UUID, UUID], DemandEstimate]:
    series = {key: [(p.period, p.quantity) for p in points if isinstance(p.period, date)]
              for key, points in panel.items()}
    long_enough = {k: v for k, v in series.items() if (today - v[0][0]).days >= MIN_MODEL_DAYS}
    short = {k: v for k, v in series.items() if k not in long_enough}
    result: dict[tuple[UUID, UUID], DemandEstimate] = {}
    if planner.estimator is not None and long_enough:
        result.update(planner.estimator.estimate(long_enough, today=today, horizon_days=28, censored=censored))
    rest = {k: v for k, v in series.items() if k not in result}
    result.update(planner.fallback.estimate(rest | short, today=today, horizon_days=28, censored=censored))
    # Orders that come around one day of the month (a hospital on the 5th): the daily estimate is the
    # demand between the lumps, and the lump is planned for when it falls inside the protection interval.
    for key, points in series.items():
        pattern = detect_monthly_pattern(points, today=today)
        if pattern is None or key not in result:
            continue
        lump_days = {day for day, _ in points if abs(day.day - pattern.day_of_month) <= 1}
        between = planner.fallback.estimate({key: points}, today=today, horizon_days=28,
                                            censored={key: censored.get(key, set()) | lump_days}).get(key)
        base = between if between is not None else result[key]
        result[key] = replace(base, calendar=pattern, method=f"{base.method}+monthly_day_{pattern.day_of_month}")
    return result


def _classes(panel: dict[tuple[UUID, UUID], list[signals.DemandPoint]], *, today: date) -> dict[tuple[UUID, UUID], str]:
    """A/B/C per site by revenue over the last 90 days."""
    since = today - timedelta(days=90)
    by_site: dict[UUID, dict[str, Decimal]] = defaultdict(dict)
    for (item_id, site_id), points in panel.items():
        by_site[site_id][str(item_id)] = sum((p.revenue for p in points if p.period >= since), Decimal(0))
    result = {}
    for site_id, revenue in by_site.items():
        for item_key, abc in classify_abc(revenue).items():
            result[(UUID(item_key), site_id)] = abc
    return result


def _positions(uow: SqlUnitOfWork, stock: StockQueries, items: dict[UUID, Item],
               places: dict[UUID, Site]) -> dict[tuple[UUID, UUID], Position]:
    codes = {site.code: site.id for site in places.values()}
    result = {}
    for item in items.values():
        report = stock.atp(uow, sku=item.sku, by="site", sites=list(codes))
        for group in report.groups:
            if group.key not in codes:
                continue
            states = group.by_state
            result[(item.id, codes[group.key])] = Position(
                on_hand=states.get("available", Decimal(0)) + states.get("pending_qc", Decimal(0)),
                in_transit=states.get("in_transit", Decimal(0)), reserved=states.get("reserved", Decimal(0)),
                open_orders=Decimal(0), commitments=group.unreserved_commitments)
    return result


def _supersede(uow: SqlUnitOfWork, item_id: UUID, site_id: UUID, *, at: datetime) -> None:
    s = t.rep_suggestions
    uow.connection.execute(update(s).where(s.c.item_id == item_id, s.c.site_id == site_id, s.c.status == "open")
                           .values(status="superseded", decided_at=at, decided_by="system:replan"))


def _figures(decision: Decision, estimate: DemandEstimate, position: Position) -> dict[str, Any]:
    return {
        "forecast_per_day": estimate.mean_per_day, "forecast_std_per_day": estimate.std_per_day,
        "forecast_method": estimate.method, "history_days": estimate.history_days,
        "service_target": decision.target.value, "service_kind": decision.target.kind.value,
        "protection_days": decision.protection_days, "demand_over_protection": decision.demand_mean,
        "safety_stock": decision.safety_stock, "reorder_point": decision.reorder_point,
        "order_up_to": decision.order_up_to, "position": decision.position, "on_hand": position.on_hand,
        "in_transit": position.in_transit, "reserved": position.reserved, "open_orders": position.open_orders,
        "commitments": position.commitments, "expected_date": decision.expected_date,
        "calendar_day_of_month": estimate.calendar.day_of_month if estimate.calendar else None,
        "calendar_lump": estimate.calendar.lump_mean if estimate.calendar else None,
    }


def _store(uow: SqlUnitOfWork, *, run_id: UUID, item: Item, place: Site, decision: Decision,
           estimate: DemandEstimate, position: Position, options: Sequence[RankedOffer], abc: str, kind: str,
           at: datetime, stockout_days: int, holding_share: Decimal | None) -> UUID:
    suggestion_id = new_id()
    best = options[0]
    body = {"sku": item.sku, "site": place.code, "class": abc, "reasons": list(decision.reasons),
            "figures": {**_figures(decision, estimate, position), "stockout_days": stockout_days,
                        "holding_cost_share_of_margin": holding_share},
            "supplier": best.offer.supplier,
            "unit_price": best.offer.unit_price,
            "alternatives": [{"supplier": o.offer.supplier, "unit_price": o.offer.unit_price,
                              "lead_time_days": o.effective_lead_days, "on_time_rate": o.on_time_rate,
                              "score": o.score} for o in options[:ALTERNATIVES]]}
    vendor = catalog.get_supplier(uow, best.offer.supplier)
    assert place.organisation_id is not None
    uow.connection.execute(insert(t.rep_suggestions).values(
        id=suggestion_id, run_id=run_id, organisation_id=place.organisation_id, site_id=place.id, item_id=item.id,
        supplier_id=vendor.id, kind=kind, status="open", quantity=decision.quantity, body=encode(body),
        created_at=at))
    return suggestion_id


def _alert(uow: SqlUnitOfWork, *, item: Item, place: Site, at: datetime, actual: Decimal, estimate: DemandEstimate,
           suggestion_id: UUID | None, options: Sequence[RankedOffer]) -> None:
    body = {"sku": item.sku, "site": place.code, "expected_per_day": estimate.mean_per_day,
            "expected_std_per_day": estimate.std_per_day, "sold_today": actual,
            "candidates": [{"supplier": o.offer.supplier, "unit_price": o.offer.unit_price,
                            "lead_time_days": o.effective_lead_days, "on_time_rate": o.on_time_rate}
                           for o in options[:ALTERNATIVES]]}
    uow.connection.execute(insert(t.rep_alerts).values(
        id=new_id(), site_id=place.id, item_id=item.id, at=at, actual=actual, expected=estimate.mean_per_day,
        suggestion_id=suggestion_id, body=encode(body)))


def _record_run(uow: SqlUnitOfWork, run_id: UUID, *, trigger: str, started: datetime, series: int, suggestions: int,
                actor: str) -> None:
    uow.connection.execute(insert(t.rep_runs).values(
        id=run_id, trigger=trigger, started_at=started, finished_at=uow.clock.now(), series=series,
        suggestions=suggestions, actor=actor))


def last_run_started(uow: SqlUnitOfWork) -> datetime | None:
    r = t.rep_runs
    found: datetime | None = uow.connection.execute(select(func.max(r.c.started_at))).scalar()
    return found


# --- reading and deciding -------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    id: UUID
    status: str
    kind: str
    sku: str
    site: str
    supplier: str | None
    quantity: Decimal
    created_at: datetime
    purchase_order: str | None
    body: dict[str, Any]


def list_suggestions(uow: SqlUnitOfWork, *, status: str | None = "open", sites: Collection[UUID] | None = None,
                     limit: int = 200, ids: Collection[UUID] | None = None) -> list[SuggestionView]:
    s = t.rep_suggestions
    query = select(s).order_by(s.c.created_at.desc(), s.c.id).limit(limit)
    if ids is not None:
        query = query.where(s.c.id.in_(list(ids)))
    if status is not None:
        query = query.where(s.c.status == status)
    if sites is not None:
        query = query.where(s.c.site_id.in_(list(sites)))
    return [_view(row) for row in uow.connection.execute(query)]


def _view(row: Any) -> SuggestionView:
    body = dict(row.body)
    return SuggestionView(id=row.id, status=row.status, kind=row.kind, sku=body["sku"], site=body["site"],
                          supplier=body.get("supplier"), quantity=row.quantity, created_at=row.created_at,
                          purchase_order=row.purchase_order, body=body)


def _load(uow: SqlUnitOfWork, ids: Sequence[UUID]) -> list[Any]:
    s = t.rep_suggestions
    rows = {row.id: row for row in uow.connection.execute(select(s).where(s.c.id.in_(list(ids))))}
    for i, suggestion_id in enumerate(ids):
        if suggestion_id not in rows:
            raise NotFound("suggestion.not_found", field=f"ids[{i}]", value=str(suggestion_id))
        if rows[suggestion_id].status != "open":
            raise Conflict("suggestion.not_open", field=f"ids[{i}]", value=str(suggestion_id),
                           status=rows[suggestion_id].status)
    return [rows[i] for i in dict.fromkeys(ids)]


def approve(uow: SqlUnitOfWork, ids: Sequence[UUID], *, actor: str,
            quantities: dict[UUID, Decimal] | None = None) -> list[str]:
    """Turn open suggestions into draft purchase orders, one per organisation, site and supplier; their numbers.

    ``quantities`` lets the buyer change a suggested quantity before approving (kept in the suggestion).
    """
    if not ids:
        raise InvalidInput("field.required", field="ids")
    rows = _load(uow, ids)
    changed = quantities or {}
    groups: dict[tuple[UUID, UUID, UUID], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.organisation_id, row.site_id, row.supplier_id)].append(row)
    numbers = []
    now = uow.clock.now()
    for (organisation_id, site_id, supplier_id), members in groups.items():
        organisation = org.organisations_by_id(uow, [organisation_id])[organisation_id]
        place = org.sites_by_id(uow, [site_id])[site_id]
        vendor = catalog.get_supplier_by_id(uow, supplier_id)
        lines = []
        for row in members:
            body = row.body
            quantity = changed.get(row.id, row.quantity)
            if quantity <= 0:
                raise InvalidInput("quantity.not_positive", field=f"quantities.{row.id}", value=str(quantity))
            lines.append(purchasing.OrderLineIn(
                sku=body["sku"], quantity=quantity, unit_price=Decimal(str(body["unit_price"])),
                expected_date=date.fromisoformat(str(body["figures"]["expected_date"]))))
        po = purchasing.create_purchase_order(uow, organisation=organisation.code, supplier=vendor.code,
                                              site=place.code, lines=lines, actor=actor)
        s = t.rep_suggestions
        for row in members:
            uow.connection.execute(update(s).where(s.c.id == row.id).values(
                status="approved", decided_at=now, decided_by=actor, purchase_order=po.number,
                quantity=changed.get(row.id, row.quantity)))
        numbers.append(po.number)
    return numbers


def dismiss(uow: SqlUnitOfWork, ids: Sequence[UUID], *, actor: str) -> None:
    rows = _load(uow, ids)
    s = t.rep_suggestions
    for row in rows:
        uow.connection.execute(update(s).where(s.c.id == row.id).values(
            status="dismissed", decided_at=uow.clock.now(), decided_by=actor))


def list_alerts(uow: SqlUnitOfWork, *, since: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
    a = t.rep_alerts
    query = select(a).order_by(a.c.at.desc()).limit(limit)
    if since is not None:
        query = query.where(a.c.at >= since)
    return [{"id": row.id, "at": row.at, "actual": row.actual, "expected": row.expected,
             "suggestion_id": row.suggestion_id, **dict(row.body)} for row in uow.connection.execute(query)]


__all__ = ["Planner", "RunReport", "SuggestionView", "approve", "dismiss", "last_run_started", "list_alerts",
           "list_suggestions", "plan", "set_offer", "supplier_options"]
