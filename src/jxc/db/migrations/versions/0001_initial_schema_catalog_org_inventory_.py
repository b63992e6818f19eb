"""initial schema: catalog, org, inventory ledger

Revision ID: 0001
Revises:
Create Date: 2026-11-26 01:32:58.835319
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import jxc.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "cat_customers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cat_customers")),
        sa.UniqueConstraint("code", name=op.f("uq_cat_customers_code")),
    )
    with op.batch_alter_table("cat_customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cat_customers_region"), ["region"], unique=False)

    op.create_table(
        "cat_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("base_unit", sa.String(length=16), nullable=False),
        sa.Column("tracking", sa.String(length=16), nullable=False),
        sa.Column("shelf_life_days", sa.Integer(), nullable=True),
        sa.Column("storage_min_c", jxc.db.types.Qty(), nullable=True),
        sa.Column("storage_max_c", jxc.db.types.Qty(), nullable=True),
        sa.Column("abc_class", sa.String(length=1), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cat_items")),
        sa.UniqueConstraint("sku", name=op.f("uq_cat_items_sku")),
    )
    with op.batch_alter_table("cat_items", schema=None) as batch_op:
        batch_op.create_index("ix_cat_items_category_sku", ["category", "sku"], unique=False)

    op.create_table(
        "cat_suppliers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cat_suppliers")),
        sa.UniqueConstraint("code", name=op.f("uq_cat_suppliers_code")),
    )
    with op.batch_alter_table("cat_suppliers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cat_suppliers_region"), ["region"], unique=False)

    op.create_table(
        "inv_balances",
        sa.Column("bucket_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("bin_id", sa.Uuid(), nullable=True),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        sa.Column("serial", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("is_virtual", sa.Boolean(), nullable=False),
        sa.Column("may_go_negative", sa.Boolean(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.CheckConstraint("quantity >= 0 OR may_go_negative", name=op.f("ck_inv_balances_non_negative")),
        sa.PrimaryKeyConstraint("bucket_id", name=op.f("pk_inv_balances")),
    )
    with op.batch_alter_table("inv_balances", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inv_balances_item_site_state", ["item_id", "site_id", "state"], unique=False
        )
        batch_op.create_index("ix_inv_balances_site_item", ["site_id", "item_id"], unique=False)

    op.create_table(
        "inv_commitments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.Column("unreserved", jxc.db.types.Qty(), nullable=False),
        sa.Column("due_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_commitments")),
    )
    with op.batch_alter_table("inv_commitments", schema=None) as batch_op:
        batch_op.create_index("ix_inv_commitments_item_due", ["item_id", "due_at"], unique=False)

    op.create_table(
        "inv_lots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("lot_no", sa.String(length=80), nullable=False),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("received_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_lots")),
    )
    with op.batch_alter_table("inv_lots", schema=None) as batch_op:
        batch_op.create_index("uq_inv_lots_item_lot", ["item_id", "lot_no"], unique=True)

    op.create_table(
        "inv_postings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("document_ref", sa.String(length=120), nullable=True),
        sa.Column("occurred_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_postings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_inv_postings_idempotency_key")),
    )
    op.create_table(
        "inv_reservations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("expires_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", jxc.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("commitment_id", sa.Uuid(), nullable=True),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("shipped", jxc.db.types.Qty(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_reservations")),
    )
    with op.batch_alter_table("inv_reservations", schema=None) as batch_op:
        batch_op.create_index("ix_inv_reservations_item", ["item_id"], unique=False)
        batch_op.create_index("ix_inv_reservations_open", ["status", "expires_at"], unique=False)

    op.create_table(
        "inv_serials",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("serial", sa.String(length=80), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        sa.Column("bucket_id", sa.Uuid(), nullable=True),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("first_seen_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "serial", name=op.f("pk_inv_serials")),
    )
    op.create_table(
        "inv_states",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_inv_states")),
    )
    op.create_table(
        "inv_transit_eta",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bucket_id", sa.Uuid(), nullable=False),
        sa.Column("eta", jxc.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_transit_eta")),
    )
    with op.batch_alter_table("inv_transit_eta", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inv_transit_eta_bucket_id"), ["bucket_id"], unique=False)
        batch_op.create_index("ix_inv_transit_eta_item", ["item_id", "eta"], unique=False)

    op.create_table(
        "org_organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_organisations_parent_id_org_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_organisations")),
        sa.UniqueConstraint("code", name=op.f("uq_org_organisations_code")),
    )
    with op.batch_alter_table("org_organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_organisations_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "cat_barcodes",
        sa.Column("barcode", sa.String(length=14), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["cat_items.id"], name=op.f("fk_cat_barcodes_item_id_cat_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("barcode", name=op.f("pk_cat_barcodes")),
    )
    with op.batch_alter_table("cat_barcodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cat_barcodes_item_id"), ["item_id"], unique=False)

    op.create_table(
        "cat_item_units",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("factor", jxc.db.types.Qty(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["cat_items.id"],
            name=op.f("fk_cat_item_units_item_id_cat_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "unit", name=op.f("pk_cat_item_units")),
    )
    op.create_table(
        "inv_movements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.Column("from_bucket_id", sa.Uuid(), nullable=False),
        sa.Column("to_bucket_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("eta", jxc.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_inv_movements_positive_quantity")),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["inv_postings.id"], name=op.f("fk_inv_movements_posting_id_inv_postings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_movements")),
    )
    with op.batch_alter_table("inv_movements", schema=None) as batch_op:
        batch_op.create_index("ix_inv_movements_item_time", ["item_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inv_movements_posting_id"), ["posting_id"], unique=False)

    op.create_table(
        "inv_reservation_lines",
        sa.Column("reservation_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("bucket_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", jxc.db.types.Qty(), nullable=False),
        sa.Column("remaining", jxc.db.types.Qty(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["inv_reservations.id"],
            name=op.f("fk_inv_reservation_lines_reservation_id_inv_reservations"),
        ),
        sa.PrimaryKeyConstraint("reservation_id", "line_no", name=op.f("pk_inv_reservation_lines")),
    )
    op.create_table(
        "inv_state_transitions",
        sa.Column("from_state", sa.String(length=40), nullable=False),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_state"], ["inv_states.code"], name=op.f("fk_inv_state_transitions_from_state_inv_states")
        ),
        sa.ForeignKeyConstraint(
            ["to_state"], ["inv_states.code"], name=op.f("fk_inv_state_transitions_to_state_inv_states")
        ),
        sa.PrimaryKeyConstraint("from_state", "to_state", name=op.f("pk_inv_state_transitions")),
    )
    op.create_table(
        "org_sites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("latitude", jxc.db.types.Qty(), nullable=True),
        sa.Column("longitude", jxc.db.types.Qty(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("allow_negative", sa.Boolean(), nullable=False),
        sa.Column("virtual_role", sa.String(length=16), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_sites_organisation_id_org_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_sites")),
        sa.UniqueConstraint("code", name=op.f("uq_org_sites_code")),
        sa.UniqueConstraint("virtual_role", name=op.f("uq_org_sites_virtual_role")),
    )
    with op.batch_alter_table("org_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_sites_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_sites_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_sites_region"), ["region"], unique=False)

    op.create_table(
        "org_bins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("x", jxc.db.types.Qty(), nullable=False),
        sa.Column("y", jxc.db.types.Qty(), nullable=False),
        sa.Column("z", jxc.db.types.Qty(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["org_sites.id"], name=op.f("fk_org_bins_site_id_org_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_bins")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_org_bins_site_id_code")),
    )
    op.create_table(
        "org_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", jxc.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_projects_organisation_id_org_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["org_sites.id"], name=op.f("fk_org_projects_site_id_org_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_org_projects_code")),
    )
    with op.batch_alter_table("org_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_projects_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("org_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_projects_organisation_id"))

    op.drop_table("org_projects")
    op.drop_table("org_bins")
    with op.batch_alter_table("org_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_sites_region"))
        batch_op.drop_index(batch_op.f("ix_org_sites_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_org_sites_kind"))

    op.drop_table("org_sites")
    op.drop_table("inv_state_transitions")
    op.drop_table("inv_reservation_lines")
    with op.batch_alter_table("inv_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inv_movements_posting_id"))
        batch_op.drop_index("ix_inv_movements_item_time")

    op.drop_table("inv_movements")
    op.drop_table("cat_item_units")
    with op.batch_alter_table("cat_barcodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cat_barcodes_item_id"))

    op.drop_table("cat_barcodes")
    with op.batch_alter_table("org_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_organisations_parent_id"))

    op.drop_table("org_organisations")
    with op.batch_alter_table("inv_transit_eta", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_transit_eta_item")
        batch_op.drop_index(batch_op.f("ix_inv_transit_eta_bucket_id"))

    op.drop_table("inv_transit_eta")
    op.drop_table("inv_states")
    op.drop_table("inv_serials")
    with op.batch_alter_table("inv_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_reservations_open")
        batch_op.drop_index("ix_inv_reservations_item")

    op.drop_table("inv_reservations")
    op.drop_table("inv_postings")
    with op.batch_alter_table("inv_lots", schema=None) as batch_op:
        batch_op.drop_index("uq_inv_lots_item_lot")

    op.drop_table("inv_lots")
    with op.batch_alter_table("inv_commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_commitments_item_due")

    op.drop_table("inv_commitments")
    with op.batch_alter_table("inv_balances", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_balances_site_item")
        batch_op.drop_index("ix_inv_balances_item_site_state")

    op.drop_table("inv_balances")
    with op.batch_alter_table("cat_suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cat_suppliers_region"))

    op.drop_table("cat_suppliers")
    with op.batch_alter_table("cat_items", schema=None) as batch_op:
        batch_op.drop_index("ix_cat_items_category_sku")

    op.drop_table("cat_items")
    with op.batch_alter_table("cat_customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cat_customers_region"))

    op.drop_table("cat_customers")
