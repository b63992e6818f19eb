"""Pure ledger rules: transitions, conservation, non-negativity, FEFO/FIFO, reservations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from jxc.db.bulk import ValueEncoder
from jxc.inventory.model import (
    Bucket,
    Movement,
    Reservation,
    ReservationLine,
    ReservationStatus,
    SiteFacts,
    StockCandidate,
    allocate,
    check_movement,
    expiry_from,
    removal_order,
)
from jxc.inventory.repository import PostingRow
from jxc.inventory.states import CustomState, State, StateMachine
from jxc.inventory.writer import PostingWriter
from jxc.kernel.errors import Conflict, IllegalTransition, InsufficientStock, InvalidInput

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ORG = uuid4()
ITEM = uuid4()
STORE = SiteFacts(id=uuid4(), code="STORE", organisation_id=ORG, region="华东", is_virtual=False)
SUPPLIER = SiteFacts(id=uuid4(), code="@supplier", organisation_id=None, region=None, is_virtual=True)
CUSTOMER = SiteFacts(id=uuid4(), code="@customer", organisation_id=None, region=None, is_virtual=True)
SITES = {s.id: s for s in (STORE, SUPPLIER, CUSTOMER)}


def bucket(site: SiteFacts, state: str = State.AVAILABLE, **kw: object) -> Bucket:
    return Bucket(owner_id=site.organisation_id, site_id=site.id, item_id=ITEM, state=state, **kw)  # type: ignore[arg-type]


def move(source: Bucket, target: Bucket, qty: str) -> Movement:
    return Movement(id=uuid4(), posting_id=uuid4(), line_no=1, quantity=Decimal(qty), source=source,
                    target=target, occurred_at=NOW)


def test_builtin_machine_has_the_twelve_states() -> None:
    machine = StateMachine.builtin()
    assert set(machine.states) == {s.value for s in State}
    assert len(machine.states) == 12


def test_available_may_become_reserved_but_damaged_may_not_become_available() -> None:
    machine = StateMachine.builtin()
    machine.check(State.AVAILABLE, State.RESERVED)
    with pytest.raises(IllegalTransition) as info:
        machine.check(State.DAMAGED, State.AVAILABLE)
    assert info.value.code == "state.transition_illegal"
    assert info.value.params == {"from_state": "damaged", "to_state": "available"}


def test_unknown_state_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as info:
        StateMachine.builtin().check(State.AVAILABLE, "teleported")
    assert info.value.field == "to_state"


def test_eight_custom_states_with_their_transitions_can_be_added() -> None:
    custom = [
        CustomState(code=f"custom_{i}", name_zh=f"自定义{i}", name_en=f"custom {i}",
                    from_states=(State.AVAILABLE,), to_states=(State.AVAILABLE, State.DAMAGED))
        for i in range(8)
    ]
    machine = StateMachine.builtin().with_custom(custom)
    assert len(machine.states) == 20
    machine.check(State.AVAILABLE, "custom_3")
    machine.check("custom_3", State.DAMAGED)
    with pytest.raises(IllegalTransition):
        machine.check("custom_3", State.RESERVED)


def test_custom_state_cannot_shadow_a_builtin_or_reference_an_unknown_state() -> None:
    with pytest.raises(InvalidInput):
        StateMachine.builtin().with_custom([CustomState("available", "x", "x")])
    with pytest.raises(InvalidInput) as info:
        StateMachine.builtin().with_custom([CustomState("warranty_hold", "三包冻结", "warranty hold", to_states=("nowhere",))])
    assert info.value.field == "to_states"


def test_custom_state_code_must_be_a_simple_identifier() -> None:
    with pytest.raises(InvalidInput):
        StateMachine.builtin().with_custom([CustomState("Bad Code!", "x", "x")])


class FakeRepository:
    """Just enough of LedgerRepository for the writer's balance rule: stored balances by key."""

    def __init__(self, balances: dict[str, int] | None = None) -> None:
        self.encoder = ValueEncoder("sqlite")
        self.stored = balances or {}

    def balances_by_key(self, keys: list[str], *, lock: bool) -> dict[str, int]:
        return {k: self.stored[k] for k in keys if k in self.stored}

    def posting_row(self, row: PostingRow) -> tuple[object, ...]:
        return (row.id.hex,)


def settle(sites: dict[UUID, SiteFacts], stored: dict[str, int], *movements: Movement) -> PostingWriter:
    writer = PostingWriter(repo=FakeRepository(stored), sites=sites, item_codes={})  # type: ignore[arg-type]
    posting = PostingRow(id=uuid4(), idempotency_key="k", payload_hash="h", kind="t", document_ref=None,
                         occurred_at=NOW, recorded_at=NOW, line_count=len(movements))
    writer.add_movements(posting, list(movements))
    writer.settle(lock=False)
    return writer


