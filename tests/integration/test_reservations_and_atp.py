"""Reservations (two-phase) and ATP roll-ups on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.inventory.commands import MoveLine
from jxc.inventory.model import ReservationStatus
from jxc.inventory.reservations import Reserve
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import Conflict, IdempotencyConflict, InsufficientStock
from jxc.org import services as org
from tests.conftest import ref
from tests.factories import item, network, post, receive


def reserve(app: App, sku: str, qty: str, site: str, **kw: object):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return app.reservations.reserve(uow, Reserve(idempotency_key=kw.pop("key", None) or ref("R"), sku=sku,  # type: ignore[arg-type]
                                                     quantity=qty, site=site, **kw))  # type: ignore[arg-type]


def available(app: App, sku: str, site: str) -> Decimal:
    with app.uow() as uow:
        groups = {g.key: g for g in app.stock.atp(uow, sku=sku, by="site").groups}
    return groups[site].available if site in groups else Decimal(0)


def test_reserved_stock_cannot_be_promised_twice(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)
    reserve(app, sku, "7", net.store)
    with pytest.raises(InsufficientStock):
        reserve(app, sku, "4", net.store)
    with pytest.raises(InsufficientStock):
        post(app, MoveLine(sku=sku, quantity="4", from_site=net.store, to_site="@customer"))
    assert available(app, sku, net.store) == 3


def test_ship_part_then_release_the_rest(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)
    reservation = reserve(app, sku, "6", net.store)
    with app.uow() as uow:
        shipped = app.reservations.ship(uow, reservation_id=reservation.id, idempotency_key=ref("S"), quantity="4")
    assert shipped.status is ReservationStatus.OPEN and shipped.remaining == 2
    with app.uow() as uow:
        released = app.reservations.release(uow, reservation_id=reservation.id, idempotency_key=ref("S"))
    assert released.status is ReservationStatus.SHIPPED and released.remaining == 0
    assert available(app, sku, net.store) == 6
    with app.uow() as uow, pytest.raises(Conflict) as info:
        app.reservations.release(uow, reservation_id=reservation.id, idempotency_key=ref("S"))
    assert info.value.code == "reservation.closed"


def test_release_everything_marks_the_reservation_released(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 5, net.store)
    reservation = reserve(app, sku, "5", net.store)
    with app.uow() as uow:
        released = app.reservations.release(uow, reservation_id=reservation.id, idempotency_key=ref("S"))
    assert released.status is ReservationStatus.RELEASED
    assert available(app, sku, net.store) == 5


def test_reservation_operations_are_idempotent(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)
    key = ref("R")
    first = reserve(app, sku, "3", net.store, key=key)
    second = reserve(app, sku, "3", net.store, key=key)
    assert first.id == second.id
    assert available(app, sku, net.store) == 7
    ship_key = ref("S")
    for _ in range(2):
        with app.uow() as uow:
            app.reservations.ship(uow, reservation_id=first.id, idempotency_key=ship_key, quantity="1")
    with app.uow() as uow:
        assert app.reservations.get(uow, first.id).remaining == 2
        with pytest.raises(IdempotencyConflict):
            app.reservations.ship(uow, reservation_id=first.id, idempotency_key=ship_key, quantity="2")


def test_reservations_expire_after_their_timeout(app: App, clock: FixedClock) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 4, net.store)
    reservation = reserve(app, sku, "4", net.store, ttl=timedelta(minutes=30))
    assert reservation.id not in app.reservations.expire(app.uow)
    clock.advance(timedelta(minutes=31))
    assert reservation.id in app.reservations.expire(app.uow)
    with app.uow() as uow:
        assert app.reservations.get(uow, reservation.id).status is ReservationStatus.EXPIRED
    assert available(app, sku, net.store) == 4


def test_reservation_of_lot_stock_follows_fefo_and_ships_those_lots(app: App) -> None:
    from datetime import date

    net, sku = network(app), item(app, tracking="lot", shelf_life_days=60)
    receive(app, sku, 3, net.store, lot="LATE", expiry_date=date(2026, 3, 1))
    receive(app, sku, 3, net.store, lot="EARLY", expiry_date=date(2026, 2, 1))
    reservation = reserve(app, sku, "4", net.store)
    with app.uow() as uow:
        app.reservations.ship(uow, reservation_id=reservation.id, idempotency_key=ref("S"))
        left = app.stock.balances(uow, sku=sku, site=net.store)
    assert [(b.lot, b.state, b.quantity) for b in left] == [("LATE", "available", 2)]


def test_commitments_reduce_atp_until_reserved(app: App, clock: FixedClock) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)
    with app.uow() as uow:
        item_id = app.items.by_sku(uow, [sku])[sku].id
        site_id = app.sites.by_code(uow, [net.store])[net.store].id
        commitment = app.reservations.commit_demand(uow, item_id=item_id, site_id=site_id, quantity="6",
                                                    due_at=clock.now() + timedelta(days=1))
    with app.uow() as uow:
        [group] = app.stock.atp(uow, sku=sku, by="site").groups
    assert (group.available, group.unreserved_commitments, group.atp) == (10, 6, 4)
    reserve(app, sku, "6", net.store, commitment_id=commitment)
    with app.uow() as uow:
        [group] = app.stock.atp(uow, sku=sku, by="site").groups
    assert (group.available, group.unreserved_commitments, group.atp) == (4, 0, 4)


def test_atp_rolls_up_by_site_org_region_and_network(app: App) -> None:
    east, south = network(app, region="华东"), network(app, region="华南")
    sku = item(app)
    for site, amount in ((east.warehouse, 10), (east.store, 5), (south.store, 7)):
        receive(app, sku, amount, site)
    post(app, MoveLine(sku=sku, quantity="2", from_site=east.store, to_site=east.store, to_state="frozen"))
    with app.uow() as uow:
        by = {level: {g.key: g for g in app.stock.atp(uow, sku=sku, by=level).groups}
              for level in ("site", "org", "region", "network")}
    assert by["site"][east.store].by_state == {"available": 3, "frozen": 2}
    assert by["org"][east.org].available == 13 and by["org"][south.org].available == 7
    assert by["region"]["华东"].available == 13 and by["region"]["华南"].available == 7
    assert by["network"]["network"].available == 20
    assert by["network"]["network"].by_state["frozen"] == 2


def test_atp_by_bucket_lists_lots_and_bins(app: App) -> None:
    net, sku = network(app), item(app, tracking="lot", shelf_life_days=100)
    with app.uow() as uow:
        org.add_bin(uow, site_code=net.warehouse, code="A-01", x=Decimal(1), y=Decimal(2), z=Decimal(0))
    receive(app, sku, 3, net.warehouse, lot="L9", to_bin="A-01")
    with app.uow() as uow:
        [group] = app.stock.atp(uow, sku=sku, by="bucket").groups
    assert group.key == f"{net.warehouse}/available/L9/A-01"
