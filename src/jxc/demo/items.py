"""The demo's product range: fresh food, medical consumables and hardware (生鲜 · 医疗耗材 · 五金).

Invariants:
- An item depends only on (industry, number within the industry) and the code prefix, never on
  the history seed or the total item count (its ABC class aside, which ranks it among the items
  built): ``FR-0001`` is always the hand-pressed lemon tea, ``MD-0001`` the flu vaccine,
  ``HW-0001`` the stainless machine screws. So a re-run, or a run with more items, finds the
  same items already registered and reuses them.
- Every barcode is a GTIN-13 with a Chinese GS1 prefix (690–695) and a correct check digit.
- ABC class is by expected demand within an industry (Pareto: A carry 70 % of volume, B 20 %, C 10 %).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from jxc.bootstrap import App
from jxc.catalog import ItemSpec
from jxc.catalog import services as catalog
from jxc.demo import assortment
from jxc.demo.assortment import Family, Industry

INDUSTRY_CODES: Mapping[Industry, str] = {"fresh": "FR", "medical": "MD", "hardware": "HW"}
INDUSTRY_SHARES: Mapping[Industry, float] = {"fresh": 0.10, "medical": 0.36, "hardware": 0.54}
GS1_PREFIX: Mapping[Industry, str] = {"fresh": "690", "medical": "692", "hardware": "694"}


@dataclass(frozen=True)
class DemoItem:
    """One catalog item plus what the simulation needs to know about its demand and supply."""

    sku: str
    number: int  # within its industry, from 1
    family: Family
    name_zh: str
    name_en: str
    barcode: str
    weight: float  # relative demand inside its family's demand streams
    abc_class: str = "C"
    attributes: Mapping[str, str] = field(default_factory=dict)

    @property
    def industry(self) -> Industry:
        return self.family.industry

    @property
    def lot_tracked(self) -> bool:
        return self.family.tracking == "lot"

    @property
    def serial_tracked(self) -> bool:
        return self.family.tracking == "serial"

    @property
    def shelf_life_days(self) -> int | None:
        low_high = self.family.shelf_life
        if low_high is None:
            return None
        low, high = low_high
        # Spread shelf lives over the family's range, deterministically by item number.
        return low + (self.number * 7919) % (high - low + 1)

    @property
    def scale(self) -> int:
        """Simulation ticks per base unit (10 for items sold by 0.1 kg)."""
        return self.family.scale

    @property
    def case_ticks(self) -> int:
        return self.family.case[1] * self.family.scale

    @property
    def order_pack_ticks(self) -> int:
        """What a B2B customer orders in: the inner pack when there is one, else the case."""
        pack = self.family.pack or self.family.case
        return pack[1] * self.family.scale

    def quantity(self, ticks: int) -> Decimal:
        """Ticks as a ledger quantity in the base unit."""
        return Decimal(ticks) if self.family.scale == 1 else Decimal(ticks).scaleb(-1)

    @property
    def standard_cost(self) -> Decimal:
        """A plausible, deterministic purchase cost per base unit (CNY 1.00–90.99)."""
        return Decimal((self.number * 2654435761) % 9000 + 100).scaleb(-2)

    def spec(self) -> ItemSpec:
        fam = self.family
        units: dict[str, int] = {fam.case[0]: fam.case[1]}
        if fam.pack is not None:
            units[fam.pack[0]] = fam.pack[1]
        return ItemSpec(
            sku=self.sku,
            name_zh=self.name_zh,
            name_en=self.name_en,
            category=fam.category,
            base_unit=fam.base_unit,
            units=units,
            barcodes=(self.barcode,),
            tracking=fam.tracking,
            shelf_life_days=self.shelf_life_days,
            storage_min_c=2 if fam.cold else None,
            storage_max_c=8 if fam.cold else None,
            abc_class=self.abc_class,
            attributes=dict(self.attributes),
            standard_cost=self.standard_cost,
        )


def gtin13(body12: str) -> str:
    """Append the GS1 check digit (weights 1,3,1,3,… from the left) to a 12-digit body."""
    if len(body12) != 12 or not body12.isdigit():
        raise ValueError(f"a GTIN-13 body has 12 digits, got {body12!r}")
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _barcode(prefix: str, industry: Industry, number: int) -> str:
    # Company prefixes per industry; a code prefix (tests) shifts the item reference so
    # several demo networks can live in one database without barcode clashes.
    shift = int(hashlib.sha256(prefix.encode()).hexdigest()[:12], 16) % 10**9 if prefix else 0
    company_and_item = (shift + 1_000_000 * (list(INDUSTRY_CODES).index(industry) + 1) + number) % 10**9
    return gtin13(f"{GS1_PREFIX[industry]}{company_and_item:09d}")


def industry_counts(total: int) -> dict[Industry, int]:
    """Split ``total`` items over the three industries (at least one each from three items)."""
    if total < 3:
        raise ValueError("the demo needs at least 3 items (one per industry)")
    counts = {industry: max(1, round(total * share)) for industry, share in INDUSTRY_SHARES.items()}
    counts["hardware"] += total - sum(counts.values())
    return counts


def build_items(total: int, *, prefix: str = "") -> list[DemoItem]:
    """The demo's items: industry by industry, families taken round-robin so small ranges cover all."""
    items: list[DemoItem] = []
    for industry, count in industry_counts(total).items():
        families = assortment.families_of(industry)
        taken = dict.fromkeys((f.key for f in families), 0)
        produced: list[DemoItem] = []
        turn = 0
        while len(produced) < count:
            family = families[turn % len(families)]
            turn += 1
            if family.max_items is not None and taken[family.key] >= family.max_items:
                if all(f.max_items is not None and taken[f.key] >= f.max_items for f in families):
                    raise ValueError(f"not enough {industry} families for {count} items")
                continue
            produced.append(_item(prefix, family, len(produced) + 1, taken[family.key]))
            taken[family.key] += 1
        items.extend(_with_abc(produced))
    return items


