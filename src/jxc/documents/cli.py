"""``jxc po|so|doc|approval|voucher|period|stocktake …``: documents, approvals, vouchers and period close.

Also the Excel imports of documents (docs/import.md): ``jxc stock opening-template|opening-import``,
``jxc po template|import`` and ``jxc stocktake template|sheet|import``.

Parse, call a use case, commit, render. Commands act as the local operator (``cli:operator``),
or as ``--as USER``: then reads keep to the user's sites and field rules, and writes pass the
same checks as the API (a document write is checked like a posting of the kind it posts, at
the document's site) and are audited with ``detail.via = "cli"``.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.accounting.export import HEADER, voucher_rows, write_vouchers_csv, write_vouchers_xlsx
from jxc.cli.common import FormatOpt, JsonOpt, OutOpt, acting_principal, current_app, export_file, shown
from jxc.cli.output import console, emit_json, table
from jxc.cli.parsing import day
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import queries
from jxc.documents import sheets as document_sheets
from jxc.documents.codec import encode
from jxc.documents.model import DocumentStatus, DocumentType
from jxc.documents.services import approvals, purchasing, sales
from jxc.documents.services import common as c
from jxc.exports import parse_format
from jxc.inventory.cli import stock_app
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import parse_quantity
from jxc.org.model import Organisation
from jxc.sheets import ImportMode, ParseResult
from jxc.sheets.cli import finish_import, import_progress, write_template
from jxc.workflow import services as workflow

po_app = typer.Typer(help="Purchase orders (采购订单): create, receive, landed costs.", no_args_is_help=True)
so_app = typer.Typer(help="Sales orders (销售订单): create, ship.", no_args_is_help=True)
doc_app = typer.Typer(help="Any document (单据): list, show, submit for approval.", no_args_is_help=True)
approval_app = typer.Typer(help="Approvals (审批): inbox, approve, reject.", no_args_is_help=True)
voucher_app = typer.Typer(help="Vouchers (记账凭证): list, GL export.", no_args_is_help=True)
period_app = typer.Typer(help="Accounting periods (会计期间): close, reopen.", no_args_is_help=True)
stocktake_app = typer.Typer(help="Stocktakes (盘点): open, count, post; counting lists and counts from Excel.",
                             no_args_is_help=True)

OPERATOR = "cli:operator"
KeyOpt = Annotated[str | None, typer.Option("--key", help="Idempotency key; repeat it to retry safely.")]
OrgOpt = Annotated[str, typer.Option("--org", help="Organisation code.")]
AsOpt = Annotated[str | None, typer.Option("--as", metavar="USER", help="Act as USER (same as `jxc --as USER …`).")]


def register(app: typer.Typer) -> None:
    """Add the documents context's command groups to the root ``jxc`` app."""
    app.add_typer(po_app, name="po")
    app.add_typer(so_app, name="so")
    app.add_typer(doc_app, name="doc")
    app.add_typer(approval_app, name="approval")
    app.add_typer(voucher_app, name="voucher")
    app.add_typer(period_app, name="period")
    app.add_typer(stocktake_app, name="stocktake")


# --- helpers --------------------------------------------------------------------------------------
def _act_as(user: str | None) -> None:
    if user is not None:
        from jxc.cli.main import state

        state.acting_as, state._principal = user, None


def _actor() -> str:
    principal = acting_principal()
    return principal.subject if principal is not None else OPERATOR


def _key(key: str | None) -> str:
    return key or f"cli:{uuid.uuid4()}"


def _fields(text: str, *, option: str, names: tuple[str, ...], required: int) -> list[str]:
    parts = text.split(":")
    if not required <= len(parts) <= len(names) or any(not p.strip() for p in parts):
        shape = ":".join(names[:required]) + "".join(f"[:{n}]" for n in names[required:])
        raise InvalidInput("field.invalid", field=option, value=text, reason=shape)
    return [p.strip() for p in parts]


