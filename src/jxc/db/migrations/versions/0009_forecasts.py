"""forecasting: the latest forecast per item-site with its quantile path and backtest accuracy

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:03:59.442497
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jxc.db.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fc_forecasts',
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=120), nullable=False),
    sa.Column('demand_class', sa.String(length=20), nullable=False),
    sa.Column('mase', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('bias', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('pinball', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('path', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('item_id', 'site_id', name=op.f('pk_fc_forecasts'))
    )


def downgrade() -> None:
    op.drop_table('fc_forecasts')
