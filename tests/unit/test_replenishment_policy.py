"""Replenishment policy maths: textbook known answers, hand-worked examples, and the laws that hold.

Sources for the known answers:
- SPT: Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed. (2017),
  the standard normal tables (z and G(k)) and the lead-time-demand formulas.
- Axsäter, *Inventory Control*, 3rd ed. (2015): Poisson reorder points and the (s, Q) fill rate.
Where a number is worked out by hand, the arithmetic is in the comment next to it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.kernel.errors import InvalidInput
from jxc.kernel.messages import MESSAGES, bilingual
from jxc.replenishment.policy import (
    POISSON_NORMAL_APPROXIMATION_ABOVE,
    IntervalDemand,
    NormalPolicy,
    OrderReason,
    OrderSuggestion,
    ServiceKind,
    ServiceTarget,
    eoq,
    holding_cost_share_of_margin,
    inventory_position,
    normal_loss,
    normal_policy,
    order_up_to,
    poisson_cdf,
    poisson_expected_shortage,
    poisson_reorder_point,
    protection_interval_demand,
    quantile_reorder_point,
    reorder_point,
    safety_stock_normal,
    suggest_order,
)

D = Decimal
CYCLE_95 = ServiceTarget.cycle("0.95")


def direct_poisson_pmf(k: int, mean: float) -> float:
    """An independent check on the log-space recurrence: e^(−λ)·λ^k / k! via lgamma."""
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))


def direct_fill_rate(s: int, mean: float, q: int) -> float:
    """β(s) = 1 − (1/Q)·Σ_{j=s+1}^{s+Q} P(D ≥ j), the (s, Q) fill rate written as a different sum."""

    def at_least(j: int) -> float:
        return 1.0 - sum(direct_poisson_pmf(k, mean) for k in range(max(j, 0))) if j > 0 else 1.0

    return 1.0 - sum(at_least(j) for j in range(s + 1, s + q + 1)) / q


# --- service targets ------------------------------------------------------------------------------


def test_service_targets_hold_a_decimal_level_and_their_kind() -> None:
    assert ServiceTarget.cycle("0.992") == ServiceTarget(kind=ServiceKind.CYCLE, value=D("0.992"))
    assert ServiceTarget.fill_rate(0.98).value == D("0.98")  # a float is read through repr, not its binary
    assert ServiceTarget(kind="fill_rate", value=D("0.9")).kind is ServiceKind.FILL_RATE  # type: ignore[arg-type]


def test_safety_factors_match_the_normal_table() -> None:
    # SPT normal table: z(0.95) = 1.6449, z(0.992) = 2.4089 (Φ(2.41) = 0.99202), z(0.5) = 0
    assert abs(ServiceTarget.cycle("0.95").safety_factor - D("1.6449")) < D("0.0001")
    assert abs(ServiceTarget.cycle("0.992").safety_factor - D("2.4089")) < D("0.0001")
    assert ServiceTarget.cycle("0.5").safety_factor == 0
    with pytest.raises(InvalidInput) as info:
        _ = ServiceTarget.fill_rate("0.95").safety_factor
    assert info.value.field == "service_kind"


# --- demand over the protection interval ---------------------------------------------------------


def test_fixed_lead_time_demand_scales_the_daily_standard_deviation_by_the_root_of_the_days() -> None:
    demand = protection_interval_demand(50, 10, 9)
    # μ_P = 50 × 9 = 450; σ_P = √(9 × 10²) = 30
    assert demand == IntervalDemand(mean=D(450), std=D(30), days=D(9))


def test_stochastic_lead_time_adds_the_lead_time_variance_weighted_by_the_squared_demand_rate() -> None:
    # SPT / Axsäter: σ² = μ_L·σ_d² + μ_d²·σ_L² = 6 × 400 + 10 000 × 4 = 42 400, σ ≈ 205.9
    demand = protection_interval_demand(100, 20, 6, lead_time_std_days=2)
    assert demand.mean == D(600)
    assert abs(demand.std - D("205.9126")) < D("0.0001")
    assert float(demand.std) == pytest.approx(math.sqrt(42_400), rel=1e-15)


def test_the_review_period_extends_the_protection_interval() -> None:
    # P = L + R = 4 + 7 = 11 days: μ_P = 20 × 11 = 220, σ_P = 5 × √11 ≈ 16.5831
    demand = protection_interval_demand("20", "5", "4", review_period_days="7")
    assert (demand.mean, demand.days) == (D(220), D(11))
    assert float(demand.std) == pytest.approx(5 * math.sqrt(11), rel=1e-15)


# --- normal demand, cycle service -----------------------------------------------------------------


def test_cycle_service_safety_stock_and_reorder_point_for_a_fixed_lead_time() -> None:
    # σ_d = 10/day, L = 9 days fixed, α = 0.95: SS = 1.6449 × 30 = 49.35; ROP = 450 + 49.35
    demand = protection_interval_demand(50, 10, 9)
    safety_stock = safety_stock_normal(demand, CYCLE_95)
    assert safety_stock.quantize(D("0.01")) == D("49.35")
    assert abs(safety_stock - D("49.3456")) < D("0.0001")
    assert reorder_point(demand, CYCLE_95) == D(450) + safety_stock
    policy = normal_policy(demand, CYCLE_95)
    assert policy == NormalPolicy(
        safety_factor=CYCLE_95.safety_factor, safety_stock=safety_stock, reorder_point=D(450) + safety_stock
    )


def test_stock_levels_round_up_to_quantity_precision() -> None:
    # 1.6448536269514715 × 30 = 49.34560880854… → 49.345609, never 49.345608 (a millionth short)
    assert safety_stock_normal(protection_interval_demand(0, 10, 9), CYCLE_95) == D("49.345609")


def test_without_uncertainty_the_reorder_point_is_the_mean() -> None:
    demand = protection_interval_demand(12, 0, 5)
    assert safety_stock_normal(demand, ServiceTarget.cycle("0.999")) == 0
    assert reorder_point(demand, ServiceTarget.cycle("0.999")) == D(60)


def test_a_cycle_level_below_one_half_gives_a_negative_safety_stock() -> None:
    # z(0.3) = −0.5244: the textbook answer, returned as is (see the module notes)
    demand = protection_interval_demand(10, 10, 4)  # σ_P = 20
    assert abs(safety_stock_normal(demand, ServiceTarget.cycle("0.3")) - D("-10.488")) < D("0.001")


# --- normal demand, fill rate ---------------------------------------------------------------------


@pytest.mark.parametrize(("k", "expected"), [(0, "0.3989"), (1, "0.0833"), (2, "0.0085"), ("0.5", "0.1978")])
def test_standard_normal_loss_matches_the_table(k: object, expected: str) -> None:
    # SPT table of G(u): G(0) = 0.3989, G(0.5) = 0.1978, G(1) = 0.0833, G(2) = 0.0085
    assert normal_loss(k) == pytest.approx(float(expected), abs=5e-5)  # type: ignore[arg-type]


def test_standard_normal_loss_is_symmetric_up_to_k() -> None:
    # G(−k) = E[(Z + k)⁺] = E[Z + k] + E[(−Z − k)⁺] = k + G(k), since −Z has the law of Z
    for k in (0.3, 1.0, 2.5):
        assert normal_loss(-k) == pytest.approx(normal_loss(k) + k, abs=1e-12)


def test_fill_rate_safety_factor_solves_the_expected_shortage_equation() -> None:
    # σ_P = 100, Q = 500, β = 0.99: G(k) = (1 − 0.99) × 500 / 100 = 0.05; SPT table: G(1.25) = 0.0506,
    # G(1.26) = 0.0495, so 1.25 < k < 1.26
    demand = IntervalDemand(mean=D(400), std=D(100), days=D(10))
    policy = normal_policy(demand, ServiceTarget.fill_rate("0.99"), order_quantity=500)
    assert D("1.25") < policy.safety_factor < D("1.26")
    assert 100 * normal_loss(policy.safety_factor) == pytest.approx(0.01 * 500, abs=1e-6)
    assert abs(policy.safety_stock - 100 * policy.safety_factor) < D("0.000001")
    assert policy.reorder_point == D(400) + policy.safety_stock


@pytest.mark.parametrize(
    ("sigma", "beta", "q"), [(205.9126, "0.99", 1000), (30, "0.95", 40), (5, "0.999", 200), (50, "0.5", 10)]
)
def test_fill_rate_safety_factor_meets_the_target_to_a_millionth(sigma: float, beta: str, q: int) -> None:
    demand = IntervalDemand(mean=D(100), std=D(repr(sigma)), days=D(7))
    k = normal_policy(demand, ServiceTarget.fill_rate(beta), order_quantity=q).safety_factor
    assert sigma * normal_loss(k) == pytest.approx((1 - float(beta)) * q, abs=1e-6)


def test_a_large_order_quantity_alone_can_meet_the_fill_rate() -> None:
    # G(k) = 0.05 × 1000 / 10 = 5 > G(0) = 0.399, so k < 0: less than the mean is enough in stock
    demand = IntervalDemand(mean=D(50), std=D(10), days=D(5))
    policy = normal_policy(demand, ServiceTarget.fill_rate("0.95"), order_quantity=1000)
    assert policy.safety_factor < 0
    assert policy.reorder_point < 50


def test_fill_rate_with_certain_demand_needs_no_safety_stock() -> None:
    demand = IntervalDemand(mean=D(80), std=D(0), days=D(4))
    assert normal_policy(demand, ServiceTarget.fill_rate("0.99"), 100) == NormalPolicy(
        safety_factor=D(0), safety_stock=D(0), reorder_point=D(80)
    )


def test_fill_rate_needs_an_order_quantity() -> None:
    demand = IntervalDemand(mean=D(80), std=D(10), days=D(4))
    with pytest.raises(InvalidInput) as info:
        reorder_point(demand, ServiceTarget.fill_rate("0.99"))
    assert (info.value.code, info.value.field) == ("field.required", "order_quantity")


# --- Poisson demand -------------------------------------------------------------------------------


def test_poisson_cycle_reorder_point_for_a_slow_mover() -> None:
    # Axsäter / Poisson table, λP = 4: P(D ≤ 7) = 0.9489 < 0.95 ≤ P(D ≤ 8) = 0.9786, so s = 8
    assert poisson_cdf(7, 4) == pytest.approx(0.9489, abs=5e-5)
    assert poisson_cdf(8, 4) == pytest.approx(0.9786, abs=5e-5)
    assert poisson_reorder_point(4, CYCLE_95) == D(8)
    # P(D ≤ 0) = e^(−4) = 0.0183; P(D ≤ 1) = 5e^(−4) = 0.0916
    assert poisson_cdf(0, 4) == pytest.approx(math.exp(-4), rel=1e-14)
    assert poisson_cdf(1, 4) == pytest.approx(5 * math.exp(-4), rel=1e-14)
    assert poisson_cdf(-1, 4) == 0.0


@pytest.mark.parametrize("mean", [0.2, 3.5, 40.0, 300.0, 900.0])
def test_poisson_cdf_in_log_space_matches_a_direct_sum(mean: float) -> None:
    # at λ = 900, e^(−900) underflows a float; the log-space recurrence does not care
    for s in {0, int(mean), int(mean + 3 * math.sqrt(mean)) + 1}:
        direct = sum(direct_poisson_pmf(k, mean) for k in range(s + 1))
        assert poisson_cdf(s, mean) == pytest.approx(direct, rel=1e-9, abs=1e-300)


def test_poisson_reorder_point_grows_with_the_service_level_and_handles_large_means() -> None:
    assert [poisson_reorder_point(4, ServiceTarget.cycle(a)) for a in ("0.5", "0.95", "0.99", "0.999")] == [
        D(4),  # P(D ≤ 3) = 0.4335 < 0.5 ≤ P(D ≤ 4) = 0.6288
        D(8),
        D(9),  # P(D ≤ 8) = 0.9786 < 0.99 ≤ P(D ≤ 9) = 0.9919
        D(11),  # P(D ≤ 10) = 0.9972 < 0.999 ≤ P(D ≤ 11) = 0.9991
    ]
    # λ = 900, summed exactly in log space: P(D ≤ 949) = 0.94957 < 0.95 ≤ P(D ≤ 950) = 0.95288; the
    # normal approximation would say 949 (900 + 1.6449 × 30 − ½ = 948.85), the Poisson's right skew adds one
    assert poisson_reorder_point(900, CYCLE_95) == D(950)
    assert poisson_cdf(949, 900) == pytest.approx(0.94957, abs=5e-6)


def test_large_poisson_means_use_the_normal_approximation_with_continuity_correction() -> None:
    # λ = 5000 > 1000: smallest s with Φ((s + ½ − 5000)/√5000) ≥ 0.95, i.e. s ≥ 5000 + 116.31 − 0.5
    assert poisson_reorder_point(5000, CYCLE_95) == D(5116)
    just_above = POISSON_NORMAL_APPROXIMATION_ABOVE + 1e-9
    for s in (950, 1000, 1030, 1060):
        # the switch at λ = 1000 moves a probability by far less than forecast error
        assert poisson_cdf(s, just_above) == pytest.approx(poisson_cdf(s, 1000), abs=0.003)
        assert poisson_expected_shortage(s, just_above) == pytest.approx(
            poisson_expected_shortage(s, 1000), abs=0.05
        )


def test_poisson_expected_shortage_by_hand() -> None:
    # λ = 1: E[(D − 0)⁺] = E[D] = 1
    assert poisson_expected_shortage(0, 1) == pytest.approx(1.0, rel=1e-15)
    # E[(D − 1)⁺] = λ − 1 + Σ_{k≤1} (1 − k)p(k) = 0 + p(0) = e^(−1) = 0.3679
    assert poisson_expected_shortage(1, 1) == pytest.approx(math.exp(-1), rel=1e-13)
    # E[(D − 2)⁺] = 1 − 2 + 2p(0) + p(1) = 3e^(−1) − 1 = 0.1036
    assert poisson_expected_shortage(2, 1) == pytest.approx(3 * math.exp(-1) - 1, rel=1e-12)
    # λ = 4, s = 8: λ·P(D ≥ 8) − 8·P(D ≥ 9) = 4 × (1 − 0.948866) − 8 × (1 − 0.978637) = 0.03364
    expected = 4 * (1 - poisson_cdf(7, 4)) - 8 * (1 - poisson_cdf(8, 4))
    assert poisson_expected_shortage(8, 4) == pytest.approx(expected, rel=1e-9)
    assert poisson_expected_shortage(8, 4) == pytest.approx(0.03364, abs=5e-5)
    # a negative s: all of D − s is short, E[D] − s = 1 + 2
    assert poisson_expected_shortage(-2, 1) == 3.0
    assert poisson_expected_shortage(3, 0) == 0.0


def test_poisson_expected_shortage_far_in_the_tail_stays_accurate() -> None:
    # summed as the tail, not as λ − s + (a sum close to s − λ), so nothing cancels
    direct = sum((k - 60) * direct_poisson_pmf(k, 20.0) for k in range(61, 200))
    assert poisson_expected_shortage(60, 20) == pytest.approx(direct, rel=1e-9)
    assert 0 < poisson_expected_shortage(60, 20) < 1e-10


def test_poisson_fill_rate_reorder_point_is_the_smallest_that_meets_the_target() -> None:
    # λP = 2, Q = 5, β = 0.95; β(s) = 1 − (1/Q)·Σ_{j=s+1}^{s+Q} P(D ≥ j), from the Poisson(2) table
    # P(D ≥ 3..8) = 0.3233, 0.1429, 0.0527, 0.0166, 0.0045, 0.0011:
    # β(2) = 1 − (0.3233 + 0.1429 + 0.0527 + 0.0166 + 0.0045)/5 = 1 − 0.5400/5 = 0.8920 < 0.95
    # β(3) = 1 − (0.1429 + 0.0527 + 0.0166 + 0.0045 + 0.0011)/5 = 1 − 0.2178/5 = 0.9564 ≥ 0.95 → s = 3
    target = ServiceTarget.fill_rate("0.95")
    assert direct_fill_rate(2, 2.0, 5) == pytest.approx(0.8920, abs=1e-4)
    assert direct_fill_rate(3, 2.0, 5) == pytest.approx(0.9564, abs=1e-4)
    assert poisson_reorder_point(2, target, order_quantity=5) == D(3)
    for mean, q, beta in [(0.3, 1, "0.9"), (7.5, 12, "0.98"), (30, 10, "0.99"), (4, 50, "0.999")]:
        s = int(poisson_reorder_point(mean, ServiceTarget.fill_rate(beta), q))
        assert direct_fill_rate(s, mean, q) >= float(beta) > direct_fill_rate(s - 1, mean, q)


def test_poisson_fill_rate_can_be_met_by_the_order_quantity_alone() -> None:
    # λP = 0.5, Q = 100: with s < 0 every unit below s is short, E[(D − s)⁺] = 0.5 − s, and
    # E[(D − s − 100)⁺] ≈ 0; β(−5) = 1 − 5.5/100 = 0.945 < 0.95 ≤ β(−4) = 1 − 4.5/100 = 0.955
    assert poisson_reorder_point("0.5", ServiceTarget.fill_rate("0.95"), 100) == D(-4)


def test_poisson_sums_stop_where_a_float_stops_seeing_the_tail() -> None:
    # s far above the mean must not walk every term up to s
    assert poisson_cdf(10**11, 3) == 1.0
    assert poisson_expected_shortage(10**11, 3) == 0.0
    # Q = 10**12, λP = 3: for s < 0, β(s) = 1 − (3 − s)/Q, so β ≥ 0.95 ⇔ s ≥ 3 − 5·10**10
    assert poisson_reorder_point(3, ServiceTarget.fill_rate("0.95"), 10**12) == D(3 - 5 * 10**10)


def test_poisson_with_no_demand_needs_no_reorder_point() -> None:
    assert poisson_reorder_point(0, CYCLE_95) == 0
    assert poisson_reorder_point(0, ServiceTarget.fill_rate("0.99"), 3) == 0


def test_poisson_fill_rate_needs_a_whole_order_quantity() -> None:
    target = ServiceTarget.fill_rate("0.95")
    with pytest.raises(InvalidInput) as info:
        poisson_reorder_point(2, target, order_quantity=D("2.5"))
    assert info.value.field == "order_quantity"
    with pytest.raises(InvalidInput) as info:
        poisson_reorder_point(2, target)
    assert (info.value.code, info.value.field) == ("field.required", "order_quantity")


# --- empirical quantiles --------------------------------------------------------------------------

FORECAST = {D("0.5"): D(40), D("0.9"): D(58), D("0.99"): D(75), D("0.995"): D(80)}


def test_quantile_reorder_point_interpolates_linearly_between_given_levels() -> None:
    # α = 0.992 between 0.99 (75) and 0.995 (80): 75 + 5 × 0.002/0.005 = 77
    assert quantile_reorder_point(FORECAST, ServiceTarget.cycle("0.992")) == D(77)
    # α = 0.95 between 0.9 (58) and 0.99 (75): 58 + 17 × 0.05/0.09 = 67.4444… → 67.444445 (rounded up)
    assert quantile_reorder_point(FORECAST, CYCLE_95) == D("67.444445")
    # exactly at a given level, including the highest
    assert quantile_reorder_point(FORECAST, ServiceTarget.cycle("0.9")) == D(58)
    assert quantile_reorder_point(FORECAST, ServiceTarget.cycle("0.995")) == D(80)


def test_quantile_levels_may_be_written_as_floats() -> None:
    assert quantile_reorder_point({0.5: 10, 0.9: 20}, ServiceTarget.cycle("0.7")) == D(15)


def test_below_the_lowest_level_the_lowest_quantile_is_the_conservative_answer() -> None:
    assert quantile_reorder_point(FORECAST, ServiceTarget.cycle("0.3")) == D(40)


def test_quantile_reorder_point_refuses_to_extrapolate_above_the_highest_level() -> None:
    with pytest.raises(InvalidInput) as info:
        quantile_reorder_point(FORECAST, ServiceTarget.cycle("0.999"))
    assert info.value.field == "quantiles"
    assert "0.995" in info.value.params["reason"]
    assert "extrapolate" in bilingual(info.value)["en"]


def test_quantiles_must_not_decrease() -> None:
    with pytest.raises(InvalidInput) as info:
        quantile_reorder_point({D("0.5"): 40, D("0.9"): 58, D("0.99"): 50}, CYCLE_95)
    assert info.value.field == "quantiles[0.99]"
    # equal neighbours are fine: no demand at all up to the median, say
    # 0 + 3 × 0.05/0.09 = 1.6666… → 1.666667
    assert quantile_reorder_point({D("0.5"): 0, D("0.9"): 0, D("0.99"): 3}, CYCLE_95) == D("1.666667")


@pytest.mark.parametrize(
    "quantiles",
    [{}, {D("1"): 5}, {D("0"): 5}, {D("0.5"): -1}, {D("0.5"): 1, 0.5: 2}, {"x": 1}],
    ids=["empty", "level-one", "level-zero", "negative-quantity", "duplicate-level", "not-a-number"],
)
def test_bad_quantiles_are_refused_naming_the_field(quantiles: dict[Any, Any]) -> None:
    with pytest.raises(InvalidInput) as info:
        quantile_reorder_point(quantiles, CYCLE_95)
    assert info.value.field is not None
    assert info.value.field.startswith("quantiles")


def test_quantiles_give_a_cycle_service_level_only() -> None:
    with pytest.raises(InvalidInput) as info:
        quantile_reorder_point(FORECAST, ServiceTarget.fill_rate("0.95"))
    assert info.value.field == "service_kind"


# --- order quantities -----------------------------------------------------------------------------


def test_inventory_position_counts_what_is_coming_and_subtracts_what_is_promised() -> None:
    # 100 on hand + 20 in transit + 30 on order − 15 reserved − 5 backordered = 130
    assert inventory_position(100, 20, 30, 15, 5) == D(130)
    assert inventory_position(0, backorders=4) == D(-4)


def test_order_up_to_adds_a_review_period_of_demand_or_one_order_quantity() -> None:
    # periodic review: S = 100 + 20 × 7 = 240; continuous review: S = 100 + 150
    assert order_up_to(100, 20, 7) == D(240)
    assert order_up_to(100, 20, 0, order_quantity=150) == D(250)
    with pytest.raises(InvalidInput) as info:
        order_up_to(100, 20, 0)
    assert (info.value.code, info.value.field) == ("field.required", "order_quantity")


def reasons(*codes: str) -> tuple[OrderReason, ...]:
    return tuple(OrderReason(code) for code in codes)


def test_no_order_above_the_reorder_point() -> None:
    assert suggest_order(51, 50, 200, 10, 6) == OrderSuggestion(
        quantity=D(0), reasons=reasons("above_reorder_point")
    )


def test_at_the_reorder_point_order_up_to_s_in_whole_packs() -> None:
    # 200 − 50 = 150 exactly 25 packs of 6
    assert suggest_order(50, 50, 200, 0, 6) == OrderSuggestion(
        quantity=D(150), reasons=reasons("below_reorder_point")
    )
    # 200 − 47 = 153 → 26 packs = 156
    assert suggest_order(47, 50, 200, 0, 6) == OrderSuggestion(
        quantity=D(156), reasons=reasons("below_reorder_point", "rounded_to_pack")
    )
    # fractional packs work the same: 10 − 7.3 = 2.7 → 6 × 0.5 = 3.0
    assert suggest_order(D("7.3"), 8, 10, 0, D("0.5")).quantity == D(3)


def test_small_orders_are_raised_to_the_moq_in_whole_packs() -> None:
    # 100 − 95 = 5 → 1 pack of 12; MOQ 50 → 5 packs = 60 (the MOQ itself rounded up to packs)
    assert suggest_order(95, 96, 100, 50, 12) == OrderSuggestion(
        quantity=D(60), reasons=reasons("below_reorder_point", "rounded_to_pack", "raised_to_moq")
    )


def test_shelf_life_caps_the_order_at_what_sells_before_expiry() -> None:
    # S − position = 200 − 20 = 180; sells before expiry 120, minus 20 held = 100 → 8 packs of 12 = 96
    assert suggest_order(20, 50, 200, 24, 12, max_units_before_expiry=120) == OrderSuggestion(
        quantity=D(96), reasons=reasons("below_reorder_point", "capped_by_shelf_life")
    )
    # a generous shelf life changes nothing
    assert suggest_order(20, 50, 200, 24, 12, max_units_before_expiry=1000).quantity == D(180)


def test_when_even_the_moq_would_expire_nothing_is_ordered() -> None:
    # cap = 60 − 20 = 40 → 3 packs = 36 < MOQ 48: the supplier will not ship 36, and 48 would expire
    assert suggest_order(20, 50, 200, 48, 12, max_units_before_expiry=60) == OrderSuggestion(
        quantity=D(0), reasons=reasons("below_reorder_point", "capped_by_shelf_life")
    )
    # already holding more than sells before expiry
    assert suggest_order(20, 50, 200, 0, 1, max_units_before_expiry=10).quantity == 0


def test_budget_caps_the_order_in_whole_packs() -> None:
    # 180 wanted at 2.50 each; budget 300.00 buys 120 = 10 packs of 12
    assert suggest_order(20, 50, 200, 24, 12, budget=D("300.00"), unit_cost=D("2.50")) == OrderSuggestion(
        quantity=D(120), reasons=reasons("below_reorder_point", "capped_by_budget")
    )
    # 100.00 buys 40 → 3 packs = 36 < MOQ 48: nothing
    assert suggest_order(20, 50, 200, 48, 12, budget=D("100.00"), unit_cost=D("2.50")) == OrderSuggestion(
        quantity=D(0), reasons=reasons("below_reorder_point", "capped_by_budget")
    )
    # free goods set no budget cap
    assert suggest_order(20, 50, 200, 0, 12, budget=0, unit_cost=0).quantity == D(180)


def test_shelf_life_and_budget_both_cap() -> None:
    # shelf life: 140 − 20 = 120 → 120; budget 250 / 2.5 = 100 → 96
    suggestion = suggest_order(
        20, 50, 200, 0, 12, max_units_before_expiry=140, budget=250, unit_cost=D("2.5")
    )
    assert suggestion == OrderSuggestion(
        quantity=D(96), reasons=reasons("below_reorder_point", "capped_by_shelf_life", "capped_by_budget")
    )


def test_a_budget_needs_a_unit_cost() -> None:
    with pytest.raises(InvalidInput) as info:
        suggest_order(20, 50, 200, 0, 12, budget=100)
    assert (info.value.code, info.value.field) == ("field.required", "unit_cost")


def test_economic_order_quantity() -> None:
    # D = 1200/yr, S = 100 per order, H = 6 per unit-year: √(2 × 1200 × 100 / 6) = √40 000 = 200
    assert eoq(1200, 100, 6) == D(200)
    # √(2 × 1000 × 50 / 2) = √50 000 = 223.6067977… → 223.606798
    assert eoq(1000, 50, 2) == D("223.606798")
    assert eoq(0, 100, 6) == 0


def test_holding_cost_share_of_margin() -> None:
    # 10 000 average stock × 25 %/yr = 2 500 a year, against 5 000 gross margin: half of it
    assert holding_cost_share_of_margin(10_000, D("0.25"), 5_000) == D("0.5")
    # 1 200 × 0.18 / 7 000 = 0.030857142… → 0.030857
    assert holding_cost_share_of_margin(1200, "0.18", 7000) == D("0.030857")


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ServiceTarget.cycle(0), "service_level"),
        (lambda: ServiceTarget.cycle(1), "service_level"),
        (lambda: ServiceTarget.cycle("1.2"), "service_level"),
        (lambda: ServiceTarget.fill_rate("-0.1"), "service_level"),
        (lambda: ServiceTarget.cycle("0.99999999999999999999"), "service_level"),
        (lambda: ServiceTarget.cycle("abc"), "service_level"),
        (lambda: ServiceTarget.cycle(True), "service_level"),  # bool is an int, but never a level
        (lambda: ServiceTarget.cycle(math.nan), "service_level"),
        (lambda: ServiceTarget(kind="sometimes", value=D("0.9")), "service_kind"),  # type: ignore[arg-type]
        (lambda: protection_interval_demand(-1, 10, 9), "demand_mean_per_day"),
        (lambda: protection_interval_demand(5, -1, 9), "demand_std_per_day"),
        (lambda: protection_interval_demand(5, 1, -2), "lead_time_mean_days"),
        (lambda: protection_interval_demand(5, 1, 2, lead_time_std_days=-1), "lead_time_std_days"),
        (lambda: protection_interval_demand(5, 1, 2, review_period_days=-7), "review_period_days"),
        (lambda: protection_interval_demand(5, 1, D("Infinity")), "lead_time_mean_days"),
        (lambda: protection_interval_demand(D("1e13"), 1, 2), "demand_mean_per_day"),
        (lambda: IntervalDemand(mean=D(10), std=D(-1), days=D(3)), "demand.std"),
        (lambda: IntervalDemand(mean=D(-10), std=D(1), days=D(3)), "demand.mean"),
        (lambda: normal_loss(math.inf), "k"),
        (lambda: poisson_cdf(3, -1), "mean"),
        (lambda: poisson_cdf(2.5, 1), "s"),  # type: ignore[arg-type]
        (lambda: poisson_expected_shortage(True, 1), "s"),
        (lambda: poisson_reorder_point(-2, CYCLE_95), "interval_mean"),
        (lambda: poisson_reorder_point(2, ServiceTarget.fill_rate("0.9"), 0), "order_quantity"),
        (lambda: order_up_to(100, -1, 7), "demand_mean_per_day"),
        (lambda: order_up_to(100, 1, -7), "review_period_days"),
        (lambda: order_up_to(100, 1, 0, order_quantity=-5), "order_quantity"),
        (lambda: suggest_order(10, 20, 100, 0, 0), "pack_size"),
        (lambda: suggest_order(10, 20, 100, 0, "0.0000001"), "pack_size"),  # finer than a stored quantity
        (lambda: suggest_order(D("10.0000001"), 20, 100, 0, 1), "position"),
        (lambda: suggest_order(10, 20, 100, 0, -6), "pack_size"),
        (lambda: suggest_order(10, 20, 100, -1, 6), "moq"),
        (lambda: suggest_order(10, 20, 10, 0, 6), "up_to"),
        (lambda: suggest_order("x", 20, 100, 0, 6), "position"),
        (lambda: suggest_order(10, 20, 100, 0, 6, max_units_before_expiry=-1), "max_units_before_expiry"),
        (lambda: suggest_order(10, 20, 100, 0, 6, budget=-1, unit_cost=1), "budget"),
        (lambda: suggest_order(10, 20, 100, 0, 6, budget=10, unit_cost=-1), "unit_cost"),
        (lambda: inventory_position(-1), "on_hand"),
        (lambda: inventory_position(5, reserved=-1), "reserved"),
        (lambda: inventory_position("1.0000001"), "on_hand"),
        (lambda: eoq(-1, 100, 6), "annual_demand"),
        (lambda: eoq(1200, -100, 6), "order_cost"),
        (lambda: eoq(1200, 100, 0), "holding_cost_per_unit_year"),
        (lambda: eoq(10**12, 10**12, "1e-12"), "holding_cost_per_unit_year"),  # √(2·10**36) is no quantity
        (lambda: holding_cost_share_of_margin(-1, "0.2", 100), "avg_inventory_value"),
        (lambda: holding_cost_share_of_margin(10, "-0.2", 100), "holding_rate_per_year"),
        (lambda: holding_cost_share_of_margin(10, "0.2", 0), "gross_margin_per_year"),
        (lambda: holding_cost_share_of_margin(10**12, 1, "1e-6"), "gross_margin_per_year"),
        (
            lambda: normal_policy(
                IntervalDemand(mean=D(1), std=D("1e-300"), days=D(1)), ServiceTarget.fill_rate("0.9"), 10**12
            ),
            "demand.std",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(call: object, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        call()  # type: ignore[operator]
    assert info.value.field == field
    assert info.value.code in MESSAGES
    for text in bilingual(info.value).values():
        assert field in text


# --- laws -----------------------------------------------------------------------------------------

levels = st.decimals(min_value=D("0.0001"), max_value=D("0.9999"), places=4)
upper_levels = st.decimals(min_value=D("0.5"), max_value=D("0.9999"), places=4)
amounts = st.decimals(min_value=0, max_value=10_000, places=2)


@settings(max_examples=200, deadline=None)
@given(a=levels, b=levels, mu_d=amounts, sigma_d=amounts, lead=st.integers(0, 60), sigma_l=amounts)
def test_normal_reorder_point_never_falls_as_the_service_level_rises(
    a: Decimal, b: Decimal, mu_d: Decimal, sigma_d: Decimal, lead: int, sigma_l: Decimal
) -> None:
    low, high = sorted((a, b))
    demand = protection_interval_demand(mu_d, sigma_d, lead, sigma_l / 100)
    assert reorder_point(demand, ServiceTarget.cycle(low)) <= reorder_point(demand, ServiceTarget.cycle(high))


@settings(max_examples=200, deadline=None)
@given(
    alpha=upper_levels,
    mu_d=amounts,
    s1=amounts,
    s2=amounts,
    lead=st.integers(0, 60),
    review=st.integers(0, 14),
)
def test_normal_reorder_point_never_falls_as_demand_gets_more_uncertain(
    alpha: Decimal, mu_d: Decimal, s1: Decimal, s2: Decimal, lead: int, review: int
) -> None:
    # for α ≥ ½ (z ≥ 0); below it more uncertainty rightly lowers the reorder point
    low, high = sorted((s1, s2))
    target = ServiceTarget.cycle(alpha)
    assert reorder_point(protection_interval_demand(mu_d, low, lead, 1, review), target) <= reorder_point(
        protection_interval_demand(mu_d, high, lead, 1, review), target
    )


@settings(max_examples=100, deadline=None)
@given(a=levels, b=levels, mean=st.decimals(min_value=0, max_value=3000, places=1))
def test_poisson_reorder_point_never_falls_as_the_service_level_rises(
    a: Decimal, b: Decimal, mean: Decimal
) -> None:
    low, high = sorted((a, b))
    assert poisson_reorder_point(mean, ServiceTarget.cycle(low)) <= poisson_reorder_point(
        mean, ServiceTarget.cycle(high)
    )


@settings(max_examples=100, deadline=None)
@given(
    beta=st.decimals(min_value=D("0.01"), max_value=D("0.9999"), places=4),
    sigma=st.decimals(min_value=D("0.01"), max_value=10_000, places=2),
    q=st.decimals(min_value=1, max_value=100_000, places=0),
)
def test_fill_rate_safety_factor_always_solves_its_equation(
    beta: Decimal, sigma: Decimal, q: Decimal
) -> None:
    demand = IntervalDemand(mean=D(0), std=sigma, days=D(1))
    k = normal_policy(demand, ServiceTarget.fill_rate(beta), q).safety_factor
    assert float(sigma) * normal_loss(k) == pytest.approx((1 - float(beta)) * float(q), rel=1e-9, abs=1e-6)


quantities = st.decimals(min_value=0, max_value=5_000, places=3)


@settings(max_examples=300, deadline=None)
@given(
    position=st.decimals(min_value=-100, max_value=5_000, places=3),
    rop=quantities,
    extra=quantities,
    moq=quantities,
    pack=st.decimals(min_value=D("0.001"), max_value=500, places=3),
    shelf=st.none() | quantities,
    budget=st.none() | st.decimals(min_value=0, max_value=100_000, places=2),
    unit_cost=st.decimals(min_value=0, max_value=100, places=2),
)
def test_suggestions_are_whole_packs_and_at_least_the_moq(
    position: Decimal,
    rop: Decimal,
    extra: Decimal,
    moq: Decimal,
    pack: Decimal,
    shelf: Decimal | None,
    budget: Decimal | None,
    unit_cost: Decimal,
) -> None:
    up_to = rop + extra
    suggestion = suggest_order(position, rop, up_to, moq, pack, shelf, budget, unit_cost)
    quantity = suggestion.quantity
    assert quantity >= 0
    assert quantity % pack == 0
    if quantity > 0:
        assert quantity >= moq
        assert position <= rop
        if shelf is not None:
            assert quantity <= max(D(0), shelf - position)
        if budget is not None and unit_cost > 0:
            assert quantity * unit_cost <= budget
    if position > rop:
        assert suggestion.reasons == (OrderReason.ABOVE_REORDER_POINT,)
    else:
        assert suggestion.reasons[0] is OrderReason.BELOW_REORDER_POINT