def test_a_real_bucket_may_not_go_below_zero() -> None:
    with pytest.raises(InsufficientStock) as info:
        settle(SITES, {bucket(STORE).id.hex: 5_000_000}, move(bucket(STORE), bucket(CUSTOMER), "6"))
    assert (info.value.params["available"], info.value.params["requested"]) == ("5", "6")


def test_virtual_buckets_may_go_negative_so_receipts_conserve_quantity() -> None:
    writer = settle(SITES, {}, move(bucket(SUPPLIER), bucket(STORE), "24"))
    assert writer.known == {bucket(STORE).id.hex: 24_000_000}  # only guarded (real) buckets are tracked


def test_a_site_that_allows_negative_stock_may_go_below_zero() -> None:
    lenient = SiteFacts(id=uuid4(), code="POPUP", organisation_id=ORG, region=None, is_virtual=False,
                        allow_negative=True)
    settle({**SITES, lenient.id: lenient}, {}, move(bucket(lenient), bucket(CUSTOMER), "3"))


def test_a_posting_nets_its_lines_before_checking() -> None:
    # Out 5 and back 3 within one posting leaves 2 of 4: allowed even though 5 > 4.
    other = bucket(STORE, State.FROZEN)
    settle(SITES, {bucket(STORE).id.hex: 4_000_000}, move(bucket(STORE), other, "5"), move(other, bucket(STORE), "3"))


def test_movement_between_two_virtual_sites_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        check_movement(move(bucket(SUPPLIER), bucket(CUSTOMER), "1"), sites=SITES, states=StateMachine.builtin())
    assert info.value.code == "movement.virtual_to_virtual"


def test_project_stock_stays_in_its_project_unless_reassigned() -> None:
    source = bucket(STORE, project_id=uuid4())
    target = bucket(STORE, State.FROZEN)
    with pytest.raises(Conflict) as info:
        check_movement(move(source, target, "1"), sites=SITES, states=StateMachine.builtin())
    assert info.value.code == "project.isolated"
    check_movement(move(source, target, "1"), sites=SITES, states=StateMachine.builtin(), reassign_project=True)


def _candidate(lot: str, expiry: date | None, received_days_ago: int, qty: str) -> StockCandidate:
    return StockCandidate(bucket=bucket(STORE, lot_id=uuid4()), quantity=Decimal(qty), lot_no=lot,
                          expiry_date=expiry, received_at=NOW - timedelta(days=received_days_ago))


def test_fefo_takes_the_lot_expiring_first_even_if_received_later() -> None:
    early = _candidate("L-EARLY", date(2026, 3, 10), 1, "5")
    late = _candidate("L-LATE", date(2026, 6, 1), 30, "5")
    picks = allocate([late, early], Decimal(7), expires=True, today=NOW.date(), item_code="X", site_code="S",
                     state="available")
    assert [(p[0].lot_id, p[1]) for p in picks] == [(early.bucket.lot_id, 5), (late.bucket.lot_id, 2)]


def test_fifo_takes_the_oldest_receipt_first_for_items_without_expiry() -> None:
    old = _candidate("L-OLD", None, 30, "5")
    new = _candidate("L-NEW", None, 1, "5")
    assert removal_order([new, old], expires=False)[0] is old


def test_allocation_skips_expired_lots_and_reports_what_is_usable() -> None:
    expired = _candidate("L-GONE", date(2026, 2, 1), 60, "100")
    fresh = _candidate("L-OK", date(2026, 9, 1), 5, "3")
    with pytest.raises(InsufficientStock) as info:
        allocate([expired, fresh], Decimal(4), expires=True, today=NOW.date(), item_code="X", site_code="S",
                 state="available")
    assert info.value.params["available"] == "3"


def test_expiry_is_production_plus_shelf_life() -> None:
    assert expiry_from(date(2026, 1, 1), 30) == date(2026, 1, 31)
    assert expiry_from(None, 30) is None


def _reservation(*remaining: str) -> Reservation:
    lines = tuple(ReservationLine(bucket=bucket(STORE, State.RESERVED, lot_id=uuid4()), quantity=Decimal(r),
                                  remaining=Decimal(r)) for r in remaining)
    return Reservation(id=uuid4(), item_id=ITEM, site_id=STORE.id, quantity=sum(Decimal(r) for r in remaining),
                       status=ReservationStatus.OPEN, expires_at=NOW, created_at=NOW, lines=lines)


def test_shipping_part_of_a_reservation_takes_lines_in_order() -> None:
    parts = _reservation("2", "5").take(Decimal(4))
    assert [p[1] for p in parts] == [Decimal(2), Decimal(2)]


def test_a_reservation_cannot_give_more_than_it_holds() -> None:
    with pytest.raises(Conflict) as info:
        _reservation("2").take(Decimal(3))
    assert info.value.code == "reservation.exceeds"
