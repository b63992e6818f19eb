"""Catalog tables (SQLAlchemy Core), all prefixed ``cat_`` and registered on the shared metadata.

Invariants the schema itself keeps, so a racing writer cannot break them:
- one item per sku (``uq_cat_items_sku``) and one item per barcode (the barcode is the key);
- one conversion per item and unit (composite key);
- quantities and temperatures are ``Qty`` (scaled integers), never floats.
Other contexts read the catalog through ``jxc.catalog.services``, never these tables.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

# JSONB on PostgreSQL so attributes can be indexed and queried later; plain JSON text elsewhere.
Attributes = JSON().with_variant(JSONB(), "postgresql")

cat_items = Table(
    "cat_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("category", String(200), nullable=False),
    Column("base_unit", String(16), nullable=False),
    Column("tracking", String(16), nullable=False),
    Column("shelf_life_days", Integer, nullable=True),
    Column("storage_min_c", Qty, nullable=True),
    Column("storage_max_c", Qty, nullable=True),
    Column("abc_class", String(1), nullable=False),
    Column("standard_cost", Qty),  # per base unit; exact scaled integer like quantities
    Column("attributes", Attributes, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

cat_item_units = Table(
    "cat_item_units",
    metadata,
    Column("item_id", Uuid, ForeignKey("cat_items.id", ondelete="CASCADE"), primary_key=True),
    Column("unit", String(16), primary_key=True),
    Column("factor", Qty, nullable=False),
)

cat_barcodes = Table(
    "cat_barcodes",
    metadata,
    Column("barcode", String(14), primary_key=True),
    Column("item_id", Uuid, ForeignKey("cat_items.id", ondelete="CASCADE"), nullable=False, index=True),
    # Order of the item's barcodes; the first is the one printed on labels.
    Column("position", Integer, nullable=False),
)


def _partner_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("code", String(64), nullable=False, unique=True),
        Column("name", String(200), nullable=False),
        Column("contact_name", String(200), nullable=True),
        Column("phone", String(40), nullable=True),
        Column("email", String(254), nullable=True),
        Column("address", String(400), nullable=True),
        Column("region", String(64), nullable=True, index=True),
        Column("attributes", Attributes, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )


cat_suppliers = _partner_table("cat_suppliers")
cat_customers = _partner_table("cat_customers")

# Category listings page by sku inside a category: one index serves both filter and order.
Index("ix_cat_items_category_sku", cat_items.c.category, cat_items.c.sku)
