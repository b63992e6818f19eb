"""Sales-event ingestion in batches (issue 5).

jxc: ``--events`` POS events over ``--items`` items at ``--sites`` stores, sent in batches of
``--batch`` through ``signals.ingest_sales`` (checked, resolved, deduplicated against what is stored,
inserted, and added to the daily and hourly demand history), one transaction per batch; then the
first batch again (a retry: all duplicates, nothing added).
Baseline in the same run: the same events inserted as bare rows into the events table with one
executemany per batch (no checks, no look-ups, no demand history) — the floor of writing them at all.

Target (issue 5): ≥ 10,000 sales events/s in batches; a surge visible as an emergency suggestion
within one scheduler cycle (measured in its own small database: 60 quiet days, one cycle, a surge,
then the next cycle — which replans only the series whose events changed).
"""

from __future__ import annotations

import argparse
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
from jxc.replenishment import services as replenishment
from jxc.replenishment.scheduler import Scheduler
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

    surge = surge_within_one_cycle(args)

    emit({
        "benchmark": "signals", "backend": args.backend, "events": args.events, "batch": args.batch,
        "events_per_s": round(args.events / ingest.seconds, 1),
        "retry_batch_ms": round(retry.seconds * 1000, 1),
        "baseline_bare_insert_events_per_s": round(args.events / bare.seconds, 1),
        "ratio_to_baseline": round(bare.seconds / ingest.seconds, 3),
        "target_events_per_s": 10_000,
        **surge,
    })


def surge_within_one_cycle(args: argparse.Namespace) -> dict[str, object]:
    """Sixty quiet days of an item, one scheduler cycle, then a surge today: the next cycle must show it
    as an alert with an emergency suggestion (the scheduler replans only what changed)."""
    now = datetime.now(UTC)
    with fresh_database(args.backend, args.pg_url, label="surge") as db:
        app = ready_app(db)
        sites, skus = seed_network(app, sites=2, items=5, prefix="G")
        with app.uow() as uow:
            catalog.register_supplier(uow, code="G-SUP-A", name="常规供应商")
            catalog.register_supplier(uow, code="G-SUP-B", name="快速供应商")
            for sku in skus:
                replenishment.set_offer(uow, supplier="G-SUP-A", sku=sku, unit_price=Decimal(6),
                                        lead_time_days=Decimal(5), lead_time_sd_days=Decimal(1))
                replenishment.set_offer(uow, supplier="G-SUP-B", sku=sku, unit_price=Decimal("7.5"),
                                        lead_time_days=Decimal(1))
            uow.commit()
        rng = random.Random(5)
        quiet = [SalesEvent(event_id=f"Q-{sku}-{day}", occurred_at=now - timedelta(days=day, hours=2),
                            channel=Channel.POS, site=sites[0], sku=sku, quantity=Decimal(rng.randint(15, 25)),
                            unit_price=Decimal(12)) for day in range(60, 0, -1) for sku in skus]
        quiet.sort(key=lambda e: e.occurred_at)
        with app.uow() as uow:
            signals.ingest_sales(uow, quiet)
            uow.commit()
        scheduler = Scheduler(app.uow, app.planner)
        scheduler.run_once()
        spike = [SalesEvent(event_id=f"S-{i}", occurred_at=now - timedelta(minutes=30 - i), channel=Channel.POS,
                            site=sites[0], sku=skus[0], quantity=Decimal(40), unit_price=Decimal(12))
                 for i in range(5)]
        with app.uow() as uow:
            signals.ingest_sales(uow, spike)
            uow.commit()
        with Timer() as cycle:
            report = scheduler.run_once()
        with app.uow() as uow:
            emergency = [s for s in replenishment.list_suggestions(uow) if s.kind == "emergency" and s.sku == skus[0]]
            alerts = [a for a in replenishment.list_alerts(uow) if a["sku"] == skus[0]]
    return {"surge_cycles_to_emergency_suggestion": 1 if emergency and alerts else None,
            "surge_cycle_series_replanned": report.series, "surge_cycle_seconds": round(cycle.seconds, 2),
            "surge_candidates": [c["supplier"] for c in alerts[0]["candidates"]] if alerts else []}


if __name__ == "__main__":
    main()
