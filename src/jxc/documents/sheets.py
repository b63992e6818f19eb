"""Document sheets (单据导入): opening balances, purchase orders and stocktake counts from Excel.

Each sheet is a :class:`SheetSpec` plus a writer calling the documents' own use cases in the
import's unit of work (they never commit during an import), so an imported row passes exactly
the checks the API and CLI apply:

- **opening balances** (期初库存): rows grouped by organisation and site; each site's rows are one
  :func:`open_balances` call — one ledger posting, one ``opening_balance`` voucher — imported
  whole or not at all;
- **purchase orders** (采购订单): rows grouped by ``po_ref`` (单号分组); each group becomes one draft
  order through :func:`create_purchase_order`, and one bad line keeps its whole order out;
- **stocktake counts** (盘点录入): counts recorded into an existing draft sheet through
  :func:`record_counts`; :func:`counting_list` exports a sheet's counting list (the counter's
  view: no book quantities on a blind sheet) in the same layout, so the filled-in list imports
  back as counts.

Idempotency: a group's idempotency key is a hash of its own rows (plus, for openings, the site),
so importing the same file again — or the same rows in a re-saved or partly corrected file —
replays what is already in instead of doubling stock or orders; a group whose rows changed is a
new document. Errors land on the row and column they are about: ``lines[2].quantity`` from a
service is the group's third row, column ``quantity``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from jxc.access import services as access
from jxc.access.model import Policy, Principal
from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import DocumentType, PurchaseOrderLine, StocktakeLine, StocktakeSheet
from jxc.documents.queries import KIND
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn, open_balances
from jxc.documents.services.purchasing import OrderLineIn, create_purchase_order
from jxc.documents.services.stocktake import CountIn, record_counts
from jxc.kernel.errors import Conflict, IdempotencyConflict, InvalidInput, JxcError, NotFound
from jxc.kernel.quantity import positive_quantity
from jxc.sheets import (
    CellError,
    Column,
    ImportMode,
    ImportReport,
    ParsedRow,
    ParseResult,
    ProgressCallback,
    RowsRejected,
    SheetSpec,
    import_sheet,
    parse,
    template,
)
from jxc.sheets.cells import cell_text

MAX_AMOUNT: Final = Decimal(10) ** 12  # amounts are stored as 64-bit millionths (as the API's limit)
CODE_MAX: Final = 64
REF_MAX: Final = 40

_ORG = Column("organisation", "组织", "Organisation", required=True, max_length=CODE_MAX, example="ORG-01",
              help_zh="组织 (法人) 编码", help_en="Organisation (legal entity) code")
_SKU = Column("sku", "物料编码", "SKU", required=True, max_length=CODE_MAX, example="SKU-0001",
              help_zh="已登记的物料编码", help_en="A registered item code")

OPENING_BALANCES = SheetSpec(
    name="opening_balances",
    title_zh="期初库存",
    title_en="Opening balances",
    group_by=("site", "organisation"),
    columns=(
        _ORG,
        Column("site", "站点", "Site", required=True, max_length=CODE_MAX, example="WH-01",
               help_zh="仓库或门店编码; 同一站点的行一起导入 (一张期初凭证)",
               help_en="Warehouse or store code; a site's rows import together (one opening voucher)"),
        _SKU,
        Column("quantity", "数量", "Quantity", "decimal", required=True, example=Decimal("24"),
               help_zh="大于零; 单位见 单位 列 (空白为基本单位)", help_en="Above zero, in the unit column's unit (blank: base unit)"),
        Column("unit_cost", "单位成本", "Unit cost", "decimal", required=True, example=Decimal("1.25"),
               help_zh="每单位成本, 人民币, 不含税, 不小于零", help_en="Cost per unit, CNY excl. VAT, at least zero"),
        Column("unit", "单位", "Unit", max_length=16, example="瓶",
               help_zh="空白为物料的基本单位", help_en="Blank: the item's base unit"),
        Column("lot", "批次", "Lot", max_length=CODE_MAX, example="L2026-01",
               help_zh="按批次管理的物料必填", help_en="Required for lot-tracked items"),
        Column("production_date", "生产日期", "Production date", "date", example=date(2026, 1, 1)),
        Column("expiry_date", "到期日", "Expiry date", "date", example=date(2027, 1, 31)),
        Column("bin", "库位", "Bin", max_length=CODE_MAX, example="A-01-01", error_fields=("to_bin",),
               help_zh="空白为不分库位", help_en="Blank: no bin"),
    ),
)

PURCHASE_ORDERS = SheetSpec(
    name="purchase_orders",
    title_zh="采购订单",
    title_en="Purchase orders",
    group_by=("po_ref",),
    columns=(
        Column("po_ref", "单号分组", "Order group", required=True, max_length=REF_MAX, example="1",
               help_zh="同一值的行组成一张采购订单 (任意编号, 如 1、2 或 2026-05-A)",
               help_en="Rows with the same value make one purchase order (any label: 1, 2 or 2026-05-A)"),
        _ORG,
        Column("supplier", "供应商", "Supplier", required=True, max_length=CODE_MAX, example="SUP-01",
               help_zh="供应商编码; 同一订单的行须相同", help_en="Supplier code; the same on every row of an order"),
        Column("site", "站点", "Site", required=True, max_length=CODE_MAX, example="WH-01",
               help_zh="收货站点; 同一订单的行须相同", help_en="Receiving site; the same on every row of an order"),
        _SKU,
        Column("quantity", "数量", "Quantity", "decimal", required=True, example=Decimal("240"),
               help_zh="大于零", help_en="Above zero"),
        Column("unit", "单位", "Unit", max_length=16, example="瓶",
               help_zh="物料的基本单位或换算单位; 空白为基本单位",
               help_en="The item's base unit or one of its units; blank: base unit"),
        Column("unit_price", "单价", "Unit price", "decimal", required=True, example=Decimal("1.10"),
               help_zh="不含税, 人民币, 最多 6 位小数", help_en="Excl. VAT, CNY, at most 6 decimals"),
        Column("vat_rate", "税率", "VAT rate", "decimal", example=Decimal("0.13"),
               help_zh="小数, 如 0.13 (或 13% 格式的单元格); 空白为 0.13",
               help_en="A fraction such as 0.13 (or a cell formatted 13%); blank: 0.13"),
        Column("expected_date", "预计到货日", "Expected date", "date", example=date(2026, 6, 1),
               help_zh="空白为导入当天", help_en="Blank: the day of the import"),
    ),
)

STOCKTAKE_COUNTS = SheetSpec(
    name="stocktake_counts",
    title_zh="盘点录入",
    title_en="Stocktake counts",
    columns=(
        Column("number", "盘点单号", "Stocktake No.", max_length=REF_MAX, example="ST-2026-000001",
               help_zh="可留空; 填写时须为导入的盘点单", help_en="May be blank; if given, the sheet being imported"),
        Column("line_no", "行号", "Line", "int", example=1, help_zh="仅供参考, 导入时不使用",
               help_en="For reference; not used on import"),
        _SKU,
        Column("name", "物料名称", "Item name", max_length=200, example="农夫山泉 550ml",
               help_zh="仅供参考, 导入时不使用", help_en="For reference; not used on import"),
        Column("bin", "库位", "Bin", max_length=CODE_MAX, example="A-01-01", help_zh="空白为不分库位",
               help_en="Blank: no bin"),
        Column("lot", "批次", "Lot", max_length=CODE_MAX, example="L2026-01"),
        Column("unit", "单位", "Unit", max_length=16, example="瓶", help_zh="基本单位; 仅供参考",
               help_en="The base unit; for reference"),
        Column("book_qty", "账面数量", "Book quantity", "decimal", example=Decimal("24"),
               help_zh="明盘时的账面数; 仅供参考, 导入时不使用",
               help_en="The book quantity on a non-blind sheet; for reference, not used on import"),
        Column("counted", "实盘数量", "Counted", "decimal", required=True, example=Decimal("23"),
               error_fields=("counted_qty",),
               help_zh="实际清点数量 (基本单位), 不小于零; 0 表示未找到",
               help_en="What was counted (base unit), at least zero; 0 means none found"),
    ),
)

SHEETS: Final[dict[str, SheetSpec]] = {s.name: s for s in (OPENING_BALANCES, PURCHASE_ORDERS, STOCKTAKE_COUNTS)}


def sheet_template(name: str) -> bytes:
    """The .xlsx template of the sheet named ``name`` (``opening_balances``, ``purchase_orders``, ``stocktake_counts``)."""
    return template(SHEETS[name])


def read_sheet(name: str, data: bytes) -> ParseResult:
    """The sheet ``name`` in the .xlsx ``data``, typed and checked cell by cell (no database needed)."""
    return parse(SHEETS[name], data)


def sites_in(parsed: ParseResult) -> list[str]:
    """The site codes the valid rows name, in file order: what an import must be allowed to write to."""
    return list(dict.fromkeys(row.values["site"] for row in parsed.rows if row.values.get("site")))


def real_sites(uow: SqlUnitOfWork, codes: Sequence[str]) -> list[str]:
    """Those of ``codes`` that are real sites (an unknown code is its rows' error, not an access question)."""
    found = []
    for code in codes:
        try:
            c.site(uow, code)
        except NotFound:
            continue
        found.append(code)
    return found


#: What an import is checked as, like a posting: (action, movement kind, counterparty). Purchase
#: orders as a document write of a purchase order (kind ``receipt`` from ``@supplier``); opening
#: balances as a posting of kind ``opening`` from ``@adjustment`` (by default only the purchasing
#: director's ``*``; grant ``opening`` to another role in the policy file to let it import them).
IMPORT_CHECKS: Final[dict[str, tuple[str, str, str]]] = {
    "opening_balances": ("movement.post", "opening", "@adjustment"),
    "purchase_orders": ("document.write", KIND[DocumentType.PURCHASE_ORDER], "@supplier"),
}


def authorise_import(
    uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, sheet: str, parsed: ParseResult | None = None,
) -> list[str]:
    """Refuse (``Forbidden``) an import ``principal`` may not make: without ``parsed``, the action and kind
    alone (before the file is read); with it, also every real site its valid rows write to. The sites."""
    action, kind, counterparty = IMPORT_CHECKS[sheet]
    sites = real_sites(uow, sites_in(parsed)) if parsed is not None else []
    access.authorise_posting(uow, principal, policy=policy, kind=kind, site_codes=[*sites, counterparty],
                             action=action)
    return sites


# --- opening balances ----------------------------------------------------------------------------


def import_opening_balances(
    uow: SqlUnitOfWork, w: c.Wiring, data: bytes | ParseResult, *, actor: str,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING, progress: ProgressCallback | None = None,
) -> ImportReport:
    """Bring in the opening stock of the .xlsx ``data``: one valued posting and voucher per site."""

    def write(scope: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
        items = catalog.items_by_sku(scope, {row.values["sku"] for row in rows})

        def one(group: list[ParsedRow]) -> None:
            first = group[0].values
            lines = _built(group, lambda row: _opening_line(row, items))
            site = first["site"]
            try:
                open_balances(scope, w, organisation=first["organisation"], site=site, lines=lines, actor=actor,
                              key=f"xlsx:{_digest(OPENING_BALANCES, group)}:{site}")
            except IdempotencyConflict:
                # the same rows, imported on an earlier day (the posting's reference holds its date)
                raise Conflict("opening.already_imported", field="site", value=site) from None

        _each_group(scope, OPENING_BALANCES, rows, one)

    return import_sheet(uow, OPENING_BALANCES, data, write=write, mode=mode, progress=progress)


def _opening_line(row: ParsedRow, items: dict[str, Item]) -> OpeningLineIn:
    v = row.values
    item = items.get(v["sku"])
    if item is None:
        raise NotFound("item.not_found", field="sku", value=v["sku"])
    if v["unit"] is not None and v["unit"] != item.base_unit and v["unit"] not in item.units:
        raise InvalidInput("unit.unknown", field="unit", value=v["unit"])
    quantity = positive_quantity(v["quantity"], field="quantity")
    _amount(quantity, v["unit_cost"], field="unit_cost")
    if v["production_date"] and v["expiry_date"] and v["expiry_date"] < v["production_date"]:
        raise InvalidInput("lot.dates", field="expiry_date", value=v["lot"] or "-")
    return OpeningLineIn(sku=v["sku"], quantity=quantity, unit_cost=v["unit_cost"], lot=v["lot"],
                         production_date=v["production_date"], expiry_date=v["expiry_date"], unit=v["unit"],
                         bin=v["bin"])


# --- purchase orders -----------------------------------------------------------------------------

_ORDER_HEADER: Final = ("organisation", "supplier", "site")


def import_purchase_orders(
    uow: SqlUnitOfWork, data: bytes | ParseResult, *, actor: str,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING, progress: ProgressCallback | None = None,
) -> ImportReport:
    """Create a draft purchase order for each 单号分组 of the .xlsx ``data``."""

    def write(scope: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
        today = c.today(scope)
        items = catalog.items_by_sku(scope, {row.values["sku"] for row in rows})

        def one(group: list[ParsedRow]) -> None:
            first = group[0]
            for row in group[1:]:
                for key in _ORDER_HEADER:
                    if row.values[key] != first.values[key]:
                        raise _Pinned(row.row_number, InvalidInput(
                            "sheet.group_mismatch", field=key, value=row.cells.get(key, ""),
                            first_row=first.row_number, column=PURCHASE_ORDERS.column(key).label))
            lines = _built(group, lambda row: _order_line(row, items, today))
            create_purchase_order(scope, organisation=first.values["organisation"], supplier=first.values["supplier"],
                                  site=first.values["site"], lines=lines, actor=actor,
                                  key=f"xlsx:po:{_digest(PURCHASE_ORDERS, group)}")

        _each_group(scope, PURCHASE_ORDERS, rows, one)

    return import_sheet(uow, PURCHASE_ORDERS, data, write=write, mode=mode, progress=progress)


def _order_line(row: ParsedRow, items: dict[str, Item], today: date) -> OrderLineIn:
    v = row.values
    item = items.get(v["sku"])
    if item is None:
        raise NotFound("item.not_found", field="sku", value=v["sku"])
    unit = v["unit"] or item.base_unit
    if unit != item.base_unit and unit not in item.units:
        raise InvalidInput("unit.unknown", field="unit", value=unit)
    vat_rate = Decimal("0.13") if v["vat_rate"] is None else v["vat_rate"]
    line = OrderLineIn(sku=v["sku"], quantity=v["quantity"], unit_price=v["unit_price"], unit=v["unit"],
                       vat_rate=vat_rate, expected_date=v["expected_date"] or today)
    # the order line's own checks (quantity, price, rate), reported on this row
    PurchaseOrderLine(line_no=1, sku=line.sku, quantity=line.quantity, unit=unit, unit_price=line.unit_price,
                      vat_rate=line.vat_rate, expected_date=line.expected_date)
    _amount(line.quantity, line.unit_price, field="unit_price")
    return line


# --- stocktake counts ----------------------------------------------------------------------------


def import_counts(
    uow: SqlUnitOfWork, data: bytes | ParseResult, *, organisation: str, number: str, actor: str,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING, progress: ProgressCallback | None = None,
) -> ImportReport:
    """Record the counts of the .xlsx ``data`` on the draft stocktake sheet ``number``.

    A row matches the sheet's line of the same item, bin and lot; a row the sheet lacks is stock
    found (a new line with book quantity zero). Counting the same line again replaces its count,
    so importing a file twice changes nothing. A sheet that is not a draft is refused as a whole.
    """
    owner = c.organisation(uow, organisation)
    sheet: StocktakeSheet = c.load(uow, StocktakeSheet, organisation_id=owner.id, number=number).document
    sheet.require_editable()
    parsed = _without_repeats(data if isinstance(data, ParseResult) else parse(STOCKTAKE_COUNTS, data))
    on_sheet = {(line.sku, line.bin, line.lot) for line in sheet.lines}

    def count(row: ParsedRow, items: dict[str, Item]) -> CountIn:
        v = row.values
        if v["number"] is not None and v["number"] != number:
            raise InvalidInput("stocktake.wrong_sheet", field="number", value=v["number"], number=number)
        if v["sku"] not in items:
            raise NotFound("item.not_found", field="sku", value=v["sku"])
        # the line's own checks (codes, a count of at least zero), reported on this row
        StocktakeLine(line_no=1, sku=v["sku"], book_qty=Decimal(0), bin=v["bin"], lot=v["lot"],
                      counted_qty=v["counted"])
        if (v["sku"], v["bin"], v["lot"]) not in on_sheet and sheet.scope.bins and v["bin"] not in sheet.scope.bins:
            raise InvalidInput("stocktake.out_of_scope", field="bin", value=v["bin"] or "-")
        return CountIn(sku=v["sku"], counted=v["counted"], bin=v["bin"], lot=v["lot"])

    def write(scope: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
        items = catalog.items_by_sku(scope, {row.values["sku"] for row in rows})
        counts = _built(rows, lambda row: count(row, items))
        try:
            record_counts(scope, organisation=owner.code, number=number, counts=counts, actor=actor)
        except JxcError as error:
            # ``lines[i]`` names the sheet's line, not the file's row: keep the field's own name
            # and let the import narrow the batch down to the row
            match = _INDEXED.match(error.field or "")
            raise _with_field(error, match[2] or None) if match else error from None

    return import_sheet(uow, STOCKTAKE_COUNTS, parsed, write=write, mode=mode, progress=progress)


def counting_list(uow: SqlUnitOfWork, *, organisation: str, number: str) -> bytes:
    """A stocktake sheet's counting list as .xlsx, in the counts layout (imports back as counts).

    The counter's view: lines by bin, item and lot with the item's name and base unit, counts
    already recorded filled in, and the book quantity only on a sheet that is not blind (on a
    blind sheet the column is left out).
    """
    from openpyxl import load_workbook  # imported on use: only imports and exports need it

    owner = c.organisation(uow, organisation)
    sheet: StocktakeSheet = c.load(uow, StocktakeSheet, organisation_id=owner.id, number=number).document
    lines = sorted(sheet.counter_view(), key=lambda x: (x.bin or "", x.sku, x.lot or ""))
    items = catalog.items_by_sku(uow, {line.sku for line in lines})
    spec = STOCKTAKE_COUNTS
    if sheet.blind:
        spec = dataclasses.replace(spec, columns=tuple(col for col in spec.columns if col.key != "book_qty"))
    book = load_workbook(io.BytesIO(template(spec)))
    data = book[spec.sheet_title]
    text_columns = {i for i, col in enumerate(spec.columns, start=1) if col.kind == "text"}
    for row_number, line in enumerate(lines, start=2):
        item = items.get(line.sku)
        final = line.recount_qty if line.recount_qty is not None else line.counted_qty
        values: dict[str, Any] = {
            "number": sheet.number, "line_no": line.line_no, "sku": line.sku, "name": item.name_zh if item else None,
            "bin": line.bin, "lot": line.lot, "unit": item.base_unit if item else None, "book_qty": line.book_qty,
            "counted": final,
        }
        for index, col in enumerate(spec.columns, start=1):
            cell = data.cell(row=row_number, column=index, value=values[col.key])
            if index in text_columns:
                cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _without_repeats(parsed: ParseResult) -> ParseResult:
    """A row counting the same item, bin and lot as an earlier row is refused (blank bin and lot included)."""
    seen: dict[tuple[Any, ...], int] = {}
    rows: list[ParsedRow] = []
    repeats: list[ParsedRow] = []
    errors: list[CellError] = []
    column = STOCKTAKE_COUNTS.column("sku")
    for row in parsed.rows:
        key = (row.values["sku"], row.values["bin"], row.values["lot"])
        first = seen.setdefault(key, row.row_number)
        if first == row.row_number:
            rows.append(row)
            continue
        repeats.append(row)
        error = InvalidInput("sheet.duplicate_row", field="sku", first_row=first,
                             key=" / ".join(part or "-" for part in key))
        errors.append(CellError.of(error, row=row.row_number, column=column, value=row.cells.get("sku", "")))
    if not repeats:
        return parsed
    return ParseResult(rows=rows, errors=[*parsed.errors, *errors], total_rows=parsed.total_rows,
                       rejected=[*parsed.rejected, *repeats])


# --- shared --------------------------------------------------------------------------------------

_INDEXED: Final = re.compile(r"^(?:lines|counts)\[(\d+)\]\.?(.*)$")


class _Pinned(Exception):
    """A group failed because of this row (carried out of the group's savepoint)."""

    def __init__(self, row_number: int, error: JxcError) -> None:
        super().__init__(row_number)
        self.row_number, self.error = row_number, error


def _with_field(error: JxcError, field: str | None) -> JxcError:
    return type(error)(error.code, field=field, **error.params)


def _built(rows: Sequence[ParsedRow], build: Callable[[ParsedRow], Any]) -> list[Any]:
    """``build(row)`` for every row, or :class:`RowsRejected` naming every row whose build raised."""
    built, failures = [], {}
    for row in rows:
        try:
            built.append(build(row))
        except JxcError as error:
            failures[row.row_number] = error
    if failures:
        raise RowsRejected(failures)
    return built


def _each_group(
    uow: SqlUnitOfWork, spec: SheetSpec, rows: Sequence[ParsedRow], write: Callable[[list[ParsedRow]], None],
) -> None:
    """``write(group)`` for each group of ``rows``, each in a savepoint; then every failed group named at once.

    A batch holding several bad groups is then retried once without them, instead of being halved
    down to each; an error is pinned to its row (``lines[i]`` is the group's i-th row, else the row
    whose cell holds the error's value, else the group's first row).
    """
    groups: dict[tuple[Any, ...], list[ParsedRow]] = {}
    for row in rows:
        groups.setdefault(tuple(row.values.get(k) for k in spec.group_by), []).append(row)
    failures: dict[int, JxcError] = {}
    for group in groups.values():
        savepoint = uow.connection.begin_nested()
        try:
            write(group)
        except RowsRejected as rejected:
            savepoint.rollback()
            failures.update(rejected.failures)
        except _Pinned as pinned:
            savepoint.rollback()
            failures[pinned.row_number] = pinned.error
        except JxcError as error:
            savepoint.rollback()
            row_number, error = _culprit(spec, group, error)
            failures[row_number] = error
        else:
            savepoint.commit()
    if failures:
        raise RowsRejected(failures)


def _culprit(spec: SheetSpec, group: Sequence[ParsedRow], error: JxcError) -> tuple[int, JxcError]:
    match = _INDEXED.match(error.field or "")
    if match:
        error = _with_field(error, match[2] or None)
        index = int(match[1])
        if index < len(group):
            return group[index].row_number, error
    column = spec.column_for_field(error.field)
    value = error.params.get("value")
    if column is not None and value is not None:
        for row in group:
            if row.cells.get(column.key) == str(value):
                return row.row_number, error
    return group[0].row_number, error


def _amount(quantity: Decimal, price: Decimal, *, field: str) -> None:
    if quantity * price >= MAX_AMOUNT:
        raise InvalidInput("field.invalid", field=field, value=str(price), reason="quantity × price must stay below 10^12")


def _digest(spec: SheetSpec, group: Sequence[ParsedRow]) -> str:
    """A hash of a group's rows (values as typed, so 24 and 24.0 are the same): its idempotency key."""
    text = json.dumps([[_canonical(row.values.get(col.key)) for col in spec.columns] for row in group],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _canonical(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return cell_text(value)


__all__ = ["IMPORT_CHECKS", "OPENING_BALANCES", "PURCHASE_ORDERS", "SHEETS", "STOCKTAKE_COUNTS", "authorise_import",
           "counting_list", "import_counts", "import_opening_balances", "import_purchase_orders", "read_sheet",
           "real_sites", "sheet_template", "sites_in"]
