"""Demand classification and accuracy measures: hand-computed cases and the laws that hold.

Sources: Syntetos, Boylan & Croston (2005) for the ADI / CV² cut-offs (1.32, 0.49); Hyndman &
Koehler (2006) for MASE. The arithmetic of every hand-worked number is in the comment next to it.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.forecasting.model import (
    ADI_CUTOFF,
    CV2_CUTOFF,
    DEFAULT_LEVELS,
    DemandClass,
    bias,
    classify,
    coverage,
    demand_profile,
    interval_coverage,
    mae,
    mase,
    mase_scale,
    pinball_loss,
    quantile_label,
)
from jxc.kernel.errors import InvalidInput


def test_cutoffs_are_syntetos_boylan() -> None:
    assert (ADI_CUTOFF, CV2_CUTOFF) == (1.32, 0.49)


def test_profile_hand_computed() -> None:
    # 10 periods, 4 with demand: ADI = 10 / 4 = 2.5; sizes 2, 4, 2, 4: mean 3, population variance
    # ((1 + 1 + 1 + 1) / 4) = 1, CV² = 1 / 9
    p = demand_profile([0, 2, 0, 4, 0, 0, 2, 0, 4, 0], min_history=5)
    assert (p.periods, p.nonzero) == (10, 4)
    assert p.adi == pytest.approx(2.5)
    assert p.cv2 == pytest.approx(1 / 9)
    assert p.demand_class is DemandClass.INTERMITTENT


@pytest.mark.parametrize(("history", "expected"), [
    # demand every period, sizes 9..11: CV² ≈ 0.007 → smooth
    ([10, 9, 11, 10, 10, 9, 11, 10] * 4, DemandClass.SMOOTH),
    # every period, sizes 1 and 9: mean 5, variance 16, CV² = 0.64 → erratic
    ([1, 9] * 16, DemandClass.ERRATIC),
    # one period in three, always 5: ADI 3, CV² 0 → intermittent
    ([0, 0, 5] * 10, DemandClass.INTERMITTENT),
    # one period in three, sizes 1 and 9: ADI 3, CV² 0.64 → lumpy
    ([0, 0, 1, 0, 0, 9] * 5, DemandClass.LUMPY),
    # fewer than min_history periods → new, whatever they hold
    ([3, 4, 5], DemandClass.NEW),
    ([0] * 5, DemandClass.NEW),
    # long enough and never a sale → dead
    ([0] * 40, DemandClass.DEAD),
])
def test_classes(history: list[float], expected: DemandClass) -> None:
    assert classify(history, min_history=28) is expected


def test_boundaries_belong_to_the_upper_class() -> None:
    # 33 periods, 25 with demand: ADI = 33 / 25 = 1.32 exactly at the cut-off → not "every period"
    history = [1.0] * 25 + [0.0] * 8
    p = demand_profile(history, min_history=1)
    assert p.adi == ADI_CUTOFF
    assert p.demand_class is DemandClass.INTERMITTENT
    # one period short of the cut-off: 32 / 25 = 1.28 → smooth
    assert classify([1.0] * 25 + [0.0] * 7, min_history=1) is DemandClass.SMOOTH
    # sizes 1, 1, 4: mean 2, population variance (1 + 1 + 4) / 3 = 2, CV² = 0.5 ≥ 0.49 → erratic
    assert classify([1, 1, 4] * 10, min_history=1) is DemandClass.ERRATIC
    # sizes 2, 2, 4: mean 8/3, variance 8/9, CV² = 0.125 → smooth
    assert classify([2, 2, 4] * 10, min_history=1) is DemandClass.SMOOTH


def test_one_demand_has_zero_cv2() -> None:
    p = demand_profile([0] * 29 + [7], min_history=28)
    assert (p.adi, p.cv2, p.demand_class) == (30.0, 0.0, DemandClass.INTERMITTENT)


def test_dead_and_empty_have_nan_measures() -> None:
    p = demand_profile([0] * 30)
    assert math.isnan(p.adi) and math.isnan(p.cv2)
    assert demand_profile([]).demand_class is DemandClass.NEW


@pytest.mark.parametrize("history", [[1, -1, 2], [1, math.nan], [math.inf]])
def test_bad_history_is_refused(history: list[float]) -> None:
    with pytest.raises(InvalidInput) as e:
        classify(history)
    assert e.value.field is not None and e.value.field.startswith("history[")


def test_min_history_must_be_positive() -> None:
    with pytest.raises(InvalidInput):
        classify([1, 2, 3], min_history=0)


def test_mase_seasonal_scale() -> None:
    # history 1..10, season 7: y[t] − y[t−7] for t = 7, 8, 9 is 7, 7, 7 → scale 7
    history = list(range(1, 11))
    assert mase_scale(history, 7) == 7
    # forecast errors 1 and −2: MAE 1.5 → MASE 1.5 / 7
    assert mase([10, 12], [11, 10], history, 7) == pytest.approx(1.5 / 7)


def test_mase_falls_back_to_naive_for_short_histories() -> None:
    # 3 values ≤ season 7: lag 1, |3 − 1| + |2 − 3| = 3 over 2 differences → 1.5
    assert mase_scale([1, 3, 2], 7) == 1.5
    assert mase_scale([1, 3, 2], 1) == 1.5
    assert math.isnan(mase_scale([5], 7))


def test_mase_is_nan_without_a_scale() -> None:
    assert math.isnan(mase([1, 2], [1, 1], [4] * 20, 7))
    assert math.isnan(mase([1], [1], [4], 7))


def test_bias_sign_and_scale() -> None:
    # errors (forecast − actual) +2 and −1 over actuals 20: (2 − 1) / 20 = 0.05, too high
    assert bias([10, 10], [12, 9]) == pytest.approx(0.05)
    assert bias([10, 10], [8, 9]) == pytest.approx(-0.15)
    assert math.isnan(bias([0, 0], [1, 1]))


def test_pinball_loss_hand_computed() -> None:
    # τ = 0.9: actual 10 above q 8 costs 0.9 × 2 = 1.8; actual 5 below q 8 costs 0.1 × 3 = 0.3; mean 1.05
    assert pinball_loss([10, 5], [8, 8], 0.9) == pytest.approx(1.05)
    assert pinball_loss([3], [3], 0.99) == 0


def test_coverage_and_interval_coverage() -> None:
    assert coverage([1, 2, 3, 4], [2, 2, 2, 2]) == 0.5  # 1 and 2 are at or below 2
    assert interval_coverage([1, 2, 3, 4], [2, 2, 2, 2], [3, 3, 3, 3]) == 0.5  # 2 and 3
    with pytest.raises(InvalidInput):
        interval_coverage([1], [3], [2])


def test_lengths_must_match_and_levels_be_probabilities() -> None:
    with pytest.raises(InvalidInput):
        mae([1, 2], [1])
    with pytest.raises(InvalidInput):
        mae([], [])
    for level in (0, 1, 1.5, True):
        with pytest.raises(InvalidInput):
            pinball_loss([1], [1], level)


def test_quantile_labels() -> None:
    assert [quantile_label(t) for t in DEFAULT_LEVELS] == ["q0.5", "q0.8", "q0.9", "q0.95", "q0.99", "q0.992", "q0.995"]


values = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30)


@given(values, st.floats(min_value=0.01, max_value=0.99))
@settings(max_examples=60, deadline=None)
def test_pinball_laws(actual: list[float], level: float) -> None:
    q = [a * 0.7 + 1 for a in actual]
    assert pinball_loss(actual, q, level) >= 0
    # at the median the pinball loss is half the absolute error
    assert pinball_loss(actual, q, 0.5) == pytest.approx(mae(actual, q) / 2)


@given(values)
@settings(max_examples=60, deadline=None)
def test_classification_is_total_and_consistent(history: list[float]) -> None:
    p = demand_profile(history, min_history=3)
    if p.demand_class in (DemandClass.SMOOTH, DemandClass.ERRATIC):
        assert p.adi < ADI_CUTOFF
    if p.demand_class in (DemandClass.INTERMITTENT, DemandClass.LUMPY):
        assert p.adi >= ADI_CUTOFF
    if p.demand_class in (DemandClass.ERRATIC, DemandClass.LUMPY):
        assert p.cv2 >= CV2_CUTOFF
