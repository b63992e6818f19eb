"""Ledger use cases on SQLite and PostgreSQL: postings, idempotency, states, lots, serials."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.inventory.commands import MoveLine, PostStock
from jxc.inventory.states import CustomState
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import (
    Conflict,
    IdempotencyConflict,
    IllegalTransition,
    InsufficientStock,
    InvalidInput,
    NotFound,
)
from tests.conftest import ref
from tests.factories import item, network, post, receive


def qty(app: App, sku: str, site: str, state: str = "available") -> Decimal:
    with app.uow() as uow:
        return sum((b.quantity for b in app.stock.balances(uow, sku=sku, site=site, state=state)), Decimal(0))


def assert_ledger_consistent(app: App, sku: str) -> None:
    with app.uow() as uow:
        assert app.stock.verify(uow, sku=sku) == []


def test_receipt_in_boxes_lands_in_base_units(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 5, net.warehouse, unit="箱")
    assert qty(app, sku, net.warehouse) == 120
    assert_ledger_consistent(app, sku)


def test_a_multi_line_posting_is_atomic(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.warehouse)
    with pytest.raises(InsufficientStock):
        post(app,
             MoveLine(sku=sku, quantity="4", from_site=net.warehouse, to_site="@customer"),
             MoveLine(sku=sku, quantity="7", from_site=net.warehouse, to_site="@customer"))
    assert qty(app, sku, net.warehouse) == 10
    assert_ledger_consistent(app, sku)


def test_same_key_same_payload_replays_and_changes_nothing(app: App) -> None:
    net, sku = network(app), item(app)
    key = ref("K")
    line = MoveLine(sku=sku, quantity="3", from_site="@supplier", to_site=net.warehouse)
    original = post(app, line, key=key)
    again = post(app, line, key=key)
    assert again.replayed and not original.replayed
    assert again.posting_id == original.posting_id
    assert [m.id for m in again.movements] == [m.id for m in original.movements]
    assert qty(app, sku, net.warehouse) == 3


def test_same_key_with_a_different_payload_is_refused(app: App) -> None:
    net, sku = network(app), item(app)
    key = ref("K")
    post(app, MoveLine(sku=sku, quantity="3", from_site="@supplier", to_site=net.warehouse), key=key)
    with pytest.raises(IdempotencyConflict) as info:
        post(app, MoveLine(sku=sku, quantity="4", from_site="@supplier", to_site=net.warehouse), key=key)
    assert info.value.field == "idempotency_key"
    assert qty(app, sku, net.warehouse) == 3


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"sku": "NO-SUCH-SKU"}, NotFound, "lines[0].sku"),
        ({"to_site": "NO-SUCH-SITE"}, NotFound, "lines[0].to_site"),
        ({"quantity": "0"}, InvalidInput, "lines[0].quantity"),
        ({"quantity": "-2"}, InvalidInput, "lines[0].quantity"),
        ({"unit": "furlong"}, InvalidInput, "unit"),
        ({"unit": "kg"}, InvalidInput, "unit"),
        ({"to_state": "teleported"}, InvalidInput, "lines[0].to_state"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(app: App, change: dict[str, str], error: type, field: str) -> None:
    net, sku = network(app), item(app)
    values = {"sku": sku, "quantity": "1", "from_site": "@supplier", "to_site": net.warehouse, **change}
    with pytest.raises(error) as info:
        post(app, MoveLine(**values))  # type: ignore[arg-type]
    assert info.value.field == field
    assert qty(app, sku, net.warehouse) == 0


def test_unknown_unit_and_non_converting_unit_have_different_codes(app: App) -> None:
    net, sku = network(app), item(app)
    codes = []
    for unit in ("furlong", "kg"):
        with pytest.raises(InvalidInput) as info:
            receive(app, sku, 1, net.warehouse, unit=unit)
        codes.append(info.value.code)
    assert codes == ["unit.unknown", "unit.not_convertible"]


def test_illegal_state_change_is_refused(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 5, net.warehouse, to_state="damaged")
    with pytest.raises(IllegalTransition):
        post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.warehouse,
                           from_state="damaged", to_state="available"))
    assert qty(app, sku, net.warehouse, "damaged") == 5


def test_selling_more_than_on_hand_is_refused_but_a_lenient_site_may_go_negative(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 2, net.store)
    with pytest.raises(InsufficientStock) as info:
        post(app, MoveLine(sku=sku, quantity="3", from_site=net.store, to_site="@customer"))
    assert info.value.field == "quantity"
    post(app, MoveLine(sku=sku, quantity="3", from_site=net.lenient, to_site="@customer"))
    assert qty(app, sku, net.lenient) == -3
    assert_ledger_consistent(app, sku)


def test_custom_states_can_be_configured_and_used(app: App) -> None:
    net, sku = network(app), item(app)
    code = f"warranty_{ref('x').lower().replace('-', '_')}"
    with app.uow() as uow:
        app.states.define(uow, [CustomState(code, "三包冻结", "warranty hold", from_states=("available",),
                                            to_states=("available", "damaged"))])
        uow.commit()
    receive(app, sku, 4, net.warehouse)
    post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.warehouse, to_state=code))
    assert qty(app, sku, net.warehouse, code) == 1
    with pytest.raises(IllegalTransition):
        post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.warehouse,
                           from_state=code, to_state="reserved"))


def test_fefo_ships_the_lot_that_expires_first(app: App) -> None:
    net, sku = network(app), item(app, tracking="lot", shelf_life_days=30)
    receive(app, sku, 5, net.store, lot="L-LATE", expiry_date=date(2026, 3, 1))
    receive(app, sku, 5, net.store, lot="L-EARLY", expiry_date=date(2026, 1, 20))
    result = post(app, MoveLine(sku=sku, quantity="7", from_site=net.store, to_site="@customer"))
    assert [m.quantity for m in result.movements] == [5, 2]
    with app.uow() as uow:
        left = app.stock.balances(uow, sku=sku, site=net.store)
    assert [(b.lot, b.quantity) for b in left] == [("L-LATE", 3)]


def test_fefo_never_picks_an_expired_lot_on_its_own(app: App) -> None:
    net, sku = network(app), item(app, tracking="lot", shelf_life_days=10)
    receive(app, sku, 5, net.store, lot="L-OLD", expiry_date=date(2025, 12, 20))
    with pytest.raises(InsufficientStock):
        post(app, MoveLine(sku=sku, quantity="1", from_site=net.store, to_site="@customer"))
    # Named explicitly, the expired lot can still be written off.
    post(app, MoveLine(sku=sku, quantity="5", from_site=net.store, to_site="@adjustment", lot="L-OLD"))


def test_lot_tracked_receipt_without_lot_is_refused(app: App) -> None:
    net, sku = network(app), item(app, tracking="lot", shelf_life_days=10)
    with pytest.raises(InvalidInput) as info:
        receive(app, sku, 5, net.store)
    assert info.value.code == "lot.required"


def test_lot_expiry_defaults_to_production_plus_shelf_life(app: App) -> None:
    net, sku = network(app), item(app, tracking="lot", shelf_life_days=10)
    receive(app, sku, 5, net.store, lot="L1", production_date=date(2026, 1, 1))
    with app.uow() as uow:
        [line] = app.stock.balances(uow, sku=sku)
    assert line.expiry_date == date(2026, 1, 11)


def test_a_serial_is_in_one_bucket_only(app: App) -> None:
    net, sku = network(app), item(app, tracking="serial")
    receive(app, sku, 2, net.warehouse, serials=("SN-1", "SN-2"))
    with pytest.raises(InvalidInput) as info:
        receive(app, sku, 1, net.store, serials=("SN-1",))
    assert info.value.code == "serial.in_stock"
    post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.store, serials=("SN-1",)))
    with app.uow() as uow:
        where = {b.serial: b.site for b in app.stock.balances(uow, sku=sku)}
    assert where == {"SN-1": net.store, "SN-2": net.warehouse}
    # Sold, it may come back later (a return) because it is no longer in stock.
    post(app, MoveLine(sku=sku, quantity="1", from_site=net.store, to_site="@customer", serials=("SN-1",)))
    receive(app, sku, 1, net.store, serials=("SN-1",), to_state="returned_pending")
    assert_ledger_consistent(app, sku)


def test_serial_item_needs_whole_quantities_matching_the_serials(app: App) -> None:
    net, sku = network(app), item(app, tracking="serial")
    with pytest.raises(InvalidInput) as info:
        receive(app, sku, 2, net.warehouse, serials=("SN-9",))
    assert info.value.code == "serial.count"
    with pytest.raises(InvalidInput):
        receive(app, sku, "1.5", net.warehouse, serials=("SN-9",))


def test_project_stock_is_isolated(app: App) -> None:
    from jxc.org import services as org

    net, sku = network(app), item(app)
    project = ref("PRJ")
    with app.uow() as uow:
        org.register_project(uow, code=project, name="某工地", organisation_code=net.org, site_code=net.warehouse)
    receive(app, sku, 10, net.warehouse, to_project=project)
    receive(app, sku, 1, net.warehouse)
    # Unnamed project: only the free stock (1) may be used.
    with pytest.raises(InsufficientStock):
        post(app, MoveLine(sku=sku, quantity="2", from_site=net.warehouse, to_site="@customer"))
    post(app, MoveLine(sku=sku, quantity="2", from_site=net.warehouse, to_site="@customer", from_project=project))
    other = ref("PRJ")
    with app.uow() as uow:
        org.register_project(uow, code=other, name="另一工地", organisation_code=net.org)
    with pytest.raises(Conflict) as info:
        post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.store,
                           from_project=project, to_project=other))
    assert info.value.code == "project.isolated"
    post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site=net.store,
                       from_project=project, to_project=other), reassign_project=True)


def test_transfer_through_transit_counts_as_scheduled_receipt_until_received(app: App, clock: FixedClock) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.warehouse)
    eta = clock.now() + timedelta(days=2)
    post(app, MoveLine(sku=sku, quantity="4", from_site=net.warehouse, to_site=net.store, to_state="in_transit", eta=eta))
    with app.uow() as uow:
        report = app.stock.atp(uow, sku=sku, by="site")
    groups = {g.key: g for g in report.groups}
    assert groups[net.store].scheduled_receipts == 4 and groups[net.store].atp == 4
    assert groups[net.warehouse].atp == 6
    with app.uow() as uow:
        short = app.stock.atp(uow, sku=sku, by="site", horizon=timedelta(days=1))
    assert {g.key: g.scheduled_receipts for g in short.groups}[net.store] == 0
    post(app, MoveLine(sku=sku, quantity="4", from_site=net.store, to_site=net.store, from_state="in_transit",
                       to_state="available"))
    with app.uow() as uow:
        after = {g.key: g for g in app.stock.atp(uow, sku=sku, by="site").groups}
    assert after[net.store].scheduled_receipts == 0 and after[net.store].available == 4


def test_occurred_at_must_be_timezone_aware(app: App) -> None:
    net, sku = network(app), item(app)
    with pytest.raises(InvalidInput) as info:
        post(app, MoveLine(sku=sku, quantity="1", from_site="@supplier", to_site=net.store),
             occurred_at=datetime(2026, 1, 1))
    assert info.value.field == "occurred_at"
    post(app, MoveLine(sku=sku, quantity="1", from_site="@supplier", to_site=net.store),
         occurred_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_bulk_import_is_idempotent_and_refuses_a_changed_payload(app: App) -> None:
    net, sku = network(app), item(app)
    commands = [
        PostStock(idempotency_key=f"{sku}:{i}", lines=(MoveLine(sku=sku, quantity="2", from_site="@supplier",
                                                                 to_site=net.warehouse),))
        for i in range(50)
    ]
    report = app.ledger.import_postings(app.uow, commands, batch_size=20)
    assert (report.postings, report.movements, report.replayed) == (50, 50, 0)
    again = app.ledger.import_postings(app.uow, commands, batch_size=20)
    assert (again.postings, again.replayed) == (0, 50)
    assert qty(app, sku, net.warehouse) == 100
    changed = [PostStock(idempotency_key=f"{sku}:0", lines=(MoveLine(sku=sku, quantity="3", from_site="@supplier",
                                                                    to_site=net.warehouse),))]
    with pytest.raises(IdempotencyConflict):
        app.ledger.import_postings(app.uow, changed)
    assert_ledger_consistent(app, sku)


def test_bulk_import_rolls_back_a_batch_that_would_go_negative(app: App) -> None:
    net, sku = network(app), item(app)
    commands = [
        PostStock(idempotency_key=f"{sku}:in", lines=(MoveLine(sku=sku, quantity="2", from_site="@supplier",
                                                              to_site=net.store),)),
        PostStock(idempotency_key=f"{sku}:out", lines=(MoveLine(sku=sku, quantity="3", from_site=net.store,
                                                               to_site="@customer"),)),
    ]
    with pytest.raises(InsufficientStock):
        app.ledger.import_postings(app.uow, commands)
    assert qty(app, sku, net.store) == 0


def test_replaying_a_sale_after_the_stock_is_gone_returns_the_original_result(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 1, net.store)
    key = ref("K")
    line = MoveLine(sku=sku, quantity="1", from_site=net.store, to_site="@customer")
    original = post(app, line, key=key)
    again = post(app, line, key=key)
    assert again.replayed and again.posting_id == original.posting_id
    assert qty(app, sku, net.store) == 0


def test_a_shape_memo_in_bulk_import_still_refuses_overselling(app: App) -> None:
    net, sku = network(app), item(app)
    commands = [PostStock(idempotency_key=f"{sku}:r", lines=(MoveLine(sku=sku, quantity="3", from_site="@supplier",
                                                                      to_site=net.store),))]
    commands += [PostStock(idempotency_key=f"{sku}:s{i}", lines=(MoveLine(sku=sku, quantity="1", from_site=net.store,
                                                                         to_site="@customer"),)) for i in range(4)]
    with pytest.raises(InsufficientStock):
        app.ledger.import_postings(app.uow, commands)
    assert qty(app, sku, net.store) == 0
    app.ledger.import_postings(app.uow, commands[:4])
    assert qty(app, sku, net.store) == 0
    assert_ledger_consistent(app, sku)
