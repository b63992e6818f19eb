"""The general-ledger export: CSV with BOM and Excel, one row per voucher line, exact to the fen."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jxc.accounting.chart import default_mapping
from jxc.accounting.export import (
    COLUMNS,
    HEADER,
    README_SHEET,
    VOUCHER_SHEET,
    write_vouchers_csv,
    write_vouchers_xlsx,
)
from jxc.accounting.vouchers import Amounts, ValuedEvent, Voucher, number_vouchers, vouchers_for
from jxc.kernel.errors import InvalidInput

D = Decimal
DOCS = Path(__file__).resolve().parents[2] / "docs" / "vouchers.md"


def sample_vouchers() -> tuple[Voucher, ...]:
    """A purchase and a sale with awkward fen amounts, numbered."""
    mapping = default_mapping()
    receipt = ValuedEvent(
        kind="purchase_receipt",
        organisation="ORG-A",
        date=date(2026, 12, 5),
        document_ref="PO-2026-000123",
        amounts=Amounts(cost=D("1234567.89"), vat=D("160493.83")),
        partner="SUP-1",
        item="SKU-1",
        site="WH-1",
        quantity=D("3"),
    )
    sale = ValuedEvent(
        kind="sale_shipment",
        organisation="ORG-A",
        date=date(2026, 12, 6),
        document_ref="SO-2026-000045",
        amounts=Amounts(net=D("0.10"), vat=D("0.01"), cost=D("0.07")),
        partner="CUST-1",
        item="SKU-2",
        site="WH-1",
    )
    return number_vouchers([vouchers_for(receipt, mapping=mapping), vouchers_for(sale, mapping=mapping)])


def column(name: str) -> int:
    return HEADER.index(name)


def test_the_csv_has_a_bom_a_chinese_header_and_one_row_per_line(tmp_path: Path) -> None:
    path = tmp_path / "gl.csv"
    written = write_vouchers_csv(sample_vouchers(), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(HEADER)
    assert written == len(rows) - 1 == 3 + 5
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["凭证日期"] == "2026-12-05"
    assert (first["会计年度"], first["会计期间"], first["凭证字"], first["凭证号"], first["分录序号"]) == (
        "2026",
        "12",
        "记",
        "1",
        "1",
    )
    assert (first["科目代码"], first["科目名称"]) == ("1405", "库存商品")
    assert (first["借方金额"], first["贷方金额"], first["原币金额"]) == ("1234567.89", "0.00", "1234567.89")
    assert (first["币别"], first["汇率"], first["数量"], first["单价"]) == ("CNY", "1", "3", "411522.6300")
    assert first["核算项目"] == "存货:SKU-1;仓库:WH-1"
    assert first["摘要"] == "采购入库 PO-2026-000123" and first["业务单据号"] == "PO-2026-000123"
    payable = dict(zip(HEADER, rows[3], strict=True))
    assert (payable["贷方金额"], payable["核算项目"], payable["数量"]) == ("1395061.72", "往来单位:SUP-1", "")


def test_the_csv_totals_balance_exactly(tmp_path: Path) -> None:
    path = tmp_path / "gl.csv"
    write_vouchers_csv(sample_vouchers(), path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sum(D(r["借方金额"]) for r in rows) == sum(D(r["贷方金额"]) for r in rows) == D("1395061.90")


def test_the_csv_can_go_to_an_open_text_stream() -> None:
    stream = io.StringIO()
    assert write_vouchers_csv(sample_vouchers(), stream) == 8
    assert stream.getvalue().startswith("\ufeff核算组织,凭证日期")


def test_the_xlsx_reads_back_balanced_and_exact_to_the_fen(tmp_path: Path) -> None:
    vouchers = sample_vouchers()
    path = tmp_path / "gl.xlsx"
    assert write_vouchers_xlsx(vouchers, path) == 8
    book = load_workbook(path)
    assert book.sheetnames == [VOUCHER_SHEET, README_SHEET]
    sheet = book[VOUCHER_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADER)
    body = rows[1:]

    def fen(value: object) -> Decimal:
        assert isinstance(value, int | float), value
        return D(repr(value)).quantize(D("0.01"))

    debits = [fen(row[column("借方金额")]) for row in body]
    credits = [fen(row[column("贷方金额")]) for row in body]
    assert sum(debits) == sum(credits) == D("1395061.90")
    expected = [(line.debit, line.credit) for voucher in vouchers for line in voucher.lines]
    assert list(zip(debits, credits, strict=True)) == expected
    # the value stored in the cell is exactly the amount, not merely close to it after rounding
    assert all(D(repr(row[column("借方金额")])) == debit for row, debit in zip(body, debits, strict=True))
    assert sheet.cell(row=2, column=column("借方金额") + 1).number_format == "0.00"
    date_cell = sheet.cell(row=2, column=column("凭证日期") + 1).value
    assert isinstance(date_cell, datetime) and date_cell.date() == date(2026, 12, 5)
    assert [row[column("凭证号")] for row in body] == [1, 1, 1, 2, 2, 2, 2, 2]


def test_the_xlsx_readme_sheet_lists_every_column_in_chinese_and_english(tmp_path: Path) -> None:
    path = tmp_path / "gl.xlsx"
    write_vouchers_xlsx(sample_vouchers(), path)
    readme = list(load_workbook(path)[README_SHEET].iter_rows(values_only=True))[1:]
    assert [(row[1], row[2]) for row in readme] == [(c.zh, c.en) for c in COLUMNS]


def test_unnumbered_vouchers_are_not_exported(tmp_path: Path) -> None:
    unnumbered = [replace(v, seq=None) for v in sample_vouchers()]
    with pytest.raises(InvalidInput) as info:
        write_vouchers_xlsx(unnumbered, tmp_path / "gl.xlsx")
    assert info.value.code == "voucher.unnumbered"
    assert not (tmp_path / "gl.xlsx").exists()


def test_amounts_beyond_excels_precision_are_refused(tmp_path: Path) -> None:
    huge = ValuedEvent(
        kind="opening_balance",
        organisation="ORG-A",
        date=date(2026, 1, 1),
        document_ref="OB-1",
        amounts=Amounts(cost=D("10000000000000.00")),
        item="SKU-1",
        site="WH-1",
    )
    vouchers = number_vouchers([vouchers_for(huge, mapping=default_mapping())])
    with pytest.raises(InvalidInput) as info:
        write_vouchers_csv(vouchers, io.StringIO())
    assert info.value.code == "export.amount_too_large"


def test_the_docs_describe_every_export_column() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for col in COLUMNS:
        assert f"| {col.zh} | {col.en} |" in text, col.zh
