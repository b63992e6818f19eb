"""General-ledger export of vouchers: CSV and Excel in the layout of 金蝶/用友 voucher import templates.

Not pure: it writes files (CSV with the standard library, ``.xlsx`` with openpyxl).

Invariants:
- one row per voucher line, in voucher order then line order; :data:`COLUMNS` is the single source
  of the header, the README sheet and docs/vouchers.md;
- amounts stay ``Decimal`` until the cell boundary: CSV gets their exact text (``1130.00``), Excel
  gets a numeric cell with number format ``0.00``; Excel keeps 15 significant digits, so amounts of
  10¹³ or more are refused rather than silently altered;
- CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly;
- only numbered vouchers are exported — a GL import needs 凭证字 + 凭证号 to group lines.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Final

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jxc.accounting.vouchers import Voucher, VoucherLine
from jxc.kernel.errors import InvalidInput
from jxc.kernel.money import MONEY_QUANTUM

UNIT_PRICE_QUANTUM: Final = Decimal("0.0001")
EXCEL_LIMIT: Final = Decimal(10) ** 13
AMOUNT_FORMAT: Final = "0.00"
PRICE_FORMAT: Final = "0.0000"
DATE_FORMAT: Final = "yyyy-mm-dd"
# "/" is not allowed in an Excel sheet name, so the README sheet cannot be called "说明/README".
README_SHEET: Final = "说明 README"
VOUCHER_SHEET: Final = "凭证"
DIM_LABELS: Final = (("partner", "往来单位"), ("item", "存货"), ("site", "仓库"), ("department", "部门"))
RATE_ONE: Final = Decimal("1")


@dataclass(frozen=True, slots=True)
class Column:
    zh: str
    en: str
    note: str


COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "核算组织",
        "Organisation",
        "Code of the organisation (the set of books, 账套) the voucher belongs to.",
    ),
    Column("凭证日期", "Voucher date", "Date of the business event, YYYY-MM-DD."),
    Column("会计年度", "Fiscal year", "Year of the accounting period (calendar year)."),
    Column("会计期间", "Period", "Month of the accounting period, 1-12."),
    Column("凭证字", "Voucher word", "Voucher type word, 记 by default."),
    Column(
        "凭证号", "Voucher number", "Sequence within organisation, period and word (记-2026-12-0001 is 1)."
    ),
    Column("分录序号", "Line number", "1-based line number within the voucher."),
    Column("摘要", "Summary", "Chinese summary: business type and document number."),
    Column("科目代码", "Account code", "Leaf account code of the chart (4-2-2)."),
    Column("科目名称", "Account name", "Chinese account name."),
    Column("借方金额", "Debit", "Debit amount in CNY, two decimals; 0 on a credit line."),
    Column("贷方金额", "Credit", "Credit amount in CNY, two decimals; 0 on a debit line."),
    Column("币别", "Currency", "ISO 4217 currency code; always CNY."),
    Column("汇率", "Exchange rate", "Rate to the book currency; always 1."),
    Column(
        "原币金额", "Amount in currency", "The line's amount in its currency (equal to the debit or credit)."
    ),
    Column("数量", "Quantity", "Quantity in the item's base unit, on item-tracked accounts; else empty."),
    Column("单价", "Unit price", "Amount / quantity, four decimals, when a quantity is given."),
    Column(
        "核算项目",
        "Auxiliary dimensions",
        "类别:代码 pairs joined by ';' in this order: "
        "往来单位 (partner), 存货 (item), 仓库 (site), 部门 (department).",
    ),
    Column("制单人", "Prepared by", "Who prepared the voucher."),
    Column("附件数", "Attachments", "Number of attached source documents."),
    Column("业务单据号", "Source document", "The business document number the voucher derives from."),
)
HEADER: Final = tuple(column.zh for column in COLUMNS)
_DEBIT, _CREDIT, _ORIGINAL = HEADER.index("借方金额"), HEADER.index("贷方金额"), HEADER.index("原币金额")
_PRICE, _DATE = HEADER.index("单价"), HEADER.index("凭证日期")

Cell = str | int | Decimal | date | None


def voucher_rows(vouchers: Iterable[Voucher]) -> Iterator[tuple[Cell, ...]]:
    """The export rows, one per voucher line, with amounts still ``Decimal``."""
    for voucher in vouchers:
        if voucher.seq is None:
            raise InvalidInput("voucher.unnumbered", field="seq", document=voucher.document_ref)
        for index, line in enumerate(voucher.lines, start=1):
            yield _row(voucher, index, line)


def _row(voucher: Voucher, index: int, line: VoucherLine) -> tuple[Cell, ...]:
    amount = line.amount
    if amount >= EXCEL_LIMIT:
        raise InvalidInput(
            "export.amount_too_large", field="amount", value=amount, document=voucher.document_ref
        )
    price = (amount / line.quantity).quantize(UNIT_PRICE_QUANTUM) if line.quantity else None
    dims = ";".join(f"{label}:{getattr(line, name)}" for name, label in DIM_LABELS if getattr(line, name))
    return (
        voucher.organisation,
        voucher.date,
        voucher.date.year,
        voucher.date.month,
        voucher.word,
        voucher.seq,
        index,
        line.summary_zh,
        line.account.code,
        line.account.name_zh,
        line.debit.quantize(MONEY_QUANTUM),
        line.credit.quantize(MONEY_QUANTUM),
        voucher.currency,
        RATE_ONE,
        amount.quantize(MONEY_QUANTUM),
        line.quantity,
        price,
        dims,
        voucher.preparer,
        voucher.attachments,
        voucher.document_ref,
    )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never exponent form (1E+2) in a file a GL system parses
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_vouchers_csv(vouchers: Iterable[Voucher], path_or_stream: str | os.PathLike[str] | IO[str]) -> int:
    """Write the GL layout as UTF-8 CSV with BOM; returns the number of line rows written."""
    if isinstance(path_or_stream, str | os.PathLike):
        with Path(path_or_stream).open("w", encoding="utf-8-sig", newline="") as file:
            return _write_csv(vouchers, file)
    path_or_stream.write("\ufeff")  # the BOM utf-8-sig would have written; the stream must be UTF-8
    return _write_csv(vouchers, path_or_stream)


def _write_csv(vouchers: Iterable[Voucher], file: IO[str]) -> int:
    writer = csv.writer(file, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for row in voucher_rows(vouchers):
        writer.writerow([_text(value) for value in row])
        count += 1
    return count


def write_vouchers_xlsx(vouchers: Iterable[Voucher], path: str | os.PathLike[str]) -> int:
    """Write the GL layout as an Excel workbook with a README sheet; returns the number of line rows."""
    rows = list(voucher_rows(vouchers))  # validate everything before creating the file
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = VOUCHER_SHEET
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        sheet.append(row)  # openpyxl turns Decimal into a number only when it writes the cell
        for column, number_format in (
            (_DEBIT, AMOUNT_FORMAT),
            (_CREDIT, AMOUNT_FORMAT),
            (_ORIGINAL, AMOUNT_FORMAT),
        ):
            sheet.cell(row=row_number, column=column + 1).number_format = number_format
        sheet.cell(row=row_number, column=_PRICE + 1).number_format = PRICE_FORMAT
        sheet.cell(row=row_number, column=_DATE + 1).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    _widths(sheet, [len(h) * 2 + 4 for h in HEADER])
    _readme(book.create_sheet(README_SHEET))
    book.save(Path(path))
    return len(rows)


def _readme(sheet: Worksheet) -> None:
    sheet.append(("列 Column", "字段", "Field", "说明 Description"))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.append((get_column_letter(index), column.zh, column.en, column.note))
    _widths(sheet, [10, 14, 22, 100])


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
