"""Unit of work over one SQLAlchemy connection.

Only ``commit()`` commits; leaving the ``with`` block without it rolls back, so a use case
that raises half-way leaves nothing written. Events recorded during the unit are handed to
the bus after a successful commit.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from jxc.kernel.clock import Clock, SystemClock
from jxc.kernel.errors import JxcError
from jxc.kernel.events import DomainEvent, EventBus

R = TypeVar("R")


class SqlUnitOfWork:
    def __init__(
        self, engine: Engine, *, clock: Clock | None = None, bus: EventBus | None = None, read_only: bool = False,
    ) -> None:
        self.engine = engine
        self.read_only = read_only
        self.clock: Clock = clock or SystemClock()
        self.bus = bus or EventBus()
        self._connection: Connection | None = None
        self._repositories: dict[type[Any], Any] = {}
        self.events: list[DomainEvent] = []
        self._committed = False
        self._lock: Any = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._connection

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __enter__(self) -> SqlUnitOfWork:
        lock = None if self.read_only else getattr(self.engine, "jxc_write_lock", None)
        if lock is not None:
            # Same bound as SQLite's own busy timeout: a writer that waits longer gets an error, not a hang.
            if not lock.acquire(timeout=30):
                raise JxcError("database.busy", value=self.engine.url.render_as_string())
            self._lock = lock
        try:
            connection = self.engine.connect()
            if self.read_only:
                connection = connection.execution_options(jxc_read_only=True)
            self._connection = connection
            connection.begin()
        except OperationalError as exc:
            self._release()
            raise JxcError(
                "database.unavailable", value=self.engine.url.render_as_string(), reason=str(exc.orig)
            ) from exc
        self._repositories.clear()
        self.events = []
        self._committed = False
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection = self._connection
        self._connection = None
        self._repositories.clear()
        try:
            if connection is not None:
                if connection.in_transaction():
                    connection.rollback()
                connection.close()
        finally:
            self._release()
        if self._committed and exc_type is None:
            events, self.events = self.events, []
            self.bus.publish(events)

    def _release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def reader(self) -> SqlUnitOfWork:
        """A read-only unit of work on the same engine and clock (on SQLite it never blocks a writer)."""
        return SqlUnitOfWork(self.engine, clock=self.clock, bus=self.bus, read_only=True)

    def repository(self, factory: type[R]) -> R:
        """The repository of type ``factory`` bound to this unit's connection (one per unit)."""
        repo = self._repositories.get(factory)
        if repo is None:
            repo = factory(self.connection)  # type: ignore[call-arg]
            self._repositories[factory] = repo
        return repo

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.connection.commit()
        self._committed = True

    def rollback(self) -> None:
        self.connection.rollback()
