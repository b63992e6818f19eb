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


def workload(
    skus: list[str], sites: list[str], total: int, seed: int, lines: int = 1,
) -> list[list[tuple[str, str, bool, int]]]:
    """Documents of (sku, site, is_receipt, qty) lines, in order; sales never exceed stock.

    First one receipt document per site covering every item (split into documents of
    ``lines`` lines), then sales documents of 1..2×lines-1 distinct items at one site.
    """
    rng = random.Random(seed)
    documents: list[list[tuple[str, str, bool, int]]] = []
    stock = {(sku, site): 1000 for sku in skus for site in sites}
    made = 0
    for site in sites:
        for start in range(0, len(skus), lines):
            documents.append([(sku, site, True, 1000) for sku in skus[start : start + lines]])
            made += len(documents[-1])
    while made < total:
        site = sites[rng.randrange(len(sites))]
        size = 1 if lines == 1 else rng.randint(1, 2 * lines - 1)
        picked = {skus[rng.randrange(len(skus))] for _ in range(size)}
        doc = []
        for sku in sorted(picked):
            qty = rng.randint(1, 3)
            if stock[(sku, site)] >= qty:
                stock[(sku, site)] -= qty
                doc.append((sku, site, False, qty))
        if doc:
            documents.append(doc)
            made += len(doc)
    return documents


def main() -> None:
    p = parser("bulk import benchmark")
    p.add_argument("--movements", type=int, default=200_000)
    p.add_argument("--items", type=int, default=500)
    p.add_argument("--sites", type=int, default=20)
    p.add_argument("--batch", type=int, default=5000, help="postings per transaction")
    p.add_argument("--lines", type=int, default=1, help="mean lines per posting (1: every movement its own posting)")
    args = p.parse_args()

    documents = workload([f"B-I{i:06d}" for i in range(args.items)], [f"B-S{i:04d}" for i in range(args.sites)],
                         args.movements, seed=7, lines=args.lines)
    commands = [
        PostStock(idempotency_key=f"bulk:{n}", kind="receipt" if doc[0][2] else "sale", lines=tuple(
            MoveLine(sku=sku, quantity=qty, from_site="@supplier", to_site=site) if receipt
            else MoveLine(sku=sku, quantity=qty, from_site=site, to_site="@customer")
            for sku, site, receipt, qty in doc))
        for n, doc in enumerate(documents)
    ]
    flows = [line for doc in documents for line in doc]
    movements = len(flows)

    with fresh_database(args.backend, args.pg_url, label="bulk") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        log(f"jxc: importing {movements:,} movements in {len(commands):,} postings on {db.backend} …")
        with Timer() as jxc_time:
            report = app.ledger.import_postings(app.uow, commands, batch_size=args.batch)
        with app.uow() as uow:
            problems = app.stock.verify(uow)
        assert report.movements == movements and not problems

    with fresh_database(args.backend, args.pg_url, label="raw") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        with app.uow() as uow:
            items = app.items.by_sku(uow, {f[0] for f in flows})
            sites = app.sites.by_code(uow, {f[1] for f in flows} | {"@supplier", "@customer"})
        supplier, customer = sites["@supplier"], sites["@customer"]

        def flow(sku: str, site: str, receipt: bool, qty: int) -> tuple:  # type: ignore[type-arg]
            item, shop = items[sku].id, sites[site]
            if receipt:
                return (item, supplier.id, None, "available", shop.id, shop.organisation_id, "available", qty, True)
            return (item, shop.id, shop.organisation_id, "available", customer.id, None, "available", qty, False)

        rows = build_rows([[flow(*line) for line in doc] for doc in documents], dialect=db.backend)
        sql = statements(db.backend)
        log(f"raw {db.backend}: same {len(rows):,} writes …")
        if db.backend == "sqlite":
            conn = sqlite3.connect(db.sqlite_path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", *SQLITE_TUNING):
                conn.execute(f"PRAGMA {pragma}")
        else:
            pooled = db.engine.raw_connection()
            conn = pooled.driver_connection
        with Timer() as raw_time:
            cur = conn.cursor()
            per_txn = args.batch * args.lines  # about as many movements per transaction as jxc's batches
            for start in range(0, len(rows), per_txn):
                if db.backend == "sqlite":
                    cur.execute("BEGIN IMMEDIATE")
                write_batch(cur, rows[start : start + per_txn], sql)
                conn.commit() if db.backend == "postgres" else cur.execute("COMMIT")
        if db.backend == "sqlite":
            conn.close()
        else:
            pooled.close()

    jxc_rate = movements / jxc_time.seconds
    raw_rate = len(rows) / raw_time.seconds
    result = {
        "benchmark": "bulk_import", "backend": args.backend, "movements": movements, "postings": len(commands),
        "mean_lines_per_posting": round(movements / len(commands), 2), "batch_postings": args.batch,
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
