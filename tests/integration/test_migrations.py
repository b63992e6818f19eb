"""The Alembic migrations build exactly the schema the code's metadata declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from jxc.db.metadata import all_metadata


def test_migrations_match_the_metadata(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, all_metadata())
    assert differences == []
