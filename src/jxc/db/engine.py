"""Engine construction: embedded SQLite (WAL) by default, PostgreSQL via ``JXC_DATABASE_URL``.

SQLite writers take the write lock at BEGIN (``BEGIN IMMEDIATE``) so two writers never
deadlock upgrading a read lock, and a posting's balance checks see the latest state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

# Larger page cache and fewer, bigger WAL checkpoints: pages rewritten many times between
# checkpoints are copied back once, which takes the 5 ms checkpoint stalls off most commits.
SQLITE_TUNING = ("cache_size=-65536", "wal_autocheckpoint=10000", "temp_store=MEMORY", "mmap_size=268435456")


def normalise_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def build_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Every unit of work ends its transaction itself, so the pool need not roll back on check-in.
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, pool_reset_on_return=None)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        for pragma in SQLITE_TUNING:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight to the driver: this runs once per unit of work, on the till path too.
        # Read-only units of work start a deferred transaction, so they never wait for a writer.
        read_only = connection.get_execution_options().get("jxc_read_only", False)
        connection.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
