"""Sales-event ingestion in batches (issue 5).

jxc: ``--events`` POS events over ``--items`` items at ``--sites`` stores, sent in batches of
``--batch`` through ``signals.ingest_sales`` (checked, resolved, deduplicated against what is stored,
inserted, and added to the daily and hourly demand history), one transaction per batch; then the
first batch again (a retry: all duplicates, nothing added).
Baseline in the same run: the same events inserted as bare rows into the events table with one
executemany per batch (no checks, no look-ups, no demand history) — the floor of writing them at all.

Target (issue 5): ≥ 10,000 sales events/s in batches.
"""

from __future__ import annotations

import gc
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network

from jxc.catalog import services as catalog
from jxc.org import services as org
from jxc.signals import services as signals
from jxc.signals import tables as t
from jxc.signals.model import Channel, SalesEvent


def main() -> None:
    p = parser("sales-event ingestion")
    p.add_argument("--events", type=int, default=200_000)
    p.add_argument("--batch", type=int, default=5_000)
    p.add_argument("--items", type=int, default=2_000)
    p.add_argument("--sites", type=int, default=20)
    args = p.parse_args()
    rng = random.Random(11)
    start = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    step = timedelta(seconds=86_400 * 30 / args.events)  # a month of sales, in time order
    events = [SalesEvent(event_id=f"POS-{n:09d}", occurred_at=start + n * step, channel=Channel.POS,
                         site=f"B-S{rng.randrange(args.sites):04d}", sku=f"B-I{rng.randrange(args.items):06d}",
                         quantity=Decimal(rng.randint(1, 5)), unit_price=Decimal(rng.randint(100, 5000)) / 100,
                         promotion=rng.random() < 0.1) for n in range(args.events)]
    batches = [events[i:i + args.batch] for i in range(0, len(events), args.batch)]

    with fresh_database(args.backend, args.pg_url, label="signals") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        gc.collect()
        gc.freeze()
        log(f"jxc: {args.events:,} events in batches of {args.batch:,} on {db.backend} …")
        with Timer() as ingest:
            for batch in batches:
                with app.uow() as uow:
                    report = signals.ingest_sales(uow, batch)
                    uow.commit()
                assert report.accepted == len(batch)
        with Timer() as retry, app.uow() as uow:
            again = signals.ingest_sales(uow, batches[0])
            uow.commit()
        assert again.accepted == 0 and again.duplicates == len(batches[0])
        with app.uow() as uow:
            site_ids = {s.code: s.id for s in org.sites_by_code(uow, {e.site for e in events}).values()}
            item_ids = {i.sku: i.id for i in catalog.items_by_sku(uow, {e.sku for e in events}).values()}

    with fresh_database(args.backend, args.pg_url, label="signalsbase") as db:
        app = ready_app(db)
        log("baseline: the same events as bare rows …")
        insert = t.sig_sales_events.insert()
        with Timer() as bare:
            for batch in batches:
                with app.uow() as uow:
                    uow.connection.execute(insert, [{
                        "event_id": e.event_id, "fingerprint": "x", "occurred_at": e.occurred_at, "channel": "pos",
                        "site_id": site_ids[e.site], "item_id": item_ids[e.sku], "quantity": e.quantity,
                        "unit_price": e.unit_price, "promotion": e.promotion, "received_at": start} for e in batch])
                    uow.commit()

    emit({
        "benchmark": "signals", "backend": args.backend, "events": args.events, "batch": args.batch,
        "events_per_s": round(args.events / ingest.seconds, 1),
        "retry_batch_ms": round(retry.seconds * 1000, 1),
        "baseline_bare_insert_events_per_s": round(args.events / bare.seconds, 1),
        "ratio_to_baseline": round(bare.seconds / ingest.seconds, 3),
        "target_events_per_s": 10_000,
    })


if __name__ == "__main__":
    main()
