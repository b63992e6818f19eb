"""Bulk import of movements through jxc's ledger vs. the raw driver doing the same writes.

Workload: N single-line postings over ``items`` × ``sites``: first a receipt per item-site
(supplier → store), then sales (store → customer) drawn at random, never exceeding stock.
jxc runs its full path (idempotency, code resolution, rule checks, locked balance check,
projections) in batches of ``--batch``; the baseline executemany's the same rows, pre-built.

Target (issue 2, SQLite): ≥ 50,000 movements/s and ≥ 20 % of the baseline.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network
from raw_baseline import build_rows, statements, write_batch

from jxc.db.engine import SQLITE_TUNING
from jxc.inventory.commands import MoveLine, PostStock


def workload(skus: list[str], sites: list[str], total: int, seed: int) -> list[tuple[str, str, bool, int]]:
    """(sku, site, is_receipt, qty) in order; sales never exceed what was received."""
    rng = random.Random(seed)
    flows = [(sku, site, True, 1000) for sku in skus for site in sites]
    stock = {(sku, site): 1000 for sku in skus for site in sites}
    keys = list(stock)
    while len(flows) < total:
        key = keys[rng.randrange(len(keys))]
        qty = rng.randint(1, 3)
        if stock[key] >= qty:
            stock[key] -= qty
            flows.append((key[0], key[1], False, qty))
    return flows[:total]


def main() -> None:
    p = parser("bulk import benchmark")
    p.add_argument("--movements", type=int, default=200_000)
    p.add_argument("--items", type=int, default=500)
    p.add_argument("--sites", type=int, default=20)
    p.add_argument("--batch", type=int, default=5000)
    args = p.parse_args()

    flows = workload([f"B-I{i:06d}" for i in range(args.items)], [f"B-S{i:04d}" for i in range(args.sites)],
                     args.movements, seed=7)
    commands = [
        PostStock(idempotency_key=f"bulk:{n}", lines=(
            MoveLine(sku=sku, quantity=qty, from_site="@supplier", to_site=site) if receipt
            else MoveLine(sku=sku, quantity=qty, from_site=site, to_site="@customer"),))
        for n, (sku, site, receipt, qty) in enumerate(flows)
    ]

    with fresh_database(args.backend, args.pg_url, label="bulk") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        log(f"jxc: importing {len(commands):,} postings on {db.backend} …")
        with Timer() as jxc_time:
            report = app.ledger.import_postings(app.uow, commands, batch_size=args.batch)
        with app.uow() as uow:
            problems = app.stock.verify(uow)
        assert report.movements == len(commands) and not problems

    with fresh_database(args.backend, args.pg_url, label="raw") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        with app.uow() as uow:
            items = app.items.by_sku(uow, {f[0] for f in flows})
            sites = app.sites.by_code(uow, {f[1] for f in flows} | {"@supplier", "@customer"})
        supplier, customer = sites["@supplier"], sites["@customer"]
        rows = build_rows([
            (items[sku].id, supplier.id, None, "available", sites[site].id, sites[site].organisation_id,
             "available", qty, True) if receipt else
            (items[sku].id, sites[site].id, sites[site].organisation_id, "available", customer.id, None,
             "available", qty, False)
            for sku, site, receipt, qty in flows
        ], dialect=db.backend)
        sql = statements(db.backend)
        log(f"raw {db.backend}: same {len(rows):,} writes …")
        if db.backend == "sqlite":
            conn = sqlite3.connect(db.sqlite_path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", *SQLITE_TUNING):
                conn.execute(f"PRAGMA {pragma}")
        else:
            raw = db.engine.raw_connection()
            conn = raw.driver_connection
        with Timer() as raw_time:
            cur = conn.cursor()
            for start in range(0, len(rows), args.batch):
                if db.backend == "sqlite":
                    cur.execute("BEGIN IMMEDIATE")
                write_batch(cur, rows[start : start + args.batch], sql)
                conn.commit() if db.backend == "postgres" else cur.execute("COMMIT")
        conn.close()

    jxc_rate = len(commands) / jxc_time.seconds
    raw_rate = len(rows) / raw_time.seconds
    result = {
        "benchmark": "bulk_import", "backend": args.backend, "movements": len(commands), "batch": args.batch,
        "jxc_seconds": round(jxc_time.seconds, 3), "jxc_movements_per_s": round(jxc_rate),
        "raw_seconds": round(raw_time.seconds, 3), "raw_movements_per_s": round(raw_rate),
        "ratio_vs_raw": round(jxc_rate / raw_rate, 3),
        "target": {"movements_per_s": 50_000, "ratio_vs_raw": 0.2} if args.backend == "sqlite" else None,
    }
    if args.backend == "sqlite":
        result["meets_target"] = jxc_rate >= 50_000 and jxc_rate / raw_rate >= 0.2
    emit(result)


if __name__ == "__main__":
    main()
