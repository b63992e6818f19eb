"""Concurrent writers: reserved stock is never promised twice, and sales never oversell.

Threads race on one bucket through separate units of work; SQLite serialises writers with
BEGIN IMMEDIATE, PostgreSQL with row locks taken when the balances are read.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from jxc.bootstrap import App
from jxc.inventory.commands import MoveLine, PostStock
from jxc.inventory.reservations import Reserve
from jxc.kernel.errors import InsufficientStock
from tests.conftest import ref
from tests.factories import item, network, receive


def _race(attempt: object, workers: int = 8) -> list[bool]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(attempt, range(workers)))  # type: ignore[arg-type]


def test_concurrent_reservations_never_promise_the_same_stock_twice(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)

    def attempt(_: int) -> bool:
        try:
            with app.uow() as uow:
                app.reservations.reserve(uow, Reserve(idempotency_key=ref("R"), sku=sku, quantity="3", site=net.store))
            return True
        except InsufficientStock:
            return False

    assert sum(_race(attempt)) == 3
    with app.uow() as uow:
        states = {b.state: b.quantity for b in app.stock.balances(uow, sku=sku, site=net.store)}
        assert app.stock.verify(uow, sku=sku) == []
    assert states == {"available": Decimal(1), "reserved": Decimal(9)}


def test_concurrent_sales_never_oversell(app: App) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 5, net.store)

    def attempt(_: int) -> bool:
        try:
            with app.uow() as uow:
                app.ledger.post(uow, PostStock(idempotency_key=ref("S"), lines=(
                    MoveLine(sku=sku, quantity="1", from_site=net.store, to_site="@customer"),)))
            return True
        except InsufficientStock:
            return False

    assert sum(_race(attempt, workers=8)) == 5
    with app.uow() as uow:
        assert app.stock.balances(uow, sku=sku, site=net.store) == []
        assert app.stock.verify(uow, sku=sku) == []


def test_the_same_key_posted_concurrently_lands_once(app: App) -> None:
    net, sku = network(app), item(app)
    key = ref("K")
    command = PostStock(idempotency_key=key, lines=(MoveLine(sku=sku, quantity="2", from_site="@supplier",
                                                            to_site=net.store),))

    def attempt(_: int) -> bool:
        with app.uow() as uow:
            return not app.ledger.post(uow, command).replayed

    assert sum(_race(attempt)) == 1
    with app.uow() as uow:
        [line] = app.stock.balances(uow, sku=sku, site=net.store)
    assert line.quantity == 2
