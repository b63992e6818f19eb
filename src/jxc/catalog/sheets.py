"""The items sheet (物料导入): its template and its import through the catalog's use cases.

Rows become :class:`ItemSpec`\\ s and go in through :func:`services.register_items`, so an
imported item passes exactly the checks ``jxc item add`` does (GTIN check digits via biip,
known units, storage range, duplicate sku or barcode). Errors name the column: the model's
``unit`` / ``factor`` fields answer to the ``units`` column, ``barcode`` to ``barcodes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jxc.catalog import services
from jxc.catalog.model import CATEGORY_MAX, CODE_MAX, KNOWN_UNITS, NAME_MAX, ItemSpec
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.sheets import (
    Choice,
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
    per_row,
    template,
)

# Chinese units first: they are what most of our users count in.
UNIT_CHOICES = tuple(sorted(KNOWN_UNITS, key=lambda unit: (unit.isascii(), unit)))

ITEMS = SheetSpec(
    name="items",
    title_zh="物料",
    title_en="Items",
    key_columns=("sku",),
    columns=(
        Column("sku", "物料编码", "SKU", required=True, max_length=CODE_MAX, example="SKU-0001",
               help_zh="唯一编码, 不含空格", help_en="Unique code, no spaces"),
        Column("name_zh", "中文名称", "Chinese name", required=True, max_length=NAME_MAX, example="农夫山泉 550ml"),
        Column("name_en", "英文名称", "English name", required=True, max_length=NAME_MAX,
               example="Nongfu Spring 550ml"),
        Column("category", "类别", "Category", required=True, max_length=CATEGORY_MAX, example="饮料/瓶装水",
               help_zh="用 / 分隔的类别路径", help_en="Category path separated by /"),
        Column("base_unit", "基本单位", "Base unit", "choice", required=True, choices=UNIT_CHOICES,
               example="瓶", help_zh="库存按此单位计数", help_en="The unit stock is counted in"),
        Column("units", "换算单位", "Unit conversions", "list", example="箱=24;包=6", error_fields=("unit", "factor"),
               help_zh="单位=含基本单位数量, 用 ; 分隔, 如 箱=24;包=6",
               help_en="UNIT=how many base units, separated by ;, e.g. 箱=24;包=6"),
        Column("barcodes", "条码", "Barcodes", "list", example="6901234567892", error_fields=("barcode",),
               help_zh="GTIN-8/12/13/14, 多个用 ; 分隔", help_en="GTIN-8/12/13/14; separate several with ;"),
        Column("tracking", "追踪方式", "Tracking", "choice", example="none",
               choices=(Choice("none", "不追踪", "none"), Choice("lot", "批次", "lot"),
                        Choice("serial", "序列号", "serial")),
               help_zh="空白为 不追踪", help_en="Blank means none"),
        Column("shelf_life_days", "保质期(天)", "Shelf life (days)", "int", example=540,
               help_zh="空白表示不过期", help_en="Blank: the item does not expire"),
        Column("storage_min_c", "最低储存温度(°C)", "Min storage °C", "decimal", example=Decimal("2")),
        Column("storage_max_c", "最高储存温度(°C)", "Max storage °C", "decimal", example=Decimal("25")),
        Column("abc_class", "ABC 分类", "ABC class", "choice", example="B", choices=("A", "B", "C"),
               help_zh="空白为 C", help_en="Blank means C"),
        Column("standard_cost", "标准成本", "Standard cost", "decimal", example=Decimal("1.25"),
               help_zh="每基本单位, 人民币, 最多 6 位小数", help_en="Per base unit, CNY, at most 6 decimals"),
    ),
)


def items_template() -> bytes:
    """The .xlsx template for :func:`import_items`."""
    return template(ITEMS)


def read_items(data: bytes) -> ParseResult:
    """The items sheet in the .xlsx ``data``, typed and checked cell by cell (no database needed)."""
    return parse(ITEMS, data)


def import_items(
    uow: SqlUnitOfWork, data: bytes | ParseResult, *, mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Register the items in the .xlsx ``data`` (or its :func:`read_items`) in one transaction.

    Errors are reported by row and column; see :func:`jxc.sheets.import_sheet` for the modes.
    """
    return import_sheet(uow, ITEMS, data, write=_write, mode=mode, progress=progress)


def _write(uow: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
    specs = per_row(rows, item_spec)
    # Re-importing a file is common: name every sku already registered at once, instead of
    # letting the batch fail and be halved down to each of them.
    existing = services.items_by_sku(uow, (spec.sku.strip() for spec in specs))
    if existing:
        raise RowsRejected({
            row.row_number: Conflict("item.duplicate", field="sku", value=spec.sku.strip())
            for row, spec in zip(rows, specs, strict=True) if spec.sku.strip() in existing
        })
    services.register_items(uow, specs)


def item_spec(row: ParsedRow) -> ItemSpec:
    """The unvalidated item one row describes (the model validates it on registration)."""
    values = row.values
    return ItemSpec(
        sku=values["sku"],
        name_zh=values["name_zh"],
        name_en=values["name_en"],
        category=values["category"],
        base_unit=values["base_unit"],
        units=_units(values["units"] or ()),
        barcodes=tuple(values["barcodes"] or ()),
        tracking=values["tracking"] or "none",
        shelf_life_days=values["shelf_life_days"],
        storage_min_c=values["storage_min_c"],
        storage_max_c=values["storage_max_c"],
        abc_class=values["abc_class"] or "C",
        standard_cost=values["standard_cost"],
    )


def _units(entries: Sequence[str]) -> dict[str, str]:
    """``("箱=24", "包=6")`` → ``{"箱": "24", "包": "6"}``; a unit named twice is refused."""
    units: dict[str, str] = {}
    for entry in entries:
        unit, sep, factor = entry.replace("＝", "=").partition("=")
        if not sep or not unit.strip() or not factor.strip():
            raise InvalidInput("field.invalid", field="units", value=entry, reason="UNIT=FACTOR, e.g. 箱=24")
        if unit.strip() in units:
            raise InvalidInput("field.invalid", field="units", value=entry, reason="unit given twice")
        units[unit.strip()] = factor.strip()
    return units

