"""Rule evaluation: 1,000 rules over 100,000 item-site rows (batch) and 100 rules per event.

Targets (issue 6): compile + batch ≤ 2 s; per-event ≥ 20,000 events/s.

Baseline in the same run: zen-engine (Rust, Python bindings). Each rule's condition is written as
one zen expression (the language zen's expression and decision-table nodes evaluate), compiled once
with ``zen.compile_expression`` — the cheapest zen path, so the ratio is conservative — and
evaluated row by row on a sample (rows × the first ``--zen-rules`` rules); its time is
extrapolated to the full batch. Metric keys become variables ``m0 … m19``, unknown values ``null``
and every comparison ``(mK != null and mK > t)`` so zen's answers match ours (checked: agreement).
If zen-engine is not installed the naive Python reference evaluator is the baseline instead (it is
timed in every run anyway).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, log

from jxc.rules.evaluation import (
    CompiledRule,
    Leaf,
    MetricTable,
    Node,
    comparison_key,
    compile_rule,
    evaluate_batch,
    evaluate_event,
    naive_evaluate,
)
from jxc.rules.model import (
    And,
    Comparison,
    Condition,
    Measure,
    Metric,
    MetricChangeTrigger,
    MetricKind,
    Not,
    Notify,
    Op,
    Or,
    Rule,
    Series,
    StockState,
)

SEED = 20250106


def _metrics() -> list[tuple[Metric, Measure]]:
    out: list[tuple[Metric, Measure]] = []
    for state in StockState:
        out.append((Metric(MetricKind.STOCK, state=state), Measure.LEVEL))
    for kind in (MetricKind.ATP, MetricKind.DAYS_OF_COVER, MetricKind.FORECAST, MetricKind.SUPPLIER_ON_TIME):
        out.append((Metric(kind), Measure.LEVEL))
    out.append((Metric(MetricKind.EXPIRING, days=30), Measure.LEVEL))
    for series in Series:
        for measure in (Measure.LEVEL, Measure.CHANGE_WOW, Measure.CHANGE_YOY):
            out.append((Metric(MetricKind.SIGNAL, site="儿科", series=series), measure))
    return out[:20]


def _comparison(rng: random.Random, metrics: list[tuple[Metric, Measure]]) -> Comparison:
    metric, measure = rng.choice(metrics)
    op = rng.choice(list(Op)[:4] * 3 + [Op.EQ, Op.NE])
    if measure is Measure.LEVEL:
        return Comparison(metric, op, Decimal(rng.randrange(0, 1000)), measure=measure)
    return Comparison(metric, op, Decimal(rng.randrange(-50, 51)), is_percent=True, measure=measure)


def _condition(rng: random.Random, metrics: list[tuple[Metric, Measure]], depth: int = 0) -> Condition:
    roll = rng.random()
    if depth >= 2 or roll < 0.35:
        return _comparison(rng, metrics)
    if roll < 0.45:
        return Not(_condition(rng, metrics, depth + 1))
    operands = tuple(_condition(rng, metrics, depth + 1) for _ in range(rng.randint(2, 3)))
    return And(operands) if roll < 0.8 else Or(operands)


def random_rules(n: int, seed: int) -> list[Rule]:
    rng = random.Random(seed)
    metrics = _metrics()
    return [Rule(MetricChangeTrigger(), _condition(rng, metrics), (Notify(role="store_manager"),)) for _ in range(n)]


def random_table(rows: int, seed: int) -> MetricTable:
    rng = np.random.default_rng(seed)
    columns = {}
    for metric, measure in _metrics():
        key = comparison_key(Comparison(metric, Op.GT, Decimal(0), measure=measure))
        if measure is Measure.LEVEL:
            col = rng.integers(0, 1000, size=rows).astype(np.float64)  # integers so "=" sometimes holds
        else:
            col = np.round(rng.normal(0, 0.3, size=rows), 2)
        col[rng.random(rows) < 0.02] = np.nan
        columns[key] = col
    return MetricTable(columns, row_keys=[f"I{i:06d}@S{i % 97:03d}" for i in range(rows)])


# --- zen -----------------------------------------------------------------------------------------


def zen_expression(node: Node, names: dict[str, str]) -> str:
    if isinstance(node, Leaf):
        var = names[node.key]
        op = {"=": "==", "!=": "!="}.get(node.op.value, node.op.value)
        return f"({var} != null and {var} {op} {node.threshold!r})"
    if hasattr(node, "child"):
        return f"not ({zen_expression(node.child, names)})"
    joiner = " and " if type(node).__name__ == "AllOf" else " or "
    return "(" + joiner.join(zen_expression(c, names) for c in node.children) + ")"  # type: ignore[union-attr]


def zen_baseline(compiled: list[CompiledRule], table: MetricTable, truth: np.ndarray, rows: int) -> dict[str, object]:
    try:
        from importlib.metadata import version

        import zen  # type: ignore[import-not-found]
    except ImportError:
        return {"available": False, "reason": "zen-engine not installed"}
    names = {k: f"m{i}" for i, k in enumerate(table.columns)}
    with Timer() as c:
        expressions = [zen.compile_expression(zen_expression(r.root, names)) for r in compiled if r.root is not None]
    contexts = [{names[k]: (None if np.isnan(v[j]) else float(v[j])) for k, v in table.columns.items()}
                for j in range(rows)]
    agree = 0
    with Timer() as t:
        results = [[e.evaluate(ctx) for ctx in contexts] for e in expressions]
    for i, row in enumerate(results):
        agree += int(np.sum(np.array(row, dtype=bool) == truth[i, :rows]))
    evaluations = len(expressions) * rows
    return {"available": True, "version": version("zen-engine"), "method": "zen.compile_expression per rule, "
            "evaluate(context) per row", "sample_rules": len(expressions), "sample_rows": rows,
            "compile_s": round(c.seconds, 4), "evaluate_s": round(t.seconds, 4),
            "evaluations_per_s": round(evaluations / t.seconds), "agreement": agree / evaluations}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--event-rules", type=int, default=100)
    p.add_argument("--events", type=int, default=200_000)
    p.add_argument("--zen-rules", type=int, default=100)
    p.add_argument("--zen-rows", type=int, default=2_000)
    args = p.parse_args()

    rules = random_rules(args.rules, SEED)
    table = random_table(args.rows, SEED + 1)
    leaves = sum(str(r.to_json()).count("'comparison'") for r in rules)
    log(f"{len(rules)} rules ({leaves} comparisons) over {table.rows} rows × {len(table.columns)} metric keys")

    gc.collect()
    with Timer() as tc:
        compiled = [compile_rule(r) for r in rules]
    with Timer() as tb:
        truth = evaluate_batch(compiled, table)
    batch_s = tc.seconds + tb.seconds
    cells = truth.size
    log(f"batch: compile {tc.seconds:.3f}s + evaluate {tb.seconds:.3f}s; {truth.mean():.3%} true")

    # per event: 100 rules, events are item-site rows as dicts (the table cycled)
    event_rules = compiled[: args.event_rules]
    keys = list(table.columns)
    base = [dict(zip(keys, vals, strict=True)) for vals in zip(*(table.columns[k].tolist() for k in keys), strict=True)]
    events = (base * (args.events // len(base) + 1))[: args.events]
    gc.collect()
    fired = 0
    with Timer() as te:
        for values in events:
            fired += len(evaluate_event(event_rules, values))
    events_per_s = args.events / te.seconds
    log(f"per event: {args.events} events × {len(event_rules)} rules in {te.seconds:.3f}s = {events_per_s:,.0f}/s")
    expected = int(truth[: len(event_rules)].sum()) * (args.events // len(base)) + int(
        truth[: len(event_rules), : args.events % len(base)].sum())
    assert fired == expected, (fired, expected)

    # naive Python reference, row by row on the sample (always timed)
    sample_rules, sample_rows = rules[: args.zen_rules], min(args.zen_rows, table.rows)
    rows = [table.row(j) for j in range(sample_rows)]
    with Timer() as tn:
        naive = [[naive_evaluate(r, row) for row in rows] for r in sample_rules]
    assert np.array_equal(np.array(naive, dtype=bool), truth[: len(sample_rules), :sample_rows])
    naive_rate = len(sample_rules) * sample_rows / tn.seconds

    zen = zen_baseline(compiled[: args.zen_rules], table, truth, sample_rows)
    rate = float(zen["evaluations_per_s"]) if zen.get("available") else naive_rate  # type: ignore[arg-type]
    baseline_batch_s = cells / rate
    log(f"baseline ({'zen' if zen.get('available') else 'naive'}): {rate:,.0f} rule-rows/s → "
        f"{baseline_batch_s:.1f}s extrapolated for the batch")

    emit({
        "bench": "rules",
        "batch": {"rules": len(rules), "rows": table.rows, "metric_keys": len(keys), "comparisons": leaves,
                  "compile_s": round(tc.seconds, 4), "evaluate_s": round(tb.seconds, 4),
                  "total_s": round(batch_s, 4), "target_s": 2.0, "meets_target": batch_s <= 2.0,
                  "true_fraction": round(float(truth.mean()), 4),
                  "rule_rows_per_s": round(cells / batch_s)},
        "per_event": {"rules": len(event_rules), "events": args.events, "seconds": round(te.seconds, 4),
                      "events_per_s": round(events_per_s), "target_events_per_s": 20_000,
                      "meets_target": events_per_s >= 20_000, "rules_true": fired},
        "baseline": {
            "kind": "zen-engine" if zen.get("available") else "naive python (zen-engine unavailable)",
            "zen": zen,
            "naive_python": {"sample_rules": len(sample_rules), "sample_rows": sample_rows,
                             "seconds": round(tn.seconds, 4), "evaluations_per_s": round(naive_rate),
                             "extrapolated_batch_s": round(cells / naive_rate, 2)},
            "extrapolated_batch_s": round(baseline_batch_s, 2),
            "ratio_batch": round(baseline_batch_s / batch_s, 1),
            "ratio_per_event": round(events_per_s * len(event_rules) / rate, 2),
        },
    })


if __name__ == "__main__":
    main()
