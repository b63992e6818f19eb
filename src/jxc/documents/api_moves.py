"""Stock-moving documents: transfer orders (调拨), stocktakes (盘点), landed costs (采购费用分摊).

The same pattern as :mod:`jxc.documents.api`: parse, authorise, call a use case, answer with the
document's masked detail (the shape of ``GET /documents/{org}/{number}``); no business rules here.
- Writes need ``document.write`` and are checked like postings of the kind each step posts at the
  site whose stock it moves (:mod:`jxc.documents.moves_access`): a transfer is created and shipped
  with ``transfer_out`` at the sending site, received and closed with ``transfer_in`` at the
  receiving site; a stocktake is written with ``stocktake`` at its site (posting also touches
  ``@adjustment``); a landed cost is checked like the goods receipt it lands on. Each write is
  audited in the transaction that makes it.
- Every POST takes an ``Idempotency-Key``: creating with a used key returns the first document; a
  step (ship, receive, close, count, post, landed cost) repeated with a key already used on that
  document acts once. Replays answer 200 with ``Idempotent-Replayed: true``.
- Submitting and deciding go through ``POST /documents/{org}/{number}/submit`` and ``/approvals``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.accounting.valuation import LandedCostBasis
from jxc.api.deps import MAX_QUANTITY, AppDep, IdempotencyKey, Quantity, requires
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import moves_access as moves
from jxc.documents import queries
from jxc.documents.api import (
    MAX_AMOUNT,
    MAX_LINES,
    REPLAYED,
    DocumentDetailPublic,
    NumberPath,
    OrgPath,
    Text,
    _authorise_write,
    _create,
    _detail,
    _replayed,
)
from jxc.documents.model import DocumentType, Responsible, TransferQuantity
from jxc.documents.services import common as c
from jxc.documents.services import landed, postings, stocktake, transfers

router = APIRouter(tags=["documents"])

DocumentWriter = Annotated[Principal, Depends(requires("document.write"))]
LineNo = Annotated[int, Field(ge=1, le=1_000_000)]
LineKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,6}$")]
Counted = Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY)]
Money = Annotated[Decimal, Field(ge=0, lt=MAX_AMOUNT, description="CNY, to the fen.")]
Codes = Annotated[list[Text], Field(max_length=MAX_LINES)]
RequiredReason = Annotated[str, Field(min_length=1, max_length=500)]


# --- schemas: in ----------------------------------------------------------------------------------
class PriceRule(StrEnum):
    COST_PLUS = "cost_plus"
    LIST = "list"


class TransferLineIn(BaseModel):
    sku: Text
    quantity: Quantity
    unit: Text | None = None
    lot: Text | None = Field(default=None, description="A requested lot (a same-lot transfer ships exactly it).")


class TransferCreate(BaseModel):
    from_site: Text
    to_site: Text
    lines: list[TransferLineIn] = Field(min_length=1, max_length=MAX_LINES)
    same_lot: bool = Field(default=False, description="Each line ships exactly one lot (medical devices).")
    transfer_price_rule: PriceRule = Field(
        default=PriceRule.COST_PLUS, description="Intercompany price: the sender's cost plus `markup_pct`, or the "
                                                 "item's `list_price`.")
    markup_pct: Annotated[Decimal, Field(ge=0, le=1000, description="Per cent, for cost_plus: 5 is 5 %.")] = Decimal(5)


class TransferQuantityIn(BaseModel):
    line_no: LineNo
    quantity: Quantity
    lot: Text | None = None


class TransferShipmentCreate(BaseModel):
    lines: list[TransferQuantityIn] = Field(min_length=1, max_length=MAX_LINES)
    freight: Money = Field(default=Decimal(0), description="Intercompany only: borne by the receiver, capitalised.")
    carrier: Text | None = Field(default=None, description="The carrier's supplier code (the freight's payee).")
    eta: AwareDatetime | None = Field(default=None, description="Expected arrival, with a time zone.")


class TransferReceiptCreate(BaseModel):
    lines: list[TransferQuantityIn] = Field(min_length=1, max_length=MAX_LINES)


class TransferCloseIn(BaseModel):
    responsible: dict[LineKey, Responsible] = Field(
        default={}, max_length=MAX_LINES, description="Per line number with a shortage, who bears it.")
    reason: RequiredReason
    carrier: Text | None = Field(default=None, description="The carrier's supplier code, when a carrier bears one.")


class StocktakeCreate(BaseModel):
    site: Text
    skus: Codes | None = Field(default=None, description="Only these items (none: the whole site).")
    categories: Codes | None = Field(default=None, description="Only items of these categories (and below).")
    bins: Codes | None = Field(default=None, description="Only these bins.")
    blind: bool = Field(default=True, description="Counters are not shown the book quantities.")


class CountIn(BaseModel):
    sku: Text
    counted: Counted = Field(description="What was found, in the item's base unit.")
    bin: Text | None = None
    lot: Text | None = None


class CountsCreate(BaseModel):
    counts: list[CountIn] = Field(min_length=1, max_length=MAX_LINES)
    recount: bool = Field(default=False, description="Record recounts of lines already counted.")


class LandedCostCreate(BaseModel):
    total: Money = Field(description="Net of VAT, shared over the receipt's lines.")
    basis: LandedCostBasis = LandedCostBasis.VALUE
    carrier: Text = Field(description="Supplier code of whoever invoiced it (credited on 2202).")
    vat: Money = Field(default=Decimal(0), description="Input VAT on the invoice (an amount).")


# --- helpers --------------------------------------------------------------------------------------
def _audit(uow: SqlUnitOfWork, principal: Principal, *, action: str, resource: str, key: str) -> None:
    access.record_audit(uow, actor=principal.subject, action=action, resource=resource, outcome="ok",
                        detail={"key": key}, commit=False)


def _transfer_step(organisation: str, number: str, key: str, app: App, principal: Principal, *,
                   step: moves.TransferStep, act: Callable[[SqlUnitOfWork], object]) -> JSONResponse:
    """Ship, receive or close a transfer: checked at the site it moves stock at, acted on once per key."""
    with app.uow() as uow:
        ends = moves.transfer_ends(uow, organisation, number)
        moves.authorise_transfer(uow, principal, policy=app.policy, ends=ends, step=step)
        replayed = postings.done_before(uow, ends.id, action=step, key=key)
        if not replayed:
            _audit(uow, principal, action=f"document.{step}", resource=f"document:{ends.organisation.code}/{number}",
                   key=key)
            act(uow)
        response = _detail(app, uow, principal, ends.organisation, ends.number, replayed=replayed,
                           also=frozenset({ends.sending_site_id}))
        uow.commit()
    return response


# --- transfer orders ------------------------------------------------------------------------------
@router.post("/transfer-orders", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def create_transfer_order(body: TransferCreate, key: IdempotencyKey, app: AppDep,
                          principal: DocumentWriter) -> JSONResponse:
    """A draft transfer order (调拨单), numbered by the sending organisation; intercompany when the owners differ.

    Checked as ``transfer_out`` at the sending site. Submit it for approval next."""

    def run(uow: SqlUnitOfWork) -> tuple[UUID, str]:
        order = transfers.create_transfer(
            uow, from_site=body.from_site, to_site=body.to_site, actor=principal.subject, key=key,
            same_lot=body.same_lot, transfer_price_rule=body.transfer_price_rule.value, markup_pct=body.markup_pct,
            lines=[transfers.TransferLineIn(sku=x.sku, quantity=x.quantity, unit=x.unit, lot=x.lot)
                   for x in body.lines])
        return order.from_org, order.number

    return _create(app, principal, key, doc_type=DocumentType.TRANSFER_ORDER, site=body.from_site,
                   site_field="from_site", run=run)


def _quantities(lines: list[TransferQuantityIn]) -> list[TransferQuantity]:
    return [TransferQuantity(line_no=x.line_no, quantity=x.quantity, lot=x.lot) for x in lines]


@router.post("/transfer-orders/{organisation}/{number}/shipments", response_model=DocumentDetailPublic,
             responses=REPLAYED)
def ship_transfer_order(organisation: OrgPath, number: NumberPath, body: TransferShipmentCreate,
                        key: IdempotencyKey, app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Ship an approved transfer (调出): available → in transit. Intercompany, the sender sells at the transfer
    price and the receiver buys (with the freight it bears): a voucher in each organisation.

    Checked as ``transfer_out`` at the sending site."""
    lines = _quantities(body.lines)
    return _transfer_step(organisation, number, key, app, principal, step="ship", act=lambda uow: (
        transfers.ship_transfer(uow, app.documents, organisation=organisation, transfer=number, lines=lines,
                                actor=principal.subject, freight=body.freight, carrier=body.carrier, eta=body.eta,
                                key=key)))


