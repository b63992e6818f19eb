"""Demo data: a multi-organisation network with a year of realistic stock movements.

``build_demo`` registers the network and catalog (reusing whatever exists), simulates the
history and imports it through the ledger's bulk path, then opens a few reservations.
Same seed, same data: idempotency keys derive from the seed and the event, and the history
ends at an anchor stored on the head office, so a re-run replays instead of duplicating.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jxc.bootstrap import App
from jxc.demo.demand import promotions_between
from jxc.demo.history import LOCAL, History
from jxc.demo.items import DemoItem, build_items, ensure_items, hero
from jxc.demo.network import Network, demo_network, ensure_network
from jxc.demo.summary import DemoSummary
from jxc.inventory.reservations import Reserve
from jxc.kernel.errors import InvalidInput

__all__ = ["DemoSummary", "build_demo"]

IMPORT_BATCH = 5000


def build_demo(
    app: App, *, items: int = 500, days: int = 365, seed: int = 2026, show_progress: bool = False, prefix: str = "",
) -> DemoSummary:
    """Build the demo network, catalog and history in ``app``'s database (idempotent per seed)."""
    if items < 3:
        raise InvalidInput("field.invalid", field="items", value=str(items), reason="at least 3 (one per industry)")
    if days < 1:
        raise InvalidInput("field.invalid", field="days", value=str(days), reason="at least 1")
    started = time.perf_counter()
    network = demo_network(prefix)
    catalog = build_items(items, prefix=prefix)
    anchor = ensure_network(app, network, now=app.clock.now())
    ensure_items(app, catalog)
    last_day = anchor.astimezone(LOCAL).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=days - 1)
    namespace = f"{prefix}{seed}-{items}i-{days}d"
    history = History(network=network, items=catalog, first_day=first_day, last_day=last_day, anchor=anchor,
                      seed=seed, namespace=namespace)
    with _progress(show_progress, days) as (advance_day, imported):
        report = app.ledger.import_postings(
            app.uow, history.postings(on_day=advance_day), batch_size=IMPORT_BATCH, progress=imported,
        )
    reservations = _open_reservations(app, history, network, catalog, namespace)
    lemon_tea, vaccine, hardware = (hero(catalog, industry) for industry in ("fresh", "medical", "hardware"))
    return DemoSummary(
        organisations=len(network.organisations), sites=len(network.sites), items=len(catalog),
        lots=history.stats.lots, movements=history.stats.movements, postings=history.stats.postings,
        new_movements=report.movements, replayed_postings=report.replayed, reservations=reservations,
        stockouts=history.stats.stockouts, elapsed_seconds=time.perf_counter() - started, seed=seed,
        history_from=first_day, history_to=last_day, lemon_tea_sku=lemon_tea.sku, vaccine_sku=vaccine.sku,
        hardware_sku=hardware.sku, store_code=_best_stocked(history, network, lemon_tea),
        warehouse_code=network.warehouses[0].code,
        project_code=network.project_code, promotions=tuple(promotions_between(first_day, last_day)),
        movements_by_kind=dict(sorted(history.stats.by_kind.items())),
    )


@contextmanager
def _progress(show: bool, days: int) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """Callbacks for simulated days and imported postings, drawn as a Rich progress bar when shown."""
    if not show:
        yield (lambda _n: None), (lambda _n: None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
               TextColumn("days · {task.fields[postings]:,} postings"), TimeElapsedColumn())
    with Progress(*columns) as bar:
        task = bar.add_task("demo history", total=days, postings=0)
        imported = 0

        def on_import(count: int) -> None:
            nonlocal imported
            imported += count
            bar.update(task, postings=imported)

        yield (lambda n: bar.advance(task, n)), on_import


def _best_stocked(history: History, network: Network, item: DemoItem) -> str:
    """The store holding most of ``item`` at the end (where the suggested reservation will work)."""
    stores = [site.code for site in network.of_kind("store")]
    return max(stores, key=lambda code: history.shelves[(code, item.sku)].total
               if (code, item.sku) in history.shelves else -1)


def _open_reservations(
    app: App, history: History, network: Network, catalog: list[DemoItem], namespace: str,
) -> int:
    """A few open orders at the end, so ATP shows reserved stock: lemon tea, flu vaccine, screws."""
    stores = [site.code for site in network.of_kind("store")]
    channels = [site.code for site in network.of_kind("channel")]
    warehouses = [site.code for site in network.warehouses]
    plans = [
        (hero(catalog, "fresh"), [*stores, *warehouses], 6, timedelta(hours=36)),
        (hero(catalog, "medical"), warehouses, 40, timedelta(days=3)),
        (hero(catalog, "hardware"), [*channels, *warehouses], 3, timedelta(days=2)),
    ]
    today = history.anchor.astimezone(LOCAL).date()
    opened = 0
    for number, (item, candidates, ticks, ttl) in enumerate(plans, start=1):
        for site in candidates:
            shelf = history.shelves.get((site, item.sku))
            lot = shelf.first_lot(at_least=ticks, usable_from=today) if shelf else None
            if lot is None:
                continue
            command = Reserve(
                idempotency_key=f"demo:{namespace}:reserve:{number}", sku=item.sku, quantity=item.quantity(ticks),
                site=site, lot=lot.lot, ttl=ttl, reference=f"SO-DEMO-{number:03d}",
            )
            with app.uow() as uow:
                app.reservations.reserve(uow, command)
            opened += 1
            break
    return opened
