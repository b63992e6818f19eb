"""Importing items from Excel, on SQLite and PostgreSQL: all or nothing, valid rows only, errors by row and column."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jxc.bootstrap import App, bootstrap
from jxc.catalog import services as catalog
from jxc.catalog.model import ItemRegistered
from jxc.catalog.sheets import ITEMS, import_items, item_spec, items_template
from jxc.cli.main import app as cli
from jxc.config import Settings
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput
from jxc.kernel.events import DomainEvent
from jxc.sheets import Column, ImportMode, ImportReport, ParsedRow, SheetSpec, import_sheet
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, ready


def gtin13() -> str:
    """A random EAN-13 with a correct check digit, so tests never collide on barcodes."""
    body = "690" + "".join(random.choices("0123456789", k=9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def item_row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"sku": ref("SKU"), "name_zh": "矿泉水 550ml", "name_en": "Mineral water 550 ml",
                           "category": "饮料/瓶装水", "base_unit": "瓶", "units": "箱=24;包=6"}
    row.update(values)
    return row


def workbook(rows: Sequence[dict[str, Any]], *, columns: Sequence[Column] = ITEMS.columns) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in columns])
    for row in rows:
        sheet.append([row.get(c.key) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(app: App, rows: Sequence[dict[str, Any]], mode: ImportMode = ImportMode.ALL_OR_NOTHING) -> ImportReport:
    with app.uow() as uow:
        return import_items(uow, workbook(rows), mode=mode)


def registered(app: App, rows: Sequence[dict[str, Any]]) -> set[str]:
    with app.uow() as uow:
        return set(catalog.items_by_sku(uow, [r["sku"] for r in rows]))


def errors_of(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column_key, e.code) for e in report.errors]


def test_a_three_row_file_registers_three_items(app: App) -> None:
    barcode = gtin13()
    rows = [
        item_row(barcodes=barcode, tracking="批次", shelf_life_days=365, storage_min_c=2, storage_max_c=8,
                 abc_class="a", standard_cost=0.1),
        item_row(base_unit="kg", units=None, tracking="serial"),
        item_row(),
    ]
    report = run(app, rows)
    assert (report.total_rows, report.imported, report.skipped, report.errors) == (3, 3, 0, ())
    with app.uow() as uow:
        first = catalog.get_item(uow, rows[0]["sku"])
        second = catalog.get_item(uow, rows[1]["sku"])
    assert first.units == {"箱": Decimal(24), "包": Decimal(6)}
    assert first.barcodes == (barcode,)
    assert (first.tracking, first.shelf_life_days, first.abc_class) == ("lot", 365, "A")
    assert (first.storage_min_c, first.storage_max_c, first.standard_cost) == (2, 8, Decimal("0.1"))
    assert (second.base_unit, second.units, second.tracking, second.abc_class) == ("kg", {}, "serial", "C")


def test_one_bad_row_imports_nothing_and_the_report_names_its_row_and_column(app: App) -> None:
    rows = [item_row(), item_row(barcodes="6901234567893"), item_row()]
    report = run(app, rows)
    assert report.imported == 0 and report.skipped == 3
    assert errors_of(report) == [(3, "barcodes", "barcode.invalid")]
    assert report.errors[0].value == "6901234567893"
    assert report.errors[0].column_header == "条码 / Barcodes"
    assert registered(app, rows) == set()


def test_valid_only_imports_the_good_rows_and_reports_the_rest(app: App) -> None:
    rows = [item_row(), item_row(units="箱=abc"), item_row(shelf_life_days="soon"), item_row(),
            item_row(storage_min_c=10, storage_max_c=2)]
    report = run(app, rows, ImportMode.VALID_ONLY)
    assert (report.imported, report.skipped) == (2, 3)
    assert errors_of(report) == [(3, "units", "quantity.not_a_number"), (4, "shelf_life_days", "sheet.not_an_integer"),
                                 (6, "storage_min_c", "item.storage_range")]
    assert registered(app, rows) == {rows[0]["sku"], rows[3]["sku"]}


def test_a_sku_already_in_the_database_is_reported_on_its_row(app: App) -> None:
    existing = item(app)
    rows = [item_row(), item_row(sku=existing), item_row()]
    report = run(app, rows)
    assert errors_of(report) == [(3, "sku", "item.duplicate")]
    assert existing in report.errors[0].reason_en
    assert registered(app, rows) == {existing}

    again = run(app, rows, ImportMode.VALID_ONLY)
    assert again.imported == 2 and errors_of(again) == [(3, "sku", "item.duplicate")]
    assert registered(app, rows) == {r["sku"] for r in rows}


def test_every_row_of_a_file_imported_twice_is_reported_as_a_duplicate(app: App) -> None:
    rows = [item_row() for _ in range(5)]
    assert run(app, rows).imported == 5
    report = run(app, rows, ImportMode.VALID_ONLY)
    assert report.imported == 0
    assert errors_of(report) == [(n, "sku", "item.duplicate") for n in range(2, 7)]


def test_a_barcode_given_to_two_rows_is_refused_on_the_later_one(app: App) -> None:
    barcode = gtin13()
    rows = [item_row(), item_row(barcodes=barcode), item_row(), item_row(barcodes=f"{gtin13()};{barcode}")]
    report = run(app, rows, ImportMode.VALID_ONLY)
    assert report.imported == 3
    assert errors_of(report) == [(5, "barcodes", "barcode.duplicate")]
    assert registered(app, rows) == {r["sku"] for r in rows[:3]}


def test_all_or_nothing_reports_cell_and_database_errors_together(app: App) -> None:
    existing = item(app)
    rows = [item_row(base_unit="bucket"), item_row(sku=existing), item_row(), item_row(name_en=None)]
    report = run(app, rows)
    assert errors_of(report) == [(2, "base_unit", "sheet.not_a_choice"), (3, "sku", "item.duplicate"),
                                 (5, "name_en", "sheet.required")]
    assert report.imported == 0
    assert registered(app, rows) == {existing}


def test_events_are_published_only_for_items_that_were_imported(app: App) -> None:
    seen: list[DomainEvent] = []
    app.bus.subscribe(ItemRegistered, seen.append)
    rows = [item_row(), item_row(barcodes="123"), item_row()]
    run(app, rows)
    assert seen == []
    run(app, rows, ImportMode.VALID_ONLY)
    assert sorted(e.sku for e in seen if isinstance(e, ItemRegistered)) == sorted([rows[0]["sku"], rows[2]["sku"]])


def test_a_large_file_is_imported_in_batches_and_errors_are_still_pinned_to_their_rows(app: App) -> None:
    rows = [item_row() for _ in range(1200)]
    rows[10]["units"] = "箱"
    rows[1100]["barcodes"] = "42"
    calls: list[tuple[int, int]] = []
    with app.uow() as uow:
        report = import_items(uow, workbook(rows), mode="valid_only", progress=lambda d, t: calls.append((d, t)))
    assert report.imported == 1198
    assert errors_of(report) == [(12, "units", "field.invalid"), (1102, "barcodes", "barcode.invalid")]
    assert calls == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]


def test_the_template_example_row_imports(app: App) -> None:
    from jxc.sheets import EXAMPLE_TITLE, parse

    (example,) = parse(ITEMS, items_template(), sheet=EXAMPLE_TITLE).rows
    values = {**example.values, "sku": ref("SKU"), "barcodes": (gtin13(),)}
    spec = item_spec(ParsedRow(row_number=2, values=values))
    with app.uow() as uow:
        assert catalog.register_items(uow, [spec]) == 1


def test_an_unknown_mode_is_refused(app: App) -> None:
    with pytest.raises(InvalidInput) as raised, app.uow() as uow:
        import_items(uow, workbook([item_row()]), mode="some")
    assert raised.value.field == "mode"


# --- the framework's groups, with a sheet declared here -----------------------------------

ORDER_LINES = SheetSpec(
    name="order_lines", title_zh="订单行", title_en="Order lines", group_by=("order",), key_columns=("sku",),
    columns=(Column("order", "订单", "Order", required=True), Column("sku", "物料编码", "SKU", required=True),
             Column("shelf_life_days", "保质期", "Shelf life", "int")),
)


def _write_order(uow: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
    """Each order's lines register items under the order's category: one order, one call."""
    specs = [item_spec(ParsedRow(r.row_number, {**item_row(sku=r.values["sku"]), "category": r.values["order"],
                                                 "units": None, "barcodes": None, "tracking": None,
                                                 "shelf_life_days": r.values["shelf_life_days"],
                                                 "storage_min_c": None, "storage_max_c": None,
                                                 "abc_class": None, "standard_cost": None}))
             for r in rows]
    catalog.register_items(uow, specs)


def test_rows_of_one_group_are_imported_or_skipped_together(app: App) -> None:
    good, bad_parse, bad_domain = ref("PO"), ref("PO"), ref("PO")
    rows = [{"order": good, "sku": ref("SKU")}, {"order": bad_parse, "sku": ref("SKU")},
            {"order": bad_domain, "sku": ref("SKU")}, {"order": good, "sku": ref("SKU")},
            {"order": bad_parse, "sku": ref("SKU"), "shelf_life_days": "x"},
            {"order": bad_domain, "sku": ref("SKU"), "shelf_life_days": 0}]
    with app.uow() as uow:
        report = import_sheet(uow, ORDER_LINES, workbook(rows, columns=ORDER_LINES.columns), write=_write_order,
                              mode="valid_only")
    assert report.imported == 2
    assert errors_of(report) == [
        (3, "order", "sheet.group_has_errors"), (4, "order", "sheet.group_has_errors"),
        (6, "shelf_life_days", "sheet.not_an_integer"), (7, "shelf_life_days", "field.invalid"),
    ]
    assert registered(app, rows) == {rows[0]["sku"], rows[3]["sku"]}


# --- the CLI on an embedded database --------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> tuple[str, App]:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    return url, bootstrap(Settings(database_url=url, secret_key=TEST_SECRET))


def jxc(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == code, result.output
    return result.stdout


def test_the_cli_writes_a_template_and_imports_a_filled_in_copy(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    ready(app)  # migrates and seeds the embedded database
    template_path = tmp_path / "items-template.xlsx"
    jxc(url, "item", "template", "--out", str(template_path))
    book = load_workbook(template_path)
    sheet = book[ITEMS.sheet_title]
    skus = [ref("SKU"), ref("SKU")]
    for sku in skus:
        sheet.append([sku, "苹果", "Apple", "生鲜/水果", "kg", None, gtin13(), "批次", 30])
    filled = tmp_path / "items.xlsx"
    book.save(filled)

    output = jxc(url, "item", "import", str(filled))
    assert "imported" in output
    shown = json.loads(jxc(url, "item", "show", skus[1], "--json"))
    assert (shown["name_zh"], shown["tracking"], shown["shelf_life_days"]) == ("苹果", "lot", 30)


def test_the_cli_exits_2_and_writes_the_error_report_when_nothing_was_imported(
    local: tuple[str, App], tmp_path: Path
) -> None:
    url, app = local
    ready(app)
    rows = [item_row(), item_row(standard_cost="-1")]
    path = tmp_path / "items.xlsx"
    path.write_bytes(workbook(rows))
    errors_out = tmp_path / "errors.xlsx"

    output = jxc(url, "--lang", "zh-CN", "item", "import", str(path), "--errors-out", str(errors_out), code=2)
    assert "没有导入任何行" in output
    lines = list(load_workbook(errors_out).active.iter_rows(values_only=True))
    assert lines[1][:4] == (3, "标准成本 / Standard cost", "-1", "field.invalid")

    report = json.loads(jxc(url, "item", "import", str(path), "--valid-only", "--json"))
    assert (report["imported"], report["skipped"], report["errors"][0]["row"]) == (1, 1, 3)
    jxc(url, "item", "show", rows[0]["sku"])


def test_the_cli_refuses_a_file_that_is_not_xlsx_with_one_line(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    ready(app)
    path = tmp_path / "items.csv"
    path.write_text("sku,name\nA,B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--database-url", url, "item", "import", str(path)])
    assert result.exit_code == 2
    assert "sheet.not_xlsx" in result.output and "Traceback" not in result.output
