"""Rule evaluation: vectorised and per-event agree with the reference walk; firing is edge-triggered."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.rules.evaluation import (
    Leaf,
    MetricTable,
    comparison_key,
    compile_rule,
    evaluate_batch,
    evaluate_event,
    inputs_for,
    metric_key,
    naive_evaluate,
    threshold,
)
from jxc.rules.firing import FiringState, fire, fire_batch
from jxc.rules.language import parse
from jxc.rules.model import (
    And,
    Comparison,
    Condition,
    Measure,
    Metric,
    MetricKind,
    Not,
    Op,
    Or,
    Series,
    StockState,
)
from tests.unit.test_rules_language import _CONDITIONS, ZH_EXAMPLE

VISITS = "signal:outpatient_visits@儿科|change_wow"
VACCINE = "stock:on_hand[流感疫苗]|level"


def _leaves(c: Condition) -> list[Comparison]:
    if isinstance(c, Comparison):
        return [c]
    if isinstance(c, Not):
        return _leaves(c.operand)
    return [leaf for o in c.operands for leaf in _leaves(o)]


def _random_table(conditions: list[Condition], seed: int, rows: int) -> MetricTable:
    """Columns for every key the conditions read (some left out), values clustered on the thresholds."""
    rng = np.random.default_rng(seed)
    pools: dict[str, list[float]] = {}
    for c in conditions:
        for leaf in _leaves(c):
            t = threshold(leaf)
            pools.setdefault(comparison_key(leaf), [math.nan, 0.0]).extend(
                [t, math.nextafter(t, math.inf), math.nextafter(t, -math.inf), t + 1, t - 1])
    columns = {}
    for key, pool in pools.items():
        if rng.random() < 0.1:
            continue  # an absent column reads as unknown
        picked = rng.choice(np.array(pool), size=rows)
        noise = rng.normal(0, 1000, size=rows)
        columns[key] = np.where(rng.random(rows) < 0.2, noise, picked)
    return MetricTable(columns, row_keys=[f"r{i}" for i in range(rows)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CONDITIONS, min_size=1, max_size=6), st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_vectorised_and_per_event_equal_the_reference(conditions: list[Condition], seed: int, rows: int) -> None:
    table = _random_table(conditions, seed, rows)
    compiled = [compile_rule(c) for c in conditions]
    matrix = evaluate_batch(compiled, table)
    assert matrix.shape == (len(conditions), rows)
    for j in range(rows):
        row = table.row(j)
        expected = [naive_evaluate(c, row) for c in conditions]
        assert matrix[:, j].tolist() == expected, (j, row)
        assert evaluate_event(compiled, row) == [i for i, e in enumerate(expected) if e]


def test_nan_and_missing_are_false_even_for_not_equal() -> None:
    metric = Metric(MetricKind.STOCK, state=StockState.AVAILABLE)
    ne = Comparison(metric, Op.NE, Decimal(5))
    key = metric_key(metric, "level")
    assert key == "stock:available|level"
    table = MetricTable({key: np.array([math.nan, 5.0, 6.0])})
    compiled = [compile_rule(ne), compile_rule(Not(ne))]
    assert evaluate_batch(compiled, table).tolist() == [[False, False, True], [True, True, False]]
    assert evaluate_event(compiled, {}) == [1]
    assert evaluate_batch(compiled, MetricTable({"other|level": np.zeros(2)})).tolist() == [[False] * 2, [True] * 2]


def test_shared_comparisons_compile_to_equal_leaves() -> None:
    a = compile_rule(parse("当库存低于50件时，通知店长"))
    b = compile_rule(parse("当库存低于50件或可用库存<5件时，通知店长"))
    assert isinstance(a.root, Leaf) and a.root in getattr(b.root, "children", ())


def test_the_example_is_true_exactly_where_both_hold() -> None:
    rule = parse(ZH_EXAMPLE)
    compiled = compile_rule(rule)
    assert set(compiled.keys) == {VISITS, VACCINE}
    rng = np.random.default_rng(7)
    visits = rng.choice([0.1, 0.15, 0.150001, 0.3, math.nan], size=500)
    stock = rng.choice([0.0, 199.0, 200.0, 201.0, math.nan], size=500)
    matrix = evaluate_batch([compiled], MetricTable({VISITS: visits, VACCINE: stock}))
    expected = [bool(v > 0.15 and s < 200) for v, s in zip(visits, stock, strict=True)]
    assert matrix[0].tolist() == expected
    assert any(expected) and not all(expected)
    assert evaluate_event([compiled], {VISITS: 0.16, VACCINE: 150}) == [0]
    assert evaluate_event([compiled], {VISITS: 0.15, VACCINE: 150}) == []  # 15% is not > 15%
    assert evaluate_event([compiled], {VISITS: 0.16}) == []  # unknown stock


def test_rule_without_condition_is_always_true() -> None:
    compiled = compile_rule(None)
    assert evaluate_batch([compiled], MetricTable({"x|level": np.zeros(3)})).tolist() == [[True] * 3]
    assert evaluate_event([compiled], {}) == [0] and naive_evaluate(None, {})


def test_percent_and_measure_keys() -> None:
    c = Comparison(Metric(MetricKind.SIGNAL, site="儿科", series=Series.OUTPATIENT_VISITS), Op.GT,
                   Decimal(15), is_percent=True, measure=Measure.CHANGE_WOW)
    assert comparison_key(c) == VISITS and threshold(c) == 0.15


# --- firing -------------------------------------------------------------------------------------

T0 = datetime(2025, 1, 6, 8, 0)
HOUR = timedelta(hours=1)


def _run(truths: list[bool], cooldown: timedelta, step: timedelta = HOUR) -> list[int]:
    state = FiringState()
    fired = []
    for n, is_true in enumerate(truths):
        if fire(state, "r1", "item@site", is_true, T0 + n * step, cooldown, {"k": float(n)}) is not None:
            fired.append(n)
    return fired


def test_one_episode_fires_once_and_each_new_edge_fires() -> None:
    assert _run([True, True, True], timedelta(0)) == [0]
    assert _run([False, True, True, False, True, True], timedelta(0)) == [1, 4]
    assert _run([False, False], timedelta(0)) == []


def test_cooldown_delays_a_new_episode_but_never_loses_it() -> None:
    # fires at 0; re-true at 2 is inside the 3 h cooldown, fires at 3 once it has passed
    assert _run([True, False, True, True, True], 3 * HOUR) == [0, 3]
    # an episode that ends inside the cooldown never fires
    assert _run([True, False, True, False, False, False], 3 * HOUR) == [0]
    # flapping: at most one firing per cooldown window
    assert _run([True, False] * 6, 4 * HOUR) == [0, 4, 8]


def test_pairs_are_independent_and_inputs_are_logged() -> None:
    state = FiringState()
    a = fire(state, "r1", "A", True, T0, HOUR, {"stock|level": 3.0})
    b = fire(state, "r1", "B", True, T0, HOUR, {"stock|level": 4.0})
    c = fire(state, "r2", "A", True, T0, HOUR)
    assert a is not None and b is not None and c is not None
    assert a.inputs == {"stock|level": 3.0} and b.row_key == "B" and c.rule_id == "r2" and a.at == T0
    assert fire(state, "r1", "A", True, T0 + HOUR, HOUR) is None


def test_fire_batch_matches_fire_and_logs_the_inputs() -> None:
    rule = compile_rule(parse(ZH_EXAMPLE))
    state = FiringState()
    seen: list[tuple[Any, datetime, dict[str, float]]] = []
    frames = [([0.2, 0.1, 0.2], [100.0, 100.0, 300.0]),  # row a true
              ([0.2, 0.2, 0.2], [100.0, 100.0, 300.0]),  # a stays true, b becomes true
              ([0.1, 0.2, 0.2], [100.0, 100.0, 100.0]),  # a falls, c rises
              ([0.2, 0.2, 0.2], [100.0, 100.0, 100.0])]  # a rises again
    for n, (visits, stock) in enumerate(frames):
        table = MetricTable({VISITS: np.array(visits), VACCINE: np.array(stock)}, row_keys=["a", "b", "c"])
        truth = evaluate_batch([rule], table)
        for f in fire_batch(state, ["R"], [rule], table, truth, T0 + n * HOUR, timedelta(0)):
            assert f.rule_id == "R"
            seen.append((f.row_key, f.at, dict(f.inputs)))
    assert [(k, (at - T0) // HOUR) for k, at, _ in seen] == [("a", 0), ("b", 1), ("c", 2), ("a", 3)]
    assert seen[0][2] == {VISITS: 0.2, VACCINE: 100.0}
    assert seen[2][2] == {VISITS: 0.2, VACCINE: 100.0}
    assert inputs_for(rule, {VISITS: 0.3}) == {VISITS: 0.3, VACCINE: inputs_for(rule, {})[VACCINE]}
    assert math.isnan(inputs_for(rule, {})[VACCINE])


def test_boolean_combinations_over_a_small_table() -> None:
    m = Metric(MetricKind.ATP)
    lt = Comparison(m, Op.LT, Decimal(10))
    ge = Comparison(m, Op.GE, Decimal(5))
    cond = Or((And((lt, ge)), Not(Comparison(m, Op.LE, Decimal(100)))))
    table = MetricTable({"atp|level": np.array([4.0, 5.0, 9.9, 10.0, 100.0, 101.0, math.nan])})
    assert evaluate_batch([compile_rule(cond)], table)[0].tolist() == [False, True, True, False, False, True, True]
