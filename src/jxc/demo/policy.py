"""Demand streams per site and the (s, S) replenishment policy of every stocked item.

A *stream* is one kind of demand at one site (drinks at a store, B2B hospital orders at a
warehouse, …): each day it draws a Poisson number of tickets (a till basket or online order of
1–2 lines, a B2B order of 1–5) and spreads them over the day by its profile; each line picks an
item by demand weight. An item's expected daily quantity
at a site follows from the stream's density, so the (s, S) levels can be computed up front and
scaled by season and by promotions known in advance (planners build stock before 双11).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

from jxc.demo.demand import PROFILES, Profile, promotion_factor, season_factor
from jxc.demo.items import DemoItem, build_items, expected_ticks
from jxc.demo.network import Network, SiteSpec

# Sale lines per day each stream carries with the full 500-item range (at season factor 1).
# Densities derive from these, so an item sells at the same rate however many items the demo has.
REFERENCE_ITEMS = 500
TARGET_LINES_PER_DAY: Mapping[str, float] = {
    "drink": 15.0, "grocery": 15.0, "pharmacy": 4.0,  # per store
    "tmall": 16.0, "douyin": 14.0,  # per channel
    "hospital": 10.0, "contractor": 8.0,  # per warehouse, B2B order lines
}
# Lines on one ticket: a till basket or online order, and a hospital's or contractor's order.
RETAIL_LINES_PER_TICKET = (1, 2)
B2B_LINES_PER_ORDER = (1, 5)


@dataclass(eq=False)
class Stream:
    site: SiteSpec
    name: str
    profile: Profile
    items: list[DemoItem]
    density: float  # sale lines per day per unit of demand weight
    b2b: bool = False
    customers: tuple[str, ...] = ()
    lines_per_ticket: tuple[int, int] = RETAIL_LINES_PER_TICKET
    _monthly: dict[int, tuple[list[float], float]] = field(default_factory=dict, init=False, repr=False)

    def _weights(self, month: int) -> tuple[list[float], float]:
        found = self._monthly.get(month)
        if found is None:
            effective = [item.weight * season_factor(item.family.season, month) for item in self.items]
            cumulative = list(accumulate(effective))
            found = self._monthly[month] = (cumulative, cumulative[-1])
        return found

    def lines_on(self, day: date) -> float:
        """Expected sale lines on ``day``: density × seasonal weight × weekday × promotion."""
        _, total = self._weights(day.month)
        return self.density * total * self.profile.day_factor(day) * promotion_factor(self.site.channel, day)

    def pick(self, rng: random.Random, month: int) -> DemoItem:
        cumulative, total = self._weights(month)
        return self.items[min(bisect_right(cumulative, rng.random() * total), len(self.items) - 1)]

    def daily_ticks(self, item: DemoItem) -> float:
        """Baseline expected quantity of ``item`` per day from this stream (no season, weekday 1)."""
        return self.density * item.weight * expected_ticks(item, b2b=self.b2b)


def _stream_items(site: SiteSpec, items: list[DemoItem]) -> dict[str, list[DemoItem]]:
    """Which items each stream of ``site`` sells, by stream name."""
    streams: dict[str, list[DemoItem]] = {}
    for item in items:
        outlets = item.family.outlets
        if site.kind == "store" and "store" in outlets:
            streams.setdefault(item.family.stream, []).append(item)
        elif site.kind == "channel" and site.channel in outlets:
            streams.setdefault(site.channel or "online", []).append(item)
        elif site.kind == "warehouse" and "b2b" in outlets:
            streams.setdefault("hospital" if item.industry == "medical" else "contractor", []).append(item)
    return streams


@cache
def _densities(network_sites: tuple[SiteSpec, ...]) -> dict[str, float]:
    reference = build_items(REFERENCE_ITEMS)
    densities: dict[str, float] = {}
    for site in network_sites:
        for name, stream_items in _stream_items(site, reference).items():
            densities.setdefault(name, TARGET_LINES_PER_DAY[name] / sum(i.weight for i in stream_items))
    return densities


def build_streams(network: Network, items: list[DemoItem]) -> dict[str, list[Stream]]:
    """Demand streams by site code, in a fixed order."""
    densities = _densities(tuple(network.sites))
    by_site: dict[str, list[Stream]] = {}
    for site in network.sites:
        streams = []
        for name, stream_items in _stream_items(site, items).items():
            profile = PROFILES["online" if site.kind == "channel" else name]
            b2b = site.kind == "warehouse"
            customers = tuple(network.customers_for(site.region, name)) if b2b else ()
            streams.append(Stream(site, name, profile, stream_items, densities[name], b2b, customers,
                                  B2B_LINES_PER_ORDER if b2b else RETAIL_LINES_PER_TICKET))
        by_site[site.code] = streams
    return by_site


@cache
def _promotion_ahead(channel: str, day: date, horizon: int) -> float:
    return max(promotion_factor(channel, day + timedelta(days=d)) for d in range(1, horizon + 1))


@dataclass(eq=False)
class Policy:
    """(s, S) for one item at one site, in ticks.

    ``components`` are the baseline daily demands feeding this site, each with the channel whose
    promotions lift it (a warehouse sums its stores, channels and B2B customers).
    """

    item: DemoItem
    components: list[tuple[float, str | None]]
    reorder_days: float  # s covers this many days of demand (lead time + safety)
    cover_days: float  # S − s
    round_to: int = 1
    minimum: int = 1
    safety: int = 0  # extra ticks on the reorder point (one large sale line), against lumpy demand
    from_supplier: bool = False  # ordered from a supplier (warehouses, daily goods) rather than transferred
    horizon: int = 3  # look this many days ahead for promotions

    def rate(self, day: date) -> float:
        lifted = sum(
            rate * (_promotion_ahead(channel, day, self.horizon) if channel else 1.0)
            for rate, channel in self.components
        )
        return lifted * season_factor(self.item.family.season, day.month)

    def levels(self, day: date) -> tuple[int, int]:
        rate = self.rate(day)
        reorder_point = math.ceil(rate * self.reorder_days) + self.safety
        order_up_to = reorder_point + max(math.ceil(rate * self.cover_days), self.minimum)
        return reorder_point, order_up_to


def short_lived(item: DemoItem) -> bool:
    shelf = item.shelf_life_days
    return shelf is not None and shelf <= 30


def made_daily(item: DemoItem) -> bool:
    """Baked or cut the same day: the central kitchen delivers straight to the stores (门店直送)."""
    shelf = item.shelf_life_days
    return shelf is not None and shelf <= 4


def site_policy(item: DemoItem, daily: float, channel: str | None) -> Policy:
    """Stores and channels: next-day delivery from their warehouse (or the kitchen, for daily goods)."""
    smallest_sale, largest_sale = item.family.retail_ticks
    if made_daily(item):
        return Policy(item, [(daily, channel)], reorder_days=1.0, cover_days=1.0, minimum=smallest_sale,
                      safety=smallest_sale, from_supplier=True)
    if short_lived(item):
        # Fresh stock reaches the shop a few days old (FEFO at the warehouse): hold little of it.
        # Safety is one large sale: slow lines sell in lumps (a 2 kg bag of apples), not in averages.
        shelf = item.shelf_life_days or 1
        return Policy(item, [(daily, channel)], reorder_days=1.5, cover_days=min(5.0, max(1.0, shelf * 0.25)),
                      minimum=smallest_sale, safety=largest_sale)
    return Policy(item, [(daily, channel)], reorder_days=3.0, cover_days=10.0, minimum=largest_sale,
                  safety=largest_sale)


def warehouse_policy(item: DemoItem, components: list[tuple[float, str | None]], *, b2b: bool) -> Policy:
    """Warehouses: supplier lead time plus safety, bought in whole cases."""
    lead = item.family.lead_days[1]
    if short_lived(item):
        shelf = item.shelf_life_days or 1
        return Policy(item, components, reorder_days=lead + 0.5, cover_days=min(4.0, max(1.5, shelf * 0.2)),
                      round_to=item.case_ticks, minimum=item.case_ticks, horizon=7, from_supplier=True)
    # B2B orders come in whole packs and cases: keep one large order line in reserve.
    largest_order = item.family.b2b_packs[1] * item.order_pack_ticks if b2b else 0
    return Policy(item, components, reorder_days=lead + 5.0, cover_days=30.0, round_to=item.case_ticks,
                  minimum=item.case_ticks, safety=largest_order, horizon=10, from_supplier=True)


def build_policies(network: Network, streams: dict[str, list[Stream]]) -> dict[tuple[str, str], Policy]:
    """(site code, sku) → policy for every item a site stocks."""
    policies: dict[tuple[str, str], Policy] = {}
    feeds: dict[tuple[str, str], list[tuple[float, str | None]]] = {}
    items_by_sku: dict[str, DemoItem] = {}
    sold_b2b: set[tuple[str, str]] = set()
    for site in network.sites:
        for stream in streams[site.code]:
            for item in stream.items:
                items_by_sku[item.sku] = item
                daily = stream.daily_ticks(item)
                if stream.b2b or site.supplied_by is None:  # B2B ships straight from the warehouse
                    feeds.setdefault((site.code, item.sku), []).append((daily, None))
                    sold_b2b.add((site.code, item.sku))
                    continue
                policy = policies[(site.code, item.sku)] = site_policy(item, daily, site.channel)
                if not policy.from_supplier:
                    feeds.setdefault((site.supplied_by, item.sku), []).append((daily, site.channel))
    for (warehouse, sku), components in feeds.items():
        policies[(warehouse, sku)] = warehouse_policy(
            items_by_sku[sku], components, b2b=(warehouse, sku) in sold_b2b)
    return policies
