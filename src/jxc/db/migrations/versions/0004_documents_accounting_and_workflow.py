"""documents, accounting and workflow

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:27:15.135167
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jxc.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('doc_documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=True),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('source_id', sa.Uuid(), nullable=True),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('amount', jxc.db.types.Qty(), nullable=True),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_doc_documents'))
    )
    with op.batch_alter_table('doc_documents', schema=None) as batch_op:
        batch_op.create_index('ix_doc_documents_source', ['source_id'], unique=False)
        batch_op.create_index('ix_doc_documents_type_status_date', ['doc_type', 'status', 'doc_date'], unique=False)
        batch_op.create_index('uq_doc_documents_idempotency_key', ['idempotency_key'], unique=True)
        batch_op.create_index('uq_doc_documents_org_number', ['organisation_id', 'number'], unique=True)

    op.create_table('doc_history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_doc_history'))
    )
    with op.batch_alter_table('doc_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doc_history_document_id'), ['document_id'], unique=False)

    op.create_table('doc_movements',
    sa.Column('movement_id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('movement_id', name=op.f('pk_doc_movements'))
    )
    with op.batch_alter_table('doc_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doc_movements_document_id'), ['document_id'], unique=False)

    op.create_table('doc_sequences',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'doc_type', 'year', name=op.f('pk_doc_sequences'))
    )
    op.create_table('fin_period_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fin_period_events'))
    )
    with op.batch_alter_table('fin_period_events', schema=None) as batch_op:
        batch_op.create_index('ix_fin_period_events_org_period', ['organisation_id', 'period'], unique=False)

    op.create_table('fin_pools',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('value', jxc.db.types.Qty(), nullable=False),
    sa.Column('layers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'item_id', name=op.f('pk_fin_pools'))
    )
    op.create_table('fin_valuations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('flow', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('quantity', jxc.db.types.Qty(), nullable=False),
    sa.Column('amount', jxc.db.types.Qty(), nullable=False),
    sa.Column('expensed', jxc.db.types.Qty(), nullable=False),
    sa.Column('value_delta', jxc.db.types.Qty(), nullable=False),
    sa.Column('layers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('created_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fin_valuations'))
    )
    with op.batch_alter_table('fin_valuations', schema=None) as batch_op:
        batch_op.create_index('ix_fin_valuations_document', ['document_id'], unique=False)
        batch_op.create_index('ix_fin_valuations_org_item_date', ['organisation_id', 'item_id', 'occurred_on'], unique=False)

    op.create_table('fin_voucher_lines',
    sa.Column('voucher_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('debit', jxc.db.types.Qty(), nullable=False),
    sa.Column('credit', jxc.db.types.Qty(), nullable=False),
    sa.Column('summary_zh', sa.String(length=200), nullable=False),
    sa.Column('summary_en', sa.String(length=200), nullable=False),
    sa.Column('dims', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('voucher_id', 'line_no', name=op.f('pk_fin_voucher_lines'))
    )
    with op.batch_alter_table('fin_voucher_lines', schema=None) as batch_op:
        batch_op.create_index('ix_fin_voucher_lines_account', ['account'], unique=False)

    op.create_table('fin_voucher_sequences',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('word', sa.String(length=8), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'period', 'word', name=op.f('pk_fin_voucher_sequences'))
    )
    op.create_table('fin_vouchers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('word', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('voucher_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('document_ref', sa.String(length=80), nullable=True),
    sa.Column('total', jxc.db.types.Qty(), nullable=False),
    sa.Column('created_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fin_vouchers'))
    )
    with op.batch_alter_table('fin_vouchers', schema=None) as batch_op:
        batch_op.create_index('ix_fin_vouchers_document', ['document_id'], unique=False)
        batch_op.create_index('ix_fin_vouchers_org_date', ['organisation_id', 'voucher_date'], unique=False)
        batch_op.create_index('uq_fin_vouchers_org_number', ['organisation_id', 'number'], unique=True)

    op.create_table('wf_delegations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('from_user', sa.String(length=200), nullable=False),
    sa.Column('to_user', sa.String(length=200), nullable=False),
    sa.Column('starts_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_delegations'))
    )
    with op.batch_alter_table('wf_delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wf_delegations_to_user'), ['to_user'], unique=False)

    op.create_table('wf_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('document_type', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('requested_at', jxc.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_requests'))
    )
    with op.batch_alter_table('wf_requests', schema=None) as batch_op:
        batch_op.create_index('ix_wf_requests_document', ['document_id'], unique=False)
        batch_op.create_index('ix_wf_requests_status', ['status', 'requested_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('wf_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_wf_requests_status')
        batch_op.drop_index('ix_wf_requests_document')

    op.drop_table('wf_requests')
    with op.batch_alter_table('wf_delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wf_delegations_to_user'))

    op.drop_table('wf_delegations')
    with op.batch_alter_table('fin_vouchers', schema=None) as batch_op:
        batch_op.drop_index('uq_fin_vouchers_org_number')
        batch_op.drop_index('ix_fin_vouchers_org_date')
        batch_op.drop_index('ix_fin_vouchers_document')

    op.drop_table('fin_vouchers')
    op.drop_table('fin_voucher_sequences')
    with op.batch_alter_table('fin_voucher_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_fin_voucher_lines_account')

    op.drop_table('fin_voucher_lines')
    with op.batch_alter_table('fin_valuations', schema=None) as batch_op:
        batch_op.drop_index('ix_fin_valuations_org_item_date')
        batch_op.drop_index('ix_fin_valuations_document')

    op.drop_table('fin_valuations')
    op.drop_table('fin_pools')
    with op.batch_alter_table('fin_period_events', schema=None) as batch_op:
        batch_op.drop_index('ix_fin_period_events_org_period')

    op.drop_table('fin_period_events')
    op.drop_table('doc_sequences')
    with op.batch_alter_table('doc_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doc_movements_document_id'))

    op.drop_table('doc_movements')
    with op.batch_alter_table('doc_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doc_history_document_id'))

    op.drop_table('doc_history')
    with op.batch_alter_table('doc_documents', schema=None) as batch_op:
        batch_op.drop_index('uq_doc_documents_org_number')
        batch_op.drop_index('uq_doc_documents_idempotency_key')
        batch_op.drop_index('ix_doc_documents_type_status_date')
        batch_op.drop_index('ix_doc_documents_source')

    op.drop_table('doc_documents')

