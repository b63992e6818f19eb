"""Importing a sheet: parse it, hand the valid rows to a writer, keep all or only the good rows.

The writer (``write(uow, rows)``) is the sheet's use case: it turns typed rows into service
calls. It runs on a view of the caller's unit of work whose ``commit()`` does nothing, inside
a savepoint per batch, so:

- a batch that raises is rolled back to its savepoint — on PostgreSQL too, where a failed
  statement would otherwise poison the whole transaction — and retried in halves until each
  error is pinned to the row (or group of rows) that causes it; the writer can shortcut this
  by raising :class:`RowsRejected` naming the bad rows, after which the rest are retried;
- a ``JxcError`` is reported against its row, and against the column its ``field`` names
  (for a group of rows: the row whose cell in that column holds the error's ``value``, else
  the group's first row — or exactly the rows a writer names in ``RowsRejected``);
  any other exception is a bug and propagates (the caller's unit of work rolls back);
- the import commits once, at the end: in ``all_or_nothing`` mode only when there was no
  error at all, in ``valid_only`` mode when at least one row went in;
- every row that is not imported in ``valid_only`` mode has at least one error line.

Writers call services that commit themselves (harmless here) but must not call a service that
rolls back by itself (such as ``Ledger.post``): use its in-transaction form (``Ledger.post_in``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn, TypeVar

from sqlalchemy import Connection

from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput, JxcError
from jxc.sheets.reader import parse
from jxc.sheets.rows import CellError, ImportMode, ImportReport, ParsedRow, ParseResult
from jxc.sheets.spec import SheetSpec

T = TypeVar("T")
Writer = Callable[[SqlUnitOfWork, Sequence[ParsedRow]], None]
ProgressCallback = Callable[[int, int], None]
Group = list[ParsedRow]

CHUNK_ROWS = 500


class RowsRejected(Exception):
    """Raised by a writer: these rows (by row number) cannot be imported, for these reasons."""

    def __init__(self, failures: Mapping[int, JxcError]) -> None:
        super().__init__(f"{len(failures)} row(s) rejected")
        self.failures = dict(failures)


def per_row(rows: Sequence[ParsedRow], build: Callable[[ParsedRow], T]) -> list[T]:
    """``build(row)`` for every row, or :class:`RowsRejected` naming each row whose build raised a JxcError."""
    built: list[T] = []
    failures: dict[int, JxcError] = {}
    for row in rows:
        try:
            built.append(build(row))
        except JxcError as error:
            failures[row.row_number] = error
    if failures:
        raise RowsRejected(failures)
    return built


def import_sheet(
    uow: SqlUnitOfWork,
    spec: SheetSpec,
    data: bytes | ParseResult,
    *,
    write: Writer,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Parse ``data`` as ``spec`` and import its rows through ``write`` in ``uow`` (one transaction).

    ``data`` may also be the :func:`parse` result of the file, read before the unit of work
    began, so a large file does not hold the database's write lock while it is being read.
    """
    checked_mode = _mode(mode)
    parsed = data if isinstance(data, ParseResult) else parse(spec, data)
    groups, errors = _groups(spec, parsed)
    scope = _ImportScope(uow)
    written = 0
    done = len(parsed.rejected)
    if progress is not None:
        progress(done, parsed.total_rows)
    for batch in _batches(groups, chunk_rows):
        written += _attempt(scope, spec, write, batch, errors)
        done += sum(len(group) for group in batch)
        if progress is not None:
            progress(done, parsed.total_rows)
    order = {column.key: index for index, column in enumerate(spec.columns)}
    errors.sort(key=lambda e: (e.row, order.get(e.column_key or "", -1)))
    keep = written > 0 and (checked_mode is ImportMode.VALID_ONLY or not errors)
    if keep:
        for event in scope.events:
            uow.record(event)
        uow.commit()
    else:
        uow.rollback()
    return ImportReport(sheet=spec.name, mode=checked_mode, total_rows=parsed.total_rows,
                        imported=written if keep else 0, errors=tuple(errors))


def _mode(mode: ImportMode | str) -> ImportMode:
    try:
        return ImportMode(mode)
    except ValueError:
        raise InvalidInput("field.invalid", field="mode", value=str(mode),
                           reason="all_or_nothing | valid_only") from None


def _group_key(spec: SheetSpec, row: ParsedRow) -> tuple[object, ...]:
    key = tuple(row.values.get(k) for k in spec.group_by)
    # rows without a complete group key stand alone
    return key if spec.group_by and all(p is not None for p in key) else ("#row", row.row_number)


