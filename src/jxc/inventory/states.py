"""Stock states and the transitions allowed between them.

Invariants:
- A state change is a movement; it is legal only if (from, to) is in the transition table.
- The 12 built-in states and their transitions are fixed in code; custom states add
  states and transitions, never remove built-in ones, so a transition once legal stays legal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from jxc.kernel.errors import IllegalTransition, InvalidInput


class State(StrEnum):
    AVAILABLE = "available"
    IN_TRANSIT = "in_transit"
    PENDING_QC = "pending_qc"
    QC_HOLD = "qc_hold"
    RESERVED = "reserved"
    PROMO_RESERVED = "promo_reserved"
    SAMPLE_LOCKED = "sample_locked"
    FROZEN = "frozen"
    DAMAGED = "damaged"
    RETURNED_PENDING = "returned_pending"
    PICKED = "picked"
    CONSIGNED_OUT = "consigned_out"


BUILTIN_NAMES: Mapping[str, tuple[str, str]] = {
    State.AVAILABLE: ("可用", "available"),
    State.IN_TRANSIT: ("在途", "in transit"),
    State.PENDING_QC: ("待检", "pending QC"),
    State.QC_HOLD: ("质检冻结", "QC hold"),
    State.RESERVED: ("已预留", "reserved"),
    State.PROMO_RESERVED: ("促销预留", "promo-reserved"),
    State.SAMPLE_LOCKED: ("样品锁定", "sample-locked"),
    State.FROZEN: ("冻结", "frozen"),
    State.DAMAGED: ("残损", "damaged"),
    State.RETURNED_PENDING: ("退货待检", "returned, pending inspection"),
    State.PICKED: ("已拣货", "picked"),
    State.CONSIGNED_OUT: ("寄售在外", "consigned out"),
}

S = State
BUILTIN_TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.AVAILABLE: frozenset(
        {S.RESERVED, S.PROMO_RESERVED, S.SAMPLE_LOCKED, S.FROZEN, S.DAMAGED, S.PICKED, S.QC_HOLD,
         S.IN_TRANSIT, S.CONSIGNED_OUT}
    ),
    S.IN_TRANSIT: frozenset({S.AVAILABLE, S.PENDING_QC, S.DAMAGED, S.FROZEN, S.RETURNED_PENDING}),
    S.PENDING_QC: frozenset({S.AVAILABLE, S.QC_HOLD, S.DAMAGED, S.FROZEN}),
    S.QC_HOLD: frozenset({S.AVAILABLE, S.DAMAGED, S.FROZEN, S.PENDING_QC}),
    S.RESERVED: frozenset({S.AVAILABLE, S.PICKED, S.FROZEN, S.IN_TRANSIT}),
    S.PROMO_RESERVED: frozenset({S.AVAILABLE, S.RESERVED, S.PICKED}),
    S.SAMPLE_LOCKED: frozenset({S.AVAILABLE, S.DAMAGED}),
    S.FROZEN: frozenset({S.AVAILABLE, S.QC_HOLD, S.DAMAGED}),
    S.DAMAGED: frozenset({S.RETURNED_PENDING}),
    S.RETURNED_PENDING: frozenset({S.PENDING_QC, S.AVAILABLE, S.DAMAGED}),
    S.PICKED: frozenset({S.AVAILABLE, S.RESERVED, S.IN_TRANSIT}),
    S.CONSIGNED_OUT: frozenset({S.AVAILABLE, S.DAMAGED}),
}

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class StateDefinition:
    code: str
    name_zh: str
    name_en: str
    builtin: bool = False


@dataclass(frozen=True)
class CustomState:
    """A state configured by a company, with the transitions it adds."""

    code: str
    name_zh: str
    name_en: str
    from_states: tuple[str, ...] = ()  # states that may change INTO this one
    to_states: tuple[str, ...] = ()  # states this one may change into


@dataclass(frozen=True)
class StateMachine:
    states: Mapping[str, StateDefinition]
    transitions: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def builtin(cls) -> StateMachine:
        states = {
            code: StateDefinition(code=code, name_zh=zh, name_en=en, builtin=True)
            for code, (zh, en) in BUILTIN_NAMES.items()
        }
        pairs = frozenset((str(a), str(b)) for a, targets in BUILTIN_TRANSITIONS.items() for b in targets)
        return cls(states=states, transitions=pairs)

    def __contains__(self, code: object) -> bool:
        return code in self.states

    def require(self, code: str, *, field: str = "state") -> str:
        if code not in self.states:
            raise InvalidInput("state.unknown", field=field, value=code)
        return code

    def allows(self, from_state: str, to_state: str) -> bool:
        return from_state == to_state or (from_state, to_state) in self.transitions

    def check(self, from_state: str, to_state: str) -> None:
        self.require(from_state, field="from_state")
        self.require(to_state, field="to_state")
        if not self.allows(from_state, to_state):
            raise IllegalTransition(
                "state.transition_illegal", field="to_state", from_state=from_state, to_state=to_state
            )

    def targets(self, from_state: str) -> list[str]:
        return sorted(b for a, b in self.transitions if a == from_state)

    def with_custom(self, custom: Iterable[CustomState]) -> StateMachine:
        """A new machine with the custom states added; refuses bad codes and unknown references."""
        states = dict(self.states)
        pending = list(custom)
        for state in pending:
            if not _CODE.match(state.code):
                raise InvalidInput(
                    "field.invalid", field="code", value=state.code, reason="lowercase letters, digits, _"
                )
            existing = states.get(state.code)
            if existing is not None and existing.builtin:
                raise InvalidInput("state.duplicate", field="code", value=state.code)
            states[state.code] = StateDefinition(state.code, state.name_zh, state.name_en, builtin=False)
        pairs = set(self.transitions)
        for state in pending:
            for source in state.from_states:
                if source not in states:
                    raise InvalidInput("state.unknown", field="from_states", value=source)
                pairs.add((source, state.code))
            for target in state.to_states:
                if target not in states:
                    raise InvalidInput("state.unknown", field="to_states", value=target)
                pairs.add((state.code, target))
        return StateMachine(states=states, transitions=frozenset(pairs))
