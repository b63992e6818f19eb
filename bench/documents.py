"""Receipt + sale document pairs with valuation and vouchers (issue 4).

jxc, per pair, each step its own transaction as a user would do it:
  purchase order (created, submitted, approved by a one-click flow) → goods receipt (ledger
  posting, valuation, voucher) → sales order (created, submitted, approved) → shipment (ledger,
  valuation at cost, revenue + cost voucher).
``documents_per_s`` counts every document the loop creates (order, receipt, order, shipment: 4 per
pair) over the whole loop; ``execution_documents_per_s`` times only the receipt and shipment
transactions (the documents that post stock, value it and book a voucher); ``pairs_per_s`` is
complete receipt + sale pairs, orders included.
Baseline in the same run: the same stock movements as bare ledger postings (``Ledger.post``,
one transaction each) — the cost of the documents, valuation and vouchers is the difference.

Target (issue 4, SQLite): ≥ 500 documents/s.
"""

from __future__ import annotations

import gc
import random
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network, summary_ms

from jxc.catalog import services as catalog
from jxc.documents.services import approvals, purchasing, sales
from jxc.documents.services.common import Wiring
from jxc.inventory.commands import MoveLine, PostStock
from jxc.workflow.config import parse_flows

ONE_CLICK = parse_flows("""
version = 1
[[flow]]
name = "po"
document_type = "purchase_order"
default = true
auto_approve = true
[[flow]]
name = "so"
document_type = "sales_order"
default = true
auto_approve = true
""")


def main() -> None:
    p = parser("receipt + sale document pairs")
    p.add_argument("--pairs", type=int, default=10_000)
    p.add_argument("--items", type=int, default=200)
    p.add_argument("--sites", type=int, default=4)
    args = p.parse_args()
    rng = random.Random(7)
    plan = [(f"B-I{rng.randrange(args.items):06d}", f"B-S{rng.randrange(args.sites):04d}", rng.randint(2, 20),
             Decimal(rng.randint(100, 9999)) / 100) for _ in range(args.pairs)]

    with fresh_database(args.backend, args.pg_url, label="docs") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        with app.uow() as uow:
            catalog.register_supplier(uow, code="B-SUP", name="基准供应商")
            catalog.register_customer(uow, code="B-CUS", name="基准客户")
        wiring = Wiring(ledger=app.ledger, books=app.books, flows=ONE_CLICK)
        # As `jxc serve` does after start-up: long-lived objects out of the collector's way.
        gc.collect()
        gc.freeze()
        log(f"jxc: {args.pairs:,} receipt + sale pairs on {db.backend} …")
        receipt_times, shipment_times = [], []
        with Timer() as docs_time:
            for n, (sku, site, qty, price) in enumerate(plan):
                quantity = Decimal(qty)
                with Timer() as one, app.uow() as uow:
                    po = purchasing.create_purchase_order(
                        uow, organisation="B-ORG", supplier="B-SUP", site=site, actor="user:bench",
                        lines=[purchasing.OrderLineIn(sku=sku, quantity=quantity, unit_price=price,
                                                      expected_date=date(2026, 12, 1))])
                    approvals.submit(uow, wiring, organisation="B-ORG", number=po.number, actor="user:bench")
                    uow.commit()
                with Timer() as receipt, app.uow() as uow:
                    purchasing.receive(uow, wiring, organisation="B-ORG", purchase_order=po.number, actor="user:bench",
                                       lines=[purchasing.ReceiveLineIn(po_line=1, quantity=quantity, to_qc=False)])
                    uow.commit()
                with Timer() as order, app.uow() as uow:
                    so = sales.create_sales_order(
                        uow, organisation="B-ORG", site=site, customer="B-CUS", actor="user:bench",
                        lines=[sales.SalesLineIn(sku=sku, quantity=quantity, unit_price=price * 2)])
                    approvals.submit(uow, wiring, organisation="B-ORG", number=so.number, actor="user:bench")
                    uow.commit()
                with Timer() as shipment, app.uow() as uow:
                    sales.ship(uow, wiring, organisation="B-ORG", sales_order=so.number, actor="user:bench",
                               lines=[sales.ShipLineIn(so_line=1, quantity=quantity)])
                    uow.commit()
                receipt_times.append(receipt.seconds)
                shipment_times.append(shipment.seconds)
                del one, order
                if n and n % 2000 == 0:
                    log(f"  {n:,} pairs, {4 * n / docs_time_so_far(docs_time):,.0f} documents/s")
        with app.uow() as uow:
            vouchers = len(app.books.vouchers(uow, limit=10 * args.pairs))
            assert app.stock.verify(uow) == []

    with fresh_database(args.backend, args.pg_url, label="docsbase") as db:
        app = ready_app(db)
        seed_network(app, sites=args.sites, items=args.items)
        log(f"baseline: the same {2 * args.pairs:,} movements as bare ledger postings …")
        with Timer() as ledger_time:
            for n, (sku, site, qty, _price) in enumerate(plan):
                with app.uow() as uow:
                    app.ledger.post(uow, PostStock(idempotency_key=f"in:{n}", kind="receipt", lines=(
                        MoveLine(sku=sku, quantity=qty, from_site="@supplier", to_site=site),)))
                with app.uow() as uow:
                    app.ledger.post(uow, PostStock(idempotency_key=f"out:{n}", kind="sale", lines=(
                        MoveLine(sku=sku, quantity=qty, from_site=site, to_site="@customer"),)))

    executions = 2 * args.pairs
    result = {
        "benchmark": "documents", "backend": args.backend, "pairs": args.pairs, "documents": 2 * executions,
        "vouchers": vouchers,
        "documents_per_s": round(2 * executions / docs_time.seconds, 1),
        "execution_documents_per_s": round(executions / (sum(receipt_times) + sum(shipment_times)), 1),
        "pairs_per_s": round(args.pairs / docs_time.seconds, 1),
        "baseline_ledger_postings_per_s": round(executions / ledger_time.seconds, 1),
        "ratio_to_baseline": round(ledger_time.seconds / docs_time.seconds, 3),
        "receipt": summary_ms(receipt_times), "shipment": summary_ms(shipment_times),
        "target_documents_per_s": 500,
    }
    emit(result)


def docs_time_so_far(timer: Timer) -> float:
    import time

    return time.perf_counter() - timer.start


if __name__ == "__main__":
    main()