@router.post("/transfer-orders/{organisation}/{number}/receipts", response_model=DocumentDetailPublic,
             responses=REPLAYED)
def receive_transfer_order(organisation: OrgPath, number: NumberPath, body: TransferReceiptCreate,
                           key: IdempotencyKey, app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Receive at the destination (调入): in transit → available, out of the lots this transfer shipped.

    Checked as ``transfer_in`` at the receiving site (the answer shows the transfer even when the sending
    site is outside the caller's scope)."""
    lines = _quantities(body.lines)
    return _transfer_step(organisation, number, key, app, principal, step="receive", act=lambda uow: (
        transfers.receive_transfer(uow, app.documents, organisation=organisation, transfer=number, lines=lines,
                                   actor=principal.subject, key=key)))


@router.post("/transfer-orders/{organisation}/{number}/close", response_model=DocumentDetailPublic,
             responses=REPLAYED)
def close_transfer_order(organisation: OrgPath, number: NumberPath, body: TransferCloseIn, key: IdempotencyKey,
                         app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Close the receipt: what is still in transit is lost (→ ``@transit-loss``), valued and charged to
    whoever is responsible per line (sender, carrier — then name `carrier` — or receiver).

    Checked as ``transfer_in`` at the receiving site, with ``@transit-loss`` when anything is lost."""
    responsible = {int(line): party for line, party in body.responsible.items()}
    return _transfer_step(organisation, number, key, app, principal, step="close", act=lambda uow: (
        transfers.close_transfer_receipt(uow, app.documents, organisation=organisation, transfer=number,
                                         responsible=responsible, reason=body.reason, carrier=body.carrier,
                                         actor=principal.subject, key=key)))


# --- stocktakes -----------------------------------------------------------------------------------
@router.post("/stocktakes", response_model=DocumentDetailPublic, status_code=201, responses=REPLAYED)
def open_stocktake(body: StocktakeCreate, key: IdempotencyKey, app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Open a stocktake sheet (盘点单) on a snapshot of the site's available stock: the whole site, or some
    items, categories or bins. A blind sheet hides the book quantities while it is a draft.

    Checked as ``stocktake`` at the site."""
    with app.uow() as uow:
        c.site(uow, body.site)
        _authorise_write(app, uow, principal, doc_type=DocumentType.STOCKTAKE, site=body.site,
                         action="document.create", resource=f"stocktake:{key}", key=key)
        replayed = queries.by_key(uow, key) is not None
        sheet = stocktake.open_stocktake(uow, app.documents, site=body.site, actor=principal.subject, skus=body.skus,
                                         categories=body.categories, bins=body.bins, blind=body.blind, key=key)
        response = _detail(app, uow, principal, c.organisation_by_id(uow, sheet.organisation), sheet.number,
                           status_code=200 if replayed else 201, replayed=replayed)
        uow.commit()
    return response


@router.post("/stocktakes/{organisation}/{number}/counts", response_model=DocumentDetailPublic, responses=REPLAYED)
def record_counts(organisation: OrgPath, number: NumberPath, body: CountsCreate, key: IdempotencyKey, app: AppDep,
                  principal: DocumentWriter) -> JSONResponse:
    """Record counts on a draft sheet (a count again replaces it); stock the sheet lacks becomes a new line.

    Checked as ``stocktake`` at the sheet's site. An Excel counting list imports through ``…/counts/import``."""
    resource = f"document:{organisation}/{number}"
    with app.uow() as uow:
        row = moves.stocktake_row(uow, organisation, number)
        queries.authorise_write(uow, principal, policy=app.policy, doc_type=row.type, site=row.site)
        replayed = _replayed(uow, principal, action="document.count", resource=resource, key=key)
        if not replayed:
            _audit(uow, principal, action="document.count", resource=resource, key=key)
            stocktake.record_counts(uow, organisation=organisation, number=number, actor=principal.subject,
                                    recount=body.recount,
                                    counts=[stocktake.CountIn(sku=x.sku, counted=x.counted, bin=x.bin, lot=x.lot)
                                            for x in body.counts])
        response = _detail(app, uow, principal, c.organisation(uow, organisation), number, replayed=replayed)
        uow.commit()
    return response


@router.post("/stocktakes/{organisation}/{number}/post", response_model=DocumentDetailPublic, responses=REPLAYED)
def post_stocktake(organisation: OrgPath, number: NumberPath, key: IdempotencyKey, app: AppDep,
                   principal: DocumentWriter) -> JSONResponse:
    """Post an approved sheet's variances (盘盈 / 盘亏) as valued adjustments with their vouchers; the sheet is done.

    Checked as ``stocktake`` at the sheet's site with ``@adjustment``; 409 ``stocktake.not_approved`` before
    approval."""
    with app.uow() as uow:
        row = moves.stocktake_row(uow, organisation, number)
        moves.authorise_stocktake_post(uow, principal, policy=app.policy, site=row.site)
        replayed = postings.done_before(uow, row.id, action="post", key=key)
        if not replayed:
            _audit(uow, principal, action="document.post", resource=f"document:{organisation}/{number}", key=key)
            stocktake.post_variances(uow, app.documents, organisation=organisation, number=number,
                                     actor=principal.subject, key=key)
        response = _detail(app, uow, principal, c.organisation(uow, organisation), number, replayed=replayed)
        uow.commit()
    return response


# --- landed costs ---------------------------------------------------------------------------------
@router.post("/goods-receipts/{organisation}/{number}/landed-costs", response_model=DocumentDetailPublic,
             responses=REPLAYED)
def add_landed_cost(organisation: OrgPath, number: NumberPath, body: LandedCostCreate, key: IdempotencyKey,
                    app: AppDep, principal: DocumentWriter) -> JSONResponse:
    """Share freight, duty or insurance invoiced after a receipt over its lines (by value, quantity or weight):
    capitalised on the goods still here, expensed on those gone, one ``landed_cost`` voucher to `carrier`.

    Checked like the receipt (``receipt`` at its site). The answer is the receipt, its history and vouchers."""
    with app.uow() as uow:
        row = moves.document_row(uow, organisation, number, DocumentType.GOODS_RECEIPT)
        queries.authorise_write(uow, principal, policy=app.policy, doc_type=row.type, site=row.site)
        replayed = postings.done_before(uow, row.id, action="landed_cost", key=key)
        if not replayed:
            _audit(uow, principal, action="document.landed_cost", resource=f"document:{organisation}/{number}",
                   key=key)
            landed.add_landed_cost(uow, app.documents, organisation=organisation, goods_receipt=number,
                                   total=body.total, basis=body.basis.value, carrier=body.carrier,
                                   vat=body.vat, actor=principal.subject, key=key)
        response = _detail(app, uow, principal, c.organisation(uow, organisation), number, replayed=replayed)
        uow.commit()
    return response
