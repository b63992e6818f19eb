"""Documents tables (SQLAlchemy Core), prefixed ``doc_``.

Invariants the schema keeps:
- a document number is unique per organisation (``PO-2026-000123``); numbers come from
  ``doc_sequences``, one counter per organisation, document type and year, never reused;
- ``doc_documents.body`` is the whole document as the pure model serialises it (lines
  included); the header columns beside it are copies for lists and filters. ``version`` rises
  by one on every save, and a save names the version it read (optimistic concurrency);
- ``doc_history`` is append-only: who did what to a document, when;
- ``doc_movements`` links each document line to the ledger movements it posted (drill-down,
  and the original valuation a return is valued at).
Organisations, partners and sites are referred to by id, without foreign keys into other contexts.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

Body = JSON().with_variant(JSONB(), "postgresql")

doc_documents = Table(
    "doc_documents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, nullable=False),
    Column("doc_type", String(32), nullable=False),
    Column("number", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("partner_id", Uuid, nullable=True),
    Column("site_id", Uuid, nullable=True),
    Column("to_site_id", Uuid, nullable=True),  # a transfer's receiving site: its people may read it too
    Column("source_id", Uuid, nullable=True),  # the document this one executes (receipt → order)
    Column("doc_date", Date, nullable=False),
    Column("amount", Qty, nullable=True),  # gross amount where the document has one
    Column("body", Body, nullable=False),
    Column("version", Integer, nullable=False),
    Column("idempotency_key", String(200), nullable=True),  # repeats of a creating call return this document
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("uq_doc_documents_org_number", "organisation_id", "number", unique=True),
    Index("ix_doc_documents_type_status_date", "doc_type", "status", "doc_date"),
    Index("ix_doc_documents_source", "source_id"),
    Index("ix_doc_documents_to_site", "to_site_id"),
    Index("uq_doc_documents_idempotency_key", "idempotency_key", unique=True),
)

doc_movements = Table(
    "doc_movements",
    metadata,
    Column("movement_id", Uuid, primary_key=True),  # the ledger movement a document line posted
    Column("document_id", Uuid, nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("lot_id", Uuid, nullable=True),
    Column("role", String(20), nullable=False),  # what the movement did for the line: post | pass | fail | loss …
)

doc_sequences = Table(
    "doc_sequences",
    metadata,
    Column("organisation_id", Uuid, nullable=False),
    Column("doc_type", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    PrimaryKeyConstraint("organisation_id", "doc_type", "year"),
)

doc_history = Table(
    "doc_history",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("document_id", Uuid, nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Body, nullable=False),
)
