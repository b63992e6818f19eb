"""Excel (.xlsx) import with downloadable templates: declare a sheet once, get template, parser and importer.

    spec.py      Column, Choice, SheetSpec — what a sheet holds (a ~30-line declaration per sheet)
    template.py  template(spec) -> bytes: data sheet + 示例 Example + 说明 README
    cells.py     one cell -> the column's type (exact Decimals, dates, yes/no, choices, lists)
    reader.py    parse(spec, data) -> ParseResult: typed rows and CellErrors by row and column
    runner.py    import_sheet(uow, spec, data, write=…, mode=…) -> ImportReport, one transaction
    report.py    error_report(errors) -> bytes (.xlsx) and format_errors(errors) -> text
    cli.py       Rich rendering and progress for the ``jxc … import`` commands

Errors: a file that cannot be read at all (not .xlsx, too many rows) raises ``InvalidInput``
(``sheet.*`` codes); everything about headings, cells and rows — including ``JxcError``\\ s the
writer's services raise — becomes a :class:`CellError` in the report. Texts live in
:mod:`jxc.kernel.messages` like every other error's.
"""

from __future__ import annotations

from jxc.sheets.reader import parse
from jxc.sheets.report import error_report, format_errors
from jxc.sheets.rows import CellError, ImportMode, ImportReport, ParsedRow, ParseResult
from jxc.sheets.runner import ProgressCallback, RowsRejected, Writer, import_sheet, per_row
from jxc.sheets.spec import EXAMPLE_TITLE, MAX_ROWS, README_TITLE, Choice, Column, Kind, SheetSpec
from jxc.sheets.template import template

__all__ = [
    "EXAMPLE_TITLE",
    "MAX_ROWS",
    "README_TITLE",
    "CellError",
    "Choice",
    "Column",
    "ImportMode",
    "ImportReport",
    "Kind",
    "ParseResult",
    "ParsedRow",
    "ProgressCallback",
    "RowsRejected",
    "SheetSpec",
    "Writer",
    "error_report",
    "format_errors",
    "import_sheet",
    "parse",
    "per_row",
    "template",
]
