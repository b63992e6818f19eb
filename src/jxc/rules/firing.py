"""Edge-triggered rule firing with cooldown (pure: no clock, no storage).

State is kept per (rule id, row key). An **episode** is a run of evaluations where the condition
stays true; it starts on a false → true edge (or the first true ever seen) and fires **at most
once**. A cooldown suppresses firing while ``at - last_fired < cooldown``; an episode that starts
inside the cooldown is kept *pending* and fires at the first evaluation, still true, once the
cooldown has passed — so a real episode is delayed, never lost. Every :class:`Firing` carries the
input values that made the condition true.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from jxc.rules.evaluation import BoolArray, CompiledRule, MetricTable, table_inputs


@dataclass(frozen=True)
class Firing:
    rule_id: Hashable
    row_key: Hashable
    at: datetime
    inputs: Mapping[str, float]


@dataclass
class _Episode:
    fired: bool = False  # has the current (true) episode fired yet


@dataclass
class FiringState:
    """Open episodes by (rule id, row key), and when each pair last fired."""

    open: dict[tuple[Hashable, Hashable], _Episode] = field(default_factory=dict)
    last_fired: dict[tuple[Hashable, Hashable], datetime] = field(default_factory=dict)
    open_by_rule: dict[Hashable, set[Hashable]] = field(default_factory=dict)

    def is_true(self, rule_id: Hashable, row_key: Hashable) -> bool:
        return (rule_id, row_key) in self.open


def fire(state: FiringState, rule_id: Hashable, row_key: Hashable, is_true: bool, at: datetime,
         cooldown: timedelta, inputs: Mapping[str, float] | None = None) -> Firing | None:
    """Record one evaluation; return the :class:`Firing` if this one fires, else ``None``."""
    pair = (rule_id, row_key)
    if not is_true:
        if state.open.pop(pair, None) is not None:
            state.open_by_rule[rule_id].discard(row_key)
        return None
    episode = state.open.get(pair)
    if episode is None:
        episode = state.open[pair] = _Episode()
        state.open_by_rule.setdefault(rule_id, set()).add(row_key)
    if episode.fired:
        return None
    last = state.last_fired.get(pair)
    if last is not None and at - last < cooldown:
        return None  # pending: fires once the cooldown has passed, if still true
    episode.fired = True
    state.last_fired[pair] = at
    return Firing(rule_id, row_key, at, dict(inputs or {}))


def fire_batch(state: FiringState, rule_ids: Sequence[Hashable], rules: Sequence[CompiledRule],
               table: MetricTable, truth: BoolArray, at: datetime, cooldown: timedelta) -> list[Firing]:
    """Apply :func:`fire` to a whole ``evaluate_batch`` result, touching only true cells and open episodes.

    Rows are named by ``table.row_keys`` (or their index when the table has none).
    """
    keys = table.row_keys
    firings: list[Firing] = []
    for i, rule_id in enumerate(rule_ids):
        true_rows = np.flatnonzero(truth[i]).tolist()
        names = [keys[j] for j in true_rows] if keys else list(true_rows)
        now_true = set(names)
        for gone in state.open_by_rule.get(rule_id, set()) - now_true:
            fire(state, rule_id, gone, False, at, cooldown)
        for j, name in zip(true_rows, names, strict=True):
            pair = (rule_id, name)
            episode = state.open.get(pair)
            if episode is not None and episode.fired:
                continue
            firing = fire(state, rule_id, name, True, at, cooldown)
            if firing is not None:
                firings.append(Firing(rule_id, name, at, table_inputs(rules[i], table, j)))
    return firings
