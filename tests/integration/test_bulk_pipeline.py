"""The bulk import's writer process: batches land in order, errors come back as JxcError."""

from __future__ import annotations

import pytest

from jxc.bootstrap import App
from jxc.inventory.commands import MoveLine, PostStock
from jxc.inventory.pipeline import ForkedWriter
from jxc.inventory.writer import WriteSet
from jxc.kernel.errors import InsufficientStock, JxcError
from tests.conftest import ref
from tests.factories import item, network


def test_a_multi_batch_import_through_the_writer_process_equals_its_movements(app: App) -> None:
    net, sku = network(app), item(app)
    receipts = [PostStock(idempotency_key=f"{sku}:r{i}", lines=(
        MoveLine(sku=sku, quantity=5, from_site="@supplier", to_site=net.store),)) for i in range(30)]
    sales = [PostStock(idempotency_key=f"{sku}:s{i}", lines=(
        MoveLine(sku=sku, quantity=2, from_site=net.store, to_site="@customer"),)) for i in range(70)]
    report = app.ledger.import_postings(app.uow, receipts + sales, batch_size=10)
    assert (report.postings, report.movements) == (100, 100)
    with app.uow() as uow:
        [line] = app.stock.balances(uow, sku=sku, site=net.store)
        assert line.quantity == 150 - 140
        assert app.stock.verify(uow, sku=sku) == []


def test_overselling_in_a_later_batch_stops_the_import_after_the_valid_batches(app: App) -> None:
    net, sku = network(app), item(app)
    commands = [PostStock(idempotency_key=f"{sku}:r", lines=(
        MoveLine(sku=sku, quantity=10, from_site="@supplier", to_site=net.store),))]
    commands += [PostStock(idempotency_key=f"{sku}:s{i}", lines=(
        MoveLine(sku=sku, quantity=1, from_site=net.store, to_site="@customer"),)) for i in range(25)]
    with pytest.raises(InsufficientStock):
        app.ledger.import_postings(app.uow, commands, batch_size=5)
    with app.uow() as uow:
        [line] = app.stock.balances(uow, sku=sku, site=net.store)
        assert app.stock.verify(uow, sku=sku) == []
    # Batches 1 and 2 (the receipt and 9 sales) landed; batch 3 oversold and wrote nothing.
    assert line.quantity == 1
    top_up = [PostStock(idempotency_key=f"{sku}:r2", lines=(
        MoveLine(sku=sku, quantity=20, from_site="@supplier", to_site=net.store),))]
    app.ledger.import_postings(app.uow, top_up)
    report = app.ledger.import_postings(app.uow, commands, batch_size=5)
    assert report.postings + report.replayed == len(commands)
    with app.uow() as uow:
        [line] = app.stock.balances(uow, sku=sku, site=net.store)
    assert line.quantity == 30 - 25


def test_a_database_error_in_the_writer_process_comes_back_as_a_clear_error(app: App) -> None:
    broken = WriteSet(
        postings=[], movements=[(ref("M"), "0" * 32, 1, 1, None, None, "x", "x", "x", "x", "x", "a", "a", None, None)],
        totals={}, rows={}, guarded={}, new_lots=[], projected=[], sites={},
    )
    writer = ForkedWriter(app.uow)
    try:
        writer.send(broken)
        with pytest.raises(JxcError) as info:
            writer.wait()
    finally:
        writer.close()
    assert info.value.code == "import.write_failed"
