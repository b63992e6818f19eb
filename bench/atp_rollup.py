"""ATP roll-up for one item across 200 sites on a database with ≥ 1,000,000 movements.

Set-up: 10,000 items, 200 stores, ≥ 1M movements imported as store documents (receipts and
sales of random items); the measured item has stock at every site in several states
(available, frozen, QC hold, reserved, damaged), in-transit stock with ETAs and open
commitments. Each query opens its own unit of work, as an API request would.

Baseline in the same run: the raw driver running the one balance query ATP needs
(``SUM(quantity) GROUP BY site, owner, state`` for the item), without roll-up or lookups.

Target (issue 2, SQLite): p99 ≤ 5 ms for ``--by site``.
"""

from __future__ import annotations

import gc
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network, summary_ms

from jxc.inventory.commands import MoveLine, PostStock


def documents(skus: list[str], sites: list[str], movements: int, lines: int, seed: int):  # type: ignore[no-untyped-def]
    """Receipt documents (supplier → store) then sales documents (store → customer) of random items."""
    rng = random.Random(seed)
    stock: dict[tuple[str, str], int] = {}
    receipts = movements // 4
    made = 0
    n = 0
    while made < receipts:
        site = sites[rng.randrange(len(sites))]
        picked = {skus[rng.randrange(len(skus))] for _ in range(lines)}
        for sku in picked:
            stock[(sku, site)] = stock.get((sku, site), 0) + 50
        yield PostStock(idempotency_key=f"atp:r:{n}", kind="receipt", lines=tuple(
            MoveLine(sku=sku, quantity=50, from_site="@supplier", to_site=site) for sku in sorted(picked)))
        made += len(picked)
        n += 1
    by_site: dict[str, list[str]] = {}
    for sku, site in stock:
        by_site.setdefault(site, []).append(sku)
    while made < movements:
        site = sites[rng.randrange(len(sites))]
        held = by_site.get(site)
        if not held:
            continue
        chosen = {held[rng.randrange(len(held))] for _ in range(lines)}
        chosen = {sku for sku in chosen if stock[(sku, site)] > 0}
        if not chosen:
            continue
        for sku in chosen:
            stock[(sku, site)] -= 1
        yield PostStock(idempotency_key=f"atp:s:{n}", kind="sale", lines=tuple(
            MoveLine(sku=sku, quantity=1, from_site=site, to_site="@customer") for sku in sorted(chosen)))
        made += len(chosen)
        n += 1


def main() -> None:
    p = parser("ATP roll-up benchmark")
    p.add_argument("--movements", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=10_000)
    p.add_argument("--sites", type=int, default=200)
    p.add_argument("--queries", type=int, default=500)
    args = p.parse_args()
    with fresh_database(args.backend, args.pg_url, label="atp") as db:
        app = ready_app(db)
        sites, skus = seed_network(app, sites=args.sites, items=args.items)
        log(f"importing {args.movements:,} movements over {args.items:,} items × {args.sites} sites on {db.backend} …")
        with Timer() as build:
            report = app.ledger.import_postings(app.uow, documents(skus[1:], sites, args.movements, 8, seed=3),
                                                batch_size=2000, progress=None)
        target = skus[0]
        clock = app.clock
        extra = [PostStock(idempotency_key=f"atp:t:{site}", kind="receipt", lines=(
            MoveLine(sku=target, quantity=100, from_site="@supplier", to_site=site),)) for site in sites]
        app.ledger.import_postings(app.uow, extra)
        for i, site in enumerate(sites):
            for state, qty in (("frozen", 3), ("qc_hold", 2), ("reserved", 5), ("damaged", 1)):
                if (i + len(state)) % 3 == 0:
                    continue
                with app.uow() as uow:
                    app.ledger.post(uow, PostStock(idempotency_key=f"atp:m:{site}:{state}", lines=(
                        MoveLine(sku=target, quantity=qty, from_site=site, to_site=site, to_state=state),)))
            if i % 4 == 0:
                with app.uow() as uow:
                    app.ledger.post(uow, PostStock(idempotency_key=f"atp:tr:{site}", lines=(
                        MoveLine(sku=target, quantity=7, from_site="@supplier", to_site=site, to_state="in_transit",
                                 eta=clock.now() + timedelta(days=1 + i % 10)),)))
            if i % 7 == 0:
                with app.uow() as uow:
                    facts = app.sites.by_code(uow, [site])[site]
                    item_id = app.items.by_sku(uow, [target])[target].id
                    app.reservations.commit_demand(uow, item_id=item_id, site_id=facts.id, quantity=4,
                                                   due_at=clock.now() + timedelta(days=2))
        with app.uow() as uow:
            total_movements = uow.connection.exec_driver_sql("SELECT COUNT(*) FROM inv_movements").scalar_one()
            check = app.stock.atp(uow, sku=target, by="site")
        assert len(check.groups) == args.sites, len(check.groups)
        log(f"{total_movements:,} movements in the database; measuring {args.queries} ATP queries …")
        # Steady state, as a long-running server would be after start-up: the set-up's garbage is
        # collected and what survives is frozen, so the measurement sees no collection of it.
        gc.collect()
        gc.freeze()

        results: dict[str, object] = {}
        for by in ("site", "region", "org", "network"):
            samples = []
            for _ in range(args.queries):
                with Timer() as one, app.uow() as uow:
                    app.stock.atp(uow, sku=target, by=by)
                samples.append(one.seconds)
            results[f"jxc_by_{by}"] = summary_ms(samples)

        with app.uow() as uow:
            item_hex = app.items.by_sku(uow, [target])[target].id.hex
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        mark = "?" if db.backend == "sqlite" else "%s"
        sql = ("SELECT site_id, owner_id, state, SUM(quantity) FROM inv_balances WHERE item_id = "
               f"{mark} AND is_virtual = {'0' if db.backend == 'sqlite' else 'false'} GROUP BY site_id, owner_id, state")
        samples = []
        for _ in range(args.queries):
            with Timer() as one:
                cursor.execute(sql, (item_hex,))
                cursor.fetchall()
            samples.append(one.seconds)
        raw.close()
        results["raw_balance_query"] = summary_ms(samples)

    by_site = results["jxc_by_site"]
    result = {
        "benchmark": "atp_rollup", "backend": args.backend, "movements_in_db": total_movements, "items": args.items,
        "sites": args.sites, "queries": args.queries, "import_seconds": round(build.seconds, 1),
        "import_movements_per_s": round(report.movements / build.seconds), **results,
        "target": {"p99_ms_by_site": 5.0} if args.backend == "sqlite" else None,
    }
    if args.backend == "sqlite":
        result["meets_target"] = by_site["p99_ms"] <= 5.0  # type: ignore[index]
    emit(result)


if __name__ == "__main__":
    main()
