"""The one MetaData every context's ``tables.py`` registers on, with stable constraint names."""

from __future__ import annotations

from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def all_metadata() -> MetaData:
    """Import every context's tables so the metadata is complete (for Alembic and tests)."""
    import jxc.access.tables
    import jxc.accounting.tables
    import jxc.catalog.tables
    import jxc.documents.tables
    import jxc.forecasting.tables
    import jxc.inventory.tables
    import jxc.org.tables
    import jxc.replenishment.tables
    import jxc.signals.tables
    import jxc.workflow.tables  # noqa: F401

    return metadata
