"""replenishment: supplier offers, planning runs, suggestions with their figures, surge alerts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:30:27.967174
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jxc.db.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rep_alerts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actual', jxc.db.types.Qty(), nullable=False),
    sa.Column('expected', jxc.db.types.Qty(), nullable=False),
    sa.Column('suggestion_id', sa.Uuid(), nullable=True),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rep_alerts'))
    )
    with op.batch_alter_table('rep_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_rep_alerts_at', ['at'], unique=False)

    op.create_table('rep_offers',
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('unit_price', jxc.db.types.Qty(), nullable=False),
    sa.Column('lead_time_days', jxc.db.types.Qty(), nullable=False),
    sa.Column('lead_time_sd_days', jxc.db.types.Qty(), nullable=False),
    sa.Column('moq', jxc.db.types.Qty(), nullable=False),
    sa.Column('pack_size', jxc.db.types.Qty(), nullable=False),
    sa.Column('updated_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('supplier_id', 'item_id', name=op.f('pk_rep_offers'))
    )
    op.create_table('rep_runs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('started_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', jxc.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('series', sa.Integer(), nullable=False),
    sa.Column('suggestions', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rep_runs'))
    )
    op.create_table('rep_suggestions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('supplier_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', jxc.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('purchase_order', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rep_suggestions'))
    )
    with op.batch_alter_table('rep_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_rep_suggestions_item_site', ['item_id', 'site_id'], unique=False)
        batch_op.create_index('ix_rep_suggestions_status_site', ['status', 'site_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rep_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_rep_suggestions_status_site')
        batch_op.drop_index('ix_rep_suggestions_item_site')

    op.drop_table('rep_suggestions')
    op.drop_table('rep_runs')
    op.drop_table('rep_offers')
    with op.batch_alter_table('rep_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_rep_alerts_at')

    op.drop_table('rep_alerts')
