"""signals: environmental series (weather, foot traffic, social volume, outpatient visits, events) per site or region

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:48:53.203173
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jxc.db.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sig_environment',
    sa.Column('series', sa.String(length=30), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('value', jxc.db.types.Qty(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('received_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('series', 'scope', 'day', 'hour', name=op.f('pk_sig_environment'))
    )


def downgrade() -> None:
    op.drop_table('sig_environment')
