"""The sheet framework without a database: templates, typed parsing, errors by row and column, reports."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from jxc.kernel.errors import InvalidInput
from jxc.kernel.messages import MESSAGES
from jxc.sheets import (
    EXAMPLE_TITLE,
    README_TITLE,
    CellError,
    Choice,
    Column,
    ImportMode,
    ImportReport,
    SheetSpec,
    error_report,
    format_errors,
    parse,
    template,
)

SPEC = SheetSpec(
    name="things",
    title_zh="物品",
    title_en="Things",
    key_columns=("code",),
    columns=(
        Column("code", "编码", "Code", required=True, max_length=8, example="A-1"),
        Column("qty", "数量", "Quantity", "decimal", required=True, example=Decimal("2.5")),
        Column("price", "单价", "Price", "money", example=Decimal("9.90")),
        Column("count", "件数", "Count", "int", example=3),
        Column("due", "到期日", "Due date", "date", example=date(2026, 5, 1)),
        Column("active", "启用", "Active", "bool", example=True),
        Column("mode", "方式", "Mode", "choice", example="lot",
               choices=(Choice("none", "不追踪", "none"), Choice("lot", "批次", "lot"))),
        Column("tags", "标签", "Tags", "list", example="红;大", help_zh="用 ; 分隔", help_en="separated by ;"),
    ),
)
HEADERS = [c.header for c in SPEC.columns]


def xlsx(rows: list[list[Any]], *, headers: list[Any] | None = None, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    sheet.append(HEADERS if headers is None else headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**values: Any) -> list[Any]:
    base: dict[str, Any] = {"code": "A-1", "qty": "1"}
    base.update(values)
    return [base.get(c.key) for c in SPEC.columns]


def codes(errors: list[CellError]) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column_key, e.code) for e in errors]


# --- typed parsing --------------------------------------------------------------------------


def test_cells_are_typed_by_column_kind() -> None:
    data = xlsx([row(code="A-1", qty="12.50", price=Decimal("9.9"), count=24.0, due=datetime(2026, 5, 1),
                     active="是", mode="批次", tags="红; 大；小,蓝")])
    result = parse(SPEC, data)
    assert result.errors == []
    (parsed,) = result.rows
    assert parsed.row_number == 2
    assert parsed.values == {
        "code": "A-1", "qty": Decimal("12.50"), "price": Decimal("9.9"), "count": 24, "due": date(2026, 5, 1),
        "active": True, "mode": "lot", "tags": ("红", "大", "小", "蓝"),
    }
    assert isinstance(parsed.values["count"], int)


def test_float_cells_become_the_decimal_excel_shows_without_binary_noise() -> None:
    data = xlsx([row(code="A", qty=0.1), row(code="B", qty=0.1 + 0.2), row(code="C", qty=1234567.891),
                 row(code="D", qty=-0.000001)])
    quantities = [r.values["qty"] for r in parse(SPEC, data).rows]
    assert quantities == [Decimal("0.1"), Decimal("0.3"), Decimal("1234567.891"), Decimal("-0.000001")]
    assert str(quantities[0]) == "0.1"


def test_numbers_in_text_columns_are_read_without_a_fraction_or_exponent() -> None:
    spec = SheetSpec("codes", "编码", "Codes", (Column("code", "编码", "Code", required=True),))
    book = Workbook()
    sheet = book.active
    for value in ("Code", 1001, 6901234567892.0, 0.1):
        sheet.append([value])
    buffer = io.BytesIO()
    book.save(buffer)
    assert [r.values["code"] for r in parse(spec, buffer.getvalue()).rows] == ["1001", "6901234567892", "0.1"]


def test_text_dates_thousands_yes_no_and_choices_are_understood_in_chinese_and_english() -> None:
    data = xlsx([
        row(code="A", qty="1,234.5", due="2026-05-01", active="no", mode="LOT"),
        row(code="B", qty=" 7 ", due="2026/5/1", active="YES", mode="不追踪"),
        row(code="C", qty=3, due="2026年5月1日", active=0, mode="None"),
    ])
    result = parse(SPEC, data)
    assert result.errors == []
    assert [(r.values["qty"], r.values["due"], r.values["active"], r.values["mode"]) for r in result.rows] == [
        (Decimal("1234.5"), date(2026, 5, 1), False, "lot"),
        (Decimal("7"), date(2026, 5, 1), True, "none"),
        (Decimal("3"), date(2026, 5, 1), False, "none"),
    ]


def test_headings_may_be_chinese_english_keys_or_the_combined_form_in_any_order() -> None:
    headers = ["Quantity", "编码", "price", "件数 / COUNT *"]
    data = xlsx([["3", "X-9", "1.5", 2]], headers=headers)
    result = parse(SPEC, data)
    assert result.errors == []
    assert result.rows[0].values["code"] == "X-9"
    assert result.rows[0].values["qty"] == Decimal("3")
    assert result.rows[0].values["count"] == 2
    assert result.rows[0].values["tags"] is None


def test_blank_rows_are_skipped_and_row_numbers_stay_the_sheets_own() -> None:
    data = xlsx([row(code="A"), [None] * len(HEADERS), ["  ", None], row(code="B")])
    result = parse(SPEC, data)
    assert result.total_rows == 2
    assert [r.row_number for r in result.rows] == [2, 5]


# --- errors by row and column ---------------------------------------------------------------


def test_bad_cells_are_reported_with_their_row_column_and_value() -> None:
    data = xlsx([
        row(code="A"),
        row(code="B", qty="abc", count=2.5),
        row(code="C", due="31/12/2026", active="maybe", mode="fifo", price="1.005"),
        row(code="TOO-LONG-CODE", qty="NaN"),
    ])
    result = parse(SPEC, data)
    assert codes(result.errors) == [
        (3, "qty", "sheet.not_a_number"), (3, "count", "sheet.not_an_integer"),
        (4, "price", "sheet.too_precise"), (4, "due", "sheet.not_a_date"), (4, "active", "sheet.not_a_boolean"),
        (4, "mode", "sheet.not_a_choice"),
        (5, "code", "sheet.too_long"), (5, "qty", "sheet.not_a_number"),
    ]
    assert [r.row_number for r in result.rows] == [2]
    assert [r.row_number for r in result.rejected] == [3, 4, 5]
    bad = result.errors[0]
    assert (bad.value, bad.column_header) == ("abc", "数量 / Quantity")
    assert bad.reason_en == "not a number: abc" and bad.reason_zh == "不是数字: abc"
    assert "批次" in result.errors[5].reason_zh and "lot" in result.errors[5].reason_en


def test_infinity_and_nan_are_not_numbers() -> None:
    result = parse(SPEC, xlsx([row(code="A", qty="inf"), row(code="B", qty="-Infinity"), row(code="C", qty="nan")]))
    assert codes(result.errors) == [(2, "qty", "sheet.not_a_number"), (3, "qty", "sheet.not_a_number"),
                                    (4, "qty", "sheet.not_a_number")]


def test_a_blank_required_cell_is_reported() -> None:
    result = parse(SPEC, xlsx([row(code="A", qty="  "), row(code=None, qty="1", count=1)]))
    assert codes(result.errors) == [(2, "qty", "sheet.required"), (3, "code", "sheet.required")]


def test_a_repeated_key_is_refused_on_the_later_row_naming_the_first() -> None:
    result = parse(SPEC, xlsx([row(code="A"), row(code="B"), row(code="A")]))
    assert codes(result.errors) == [(4, "code", "sheet.duplicate_row")]
    assert result.errors[0].reason_en == "repeats row 2 (A)"
    assert [r.row_number for r in result.rows] == [2, 3]


def test_unknown_and_missing_headings_are_row_1_errors_and_no_row_is_read() -> None:
    data = xlsx([["A", "1", "x"]], headers=["编码", "Colour", "Comment"])
    result = parse(SPEC, data)
    assert [(e.row, e.code, e.column_header) for e in result.errors] == [
        (1, "sheet.unknown_column", "Colour"), (1, "sheet.unknown_column", "Comment"),
        (1, "sheet.missing_column", "数量 / Quantity"),
    ]
    assert result.rows == [] and result.total_rows == 1


def test_a_column_given_twice_is_a_heading_error() -> None:
    result = parse(SPEC, xlsx([["A", "1", "2"]], headers=["Code", "数量", "qty"]))
    assert codes(result.errors) == [(1, "qty", "sheet.duplicate_column")]


# --- whole-file refusals --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"sku,name\nA,B\n", "sheet.not_xlsx"),
        (b"", "sheet.not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "sheet.legacy_xls"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_with_a_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse(SPEC, data)
    assert raised.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(InvalidInput) as raised:
        parse(SPEC, buffer.getvalue())
    assert raised.value.code == "sheet.not_xlsx"


def test_more_rows_than_the_cap_are_refused() -> None:
    data = xlsx([row(code=f"A{i}") for i in range(4)])
    assert parse(SPEC, data, max_rows=4).total_rows == 4
    with pytest.raises(InvalidInput) as raised:
        parse(SPEC, data, max_rows=3)
    assert raised.value.code == "sheet.too_many_rows"
    assert raised.value.params["limit"] == 3


def test_a_workbook_whose_data_sheet_was_renamed_is_read_from_its_first_sheet() -> None:
    assert len(parse(SPEC, xlsx([row()], title="Sheet A")).rows) == 1
    with pytest.raises(InvalidInput) as raised:
        parse(SPEC, xlsx([row()]), sheet="nope")
    assert raised.value.code == "sheet.no_such_sheet"


# --- the template ---------------------------------------------------------------------------


def test_the_template_parses_back_as_zero_rows() -> None:
    result = parse(SPEC, template(SPEC))
    assert (result.rows, result.errors, result.total_rows) == ([], [], 0)


def test_the_template_example_sheet_holds_a_valid_example_row() -> None:
    result = parse(SPEC, template(SPEC), sheet=EXAMPLE_TITLE)
    assert result.errors == []
    assert result.rows[0].values["qty"] == Decimal("2.5")
    assert result.rows[0].values["due"] == date(2026, 5, 1)
    assert result.rows[0].values["tags"] == ("红", "大")


def test_the_template_has_bold_frozen_marked_headings_and_drop_downs() -> None:
    book = load_workbook(io.BytesIO(template(SPEC)))
    assert book.sheetnames == [SPEC.sheet_title, EXAMPLE_TITLE, README_TITLE]
    sheet = book[SPEC.sheet_title]
    headings = [c.value for c in sheet[1]]
    assert headings[:2] == ["编码 / Code *", "数量 / Quantity *"]
    assert headings[2] == "单价 / Price"
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1
    drop_downs = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert drop_downs["G2:G100001"] == '"none,不追踪,lot,批次"'
    assert "是" in drop_downs["F2:F100001"]
    assert sheet["H1"].comment is not None and "separated by ;" in sheet["H1"].comment.text


def test_the_template_readme_describes_every_column() -> None:
    book = load_workbook(io.BytesIO(template(SPEC)))
    lines = [r for r in book[README_TITLE].iter_rows(values_only=True) if r[1]]
    described = {r[1]: r for r in lines}
    for column in SPEC.columns:
        line = described[column.key]
        assert line[0] == column.header
        assert line[3] == ("是 yes" if column.required else "否 no")
    assert described["mode"][4] == "none / 不追踪; lot / 批次"
    assert "date" in described["due"][2] and "日期" in described["due"][2]


def test_long_choice_lists_go_to_a_hidden_sheet() -> None:
    many = tuple(Choice(f"value-{i:03}", f"选项{i}", f"option {i}") for i in range(40))
    spec = SheetSpec("wide", "宽", "Wide", (Column("pick", "选择", "Pick", "choice", choices=many),))
    book = load_workbook(io.BytesIO(template(spec)))
    (validation,) = book[spec.sheet_title].data_validations.dataValidation
    assert validation.formula1.startswith("'_lists'!")
    assert book["_lists"].sheet_state == "hidden"
    assert parse(spec, template(spec)).rows == []


# --- declarations ---------------------------------------------------------------------------


def test_a_spec_whose_headings_clash_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="heading"):
        SheetSpec("x", "x", "X", (Column("a", "编码", "Code"), Column("b", "代码", "code")))
    with pytest.raises(ValueError, match="choices"):
        Column("a", "甲", "A", "choice")
    with pytest.raises(ValueError, match="not a column"):
        SheetSpec("x", "x", "X", (Column("a", "甲", "A"),), key_columns=("b",))


def test_every_sheet_error_code_has_chinese_and_english_text() -> None:
    used = {"sheet.not_xlsx", "sheet.legacy_xls", "sheet.no_such_sheet", "sheet.too_many_rows",
            "sheet.unknown_column", "sheet.duplicate_column", "sheet.missing_column", "sheet.required",
            "sheet.not_a_number", "sheet.too_precise", "sheet.not_an_integer", "sheet.not_a_date",
            "sheet.not_a_boolean", "sheet.not_a_choice", "sheet.too_long", "sheet.duplicate_row",
            "sheet.group_has_errors"}
    for code in used:
        zh, en = MESSAGES[code]
        assert zh and en and zh != en


# --- reports --------------------------------------------------------------------------------


def test_the_error_report_lists_row_column_value_and_both_reasons() -> None:
    errors = parse(SPEC, xlsx([row(code="A", qty="12 kg"), row(code="B", count="two")])).errors
    book = load_workbook(io.BytesIO(error_report(errors)))
    lines = list(book.active.iter_rows(values_only=True))
    assert lines[0] == ("行 Row", "列 Column", "值 Value", "代码 Code", "原因", "Reason")
    assert lines[1] == (2, "数量 / Quantity", "12 kg", "sheet.not_a_number", "不是数字: 12 kg",
                        "not a number: 12 kg")
    assert lines[2][:4] == (3, "件数 / Count", "two", "sheet.not_an_integer")


def test_the_error_report_writes_values_as_text_never_as_formulas() -> None:
    error = CellError(row=2, column_key="qty", column_header="数量 / Quantity", value="=HYPERLINK(1)",
                      code="sheet.not_a_number", reason_zh="不是数字", reason_en="not a number")
    book = load_workbook(io.BytesIO(error_report([error])))
    cell = book.active["C2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_errors_render_as_text_in_either_language() -> None:
    errors = parse(SPEC, xlsx([row(code="A", qty="x"), row(code="B", qty="y")])).errors
    assert format_errors(errors) == (
        'row 2, 数量 / Quantity ("x"): not a number: x\nrow 3, 数量 / Quantity ("y"): not a number: y'
    )
    assert format_errors(errors, lang="zh-CN", limit=1) == '第 2 行, 数量 / Quantity ("x"): 不是数字: x\n… 另有 1 个错误'


def test_a_report_counts_skipped_rows_and_rows_with_errors() -> None:
    errors = tuple(parse(SPEC, xlsx([row(code="A", qty="x", count="y"), row(code="B")])).errors)
    report = ImportReport(sheet="things", mode=ImportMode.VALID_ONLY, total_rows=2, imported=1, errors=errors)
    assert (report.skipped, report.error_rows, report.ok) == (1, 1, False)
    assert report.as_dict()["errors"][0]["row"] == 2


def test_the_public_surface_is_what_the_package_exports() -> None:
    import jxc.sheets as sheets

    public = {name for name, value in vars(sheets).items()
              if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"}
    assert set(sheets.__all__) == public
