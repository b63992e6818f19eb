"""Single-movement postings, each its own transaction: the till (POS) path.

jxc: ``Ledger.post`` per sale (store → customer), the full path with FEFO/FIFO allocation
from locked balances, idempotency check and projections, one unit of work per sale.
Baseline: the raw driver writing the same rows in one transaction per row.

Target (issue 2, SQLite): ≥ 3,000 postings/s.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network, summary_ms
from raw_baseline import build_rows, statements, write_one

from jxc.db.engine import SQLITE_TUNING
from jxc.inventory.commands import MoveLine, PostStock


def main() -> None:
    p = parser("till path benchmark")
    p.add_argument("--postings", type=int, default=5000)
    p.add_argument("--items", type=int, default=200)
    p.add_argument("--sites", type=int, default=10)
    args = p.parse_args()
    rng = random.Random(11)
    sales = [(f"B-I{rng.randrange(args.items):06d}", f"B-S{rng.randrange(args.sites):04d}", rng.randint(1, 3))
             for _ in range(args.postings)]

    with fresh_database(args.backend, args.pg_url, label="till") as db:
        app = ready_app(db)
        skus, sites = seed_network(app, sites=args.sites, items=args.items)[1], None
        stock = [PostStock(idempotency_key=f"stock:{sku}:{site}", lines=(
            MoveLine(sku=sku, quantity=100_000, from_site="@supplier", to_site=site),))
            for sku in skus for site in (f"B-S{i:04d}" for i in range(args.sites))]
        app.ledger.import_postings(app.uow, stock)
        log(f"jxc: {len(sales):,} single postings on {db.backend} …")
        latencies = []
        with Timer() as jxc_time:
            for n, (sku, site, qty) in enumerate(sales):
                with Timer() as one, app.uow() as uow:
                    app.ledger.post(uow, PostStock(idempotency_key=f"till:{n}", kind="sale", lines=(
                        MoveLine(sku=sku, quantity=qty, from_site=site, to_site="@customer"),)))
                latencies.append(one.seconds)
        with app.uow() as uow:
            assert app.stock.verify(uow) == []
        del sites

    with fresh_database(args.backend, args.pg_url, label="tillraw") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        with app.uow() as uow:
            items = app.items.by_sku(uow, {s[0] for s in sales})
            site_facts = app.sites.by_code(uow, {s[1] for s in sales} | {"@supplier", "@customer"})
        customer, supplier = site_facts["@customer"], site_facts["@supplier"]
        pairs = sorted({(s[0], s[1]) for s in sales})
        seed_rows = build_rows([[(items[sku].id, supplier.id, None, "available", site_facts[site].id,
                                  site_facts[site].organisation_id, "available", 100_000, True)] for sku, site in pairs],
                               dialect=db.backend)
        rows = build_rows([[(items[sku].id, site_facts[site].id, site_facts[site].organisation_id, "available",
                             customer.id, None, "available", qty, False)] for sku, site, qty in sales],
                          dialect=db.backend)
        sql = statements(db.backend)
        if db.backend == "sqlite":
            conn = sqlite3.connect(db.sqlite_path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000", *SQLITE_TUNING):
                conn.execute(f"PRAGMA {pragma}")
        else:
            pooled = db.engine.raw_connection()
            conn = pooled.driver_connection
        cur = conn.cursor()
        for row in seed_rows:
            write_one(cur, row, sql)
        conn.commit()
        log(f"raw {db.backend}: same {len(rows):,} postings, one transaction each …")
        with Timer() as raw_time:
            for row in rows:
                if db.backend == "sqlite":
                    cur.execute("BEGIN IMMEDIATE")
                write_one(cur, row, sql)
                if db.backend == "sqlite":
                    cur.execute("COMMIT")
                else:
                    conn.commit()
        if db.backend == "sqlite":
            conn.close()
        else:
            pooled.close()

    jxc_rate = len(sales) / jxc_time.seconds
    raw_rate = len(rows) / raw_time.seconds
    result = {
        "benchmark": "till_postings", "backend": args.backend, "postings": len(sales),
        "jxc_postings_per_s": round(jxc_rate), "raw_postings_per_s": round(raw_rate),
        "ratio_vs_raw": round(jxc_rate / raw_rate, 3), "jxc_latency": summary_ms(latencies),
        "target": {"postings_per_s": 3000} if args.backend == "sqlite" else None,
    }
    if args.backend == "sqlite":
        result["meets_target"] = jxc_rate >= 3000
    emit(result)


if __name__ == "__main__":
    main()
