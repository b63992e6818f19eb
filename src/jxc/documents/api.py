"""Document resources: purchase and sales documents, approvals, vouchers, period close.

Parse, authorise, call a use case, serialise through the access policy; no business rules here.
- Reads keep to the caller's sites inside the query (a document of another site is a 404, never
  a row); writes are checked like postings of the movement kind the document posts (a clerk's
  kinds are sale and return: it may create sales orders, not purchase orders) at the document's
  site, and audited in their own transaction.
- Every POST takes an ``Idempotency-Key``. Creating and executing documents pass it to the use
  case (a repeat returns the first document: 200 with ``Idempotent-Replayed: true``); submitting,
  deciding and closing find an earlier call with the same key in the caller's audit trail and
  answer with the current state instead of acting twice. Excel imports (templates, opening
  balances, purchase orders, stocktake counts: the .xlsx as the raw body) are idempotent by
  content — each document's key comes from its own rows (:mod:`jxc.documents.sheets`).
- Purchase prices and amounts follow ``[fields.purchase_order]`` and friends, at every depth;
  vouchers (which carry costs) need ``voucher.read``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.accounting.export import HEADER, voucher_rows
from jxc.api.app import MAX_BODY_BYTES
from jxc.api.deps import (
    AppDep,
    IdempotencyKey,
    MovementPoster,
    Quantity,
    ReadUowDep,
    current_principal,
    requires,
)
from jxc.api.output import EXPORT_LIMIT, EXPORT_RESPONSES, FORMAT_QUERY, file_response, masked
from jxc.api.problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from jxc.api.problems import Problem
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import queries
from jxc.documents import sheets as document_sheets
from jxc.documents.allowed import allowed_actions
from jxc.documents.model import DocumentStatus, DocumentType, FailedDisposition
from jxc.documents.services import approvals, purchasing, sales
from jxc.documents.services import common as c
from jxc.exports import ExportFormat
from jxc.kernel.errors import InvalidInput, JxcError, NotFound
from jxc.org.model import Organisation
from jxc.sheets import ImportMode, ImportReport, ParseResult
from jxc.workflow import model as wf
from jxc.workflow import services as workflow

router = APIRouter(tags=["documents"])

DocumentReader = Annotated[Principal, Depends(requires("document.read"))]
DocumentWriter = Annotated[Principal, Depends(requires("document.write"))]
Approver = Annotated[Principal, Depends(requires("approval.decide"))]
VoucherReader = Annotated[Principal, Depends(requires("voucher.read"))]
PeriodCloser = Annotated[Principal, Depends(requires("period.close"))]

MAX_AMOUNT: Final = Decimal(10) ** 12  # amounts are stored as 64-bit millionths: a document stays far below
MAX_LINES: Final = 1000
Price = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, description="Excl. VAT, up to six decimals.")]
Rate = Annotated[Decimal, Field(ge=0, lt=1, description="A fraction: 0.13, not 13.")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(max_length=500)]
OrgPath = Annotated[str, Path(max_length=64, description="Organisation code.")]
NumberPath = Annotated[str, Path(max_length=40, description="Document number, e.g. PO-2026-000123.")]
REPLAYED: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "The earlier call with this Idempotency-Key, replayed",
    "headers": {"Idempotent-Replayed": {"description": "Always true", "schema": {"type": "string", "enum": ["true"]}}},
}}


# --- schemas: in ----------------------------------------------------------------------------------
class DeliverySlotIn(BaseModel):
    date: date
    quantity: Quantity


class PurchaseOrderLineIn(BaseModel):
    sku: Text
    quantity: Quantity
    unit_price: Price
    expected_date: date
    unit: Text | None = None
    vat_rate: Rate = Decimal("0.13")
    schedule: list[DeliverySlotIn] = Field(default=[], max_length=100)


class PurchaseOrderCreate(BaseModel):
    organisation: Text
    supplier: Text
    site: Text
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class SalesOrderLineIn(BaseModel):
    sku: Text
    quantity: Quantity
    unit_price: Price
    unit: Text | None = None
    vat_rate: Rate = Decimal("0.13")
    discount: Price = Decimal(0)


class SalesOrderCreate(BaseModel):
    organisation: Text
    site: Text
    customer: Text | None = None
    channel: Text = "b2b"
    lines: list[SalesOrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class ReceiptLineIn(BaseModel):
    po_line: int = Field(ge=1, le=1_000_000)
    quantity: Quantity
    lot: Text | None = None
    production_date: date | None = None
    expiry_date: date | None = None
    to_qc: bool | None = Field(default=None, description="Default: the item's `qc_required` attribute.")


class ReceiptCreate(BaseModel):
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=MAX_LINES)
    received_on: date | None = None


class InspectionLineIn(BaseModel):
    receipt_line: int = Field(ge=1, le=1_000_000)
    passed: Annotated[Decimal, Field(ge=0, le=10**9)]
    failed: Annotated[Decimal, Field(ge=0, le=10**9)] = Decimal(0)
    disposition: FailedDisposition | None = None
    note: Reason | None = None


class InspectionCreate(BaseModel):
    lines: list[InspectionLineIn] = Field(min_length=1, max_length=MAX_LINES)


class PurchaseReturnLineIn(BaseModel):
    receipt_line: int = Field(ge=1, le=1_000_000)
    quantity: Quantity
    from_state: Text = "available"
    reason: Reason | None = None


class PurchaseReturnCreate(BaseModel):
    lines: list[PurchaseReturnLineIn] = Field(min_length=1, max_length=MAX_LINES)


class ShipmentLineIn(BaseModel):
    so_line: int = Field(ge=1, le=1_000_000)
    quantity: Quantity


class ShipmentCreate(BaseModel):
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=MAX_LINES)
    shipped_on: date | None = None


class SalesReturnLineIn(BaseModel):
    shipment_line: int = Field(ge=1, le=1_000_000)
    quantity: Quantity
    reason: Reason | None = None


class SalesReturnCreate(BaseModel):
    lines: list[SalesReturnLineIn] = Field(min_length=1, max_length=MAX_LINES)


class DecisionIn(BaseModel):
    reason: Reason | None = None


class ReopenIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


# --- schemas: out ---------------------------------------------------------------------------------
class DocumentRefPublic(BaseModel):
    id: UUID
    number: str
    type: str
    status: str | None = None
    doc_date: date | None = None


class DocumentSummary(BaseModel):
    id: UUID
    number: str
    type: str
    status: str
    organisation: str
    doc_date: date
    amount: Decimal | None = Field(description="Gross amount (incl. VAT) where the document has one.")
    partner: str | None = Field(description="Supplier or customer code; a transfer's receiving organisation.")
    site: str | None


class DocumentPage(BaseModel):
    documents: list[DocumentSummary]
    next: str | None = Field(description="Pass as `after` for the next (older) page.")


class LevelPublic(BaseModel):
    name: str
    name_zh: str | None
    name_en: str | None
    approver_roles: list[str]
    approver_users: list[str]
    skippable: bool


class DecisionPublic(BaseModel):
    level: str
    actor: str
    on_behalf_of: str | None
    action: str
    reason: str | None
    at: datetime


class ApprovalPublic(BaseModel):
    id: UUID
    document: DocumentRefPublic
    organisation: str | None
    site: str | None
    flow: str
    status: str
    amount: Decimal
    requested_by: str
    requested_at: datetime
    current_level: str | None = Field(description="The level waiting for a decision (null once decided).")
    levels: list[LevelPublic]
    history: list[DecisionPublic]
    closed_at: datetime | None

    @classmethod
    def of(cls, request: wf.ApprovalRequest, row: queries.DocumentRow) -> ApprovalPublic:
        current = request.current
        return cls(
            id=request.id, document=DocumentRefPublic(id=row.id, number=row.number, type=row.type, status=row.status,
                                                      doc_date=row.doc_date),
            organisation=request.organisation, site=row.site, flow=request.flow, status=request.status.value,
            amount=request.amount, requested_by=request.requested_by, requested_at=request.requested_at,
            current_level=current.name if current is not None else None,
            levels=[LevelPublic(name=lv.name, name_zh=lv.name_zh, name_en=lv.name_en,
                                approver_roles=sorted(lv.approver_roles), approver_users=sorted(lv.approver_users),
                                skippable=lv.skippable) for lv in request.levels],
            history=[DecisionPublic(level=d.level, actor=d.actor, on_behalf_of=d.on_behalf_of, action=d.action.value,
                                    reason=d.reason, at=d.at) for d in request.history],
            closed_at=request.closed_at,
        )


class InboxPage(BaseModel):
    requests: list[ApprovalPublic]


class HistoryPublic(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


class MovementLinkPublic(BaseModel):
    movement_id: UUID
    line_no: int
    sku: str
    quantity: Decimal
    lot: str | None
    role: str


class VoucherLinePublic(BaseModel):
    line_no: int
    account: str
    account_name_zh: str
    account_name_en: str
    debit: Decimal
    credit: Decimal
    summary_zh: str
    summary_en: str
    partner: str | None
    item: str | None
    site: str | None
    department: str | None
    quantity: Decimal | None


class VoucherPublic(BaseModel):
    id: UUID
    number: str = Field(description="记-2026-01-0001: word, period, sequence.")
    organisation: str
    date: date
    period: str
    word: str
    seq: int
    kind: str
    total: Decimal = Field(description="Σ debit = Σ credit.")
    document_ref: str | None
    document: DocumentRefPublic | None
    preparer: str
    lines: list[VoucherLinePublic]

    @classmethod
    def of(cls, view: queries.VoucherView) -> VoucherPublic:
        doc = view.document
        return cls(
            id=view.id, number=view.number, organisation=view.organisation, date=view.date, period=view.period,
            word=view.word, seq=view.seq, kind=view.kind, total=view.total, document_ref=view.document_ref,
            document=None if doc is None else DocumentRefPublic(id=doc.id, number=doc.number, type=doc.type,
                                                                status=doc.status, doc_date=doc.doc_date),
            preparer=view.preparer, lines=[VoucherLinePublic(**vars(line)) for line in view.lines],
        )


class VoucherPage(BaseModel):
    vouchers: list[VoucherPublic]
    next: str | None = Field(description="Pass as `after` for the next page.")


class AmountsPublic(BaseModel):
    net: Decimal
    vat: Decimal
    gross: Decimal


class DocumentDetailPublic(DocumentSummary):
    source: DocumentRefPublic | None = Field(description="The document this one executes (a receipt's order).")
    executions: list[DocumentRefPublic] = Field(description="Documents executing this one (an order's receipts).")
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    closed_reason: str | None
    cancelled_reason: str | None
    amounts: AmountsPublic | None
    fields: dict[str, Any] = Field(description="The type's own header fields (currency, channel, received_on …).")
    lines: list[dict[str, Any]] = Field(description="The lines as stored; priced lines with net, vat and gross.")
    approval: ApprovalPublic | None
    history: list[HistoryPublic]
    movements: list[MovementLinkPublic] = Field(description="Ledger movements the document posted.")
    vouchers: list[VoucherPublic] | None = Field(description="Its vouchers; null without voucher.read.")
    actions: list[str] = Field(description=(
        "What the caller may do with it now: next steps the document accepts and the caller's role and sites "
        "allow (submit, receive, shipping_notice, revise, inspect, return, landed_cost, ship, close, count, "
        "post, order), and approve/reject when its pending level is the caller's."))


class PeriodPublic(BaseModel):
    organisation: str
    period: str
    action: str
    closed_through: str | None = Field(description="The latest closed period after the call.")


# --- helpers --------------------------------------------------------------------------------------
_scope = queries.scope


def _authorise_write(app: App, uow: SqlUnitOfWork, principal: Principal, *, doc_type: str, site: str | None,
                     action: str, resource: str, key: str) -> None:
    """Checked like a posting of the document's kind at its site (:func:`queries.authorise_write`); audited."""
    queries.authorise_write(uow, principal, policy=app.policy, doc_type=doc_type, site=site)
    access.record_audit(uow, actor=principal.subject, action=action, resource=resource, outcome="ok",
                        detail={"key": key}, commit=False)


