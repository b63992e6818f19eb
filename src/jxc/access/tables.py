"""Access tables (SQLAlchemy Core), all prefixed ``acc_`` and registered on the shared metadata.

Invariants the schema keeps:
- usernames are unique (stored case-folded); an API key's secret hash is unique;
- only hashes are stored: argon2 for passwords, SHA-256 for API key secrets;
- ``acc_audit`` is append-only: triggers (SQLite and PostgreSQL, created by the migration and by
  ``create_all``) abort any UPDATE or DELETE, so even a stray statement cannot rewrite history;
- ``acc_login_failures`` rows are only useful for the failure window and are pruned by the services.
Sites and organisations are referred to by code, without foreign keys into the org context.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    String,
    Table,
    Uuid,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import Qty, UtcDateTime

Document = JSON().with_variant(JSONB(), "postgresql")

acc_users = Table(
    "acc_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("roles", Document, nullable=False),  # ["store_clerk", …]
    Column("organisations", Document, nullable=True),  # organisation codes; NULL = all
    Column("region", String(64), nullable=True),
    Column("home_site", String(64), nullable=True),
    Column("radius_km", Qty, nullable=True),
    Column("lang", String(16), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

acc_api_keys = Table(
    "acc_api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),  # hex SHA-256
    Column("role", String(32), nullable=False),
    Column("site_code", String(64), nullable=True),
    Column("device_id", String(64), nullable=True),
    Column("user_id", Uuid, ForeignKey("acc_users.id"), nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

acc_login_failures = Table(
    "acc_login_failures",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("source_ip", String(64), nullable=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Index("ix_acc_login_failures_username_at", "username", "at"),
    Index("ix_acc_login_failures_source_ip_at", "source_ip", "at"),
)

acc_audit = Table(
    "acc_audit",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("resource", String(400), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("source_ip", String(64), nullable=True),
    Column("detail", Document, nullable=False),
    CheckConstraint("outcome IN ('ok', 'refused', 'failed')", name="outcome"),
    Index("ix_acc_audit_actor_at", "actor", "at"),
    Index("ix_acc_audit_action_at", "action", "at"),
)

# The same statements the 0002 migration runs; here so `create_all` (tests, tools) matches it.
AUDIT_GUARD_SQLITE = [
    "CREATE TRIGGER acc_audit_no_update BEFORE UPDATE ON acc_audit "
    "BEGIN SELECT RAISE(ABORT, 'acc_audit is append-only'); END",
    "CREATE TRIGGER acc_audit_no_delete BEFORE DELETE ON acc_audit "
    "BEGIN SELECT RAISE(ABORT, 'acc_audit is append-only'); END",
]
AUDIT_GUARD_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION acc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'acc_audit is append-only'; END $$",
    "CREATE TRIGGER acc_audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON acc_audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION acc_audit_append_only()",
]

AUDIT_GUARD = {"sqlite": AUDIT_GUARD_SQLITE, "postgresql": AUDIT_GUARD_POSTGRESQL}


def _guard_audit(target: Table, connection: Connection, **_: Any) -> None:
    for statement in AUDIT_GUARD.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


event.listen(acc_audit, "after_create", _guard_audit)
