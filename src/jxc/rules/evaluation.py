"""Evaluating rule conditions: compiled once, run per event or vectorised over metric tables (numpy).

A **metric table** holds one float column per *metric key* (:func:`metric_key`: the metric and its
measure as a stable string, e.g. ``"stock:on_hand[流感疫苗]|level"`` or
``"signal:outpatient_visits@儿科|change_wow"``) and one row per item-site (or subject). Semantics:

* ``NaN`` (or a column / event key that is absent) means *unknown*; a comparison on an unknown value
  is **false** — including ``!=``. ``Not`` is plain boolean negation of that, so ``Not(x < 5)`` is
  true when ``x`` is unknown.
* Percent thresholds compare against fractional changes: ``> 15%`` is ``> 0.15``.
* Units: table values are assumed to be in the comparison's own unit already; conversion through
  the catalog happens where tables are built (a later step), not here.
* Thresholds are ``float(Decimal)``; the reference evaluator uses the same conversion.

:func:`compile_rule` turns a condition into a small tree of nodes (no ``eval``/``exec``, no code
generation). :func:`evaluate_batch` gives a rules × rows boolean matrix, sharing identical
comparisons between rules; :func:`evaluate_event` runs pre-built closures over one mapping of
values. :func:`naive_evaluate` walks the AST directly and is the reference the others are tested
against. Edge-triggered firing with cooldown lives in :mod:`jxc.rules.firing`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from jxc.rules.model import And, Comparison, Condition, Metric, Op, Or, Rule

NAN = math.nan
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Predicate = Callable[[Mapping[str, float]], bool]


def metric_key(metric: Metric, measure: str) -> str:
    """``kind[:state|series|days][[subject]][@site]|measure`` — stable, one per distinct column."""
    key = metric.kind.value
    qualifier = metric.state or metric.series or metric.days
    if qualifier is not None:
        key += f":{getattr(qualifier, 'value', qualifier)}"
    if metric.subject is not None:
        key += f"[{metric.subject}]"
    if metric.site is not None:
        key += f"@{metric.site}"
    return f"{key}|{measure}"


def comparison_key(c: Comparison) -> str:
    return metric_key(c.metric, c.measure.value)


def threshold(c: Comparison) -> float:
    """The float a value is compared with: percents as fractions (15% → 0.15)."""
    return float(c.value / Decimal(100)) if c.is_percent else float(c.value)


# --- metric tables ----------------------------------------------------------------------------


@dataclass
class MetricTable:
    """Float columns keyed by metric key, all of length ``rows``; ``row_keys`` name the rows."""

    columns: dict[str, FloatArray]
    row_keys: Sequence[Any] = ()
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        lengths = {len(v) for v in self.columns.values()}
        if self.row_keys:
            lengths.add(len(self.row_keys))
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.rows = lengths.pop() if lengths else 0
        self.columns = {k: np.asarray(v, dtype=np.float64) for k, v in self.columns.items()}

    def row(self, index: int) -> dict[str, float]:
        return {k: float(v[index]) for k, v in self.columns.items()}


# --- compiled form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    key: str
    op: Op
    threshold: float


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Negate:
    child: Node


Node = Leaf | AllOf | AnyOf | Negate


@dataclass(frozen=True)
class CompiledRule:
    """A condition compiled once: the node tree, the keys it reads, and its per-event predicate.

    A rule without a condition (schedule / calendar / event triggers may omit it) is always true.
    """

    root: Node | None
    keys: tuple[str, ...]
    predicate: Predicate


def _node(c: Condition) -> Node:
    if isinstance(c, Comparison):
        return Leaf(comparison_key(c), c.op, threshold(c))
    if isinstance(c, And):
        return AllOf(tuple(_node(o) for o in c.operands))
    if isinstance(c, Or):
        return AnyOf(tuple(_node(o) for o in c.operands))
    return Negate(_node(c.operand))


def _keys(node: Node, out: dict[str, None]) -> None:
    if isinstance(node, Leaf):
        out[node.key] = None
    elif isinstance(node, Negate):
        _keys(node.child, out)
    else:
        for child in node.children:
            _keys(child, out)


def _leaf_predicate(key: str, op: Op, t: float) -> Predicate:
    # One closure per operator so the hot path is a dict lookup and one comparison; NaN compares
    # false for all of these, and ``!=`` checks ``x == x`` to refuse NaN too.
    if op is Op.GT:
        return lambda v: v.get(key, NAN) > t
    if op is Op.GE:
        return lambda v: v.get(key, NAN) >= t
    if op is Op.LT:
        return lambda v: v.get(key, NAN) < t
    if op is Op.LE:
        return lambda v: v.get(key, NAN) <= t
    if op is Op.EQ:
        return lambda v: v.get(key, NAN) == t

    def ne(v: Mapping[str, float]) -> bool:
        x = v.get(key, NAN)
        return x == x and x != t  # x == x is false only for NaN

    return ne


def _ne(x: float, t: float) -> bool:
    return x == x and x != t  # x == x is false only for NaN


_OPS: dict[Op, Callable[[float, float], bool]] = {
    Op.GT: operator.gt, Op.GE: operator.ge, Op.LT: operator.lt, Op.LE: operator.le, Op.EQ: operator.eq, Op.NE: _ne,
}


def _fused(node: AllOf | AnyOf) -> Predicate | None:
    """And / Or of two or three comparisons as one closure (the common shape; saves calls per event)."""
    leaves = node.children
    if not 2 <= len(leaves) <= 3 or not all(isinstance(c, Leaf) for c in leaves):
        return None
    (k1, f1, t1), (k2, f2, t2) = ((c.key, _OPS[c.op], c.threshold) for c in leaves[:2])  # type: ignore[union-attr]
    if len(leaves) == 2:
        if isinstance(node, AllOf):
            return lambda v: f1(v.get(k1, NAN), t1) and f2(v.get(k2, NAN), t2)
        return lambda v: f1(v.get(k1, NAN), t1) or f2(v.get(k2, NAN), t2)
    last = leaves[2]
    assert isinstance(last, Leaf)
    k3, f3, t3 = last.key, _OPS[last.op], last.threshold
    if isinstance(node, AllOf):
        return lambda v: f1(v.get(k1, NAN), t1) and f2(v.get(k2, NAN), t2) and f3(v.get(k3, NAN), t3)
    return lambda v: f1(v.get(k1, NAN), t1) or f2(v.get(k2, NAN), t2) or f3(v.get(k3, NAN), t3)


def _predicate(node: Node) -> Predicate:
    if isinstance(node, Leaf):
        return _leaf_predicate(node.key, node.op, node.threshold)
    if isinstance(node, Negate):
        inner = _predicate(node.child)
        return lambda v: not inner(v)
    fused = _fused(node)
    if fused is not None:
        return fused
    parts = tuple(_predicate(c) for c in node.children)
    if isinstance(node, AllOf):
        if len(parts) == 2:
            a, b = parts
            return lambda v: a(v) and b(v)
        return lambda v: all(p(v) for p in parts)
    if len(parts) == 2:
        a, b = parts
        return lambda v: a(v) or b(v)
    return lambda v: any(p(v) for p in parts)


def _always(_: Mapping[str, float]) -> bool:
    return True


def compile_rule(rule: Rule | Condition | None) -> CompiledRule:
    condition = rule.condition if isinstance(rule, Rule) else rule
    if condition is None:
        return CompiledRule(None, (), _always)
    root = _node(condition)
    keys: dict[str, None] = {}
    _keys(root, keys)
    return CompiledRule(root, tuple(keys), _predicate(root))


# --- batch (vectorised) -----------------------------------------------------------------------


class _Columns:
    """Leaf results cached by (key, op, threshold) so rules sharing a comparison share the work."""

    def __init__(self, table: MetricTable) -> None:
        self.table = table
        self.leaves: dict[Leaf, BoolArray] = {}
        self.known: dict[str, BoolArray] = {}
        self.false = np.zeros(table.rows, dtype=np.bool_)

    def leaf(self, leaf: Leaf) -> BoolArray:
        hit = self.leaves.get(leaf)
        if hit is not None:
            return hit
        col = self.table.columns.get(leaf.key)
        t = leaf.threshold
        if col is None:
            result = self.false
        elif leaf.op is Op.GT:
            result = col > t
        elif leaf.op is Op.GE:
            result = col >= t
        elif leaf.op is Op.LT:
            result = col < t
        elif leaf.op is Op.LE:
            result = col <= t
        elif leaf.op is Op.EQ:
            result = col == t
        else:
            known = self.known.get(leaf.key)
            if known is None:
                known = self.known[leaf.key] = ~np.isnan(col)
            result = (col != t) & known
        self.leaves[leaf] = result
        return result

    def node(self, node: Node, out: BoolArray) -> None:
        """Write ``node``'s truth into ``out`` (a fresh row of the result matrix)."""
        if isinstance(node, Leaf):
            np.copyto(out, self.leaf(node))
        elif isinstance(node, Negate):
            self.node(node.child, out)
            np.logical_not(out, out=out)
        else:
            combine = np.logical_and if isinstance(node, AllOf) else np.logical_or
            first, *rest = node.children
            self.node(first, out)
            scratch: BoolArray | None = None
            for child in rest:
                if isinstance(child, Leaf):
                    combine(out, self.leaf(child), out=out)
                else:
                    if scratch is None:
                        scratch = np.empty_like(out)
                    self.node(child, scratch)
                    combine(out, scratch, out=out)