def _replayed(uow: SqlUnitOfWork, principal: Principal, *, action: str, resource: str, key: str) -> bool:
    """Whether the caller already did ``action`` on ``resource`` with this idempotency key."""
    return any(entry.resource == resource and entry.detail.get("key") == key
               for entry in access.list_audit(uow, actor=principal.subject, action=action, limit=200))


def _detail(app: App, uow: SqlUnitOfWork, principal: Principal, organisation: Organisation, number: str, *,
            status_code: int = 200, replayed: bool = False, also: frozenset[UUID] = frozenset()) -> JSONResponse:
    """The masked detail; ``also``: sites whose documents the caller was just authorised to act on beyond its
    scope (a transfer's sending site, for whoever receives it)."""
    sites = _scope(uow, principal)
    if sites is not None and also:
        sites = sites | also
    found = queries.detail(uow, app.ledger, organisation_id=organisation.id, number=number, sites=sites)
    vouchers = None
    if app.policy.allows(principal, "voucher.read"):
        vouchers = [VoucherPublic.of(v) for v in queries.vouchers(uow, app.books, organisation_id=organisation.id,
                                                                  sites=sites, document_id=found.row.id)]
    row = found.row
    body = DocumentDetailPublic(
        **vars(row), source=_ref(found.source), executions=[DocumentRefPublic(**vars(e)) for e in found.executions],
        created_by=found.created_by, created_at=found.created_at, updated_at=found.updated_at,
        version=found.version, closed_reason=found.closed_reason, cancelled_reason=found.cancelled_reason,
        amounts=None if found.amounts is None else AmountsPublic(**found.amounts), fields=found.fields,
        lines=found.lines, approval=None if found.approval is None else ApprovalPublic.of(found.approval, row),
        history=[HistoryPublic(**vars(h)) for h in found.history],
        movements=[MovementLinkPublic(**vars(m)) for m in found.movements], vouchers=vouchers,
        actions=allowed_actions(uow, principal, policy=app.policy, found=found, at=app.clock.now()),
    )
    data = app.policy.mask(principal, queries.resource_of(row.type), body.model_dump(mode="json"))
    if data.get("vouchers") is not None:
        data["vouchers"] = [app.policy.mask(principal, "voucher", v) for v in data["vouchers"]]
    return JSONResponse(data, status_code=status_code,
                        headers={"Idempotent-Replayed": "true"} if replayed else None)


