"""Workflow tables (SQLAlchemy Core), prefixed ``wf_``.

An approval request is stored whole (``body``: the pure model's ``ApprovalRequest``, decisions
included) with copies of the columns the inbox filters on; ``version`` guards concurrent
decisions. Delegations are rows with their window.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import UtcDateTime

Body = JSON().with_variant(JSONB(), "postgresql")

wf_requests = Table(
    "wf_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("document_id", Uuid, nullable=False),
    Column("document_type", String(32), nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("body", Body, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_wf_requests_status", "status", "requested_at"),
    Index("ix_wf_requests_document", "document_id"),
)

wf_delegations = Table(
    "wf_delegations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("from_user", String(200), nullable=False),
    Column("to_user", String(200), nullable=False, index=True),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("body", Body, nullable=False),
)
