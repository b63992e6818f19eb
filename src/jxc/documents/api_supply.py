"""Supply resources: shipping notices (ASN), receipts against them, supplier reliability, purchase requisitions.

The same access pattern as :mod:`jxc.documents.api`: writes are checked like postings of the kind
the document posts at the document's site (a notice and a requisition post ``receipt``, as a
purchase order does) and audited in the same transaction; every POST takes an
``Idempotency-Key`` (a repeat answers 200 with ``Idempotent-Replayed: true`` and acts once);
documents come back through the same masked detail as every other document. Reliability is read
from the notices at the caller's sites only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access.model import Principal
from jxc.api.deps import AppDep, IdempotencyKey, Quantity, ReadUowDep, requires
from jxc.api.output import masked
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import queries
from jxc.documents.api import (
    MAX_LINES,
    REPLAYED,
    DocumentDetailPublic,
    NumberPath,
    OrgPath,
    Price,
    Rate,
    Reason,
    ReceiptCreate,
    Text,
    _authorise_write,
    _created,
    _detail,
)
from jxc.documents.model import DocumentType
from jxc.documents.services import asn as notices
from jxc.documents.services import common as c
from jxc.documents.services import postings, purchasing, requisitions
from jxc.kernel.errors import InvalidInput, NotFound

router = APIRouter(tags=["supply"])

DocumentReader = Annotated[Principal, Depends(requires("document.read"))]
DocumentWriter = Annotated[Principal, Depends(requires("document.write"))]
CodePath = Annotated[str, Path(max_length=64, description="Supplier code.")]
LineNo = Annotated[int, Field(ge=1, le=1_000_000)]


# --- schemas: in ----------------------------------------------------------------------------------
class PromiseIn(BaseModel):
    po_line: LineNo
    quantity: Quantity
    promised_date: date = Field(description="The day the supplier promises this quantity at the site.")


class ShippingNoticeCreate(BaseModel):
    eta: datetime = Field(description="When the goods are expected at the order's site; with a time zone.")
    lines: list[PromiseIn] = Field(min_length=1, max_length=MAX_LINES)


class ShippingNoticeRevision(BaseModel):
    lines: list[PromiseIn] = Field(min_length=1, max_length=MAX_LINES,
                                   description="The whole new promise; what it no longer promises goes back.")
    reason: Reason | None = None


class RequisitionLineIn(BaseModel):
    sku: Text
    quantity: Quantity
    needed_by: date
    unit: Text | None = None
    reason: Reason | None = None


class RequisitionCreate(BaseModel):
    organisation: Text
    site: Text
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=MAX_LINES)


class ConversionLineIn(BaseModel):
    line: LineNo = Field(description="The requisition line to order.")
    unit_price: Price


class ConversionCreate(BaseModel):
    supplier: Text
    lines: list[ConversionLineIn] = Field(min_length=1, max_length=MAX_LINES)
    vat_rate: Rate = Decimal("0.13")


# --- schemas: out ---------------------------------------------------------------------------------
class PromiseOutcomePublic(BaseModel):
    asn: str
    purchase_order: str
    po_line: int
    promised_date: date
    actual_date: date | None = Field(description="The day the promised quantity was complete (null: not yet).")
    promised_qty: Decimal
    received_qty: Decimal
    days_late: int | None = Field(description="Negative: early; null: not known yet.")


class ReliabilityPublic(BaseModel):
    supplier: str
    as_of: date
    since: date | None
    first_promise: bool = Field(description="Measured against each notice's first promise, not its latest.")
    notices: int
    counted: int = Field(description="Promises complete or overdue: the ones the figures are over.")
    on_time_rate: Decimal | None = Field(description="Share delivered in full by the promised day (0–1).")
    mean_days_late: Decimal | None = Field(description="Early counts as 0.")
    p90_days_late: int | None = Field(description="90th percentile (nearest rank); early counts as 0.")
    fill_rate: Decimal | None = Field(description="Σ min(received, promised) / Σ promised (0–1).")
    outcomes: list[PromiseOutcomePublic]


# --- helpers --------------------------------------------------------------------------------------
def _source(uow: SqlUnitOfWork, organisation: str, number: str, expects: DocumentType) -> queries.DocumentRow:
    """The document a call acts on, by organisation and number, of the expected type (else 404)."""
    row = queries.header(uow, organisation_id=c.organisation(uow, organisation).id, number=number)
    if row.type != expects.value:
        raise NotFound("document.not_found", field="number", value=number)
    return row


def _created_document(app: App, uow: SqlUnitOfWork, principal: Principal, document: Any,
                      replayed: bool) -> JSONResponse:
    return _created(app, uow, principal, organisation_id=document.organisation, number=document.number,
                    replayed=replayed)


# --- shipping notices -----------------------------------------------------------------------------
@router.post("/purchase-orders/{organisation}/{number}/shipping-notices", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def announce_shipment(organisation: OrgPath, number: NumberPath, body: ShippingNoticeCreate, key: IdempotencyKey,
                      app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """The supplier shipped (发货通知): goods in transit to the order's site with an ETA, booked to 1402."""
    with app.uow() as uow:
        order = _source(uow, organisation, number, DocumentType.PURCHASE_ORDER)
        _authorise_write(app, uow, principal, doc_type=DocumentType.ADVANCE_SHIPPING_NOTICE, site=order.site,
                         action="document.announce", resource=f"document:{organisation}/{number}", key=key)
        replayed = queries.by_key(uow, key) is not None
        notice = notices.announce_shipment(
            uow, app.documents, organisation=organisation, purchase_order=number, eta=body.eta,
            actor=principal.subject, key=key,
            lines=[notices.NoticeLineIn(x.po_line, x.quantity, x.promised_date) for x in body.lines])
        response = _created_document(app, uow, principal, notice, replayed)
        uow.commit()
    return response


