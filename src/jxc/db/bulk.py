"""Fast executemany for append-heavy tables: values encoded once, straight to the driver.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert on the
ledger's bulk path, so the ledger's writes encode values here with the same storage format
the column types use (``Uuid`` → 32-char hex on SQLite, ``Qty`` → scaled integer,
``UtcDateTime`` → naive UTC text on SQLite) and hand tuples to the driver's cursor.
SQLAlchemy's execution layer costs ~40 µs a statement — several times SQLite's own time for a
one-row insert — so the ledger's hot statements run on the DBAPI cursor under the SQLAlchemy
connection, inside the same transaction the unit of work began and will commit.
A round-trip test keeps this format identical to what the column types read back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from jxc.kernel.quantity import QTY_SCALE

Encoder = Callable[[Any], Any]


def _qty(value: Decimal | int) -> int:
    return value * 10**QTY_SCALE if isinstance(value, int) else int(value.scaleb(QTY_SCALE))


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class BulkStatement:
    """An INSERT (optionally with an ON CONFLICT clause) over fixed columns, executed many times."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: str, *, suffix: str = "") -> None:
        self.columns = tuple(columns)
        mark = "?" if dialect == "sqlite" else "%s"
        self.sql = (
            f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES ({', '.join([mark] * len(self.columns))})"
            + (f" {suffix}" if suffix else "")
        )

    def run_encoded(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Rows whose values are already in storage form (see :class:`ValueEncoder`)."""
        if rows:
            execute_many(connection, self.sql, rows)


def _cursor(connection: Connection) -> Any:
    return connection.connection.driver_connection.cursor()  # type: ignore[union-attr]


def execute(connection: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on the driver's cursor; the rows of a query, else []."""
    cursor = _cursor(connection)
    try:
        cursor.execute(sql, tuple(params))
        return cursor.fetchall() if cursor.description is not None else []
    except connection.dialect.loaded_dbapi.Error as error:
        raise translated_error(connection, sql, params, error) from error
    finally:
        cursor.close()


def execute_many(connection: Connection, sql: str, rows: Sequence[Any]) -> None:
    cursor = _cursor(connection)
    try:
        cursor.executemany(sql, rows)
    except connection.dialect.loaded_dbapi.Error as error:
        raise translated_error(connection, sql, rows[:3], error) from error
    finally:
        cursor.close()


def translated_error(connection: Connection, sql: str, params: Any, error: Exception) -> Exception:
    """The driver's error as SQLAlchemy's (IntegrityError, OperationalError …), as callers expect."""
    return DBAPIError.instance(sql, params, error, connection.dialect.loaded_dbapi.Error)


class ValueEncoder:
    """Storage-form encoders for one dialect, with a memo for repeated timestamps."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self._times: dict[datetime, Any] = {}
        self.uid: Callable[[UUID], Any] = (lambda u: u.hex) if self.sqlite else (lambda u: u)
        self.flag: Callable[[bool], Any] = int if self.sqlite else bool
        self.qty: Callable[[Decimal | int], int] = _qty

    def uid_out(self, value: Any) -> UUID | None:
        """A stored id back to a UUID (SQLite returns the hex text, PostgreSQL a UUID)."""
        if value is None or isinstance(value, UUID):
            return value
        return UUID(hex=value)

    @staticmethod
    def date_out(value: Any) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else value

    @staticmethod
    def time_out(value: Any) -> datetime | None:
        moment: datetime | None = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment is None:
            return None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    def when(self, value: datetime) -> Any:
        found = self._times.get(value)
        if found is None:
            found = _sqlite_time(value) if self.sqlite else value.astimezone(UTC)
            if len(self._times) > 10_000:
                self._times.clear()
            self._times[value] = found
        return found
