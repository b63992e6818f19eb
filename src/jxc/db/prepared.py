"""Core statements compiled once per dialect and run on the driver's cursor.

A document step writes a dozen one-row statements (the document, its history, links to the
ledger, valuations, the pool, a voucher and its lines). Through ``Connection.execute`` each
pays SQLAlchemy's execution context — about 40 µs, several times SQLite's own time for a
one-row write — so the hot ones run here instead: the statement is compiled once per dialect
by SQLAlchemy and its parameters go through the same bind processors SQLAlchemy itself would
apply (``Uuid``, ``Qty``, ``UtcDateTime``, JSON …), so what reaches the database is identical.
They run inside the transaction the unit of work began, on the same DBAPI connection.

Rows a SELECT or RETURNING produces go through the columns' result processors too, and come
back as named tuples (``row.id``), so a read here sees what ``Connection.execute`` would give.
A round-trip test runs every prepared statement against SQLAlchemy's own execution on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from jxc.db.bulk import execute_many, translated_error

_MISSING = object()


@dataclass(frozen=True)
class _Form:
    """A statement compiled for one dialect: its text and how to turn named values into parameters."""

    sql: str
    positional: bool
    # (parameter name in the SQL, caller's key, fixed value or _MISSING, bind processor or None)
    binds: tuple[tuple[str, str, Any, Callable[[Any], Any] | None], ...]
    row_type: Any  # a namedtuple of the result columns (None for a statement without rows)
    results: tuple[Callable[[Any], Any] | None, ...]

    def row(self, raw: Sequence[Any]) -> Any:
        return self.row_type._make(
            value if process is None or value is None else process(value)
            for value, process in zip(raw, self.results, strict=True)
        )

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        out: list[Any] = []
        for _name, key, fixed, process in self.binds:
            value = values[key] if fixed is _MISSING else fixed
            out.append(process(value) if process is not None and value is not None else value)
        if self.positional:
            return out
        return {name: value for (name, *_rest), value in zip(self.binds, out, strict=True)}


class Prepared:
    """One statement; ``run`` executes it with named values and returns the driver cursor's rows."""

    def __init__(self, statement: ClauseElement, *, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._forms: dict[str, _Form] = {}

    @classmethod
    def insert(cls, table: Table, columns: Sequence[str]) -> Prepared:
        """``INSERT INTO table (columns) VALUES (…)``, values named by column."""
        for column in columns:
            if column not in table.c:
                raise KeyError(f"{table.name} has no column {column!r}")
        return cls(insert(table), column_keys=columns)

    def form(self, dialect: Dialect) -> _Form:
        found = self._forms.get(dialect.name)
        if found is None:
            found = self._forms[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Form:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SQL statement: {self.statement!r}")
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        names = list(compiled.positiontup or []) if compiled.positional else list(by_name)
        binds = []
        for name in names:
            bind = by_name[name]
            fixed = _MISSING if bind.required else bind.effective_value
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            binds.append((name, bind.key, fixed, process))
        columns = list(getattr(self.statement, "exported_columns", ()))
        row_type = namedtuple("Row", [c.key for c in columns], rename=True) if columns else None
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        return _Form(sql=compiled.string, positional=compiled.positional, binds=tuple(binds), row_type=row_type,
                     results=results)

    def run(self, connection: Connection, values: Mapping[str, Any]) -> _Outcome:
        """Execute once; the rows a RETURNING or SELECT produced (raw driver values) and the row count."""
        form = self.form(connection.dialect)
        params = form.parameters(values)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(form.sql, params)
            rows = [form.row(raw) for raw in cursor.fetchall()] if cursor.description is not None else []
            return _Outcome(rows=rows, rowcount=cursor.rowcount)
        except connection.dialect.loaded_dbapi.Error as error:
            raise translated_error(connection, form.sql, params, error) from error
        finally:
            cursor.close()

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        form = self.form(connection.dialect)
        execute_many(connection, form.sql, [form.parameters(row) for row in rows])


@dataclass(frozen=True)
class _Outcome:
    rows: list[Any]
    rowcount: int

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def first(self) -> Any:
        return self.rows[0] if self.rows else None


__all__ = ["Prepared"]
