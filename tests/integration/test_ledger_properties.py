"""Stateful property test: random sequences of postings, state changes and reservations.

After every step: quantity is conserved across real and virtual buckets; every balance
equals the sum of its movements; no real bucket is negative; replaying an earlier posting
changes nothing; reserved stock equals what open reservations still hold.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from jxc.bootstrap import App
from jxc.inventory import tables as t
from jxc.inventory.commands import MoveLine, PostStock
from jxc.inventory.reservations import Reserve
from jxc.inventory.states import State
from jxc.kernel.errors import Conflict, IllegalTransition, InsufficientStock
from tests.conftest import ref
from tests.factories import item, network

STATES = [State.AVAILABLE, State.FROZEN, State.QC_HOLD, State.DAMAGED, State.SAMPLE_LOCKED, State.PENDING_QC]
quantities = st.integers(min_value=1, max_value=30).map(Decimal)


def run_ledger_machine(app: App, examples: int) -> None:
    net = network(app)
    sites = [net.warehouse, net.store]
    # Fresh items per run so every example starts from empty stock (the database is shared).
    skus = ["", ""]

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            skus[:] = [item(app), item(app)]
            self.history: list[PostStock] = []
            self.open: list[UUID] = []

        def _post(self, *lines: MoveLine) -> None:
            command = PostStock(idempotency_key=ref("P"), lines=lines)
            try:
                with app.uow() as uow:
                    app.ledger.post(uow, command)
            except (InsufficientStock, IllegalTransition):
                return
            self.history.append(command)

        @rule(sku=st.sampled_from([0, 1]), site=st.sampled_from(sites), qty=quantities)
        def receive(self, sku: int, site: str, qty: Decimal) -> None:
            self._post(MoveLine(sku=skus[sku], quantity=qty, from_site="@supplier", to_site=site))

        @rule(sku=st.sampled_from([0, 1]), site=st.sampled_from(sites), qty=quantities)
        def sell(self, sku: int, site: str, qty: Decimal) -> None:
            self._post(MoveLine(sku=skus[sku], quantity=qty, from_site=site, to_site="@customer"))

        @rule(sku=st.sampled_from([0, 1]), site=st.sampled_from(sites), qty=quantities,
              states=st.tuples(st.sampled_from(STATES), st.sampled_from(STATES)))
        def change_state(self, sku: int, site: str, qty: Decimal, states: tuple[str, str]) -> None:
            if states[0] != states[1]:
                self._post(MoveLine(sku=skus[sku], quantity=qty, from_site=site, to_site=site,
                                    from_state=states[0], to_state=states[1]))

        @rule(sku=st.sampled_from([0, 1]), qty=quantities, forward=st.booleans())
        def transfer(self, sku: int, qty: Decimal, forward: bool) -> None:
            a, b = sites if forward else sites[::-1]
            self._post(MoveLine(sku=skus[sku], quantity=qty, from_site=a, to_site=b))

        @rule(sku=st.sampled_from([0, 1]), site=st.sampled_from(sites), qty=quantities)
        def reserve(self, sku: int, site: str, qty: Decimal) -> None:
            try:
                with app.uow() as uow:
                    reservation = app.reservations.reserve(
                        uow, Reserve(idempotency_key=ref("R"), sku=skus[sku], quantity=qty, site=site))
            except InsufficientStock:
                return
            self.open.append(reservation.id)

        @precondition(lambda self: self.open)
        @rule(data=st.data(), ship=st.booleans(), part=st.booleans())
        def close_reservation(self, data: st.DataObject, ship: bool, part: bool) -> None:
            reservation_id = data.draw(st.sampled_from(self.open))
            with app.uow() as uow:
                reservation = app.reservations.get(uow, reservation_id)
                amount = None if not part else max(Decimal(1), reservation.remaining // 2)
                action = app.reservations.ship if ship else app.reservations.release
                try:
                    result = action(uow, reservation_id=reservation_id, idempotency_key=ref("C"), quantity=amount)
                except Conflict:
                    return
            if result.remaining == 0:
                self.open.remove(reservation_id)

        @precondition(lambda self: self.history)
        @rule(data=st.data())
        def replay(self, data: st.DataObject) -> None:
            command = data.draw(st.sampled_from(self.history))
            before = self._balances()
            with app.uow() as uow:
                assert app.ledger.post(uow, command).replayed
            assert self._balances() == before

        def _balances(self) -> dict[Any, Any]:
            with app.uow() as uow:
                query = select(t.balances.c.bucket_id, t.balances.c.quantity)
                return dict(uow.connection.execute(query).all())

        @invariant()
        def ledger_is_consistent(self) -> None:
            with app.uow() as uow:
                for sku in skus:
                    item_id = app.items.by_sku(uow, [sku])[sku].id
                    assert app.stock.verify(uow, sku=sku) == []
                    rows = list(uow.connection.execute(
                        select(t.balances.c.is_virtual, t.balances.c.may_go_negative, t.balances.c.quantity,
                               t.balances.c.state)
                        .where(t.balances.c.item_id == item_id)))
                    assert sum((r.quantity for r in rows), Decimal(0)) == 0  # conservation
                    assert all(r.quantity >= 0 for r in rows if not r.is_virtual and not r.may_go_negative)
                    reserved = sum((r.quantity for r in rows if r.state == State.RESERVED and not r.is_virtual),
                                   Decimal(0))
                    held = uow.connection.execute(
                        select(func.sum(t.reservation_lines.c.remaining))
                        .join(t.reservations, t.reservations.c.id == t.reservation_lines.c.reservation_id)
                        .where(t.reservations.c.item_id == item_id, t.reservations.c.status == "open")
                    ).scalar_one()
                    assert reserved == (held or Decimal(0))

    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=examples, stateful_step_count=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )


def test_ledger_invariants_hold_under_random_operations(app: App) -> None:
    run_ledger_machine(app, examples=int(os.environ.get("JXC_PROPERTY_EXAMPLES", "20")))
