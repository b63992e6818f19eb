"""``jxc item …``, ``jxc supplier …`` and ``jxc customer …``: parse options, call a service, render.

No business rules here: option grammars (``箱=24``, ``2..8``, ``key=value``) are turned into
plain values and everything else is validated by the services and the model, whose
``JxcError``s the root app prints as one line with a non-zero exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jxc.catalog import services
from jxc.catalog.model import Item, Partner
from jxc.catalog.sheets import import_items, items_template, read_items
from jxc.cli.common import FormatOpt, JsonOpt, OutOpt, current_app, export_file, shown
from jxc.cli.output import emit_json, table
from jxc.cli.parsing import pairs
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import fmt
from jxc.sheets import ImportMode
from jxc.sheets.cli import finish_import, import_progress, write_template

if TYPE_CHECKING:
    pass

item_app = typer.Typer(help="Items, units and barcodes (物料).", no_args_is_help=True)
supplier_app = typer.Typer(help="Suppliers (供应商).", no_args_is_help=True)
customer_app = typer.Typer(help="Customers (客户).", no_args_is_help=True)

AttrOpt = Annotated[list[str] | None, typer.Option("--attr", help="Free attribute key=value; repeatable.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Page size (1–1000).")]


def register(app: typer.Typer) -> None:
    """Add the catalog's command groups to the root ``jxc`` app."""
    app.add_typer(item_app, name="item")
    app.add_typer(supplier_app, name="supplier")
    app.add_typer(customer_app, name="customer")




# --- option grammars ------------------------------------------------------------------------


def temperature_range(text: str | None) -> tuple[str | None, str | None]:
    """``"2..8"`` → ``("2", "8")``; either end may be left open (``"..25"``, ``"-25.."``)."""
    if text is None:
        return None, None
    low, sep, high = text.partition("..")
    if not sep:
        raise InvalidInput(
            "field.invalid", field="storage", value=text, reason="expected MIN..MAX, e.g. 2..8"
        )
    return (low.strip() or None), (high.strip() or None)


# --- rendering ------------------------------------------------------------------------------


def _show_item(item: Item, as_json: bool) -> None:
    view = shown("item", item)
    if as_json:
        emit_json(view)
        return
    storage = ""
    if item.storage_min_c is not None or item.storage_max_c is not None:
        low = fmt(item.storage_min_c) if item.storage_min_c is not None else ""
        high = fmt(item.storage_max_c) if item.storage_max_c is not None else ""
        storage = f"{low}..{high} °C"
    rows = [
        ("sku", item.sku),
        ("名称 / name", f"{item.name_zh} / {item.name_en}"),
        ("category", item.category),
        ("base unit", item.base_unit),
        ("units", ", ".join(f"1 {u} = {fmt(f)} {item.base_unit}" for u, f in item.units.items())),
        ("barcodes", ", ".join(item.barcodes)),
        ("tracking", item.tracking),
        ("shelf life (days)", item.shelf_life_days),
        ("storage", storage),
        ("ABC", item.abc_class),
        *((("standard cost", view["standard_cost"]),) if "standard_cost" in view else ()),
        *((f"attr {key}", value) for key, value in item.attributes.items()),
    ]
    table(f"item {item.sku}", ["field", "value"], rows)


def _show_partners(resource: str, title: str, partners: list[Partner], as_json: bool) -> None:
    rows = shown(resource, partners)
    if as_json:
        emit_json(rows)
        return
    columns = [c for c in ("code", "name", "contact_name", "phone", "email", "region") if not rows or c in rows[0]]
    table(title, columns, [[r[c] for c in columns] for r in rows])


# --- items ----------------------------------------------------------------------------------


