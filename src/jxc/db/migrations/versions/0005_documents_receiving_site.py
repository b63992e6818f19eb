"""documents: a transfer's receiving site (read scope for the receiving end)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("doc_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_site_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_doc_documents_to_site"), ["to_site_id"], unique=False)
    # Transfers stored before this column: their receiving site is in the document body.
    connection = op.get_bind()
    documents = sa.table("doc_documents", sa.column("id", sa.Uuid()), sa.column("doc_type", sa.String()),
                         sa.column("body", sa.JSON()), sa.column("to_site_id", sa.Uuid()))
    rows = connection.execute(sa.select(documents.c.id, documents.c.body)
                              .where(documents.c.doc_type == "transfer_order")).all()
    for document_id, body in rows:
        target = (body or {}).get("to_site")
        if target:
            connection.execute(sa.update(documents).where(documents.c.id == document_id)
                               .values(to_site_id=uuid.UUID(target)))


def downgrade() -> None:
    with op.batch_alter_table("doc_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_doc_documents_to_site"))
        batch_op.drop_column("to_site_id")
