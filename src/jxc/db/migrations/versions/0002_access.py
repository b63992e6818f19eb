"""access: users, API keys, login failures, append-only audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 02:12:34.523896
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jxc.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _document() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


# acc_audit is append-only: the database itself refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL).
_GUARD = {
    "sqlite": [
        "CREATE TRIGGER acc_audit_no_update BEFORE UPDATE ON acc_audit "
        "BEGIN SELECT RAISE(ABORT, 'acc_audit is append-only'); END",
        "CREATE TRIGGER acc_audit_no_delete BEFORE DELETE ON acc_audit "
        "BEGIN SELECT RAISE(ABORT, 'acc_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION acc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'acc_audit is append-only'; END $$",
        "CREATE TRIGGER acc_audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON acc_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION acc_audit_append_only()",
    ],
}
_UNGUARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS acc_audit_no_update", "DROP TRIGGER IF EXISTS acc_audit_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS acc_audit_no_change ON acc_audit",
        "DROP FUNCTION IF EXISTS acc_audit_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "acc_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("resource", sa.String(length=400), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("detail", _document(), nullable=False),
        sa.CheckConstraint("outcome IN ('ok', 'refused', 'failed')", name=op.f("ck_acc_audit_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_audit")),
    )
    with op.batch_alter_table("acc_audit", schema=None) as batch_op:
        batch_op.create_index("ix_acc_audit_action_at", ["action", "at"], unique=False)
        batch_op.create_index("ix_acc_audit_actor_at", ["actor", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_acc_audit_at"), ["at"], unique=False)

    op.create_table(
        "acc_login_failures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_login_failures")),
    )
    with op.batch_alter_table("acc_login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acc_login_failures_at"), ["at"], unique=False)
        batch_op.create_index("ix_acc_login_failures_source_ip_at", ["source_ip", "at"], unique=False)
        batch_op.create_index("ix_acc_login_failures_username_at", ["username", "at"], unique=False)

    op.create_table(
        "acc_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("roles", _document(), nullable=False),
        sa.Column("organisations", _document(), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("home_site", sa.String(length=64), nullable=True),
        sa.Column("radius_km", jxc.db.types.Qty(), nullable=True),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_users")),
        sa.UniqueConstraint("username", name=op.f("uq_acc_users_username")),
    )

    op.create_table(
        "acc_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("site_code", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", jxc.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["acc_users.id"], name=op.f("fk_acc_api_keys_user_id_acc_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_api_keys")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_acc_api_keys_secret_hash")),
    )
    with op.batch_alter_table("acc_api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acc_api_keys_user_id"), ["user_id"], unique=False)

    for statement in _GUARD.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in _UNGUARD.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table("acc_api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acc_api_keys_user_id"))
    op.drop_table("acc_api_keys")
    op.drop_table("acc_users")
    with op.batch_alter_table("acc_login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_acc_login_failures_username_at")
        batch_op.drop_index("ix_acc_login_failures_source_ip_at")
        batch_op.drop_index(batch_op.f("ix_acc_login_failures_at"))
    op.drop_table("acc_login_failures")
    with op.batch_alter_table("acc_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acc_audit_at"))
        batch_op.drop_index("ix_acc_audit_actor_at")
        batch_op.drop_index("ix_acc_audit_action_at")
    op.drop_table("acc_audit")
