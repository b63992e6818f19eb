"""Document resources: purchase and sales documents, approvals, vouchers, period close.

Parse, authorise, call a use case, serialise through the access policy; no business rules here.
- Reads keep to the caller's sites inside the query (a document of another site is a 404, never
  a row); writes are checked like postings of the movement kind the document posts (a clerk's
  kinds are sale and return: it may create sales orders, not purchase orders) at the document's
  site, and audited in their own transaction.
- Every POST takes an ``Idempotency-Key``. Creating and executing documents pass it to the use
  case (a repeat returns the first document: 200 with ``Idempotent-Replayed: true``); submitting,
  deciding and closing find an earlier call with the same key in the caller's audit trail and
  answer with the current state instead of acting twice.
- Purchase prices and amounts follow ``[fields.purchase_order]`` and friends, at every depth;
  vouchers (which carry costs) need ``voucher.read``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.accounting.export import HEADER, voucher_rows
from jxc.api.deps import AppDep, IdempotencyKey, Quantity, ReadUowDep, requires
from jxc.api.output import EXPORT_LIMIT, EXPORT_RESPONSES, FORMAT_QUERY, file_response, masked
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import queries
from jxc.documents.model import DocumentStatus, DocumentType, FailedDisposition
from jxc.documents.services import approvals, purchasing, sales
from jxc.documents.services import common as c
from jxc.kernel.errors import InvalidInput, NotFound
from jxc.org.model import Organisation
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
            status_code: int = 200, replayed: bool = False) -> JSONResponse:
    sites = _scope(uow, principal)
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
        response = _detail(app, uow, principal, owner, created.number, status_code=200 if replayed else 201,
                           replayed=replayed)
        uow.commit()
    return response


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
    with app.uow() as uow:
        c.site(uow, body.site)
        _authorise_write(app, uow, principal, doc_type=DocumentType.PURCHASE_ORDER, site=body.site,
                         action="document.create", resource=f"purchase_order:{key}", key=key)
        replayed = queries.by_key(uow, key) is not None
        po = purchasing.create_purchase_order(
            uow, organisation=body.organisation, supplier=body.supplier, site=body.site, actor=principal.subject,
            key=key, lines=[purchasing.OrderLineIn(
                sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, expected_date=line.expected_date,
                unit=line.unit, vat_rate=line.vat_rate,
                schedule=tuple((slot.date, slot.quantity) for slot in line.schedule)) for line in body.lines],
        )
        response = _detail(app, uow, principal, c.organisation_by_id(uow, po.organisation), po.number,
                           status_code=200 if replayed else 201, replayed=replayed)
        uow.commit()
    return response


@router.post("/sales-orders", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def create_sales_order(body: SalesOrderCreate, key: IdempotencyKey, app: AppDep,
                       principal: DocumentWriter) -> JSONResponse:
    """A draft sales order (销售订单) from a B2B customer, a till or an online shop."""
    _check_amounts(body.lines)
    with app.uow() as uow:
        c.site(uow, body.site)
        _authorise_write(app, uow, principal, doc_type=DocumentType.SALES_ORDER, site=body.site,
                         action="document.create", resource=f"sales_order:{key}", key=key)
        replayed = queries.by_key(uow, key) is not None
        so = sales.create_sales_order(
            uow, organisation=body.organisation, site=body.site, customer=body.customer, channel=body.channel,
            actor=principal.subject, key=key,
            lines=[sales.SalesLineIn(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                                     unit=line.unit, vat_rate=line.vat_rate, discount=line.discount)
                   for line in body.lines],
        )
        response = _detail(app, uow, principal, c.organisation_by_id(uow, so.organisation), so.number,
                           status_code=200 if replayed else 201, replayed=replayed)
        uow.commit()
    return response


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
                             at=app.clock.now())
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
                                       actor_roles=[r.value for r in principal.roles], reason=body.reason)
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
