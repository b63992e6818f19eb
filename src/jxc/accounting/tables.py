"""Accounting tables (SQLAlchemy Core), prefixed ``fin_`` (``acc_`` belongs to access).

Invariants the schema keeps:
- ``fin_pools`` holds one valuation pool per (organisation, item): the projection of every
  valuation of that item in that organisation, updated in the same transaction that appends the
  valuation, guarded by ``version`` (optimistic concurrency);
- ``fin_valuations`` is append-only, one row per valued ledger movement (its id is the
  movement's id), so value is traceable from voucher to document to movement;
- vouchers and their lines are append-only and balanced (Σ debit = Σ credit, checked by the pure
  model before insert); a voucher number is unique per organisation;
- ``fin_period_events`` is append-only; a period's state is its latest event (close / reopen).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

Body = JSON().with_variant(JSONB(), "postgresql")

fin_pools = Table(
    "fin_pools",
    metadata,
    Column("organisation_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("method", String(20), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("value", Qty, nullable=False),
    Column("layers", Body, nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("organisation_id", "item_id"),
)

fin_valuations = Table(
    "fin_valuations",
    metadata,
    Column("id", Uuid, primary_key=True),  # the ledger movement's id (or a cost event's own id)
    Column("organisation_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("flow", String(20), nullable=False),
    Column("method", String(20), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("amount", Qty, nullable=False),
    Column("expensed", Qty, nullable=False),
    Column("value_delta", Qty, nullable=False),
    Column("layers", Body, nullable=False),
    Column("document_id", Uuid, nullable=True),
    Column("occurred_on", Date, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_fin_valuations_org_item_date", "organisation_id", "item_id", "occurred_on"),
    Index("ix_fin_valuations_document", "document_id"),
)

fin_vouchers = Table(
    "fin_vouchers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, nullable=False),
    Column("number", String(40), nullable=False),
    Column("word", String(8), nullable=False),
    Column("period", String(7), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("voucher_date", Date, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("document_id", Uuid, nullable=True),
    Column("document_ref", String(80), nullable=True),
    Column("total", Qty, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("uq_fin_vouchers_org_number", "organisation_id", "number", unique=True),
    Index("ix_fin_vouchers_org_date", "organisation_id", "voucher_date"),
    Index("ix_fin_vouchers_document", "document_id"),
)

fin_voucher_lines = Table(
    "fin_voucher_lines",
    metadata,
    Column("voucher_id", Uuid, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("account", String(20), nullable=False),
    Column("debit", Qty, nullable=False),
    Column("credit", Qty, nullable=False),
    Column("summary_zh", String(200), nullable=False),
    Column("summary_en", String(200), nullable=False),
    Column("dims", Body, nullable=False),  # partner / item / site / department codes, quantity
    PrimaryKeyConstraint("voucher_id", "line_no"),
    Index("ix_fin_voucher_lines_account", "account"),
)

fin_voucher_sequences = Table(
    "fin_voucher_sequences",
    metadata,
    Column("organisation_id", Uuid, nullable=False),
    Column("period", String(7), nullable=False),
    Column("word", String(8), nullable=False),
    Column("last_seq", Integer, nullable=False),
    PrimaryKeyConstraint("organisation_id", "period", "word"),
)

fin_period_events = Table(
    "fin_period_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, nullable=False),
    Column("period", String(7), nullable=False),
    Column("action", String(10), nullable=False),  # close | reopen
    Column("actor", String(200), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_fin_period_events_org_period", "organisation_id", "period"),
)
