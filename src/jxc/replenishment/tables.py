"""Tables of the replenishment context: supplier offers, planning runs, suggestions and surge alerts."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, PrimaryKeyConstraint, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

_JSON = JSON().with_variant(JSONB(), "postgresql")

# What each supplier quotes for an item (采购报价): price, lead time, MOQ, pack.
rep_offers = Table(
    "rep_offers",
    metadata,
    Column("supplier_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("unit_price", Qty, nullable=False),
    Column("lead_time_days", Qty, nullable=False),
    Column("lead_time_sd_days", Qty, nullable=False),
    Column("moq", Qty, nullable=False),
    Column("pack_size", Qty, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("supplier_id", "item_id"),
)

rep_runs = Table(
    "rep_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trigger", String(20), nullable=False),  # schedule | manual | surge
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("series", Integer, nullable=False),
    Column("suggestions", Integer, nullable=False),
    Column("actor", String(200), nullable=False),
)

# A suggestion keeps every figure it was computed from (body), so its reasons can be shown later.
rep_suggestions = Table(
    "rep_suggestions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_id", Uuid, nullable=False),
    Column("organisation_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("supplier_id", Uuid, nullable=True),
    Column("kind", String(20), nullable=False),  # regular | emergency
    Column("status", String(20), nullable=False),  # open | approved | dismissed | superseded
    Column("quantity", Qty, nullable=False),
    Column("body", _JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("purchase_order", String(40), nullable=True),
    Index("ix_rep_suggestions_status_site", "status", "site_id"),
    Index("ix_rep_suggestions_item_site", "item_id", "site_id"),
)

rep_alerts = Table(
    "rep_alerts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("site_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actual", Qty, nullable=False),
    Column("expected", Qty, nullable=False),
    Column("suggestion_id", Uuid, nullable=True),
    Column("body", _JSON, nullable=False),
    Index("ix_rep_alerts_at", "at"),
)
