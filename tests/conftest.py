"""Shared test wiring: an engine per backend, migrated once per test session.

Integration tests take the ``app`` fixture, parametrised over embedded SQLite and the real
PostgreSQL server (``JXC_TEST_PG_URL``, default the local server). Each session gets its own
PostgreSQL schema, so parallel runs never see each other. Tests create their own data with
random codes instead of sharing mutable fixtures.

PostgreSQL tests are skipped when the server does not answer, except under CI (``CI=true``)
or ``JXC_REQUIRE_PG=1``, where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from jxc.bootstrap import App, bootstrap
from jxc.config import Settings
from jxc.db.engine import build_engine
from jxc.db.migrate import upgrade
from jxc.kernel.clock import FixedClock

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_SECRET = "test-secret-" + "x" * 40  # tests never touch the user's data directory


def pg_url() -> str:
    return os.environ.get("JXC_TEST_PG_URL", DEFAULT_PG_URL)


def pg_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("JXC_REQUIRE_PG") == "1"


def _pg_available() -> str | None:
    try:
        probe = create_engine(pg_url(), connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
        return None
    except Exception as exc:
        return str(exc)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("db") / "jxc-test.sqlite"
    engine = build_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    problem = _pg_available()
    if problem is not None:
        if pg_required():
            pytest.fail(f"PostgreSQL is required here but does not answer at {pg_url()}: {problem}")
        pytest.skip(f"PostgreSQL not available: {problem}")
    schema = f"jxc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        pg_url(), connect_args={"options": f"-csearch_path={schema}"}, pool_size=10, max_overflow=20
    )
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> App:
    return bootstrap(Settings(database_url=str(engine.url), secret_key=TEST_SECRET), engine=engine, clock=clock)


def ref(prefix: str = "T") -> str:
    """A random, readable reference so tests never collide on shared databases."""
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"
