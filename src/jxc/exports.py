"""Tables leaving jxc as files (CSV, Excel), always through the access policy's field rules.

Every export — from the API or the CLI — is built by :func:`masked_table`, so a column a role
may not see is dropped (``hide``) or filled with ``***`` (``mask``) by the same rule that shapes
JSON responses. Writers take the already-masked table; they never see the raw values.

CSV is UTF-8 with a byte-order mark (Excel on Windows reads Chinese correctly only then).
Decimals are written as exact text in CSV and as numbers with a matching format in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jxc.access.model import Policy, Principal
from jxc.kernel.errors import InvalidInput


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """Rows as dicts keyed by ``columns``; ``title`` names the sheet."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]


def masked_table(
    policy: Policy, principal: Principal | None, *, resource: str, title: str,
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
) -> Table:
    """``rows`` with ``principal``'s field rules applied (no principal: the local operator sees all)."""
    if principal is None:
        return Table(title=title, columns=tuple(columns), rows=tuple(dict(r) for r in rows))
    visible = tuple(policy.visible_columns(principal, resource, columns))
    return Table(title=title, columns=visible, rows=tuple(policy.mask_rows(principal, resource, rows)))


def parse_format(value: str) -> ExportFormat:
    try:
        return ExportFormat(value.lower())
    except ValueError:
        raise InvalidInput("field.invalid", field="format", value=value, reason="csv | xlsx") from None


def render(table: Table, fmt: ExportFormat) -> bytes:
    """The file's bytes."""
    return _csv(table) if fmt is ExportFormat.CSV else _xlsx(table)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | frozenset | set):
        return " ".join(_cell_text(v) for v in value)
    if isinstance(value, Mapping):
        return " ".join(f"{k}={_cell_text(v)}" for k, v in value.items())
    return str(value)


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell_text(row.get(c)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # imported on use: only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.title[:31] or "export")
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append([_xlsx_value(row.get(c)) for c in table.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Excel stores numbers as binary doubles; exact decimals with up to 15 significant digits
        # survive the round trip, larger ones go as text so no digit is silently changed.
        return value if len(value.as_tuple().digits) <= 15 else format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str | int | date) or value is None:
        return value
    return _cell_text(value)
