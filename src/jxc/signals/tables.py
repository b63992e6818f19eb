"""Tables of the signals context: the raw sales events (append-only, keyed by the source's event
id) and the demand history projected from them by local day and local hour."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table, Uuid

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

sig_sales_events = Table(
    "sig_sales_events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("fingerprint", String(32), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Qty, nullable=False),
    Column("promotion", Boolean, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_sig_sales_events_item_site_time", "item_id", "site_id", "occurred_at"),
)

# One row per item, site and local day (or local hour): sums of the events, never edited by hand.
sig_demand_daily = Table(
    "sig_demand_daily",
    metadata,
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("day", Date, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("promo_quantity", Qty, nullable=False),
    Column("revenue", Qty, nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint("item_id", "site_id", "day"),
)

sig_demand_hourly = Table(
    "sig_demand_hourly",
    metadata,
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("hour", UtcDateTime, nullable=False),  # the local hour's start, stored in UTC
    Column("quantity", Qty, nullable=False),
    Column("promo_quantity", Qty, nullable=False),
    Column("revenue", Qty, nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint("item_id", "site_id", "hour"),
)

# One value per environmental series, scope (site code or region) and local day or hour; a revised
# reading replaces the earlier one (hour -1: a daily value).
sig_environment = Table(
    "sig_environment",
    metadata,
    Column("series", String(30), nullable=False),
    Column("scope", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("hour", Integer, nullable=False),
    Column("value", Qty, nullable=False),
    Column("source", String(100), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("series", "scope", "day", "hour"),
)
