"""Error reports a user can act on: an .xlsx listing every problem, and the same as plain text.

Both list errors in sheet order (row, then the column's position), so a user fixing the file
works top to bottom.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from jxc.sheets.rows import CellError
from jxc.sheets.template import display_width

REPORT_COLUMNS = ("行 Row", "列 Column", "值 Value", "代码 Code", "原因", "Reason")


def error_report(errors: Iterable[CellError]) -> bytes:
    """An .xlsx with one line per error: row, column, the value found, and the reason in zh and en."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "错误 Errors"
    sheet.append(list(REPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [display_width(name) for name in REPORT_COLUMNS]
    for error in errors:
        line = [error.row, error.column_header, error.value, error.code, error.reason_zh, error.reason_en]
        # values go in as text: a report must show exactly what the cell held
        sheet.append(line)
        sheet.cell(row=sheet.max_row, column=3).data_type = "s"
        widths = [max(w, display_width(str(v))) for w, v in zip(widths, line, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 80)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def format_errors(errors: Iterable[CellError], *, lang: str = "en", limit: int | None = None) -> str:
    """One line per error, e.g. ``row 3, 条码 / Barcodes ("123"): barcode 123 is invalid …``."""
    zh = lang.lower().startswith("zh")
    lines: list[str] = []
    listed = list(errors)
    for error in listed[:limit] if limit is not None else listed:
        where = f"第 {error.row} 行" if zh else f"row {error.row}"
        if error.column_header:
            where += f", {error.column_header}"
        if error.value:
            where += f' ("{error.value}")'
        lines.append(f"{where}: {error.reason(lang)}")
    hidden = len(listed) - len(lines)
    if hidden:
        lines.append(f"… 另有 {hidden} 个错误" if zh else f"… and {hidden} more error(s)")
    return "\n".join(lines)
