"""Alembic environment: uses the connection handed over by jxc.db.migrate, or the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jxc.db.engine import build_engine
from jxc.db.metadata import all_metadata

target_metadata = all_metadata()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = build_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
