"""One planning decision: figures, reasons, supplier ranking, ABC classes and surges (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jxc.kernel.errors import InvalidInput
from jxc.replenishment.planning import (
    DemandEstimate,
    Offer,
    Position,
    Reliability,
    classify_abc,
    decide,
    decide_within_holding_cap,
    detect_monthly_pattern,
    is_surge,
    rank_offers,
)
from jxc.replenishment.policy import ServiceTarget
from jxc.replenishment.targets import parse_settings

TODAY = date(2026, 3, 2)


def estimate(mean: str, std: str) -> DemandEstimate:
    return DemandEstimate(mean_per_day=Decimal(mean), std_per_day=Decimal(std), method="test", history_days=90)


def position(on_hand: str = "0", open_orders: str = "0", in_transit: str = "0") -> Position:
    return Position(on_hand=Decimal(on_hand), in_transit=Decimal(in_transit), reserved=Decimal(0),
                    open_orders=Decimal(open_orders))


def test_a_cycle_target_gives_the_textbook_reorder_point_and_orders_up_to_it() -> None:
    # μ_d = 100, σ_d = 20, L = 4 fixed, R = 1: μ_P = 500, σ_P = 20·√5 = 44.72; z(0.95) = 1.6449 → SS 73.56.
    offer = Offer(supplier="S", unit_price=Decimal(5), lead_time_days=Decimal(4), pack_size=Decimal(10))
    decision = decide(estimate=estimate("100", "20"), position=position("300"), offer=offer,
                      target=ServiceTarget.cycle("0.95"), review_days=Decimal(1), today=TODAY)
    assert decision.demand_mean == 500 and abs(decision.safety_stock - Decimal("73.56")) < Decimal("0.01")
    assert abs(decision.reorder_point - Decimal("573.56")) < Decimal("0.01")
    assert decision.order_up_to == decision.reorder_point + 100  # + one review period's demand
    # 300 on hand is below the reorder point: order up to S, rounded up to packs of 10.
    assert decision.quantity == 380 and decision.reasons[0] == "below_reorder_point"
    assert decision.expected_date == date(2026, 3, 6)


def test_stock_on_order_counts_and_nothing_is_ordered_above_the_reorder_point() -> None:
    offer = Offer(supplier="S", unit_price=Decimal(5), lead_time_days=Decimal(4))
    decision = decide(estimate=estimate("100", "20"), position=position("300", open_orders="400"), offer=offer,
                      target=ServiceTarget.cycle("0.95"), review_days=Decimal(1), today=TODAY)
    assert decision.quantity == 0 and decision.reasons == ("above_reorder_point",)


def test_lead_time_variability_raises_the_safety_stock() -> None:
    steady = Offer(supplier="S", unit_price=Decimal(5), lead_time_days=Decimal(4))
    shaky = Offer(supplier="S", unit_price=Decimal(5), lead_time_days=Decimal(4), lead_time_sd_days=Decimal(2))
    a, b = (decide(estimate=estimate("100", "20"), position=position(), offer=o, target=ServiceTarget.cycle("0.95"),
                   review_days=Decimal(1), today=TODAY) for o in (steady, shaky))
    assert b.safety_stock > 3 * a.safety_stock  # σ_P = √(5·400 + 100²·4) = 204 instead of 44.7


def test_slow_movers_use_poisson_demand_and_shelf_life_caps_the_order() -> None:
    offer = Offer(supplier="S", unit_price=Decimal(5), lead_time_days=Decimal(3), moq=Decimal(1))
    slow = decide(estimate=estimate("0.25", "0.5"), position=position(), offer=offer,
                  target=ServiceTarget.cycle("0.95"), review_days=Decimal(1), today=TODAY)
    assert slow.reorder_point == 3  # Poisson(1): P(D ≤ 3) = 0.981 ≥ 0.95 > P(D ≤ 2) = 0.920
    fresh = decide(estimate=estimate("30", "5"), position=position(), offer=offer, target=ServiceTarget.cycle("0.95"),
                   review_days=Decimal(1), today=TODAY, shelf_life_days=2)
    assert fresh.quantity == 60 and "capped_by_shelf_life" in fresh.reasons


def test_offers_rank_by_price_normally_and_by_lead_time_when_urgent() -> None:
    cheap = Offer(supplier="CHEAP", unit_price=Decimal("6.00"), lead_time_days=Decimal(3))
    fast = Offer(supplier="FAST", unit_price=Decimal("7.20"), lead_time_days=Decimal(2))
    late = Offer(supplier="LATE", unit_price=Decimal("5.90"), lead_time_days=Decimal(3))
    offers = [(cheap, Reliability(None, None)), (fast, Reliability(None, None)),
              (late, Reliability(on_time_rate=Decimal("0.4"), mean_days_late=Decimal(6)))]
    assert [r.offer.supplier for r in rank_offers(offers)] == ["CHEAP", "FAST", "LATE"]
    assert [r.offer.supplier for r in rank_offers(offers, urgent=True)] == ["FAST", "CHEAP", "LATE"]
    assert rank_offers([]) == []


def test_abc_classes_follow_the_revenue_share() -> None:
    revenue = {"a": Decimal(700), "b": Decimal(150), "c": Decimal(100), "d": Decimal(40), "e": Decimal(10)}
    assert classify_abc(revenue) == {"a": "A", "b": "A", "c": "B", "d": "C", "e": "C"}
    assert classify_abc({"x": Decimal(0)}) == {"x": "C"}


@pytest.mark.parametrize(("actual", "surge"), [("200", True), ("60", False), ("0", False)])
def test_a_surge_is_far_above_the_forecast(actual: str, surge: bool) -> None:
    assert is_surge(actual=Decimal(actual), expected=Decimal(46), expected_std=Decimal(8)) is surge


def hospital_history(today: date, months: int = 6) -> list[tuple[date, Decimal]]:
    """A top hospital orders ~500 units on the 5th of each month; a trickle of 2 a day in between."""
    points = []
    day = date(today.year, today.month, 1)
    for _ in range(months):
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=1)  # the month before
    while day < today:
        points.append((day, Decimal(500 + 10 * (day.month % 3)) if day.day == 5 else Decimal(2)))
        day += timedelta(days=1)
    return points


def test_a_monthly_ordering_day_is_learned_from_the_history() -> None:
    pattern = detect_monthly_pattern(hospital_history(date(2026, 3, 2)), today=date(2026, 3, 2))
    assert pattern is not None and pattern.day_of_month == 5 and pattern.months == 6
    assert Decimal(500) <= pattern.lump_mean <= Decimal(520) and pattern.share > Decimal("0.8")
    assert pattern.next_after(date(2026, 3, 2)) == date(2026, 3, 5)
    assert pattern.next_after(date(2026, 3, 6)) == date(2026, 4, 5)
    flat = [(date(2026, 1, 1) + timedelta(days=i), Decimal(10)) for i in range(60)]
    assert detect_monthly_pattern(flat, today=date(2026, 3, 2)) is None


def test_the_monthly_lump_is_planned_for_only_when_it_falls_inside_the_protection_interval() -> None:
    pattern = detect_monthly_pattern(hospital_history(date(2026, 3, 2)), today=date(2026, 3, 2))
    base = DemandEstimate(mean_per_day=Decimal(2), std_per_day=Decimal(1), method="test", history_days=180,
                          calendar=pattern)
    offer = Offer(supplier="S", unit_price=Decimal(50), lead_time_days=Decimal(2))
    due = decide(estimate=base, position=position("30"), offer=offer, target=ServiceTarget.cycle("0.95"),
                 review_days=Decimal(1), today=date(2026, 3, 2))
    later = decide(estimate=base, position=position("30"), offer=offer, target=ServiceTarget.cycle("0.95"),
                   review_days=Decimal(1), today=date(2026, 3, 12))
    assert "calendar_due" in due.reasons and due.demand_mean > 500 and due.quantity > 470
    assert later.quantity == 0 and "calendar_due" not in later.reasons


def test_a_long_tail_items_target_is_lowered_while_holding_costs_too_much_of_its_margin() -> None:
    # 2 a day at a margin of 1.00 a unit earns 730 a year; at 99.2 % the safety stock of a noisy item
    # would cost more than 11 % of that in holding (20 %/year of its value at cost 20.00).
    noisy = DemandEstimate(mean_per_day=Decimal(2), std_per_day=Decimal(3), method="test", history_days=90)
    offer = Offer(supplier="S", unit_price=Decimal(20), lead_time_days=Decimal(7), lead_time_sd_days=Decimal(3))
    kwargs = dict(estimate=noisy, position=position("0"), offer=offer, review_days=Decimal(1), today=TODAY,
                  unit_price=Decimal(21), holding_rate=Decimal("0.2"))
    free, share_free = decide_within_holding_cap(target=ServiceTarget.fill_rate("0.992"), cap=None, **kwargs)
    capped, share = decide_within_holding_cap(target=ServiceTarget.fill_rate("0.992"), cap=Decimal("0.11"), **kwargs)
    assert share_free is not None and share_free > Decimal("0.11")
    assert capped.target.value < Decimal("0.992") and "target_lowered_for_holding_cost" in capped.reasons
    assert capped.safety_stock < free.safety_stock and share is not None and share < share_free


def test_overrides_by_department_site_kind_and_site() -> None:
    settings = parse_settings("""
version = 1
[targets]
A = "0.992"
B = "0.98"
C = "0.95"
[[override]]
category = "医药/"
class = "A"
target = "0.995"
[[override]]
site_kind = "channel"
target = "0.97"
""")
    assert settings.target_for(abc="A", category="医药/疫苗", site_kind="store").value == Decimal("0.995")
    assert settings.target_for(abc="A", category="生鲜/饮品", site_kind="channel").value == Decimal("0.97")
    assert settings.target_for(abc="B", category="生鲜/饮品", site_kind="store").value == Decimal("0.98")
    with pytest.raises(InvalidInput) as info:
        parse_settings('version = 1\n[targets]\nA = "0.9"\nB = "0.9"\nC = "0.9"\n'
                       '[[override]]\nslot = "lunch"\ntarget = "0.9"\n')
    assert info.value.field == "override[0].slot"
