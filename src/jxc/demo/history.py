"""A year of stock movements, simulated day by day and emitted as ledger postings.

Each local day (Asia/Shanghai; stored as UTC) runs in this order, and postings are emitted in
the same order, so the ledger sees exactly what the simulation's stock book holds:

06:00  lots that expired yesterday are written off: shops straight to @adjustment, warehouses
       first to ``damaged`` (scrapped to @adjustment on Mondays)
07:00  supplier deliveries reach the warehouses (new lots with production and expiry dates, new
       serials); bakery and cut fruit come from the kitchen straight to the shops
07:30  yesterday's transfers arrive: shop in_transit → available
10:00  yesterday's customer returns are inspected: returned_pending → available or damaged
all day  sales at shops and channels, B2B orders at the warehouses: FEFO, never beyond stock;
         the building project draws its own (project) stock on Tuesdays and Fridays
20:30  (s, S) review: warehouses ship to shops and channels (available → in_transit, ETA next
       morning) and everyone orders from suppliers (arriving after the lead time, sometimes late)
end    one cross-region flu-vaccine transfer is still on the road (ETA in three days)

Invariants: no posting takes more from a real bucket than the stock book holds; every line
names its lot or serials and, at a warehouse, its bin; same seed → same postings (the only
randomness is one ``random.Random(seed)`` consumed in a fixed order; no set is iterated).
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from jxc.demo.demand import poisson
from jxc.demo.items import INDUSTRY_CODES, DemoItem, ceil_to
from jxc.demo.network import Network, SiteSpec, home_bin
from jxc.demo.policy import Policy, Stream, build_policies, build_streams, short_lived
from jxc.demo.stockbook import Pick, Shelf
from jxc.inventory.commands import MoveLine, PostStock

LOCAL = ZoneInfo("Asia/Shanghai")
SUPPLIER, CUSTOMER, ADJUSTMENT = "@supplier", "@customer", "@adjustment"
RETURN_RATE = {"channel": 0.03, "store": 0.004}  # share of non-fresh sale lines that come back
LATE_DELIVERY = 0.08  # share of non-fresh supplier deliveries that arrive 1–4 days late
MADE_TODAY = 5  # goods lasting this many days or less arrive made today and may be sold on arrival


@dataclass
class HistoryStats:
    postings: int = 0
    movements: int = 0
    lots: int = 0
    stockouts: int = 0  # sale lines that could not be filled in full
    by_kind: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Transfer:
    """A shipment on the road: what left the warehouse, to be received at ``site`` on arrival."""

    document: str
    site: str
    picks: list[tuple[DemoItem, Pick]]


class History:
    """The simulation. Iterate :meth:`postings` once; afterwards the stock book is the final state."""

    def __init__(
        self, *, network: Network, items: list[DemoItem], first_day: date, last_day: date, anchor: datetime,
        seed: int, namespace: str,
    ) -> None:
        self.network, self.items = network, items
        self.first_day, self.last_day, self.anchor = first_day, last_day, anchor
        self.rng = random.Random(seed)
        self.namespace = namespace
        # Two letters from the namespace keep lot and serial numbers of different runs apart.
        digest = hashlib.sha256(namespace.encode()).digest()
        self.tag = "".join(chr(ord("A") + b % 26) for b in digest[:2])
        self.order = {item.sku: index for index, item in enumerate(items)}
        self.streams: dict[str, list[Stream]] = build_streams(network, items)
        self.policies: dict[tuple[str, str], Policy] = build_policies(network, self.streams)
        self.warehouse_codes = {site.code for site in network.warehouses}
        self.stats = HistoryStats()
        self.shelves: dict[tuple[str, str], Shelf] = {}
        self.in_transit: Counter[tuple[str, str]] = Counter()
        self.on_order: Counter[tuple[str, str]] = Counter()
        self.deliveries: dict[date, list[tuple[str, DemoItem, int]]] = {}
        self.arrivals: dict[date, list[Transfer]] = {}
        self.expiring: dict[date, list[tuple[str, DemoItem]]] = {}
        self.damaged: dict[str, list[tuple[DemoItem, Pick]]] = {}
        self.returns_due: dict[date, list[tuple[str, DemoItem, Pick]]] = {}
        self.inspections: dict[date, list[tuple[str, DemoItem, Pick]]] = {}
        self.review: dict[str, dict[str, None]] = {site.code: {} for site in network.sites}  # ordered sets
        self.project_stock: Counter[str] = Counter()
        # What one delivery to the building project brings, per material (kept apart as project stock).
        self.project_delivery: dict[str, tuple[DemoItem, int]] = {
            item.sku: (item, item.case_ticks * self.rng.randint(20, 40)) for item in items
            if item.family.project_material
        }
        self.counters: Counter[str] = Counter()
        self.serial_counters: Counter[str] = Counter()
        self.out: list[PostStock] = []
        self.day = first_day
        self.midnight = _local_midnight(first_day)

    # --- driver ---------------------------------------------------------------------------
    def postings(self, on_day: Callable[[int], None] | None = None) -> Iterator[PostStock]:
        """Every posting of the history, day by day (``on_day(n)`` after each simulated day)."""
        self._start_day(self.first_day)
        self._opening_stock()
        yield from self._flush()
        day = self.first_day
        while day <= self.last_day:
            self._start_day(day)
            self._simulate_day()
            yield from self._flush()
            if on_day is not None:
                on_day(1)
            day += timedelta(days=1)
        self._closing_shipment()
        yield from self._flush()

    def _flush(self) -> Iterator[PostStock]:
        out, self.out = self.out, []
        yield from out

    def _start_day(self, day: date) -> None:
        self.day, self.midnight = day, _local_midnight(day)

    def _simulate_day(self) -> None:
        self._write_off_expired()
        self._receive_deliveries()
        self._receive_transfers()
        self._inspect_returns()
        if self.day.weekday() == 0:
            self._scrap_damaged()
        self._project_work()
        for site in self.network.sites:
            self._sell(site)
        self._customer_returns()
        for site in self.network.selling_sites:
            self._replenish_site(site)
        for site in self.network.sites:
            self._order_from_suppliers(site)

    # --- posting helpers ------------------------------------------------------------------
    def at(self, second: int) -> datetime:
        return self.midnight + timedelta(seconds=second)

    def post(self, kind: str, second: int, lines: list[MoveLine], document: str | None) -> None:
        if not lines:
            return
        self.counters[kind] += 1
        self.out.append(PostStock(
            idempotency_key=f"demo:{self.namespace}:{kind}:{self.counters[kind]:06d}", lines=tuple(lines),
            kind=kind, occurred_at=self.at(second), document_ref=document,
        ))
        movements = sum(max(1, len(line.serials)) for line in lines)
        self.stats.postings += 1
        self.stats.movements += movements
        self.stats.by_kind[kind] += movements

    def document(self, prefix: str) -> str:
        self.counters[f"doc:{prefix}"] += 1
        return f"{prefix}-{self.day.year}-{self.counters[f'doc:{prefix}']:06d}"

    def line(
        self, item: DemoItem, pick: Pick, from_site: str, to_site: str, *, from_state: str | None = None,
        to_state: str | None = None, eta: datetime | None = None, project: str | None = None,
    ) -> MoveLine:
        from_wh = from_site in self.warehouse_codes
        to_wh = to_site in self.warehouse_codes and to_state != "in_transit" and from_site != to_site
        return MoveLine(
            sku=item.sku, quantity=item.quantity(pick.qty), from_site=from_site, to_site=to_site,
            from_state=from_state, to_state=to_state, lot=pick.lot, serials=pick.serials,
            from_bin=self.bin(from_site, item) if from_wh else None, to_bin=self.bin(to_site, item) if to_wh else None,
            from_project=project if from_wh else None, to_project=project if to_wh else None, eta=eta,
        )

    def bin(self, warehouse: str, item: DemoItem) -> str:
        zone = "C" if item.family.cold else "M" if item.industry == "medical" else "A"
        return home_bin(self.network, warehouse, zone=zone, slot=self.order[item.sku])

    def shelf(self, site: str, item: DemoItem) -> Shelf:
        key = (site, item.sku)
        found = self.shelves.get(key)
        if found is None:
            found = self.shelves[key] = Shelf()
        return found

    def stock(self, site: str, item: DemoItem, pick: Pick) -> None:
        """Put ``pick`` on the site's shelf and remember when it will expire."""
        self.shelf(site, item).add(pick.lot, pick.expiry, pick.qty, pick.serials)
        if pick.expiry is not None:
            self.expiring.setdefault(pick.expiry, []).append((site, item))

    def mark(self, site: str, item: DemoItem) -> None:
        self.review[site][item.sku] = None

    def new_stock(self, item: DemoItem, qty: int, *, age_days: int) -> Pick:
        """A fresh lot (or fresh serial numbers) of ``qty`` arriving today, produced ``age_days`` ago."""
        if item.serial_tracked:
            first = self.serial_counters[item.sku] + 1
            self.serial_counters[item.sku] += qty
            code = f"{INDUSTRY_CODES[item.industry]}{item.number:04d}-{self.tag}"
            return Pick(None, None, qty, tuple(f"{code}{n:05d}" for n in range(first, first + qty)))
        if not item.lot_tracked:
            return Pick(None, None, qty)
        self.counters[f"lot:{self.day}"] += 1
        self.stats.lots += 1
        lot = f"{self.day:%y%m%d}{self.tag}{self.counters[f'lot:{self.day}']:03d}"
        produced = self.day - timedelta(days=age_days)
        expiry = max(produced + timedelta(days=item.shelf_life_days or 0), self.day + timedelta(days=1))
        return Pick(lot, expiry, qty)

    def _age_on_arrival(self, item: DemoItem) -> int:
        """Days since production when goods reach us: the shortest-lived are made the same day."""
        shelf = item.shelf_life_days
        if shelf is None or shelf <= MADE_TODAY:
            return 0
        return self.rng.randint(0, 1) if short_lived(item) else self.rng.randint(10, 90)

    def usable_from(self, item: DemoItem, day: date) -> date:
        """Earliest expiry a site receiving goods on ``day`` accepts: a day to sell fresh food, a month else."""
        shelf = item.shelf_life_days
        if shelf is None or shelf <= MADE_TODAY:
            return day
        return day + timedelta(days=1 if short_lived(item) else 30)

    def received_line(self, item: DemoItem, pick: Pick, source: str, site: str) -> MoveLine:
        """A line bringing ``pick`` in from a virtual site; a new lot carries its dates."""
        line = self.line(item, pick, source, site)
        if pick.lot is None or pick.expiry is None:
            return line
        produced = pick.expiry - timedelta(days=item.shelf_life_days or 0)
        return replace(line, production_date=min(produced, self.day), expiry_date=pick.expiry)

    # --- the day's steps --------------------------------------------------------------------
    def _opening_stock(self) -> None:
        """Opening balances (期初) at every site: each item at its order-up-to level, one lot per item."""
        lots: dict[str, Pick] = {}
        for site in self.network.sites:
            lines = []
            for (site_code, _), policy in self.policies.items():
                if site_code != site.code:
                    continue
                item = policy.item
                _, order_up_to = policy.levels(self.first_day)
                qty = ceil_to(order_up_to, policy.round_to)
                if item.serial_tracked:
                    pick = self.new_stock(item, qty, age_days=0)
                else:
                    if item.sku not in lots:
                        lots[item.sku] = self.new_stock(item, 1, age_days=self._age_on_arrival(item))
                    pick = Pick(lots[item.sku].lot, lots[item.sku].expiry, qty)
                lines.append(self.received_line(item, pick, ADJUSTMENT, site.code))
                self.stock(site.code, item, pick)
            self.post("opening", 30 * 60, lines, f"OPEN-{site.code}")

    def _write_off_expired(self) -> None:
        """Warehouses set expired lots aside as damaged (scrapped weekly); shops write them off at once."""
        by_site: dict[str, list[MoveLine]] = {}
        for site, item in self.expiring.pop(self.day - timedelta(days=1), []):
            for pick in self.shelf(site, item).remove_expired(self.day):
                if site in self.warehouse_codes:
                    line = self.line(item, pick, site, site, from_state="available", to_state="damaged")
                    self.damaged.setdefault(site, []).append((item, pick))
                else:
                    line = self.line(item, pick, site, ADJUSTMENT)
                by_site.setdefault(site, []).append(line)
                self.mark(site, item)
        for site, lines in by_site.items():
            self.post("expiry", 6 * 3600, lines, f"EXP-{site}-{self.day:%Y%m%d}")

    def _scrap_damaged(self) -> None:
        for site, damaged in self.damaged.items():
            lines = [self.line(item, pick, site, ADJUSTMENT, from_state="damaged") for item, pick in damaged]
            self.post("scrap", 11 * 3600, lines, self.document("SCRAP"))
        self.damaged = {}

    def _receive_deliveries(self) -> None:
        grouped: dict[tuple[str, str], list[MoveLine]] = {}
        for site, item, qty in self.deliveries.pop(self.day, []):
            self.on_order[(site, item.sku)] -= qty
            pick = self.new_stock(item, qty, age_days=self._age_on_arrival(item))
            supplier = self.network.supplier_for(self.network.site(site).region, item.industry)
            grouped.setdefault((site, supplier), []).append(self.received_line(item, pick, SUPPLIER, site))
            self.stock(site, item, pick)
        for (_site, supplier), lines in grouped.items():
            self.post("receipt", 7 * 3600 + self.rng.randrange(3 * 3600), lines, f"{self.document('PO')}/{supplier}")

    def _receive_transfers(self) -> None:
        for transfer in self.arrivals.pop(self.day, []):
            lines = []
            for item, pick in transfer.picks:
                lines.append(self.line(item, pick, transfer.site, transfer.site, from_state="in_transit",
                                       to_state="available"))
                self.in_transit[(transfer.site, item.sku)] -= pick.qty
                self.stock(transfer.site, item, pick)
            self.post("transfer_in", 7 * 3600 + 30 * 60 + self.rng.randrange(3600), lines, transfer.document)

    def _inspect_returns(self) -> None:
        by_site: dict[str, list[MoveLine]] = {}
        for site, item, pick in self.inspections.pop(self.day, []):
            good = self.rng.random() < 0.9 and (pick.expiry is None or pick.expiry > self.day)
            state = "available" if good else "damaged"
            by_site.setdefault(site, []).append(
                self.line(item, pick, site, site, from_state="returned_pending", to_state=state))
            if good:
                self.stock(site, item, pick)
            else:
                self.damaged.setdefault(site, []).append((item, pick))
        for site, lines in by_site.items():
            self.post("return_inspection", 10 * 3600, lines, f"QC-{site}-{self.day:%Y%m%d}")

    def _customer_returns(self) -> None:
        for site, item, pick in self.returns_due.pop(self.day, []):
            line = self.line(item, pick, CUSTOMER, site, to_state="returned_pending")
            self.post("return", 12 * 3600 + self.rng.randrange(8 * 3600), [line], self.document("RMA"))
            self.inspections.setdefault(self.day + timedelta(days=1), []).append((site, item, pick))

    def _sell(self, site: SiteSpec) -> None:
        """The day's tickets (a till basket, an online order, a B2B order) at one site, in time order."""
        tickets: list[tuple[int, int, Stream, list[DemoItem]]] = []
        for stream in self.streams[site.code]:
            fewest, most = stream.lines_per_ticket
            for _ in range(poisson(self.rng, stream.lines_on(self.day) / ((fewest + most) / 2))):
                drawn = (stream.pick(self.rng, self.day.month) for _ in range(self.rng.randint(fewest, most)))
                basket = list({item.sku: item for item in drawn}.values())  # distinct, in draw order
                tickets.append((stream.profile.draw_second(self.rng, self.day), len(tickets), stream, basket))
        tickets.sort(key=lambda ticket: (ticket[0], ticket[1]))
        for second, _, stream, basket in tickets:
            if stream.b2b:
                self._b2b_order(site, stream, second, basket)
            else:
                self._retail_sale(site, second, basket)

    def _retail_sale(self, site: SiteSpec, second: int, basket: list[DemoItem]) -> None:
        lines: list[MoveLine] = []
        for item in basket:
            qty = self.rng.randint(*item.family.retail_ticks)
            picks = self.shelf(site.code, item).take(qty, usable_from=self.day)
            if sum(p.qty for p in picks) < qty:
                self.stats.stockouts += 1
            if not picks:
                continue
            self.mark(site.code, item)
            lines.extend(self.line(item, p, site.code, CUSTOMER) for p in picks)
            # Some non-food sales come back (serials stay sold: the bulk path checks them in the database).
            if item.industry != "fresh" and not item.serial_tracked and self.rng.random() < RETURN_RATE[site.kind]:
                back = Pick(picks[0].lot, picks[0].expiry, min(picks[0].qty, item.family.retail_ticks[0]))
                due = self.day + timedelta(days=self.rng.randint(2, 6))
                if due <= self.last_day:
                    self.returns_due.setdefault(due, []).append((site.code, item, back))
        if lines:
            prefix = f"POS-{site.code}" if site.kind == "store" else (site.channel or "WEB").upper()
            self.post("sale", second, lines, self.document(prefix))

    def _b2b_order(self, site: SiteSpec, stream: Stream, second: int, wanted: list[DemoItem]) -> None:
        customer = self.rng.choice(stream.customers) if stream.customers else "B2B"
        lines: list[MoveLine] = []
        for item in wanted:
            qty = self.rng.randint(*item.family.b2b_packs) * item.order_pack_ticks
            # Hospitals and contractors refuse goods that would expire within a month.
            picks = self.shelf(site.code, item).take(qty, usable_from=self.usable_from(item, self.day))
            if sum(p.qty for p in picks) < qty:
                self.stats.stockouts += 1
            if picks:
                self.mark(site.code, item)
                lines.extend(self.line(item, p, site.code, CUSTOMER) for p in picks)
        self.post("sale", second, lines, f"{self.document('SO')}/{customer}")

    def _replenish_site(self, site: SiteSpec) -> None:
        warehouse = site.supplied_by
        if warehouse is None:
            return
        arrival = self.day + timedelta(days=1)
        eta = datetime.combine(arrival, time(7, 30), LOCAL).astimezone(UTC)
        picks: list[tuple[DemoItem, Pick]] = []
        pending = self.review[site.code]
        for sku in sorted(pending, key=self.order.__getitem__):
            policy = self.policies[(site.code, sku)]
            if policy.from_supplier:
                continue  # the kitchen delivers these; see _order_from_suppliers
            item = policy.item
            reorder_point, order_up_to = policy.levels(self.day)
            position = self.shelf(site.code, item).total + self.in_transit[(site.code, sku)]
            if position <= reorder_point:
                taken = self.shelf(warehouse, item).take(order_up_to - position,
                                                         usable_from=self.usable_from(item, arrival))
                if taken:
                    self.mark(warehouse, item)
                    picks.extend((item, pick) for pick in taken)
                    shipped = sum(p.qty for p in taken)
                    self.in_transit[(site.code, sku)] += shipped
                    position += shipped
            if position > reorder_point:
                del pending[sku]
        if picks:
            document = self.document("TO")
            lines = [self.line(item, pick, warehouse, site.code, to_state="in_transit", eta=eta) for item, pick in picks]
            self.post("transfer_out", 20 * 3600 + 30 * 60 + self.rng.randrange(1800), lines, document)
            self.arrivals.setdefault(arrival, []).append(Transfer(document, site.code, picks))

    def _order_from_suppliers(self, site: SiteSpec) -> None:
        """Warehouses (and shops, for goods made daily) order from suppliers: (s, S) on usable stock."""
        pending = self.review[site.code]
        handled = []
        for sku in sorted(pending, key=self.order.__getitem__):
            policy = self.policies[(site.code, sku)]
            if not policy.from_supplier:
                continue
            handled.append(sku)
            item = policy.item
            reorder_point, order_up_to = policy.levels(self.day)
            horizon = self.day + timedelta(days=2)
            position = self.shelf(site.code, item).usable(horizon) + self.on_order[(site.code, sku)]
            if position <= reorder_point:
                qty = ceil_to(order_up_to - position, policy.round_to)
                lead = self.rng.randint(*item.family.lead_days)
                if not short_lived(item) and self.rng.random() < LATE_DELIVERY:
                    lead += self.rng.randint(1, 4)  # port weather, customs: 供应延迟
                self.deliveries.setdefault(self.day + timedelta(days=lead), []).append((site.code, item, qty))
                self.on_order[(site.code, sku)] += qty
        for sku in handled:
            del pending[sku]

    def _project_work(self) -> None:
        """Building project PRJ-2026-017: materials received as project stock, drawn twice a week."""
        if not self.project_delivery:
            return
        site, project = self.network.project_site, self.network.project_code
        running_low = any(self.project_stock[sku] < qty // 5 for sku, (_, qty) in self.project_delivery.items())
        if self.day == self.first_day + timedelta(days=1) or (running_low and self.day.weekday() == 0):
            lines = []
            for item, qty in self.project_delivery.values():
                lines.append(self.line(item, Pick(None, None, qty), SUPPLIER, site, project=project))
                self.project_stock[item.sku] += qty
            self.post("project_receipt", 9 * 3600, lines, f"{self.document('PO')}/{project}")
        elif self.day.weekday() in (1, 4):  # material requisitions (领料) on Tuesdays and Fridays
            lines = []
            for item, _ in self.project_delivery.values():
                qty = min(self.project_stock[item.sku], item.case_ticks * self.rng.randint(1, 4))
                if qty > 0:
                    lines.append(self.line(item, Pick(None, None, qty), site, CUSTOMER, project=project))
                    self.project_stock[item.sku] -= qty
            self.post("project_issue", 8 * 3600, lines, f"{project}/{self.document('MR')}")

    def _closing_shipment(self) -> None:
        """A cross-region transfer still on the road at the end: flu vaccine 华东 → 华南, ETA in 3 days."""
        warehouses = self.network.warehouses
        vaccine = next((i for i in self.items if i.family.key == "flu_vaccine"), None)
        if vaccine is None or len(warehouses) < 2:
            return
        source, target = warehouses[0].code, warehouses[1].code
        self._start_day(self.anchor.astimezone(LOCAL).date())
        shipped_at = int((self.anchor - timedelta(minutes=30) - self.midnight).total_seconds())
        shelf, good_until = self.shelf(source, vaccine), self.day + timedelta(days=60)
        qty = min(shelf.usable(good_until) // 2, 10 * vaccine.order_pack_ticks)
        picks = shelf.take(qty, usable_from=good_until) if qty > 0 else []
        eta = self.anchor + timedelta(days=3)
        lines = [self.line(vaccine, pick, source, target, to_state="in_transit", eta=eta) for pick in picks]
        self.post("transfer_out", shipped_at, lines, self.document("TO"))
        self.in_transit[(target, vaccine.sku)] += sum(p.qty for p in picks)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL).astimezone(UTC)
