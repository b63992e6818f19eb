"""Catalog persistence behind the services: items (with units and barcodes) and partners.

Invariants:
- lookups by many keys are set-based: one query per 500 keys (``IN`` lists are chunked so
  PostgreSQL and SQLite parameter limits are never hit), never one query per item;
- rows are turned back into model objects without re-validation (they were validated on the
  way in); writes use ``executemany`` so a bulk import is one round trip per table and chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Row, Table, func, insert, or_, select

from jxc.catalog.model import AbcClass, Customer, Item, Partner, Supplier, TrackingMode
from jxc.catalog.tables import cat_barcodes, cat_customers, cat_item_units, cat_items, cat_suppliers

CHUNK = 500
K = TypeVar("K")
P = TypeVar("P", bound=Partner)


def chunks(values: Iterable[K], size: int = CHUNK) -> Iterator[list[K]]:
    """Split ``values`` (deduplicated, order kept) into lists of at most ``size``."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


class ItemRepository:
    """Items with their unit conversions and barcodes, over one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # --- writes ---------------------------------------------------------------------------

    def add(self, items: Sequence[Item], *, created_at: datetime) -> None:
        """Insert ``items`` (callers have checked sku and barcode uniqueness)."""
        for batch in chunks(items, 5000):
            self.connection.execute(insert(cat_items), [_item_row(item, created_at) for item in batch])
            unit_rows = [
                {"item_id": item.id, "unit": unit, "factor": factor}
                for item in batch
                for unit, factor in item.units.items()
            ]
            if unit_rows:
                self.connection.execute(insert(cat_item_units), unit_rows)
            barcode_rows = [
                {"barcode": barcode, "item_id": item.id, "position": position}
                for item in batch
                for position, barcode in enumerate(item.barcodes)
            ]
            if barcode_rows:
                self.connection.execute(insert(cat_barcodes), barcode_rows)

    def add_unit(self, item_id: UUID, unit: str, factor: Decimal) -> None:
        self.connection.execute(insert(cat_item_units).values(item_id=item_id, unit=unit, factor=factor))

    def add_barcode(self, item_id: UUID, barcode: str, position: int) -> None:
        self.connection.execute(
            insert(cat_barcodes).values(barcode=barcode, item_id=item_id, position=position)
        )

    # --- reads ----------------------------------------------------------------------------

    def existing_skus(self, skus: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for batch in chunks(skus):
            found.update(self.connection.scalars(select(cat_items.c.sku).where(cat_items.c.sku.in_(batch))))
        return found

    def barcode_owners(self, barcodes: Iterable[str]) -> dict[str, str]:
        """Barcode → sku of the item that already carries it."""
        owners: dict[str, str] = {}
        for batch in chunks(barcodes):
            query = (
                select(cat_barcodes.c.barcode, cat_items.c.sku)
                .join(cat_items, cat_items.c.id == cat_barcodes.c.item_id)
                .where(cat_barcodes.c.barcode.in_(batch))
            )
            owners.update({row.barcode: row.sku for row in self.connection.execute(query)})
        return owners

    def by_skus(self, skus: Iterable[str]) -> dict[str, Item]:
        items: dict[str, Item] = {}
        for batch in chunks(skus):
            rows = self.connection.execute(select(cat_items).where(cat_items.c.sku.in_(batch))).all()
            items.update((item.sku, item) for item in self._hydrate(rows))
        return items

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Item]:
        items: dict[UUID, Item] = {}
        for batch in chunks(ids):
            rows = self.connection.execute(select(cat_items).where(cat_items.c.id.in_(batch))).all()
            items.update((item.id, item) for item in self._hydrate(rows))
        return items

    def item_id_for_barcode(self, barcode: str) -> UUID | None:
        query = select(cat_barcodes.c.item_id).where(cat_barcodes.c.barcode == barcode)
        return self.connection.scalar(query)

    def page(
        self, *, category: str | None, after_sku: str | None, limit: int, text: str | None = None,
    ) -> list[Item]:
        """Items ordered by sku, after ``after_sku``; ``category`` also matches its sub-categories;
        ``text`` matches sku or either name, case-insensitively."""
        query = select(cat_items).order_by(cat_items.c.sku).limit(limit)
        if text:
            pattern = f"%{text.lower()}%"
            query = query.where(or_(
                func.lower(cat_items.c.sku).like(pattern), func.lower(cat_items.c.name_zh).like(pattern),
                func.lower(cat_items.c.name_en).like(pattern),
            ))
        if category is not None:
            query = query.where(
                or_(
                    cat_items.c.category == category,
                    cat_items.c.category.startswith(category + "/", autoescape=True),
                )
            )
        if after_sku is not None:
            query = query.where(cat_items.c.sku > after_sku)
        return self._hydrate(self.connection.execute(query).all())

    def _hydrate(self, rows: Sequence[Row[Any]]) -> list[Item]:
        """Attach units and barcodes to item rows with one query each (rows ≤ one chunk)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        units: dict[UUID, dict[str, Decimal]] = defaultdict(dict)
        for unit_row in self.connection.execute(
            select(cat_item_units).where(cat_item_units.c.item_id.in_(ids))
        ):
            units[unit_row.item_id][unit_row.unit] = unit_row.factor
        barcodes: dict[UUID, list[str]] = defaultdict(list)
        barcode_query = (
            select(cat_barcodes.c.item_id, cat_barcodes.c.barcode)
            .where(cat_barcodes.c.item_id.in_(ids))
            .order_by(cat_barcodes.c.item_id, cat_barcodes.c.position)
        )
        for barcode_row in self.connection.execute(barcode_query):
            barcodes[barcode_row.item_id].append(barcode_row.barcode)
        return [
            Item(
                id=row.id,
                sku=row.sku,
                name_zh=row.name_zh,
                name_en=row.name_en,
                category=row.category,
                base_unit=row.base_unit,
                units=units.get(row.id, {}),
                barcodes=tuple(barcodes.get(row.id, ())),
                tracking=TrackingMode(row.tracking),
                shelf_life_days=row.shelf_life_days,
                storage_min_c=row.storage_min_c,
                storage_max_c=row.storage_max_c,
                abc_class=AbcClass(row.abc_class),
                attributes=dict(row.attributes or {}),
                standard_cost=row.standard_cost,
            )
            for row in rows
        ]