@router.post("/shipping-notices/{organisation}/{number}/revisions", response_model=DocumentDetailPublic,
             responses=REPLAYED)
def revise_shipment(organisation: OrgPath, number: NumberPath, body: ShippingNoticeRevision, key: IdempotencyKey,
                    app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """A new promise; the earlier ones stay in the notice's history, what is no longer promised goes back."""
    with app.uow() as uow:
        row = _source(uow, organisation, number, DocumentType.ADVANCE_SHIPPING_NOTICE)
        replayed = postings.done_before(uow, row.id, action="revise", key=key)
        if not replayed:
            _authorise_write(app, uow, principal, doc_type=row.type, site=row.site, action="document.revise",
                             resource=f"document:{organisation}/{number}", key=key)
            notices.revise_shipment(
                uow, app.documents, organisation=organisation, asn=number, reason=body.reason,
                actor=principal.subject, key=key,
                lines=[notices.NoticeLineIn(x.po_line, x.quantity, x.promised_date) for x in body.lines])
        response = _detail(app, uow, principal, c.organisation(uow, organisation), number, replayed=replayed)
        uow.commit()
    return response


@router.post("/shipping-notices/{organisation}/{number}/receipts", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def receive_against_notice(organisation: OrgPath, number: NumberPath, body: ReceiptCreate, key: IdempotencyKey,
                           app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Receive announced goods (到货): in transit → available or QC, moved from 1402 to 1405."""
    with app.uow() as uow:
        row = _source(uow, organisation, number, DocumentType.ADVANCE_SHIPPING_NOTICE)
        _authorise_write(app, uow, principal, doc_type=DocumentType.GOODS_RECEIPT, site=row.site,
                         action="document.receive", resource=f"document:{organisation}/{number}", key=key)
        replayed = queries.by_key(uow, key) is not None
        receipt = notices.receive_against_notice(
            uow, app.documents, organisation=organisation, asn=number, actor=principal.subject,
            received_on=body.received_on, key=key,
            lines=[purchasing.ReceiveLineIn(**line.model_dump()) for line in body.lines])
        response = _created_document(app, uow, principal, receipt, replayed)
        uow.commit()
    return response


@router.get("/suppliers/{code}/reliability", response_model=ReliabilityPublic)
def supplier_reliability(
    code: CodePath, app: AppDep, principal: DocumentReader, uow: ReadUowDep,
    since: Annotated[date | None, Query(description="Only notices dated from this day.")] = None,
    first_promise: Annotated[bool, Query(description="Measure against each notice's first promise.")] = False,
) -> JSONResponse:
    """On-time rate, days late and fill rate of a supplier's shipping notices at the caller's sites."""
    report = notices.supplier_reliability(uow, supplier=code, since=since, first_promise=first_promise,
                                          sites=queries.scope(uow, principal))
    body = ReliabilityPublic(
        **{name: getattr(report, name) for name in ReliabilityPublic.model_fields if name != "outcomes"},
        outcomes=[PromiseOutcomePublic(**vars(o)) for o in report.outcomes])
    return masked(app, principal, "supplier", body)


# --- purchase requisitions ------------------------------------------------------------------------
@router.post("/purchase-requisitions", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def create_requisition(body: RequisitionCreate, key: IdempotencyKey, app: AppDep,
                       principal: DocumentWriter) -> JSONResponse:
    """A draft purchase requisition (请购单) of a site; submit it for approval next."""
    with app.uow() as uow:
        c.site(uow, body.site)
        _authorise_write(app, uow, principal, doc_type=DocumentType.PURCHASE_REQUISITION, site=body.site,
                         action="document.create", resource=f"purchase_requisition:{key}", key=key)
        replayed = queries.by_key(uow, key) is not None
        requisition = requisitions.create_requisition(
            uow, organisation=body.organisation, site=body.site, actor=principal.subject, key=key,
            lines=[requisitions.RequisitionLineIn(**line.model_dump()) for line in body.lines])
        response = _created_document(app, uow, principal, requisition, replayed)
        uow.commit()
    return response


@router.post("/purchase-requisitions/{organisation}/{number}/purchase-orders", response_model=DocumentDetailPublic,
             status_code=201, responses=REPLAYED)
def convert_requisition(organisation: OrgPath, number: NumberPath, body: ConversionCreate, key: IdempotencyKey,
                        app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Order lines of an approved requisition from a supplier: a draft purchase order sourced from it."""
    prices: dict[int, Decimal] = {}
    for i, line in enumerate(body.lines):
        if line.line in prices:
            raise InvalidInput("document.duplicate_line", field=f"lines[{i}].line", value=line.line)
        prices[line.line] = line.unit_price
    with app.uow() as uow:
        row = _source(uow, organisation, number, DocumentType.PURCHASE_REQUISITION)
        _authorise_write(app, uow, principal, doc_type=DocumentType.PURCHASE_ORDER, site=row.site,
                         action="document.create", resource=f"document:{organisation}/{number}", key=key)
        replayed = queries.by_key(uow, key) is not None
        po = requisitions.convert_to_purchase_order(
            uow, app.documents, organisation=organisation, requisition=number, supplier=body.supplier,
            prices=prices, vat_rate=body.vat_rate, actor=principal.subject, key=key)
        response = _created_document(app, uow, principal, po, replayed)
        uow.commit()
    return response