def _ref(ref: queries.DocumentRef | None) -> DocumentRefPublic | None:
    return None if ref is None else DocumentRefPublic(**vars(ref))


def _check_amounts(lines: Sequence[PurchaseOrderLineIn | SalesOrderLineIn]) -> None:
    total = Decimal(0)
    for i, line in enumerate(lines):
        amount = line.quantity * line.unit_price
        if amount >= MAX_AMOUNT:
            raise InvalidInput("field.invalid", field=f"lines[{i}].unit_price", value=str(line.unit_price),
                               reason="quantity × price must stay below 10^12")
        total += amount
    if total >= MAX_AMOUNT:
        raise InvalidInput("field.invalid", field="lines", value=str(total), reason="the total must stay below 10^12")


def _execute(
    app: App, principal: Principal, key: str, *, organisation: str, number: str, expects: DocumentType,
    creates: DocumentType, action: str, run: Callable[[SqlUnitOfWork, str], Any],
) -> JSONResponse:
    """Execute a document against ``number`` (receive an order, ship, return): one transaction."""
    with app.uow() as uow:
        owner = c.organisation(uow, organisation)
        source = queries.header(uow, organisation_id=owner.id, number=number)
        if source.type != expects.value:
            raise NotFound("document.not_found", field="number", value=number)
        _authorise_write(app, uow, principal, doc_type=creates.value, site=source.site, action=action,
                         resource=f"document:{organisation}/{number}", key=key)
        replayed = queries.by_key(uow, key) is not None
        created = run(uow, principal.subject)
        response = _created(app, uow, principal, organisation_id=owner.id, number=created.number, replayed=replayed)
        uow.commit()
    return response