def _item(prefix: str, family: Family, number: int, nth_of_family: int) -> DemoItem:
    rng = random.Random(f"jxc-demo-item:{family.industry}:{number}")
    variant_zh, variant_en = family.variants[nth_of_family % len(family.variants)]
    size_zh, size_en = family.sizes[(nth_of_family // len(family.variants)) % len(family.sizes)]
    brand_round = nth_of_family // (len(family.variants) * len(family.sizes))
    brand_zh, brand_en = assortment.BRANDS[family.industry][brand_round % len(assortment.BRANDS[family.industry])]
    if family.name_zh:  # "鲜达手打柠檬茶 原味 500ml"
        name_zh = " ".join(part for part in (f"{brand_zh}{family.name_zh}", variant_zh, size_zh) if part)
        name_en = " ".join(part for part in (brand_en, variant_en, family.name_en, size_en) if part)
    else:  # the variant names the product: "鲜达海南香蕉 特级"
        name_zh = " ".join(part for part in (f"{brand_zh}{variant_zh}", size_zh) if part)
        name_en = " ".join(part for part in (brand_en, variant_en, size_en) if part)
    if brand_round >= len(assortment.BRANDS[family.industry]):
        suffix = brand_round // len(assortment.BRANDS[family.industry]) + 1
        name_zh, name_en = f"{name_zh} 第{suffix}款", f"{name_en} (style {suffix})"
    if nth_of_family == 0 and family.hero_weight is not None:
        weight = family.hero_weight
    else:
        # Long-tailed demand (lognormal); fresh ranges are curated, so their tail is shorter.
        spread = 0.6 if family.industry == "fresh" else 1.4
        weight = family.weight * min(rng.lognormvariate(0.0, spread), 40.0)
    attributes = {"industry": family.industry, "brand": brand_zh, **family.attributes}
    if size_zh:
        attributes["spec"] = size_zh
    return DemoItem(
        sku=f"{prefix}{INDUSTRY_CODES[family.industry]}-{number:04d}", number=number, family=family,
        name_zh=name_zh, name_en=name_en, barcode=_barcode(prefix, family.industry, number),
        weight=round(weight, 4), attributes=attributes,
    )


def _with_abc(items: list[DemoItem]) -> list[DemoItem]:
    """Classify by share of expected volume: the few items carrying 70 % are A, the next 20 % B."""
    total = sum(item.weight for item in items) or 1.0
    ranked = sorted(items, key=lambda item: (-item.weight, item.number))
    classes: dict[str, str] = {}
    running = 0.0
    for item in ranked:
        share_before = running / total
        classes[item.sku] = "A" if share_before < 0.70 else "B" if share_before < 0.90 else "C"
        running += item.weight
    return [replace(item, abc_class=classes[item.sku]) for item in items]


def hero(items: list[DemoItem], industry: Industry) -> DemoItem:
    """The showcase item of an industry (number 1: lemon tea, flu vaccine, machine screws)."""
    return next(item for item in items if item.industry == industry and item.number == 1)


def expected_ticks(item: DemoItem, *, b2b: bool) -> float:
    """Mean quantity of one sale line, in ticks."""
    if b2b:
        low, high = item.family.b2b_packs
        return (low + high) / 2 * item.order_pack_ticks
    low, high = item.family.retail_ticks
    return (low + high) / 2


def ceil_to(value: float, step: int) -> int:
    """``value`` rounded up to a whole multiple of ``step`` (at least one step)."""
    return max(step, math.ceil(value / step) * step)


def ensure_items(app: App, items: list[DemoItem]) -> int:
    """Register the items not yet in the catalog (one transaction); returns how many were added."""
    with app.uow() as uow:
        present = set(catalog.items_by_sku(uow, [item.sku for item in items]))
        missing = [item.spec() for item in items if item.sku not in present]
        if missing:
            catalog.register_items(uow, missing)
    return len(missing)