def _item_row(item: Item, created_at: datetime) -> dict[str, Any]:
    return {
        "id": item.id,
        "sku": item.sku,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "category": item.category,
        "base_unit": item.base_unit,
        "tracking": item.tracking.value,
        "shelf_life_days": item.shelf_life_days,
        "storage_min_c": item.storage_min_c,
        "storage_max_c": item.storage_max_c,
        "abc_class": item.abc_class.value,
        "attributes": item.attributes,
        "standard_cost": item.standard_cost,
        "created_at": created_at,
    }


class PartnerRepository(Generic[P]):
    """Suppliers or customers: same columns, different table and model class."""

    table: ClassVar[Table]
    model: type[P]

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, partner: P, *, created_at: datetime) -> None:
        self.connection.execute(
            insert(self.table).values(
                id=partner.id,
                code=partner.code,
                name=partner.name,
                contact_name=partner.contact_name,
                phone=partner.phone,
                email=partner.email,
                address=partner.address,
                region=partner.region,
                attributes=partner.attributes,
                created_at=created_at,
            )
        )

    def exists(self, code: str) -> bool:
        return self.connection.scalar(select(self.table.c.id).where(self.table.c.code == code)) is not None

    def by_codes(self, codes: Iterable[str]) -> dict[str, P]:
        found: dict[str, P] = {}
        for batch in chunks(codes):
            rows = self.connection.execute(select(self.table).where(self.table.c.code.in_(batch)))
            found.update((row.code, self._from_row(row)) for row in rows)
        return found

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, P]:
        found: dict[UUID, P] = {}
        for batch in chunks(ids):
            rows = self.connection.execute(select(self.table).where(self.table.c.id.in_(batch)))
            found.update((row.id, self._from_row(row)) for row in rows)
        return found

    def page(self, *, region: str | None, after_code: str | None, limit: int) -> list[P]:
        query = select(self.table).order_by(self.table.c.code).limit(limit)
        if region is not None:
            query = query.where(self.table.c.region == region)
        if after_code is not None:
            query = query.where(self.table.c.code > after_code)
        return [self._from_row(row) for row in self.connection.execute(query)]

    def _from_row(self, row: Row[Any]) -> P:
        return self.model(
            id=row.id,
            code=row.code,
            name=row.name,
            contact_name=row.contact_name,
            phone=row.phone,
            email=row.email,
            address=row.address,
            region=row.region,
            attributes=dict(row.attributes or {}),
        )


class SupplierRepository(PartnerRepository[Supplier]):
    table = cat_suppliers
    model = Supplier


class CustomerRepository(PartnerRepository[Customer]):
    table = cat_customers
    model = Customer