def evaluate_batch(rules: Sequence[CompiledRule], table: MetricTable) -> BoolArray:
    """A (rules × rows) boolean matrix: ``[i, j]`` is rule ``i``'s condition on row ``j``."""
    result = np.empty((len(rules), table.rows), dtype=np.bool_)
    columns = _Columns(table)
    for i, rule in enumerate(rules):
        if rule.root is None:
            result[i] = True
        else:
            columns.node(rule.root, result[i])
    return result


# --- per event --------------------------------------------------------------------------------


def evaluate_event(rules: Sequence[CompiledRule], values: Mapping[str, float]) -> list[int]:
    """Indexes of the rules whose condition holds for one mapping of metric key → value."""
    return [i for i, rule in enumerate(rules) if rule.predicate(values)]


# --- reference --------------------------------------------------------------------------------


def _compare(op: Op, x: float, t: float) -> bool:
    if math.isnan(x):
        return False
    return {Op.GT: x > t, Op.GE: x >= t, Op.LT: x < t, Op.LE: x <= t, Op.EQ: x == t, Op.NE: x != t}[op]


def naive_evaluate(rule: Rule | Condition | None, row: Mapping[str, float]) -> bool:
    """The reference: a plain recursive walk over the AST itself."""
    condition = rule.condition if isinstance(rule, Rule) else rule
    if condition is None:
        return True
    if isinstance(condition, Comparison):
        return _compare(condition.op, float(row.get(comparison_key(condition), NAN)), threshold(condition))
    if isinstance(condition, And):
        return all(naive_evaluate(o, row) for o in condition.operands)
    if isinstance(condition, Or):
        return any(naive_evaluate(o, row) for o in condition.operands)
    return not naive_evaluate(condition.operand, row)


def inputs_for(rule: CompiledRule, values: Mapping[str, float]) -> dict[str, float]:
    """The values a rule read (the log of what made it true); unknown ones as NaN."""
    return {k: float(values.get(k, NAN)) for k in rule.keys}


def table_inputs(rule: CompiledRule, table: MetricTable, row: int) -> dict[str, float]:
    columns = table.columns
    return {k: float(columns[k][row]) if k in columns else NAN for k in rule.keys}


def compile_all(rules: Iterable[Rule]) -> list[CompiledRule]:
    return [compile_rule(r) for r in rules]
