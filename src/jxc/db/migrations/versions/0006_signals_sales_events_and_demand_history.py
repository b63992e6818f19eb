"""signals: sales events (keyed by the source's event id) and the demand history by local day and hour

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:11:26.950413
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jxc.db.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sig_demand_daily',
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('promo_quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('revenue', jxc.db.types.Qty(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('item_id', 'site_id', 'day', name=op.f('pk_sig_demand_daily'))
    )
    op.create_table('sig_demand_hourly',
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('hour', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('promo_quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('revenue', jxc.db.types.Qty(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('item_id', 'site_id', 'hour', name=op.f('pk_sig_demand_hourly'))
    )
    op.create_table('sig_sales_events',
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('unit_price', jxc.db.types.Qty(), nullable=False),
    sa.Column('promotion', sa.Boolean(), nullable=False),
    sa.Column('received_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_sig_sales_events'))
    )
    with op.batch_alter_table('sig_sales_events', schema=None) as batch_op:
        batch_op.create_index('ix_sig_sales_events_item_site_time', ['item_id', 'site_id', 'occurred_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sig_sales_events', schema=None) as batch_op:
        batch_op.drop_index('ix_sig_sales_events_item_site_time')

    op.drop_table('sig_sales_events')
    op.drop_table('sig_demand_hourly')
    op.drop_table('sig_demand_daily')
