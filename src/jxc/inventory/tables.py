"""Ledger tables. ``inv_postings`` and ``inv_movements`` are append-only: no code path
updates or deletes their rows. ``inv_balances``, ``inv_transit_eta``, ``inv_serials`` and the
reservation tables are projections kept in the same transaction as the movements."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

postings = Table(
    "inv_postings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("payload_hash", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("document_ref", String(120)),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("line_count", Integer, nullable=False),
)

movements = Table(
    "inv_movements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("posting_id", Uuid, ForeignKey("inv_postings.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    # Site, state, lot and serial are dimensions of the two buckets (inv_balances holds every bucket
    # ever used), so a movement row stays narrow: it is the most-written row in jxc.
    Column("from_bucket_id", Uuid, nullable=False),
    Column("to_bucket_id", Uuid, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("eta", UtcDateTime),
    CheckConstraint("quantity > 0", name="positive_quantity"),
    Index("ix_inv_movements_item_time", "item_id", "occurred_at"),
)

balances = Table(
    "inv_balances",
    metadata,
    Column("bucket_id", Uuid, primary_key=True),
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("owner_id", Uuid),
    Column("bin_id", Uuid),
    Column("lot_id", Uuid),
    Column("serial", String(80)),
    Column("state", String(40), nullable=False),
    Column("project_id", Uuid),
    Column("is_virtual", Boolean, nullable=False),
    Column("may_go_negative", Boolean, nullable=False),
    Column("quantity", Qty, nullable=False),
    # Backstop for the service-level check: a real bucket may not go below zero.
    CheckConstraint("quantity >= 0 OR may_go_negative", name="non_negative"),
    Index("ix_inv_balances_item_site_state", "item_id", "site_id", "state"),
    Index("ix_inv_balances_site_item", "site_id", "item_id"),
)

transit_eta = Table(
    "inv_transit_eta",
    metadata,
    Column("id", Uuid, primary_key=True),  # stable id of (bucket, eta)
    Column("bucket_id", Uuid, nullable=False, index=True),
    Column("eta", UtcDateTime),
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Index("ix_inv_transit_eta_item", "item_id", "eta"),
)

lots = Table(
    "inv_lots",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("item_id", Uuid, nullable=False),
    Column("lot_no", String(80), nullable=False),
    Column("production_date", Date),
    Column("expiry_date", Date),
    Column("received_at", UtcDateTime, nullable=False),
    Index("uq_inv_lots_item_lot", "item_id", "lot_no", unique=True),
)

serials = Table(
    "inv_serials",
    metadata,
    Column("item_id", Uuid, primary_key=True),
    Column("serial", String(80), primary_key=True),
    Column("lot_id", Uuid),
    Column("bucket_id", Uuid),  # the one real bucket holding it, NULL when outside the company
    Column("site_id", Uuid),
    Column("first_seen_at", UtcDateTime, nullable=False),
)

states = Table(
    "inv_states",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name_zh", String(80), nullable=False),
    Column("name_en", String(80), nullable=False),
    Column("builtin", Boolean, nullable=False),
)

state_transitions = Table(
    "inv_state_transitions",
    metadata,
    Column("from_state", String(40), ForeignKey("inv_states.code"), primary_key=True),
    Column("to_state", String(40), ForeignKey("inv_states.code"), primary_key=True),
)

reservations = Table(
    "inv_reservations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("status", String(20), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("reference", String(120)),
    Column("commitment_id", Uuid),
    Column("posting_id", Uuid, nullable=False),
    Column("shipped", Qty, nullable=False),
    Index("ix_inv_reservations_open", "status", "expires_at"),
    Index("ix_inv_reservations_item", "item_id"),
)

reservation_lines = Table(
    "inv_reservation_lines",
    metadata,
    Column("reservation_id", Uuid, ForeignKey("inv_reservations.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("bucket_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("remaining", Qty, nullable=False),
)

commitments = Table(
    "inv_commitments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unreserved", Qty, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reference", String(120)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_inv_commitments_item_due", "item_id", "due_at"),
)
