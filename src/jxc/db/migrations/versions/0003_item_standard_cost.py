"""items: standard cost per base unit

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jxc.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cat_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standard_cost", jxc.db.types.Qty(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cat_items", schema=None) as batch_op:
        batch_op.drop_column("standard_cost")