@item_app.command("add")
def item_add(
    sku: Annotated[str, typer.Option("--sku", help="Stock-keeping unit code.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="中文名称.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    category: Annotated[str, typer.Option("--category", help="Category path, e.g. 生鲜/水果.")],
    base_unit: Annotated[str, typer.Option("--base-unit", help="Unit stock is counted in, e.g. 支 or kg.")],
    unit: Annotated[
        list[str] | None, typer.Option("--unit", help="Conversion UNIT=FACTOR, e.g. 箱=24; repeatable.")
    ] = None,
    barcode: Annotated[list[str] | None, typer.Option("--barcode", help="GTIN; repeatable.")] = None,
    tracking: Annotated[str, typer.Option("--tracking", help="none, lot or serial.")] = "none",
    shelf_life_days: Annotated[
        int | None, typer.Option("--shelf-life-days", help="Days until expiry.")
    ] = None,
    storage: Annotated[str | None, typer.Option("--storage", help="Storage range in °C, e.g. 2..8.")] = None,
    abc: Annotated[str, typer.Option("--abc", help="ABC class: A, B or C.")] = "C",
    standard_cost: Annotated[
        str | None, typer.Option("--standard-cost", help="Standard cost per base unit (CNY).")
    ] = None,
    attr: AttrOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register an item (物料)."""
    storage_min_c, storage_max_c = temperature_range(storage)
    with current_app().uow() as uow:
        item = services.register_item(
            uow,
            sku=sku,
            name_zh=name_zh,
            name_en=name_en,
            category=category,
            base_unit=base_unit,
            units=pairs(unit, field="unit"),
            barcodes=barcode or (),
            tracking=tracking,
            shelf_life_days=shelf_life_days,
            storage_min_c=storage_min_c,
            storage_max_c=storage_max_c,
            standard_cost=standard_cost,
            abc_class=abc,
            attributes=pairs(attr, field="attr"),
        )
    _show_item(item, as_json)


@item_app.command("show")
def item_show(sku: str, as_json: JsonOpt = False) -> None:
    """Show one item by sku."""
    with current_app().uow() as uow:
        item = services.get_item(uow, sku)
    _show_item(item, as_json)


@item_app.command("find")
def item_find(barcode: str, as_json: JsonOpt = False) -> None:
    """Find the item carrying a barcode (GTIN-8/12/13/14, zero padding ignored)."""
    with current_app().uow() as uow:
        item = services.find_by_barcode(uow, barcode)
    _show_item(item, as_json)


@item_app.command("list")
def item_list(
    category: Annotated[
        str | None, typer.Option("--category", help="Category and its sub-categories.")
    ] = None,
    after: Annotated[str | None, typer.Option("--after", help="Start after this sku (next page).")] = None,
    limit: LimitOpt = 100,
    as_json: JsonOpt = False,
) -> None:
    """List items by sku, a page at a time."""
    with current_app().uow() as uow:
        items = services.list_items(uow, category=category, after_sku=after, limit=limit)
    if as_json:
        emit_json(shown("item", items))
        return
    table(
        "items",
        ["sku", "名称", "name", "category", "unit", "tracking", "ABC"],
        [(i.sku, i.name_zh, i.name_en, i.category, i.base_unit, i.tracking, i.abc_class) for i in items],
    )


@item_app.command("export")
def item_export(
    out: OutOpt,
    fmt: FormatOpt = "xlsx",
    category: Annotated[str | None, typer.Option("--category", help="Category and its sub-categories.")] = None,
) -> None:
    """Write the item list to a CSV or Excel file (costs follow --as USER's field rules)."""
    rows: list[dict[str, object]] = []
    after: str | None = None
    with current_app().uow().reader() as uow:
        while True:
            page = services.list_items(uow, category=category, after_sku=after, limit=services.MAX_PAGE)
            rows.extend(export_row(i) for i in page)
            if len(page) < services.MAX_PAGE:
                break
            after = page[-1].sku
    count = export_file(resource="item", title="items", columns=EXPORT_COLUMNS, rows=rows, fmt=fmt, out=out)
    typer.echo(f"wrote {count} item(s) to {out}")


EXPORT_COLUMNS = ("sku", "name_zh", "name_en", "category", "base_unit", "tracking", "shelf_life_days",
                  "abc_class", "barcodes", "standard_cost")


def export_row(item: Item) -> dict[str, object]:
    return {"sku": item.sku, "name_zh": item.name_zh, "name_en": item.name_en, "category": item.category,
            "base_unit": item.base_unit, "tracking": str(item.tracking), "shelf_life_days": item.shelf_life_days,
            "abc_class": str(item.abc_class), "barcodes": list(item.barcodes), "standard_cost": item.standard_cost}


@item_app.command("template")
def item_template(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.", dir_okay=False)] = Path(
        "items-template.xlsx"
    ),
) -> None:
    """Write the Excel template for `jxc item import` (with an example and a README sheet)."""
    write_template(out, items_template(), what="item")


@item_app.command("import")
def item_import(
    file: Annotated[Path, typer.Argument(help="A filled-in items template (.xlsx).", exists=True, dir_okay=False)],
    valid_only: Annotated[
        bool, typer.Option("--valid-only", help="Import the valid rows and report the rest (default: all or nothing).")
    ] = False,
    errors_out: Annotated[
        Path | None, typer.Option("--errors-out", help="Write the errors to this .xlsx file.", dir_okay=False)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register items from an Excel file; exits 2 when errors kept every row out."""
    data = file.read_bytes()
    mode = ImportMode.VALID_ONLY if valid_only else ImportMode.ALL_OR_NOTHING
    with import_progress(len(data)) as progress:
        rows = read_items(data)  # before the transaction: reading a big file must not hold the write lock
        with current_app().uow() as uow:
            report = import_items(uow, rows, mode=mode, progress=progress)
    finish_import(report, errors_out=errors_out, as_json=as_json)


@item_app.command("add-unit")
def item_add_unit(
    sku: str,
    conversion: Annotated[str, typer.Argument(help="UNIT=FACTOR, e.g. 箱=24.")],
    as_json: JsonOpt = False,
) -> None:
    """Let an item be counted in another unit."""
    ((unit, factor),) = pairs([conversion], field="unit").items()
    with current_app().uow() as uow:
        item = services.add_unit(uow, sku=sku, unit=unit, factor=factor)
    _show_item(item, as_json)


@item_app.command("add-barcode")
def item_add_barcode(sku: str, barcode: str, as_json: JsonOpt = False) -> None:
    """Attach another barcode to an item."""
    with current_app().uow() as uow:
        item = services.add_barcode(uow, sku=sku, barcode=barcode)
    _show_item(item, as_json)


# --- suppliers and customers ----------------------------------------------------------------

CodeOpt = Annotated[str, typer.Option("--code", help="Unique code.")]
NameOpt = Annotated[str, typer.Option("--name", help="Name.")]
ContactOpt = Annotated[str | None, typer.Option("--contact", help="Contact person.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone")]
EmailOpt = Annotated[str | None, typer.Option("--email")]
AddressOpt = Annotated[str | None, typer.Option("--address")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region, e.g. 华东.")]
AfterOpt = Annotated[str | None, typer.Option("--after", help="Start after this code (next page).")]


def _partner_commands(group: typer.Typer, kind: str, label: str) -> None:
    """``add`` and ``list`` for suppliers or customers (same fields, different register)."""
    register = getattr(services, f"register_{kind}")
    listing = getattr(services, f"list_{kind}s")

    @group.command("add")
    def add(
        code: CodeOpt,
        name: NameOpt,
        contact: ContactOpt = None,
        phone: PhoneOpt = None,
        email: EmailOpt = None,
        address: AddressOpt = None,
        region: RegionOpt = None,
        attr: AttrOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        with current_app().uow() as uow:
            partner = register(uow, code=code, name=name, contact_name=contact, phone=phone, email=email,
                               address=address, region=region, attributes=pairs(attr, field="attr"))
        _show_partners(kind, kind, [partner], as_json)

    @group.command("list")
    def list_(
        region: RegionOpt = None, after: AfterOpt = None, limit: LimitOpt = 100, as_json: JsonOpt = False
    ) -> None:
        with current_app().uow() as uow:
            partners = listing(uow, region=region, after_code=after, limit=limit)
        _show_partners(kind, f"{kind}s", list(partners), as_json)

    add.__doc__ = f"Register a {kind} ({label})."
    list_.__doc__ = f"List {kind}s by code."


_partner_commands(supplier_app, "supplier", "供应商")
_partner_commands(customer_app, "customer", "客户")
