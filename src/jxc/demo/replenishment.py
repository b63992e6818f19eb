"""Demo replenishment: the demo's own till sales as sales events, supplier offers, one planning run.

The history the demo simulated already holds every sale as a ledger movement; a till would have
sent each as a sales event too, so the last ``days`` days of sales of a few showcase items are
ingested as events (event id = the movement's id, so a re-run counts nothing twice). Each item gets
offers from its industry's two suppliers — the regional one cheaper, the other one faster — and a
planning run leaves open suggestions with their reasons for a new user to read and approve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.kernel.money import money
from jxc.replenishment import services as replenishment
from jxc.signals import services as signals
from jxc.signals.model import Channel, SalesEvent

SHOWCASE = {  # sku prefix → (its industry's suppliers: cheaper first)
    "FR-": ("SUP-FRESH-EC", "SUP-FRESH-SC"),
    "MD-": ("SUP-MED-EC", "SUP-MED-SC"),
    "HW-": ("SUP-HW-EC", "SUP-HW-SC"),
}
ITEMS_PER_INDUSTRY = 60
BATCH = 5000


@dataclass(frozen=True)
class DemoReplenishment:
    events: int
    series: int
    suggestions: int


def build_replenishment(app: App, *, days: int = 90, prefix: str = "") -> DemoReplenishment:
    now = app.clock.now()
    since = now - timedelta(days=days)
    events: list[SalesEvent] = []
    with app.uow() as uow:
        for sku_prefix, (cheap, fast) in SHOWCASE.items():
            skus = [f"{prefix}{sku_prefix}{n:04d}" for n in range(1, ITEMS_PER_INDUSTRY + 1)]
            found = catalog.items_by_sku(uow, skus)
            for sku in skus:
                item = found.get(sku)
                if item is None:
                    continue
                cost = item.standard_cost or Decimal(10)
                price = money(cost * Decimal("1.6"))
                for line in app.stock.history(uow, sku=sku, limit=500_000):
                    if line.occurred_at < since:
                        break
                    if line.kind == "sale" and line.to_site == "@customer":
                        events.append(SalesEvent(event_id=f"demo-{line.id}", occurred_at=line.occurred_at,
                                                 channel=Channel.POS, site=line.from_site, sku=sku,
                                                 quantity=line.quantity, unit_price=price))
                for supplier, factor, lead, spread in ((f"{prefix}{cheap}", "0.90", 4, 1), (f"{prefix}{fast}",
                                                                                            "1.02", 2, 0)):
                    replenishment.set_offer(uow, supplier=supplier, sku=sku, unit_price=money(cost * Decimal(factor)),
                                            lead_time_days=Decimal(lead), lead_time_sd_days=Decimal(spread),
                                            pack_size=Decimal(6 if sku_prefix == "FR-" else 1))
        uow.commit()
    events.sort(key=lambda e: (e.occurred_at, e.event_id))  # each till's events in time order
    accepted = 0
    for start in range(0, len(events), BATCH):
        with app.uow() as uow:
            accepted += signals.ingest_sales(uow, events[start:start + BATCH]).accepted
            uow.commit()
    with app.uow() as uow:
        report = replenishment.plan(uow, app.planner, actor="user:director", trigger="manual")
        uow.commit()
    return DemoReplenishment(events=len(events), series=report.series, suggestions=report.suggestions)


__all__ = ["DemoReplenishment", "build_replenishment"]
