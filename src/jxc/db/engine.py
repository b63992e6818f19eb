"""Engine construction: embedded SQLite (WAL) by default, PostgreSQL via ``JXC_DATABASE_URL``.

SQLite writers take the write lock at BEGIN (``BEGIN IMMEDIATE``) so two writers never
deadlock upgrading a read lock, and a posting's balance checks see the latest state.
"""

from __future__ import annotations

import threading
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
        # SQLite has one writer at a time. Writers in this process queue on a lock instead of in
        # SQLite's busy handler, whose sleeps (up to 100 ms each) would make the tail latency of
        # concurrent requests explode; other processes still meet the busy handler.
        engine.jxc_write_lock = threading.Lock()  # type: ignore[attr-defined]
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


def checkpoint_in_background(engine: Engine, *, interval: float = 0.5) -> threading.Event:
    """For long-running servers on SQLite: move WAL checkpoints off the request path.

    Connections stop checkpointing on commit (a checkpoint of a large WAL stalls the committing
    request for tens of milliseconds); a daemon thread runs a PASSIVE checkpoint every
    ``interval`` seconds on its own connection instead (PASSIVE never blocks writers, and the
    driver releases the GIL while SQLite copies pages). Returns an event that stops the thread.
    No-op for other databases.
    """
    stop = threading.Event()
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return stop

    @event.listens_for(engine, "connect")
    def _no_commit_checkpoints(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    engine.dispose()

    def run() -> None:
        import sqlite3

        connection = sqlite3.connect(database, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            while not stop.wait(interval):
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()

    threading.Thread(target=run, name="jxc-wal-checkpoint", daemon=True).start()
    return stop
