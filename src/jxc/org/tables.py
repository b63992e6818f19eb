"""Org tables (SQLAlchemy Core), all prefixed ``org_`` and registered on the shared metadata.

Invariants the schema keeps even against racing writers:
- organisation, site and project codes are unique; a bin code is unique within its site;
- at most one virtual site per role (``virtual_role`` is unique; NULL for real sites);
- coordinates are ``Qty`` (scaled integers, 6 places), never floats.
Other contexts read org data through ``jxc.org.services``, never these tables.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, String, Table, UniqueConstraint, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

Attributes = JSON().with_variant(JSONB(), "postgresql")

org_organisations = Table(
    "org_organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("relation", String(16), nullable=False),
    Column("parent_id", Uuid, ForeignKey("org_organisations.id"), nullable=True, index=True),
    Column("attributes", Attributes, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

org_sites = Table(
    "org_sites",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("kind", String(16), nullable=False, index=True),
    Column("organisation_id", Uuid, ForeignKey("org_organisations.id"), nullable=True, index=True),
    Column("region", String(64), nullable=True, index=True),
    Column("latitude", Qty, nullable=True),
    Column("longitude", Qty, nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("allow_negative", Boolean, nullable=False),
    Column("virtual_role", String(16), nullable=True, unique=True),
    Column("channel", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

org_bins = Table(
    "org_bins",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("site_id", Uuid, ForeignKey("org_sites.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("x", Qty, nullable=False),
    Column("y", Qty, nullable=False),
    Column("z", Qty, nullable=False),
    Column("zone", String(64), nullable=True),
    # Also the index for "bins of a site", ordered by code.
    UniqueConstraint("site_id", "code"),
)

org_projects = Table(
    "org_projects",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("organisation_id", Uuid, ForeignKey("org_organisations.id"), nullable=False, index=True),
    Column("site_id", Uuid, ForeignKey("org_sites.id"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
