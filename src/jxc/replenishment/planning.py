"""One replenishment decision for an item at a site, with its reasons (pure).

Inputs are what the services gather from other contexts — the demand forecast, the stock position
by state, open purchase orders, the chosen supplier's offer and the service target — and the output
is a suggestion that carries every figure it was computed from, so a buyer sees *why*: forecast,
safety stock, reorder point, order-up-to level, on hand, in transit, reserved, open orders.

Demand over the protection interval (lead time + review period) is normal with the supplier's
lead-time variability (Silver, Pyke & Thomas); slow movers (mean under ``POISSON_BELOW`` a day)
use Poisson demand instead, whose integer reorder point suits a few units a week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any, Protocol

from jxc.replenishment.policy import (
    IntervalDemand,
    OrderSuggestion,
    ServiceKind,
    ServiceTarget,
    holding_cost_share_of_margin,
    normal_policy,
    order_up_to,
    poisson_reorder_point,
    protection_interval_demand,
    suggest_order,
)

POISSON_BELOW = Decimal("0.5")  # units a day
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DemandEstimate:
    """Expected daily demand and its day-to-day standard deviation over the coming days."""

    mean_per_day: Decimal
    std_per_day: Decimal
    method: str  # which model produced it (shown with the suggestion)
    history_days: int
    calendar: CalendarPattern | None = None  # a monthly lump on top of the daily demand
    detail: Mapping[str, Any] | None = None  # the forecast path and backtest accuracy behind it, if any


@dataclass(frozen=True)
class CalendarPattern:
    """Demand that comes as a lump around one day of each month (a hospital ordering on the 5th)."""

    day_of_month: int
    lump_mean: Decimal
    lump_std: Decimal
    share: Decimal  # of all demand in the window
    months: int

    def next_after(self, today: date) -> date:
        """The next day (today included) this pattern's day of the month falls on."""
        year, month = today.year, today.month
        for _ in range(3):
            last = (date(year + month // 12, month % 12 + 1, 1) - _DAY).day
            candidate = date(year, month, min(self.day_of_month, last))
            if candidate >= today:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise AssertionError("unreachable: a month has a day")


def detect_monthly_pattern(history: Sequence[tuple[date, Decimal]], *, today: date, window_days: int = 180,
                           min_share: Decimal = Decimal("0.6"), min_months: int = 3) -> CalendarPattern | None:
    """A day of the month (± 1 day) carrying at least ``min_share`` of the demand, in ``min_months`` months.

    Learned from the history, not configured: the day with the largest share of demand within a day
    either side of it. Each month's lump is that window's demand in that month.
    """
    since = today - timedelta(days=window_days)
    points = [(day, qty) for day, qty in history if since <= day < today and qty > 0]
    total = sum((qty for _, qty in points), Decimal(0))
    if total <= 0:
        return None
    best, best_share, best_exact = 0, Decimal(0), Decimal(0)
    for dom in range(1, 29):
        inside = sum((qty for day, qty in points if abs(day.day - dom) <= 1), Decimal(0))
        exact = sum((qty for day, qty in points if day.day == dom), Decimal(0))
        # Neighbouring days share most of a window: the day that itself carries most breaks the tie.
        if (inside, exact) > (best_share * total, best_exact):
            best, best_share, best_exact = dom, inside / total, exact
    if best_share < min_share:
        return None
    lumps: dict[tuple[int, int], Decimal] = {}
    for day, qty in points:
        if abs(day.day - best) <= 1:
            lumps[(day.year, day.month)] = lumps.get((day.year, day.month), Decimal(0)) + qty
    if len(lumps) < min_months:
        return None
    values = list(lumps.values())
    mean = sum(values, Decimal(0)) / len(values)
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / max(1, len(values) - 1)
    return CalendarPattern(day_of_month=best, lump_mean=mean.quantize(Decimal("0.000001")),
                           lump_std=variance.sqrt().quantize(Decimal("0.000001")),
                           share=best_share.quantize(Decimal("0.0001")), months=len(values))


@dataclass(frozen=True)
class Offer:
    """What a supplier quotes for an item: price, lead time (mean and spread, days), MOQ and pack."""

    supplier: str
    unit_price: Decimal
    lead_time_days: Decimal
    lead_time_sd_days: Decimal = Decimal(0)
    moq: Decimal = Decimal(0)
    pack_size: Decimal = Decimal(1)


@dataclass(frozen=True)
class Position:
    """Stock the decision counts on, in the item's base unit."""

    on_hand: Decimal  # available + pending QC at the site
    in_transit: Decimal
    reserved: Decimal  # held for orders not yet shipped (already out of on_hand's available)
    open_orders: Decimal  # outstanding on approved purchase orders
    commitments: Decimal = Decimal(0)  # promised demand not yet reserved

    @property
    def total(self) -> Decimal:
        return self.on_hand + self.in_transit + self.open_orders - self.commitments


@dataclass(frozen=True)
class Decision:
    quantity: Decimal
    reasons: tuple[str, ...]
    target: ServiceTarget
    review_days: Decimal
    protection_days: Decimal
    demand_mean: Decimal  # over the protection interval
    demand_std: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    position: Decimal
    expected_date: date


def decide(
    *, estimate: DemandEstimate, position: Position, offer: Offer, target: ServiceTarget, review_days: Decimal,
    today: date, shelf_life_days: int | None = None, budget: Decimal | None = None,
) -> Decision:
    """Reorder point and order-up-to level for ``target`` over lead time + review, and what to order now."""
    interval = protection_interval_demand(estimate.mean_per_day, estimate.std_per_day, offer.lead_time_days,
                                          offer.lead_time_sd_days, review_days)
    calendar_due = False
    pattern = estimate.calendar
    if pattern is not None and (pattern.next_after(today) - today).days <= interval.days:
        # The monthly lump falls inside what this order must cover: add it, with its spread.
        calendar_due = True
        std = Decimal(repr(math.sqrt(float(interval.std) ** 2 + float(pattern.lump_std) ** 2)))
        interval = IntervalDemand(mean=interval.mean + pattern.lump_mean, std=std, days=interval.days)
    if estimate.mean_per_day < POISSON_BELOW and offer.lead_time_sd_days == 0 and not calendar_due:
        cycle = target if target.kind is ServiceKind.CYCLE else ServiceTarget.cycle(target.value)
        rop = Decimal(poisson_reorder_point(interval.mean, cycle))
        safety = max(Decimal(0), rop - interval.mean)
    else:
        # A fill-rate target needs the order quantity: one review period's demand, at least a pack.
        quantity = max(estimate.mean_per_day * max(review_days, Decimal(1)), offer.pack_size, Decimal("0.000001"))
        planned = normal_policy(interval, target, order_quantity=quantity if target.kind is ServiceKind.FILL_RATE
                                else None)
        safety = max(Decimal(0), planned.safety_stock)
        rop = interval.mean + safety
    rop = rop.quantize(Decimal("0.000001"), rounding=ROUND_CEILING)
    up_to = order_up_to(rop, estimate.mean_per_day, review_days,
                        order_quantity=None if review_days > 0 else max(offer.pack_size, offer.moq, Decimal(1)))
    shelf_cap = None if shelf_life_days is None else estimate.mean_per_day * shelf_life_days
    suggestion: OrderSuggestion = suggest_order(
        position=position.total, rop=rop, up_to=up_to, moq=offer.moq, pack_size=offer.pack_size,
        max_units_before_expiry=shelf_cap, budget=budget, unit_cost=offer.unit_price if budget is not None else None)
    arrives = today + _DAY * int(offer.lead_time_days.to_integral_value(rounding=ROUND_CEILING))
    reasons = tuple(str(r) for r in suggestion.reasons) + (("calendar_due",) if calendar_due else ())
    return Decision(
        quantity=suggestion.quantity, reasons=reasons, target=target,
        review_days=review_days, protection_days=interval.days, demand_mean=interval.mean, demand_std=interval.std,
        safety_stock=safety, reorder_point=rop, order_up_to=up_to, position=position.total, expected_date=arrives,
    )


class MeasuredLeadTime(Protocol):
    @property
    def receipts(self) -> int: ...
    @property
    def mean_days(self) -> Decimal: ...
    @property
    def sd_days(self) -> Decimal: ...


HOLDING_FLOOR = (Decimal("0.95"), Decimal("0.92"), Decimal("0.90"))  # targets tried when holding costs too much


def holding_share(decision: Decision, estimate: DemandEstimate, *, unit_cost: Decimal, unit_price: Decimal,
                  holding_rate: Decimal) -> Decimal | None:
    """Holding cost as a share of the item's gross margin under ``decision`` (None: it earns no margin).

    Average stock is the safety stock plus half of one review period's demand (the cycle stock).
    """
    margin_per_year = (unit_price - unit_cost) * estimate.mean_per_day * 365
    if margin_per_year <= 0 or unit_cost <= 0:
        return None
    cycle = estimate.mean_per_day * max(decision.review_days, Decimal(1)) / 2
    average_value = (decision.safety_stock + cycle) * unit_cost
    return holding_cost_share_of_margin(average_value, holding_rate, margin_per_year)


def decide_within_holding_cap(
    *, estimate: DemandEstimate, position: Position, offer: Offer, target: ServiceTarget, review_days: Decimal,
    today: date, unit_price: Decimal | None, holding_rate: Decimal, cap: Decimal | None,
    shelf_life_days: int | None = None,
) -> tuple[Decision, Decimal | None]:
    """``decide``, lowering a long-tail item's target (to 95 %, 92 %, 90 %) while holding its stock would
    cost more than ``cap`` of its gross margin; the decision and its holding-cost share."""
    decision = decide(estimate=estimate, position=position, offer=offer, target=target, review_days=review_days,
                      today=today, shelf_life_days=shelf_life_days)
    if unit_price is None:
        return decision, None
    share = holding_share(decision, estimate, unit_cost=offer.unit_price, unit_price=unit_price,
                          holding_rate=holding_rate)
    if cap is None or share is None or share <= cap:
        return decision, share
    for lower in HOLDING_FLOOR:
        if lower >= target.value:
            continue
        lowered = ServiceTarget(kind=target.kind, value=lower)
        decision = decide(estimate=estimate, position=position, offer=offer, target=lowered,
                          review_days=review_days, today=today, shelf_life_days=shelf_life_days)
        share = holding_share(decision, estimate, unit_cost=offer.unit_price, unit_price=unit_price,
                              holding_rate=holding_rate)
        if share is None or share <= cap:
            break
    decision = replace(decision, reasons=(*decision.reasons, "target_lowered_for_holding_cost"))
    return decision, share


@dataclass(frozen=True)
class Reliability:
    on_time_rate: Decimal | None  # share of promises delivered in full on time (None: no record)
    mean_days_late: Decimal | None
    lead_time: MeasuredLeadTime | None = None  # order → receipt, as measured


@dataclass(frozen=True)
class RankedOffer:
    offer: Offer
    score: Decimal
    effective_lead_days: Decimal
    on_time_rate: Decimal | None


def rank_offers(offers: list[tuple[Offer, Reliability]], *, urgent: bool = False) -> list[RankedOffer]:
    """Offers best first: price, lead time (plus the supplier's measured lateness) and reliability.

    Each criterion is scaled to the best offer (1.0 = best); the weights favour price normally and
    lead time when ``urgent`` (a surge needs goods soon). A supplier without a delivery record is
    assumed 90 % on time — neither rewarded nor punished much.
    """
    if not offers:
        return []
    effective = [offer.lead_time_days + (rel.mean_days_late or Decimal(0)) for offer, rel in offers]
    cheapest = min(offer.unit_price for offer, _ in offers) or Decimal("0.01")
    fastest = min(effective) or Decimal("0.5")
    price_w, lead_w, rel_w = (Decimal("0.2"), Decimal("0.6"), Decimal("0.2")) if urgent else (
        Decimal("0.6"), Decimal("0.2"), Decimal("0.2"))
    ranked = []
    for (offer, rel), lead in zip(offers, effective, strict=True):
        on_time = rel.on_time_rate if rel.on_time_rate is not None else Decimal("0.9")
        price_score = cheapest / max(offer.unit_price, Decimal("0.01"))
        lead_score = fastest / max(lead, Decimal("0.5"))
        score = price_w * price_score + lead_w * lead_score + rel_w * on_time
        ranked.append(RankedOffer(offer=offer, score=score.quantize(Decimal("0.0001")), effective_lead_days=lead,
                                  on_time_rate=rel.on_time_rate))
    return sorted(ranked, key=lambda r: (-r.score, r.offer.unit_price, r.offer.supplier))


def classify_abc(revenue: dict[str, Decimal], *, a_share: Decimal = Decimal("0.8"),
                 b_share: Decimal = Decimal("0.95")) -> dict[str, str]:
    """A/B/C by cumulative share of revenue (A: the items making the first 80 %, B: up to 95 %)."""
    total = sum(revenue.values(), Decimal(0))
    result: dict[str, str] = {}
    running = Decimal(0)
    for key, value in sorted(revenue.items(), key=lambda kv: (-kv[1], kv[0])):
        share_before = running / total if total else Decimal(1)
        result[key] = "A" if share_before < a_share else "B" if share_before < b_share else "C"
        running += value
    return result


def is_surge(*, actual: Decimal, expected: Decimal, expected_std: Decimal, factor: Decimal = Decimal("1.5"),
             z: Decimal = Decimal("3")) -> bool:
    """Sales running far above forecast: above both ``factor`` × expected and expected + z·σ."""
    return actual > expected * factor and actual > expected + z * expected_std and actual > 0


__all__ = [
    "POISSON_BELOW",
    "CalendarPattern",
    "Decision",
    "DemandEstimate",
    "Offer",
    "Position",
    "RankedOffer",
    "Reliability",
    "classify_abc",
    "decide",
    "detect_monthly_pattern",
    "is_surge",
    "rank_offers",
]
