"""Opening balances, purchase orders and stocktake counts from Excel, on SQLite and PostgreSQL:
values and vouchers, errors by row and column, grouped documents, re-imports that change nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.bootstrap import App, bootstrap
from jxc.cli.main import app as cli
from jxc.config import Settings
from jxc.documents import queries
from jxc.documents.model import PurchaseOrder, StocktakeSheet
from jxc.documents.services import approvals
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn
from jxc.documents.services.stocktake import open_stocktake
from jxc.documents.sheets import (
    OPENING_BALANCES,
    PURCHASE_ORDERS,
    STOCKTAKE_COUNTS,
    counting_list,
    import_counts,
    import_opening_balances,
    import_purchase_orders,
    sheet_template,
)
from jxc.kernel.errors import Conflict
from jxc.sheets import ImportMode, ImportReport, SheetSpec
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network, ready
from tests.integration.document_helpers import (
    balance,
    entries,
    gl_equals_valuation,
    opening,
    pool,
    supplier,
    vouchers,
)

ACTOR = "user:importer"


def workbook(spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet_title
    sheet.append([column.header for column in spec.columns])
    for row in rows:
        sheet.append([row.get(column.key) for column in spec.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_of(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column_key, e.code) for e in report.errors]


def import_opening(app: App, data: bytes, mode: ImportMode = ImportMode.ALL_OR_NOTHING) -> ImportReport:
    with app.uow() as uow:
        return import_opening_balances(uow, app.documents, data, actor=ACTOR, mode=mode)


def import_orders(app: App, data: bytes, mode: ImportMode = ImportMode.ALL_OR_NOTHING) -> ImportReport:
    with app.uow() as uow:
        return import_purchase_orders(uow, data, actor=ACTOR, mode=mode)


def orders(app: App, org: str) -> list[PurchaseOrder]:
    with app.uow().reader() as uow:
        owner = c.organisation(uow, org)
        rows = queries.list_documents(uow, sites=None, doc_type="purchase_order", organisation_id=owner.id)
        found = [c.load(uow, PurchaseOrder, document_id=row.id).document for row in rows]
    return sorted(found, key=lambda po: po.number)


def day_ref(site: str, app: App) -> str:
    return f"OB-{site}-{app.clock.now().date().isoformat()}"


# --- opening balances ----------------------------------------------------------------------------


def test_the_opening_template_has_the_columns_and_imports_nothing_untouched(app: App) -> None:
    data = sheet_template("opening_balances")
    book = load_workbook(io.BytesIO(data))
    headings = [cell.value for cell in book[OPENING_BALANCES.sheet_title][1]]
    assert headings[:5] == ["组织 / Organisation *", "站点 / Site *", "物料编码 / SKU *", "数量 / Quantity *",
                            "单位成本 / Unit cost *"]
    report = import_opening(app, data)
    assert (report.total_rows, report.imported, report.errors) == (0, 0, ())


def test_opening_balances_are_valued_and_booked_as_one_voucher_per_site(app: App) -> None:
    net = network(app)
    tea, cups, milk = item(app), item(app), item(app, tracking="lot")
    rows = [
        {"organisation": net.org, "site": net.warehouse, "sku": tea, "quantity": 100, "unit_cost": "2.345"},
        {"organisation": net.org, "site": net.store, "sku": cups, "quantity": 2, "unit": "箱", "unit_cost": 24},
        {"organisation": net.org, "site": net.warehouse, "sku": milk, "quantity": 10, "unit_cost": 3,
         "lot": "L1", "production_date": date(2025, 12, 1), "expiry_date": date(2026, 3, 1)},
    ]
    report = import_opening(app, workbook(OPENING_BALANCES, rows))
    assert (report.total_rows, report.imported, report.errors) == (3, 3, ())
    assert (balance(app, tea, net.warehouse), balance(app, cups, net.store)) == (100, 48)
    assert balance(app, milk, net.warehouse, lot="L1") == 10
    assert pool(app, net.org, tea) == (Decimal(100), Decimal("234.50"))
    assert pool(app, net.org, cups) == (Decimal(48), Decimal("48.00"))
    warehouse = vouchers(app, net.org, day_ref(net.warehouse, app))
    store = vouchers(app, net.org, day_ref(net.store, app))
    assert set(warehouse) == set(store) == {"opening_balance"}
    assert entries(warehouse["opening_balance"]) == [("1405", Decimal("30.00"), 0), ("1405", Decimal("234.50"), 0),
                                                     ("4999", 0, Decimal("264.50"))]
    assert entries(store["opening_balance"]) == [("1405", Decimal("48.00"), 0), ("4999", 0, Decimal("48.00"))]
    gl_equals_valuation(app, net.org)


def test_a_bad_row_imports_nothing_and_is_named_by_row_and_column(app: App) -> None:
    net = network(app)
    tea, cups = item(app), item(app)
    rows = [
        {"organisation": net.org, "site": net.warehouse, "sku": tea, "quantity": 5, "unit_cost": 1},
        {"organisation": net.org, "site": net.warehouse, "sku": "NO-SUCH-SKU", "quantity": 5, "unit_cost": 1},
        {"organisation": net.org, "site": net.store, "sku": cups, "quantity": -3, "unit_cost": 1},
        {"organisation": net.org, "site": net.lenient, "sku": cups, "quantity": 7, "unit_cost": "1.5"},
        {"organisation": net.org, "site": net.lenient, "sku": tea, "quantity": 1, "unit_cost": 2, "unit": "桶"},
    ]
    data = workbook(OPENING_BALANCES, rows)
    report = import_opening(app, data)
    assert report.imported == 0
    assert errors_of(report) == [
        (2, "site", "sheet.group_has_errors"), (3, "sku", "item.not_found"), (4, "quantity", "quantity.not_positive"),
        (5, "site", "sheet.group_has_errors"), (6, "unit", "unit.unknown"),
    ]
    assert report.errors[1].value == "NO-SUCH-SKU"
    assert report.errors[1].column_header == "物料编码 / SKU"
    assert (balance(app, tea, net.warehouse), balance(app, cups, net.store)) == (0, 0)

    # Valid rows only: each site is one opening (one voucher), so a site with a bad row stays out whole.
    rows[4]["unit"] = "箱"
    report = import_opening(app, workbook(OPENING_BALANCES, rows), ImportMode.VALID_ONLY)
    assert report.imported == 2
    assert errors_of(report) == [(2, "site", "sheet.group_has_errors"), (3, "sku", "item.not_found"),
                                 (4, "quantity", "quantity.not_positive")]
    assert (balance(app, cups, net.lenient), balance(app, tea, net.lenient)) == (7, 24)
    assert balance(app, tea, net.warehouse) == 0

    # Fixing the two rows and importing the whole file again adds only what was missing.
    rows[1]["sku"], rows[2]["quantity"] = cups, 3
    report = import_opening(app, workbook(OPENING_BALANCES, rows))
    assert (report.imported, report.errors) == (5, ())
    assert (balance(app, tea, net.warehouse), balance(app, cups, net.warehouse)) == (5, 5)
    assert (balance(app, cups, net.store), balance(app, cups, net.lenient), balance(app, tea, net.lenient)) == (3, 7, 24)
    assert len(vouchers(app, net.org, day_ref(net.lenient, app))) == 1
    gl_equals_valuation(app, net.org)


def test_importing_the_same_file_again_does_not_double_the_stock(app: App) -> None:
    net = network(app)
    tea = item(app)
    rows = [{"organisation": net.org, "site": net.warehouse, "sku": tea, "quantity": 12, "unit_cost": "0.5"},
            {"organisation": net.org, "site": net.store, "sku": tea, "quantity": 4, "unit_cost": "0.5"}]
    data = workbook(OPENING_BALANCES, rows)
    assert import_opening(app, data).imported == 2
    again = import_opening(app, data)
    assert (again.imported, again.errors) == (2, ())  # replayed
    # Typed differently, the same values are the same rows: 12 and "12.0" (and a re-saved file).
    rows[0]["quantity"] = "12.0"
    assert import_opening(app, workbook(OPENING_BALANCES, rows)).imported == 2
    assert (balance(app, tea, net.warehouse), balance(app, tea, net.store)) == (12, 4)
    assert pool(app, net.org, tea) == (Decimal(16), Decimal("8.00"))
    assert len(vouchers(app, net.org, day_ref(net.warehouse, app))) == 1

    # On another day the same rows are refused on their site's first row, not posted again.
    app.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    later = import_opening(app, data)
    assert later.imported == 0
    assert errors_of(later) == [(2, "site", "opening.already_imported"), (3, "site", "opening.already_imported")]
    assert balance(app, tea, net.warehouse) == 12


def test_a_site_of_another_organisation_is_an_error_on_its_rows(app: App) -> None:
    mine, theirs = network(app), network(app)
    tea = item(app)
    rows = [{"organisation": mine.org, "site": theirs.store, "sku": tea, "quantity": 1, "unit_cost": 1},
            {"organisation": mine.org, "site": "NO-SUCH-SITE", "sku": tea, "quantity": 1, "unit_cost": 1}]
    report = import_opening(app, workbook(OPENING_BALANCES, rows), ImportMode.VALID_ONLY)
    assert errors_of(report) == [(2, "site", "document.site_not_in_organisation"), (3, "site", "site.not_found")]


# --- purchase orders -----------------------------------------------------------------------------


def order_rows(org: str, vendor: str, site: str, *lines: tuple[str, str, Any, Any]) -> list[dict[str, Any]]:
    return [{"po_ref": po_ref, "organisation": org, "supplier": vendor, "site": site, "sku": sku, "quantity": qty,
             "unit_price": price, "expected_date": date(2026, 2, 1)} for po_ref, sku, qty, price in lines]


def test_purchase_orders_are_created_as_drafts_one_per_group(app: App) -> None:
    net = network(app)
    vendor = supplier(app)
    tea, cups = item(app), item(app)
    rows = order_rows(net.org, vendor, net.warehouse, ("A", tea, 10, "2.50"), ("B", cups, 3, 7), ("A", cups, 48, 1))
    rows[2].update(unit="箱", vat_rate="0.09", expected_date=None)
    data = workbook(PURCHASE_ORDERS, rows)
    report = import_orders(app, data)
    assert (report.total_rows, report.imported, report.errors) == (3, 3, ())
    first, second = orders(app, net.org)
    assert first.status.value == second.status.value == "draft"
    assert [(line.sku, line.quantity, line.unit, line.unit_price, line.vat_rate, line.expected_date)
            for line in first.lines] == [
        (tea, 10, "支", Decimal("2.50"), Decimal("0.13"), date(2026, 2, 1)),
        (cups, 48, "箱", Decimal(1), Decimal("0.09"), app.clock.now().date()),
    ]
    assert [(line.sku, line.quantity) for line in second.lines] == [(cups, 3)]

    # Importing the same file again creates nothing new.
    assert import_orders(app, data).imported == 3
    assert len(orders(app, net.org)) == 2
    # An imported draft goes on like any other: submitted into its approval flow.
    with app.uow() as uow:
        approvals.submit(uow, app.documents, organisation=net.org, number=first.number, actor=ACTOR)
        uow.commit()


def test_one_bad_line_keeps_its_whole_order_out(app: App) -> None:
    net = network(app)
    vendor = supplier(app)
    tea, cups = item(app), item(app)
    rows = order_rows(net.org, vendor, net.warehouse, ("A", tea, 10, 1), ("A", cups, 5, "-2"), ("B", tea, 1, 1),
                      ("C", tea, 1, 1), ("C", cups, 0, 1), ("D", tea, 2, 1), ("D", cups, 2, 1))
    rows[6]["supplier"] = supplier(app)
    report = import_orders(app, workbook(PURCHASE_ORDERS, rows))
    assert report.imported == 0 and orders(app, net.org) == []
    report = import_orders(app, workbook(PURCHASE_ORDERS, rows), ImportMode.VALID_ONLY)
    assert report.imported == 1
    assert errors_of(report) == [
        (2, "po_ref", "sheet.group_has_errors"), (3, "unit_price", "price.invalid"),
        (5, "po_ref", "sheet.group_has_errors"), (6, "quantity", "quantity.not_positive"),
        (7, "po_ref", "sheet.group_has_errors"), (8, "supplier", "sheet.group_mismatch"),
    ]
    assert "row 7" in report.errors[-1].reason_en
    (created,) = orders(app, net.org)
    assert [(line.sku, line.quantity) for line in created.lines] == [(tea, 1)]


def test_unknown_codes_are_reported_on_their_column(app: App) -> None:
    net = network(app)
    vendor = supplier(app)
    tea = item(app)
    rows = order_rows(net.org, vendor, net.warehouse, ("A", "NOPE", 1, 1), ("B", tea, 1, 1), ("C", tea, 1, 1),
                      ("D", tea, 1, 1), ("E", tea, 1, 1))
    rows[1]["supplier"] = "NO-SUPPLIER"
    rows[2]["site"] = "NO-SITE"
    rows[3]["organisation"] = "NO-ORG"
    rows[4]["vat_rate"] = 13
    report = import_orders(app, workbook(PURCHASE_ORDERS, rows), ImportMode.VALID_ONLY)
    assert report.imported == 0
    assert errors_of(report) == [(2, "sku", "item.not_found"), (3, "supplier", "supplier.not_found"),
                                 (4, "site", "site.not_found"), (5, "organisation", "org.not_found"),
                                 (6, "vat_rate", "vat.invalid")]


# --- stocktake counts ----------------------------------------------------------------------------


def counted_sheet(app: App, org: str, number: str) -> StocktakeSheet:
    with app.uow().reader() as uow:
        found: StocktakeSheet = c.load(uow, StocktakeSheet, organisation_id=c.organisation(uow, org).id,
                                       number=number).document
    return found


def test_a_counting_list_filled_in_imports_back_as_counts(app: App) -> None:
    net = network(app)
    tea, cups, found = item(app), item(app), item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=tea, quantity=Decimal(50), unit_cost=Decimal(4)),
            OpeningLineIn(sku=cups, quantity=Decimal(20), unit_cost=Decimal(1)))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, actor=ACTOR)
        uow.commit()
    with app.uow().reader() as uow:
        data = counting_list(uow, organisation=net.org, number=sheet.number)
    book = load_workbook(io.BytesIO(data))
    listed = book[STOCKTAKE_COUNTS.sheet_title]
    headings = [cell.value for cell in listed[1]]
    assert "账面数量 / Book quantity" not in headings  # a blind count: no book quantities
    rows = list(listed.iter_rows(min_row=2, values_only=True))
    sku_at, counted_at = headings.index("物料编码 / SKU *"), headings.index("实盘数量 / Counted *")
    assert sorted(row[sku_at] for row in rows) == sorted([tea, cups])
    assert all(row[0] == sheet.number and row[counted_at] is None for row in rows)

    counts = {tea: 53, cups: 18}
    for excel_row in listed.iter_rows(min_row=2):
        excel_row[counted_at].value = counts[excel_row[sku_at].value]
    listed.append([sheet.number, None, found, None, None, None, None, 2])  # stock the book did not know of
    buffer = io.BytesIO()
    book.save(buffer)
    with app.uow() as uow:
        report = import_counts(uow, buffer.getvalue(), organisation=net.org, number=sheet.number, actor=ACTOR)
    assert (report.imported, report.errors) == (3, ())
    after = counted_sheet(app, net.org, sheet.number)
    assert sorted((line.sku, line.book_qty, line.counted_qty) for line in after.lines) == sorted(
        [(tea, 50, 53), (cups, 20, 18), (found, 0, 2)])

    # The list exported now shows the counts; importing it again changes nothing.
    with app.uow().reader() as uow:
        again = counting_list(uow, organisation=net.org, number=sheet.number)
    with app.uow() as uow:
        assert import_counts(uow, again, organisation=net.org, number=sheet.number, actor=ACTOR).imported == 3
    assert counted_sheet(app, net.org, sheet.number).lines == after.lines


def test_bad_counts_are_named_and_a_submitted_sheet_is_refused_whole(app: App) -> None:
    net = network(app)
    tea, cups, jam, salt = item(app), item(app), item(app), item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=tea, quantity=Decimal(5), unit_cost=Decimal(1)),
            OpeningLineIn(sku=cups, quantity=Decimal(5), unit_cost=Decimal(1)))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, blind=False, actor=ACTOR)
        uow.commit()
    with app.uow().reader() as uow:
        listed = load_workbook(io.BytesIO(counting_list(uow, organisation=net.org, number=sheet.number)))
    assert "账面数量 / Book quantity" in [cell.value for cell in listed[STOCKTAKE_COUNTS.sheet_title][1]]

    rows = [{"number": sheet.number, "sku": tea, "counted": 4}, {"number": "ST-2026-999999", "sku": cups, "counted": 1},
            {"sku": jam, "counted": -1}, {"sku": "NO-SUCH-SKU", "counted": 1}, {"sku": tea, "counted": 6},
            {"sku": salt}]
    with app.uow() as uow:
        report = import_counts(uow, workbook(STOCKTAKE_COUNTS, rows), organisation=net.org, number=sheet.number,
                               actor=ACTOR, mode=ImportMode.VALID_ONLY)
    assert report.imported == 1
    assert errors_of(report) == [(3, "number", "stocktake.wrong_sheet"), (4, "counted", "quantity.negative"),
                                 (5, "sku", "item.not_found"), (6, "sku", "sheet.duplicate_row"),
                                 (7, "counted", "sheet.required")]
    assert [(line.sku, line.counted_qty) for line in counted_sheet(app, net.org, sheet.number).lines
            if line.counted_qty is not None] == [(tea, 4)]

    with app.uow() as uow:
        import_counts(uow, workbook(STOCKTAKE_COUNTS, [{"sku": cups, "counted": 5}]), organisation=net.org,
                      number=sheet.number, actor=ACTOR)
    with app.uow() as uow:
        approvals.submit(uow, app.documents, organisation=net.org, number=sheet.number, actor=ACTOR)
        uow.commit()
    with pytest.raises(Conflict) as refused, app.uow() as uow:
        import_counts(uow, workbook(STOCKTAKE_COUNTS, rows[:1]), organisation=net.org, number=sheet.number,
                      actor=ACTOR)
    assert refused.value.code == "document.not_editable"


# --- the CLI on an embedded database -------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> tuple[str, App]:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    return url, ready(bootstrap(Settings(database_url=url, secret_key=TEST_SECRET)))


def jxc(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == code, result.output
    return result.stdout


def test_the_cli_imports_openings_orders_and_counts(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    net = network(app)
    vendor = supplier(app)
    tea = item(app)
    for command, spec in (("stock opening-template", OPENING_BALANCES), ("po template", PURCHASE_ORDERS),
                          ("stocktake template", STOCKTAKE_COUNTS)):
        out = tmp_path / f"{spec.name}.xlsx"
        jxc(url, *command.split(), "-o", str(out))
        assert load_workbook(out).sheetnames[0] == spec.sheet_title

    openings = tmp_path / "openings.xlsx"
    openings.write_bytes(workbook(OPENING_BALANCES, [
        {"organisation": net.org, "site": net.warehouse, "sku": tea, "quantity": 30, "unit_cost": 2},
        {"organisation": net.org, "site": net.store, "sku": "NOPE", "quantity": 1, "unit_cost": 2}]))
    errors_out = tmp_path / "errors.xlsx"
    jxc(url, "stock", "opening-import", str(openings), "--errors-out", str(errors_out), code=2)
    assert list(load_workbook(errors_out).active.iter_rows(values_only=True))[1][:4] == (
        3, "物料编码 / SKU", "NOPE", "item.not_found")
    report = json.loads(jxc(url, "stock", "opening-import", str(openings), "--valid-only", "--json"))
    assert (report["imported"], report["skipped"]) == (1, 1)
    assert balance(app, tea, net.warehouse) == 30

    # As a user (--as), the API's checks apply: opening stock is not a warehouse keeper's to post.
    keeper = ref("keeper").lower()
    with app.uow() as uow:
        access.add_user(uow, username=keeper, password="correct horse battery", roles=["warehouse_keeper"],
                        organisations=[net.org])
    refused = CliRunner().invoke(cli, ["--database-url", url, "--as", keeper, "stock", "opening-import", str(openings)])
    assert refused.exit_code == 5 and "access.kind_denied" in refused.stderr

    purchase = tmp_path / "orders.xlsx"
    purchase.write_bytes(workbook(PURCHASE_ORDERS, order_rows(net.org, vendor, net.store, ("1", tea, 6, 2))))
    assert json.loads(jxc(url, "--as", keeper, "po", "import", str(purchase), "--json"))["imported"] == 1
    assert [po.lines[0].quantity for po in orders(app, net.org)] == [6]

    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, actor=ACTOR)
        uow.commit()
    listed = tmp_path / "counts.xlsx"
    jxc(url, "stocktake", "sheet", net.org, sheet.number, "-o", str(listed))
    book = load_workbook(listed)
    data = book[STOCKTAKE_COUNTS.sheet_title]
    data.cell(row=2, column=[c.value for c in data[1]].index("实盘数量 / Counted *") + 1, value=29)
    book.save(listed)
    output = jxc(url, "stocktake", "import", net.org, sheet.number, str(listed))
    assert "imported" in output
    assert [line.counted_qty for line in counted_sheet(app, net.org, sheet.number).lines] == [29]
