"""Reading a filled-in sheet: find the columns by their headings, type every cell, report what is wrong.

Invariants:
- nothing but ``InvalidInput`` leaves :func:`parse` for a bad file: a file that is not an
  .xlsx workbook, or has more than ``max_rows`` data rows, is refused as a whole; everything
  else (headings, cells, duplicates) comes back as :class:`CellError`\\ s with the
  spreadsheet's row number;
- headings are matched in Chinese, in English, by key or in the template's combined form,
  ignoring case, spaces and the required marker ``*``; with any heading error no row is read,
  because a misplaced column would put every value in the wrong field;
- blank rows (nothing in any known column) are skipped and not counted;
- of two rows with the same ``key_columns`` values, the later one is refused.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from jxc.kernel.errors import InvalidInput, JxcError
from jxc.sheets.cells import cell_text, converter, is_blank
from jxc.sheets.rows import CellError, ParsedRow, ParseResult
from jxc.sheets.spec import RESERVED_TITLES, Column, SheetSpec, heading_name

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted .xlsx


def parse(spec: SheetSpec, data: bytes, *, sheet: str | None = None, max_rows: int | None = None) -> ParseResult:
    """Read ``spec``'s data sheet (or the sheet titled ``sheet``) from the .xlsx bytes ``data``."""
    book = _open(data)
    try:
        rows = _rows(book, spec, sheet)
        try:
            return _Reader(spec, max_rows or spec.max_rows).read(rows)
        except JxcError:
            raise
        except Exception as exc:  # damaged XML inside the zip: openpyxl raises whatever its parser raises
            raise InvalidInput("sheet.not_xlsx", field="file") from exc
    finally:
        book.close()


def _open(data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise InvalidInput("sheet.legacy_xls", field="file")
    if not data.startswith(_ZIP_MAGIC):
        raise InvalidInput("sheet.not_xlsx", field="file")
    from openpyxl import load_workbook  # imported on use: only imports and exports need it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops on reading (extensions, default styles);
            # values are all an import needs.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook fails in many ways; all mean the same here
        raise InvalidInput("sheet.not_xlsx", field="file") from exc


def _rows(book: Any, spec: SheetSpec, sheet: str | None) -> Iterator[tuple[Any, ...]]:
    titles: list[str] = list(book.sheetnames)
    if sheet is not None:
        if sheet not in titles:
            raise InvalidInput("sheet.no_such_sheet", field="sheet", value=sheet, sheets=", ".join(titles))
        title = sheet
    elif spec.sheet_title in titles:
        title = spec.sheet_title
    else:
        candidates = [t for t in titles if t not in RESERVED_TITLES and hasattr(book[t], "iter_rows")]
        if not candidates:
            raise InvalidInput("sheet.no_such_sheet", field="sheet", value=spec.sheet_title, sheets=", ".join(titles))
        title = candidates[0]
    worksheet = book[title]
    worksheet.reset_dimensions()  # some writers record a wrong sheet size; read what is there
    rows: Iterator[tuple[Any, ...]] = worksheet.iter_rows(values_only=True)
    return rows


class _Reader:
    def __init__(self, spec: SheetSpec, max_rows: int) -> None:
        self.spec = spec
        self.max_rows = max_rows
        self.converters = {c.key: converter(c) for c in spec.columns}
        self.errors: list[CellError] = []
        self._heading_errors = False

    def read(self, rows: Iterator[Sequence[Any]]) -> ParseResult:
        layout = self._layout(next(rows, ()))
        good: list[ParsedRow] = []
        rejected: list[ParsedRow] = []
        seen_keys: dict[tuple[Any, ...], int] = {}
        total = 0
        for row_number, raw_row in enumerate(rows, start=2):
            cells = {column.key: raw_row[index] for index, column in layout if index < len(raw_row)}
            if all(is_blank(value) for value in cells.values()):
                continue
            total += 1
            if total > self.max_rows:
                raise InvalidInput("sheet.too_many_rows", field="file", limit=self.max_rows)
            if not self._heading_errors:
                row, failed = self._row(row_number, cells, seen_keys)
                (rejected if failed else good).append(row)
        return ParseResult(rows=good, errors=self.errors, total_rows=total, rejected=rejected)

    # --- headings ---------------------------------------------------------------------------

    def _layout(self, heading: Sequence[Any]) -> list[tuple[int, Column]]:
        names = {name: column for column in self.spec.columns for name in column.heading_names}
        layout: list[tuple[int, Column]] = []
        found: dict[str, int] = {}
        for index, raw in enumerate(heading):
            text = cell_text(raw)
            if not text:
                continue
            column = names.get(heading_name(text))
            if column is None:
                self._heading_error("sheet.unknown_column", header=text, value=text)
            elif column.key in found:
                self._heading_error("sheet.duplicate_column", header=text, value=text, column=column)
            else:
                found[column.key] = index
                layout.append((index, column))
        for column in self.spec.columns:
            if column.required and column.key not in found:
                self._heading_error("sheet.missing_column", header=column.label, value="", column=column)
        return layout

    def _heading_error(self, code: str, *, header: str, value: str, column: Column | None = None) -> None:
        self._heading_errors = True
        error = InvalidInput(code, field=column.key if column else None, value=value, header=header)
        self.errors.append(CellError.of(error, row=1, column=column, value=value, header=header))

    # --- rows -------------------------------------------------------------------------------

    def _row(
        self, row_number: int, cells: dict[str, Any], seen_keys: dict[tuple[Any, ...], int]
    ) -> tuple[ParsedRow, bool]:
        """The typed row (bad cells ``None``) and whether it had errors."""
        values: dict[str, Any] = {}
        texts = {key: cell_text(raw) for key, raw in cells.items()}
        failed = False
        for column in self.spec.columns:
            raw = cells.get(column.key)
            value = None
            if not is_blank(raw):
                try:
                    value = self.converters[column.key](raw)
                except InvalidInput as bad:
                    self.errors.append(CellError.of(bad, row=row_number, column=column, value=texts[column.key]))
                    failed = True
                    continue
            if value is None and column.required:
                blank = InvalidInput("sheet.required", field=column.key, value="")
                self.errors.append(CellError.of(blank, row=row_number, column=column, value=texts.get(column.key, "")))
                failed = True
            values[column.key] = value
        if self.spec.key_columns:
            key = tuple(values.get(k) for k in self.spec.key_columns)
            if all(part is not None for part in key):
                first = seen_keys.setdefault(key, row_number)
                if first != row_number:
                    column = self.spec.column(self.spec.key_columns[0])
                    repeat = InvalidInput("sheet.duplicate_row", field=column.key, first_row=first,
                                          key=" / ".join(cell_text(part) for part in key))
                    self.errors.append(CellError.of(repeat, row=row_number, column=column, value=texts[column.key]))
                    failed = True
        return ParsedRow(row_number=row_number, values=values, cells=texts), failed