def _groups(spec: SheetSpec, parsed: ParseResult) -> tuple[list[Group], list[CellError]]:
    """Valid rows in groups (file order); groups with a rejected row are left out, their other rows noted."""
    errors = list(parsed.errors)
    groups: dict[tuple[object, ...], Group] = {}
    for row in parsed.rows:
        groups.setdefault(_group_key(spec, row), []).append(row)
    for bad in parsed.rejected:
        key = _group_key(spec, bad)
        errors.extend(_companions(spec, groups.pop(key, []), bad.row_number, key))
    return list(groups.values()), errors


def _companions(spec: SheetSpec, rows: Sequence[ParsedRow], bad_row: int, key: tuple[object, ...]) -> list[CellError]:
    """An error line for each row skipped only because another row of its group failed."""
    if not rows:
        return []
    column = spec.column(spec.group_by[0])
    text = " / ".join(str(part) for part in key)
    return [CellError.of(InvalidInput("sheet.group_has_errors", field=column.key, row=bad_row, key=text),
                         row=row.row_number, column=column, value=row.cells.get(column.key, ""))
            for row in rows]


def _batches(groups: list[Group], chunk_rows: int) -> list[list[Group]]:
    """Whole groups, about ``chunk_rows`` rows a batch."""
    batches: list[list[Group]] = []
    current: list[Group] = []
    size = 0
    for group in groups:
        current.append(group)
        size += len(group)
        if size >= chunk_rows:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _attempt(scope: _ImportScope, spec: SheetSpec, write: Writer, batch: list[Group], errors: list[CellError]) -> int:
    """Write ``batch`` in a savepoint; on failure narrow down to the failing groups. Rows written."""
    if not batch:
        return 0
    rows = [row for group in batch for row in group]
    savepoint = scope.connection.begin_nested()
    mark = len(scope.events)
    try:
        write(scope, rows)
    except RowsRejected as rejected:
        savepoint.rollback()
        del scope.events[mark:]
        failed = {id(g) for g in batch if any(r.row_number in rejected.failures for r in g)}
        if not failed:
            raise RuntimeError(f"{spec.name} writer rejected rows it was not given") from rejected
        for group in batch:
            if id(group) in failed:
                errors.extend(_group_errors(spec, group, rejected.failures))
        return _attempt(scope, spec, write, [g for g in batch if id(g) not in failed], errors)
    except JxcError as error:
        savepoint.rollback()
        del scope.events[mark:]
        if len(batch) == 1:
            errors.extend(_group_errors(spec, batch[0], {_culprit(spec, batch[0], error): error}))
            return 0
        middle = len(batch) // 2
        return _attempt(scope, spec, write, batch[:middle], errors) + _attempt(scope, spec, write, batch[middle:], errors)
    savepoint.commit()
    return len(rows)


def _culprit(spec: SheetSpec, group: Group, error: JxcError) -> int:
    """The row of ``group`` an error is about: the one whose cell holds the error's value, else the first."""
    column = spec.column_for_field(error.field)
    value = error.params.get("value")
    if column is not None and value is not None:
        for row in group:
            if row.cells.get(column.key) == str(value):
                return row.row_number
    return group[0].row_number


def _group_errors(spec: SheetSpec, group: Group, failures: Mapping[int, JxcError]) -> list[CellError]:
    found: list[CellError] = []
    for row in group:
        error = failures.get(row.row_number)
        if error is not None:
            column = spec.column_for_field(error.field)
            value = row.cells.get(column.key, "") if column else ""
            found.append(CellError.of(error, row=row.row_number, column=column, value=value))
    failed_rows = [row for row in group if row.row_number in failures]
    others = [row for row in group if row.row_number not in failures]
    if failed_rows and others:
        found.extend(_companions(spec, others, failed_rows[0].row_number, _group_key(spec, group[0])))
    return found


class _ImportScope(SqlUnitOfWork):
    """The caller's unit of work as a writer sees it: same connection, clock and bus.

    ``commit()`` does nothing — the import commits once, at the end. Events are kept here
    until then, and dropped with the savepoint of a batch that failed.
    """

    def __init__(self, outer: SqlUnitOfWork) -> None:
        super().__init__(outer.engine, clock=outer.clock, bus=outer.bus)
        self._outer = outer

    @property
    def connection(self) -> Connection:
        return self._outer.connection

    def __enter__(self) -> NoReturn:
        raise RuntimeError("an import's unit of work is already open")

    def commit(self) -> None:
        """Nothing: the import commits once, after the last row."""

    def rollback(self) -> None:
        raise RuntimeError("a sheet writer cannot roll back the import: raise a JxcError or RowsRejected")