def _int(text: str, *, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("field.invalid", field=field, value=text, reason="a line number") from None


def _price(text: str, *, field: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise InvalidInput("field.invalid", field=field, value=text, reason="a price") from None


def _authorise(uow: SqlUnitOfWork, *, doc_type: str, site: str | None, action: str, resource: str) -> None:
    """With ``--as``, a document write passes the API's checks and is audited."""
    principal = acting_principal()
    if principal is None:
        return
    queries.authorise_write(uow, principal, policy=current_app().policy, doc_type=doc_type, site=site)
    access.record_audit(uow, actor=principal.subject, action=action, resource=resource, outcome="ok",
                        detail={"via": "cli"}, commit=False)


def _reader(uow: SqlUnitOfWork, action: str) -> frozenset[UUID] | None:
    """The ``--as`` user's site ids after checking ``action`` (``None``: the operator sees everything)."""
    principal = acting_principal()
    if principal is not None:
        current_app().policy.require(principal, action)
    return queries.scope(uow, principal)


def _row(row: queries.DocumentRow) -> dict[str, Any]:
    return dataclasses.asdict(row)


def _detail(uow: SqlUnitOfWork, organisation: str, number: str, *, sites: frozenset[UUID] | None) -> dict[str, Any]:
    app = current_app()
    owner = c.organisation(uow, organisation)
    found = queries.detail(uow, app.ledger, organisation_id=owner.id, number=number, sites=sites)
    data = {**_row(found.row), **{f.name: getattr(found, f.name) for f in dataclasses.fields(found)
                                  if f.name not in ("row", "approval")}}
    data = {k: (dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v)
            for k, v in data.items()}
    data["executions"] = [dataclasses.asdict(e) for e in found.executions]
    data["history"] = [dataclasses.asdict(h) for h in found.history]
    data["movements"] = [dataclasses.asdict(m) for m in found.movements]
    data["approval"] = None if found.approval is None else _request(found.approval)
    principal = acting_principal()
    if principal is None or app.policy.allows(principal, "voucher.read"):
        data["vouchers"] = [dataclasses.asdict(v) for v in queries.vouchers(
            uow, app.books, organisation_id=owner.id, sites=sites, document_id=found.row.id)]
    else:
        data["vouchers"] = None
    return shown(queries.resource_of(found.row.type), data)  # type: ignore[no-any-return]


def _request(request: Any) -> dict[str, Any]:
    current = request.current
    return {"id": request.id, "document_number": request.document_number, "document_type": request.document_type,
            "organisation": request.organisation, "flow": request.flow, "status": request.status.value,
            "amount": request.amount, "requested_by": request.requested_by, "requested_at": request.requested_at,
            "current_level": current.name if current is not None else None,
            "history": [encode(d) for d in request.history]}


def _show_document(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(data)
        return
    console.print(f"[bold]{data['number']}[/] {data['type']} · {data['status']} · {data['organisation']} · "
                  f"{data['site'] or ''} · {data['partner'] or ''} · amount {data['amount']}", highlight=False)
    if data["lines"]:
        columns = [k for k in ("line_no", "sku", "quantity", "unit", "unit_price", "net", "vat", "gross",
                               "received", "shipped", "returned", "po_line", "so_line", "receipt_line", "lot",
                               "target", "passed", "failed") if k in data["lines"][0]]
        table("lines", columns, [[line.get(k) for k in columns] for line in data["lines"]])
    if data.get("approval"):
        request = data["approval"]
        console.print(f"approval {request['id']}: {request['status']} (level: {request['current_level'] or '-'})",
                      highlight=False)
    for voucher in data.get("vouchers") or []:
        table(f"voucher {voucher['number']}", ["account", "name", "debit", "credit"],
              [(line["account"], line["account_name_zh"], line["debit"], line["credit"]) for line in voucher["lines"]])


# --- purchase and sales orders --------------------------------------------------------------------
@po_app.command("create")
def po_create(
    org: OrgOpt,
    supplier: Annotated[str, typer.Option("--supplier", help="Supplier code.")],
    site: Annotated[str, typer.Option("--site", help="Receiving site code.")],
    line: Annotated[list[str], typer.Option("--line", help="SKU:QTY:PRICE[:UNIT], price excl. VAT (repeat).")],
    expected: Annotated[str | None, typer.Option(help="Expected delivery date YYYY-MM-DD (default today).")] = None,
    vat: Annotated[str, typer.Option(help="VAT rate as a fraction.")] = "0.13",
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a draft purchase order; `jxc doc submit ORG NUMBER` sends it for approval."""
    app = current_app()
    with app.uow() as uow:
        when = day(expected, field="expected") or c.today(uow)
        lines = []
        for i, text in enumerate(line):
            sku, qty, price, *unit = _fields(text, option=f"line[{i}]", names=("SKU", "QTY", "PRICE", "UNIT"),
                                             required=3)
            lines.append(purchasing.OrderLineIn(
                sku=sku, quantity=parse_quantity(qty, field=f"lines[{i}].quantity"),
                unit_price=_price(price, field=f"lines[{i}].unit_price"), expected_date=when,
                unit=unit[0] if unit else None, vat_rate=_price(vat, field="vat")))
        c.site(uow, site)
        _authorise(uow, doc_type=DocumentType.PURCHASE_ORDER, site=site, action="document.create",
                   resource=f"purchase_order:{org}")
        po = purchasing.create_purchase_order(uow, organisation=org, supplier=supplier, site=site, lines=lines,
                                              actor=_actor(), key=_key(key))
        uow.commit()
    with app.uow().reader() as uow:
        _show_document(_detail(uow, org, po.number, sites=None), as_json)


@po_app.command("receive")
def po_receive(
    org: str, number: str,
    line: Annotated[list[str], typer.Option("--line", help="PO_LINE:QTY[:LOT] (repeat).")],
    qc: Annotated[bool | None, typer.Option("--qc/--no-qc", help="Into QC (default: the item's qc_required).")] = None,
    received_on: Annotated[str | None, typer.Option(help="Receipt date YYYY-MM-DD (default today).")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive goods against an approved purchase order (入库)."""
    lines = []
    for i, text in enumerate(line):
        po_line, qty, *lot = _fields(text, option=f"line[{i}]", names=("PO_LINE", "QTY", "LOT"), required=2)
        lines.append(purchasing.ReceiveLineIn(po_line=_int(po_line, field=f"lines[{i}].po_line"),
                                              quantity=parse_quantity(qty, field=f"lines[{i}].quantity"),
                                              lot=lot[0] if lot else None, to_qc=qc))
    receipt = _execute(org, number, expects=DocumentType.PURCHASE_ORDER, creates=DocumentType.GOODS_RECEIPT,
                       action="document.receive", run=lambda uow: purchasing.receive(
                           uow, current_app().documents, organisation=org, purchase_order=number, lines=lines,
                           actor=_actor(), received_on=day(received_on, field="received_on"), key=_key(key)))
    _show_result(org, receipt.number, as_json)


@so_app.command("create")
def so_create(
    org: OrgOpt,
    site: Annotated[str, typer.Option("--site", help="Shipping site code.")],
    line: Annotated[list[str], typer.Option("--line", help="SKU:QTY:PRICE[:UNIT], price excl. VAT (repeat).")],
    customer: Annotated[str | None, typer.Option("--customer", help="Customer code (none for a till).")] = None,
    channel: Annotated[str, typer.Option(help="b2b, pos or online.")] = "b2b",
    vat: Annotated[str, typer.Option(help="VAT rate as a fraction.")] = "0.13",
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a draft sales order; `jxc doc submit ORG NUMBER` sends it for approval."""
    lines = []
    for i, text in enumerate(line):
        sku, qty, price, *unit = _fields(text, option=f"line[{i}]", names=("SKU", "QTY", "PRICE", "UNIT"), required=3)
        lines.append(sales.SalesLineIn(sku=sku, quantity=parse_quantity(qty, field=f"lines[{i}].quantity"),
                                       unit_price=_price(price, field=f"lines[{i}].unit_price"),
                                       unit=unit[0] if unit else None, vat_rate=_price(vat, field="vat")))
    app = current_app()
    with app.uow() as uow:
        c.site(uow, site)
        _authorise(uow, doc_type=DocumentType.SALES_ORDER, site=site, action="document.create",
                   resource=f"sales_order:{org}")
        so = sales.create_sales_order(uow, organisation=org, site=site, lines=lines, actor=_actor(), channel=channel,
                                      customer=customer, key=_key(key))
        uow.commit()
    _show_result(org, so.number, as_json)


@so_app.command("ship")
def so_ship(
    org: str, number: str,
    line: Annotated[list[str], typer.Option("--line", help="SO_LINE:QTY (repeat).")],
    shipped_on: Annotated[str | None, typer.Option(help="Shipment date YYYY-MM-DD (default today).")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ship against an approved sales order (出库)."""
    lines = []
    for i, text in enumerate(line):
        so_line, qty = _fields(text, option=f"line[{i}]", names=("SO_LINE", "QTY"), required=2)
        lines.append(sales.ShipLineIn(so_line=_int(so_line, field=f"lines[{i}].so_line"),
                                      quantity=parse_quantity(qty, field=f"lines[{i}].quantity")))
    shipment = _execute(org, number, expects=DocumentType.SALES_ORDER, creates=DocumentType.SHIPMENT,
                        action="document.ship", run=lambda uow: sales.ship(
                            uow, current_app().documents, organisation=org, sales_order=number, lines=lines,
                            actor=_actor(), shipped_on=day(shipped_on, field="shipped_on"), key=_key(key)))
    _show_result(org, shipment.number, as_json)


def _execute(org: str, number: str, *, expects: DocumentType, creates: DocumentType, action: str, run: Any) -> Any:
    app = current_app()
    with app.uow() as uow:
        source = queries.header(uow, organisation_id=c.organisation(uow, org).id, number=number)
        if source.type != expects.value:
            raise InvalidInput("field.invalid", field="number", value=number, reason=f"a {expects.value} number")
        _authorise(uow, doc_type=creates.value, site=source.site, action=action, resource=f"document:{org}/{number}")
        created = run(uow)
        uow.commit()
    return created


def _show_result(org: str, number: str, as_json: bool) -> None:
    with current_app().uow().reader() as uow:
        _show_document(_detail(uow, org, number, sites=None), as_json)


# --- Excel templates and imports (docs/import.md) -------------------------------------------------
FileArg = Annotated[Path, typer.Argument(help="A filled-in template (.xlsx).", exists=True, dir_okay=False)]
ValidOnlyOpt = Annotated[bool, typer.Option(
    "--valid-only", help="Import the valid rows (whole documents) and report the rest (default: all or nothing).")]
ErrorsOutOpt = Annotated[
    Path | None, typer.Option("--errors-out", help="Write the errors to this .xlsx file.", dir_okay=False)]
TemplateOutOpt = Annotated[Path, typer.Option("--out", "-o", help="File to write.", dir_okay=False)]


def _import_file(file: Path, sheet: str, *, valid_only: bool, errors_out: Path | None, as_json: bool,
                 run: Any) -> None:
    """Read ``file`` (before the transaction), check ``--as`` like the API, import, report; exit 2 if nothing went in."""
    data = file.read_bytes()
    mode = ImportMode.VALID_ONLY if valid_only else ImportMode.ALL_OR_NOTHING
    with import_progress(len(data)) as progress:
        rows = document_sheets.read_sheet(sheet, data)  # reading a big file must not hold the write lock
        app = current_app()
        with app.uow() as uow:
            principal = acting_principal()
            if principal is not None:
                sites = document_sheets.authorise_import(uow, principal, policy=app.policy, sheet=sheet, parsed=rows)
                access.record_audit(uow, actor=principal.subject, action=f"import.{sheet}", resource=f"import:{sheet}",
                                    outcome="ok", detail={"via": "cli", "sites": sites}, commit=False)
            report = run(uow, rows, mode, progress)
    finish_import(report, errors_out=errors_out, as_json=as_json)


@stock_app.command("opening-template")
def opening_template(out: TemplateOutOpt = Path("opening-balances.xlsx")) -> None:
    """Write the Excel template for `jxc stock opening-import` (期初库存)."""
    write_template(out, document_sheets.sheet_template("opening_balances"), what="opening balances")


@stock_app.command("opening-import")
def opening_import(file: FileArg, valid_only: ValidOnlyOpt = False, errors_out: ErrorsOutOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Bring in opening stock (期初库存) from Excel: one valued posting and opening voucher per site.

    Importing the same rows again changes nothing. Exits 2 when errors kept every row out."""
    _import_file(file, "opening_balances", valid_only=valid_only, errors_out=errors_out, as_json=as_json,
                 run=lambda uow, rows, mode, progress: document_sheets.import_opening_balances(
                     uow, current_app().documents, rows, actor=_actor(), mode=mode, progress=progress))


@po_app.command("template")
def po_template(out: TemplateOutOpt = Path("purchase-orders.xlsx")) -> None:
    """Write the Excel template for `jxc po import` (one row per order line)."""
    write_template(out, document_sheets.sheet_template("purchase_orders"), what="purchase order")


@po_app.command("import")
def po_import(file: FileArg, valid_only: ValidOnlyOpt = False, errors_out: ErrorsOutOpt = None,
              as_json: JsonOpt = False) -> None:
    """Create draft purchase orders from Excel, one per 单号分组 (order group); exits 2 when nothing went in."""
    _import_file(file, "purchase_orders", valid_only=valid_only, errors_out=errors_out, as_json=as_json,
                 run=lambda uow, rows, mode, progress: document_sheets.import_purchase_orders(
                     uow, rows, actor=_actor(), mode=mode, progress=progress))


@stocktake_app.command("template")
def stocktake_template(out: TemplateOutOpt = Path("stocktake-counts.xlsx")) -> None:
    """Write an empty counts template (`jxc stocktake sheet` writes a sheet's own counting list)."""
    write_template(out, document_sheets.sheet_template("stocktake_counts"), what="stocktake counts")


def _stocktake(uow: SqlUnitOfWork, org: str, number: str, *, sites: frozenset[UUID] | None) -> queries.DocumentRow:
    row = queries.header(uow, organisation_id=c.organisation(uow, org).id, number=number, sites=sites)
    if row.type != DocumentType.STOCKTAKE.value:
        raise InvalidInput("field.invalid", field="number", value=number, reason="a stocktake number")
    return row


@stocktake_app.command("sheet")
def stocktake_sheet(
    org: str, number: str, out: TemplateOutOpt = Path("counts.xlsx"),
) -> None:
    """Write a stocktake's counting list (no book quantities on a blind count) to fill in and import back."""
    with current_app().uow().reader() as uow:
        _stocktake(uow, org, number, sites=_reader(uow, "document.read"))
        data = document_sheets.counting_list(uow, organisation=org, number=number)
    out.write_bytes(data)
    typer.echo(f"wrote the counting list of {number} to {out}")


@stocktake_app.command("import")
def stocktake_import(org: str, number: str, file: FileArg, valid_only: ValidOnlyOpt = False,
                     errors_out: ErrorsOutOpt = None, as_json: JsonOpt = False) -> None:
    """Record counts from Excel (a filled-in `jxc stocktake sheet`) on a draft stocktake; exits 2 when nothing went in."""
    data = file.read_bytes()
    mode = ImportMode.VALID_ONLY if valid_only else ImportMode.ALL_OR_NOTHING
    with import_progress(len(data)) as progress:
        rows: ParseResult = document_sheets.read_sheet("stocktake_counts", data)
        with current_app().uow() as uow:
            row = _stocktake(uow, org, number, sites=None)
            _authorise(uow, doc_type=DocumentType.STOCKTAKE, site=row.site, action="import.stocktake_counts",
                       resource=f"document:{org}/{number}")
            report = document_sheets.import_counts(uow, rows, organisation=org, number=number, actor=_actor(),
                                                   mode=mode, progress=progress)
    finish_import(report, errors_out=errors_out, as_json=as_json)


# --- any document ---------------------------------------------------------------------------------
@doc_app.command("submit")
def doc_submit(org: str, number: str, as_json: JsonOpt = False) -> None:
    """Submit a draft into its approval flow (approved at once when the flow has no levels)."""
    app = current_app()
    with app.uow() as uow:
        row = queries.header(uow, organisation_id=c.organisation(uow, org).id, number=number)
        _authorise(uow, doc_type=row.type, site=row.site, action="document.submit", resource=f"document:{org}/{number}")
        approvals.submit(uow, app.documents, organisation=org, number=number, actor=_actor())
        uow.commit()
    _show_result(org, number, as_json)


@doc_app.command("list")
def doc_list(
    doc_type: Annotated[str | None, typer.Option("--type", help="purchase_order, goods_receipt, sales_order …")] = None,
    status: Annotated[str | None, typer.Option(help="draft, submitted, approved, partially_done, done …")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation code.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=queries.MAX_PAGE)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Documents newest first (with --as: only the user's sites)."""
    for value, enum, name in ((doc_type, DocumentType, "type"), (status, DocumentStatus, "status")):
        if value is not None and value not in {e.value for e in enum}:
            raise InvalidInput("field.invalid", field=name, value=value, reason=" | ".join(e.value for e in enum))
    app = current_app()
    with app.uow().reader() as uow:
        rows = queries.list_documents(uow, sites=_reader(uow, "document.read"), doc_type=doc_type, status=status,
                                      organisation_id=c.organisation(uow, org).id if org else None, limit=limit)
    data = [shown(queries.resource_of(r.type), _row(r)) for r in rows]
    if as_json:
        emit_json(data)
        return
    columns = ["number", "type", "status", "organisation", "doc_date", "site", "partner", "amount"]
    table("documents", columns, [[d.get(k) for k in columns] for d in data])


@doc_app.command("show")
def doc_show(org: str, number: str, as_json: JsonOpt = False) -> None:
    """One document: lines, approval, history, movements and vouchers."""
    with current_app().uow().reader() as uow:
        _show_document(_detail(uow, org, number, sites=_reader(uow, "document.read")), as_json)


# --- approvals ------------------------------------------------------------------------------------
def _approver() -> tuple[str, list[str], Principal | None]:
    principal = acting_principal()
    if principal is None:
        return OPERATOR, [], None  # the operator holds no approver role: use --as
    current_app().policy.require(principal, "approval.decide")
    return principal.subject, [r.value for r in principal.roles], principal


@approval_app.command("inbox")
def approval_inbox(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Pending requests you may decide (as --as USER), oldest first."""
    _act_as(as_user)
    app = current_app()
    user, roles, principal = _approver()
    with app.uow().reader() as uow:
        pending = workflow.inbox(uow, user=user, roles=roles, at=app.clock.now(), roles_of=access.roles_resolver(uow))
        sites = queries.scope(uow, principal)
        shown_ids = queries.visible(uow, {r.document_id for r in pending}, sites=sites)
        data = [shown(queries.resource_of(r.document_type), _request(r)) for r in pending if r.document_id in shown_ids]
    if as_json:
        emit_json(data)
        return
    columns = ["id", "document_number", "organisation", "amount", "current_level", "requested_by", "requested_at"]
    table("approval inbox", columns, [[d.get(k) for k in columns] for d in data])


def _decide(request_id: str, *, approve: bool, reason: str | None, as_user: str | None, as_json: bool) -> None:
    _act_as(as_user)
    try:
        rid = UUID(request_id)
    except ValueError:
        raise InvalidInput("field.invalid", field="request", value=request_id, reason="a request id") from None
    app = current_app()
    user, roles, principal = _approver()
    with app.uow() as uow:
        request, _ = workflow.get_request(uow, rid)
        if principal is not None:
            row = queries.header_by_id(uow, request.document_id)
            access.authorise_posting(uow, principal, policy=app.policy, kind="approval", site_codes=[row.site or ""],
                                     action="approval.decide")
            access.record_audit(uow, actor=user, action="approval.approve" if approve else "approval.reject",
                                resource=f"approval:{rid}", outcome="ok", detail={"via": "cli"}, commit=False)
        decided = approvals.decide(uow, request_id=rid, approve=approve, actor=user, actor_roles=roles, reason=reason,
                                   w=app.documents, roles_of=access.roles_resolver(uow))
        uow.commit()
    data = shown(queries.resource_of(decided.document_type), _request(decided))
    if as_json:
        emit_json(data)
        return
    console.print(f"{decided.document_number}: {decided.status.value}", highlight=False)


@approval_app.command("approve")
def approval_approve(request_id: str, reason: Annotated[str | None, typer.Option(help="A comment.")] = None,
                     as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Approve the current level of a request."""
    _decide(request_id, approve=True, reason=reason, as_user=as_user, as_json=as_json)


@approval_app.command("reject")
def approval_reject(request_id: str, reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
                    as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Reject the current level of a request: the document goes back to draft."""
    _decide(request_id, approve=False, reason=reason, as_user=as_user, as_json=as_json)


def _delegator() -> Principal:
    principal = acting_principal()
    if principal is None or principal.username is None:
        raise InvalidInput("field.invalid", field="--as", value="-", reason="delegations are a user's: pass --as USER")
    current_app().policy.require(principal, "approval.decide")
    return principal


def _delegation(d: workflow.DelegationRecord) -> dict[str, Any]:
    return {"id": str(d.id), "from_user": d.from_user, "to_user": d.to_user, "starts_at": d.starts_at.isoformat(),
            "ends_at": d.ends_at.isoformat(), "document_types": list(d.document_types),
            "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None}


@approval_app.command("delegate")
def approval_delegate(
    to: Annotated[str, typer.Option("--to", metavar="USER", help="Who decides in your place.")],
    from_date: Annotated[str, typer.Option("--from-date", help="First day YYYY-MM-DD (UTC, inclusive).")],
    to_date: Annotated[str, typer.Option("--to-date", help="Last day YYYY-MM-DD (UTC, inclusive).")],
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only this document type (repeatable).")] = None,
    as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Delegate your approvals (as --as USER) to --to USER from --from-date through --to-date."""
    _act_as(as_user)
    app = current_app()
    principal = _delegator()
    first, last = day(from_date, field="from_date"), day(to_date, field="to_date")
    assert first is not None and last is not None  # both options are required
    known = {flow.document_type for flow in app.documents.flows}
    for name in doc_type or []:
        if name not in known:
            raise InvalidInput("field.invalid", field="type", value=name, reason=" | ".join(sorted(known)))
    with app.uow() as uow:
        delegate = access.get_user(uow, to.removeprefix("user:"))
        record = workflow.add_delegation(
            uow, from_user=principal.subject, to_user=delegate.subject, starts_at=datetime.combine(first, time(), UTC),
            ends_at=datetime.combine(last + timedelta(days=1), time(), UTC), document_types=doc_type or (),
            actor=principal.subject, at=app.clock.now())
        access.record_audit(uow, actor=principal.subject, action="delegation.add", resource=f"delegation:{record.id}",
                            outcome="ok", detail={"via": "cli", "to_user": record.to_user}, commit=False)
        uow.commit()
    if as_json:
        emit_json(_delegation(record))
        return
    console.print(f"{record.id}: {record.from_user} → {record.to_user} "
                  f"{record.starts_at:%Y-%m-%d} … {last:%Y-%m-%d}", highlight=False)


@approval_app.command("delegations")
def approval_delegations(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Your approval delegations (as --as USER), given and received."""
    _act_as(as_user)
    principal = _delegator()
    with current_app().uow().reader() as uow:
        data = [_delegation(d) for d in workflow.list_delegations(uow, user=principal.subject)]
    if as_json:
        emit_json(data)
        return
    columns = ["id", "from_user", "to_user", "starts_at", "ends_at", "document_types", "revoked_at"]
    table("approval delegations", columns, [[d.get(k) for k in columns] for d in data])


# --- vouchers and periods -------------------------------------------------------------------------
def _vouchers(org: str, since: str | None, until: str | None) -> list[queries.VoucherView]:
    app = current_app()
    with app.uow().reader() as uow:
        sites = _reader(uow, "voucher.read")
        owner = c.organisation(uow, org)
        found: list[queries.VoucherView] = []
        after: tuple[date, str] | None = None
        while True:
            page = queries.vouchers(uow, app.books, organisation_id=owner.id, sites=sites,
                                    since=day(since, field="since"), until=day(until, field="until"), after=after)
            found.extend(page)
            if len(page) < 1000:
                return found
            after = (page[-1].date, page[-1].number)


SinceOpt = Annotated[str | None, typer.Option(help="From this date YYYY-MM-DD (inclusive).")]
UntilOpt = Annotated[str | None, typer.Option(help="Before this date YYYY-MM-DD (exclusive).")]


@voucher_app.command("list")
def voucher_list(org: OrgOpt, since: SinceOpt = None, until: UntilOpt = None, as_json: JsonOpt = False) -> None:
    """An organisation's vouchers with their lines, oldest first."""
    views = _vouchers(org, since, until)
    data = shown("voucher", [dataclasses.asdict(v) for v in views])
    if as_json:
        emit_json(data)
        return
    rows = [(v["number"], v["date"], v["document_ref"], line["account"], line["account_name_zh"], line["debit"],
             line["credit"]) for v in data for line in v["lines"]]
    table(f"vouchers {org}", ["voucher", "date", "document", "account", "name", "debit", "credit"], rows)


@voucher_app.command("export")
def voucher_export(org: OrgOpt, out: OutOpt, fmt: FormatOpt = "xlsx", since: SinceOpt = None,
                   until: UntilOpt = None) -> None:
    """Vouchers in the 金蝶/用友 GL import layout (CSV or Excel with a README sheet)."""
    views = _vouchers(org, since, until)
    export_format = parse_format(fmt)
    gl = queries.gl_vouchers(views, current_app().books)
    if acting_principal() is not None:  # the user's field rules, through the common export path
        count = export_file(resource="voucher", title="vouchers", columns=list(HEADER),
                            rows=[dict(zip(HEADER, row, strict=True)) for row in voucher_rows(gl)],
                            fmt=export_format.value, out=out)
    elif export_format.value == "csv":
        count = write_vouchers_csv(gl, out)
    else:
        count = write_vouchers_xlsx(gl, out)
    console.print(f"{count} voucher lines of {len(views)} vouchers → {out}", highlight=False)


def _books(uow: SqlUnitOfWork, code: str, *, action: str) -> Organisation:
    owner = c.organisation(uow, code)
    principal = acting_principal()
    if principal is not None:
        current_app().policy.require(principal, "period.close")
        queries.require_books(uow, principal, owner)
        access.record_audit(uow, actor=principal.subject, action=action, resource=f"period:{owner.code}",
                            outcome="ok", detail={"via": "cli"}, commit=False)
    return owner


@period_app.command("close")
def period_close(org: str, period: str, as_json: JsonOpt = False) -> None:
    """Close a period (结账), e.g. `jxc period close ORG 2026-11`."""
    app = current_app()
    with app.uow() as uow:
        owner = _books(uow, org, action="period.close")
        closed = app.books.close_period(uow, organisation_id=owner.id, org_code=owner.code, period=period,
                                        actor=_actor())
        uow.commit()
    _show_period(owner.code, period, "close", closed, as_json)


@period_app.command("reopen")
def period_reopen(org: str, period: str, reason: Annotated[str, typer.Option(help="Why (required).")],
                  as_json: JsonOpt = False) -> None:
    """Reopen a closed period and every later one (反结账)."""
    app = current_app()
    with app.uow() as uow:
        owner = _books(uow, org, action="period.reopen")
        app.books.reopen_period(uow, organisation_id=owner.id, org_code=owner.code, period=period, actor=_actor(),
                                reason=reason)
        closed = app.books.closed_through(uow, owner.id)
        uow.commit()
    _show_period(owner.code, period, "reopen", closed, as_json)


def _show_period(org: str, period: str, action: str, closed: str | None, as_json: bool) -> None:
    data = {"organisation": org, "period": period, "action": action, "closed_through": closed}
    if as_json:
        emit_json(data)
        return
    console.print(f"{org}: closed through {closed or '-'}", highlight=False)

