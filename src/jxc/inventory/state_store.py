"""Persistence and caching of the state machine (built-in + configured states).

The cache is only ever trusted to say "yes": states and transitions are only added, never
removed, so an unknown state or a refused transition triggers one reload before refusing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from jxc.db.uow import SqlUnitOfWork
from jxc.inventory import tables as t
from jxc.inventory.states import CustomState, StateDefinition, StateMachine
from jxc.kernel.errors import InvalidInput


class StateStore:
    def __init__(self) -> None:
        self._machine: StateMachine | None = None

    def machine(self, uow: SqlUnitOfWork, *, refresh: bool = False) -> StateMachine:
        if self._machine is None or refresh:
            self._machine = self._load(uow)
        return self._machine

    def check(self, uow: SqlUnitOfWork, from_state: str, to_state: str) -> None:
        machine = self.machine(uow)
        if not (from_state in machine and to_state in machine and machine.allows(from_state, to_state)):
            machine = self.machine(uow, refresh=True)
        machine.check(from_state, to_state)

    @staticmethod
    def _load(uow: SqlUnitOfWork) -> StateMachine:
        connection = uow.connection
        rows = list(connection.execute(select(t.states)))
        if not rows:
            return StateMachine.builtin()
        states = {r.code: StateDefinition(r.code, r.name_zh, r.name_en, r.builtin) for r in rows}
        pairs = frozenset(
            (a, b) for a, b in connection.execute(select(t.state_transitions.c.from_state, t.state_transitions.c.to_state))
        )
        return StateMachine(states=states, transitions=pairs)

    def ensure_builtin(self, uow: SqlUnitOfWork) -> None:
        """Seed the built-in states and transitions (idempotent; used by ``jxc init``)."""
        self._save(uow, StateMachine.builtin())
        self._machine = None

    def define(self, uow: SqlUnitOfWork, custom: Sequence[CustomState]) -> StateMachine:
        """Add configured states and their transitions; refuses unknown references."""
        machine = self.machine(uow, refresh=True).with_custom(custom)
        self._save(uow, machine)
        self._machine = machine
        return machine

    @staticmethod
    def _save(uow: SqlUnitOfWork, machine: StateMachine) -> None:
        connection = uow.connection
        known = {r.code for r in connection.execute(select(t.states.c.code))}
        new_states = [
            {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "builtin": d.builtin}
            for d in machine.states.values() if d.code not in known
        ]
        if new_states:
            connection.execute(t.states.insert(), new_states)
        have = set(connection.execute(select(t.state_transitions.c.from_state, t.state_transitions.c.to_state)))
        new_pairs = [{"from_state": a, "to_state": b} for a, b in sorted(machine.transitions) if (a, b) not in have]
        if new_pairs:
            connection.execute(t.state_transitions.insert(), new_pairs)


def load_states_file(path: Path) -> list[CustomState]:
    """Read custom states from TOML::

        [[state]]
        code = "warranty_hold"
        name_zh = "三包冻结"
        name_en = "warranty hold"
        from = ["available", "returned_pending"]
        to = ["available", "damaged"]
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("config.invalid", field="states_file", value=str(path), reason="file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("config.invalid", field="states_file", value=str(path), reason=str(exc)) from exc
    entries = data.get("state")
    if not isinstance(entries, list) or not entries:
        raise InvalidInput("config.invalid", field="states_file", value=str(path), reason="no [[state]] tables")
    custom = []
    for index, entry in enumerate(entries):
        try:
            custom.append(CustomState(
                code=str(entry["code"]), name_zh=str(entry.get("name_zh", entry["code"])),
                name_en=str(entry.get("name_en", entry["code"])),
                from_states=tuple(entry.get("from", ())), to_states=tuple(entry.get("to", ())),
            ))
        except (KeyError, TypeError) as exc:
            raise InvalidInput(
                "config.invalid", field=f"state[{index}]", value=str(path), reason=f"missing {exc}"
            ) from exc
    return custom
