"""The downloadable template of a sheet: a data sheet to fill, an example, and a README.

Layout (what :func:`jxc.sheets.reader.parse` expects back):
- sheet 1, ``spec.sheet_title``: row 1 holds the headings ``中文 / English`` (`` *`` marks a
  required column), bold and frozen, with each column's help as a cell comment; data starts
  on row 2 and the sheet is otherwise empty, so an untouched template imports zero rows.
  Text and list columns are formatted as text (leading zeros of codes survive), dates as
  ``yyyy-mm-dd``; choice and yes/no columns get a drop-down.
- sheet 2, ``示例 Example``: the same headings and one filled-in example row. Examples live
  on their own sheet rather than in grey on the data sheet, so a user who types over an
  example never has a row silently skipped, and nothing needs recognising by its style.
- sheet 3, ``说明 README``: one line per column — headings, key, type, required, choices,
  example and help in Chinese and English.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from jxc.sheets.cells import cell_text
from jxc.sheets.spec import EXAMPLE_TITLE, KIND_NAMES, LISTS_TITLE, README_TITLE, Column, SheetSpec

HEADER_FILL = "DDEBF7"
REQUIRED_FILL = "FCE4D6"
_NUMBER_FORMATS = {"text": "@", "list": "@", "date": "yyyy-mm-dd", "int": "0", "money": "0.00"}
_MAX_INLINE_LIST = 255  # Excel's limit for a drop-down list written into the validation itself


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def template(spec: SheetSpec) -> bytes:
    """The .xlsx template for ``spec``."""
    from openpyxl import Workbook  # imported on use: only imports and exports need it

    book = Workbook()
    data = book.active
    data.title = spec.sheet_title
    _heading(data, spec, comments=True)
    _validations(book, data, spec)
    example = book.create_sheet(EXAMPLE_TITLE)
    _heading(example, spec, comments=False)
    for index, column in enumerate(spec.columns, start=1):
        example.cell(row=2, column=index, value=_example_value(column))
    _readme(book.create_sheet(README_TITLE), spec)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Any, spec: SheetSpec, *, comments: bool) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor=REQUIRED_FILL if column.required else HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
        if comments and (column.help_zh or column.help_en):
            comment = Comment("\n".join(t for t in (column.help_zh, column.help_en) if t), "jxc")
            comment.width, comment.height = 320, 120
            cell.comment = comment
        letter = get_column_letter(index)
        example = cell_text(column.example) if column.example is not None else ""
        width = max(display_width(column.header), display_width(example), 8) + 3
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(width, 50)
        number_format = _NUMBER_FORMATS.get(column.kind)
        if number_format:
            dimension.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22


def _drop_down(column: Column) -> list[str]:
    if column.kind == "bool":
        return ["是", "否", "yes", "no"]
    return [name for option in column.options for name in option.names]


def _validations(book: Any, sheet: Any, spec: SheetSpec) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists: Any = None
    for index, column in enumerate(spec.columns, start=1):
        if column.kind not in ("choice", "bool"):
            continue
        names = _drop_down(column)
        inline = ",".join(names)
        if len(inline) <= _MAX_INLINE_LIST and not any("," in n or '"' in n for n in names):
            formula = f'"{inline}"'
        else:
            if lists is None:
                lists = book.create_sheet(LISTS_TITLE)
                lists.sheet_state = "hidden"
            for row, name in enumerate(names, start=1):
                lists.cell(row=row, column=index, value=name)
            letter = get_column_letter(index)
            formula = f"{quote_sheetname(LISTS_TITLE)}!${letter}$1:${letter}${len(names)}"
        # A warning, not a stop: the reader also accepts other spellings (any case, zh or en).
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning",
                                    showErrorMessage=True, errorTitle=column.header_zh[:32],
                                    error="请从列表中选择 / please pick a value from the list")
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{spec.max_rows + 1}")
        sheet.add_data_validation(validation)


def _example_value(column: Column) -> Any:
    """The example as a cell: numbers and dates as such (formatted by the column), the rest as text."""
    value = column.example
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if column.kind in ("decimal", "money", "int", "date") and isinstance(value, Decimal | int | date):
        return value
    return cell_text(value)


README_COLUMNS = (
    "列 Column", "字段 Key", "类型 Type", "必填 Required", "可选值 Choices", "示例 Example", "说明", "Description",
)


def _readme(sheet: Any, spec: SheetSpec) -> None:
    from openpyxl.styles import Alignment, Font

    intro = (
        f"{spec.title_zh} 导入模板: 在「{spec.sheet_title}」工作表第 2 行起每行填写一条记录, 不要修改第 1 行的列标题;"
        f" 标 * 的列必填。「{EXAMPLE_TITLE}」工作表有一行示例。最多 {spec.max_rows} 行。",
        f"{spec.title_en} import template: fill one record per row of the sheet '{spec.sheet_title}' from row 2"
        f" on and keep the headings in row 1; columns marked * are required. The sheet '{EXAMPLE_TITLE}'"
        f" shows an example row. At most {spec.max_rows} rows.",
        "列表用 ; 分隔; 日期写作 2026-05-01; 是/否 列填 是、否、yes 或 no; 选项不区分大小写, 中英文均可。",
        "Separate list entries with ; — write dates as 2026-05-01 — yes/no columns take 是, 否, yes or no"
        " — choices may be given in Chinese or English, in any case.",
    )
    for line in intro:
        sheet.append([line])
    sheet.append([])
    sheet.append(list(README_COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        kind_zh, kind_en = KIND_NAMES[column.kind]
        if column.max_length is not None:
            kind_zh, kind_en = f"{kind_zh}, 最多 {column.max_length} 字", f"{kind_en}, at most {column.max_length}"
        choices = "; ".join(" / ".join(option.names) for option in column.options)
        sheet.append([
            column.header, column.key, f"{kind_zh} / {kind_en}", "是 yes" if column.required else "否 no",
            choices, cell_text(column.example) if column.example is not None else "", column.help_zh,
            column.help_en,
        ])
    widths = (30, 18, 26, 12, 30, 24, 50, 60)
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