def _create(
    app: App, principal: Principal, key: str, *, doc_type: DocumentType, site: str, site_field: str = "site",
    run: Callable[[SqlUnitOfWork], tuple[UUID, str]],
) -> JSONResponse:
    """Create a draft at ``site`` in one transaction: the site exists, the caller may write there
    (audited), the service runs (``run`` returns the new document's organisation id and number)."""
    with app.uow() as uow:
        c.site(uow, site, field=site_field)
        _authorise_write(app, uow, principal, doc_type=doc_type, site=site, action="document.create",
                         resource=f"{doc_type.value}:{key}", key=key)
        replayed = queries.by_key(uow, key) is not None
        organisation_id, number = run(uow)
        response = _created(app, uow, principal, organisation_id=organisation_id, number=number, replayed=replayed)
        uow.commit()
    return response


def _created(app: App, uow: SqlUnitOfWork, principal: Principal, *, organisation_id: UUID, number: str,
             replayed: bool) -> JSONResponse:
    """The new document's detail: 201, or 200 marked as a replay when its key had been used."""
    return _detail(app, uow, principal, c.organisation_by_id(uow, organisation_id), number,
                   status_code=200 if replayed else 201, replayed=replayed)


# --- documents: reads -----------------------------------------------------------------------------
@router.get("/documents", response_model=DocumentPage)
def list_documents(
    app: AppDep, principal: DocumentReader, uow: ReadUowDep,
    type: Annotated[DocumentType | None, Query(description="purchase_order, goods_receipt, sales_order …")] = None,
    status: DocumentStatus | None = None,
    organisation: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[str | None, Query(max_length=100, description="Cursor: `next` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 50,
) -> JSONResponse:
    """Documents at the caller's sites, newest first."""
    cursor = queries.parse_cursor(after)
    try:
        last = None if cursor is None else (cursor[0], UUID(cursor[1]))
    except ValueError:
        raise InvalidInput("field.invalid", field="after", value=after, reason="a `next` cursor") from None
    rows = queries.list_documents(
        uow, sites=_scope(uow, principal), doc_type=type.value if type else None,
        status=status.value if status else None, after=last, limit=limit,
        organisation_id=c.organisation(uow, organisation).id if organisation else None,
    )
    page = DocumentPage(documents=[DocumentSummary(**vars(r)) for r in rows],
                        next=f"{rows[-1].doc_date.isoformat()}~{rows[-1].id}" if len(rows) == limit else None)
    data = page.model_dump(mode="json")
    data["documents"] = [app.policy.mask(principal, queries.resource_of(d["type"]), d) for d in data["documents"]]
    return JSONResponse(data)


@router.get("/documents/{organisation}/{number}", response_model=DocumentDetailPublic)
def get_document(organisation: OrgPath, number: NumberPath, app: AppDep, principal: DocumentReader,
                 uow: ReadUowDep) -> JSONResponse:
    """One document with its lines, approval, history, movements and (with voucher.read) vouchers."""
    return _detail(app, uow, principal, c.organisation(uow, organisation), number)


# --- documents: writes ----------------------------------------------------------------------------
@router.post("/purchase-orders", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def create_purchase_order(body: PurchaseOrderCreate, key: IdempotencyKey, app: AppDep,
                          principal: DocumentWriter) -> JSONResponse:
    """A draft purchase order (采购订单); submit it for approval next."""
    _check_amounts(body.lines)

    def run(uow: SqlUnitOfWork) -> tuple[UUID, str]:
        po = purchasing.create_purchase_order(
            uow, organisation=body.organisation, supplier=body.supplier, site=body.site, actor=principal.subject,
            key=key, lines=[purchasing.OrderLineIn(
                sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, expected_date=line.expected_date,
                unit=line.unit, vat_rate=line.vat_rate,
                schedule=tuple((slot.date, slot.quantity) for slot in line.schedule)) for line in body.lines],
        )
        return po.organisation, po.number

    return _create(app, principal, key, doc_type=DocumentType.PURCHASE_ORDER, site=body.site, run=run)


@router.post("/sales-orders", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def create_sales_order(body: SalesOrderCreate, key: IdempotencyKey, app: AppDep,
                       principal: DocumentWriter) -> JSONResponse:
    """A draft sales order (销售订单) from a B2B customer, a till or an online shop."""
    _check_amounts(body.lines)

    def run(uow: SqlUnitOfWork) -> tuple[UUID, str]:
        so = sales.create_sales_order(
            uow, organisation=body.organisation, site=body.site, customer=body.customer, channel=body.channel,
            actor=principal.subject, key=key,
            lines=[sales.SalesLineIn(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                                     unit=line.unit, vat_rate=line.vat_rate, discount=line.discount)
                   for line in body.lines],
        )
        return so.organisation, so.number

    return _create(app, principal, key, doc_type=DocumentType.SALES_ORDER, site=body.site, run=run)


@router.post("/documents/{organisation}/{number}/submit", response_model=DocumentDetailPublic, responses=REPLAYED)
def submit_document(organisation: OrgPath, number: NumberPath, key: IdempotencyKey, app: AppDep,
                    principal: DocumentWriter) -> JSONResponse:
    """Submit a draft into its approval flow (approved at once when the flow has no levels)."""
    resource = f"document:{organisation}/{number}"
    with app.uow() as uow:
        owner = c.organisation(uow, organisation)
        row = queries.header(uow, organisation_id=owner.id, number=number)
        replayed = _replayed(uow, principal, action="document.submit", resource=resource, key=key)
        if not replayed:
            _authorise_write(app, uow, principal, doc_type=row.type, site=row.site, action="document.submit",
                             resource=resource, key=key)
            approvals.submit(uow, app.documents, organisation=organisation, number=number, actor=principal.subject)
        response = _detail(app, uow, principal, owner, number, replayed=replayed)
        uow.commit()
    return response


@router.post("/purchase-orders/{organisation}/{number}/receipts", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def receive(organisation: OrgPath, number: NumberPath, body: ReceiptCreate, key: IdempotencyKey, app: AppDep,
            principal: DocumentWriter) -> JSONResponse:
    """Receive goods against an approved order (入库): into QC or available, valued, booked."""
    lines = [purchasing.ReceiveLineIn(**line.model_dump()) for line in body.lines]
    return _execute(app, principal, key, organisation=organisation, number=number,
                    expects=DocumentType.PURCHASE_ORDER, creates=DocumentType.GOODS_RECEIPT, action="document.receive",
                    run=lambda uow, actor: purchasing.receive(
                        uow, app.documents, organisation=organisation, purchase_order=number, lines=lines,
                        actor=actor, received_on=body.received_on, key=key))


@router.post("/goods-receipts/{organisation}/{number}/inspections", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def inspect(organisation: OrgPath, number: NumberPath, body: InspectionCreate, key: IdempotencyKey, app: AppDep,
            principal: DocumentWriter) -> JSONResponse:
    """Record QC (质检) of a receipt: passed stock becomes available, failed goes to QC hold or damaged."""
    lines = [purchasing.InspectLineIn(**line.model_dump()) for line in body.lines]
    return _execute(app, principal, key, organisation=organisation, number=number,
                    expects=DocumentType.GOODS_RECEIPT, creates=DocumentType.QC_INSPECTION, action="document.inspect",
                    run=lambda uow, actor: purchasing.inspect(
                        uow, app.documents, organisation=organisation, goods_receipt=number, lines=lines,
                        actor=actor, key=key))


@router.post("/goods-receipts/{organisation}/{number}/returns", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def return_to_supplier(organisation: OrgPath, number: NumberPath, body: PurchaseReturnCreate, key: IdempotencyKey,
                       app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Return received goods to the supplier (采购退货) at the receipt's own cost."""
    lines = [purchasing.ReturnLineIn(**line.model_dump()) for line in body.lines]
    return _execute(app, principal, key, organisation=organisation, number=number,
                    expects=DocumentType.GOODS_RECEIPT, creates=DocumentType.PURCHASE_RETURN, action="document.return",
                    run=lambda uow, actor: purchasing.return_to_supplier(
                        uow, app.documents, organisation=organisation, goods_receipt=number, lines=lines,
                        actor=actor, key=key))


@router.post("/sales-orders/{organisation}/{number}/shipments", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def ship(organisation: OrgPath, number: NumberPath, body: ShipmentCreate, key: IdempotencyKey, app: AppDep,
         principal: DocumentWriter) -> JSONResponse:
    """Ship against an approved sales order (出库): stock out at cost, revenue and cost booked."""
    lines = [sales.ShipLineIn(**line.model_dump()) for line in body.lines]
    return _execute(app, principal, key, organisation=organisation, number=number,
                    expects=DocumentType.SALES_ORDER, creates=DocumentType.SHIPMENT, action="document.ship",
                    run=lambda uow, actor: sales.ship(
                        uow, app.documents, organisation=organisation, sales_order=number, lines=lines, actor=actor,
                        shipped_on=body.shipped_on, key=key))


@router.post("/shipments/{organisation}/{number}/returns", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def accept_return(organisation: OrgPath, number: NumberPath, body: SalesReturnCreate, key: IdempotencyKey,
                  app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """A customer return (销售退货) into returned-pending, at the original issue cost."""
    lines = [sales.SalesReturnLineIn(**line.model_dump()) for line in body.lines]
    return _execute(app, principal, key, organisation=organisation, number=number,
                    expects=DocumentType.SHIPMENT, creates=DocumentType.SALES_RETURN, action="document.return",
                    run=lambda uow, actor: sales.accept_return(
                        uow, app.documents, organisation=organisation, shipment=number, lines=lines, actor=actor,
                        key=key))


# --- approvals ------------------------------------------------------------------------------------
@router.get("/approvals/inbox", response_model=InboxPage)
def inbox(app: AppDep, principal: Approver, uow: ReadUowDep) -> JSONResponse:
    """Pending requests whose current level the caller may decide, for documents at their sites; oldest first."""
    pending = workflow.inbox(uow, user=principal.subject, roles=[r.value for r in principal.roles],
                             at=app.clock.now(), roles_of=access.roles_resolver(uow))
    shown = queries.visible(uow, {r.document_id for r in pending}, sites=_scope(uow, principal))
    rows = [(r, queries.header_by_id(uow, r.document_id)) for r in pending if r.document_id in shown]
    return JSONResponse({"requests": [
        app.policy.mask(principal, queries.resource_of(row.type), ApprovalPublic.of(r, row).model_dump(mode="json"))
        for r, row in rows]})


def _decide(request_id: UUID, body: DecisionIn, key: str, app: App, principal: Principal, *,
            approve: bool) -> JSONResponse:
    action = "approval.approve" if approve else "approval.reject"
    resource = f"approval:{request_id}"
    with app.uow() as uow:
        request, _ = workflow.get_request(uow, request_id)
        row = queries.header_by_id(uow, request.document_id)
        replayed = _replayed(uow, principal, action=action, resource=resource, key=key)
        if not replayed:
            access.authorise_posting(uow, principal, policy=app.policy, kind="approval", site_codes=[row.site or ""],
                                     action="approval.decide")
            access.record_audit(uow, actor=principal.subject, action=action, resource=resource, outcome="ok",
                                detail={"key": key, "document": row.number}, commit=False)
            request = approvals.decide(uow, request_id=request_id, approve=approve, actor=principal.subject,
                                       actor_roles=[r.value for r in principal.roles], reason=body.reason,
                                       roles_of=access.roles_resolver(uow), w=app.documents)
        row = queries.header_by_id(uow, request.document_id)
        data = app.policy.mask(principal, queries.resource_of(row.type),
                               ApprovalPublic.of(request, row).model_dump(mode="json"))
        uow.commit()
    return JSONResponse(data, headers={"Idempotent-Replayed": "true"} if replayed else None)


@router.post("/approvals/{request_id}/approve", response_model=ApprovalPublic, responses=REPLAYED)
def approve(request_id: UUID, body: DecisionIn, key: IdempotencyKey, app: AppDep, principal: Approver) -> JSONResponse:
    """Approve the current level (the document is approved with the last one)."""
    return _decide(request_id, body, key, app, principal, approve=True)


@router.post("/approvals/{request_id}/reject", response_model=ApprovalPublic, responses=REPLAYED)
def reject(request_id: UUID, body: DecisionIn, key: IdempotencyKey, app: AppDep, principal: Approver) -> JSONResponse:
    """Reject the current level with a reason: the document goes back to draft."""
    return _decide(request_id, body, key, app, principal, approve=False)


# --- vouchers and periods -------------------------------------------------------------------------
@router.get("/vouchers", response_model=VoucherPage)
def list_vouchers(
    app: AppDep, principal: VoucherReader, uow: ReadUowDep,
    organisation: Annotated[str, Query(max_length=64)],
    since: Annotated[date | None, Query(description="From this date (inclusive).")] = None,
    until: Annotated[date | None, Query(description="Before this date (exclusive).")] = None,
    document: Annotated[str | None, Query(max_length=40, description="Only this document's vouchers.")] = None,
    after: Annotated[str | None, Query(max_length=100, description="Cursor: `next` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> JSONResponse:
    """An organisation's vouchers (记账凭证) with their lines, oldest first; for documents at the caller's sites."""
    owner = c.organisation(uow, organisation)
    sites = _scope(uow, principal)
    document_id = queries.header(uow, organisation_id=owner.id, number=document, sites=sites).id if document else None
    views = queries.vouchers(uow, app.books, organisation_id=owner.id, sites=sites, since=since, until=until,
                             document_id=document_id, after=queries.parse_cursor(after), limit=limit)
    return masked(app, principal, "voucher", VoucherPage(
        vouchers=[VoucherPublic.of(v) for v in views],
        next=f"{views[-1].date.isoformat()}~{views[-1].number}" if len(views) == limit else None))


@router.get("/exports/vouchers", response_class=Response, responses=EXPORT_RESPONSES)
def export_vouchers(
    app: AppDep, principal: VoucherReader, uow: ReadUowDep,
    organisation: Annotated[str, Query(max_length=64)],
    format: Annotated[str, FORMAT_QUERY] = "csv",
    since: Annotated[date | None, Query(description="From this date (inclusive).")] = None,
    until: Annotated[date | None, Query(description="Before this date (exclusive).")] = None,
) -> Response:
    """Vouchers in the 金蝶/用友 GL import layout (one row per line), as CSV or Excel."""
    owner = c.organisation(uow, organisation)
    sites = _scope(uow, principal)
    rows: list[dict[str, Any]] = []
    after: tuple[date, str] | None = None
    while len(rows) < EXPORT_LIMIT:
        views = queries.vouchers(uow, app.books, organisation_id=owner.id, sites=sites, since=since, until=until,
                                 after=after, limit=1000)
        rows.extend(dict(zip(HEADER, row, strict=True))
                    for row in voucher_rows(queries.gl_vouchers(views, app.books)))
        if len(views) < 1000:
            break
        after = (views[-1].date, views[-1].number)
    return file_response(app, principal, resource="voucher", title="vouchers", columns=list(HEADER), rows=rows,
                         fmt=format)


def _books(uow: SqlUnitOfWork, principal: Principal, code: str) -> Organisation:
    """An organisation whose books the caller may close: every one of its sites is in their scope."""
    owner = c.organisation(uow, code)
    queries.require_books(uow, principal, owner)
    return owner


PeriodPath = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, e.g. 2026-11.")]


@router.post("/periods/{organisation}/{period}/close", response_model=PeriodPublic, responses=REPLAYED)
def close_period(organisation: OrgPath, period: PeriodPath, key: IdempotencyKey, app: AppDep,
                 principal: PeriodCloser) -> JSONResponse:
    """Close a period (结账): no voucher may be dated into it (or before) afterwards. A retry changes nothing."""
    with app.uow() as uow:
        owner = _books(uow, principal, organisation)
        access.record_audit(uow, actor=principal.subject, action="period.close", resource=f"period:{owner.code}",
                            outcome="ok", detail={"key": key, "period": period}, commit=False)
        closed = app.books.close_period(uow, organisation_id=owner.id, org_code=owner.code, period=period,
                                        actor=principal.subject)
        uow.commit()
    return masked(app, principal, "period", PeriodPublic(organisation=owner.code, period=period, action="close",
                                                         closed_through=closed))


@router.post("/periods/{organisation}/{period}/reopen", response_model=PeriodPublic, responses=REPLAYED)
def reopen_period(organisation: OrgPath, period: PeriodPath, body: ReopenIn, key: IdempotencyKey, app: AppDep,
                  principal: PeriodCloser) -> JSONResponse:
    """Reopen a closed period and every later one (反结账), with a reason kept in the books' history."""
    resource = f"period:{organisation}"
    with app.uow() as uow:
        owner = _books(uow, principal, organisation)
        replayed = _replayed(uow, principal, action="period.reopen", resource=resource, key=key)
        if not replayed:
            access.record_audit(uow, actor=principal.subject, action="period.reopen", resource=resource,
                                outcome="ok", detail={"key": key, "period": period, "reason": body.reason},
                                commit=False)
            app.books.reopen_period(uow, organisation_id=owner.id, org_code=owner.code, period=period,
                                    actor=principal.subject, reason=body.reason)
        closed = app.books.closed_through(uow, owner.id)
        uow.commit()
    return masked(app, principal, "period", PeriodPublic(organisation=owner.code, period=period, action="reopen",
                                                         closed_through=closed),
                  headers={"Idempotent-Replayed": "true"} if replayed else None)


# --- Excel templates and imports (docs/import.md) -------------------------------------------------
XLSX: Final = ExportFormat.XLSX.media_type
_BINARY: Final = {"schema": {"type": "string", "format": "binary"}}
XLSX_FILE: Final[dict[int | str, dict[str, Any]]] = {200: {"description": "An .xlsx workbook",
                                                           "content": {XLSX: _BINARY}}}
XLSX_BODY: Final[dict[str, Any]] = {"requestBody": {
    "required": True,
    "description": "The filled-in template: the .xlsx file itself as the body (at most 1 MiB; import larger "
                   "files with the CLI).",
    "content": {XLSX: _BINARY, "application/octet-stream": _BINARY},
}}


class SheetName(StrEnum):
    OPENING_BALANCES = "opening_balances"
    PURCHASE_ORDERS = "purchase_orders"
    STOCKTAKE_COUNTS = "stocktake_counts"


class ImportErrorPublic(BaseModel):
    row: int = Field(description="The row as Excel numbers it (headings are row 1).")
    column: str | None = Field(description="The column's key; null when the problem is the whole row.")
    header: str = Field(description="The column's heading, 中文 / English.")
    value: str = Field(description="What the cell held.")
    code: str
    reason_zh: str
    reason_en: str


class ImportReportPublic(BaseModel):
    sheet: str
    mode: ImportMode
    total_rows: int = Field(description="Data rows in the file (blank rows not counted).")
    imported: int
    skipped: int
    errors: list[ImportErrorPublic] = Field(description="In sheet order: row, then column.")


IMPORT_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {422: {
    "model": ImportReportPublic,
    "description": "Nothing was imported: the report names each error's row and column (application/json); "
                   "or the file could not be read at all (a problem)",
    "content": {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}},
}}
ModeQuery = Annotated[ImportMode, Query(
    description="all_or_nothing: any error and nothing is imported; valid_only: the valid rows (whole documents).")]


class _TooLarge(JxcError):
    http_status = 413


async def xlsx_body(request: Request) -> bytes:
    """The raw request body (the .xlsx file), refused over the API's body limit even when sent chunked."""
    data = await request.body()
    if len(data) > MAX_BODY_BYTES:
        raise _TooLarge("http.too_large", limit=MAX_BODY_BYTES)
    return data


XlsxBody = Annotated[bytes, Depends(xlsx_body)]


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _report(report: ImportReport) -> JSONResponse:
    """200 when rows went in (or the file had none), 422 when errors kept every row out."""
    return JSONResponse(report.as_dict(), status_code=422 if report.errors and not report.imported else 200)


@router.get("/templates/{sheet}", response_class=Response, responses=XLSX_FILE,
            dependencies=[Depends(current_principal)])
def download_template(sheet: SheetName) -> Response:
    """An import template (.xlsx): the sheet to fill, an example and a README with every column."""
    return _xlsx(document_sheets.sheet_template(sheet.value), f"jxc-{sheet.value}-template.xlsx")


def _import(app: App, principal: Principal, key: str, sheet: str, data: bytes,
            run: Callable[[SqlUnitOfWork, ParseResult], ImportReport]) -> JSONResponse:
    with app.uow().reader() as uow:  # refused before the file is read, when the kind alone is not allowed
        document_sheets.authorise_import(uow, principal, policy=app.policy, sheet=sheet)
    rows = document_sheets.read_sheet(sheet, data)  # outside the write transaction
    with app.uow() as uow:
        sites = document_sheets.authorise_import(uow, principal, policy=app.policy, sheet=sheet, parsed=rows)
        access.record_audit(uow, actor=principal.subject, action=f"import.{sheet}", resource=f"import:{sheet}",
                            outcome="ok", detail={"key": key, "sites": sites}, commit=False)
        report = run(uow, rows)  # commits what it imports (the audit entry with it)
    return _report(report)


@router.post("/imports/opening_balances", response_model=ImportReportPublic, responses=IMPORT_RESPONSES,
             openapi_extra=XLSX_BODY)
def import_opening_balances_file(data: XlsxBody, key: IdempotencyKey, app: AppDep, principal: MovementPoster,
                                 mode: ModeQuery = ImportMode.ALL_OR_NOTHING) -> JSONResponse:
    """Opening stock (期初库存) from the template: one valued posting and opening voucher per site.

    Checked as postings of kind ``opening`` at every site of the file. The same rows imported again
    change nothing (each site's idempotency key is derived from its rows)."""
    return _import(app, principal, key, "opening_balances", data, lambda uow, rows: (
        document_sheets.import_opening_balances(uow, app.documents, rows, actor=principal.subject, mode=mode)))


@router.post("/imports/purchase_orders", response_model=ImportReportPublic, responses=IMPORT_RESPONSES,
             openapi_extra=XLSX_BODY)
def import_purchase_orders_file(data: XlsxBody, key: IdempotencyKey, app: AppDep, principal: DocumentWriter,
                                mode: ModeQuery = ImportMode.ALL_OR_NOTHING) -> JSONResponse:
    """Draft purchase orders from the template, one per 单号分组 (a bad line keeps its whole order out).

    Checked like creating each order at its site. The same rows imported again create nothing new."""
    return _import(app, principal, key, "purchase_orders", data, lambda uow, rows: (
        document_sheets.import_purchase_orders(uow, rows, actor=principal.subject, mode=mode)))


def _stocktake_row(uow: SqlUnitOfWork, organisation: str, number: str, *,
                   sites: frozenset[UUID] | None = None) -> queries.DocumentRow:
    row = queries.header(uow, organisation_id=c.organisation(uow, organisation).id, number=number, sites=sites)
    if row.type != DocumentType.STOCKTAKE.value:
        raise NotFound("document.not_found", field="number", value=number)
    return row


@router.get("/stocktakes/{organisation}/{number}/counting-list", response_class=Response, responses=XLSX_FILE)
def stocktake_counting_list(organisation: OrgPath, number: NumberPath, principal: DocumentReader,
                            uow: ReadUowDep) -> Response:
    """A stocktake's counting list (.xlsx) to print or fill in: no book quantities on a blind count.

    Filled in, it imports back through ``POST …/counts/import``."""
    _stocktake_row(uow, organisation, number, sites=_scope(uow, principal))
    return _xlsx(document_sheets.counting_list(uow, organisation=organisation, number=number), f"{number}.xlsx")


@router.post("/stocktakes/{organisation}/{number}/counts/import", response_model=ImportReportPublic,
             responses=IMPORT_RESPONSES, openapi_extra=XLSX_BODY)
def import_stocktake_counts(organisation: OrgPath, number: NumberPath, data: XlsxBody, key: IdempotencyKey,
                            app: AppDep, principal: DocumentWriter,
                            mode: ModeQuery = ImportMode.ALL_OR_NOTHING) -> JSONResponse:
    """Counts from a filled-in counting list, recorded on a draft stocktake (a count again replaces it).

    Checked like any write of the stocktake at its site."""
    with app.uow().reader() as uow:
        row = _stocktake_row(uow, organisation, number)
        queries.authorise_write(uow, principal, policy=app.policy, doc_type=row.type, site=row.site)
    rows = document_sheets.read_sheet("stocktake_counts", data)  # outside the write transaction
    with app.uow() as uow:
        _authorise_write(app, uow, principal, doc_type=row.type, site=row.site, action="import.stocktake_counts",
                         resource=f"document:{organisation}/{number}", key=key)
        report = document_sheets.import_counts(uow, rows, organisation=organisation, number=number,
                                               actor=principal.subject, mode=mode)
    return _report(report)
