"""Read models of the documents context — the document list, one document with everything linked
to it (approval, history, movements, executions), stored vouchers with their documents — and the
access rules the API and the CLI share for documents.

Row scope is applied inside the queries: callers pass the ids of the sites the caller may see
(``None``: unrestricted) and every query puts them into its ``WHERE``, so a document of another
site is never fetched; a document without a site is outside every restricted scope. Vouchers
are scoped through the documents they book (:func:`ids_at_sites`, a sub-query the accounting
query embeds). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final
from uuid import UUID

from sqlalchemy import Select, and_, or_, select

from jxc.access import services as access
from jxc.access.model import Policy, Principal
from jxc.accounting.services import Books
from jxc.accounting.vouchers import Voucher, VoucherLine
from jxc.catalog import services as catalog
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import tables as t
from jxc.documents.codec import decode, encode
from jxc.documents.model import (
    AdvanceShippingNotice,
    DocumentType,
    GoodsReceipt,
    PurchaseOrder,
    PurchaseRequisition,
    PurchaseReturn,
    QcInspection,
    SalesOrder,
    SalesReturn,
    Shipment,
    Step,
    StocktakeSheet,
    TransferOrder,
    next_steps,
    parse_document_number,
)
from jxc.documents.services import common as c
from jxc.inventory.services import Ledger
from jxc.kernel.errors import Forbidden, InvalidInput, NotFound
from jxc.kernel.money import MONEY_QUANTUM
from jxc.org import services as org
from jxc.org.model import Organisation
from jxc.workflow import model as wf
from jxc.workflow import services as workflow

MAX_PAGE: Final = 500

_T = DocumentType
CLASSES: Final[Mapping[str, type[Any]]] = {cls.doc_type.value: cls for cls in (
    PurchaseOrder, GoodsReceipt, QcInspection, PurchaseReturn, SalesOrder, Shipment, SalesReturn, TransferOrder,
    StocktakeSheet, AdvanceShippingNotice, PurchaseRequisition)}
#: The movement kind a document of each type posts (or will post, for an order): a document
#: write is checked like a posting of that kind, so a clerk may sell but not buy.
KIND: Final[Mapping[str, str]] = {
    _T.PURCHASE_REQUISITION: "receipt", _T.PURCHASE_ORDER: "receipt", _T.ADVANCE_SHIPPING_NOTICE: "receipt",
    _T.GOODS_RECEIPT: "receipt", _T.QC_INSPECTION: "state_change", _T.PURCHASE_RETURN: "purchase_return",
    _T.SALES_ORDER: "sale", _T.SHIPMENT: "sale", _T.SALES_RETURN: "return", _T.TRANSFER_ORDER: "transfer_out",
    _T.STOCKTAKE: "stocktake",
}
#: The outside party (virtual site) a document of each type moves stock from or to.
COUNTERPARTY: Final[Mapping[str, str]] = {
    _T.PURCHASE_REQUISITION: "@supplier", _T.PURCHASE_ORDER: "@supplier", _T.ADVANCE_SHIPPING_NOTICE: "@supplier",
    _T.GOODS_RECEIPT: "@supplier", _T.PURCHASE_RETURN: "@supplier", _T.SALES_ORDER: "@customer",
    _T.SHIPMENT: "@customer", _T.SALES_RETURN: "@customer",
}
#: The policy's ``[fields.<resource>]`` each type is masked by (purchase prices are costs).
RESOURCE: Final[Mapping[str, str]] = {
    _T.PURCHASE_ORDER: "purchase_order", _T.GOODS_RECEIPT: "goods_receipt", _T.PURCHASE_RETURN: "purchase_return",
    _T.QC_INSPECTION: "qc_inspection", _T.SALES_ORDER: "sales_order", _T.SHIPMENT: "shipment",
    _T.SALES_RETURN: "sales_return", _T.TRANSFER_ORDER: "transfer_order", _T.STOCKTAKE: "stocktake",
}
_SUPPLIER_TYPES = frozenset({_T.PURCHASE_REQUISITION, _T.PURCHASE_ORDER, _T.ADVANCE_SHIPPING_NOTICE,
                             _T.GOODS_RECEIPT, _T.PURCHASE_RETURN})
_CUSTOMER_TYPES = frozenset({_T.SALES_ORDER, _T.SHIPMENT, _T.SALES_RETURN})
# Body keys shown in the header instead (organisation, site, partner, source) or internal.
_HEADER_KEYS = frozenset({"id", "number", "lines", "status", "closed_reason", "cancelled_reason", "applied",
                          "organisation", "site", "supplier", "customer", "purchase_order", "goods_receipt",
                          "sales_order", "shipment", "asn"})
_SITE_KEYS = frozenset({"from_site", "to_site"})
_ORG_KEYS = frozenset({"from_org", "to_org"})


def fen(amount: Decimal) -> Decimal:
    """A stored amount shown to the fen (``1130`` → ``1130.00``); finer amounts are never rounded."""
    exponent = amount.as_tuple().exponent
    return amount if isinstance(exponent, int) and exponent < -2 else amount.quantize(MONEY_QUANTUM)


def resource_of(doc_type: str) -> str:
    """The field-rule resource of a document type (``document`` for types without their own)."""
    return RESOURCE.get(doc_type, "document")


# --- access ----------------------------------------------------------------------------------------


def authorise_write(uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, doc_type: str,
                    site: str | None) -> None:
    """A document write is checked like a posting of the kind the document posts, at its site."""
    parties = [COUNTERPARTY[doc_type]] if doc_type in COUNTERPARTY else []
    access.authorise_posting(uow, principal, policy=policy, kind=KIND.get(doc_type, doc_type),
                             site_codes=[site or "", *parties], action="document.write")


def require_books(uow: SqlUnitOfWork, principal: Principal, organisation: Organisation) -> None:
    """Closing an organisation's books needs every one of its sites in the caller's scope."""
    scope = access.site_codes_in_scope(uow, principal)
    if scope is None:
        return
    sites = {s.code for s in org.list_sites(uow, organisation_code=organisation.code) if not s.is_virtual}
    if not sites or not sites <= scope:
        raise Forbidden("access.out_of_scope", field="organisation", subject=principal.subject,
                        value=organisation.code)


def scope(uow: SqlUnitOfWork, principal: Principal | None) -> frozenset[UUID] | None:
    """The ids of the sites ``principal`` may see (``None``: everything, or no principal)."""
    return None if principal is None else site_ids(uow, access.site_codes_in_scope(uow, principal))


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRef:
    id: UUID
    number: str
    type: str
    status: str | None = None
    doc_date: date | None = None


@dataclass(frozen=True)
class DocumentRow:
    """A document's header as lists show it (codes, not ids)."""

    id: UUID
    number: str
    type: str
    status: str
    organisation: str
    doc_date: date
    amount: Decimal | None
    partner: str | None
    site: str | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class LinkedMovement:
    movement_id: UUID
    line_no: int
    sku: str
    quantity: Decimal
    lot: str | None
    role: str


@dataclass(frozen=True)
class DocumentDetail:
    """One document: its header, lines (as stored, with line amounts where priced) and links."""

    row: DocumentRow
    source: DocumentRef | None
    executions: list[DocumentRef]
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    closed_reason: str | None
    cancelled_reason: str | None
    amounts: dict[str, Decimal] | None
    fields: dict[str, Any]
    lines: list[dict[str, Any]]
    approval: wf.ApprovalRequest | None
    history: list[HistoryEntry]
    movements: list[LinkedMovement]
    steps: tuple[Step, ...]  # what the document itself accepts next (not yet checked against a caller)
    to_site: str | None  # a transfer's receiving site (where receiving and closing are checked)
    in_transit: bool  # a transfer with goods shipped and neither received nor lost yet


def site_ids(uow: SqlUnitOfWork, codes: Collection[str] | None) -> frozenset[UUID] | None:
    """The ids of the sites ``codes`` names (``None`` stays ``None``: unrestricted)."""
    if codes is None:
        return None
    return frozenset(site.id for site in org.sites_by_code(uow, codes).values())


def _scoped(query: Select[Any], sites: Collection[UUID] | None) -> Select[Any]:
    return query if sites is None else query.where(_at_sites(sites))


def _at_sites(sites: Collection[UUID]) -> Any:
    """A document is at a site when it happens there, or (a transfer) is received there."""
    d = t.doc_documents
    return or_(d.c.site_id.in_(list(sites)), d.c.to_site_id.in_(list(sites)))


def list_documents(
    uow: SqlUnitOfWork, *, sites: Collection[UUID] | None, doc_type: str | None = None, status: str | None = None,
    organisation_id: UUID | None = None, after: tuple[date, UUID] | None = None, limit: int = 50,
) -> list[DocumentRow]:
    """Documents newest first (by date, then id), at the given sites only."""
    d = t.doc_documents
    query = _scoped(select(d).order_by(d.c.doc_date.desc(), d.c.id.desc()).limit(limit), sites)
    if doc_type is not None:
        query = query.where(d.c.doc_type == doc_type)
    if status is not None:
        query = query.where(d.c.status == status)
    if organisation_id is not None:
        query = query.where(d.c.organisation_id == organisation_id)
    if after is not None:
        query = query.where(or_(d.c.doc_date < after[0], and_(d.c.doc_date == after[0], d.c.id < after[1])))
    return _rows(uow, uow.connection.execute(query).all())


def _rows(uow: SqlUnitOfWork, rows: Iterable[Any]) -> list[DocumentRow]:
    return [DocumentRow(
        id=r.id, number=r.number, type=r.doc_type, status=r.status,
        organisation=c.organisation_by_id(uow, r.organisation_id).code, doc_date=r.doc_date,
        amount=None if r.amount is None else fen(r.amount),
        partner=_partner(uow, r.doc_type, r.partner_id),
        site=c.site_by_id(uow, r.site_id).code if r.site_id is not None else None,
    ) for r in rows]


def _partner(uow: SqlUnitOfWork, doc_type: str, partner_id: UUID | None) -> str | None:
    if partner_id is None:
        return None
    if doc_type in _SUPPLIER_TYPES:
        return str(c.supplier_by_id(uow, partner_id).code)
    if doc_type in _CUSTOMER_TYPES:
        return str(c.customer_by_id(uow, partner_id).code)
    return c.organisation_by_id(uow, partner_id).code  # a transfer's receiving organisation


def _stored(uow: SqlUnitOfWork, where: Any, *, number: str, sites: Collection[UUID] | None) -> Any:
    row = uow.connection.execute(_scoped(select(t.doc_documents).where(where), sites)).first()
    if row is None:
        raise NotFound("document.not_found", field="number", value=number)
    return row


def header(uow: SqlUnitOfWork, *, organisation_id: UUID, number: str,
           sites: Collection[UUID] | None = None) -> DocumentRow:
    """A document's header by organisation and number (``NotFound`` outside ``sites``)."""
    d = t.doc_documents
    return _rows(uow, [_stored(uow, and_(d.c.organisation_id == organisation_id, d.c.number == number),
                               number=number, sites=sites)])[0]


def header_by_id(uow: SqlUnitOfWork, document_id: UUID) -> DocumentRow:
    return _rows(uow, [_stored(uow, t.doc_documents.c.id == document_id, number=str(document_id), sites=None)])[0]


def by_key(uow: SqlUnitOfWork, key: str) -> DocumentRow | None:
    """The document an earlier call with idempotency ``key`` created, if any."""
    row = uow.connection.execute(select(t.doc_documents).where(t.doc_documents.c.idempotency_key == key)).first()
    return None if row is None else _rows(uow, [row])[0]


def visible(uow: SqlUnitOfWork, document_ids: Collection[UUID], *, sites: Collection[UUID] | None) -> set[UUID]:
    """Which of ``document_ids`` are documents at ``sites``."""
    if not document_ids:
        return set()
    d = t.doc_documents
    query = _scoped(select(d.c.id).where(d.c.id.in_(list(document_ids))), sites)
    return {row.id for row in uow.connection.execute(query)}


def ids_at_sites(sites: Collection[UUID]) -> Select[Any]:
    """A sub-query selecting the ids of the documents at ``sites`` (voucher scope)."""
    return select(t.doc_documents.c.id).where(_at_sites(sites))


def detail(uow: SqlUnitOfWork, ledger: Ledger, *, organisation_id: UUID, number: str,
           sites: Collection[UUID] | None) -> DocumentDetail:
    """Everything about one document the caller may see (``NotFound`` outside ``sites``)."""
    d = t.doc_documents
    row = _stored(uow, and_(d.c.organisation_id == organisation_id, d.c.number == number), number=number,
                  sites=sites)
    body: dict[str, Any] = dict(row.body)
    cls = CLASSES.get(row.doc_type)
    document = decode(cls, body) if cls is not None else None
    lines = [_line(encode(line), line) for line in document.lines] if document is not None else list(
        body.get("lines", []))
    if row.doc_type == _T.STOCKTAKE and body.get("blind") and row.status == "draft":
        lines = [{k: v for k, v in line.items() if k != "book_qty"} for line in lines]  # blind count
    amounts = getattr(document, "amounts", None)
    return DocumentDetail(
        row=_rows(uow, [row])[0], source=_ref(uow, row.source_id), executions=_executions(uow, row.id),
        created_by=row.created_by, created_at=row.created_at, updated_at=row.updated_at, version=row.version,
        closed_reason=body.get("closed_reason"), cancelled_reason=body.get("cancelled_reason"),
        amounts=None if amounts is None else {"net": amounts.net, "vat": amounts.vat, "gross": amounts.gross},
        fields=_fields(uow, body), lines=lines, approval=workflow.request_for_document(uow, row.id),
        history=[HistoryEntry(at=h["at"], actor=h["actor"], action=h["action"],
                              detail=h["detail"] if isinstance(h["detail"], dict) else {"value": h["detail"]})
                 for h in c.history(uow, row.id)],
        movements=_movements(uow, ledger, row.id), steps=next_steps(document) if document is not None else (),
        to_site=None if row.to_site_id is None else c.site_by_id(uow, row.to_site_id).code,
        in_transit=isinstance(document, TransferOrder) and any(line.in_transit > 0 for line in document.lines),
    )


def _line(encoded: dict[str, Any], line: Any) -> dict[str, Any]:
    amounts = getattr(line, "amounts", None)
    if amounts is not None:
        encoded.update(net=encode(amounts.net), vat=encode(amounts.vat), gross=encode(amounts.gross))
    return encoded


def _fields(uow: SqlUnitOfWork, body: Mapping[str, Any]) -> dict[str, Any]:
    """The type's own header fields, with site and organisation ids shown as codes."""
    result: dict[str, Any] = {}
    for key, value in body.items():
        if key in _HEADER_KEYS:
            continue
        if key in _SITE_KEYS and value is not None:
            value = c.site_by_id(uow, UUID(value)).code
        elif key in _ORG_KEYS and value is not None:
            value = c.organisation_by_id(uow, UUID(value)).code
        result[key] = value
    return result


def _ref(uow: SqlUnitOfWork, document_id: UUID | None) -> DocumentRef | None:
    if document_id is None:
        return None
    d = t.doc_documents
    row = uow.connection.execute(select(d.c.id, d.c.number, d.c.doc_type, d.c.status, d.c.doc_date)
                                 .where(d.c.id == document_id)).first()
    return None if row is None else DocumentRef(id=row.id, number=row.number, type=row.doc_type, status=row.status,
                                                 doc_date=row.doc_date)


def _executions(uow: SqlUnitOfWork, document_id: UUID) -> list[DocumentRef]:
    """The documents executing this one (an order's receipts, a receipt's inspections and returns)."""
    d = t.doc_documents
    rows = uow.connection.execute(select(d.c.id, d.c.number, d.c.doc_type, d.c.status, d.c.doc_date)
                                  .where(d.c.source_id == document_id).order_by(d.c.doc_date, d.c.number))
    return [DocumentRef(id=r.id, number=r.number, type=r.doc_type, status=r.status, doc_date=r.doc_date)
            for r in rows]


def _movements(uow: SqlUnitOfWork, ledger: Ledger, document_id: UUID) -> list[LinkedMovement]:
    rows = c.movements_of(uow, document_id)
    skus = {i.id: i.sku for i in catalog.items_by_id(uow, {r.item_id for r in rows}).values()}
    lots = {lot: ledger.lot_number(uow, lot) for lot in {r.lot_id for r in rows if r.lot_id is not None}}
    return [LinkedMovement(movement_id=r.movement_id, line_no=r.line_no, sku=skus.get(r.item_id, str(r.item_id)),
                           quantity=r.quantity, lot=lots.get(r.lot_id), role=r.role) for r in rows]


# --- vouchers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherLineView:
    line_no: int
    account: str
    account_name_zh: str
    account_name_en: str
    debit: Decimal
    credit: Decimal
    summary_zh: str
    summary_en: str
    partner: str | None = None
    item: str | None = None
    site: str | None = None
    department: str | None = None
    quantity: Decimal | None = None


@dataclass(frozen=True)
class VoucherView:
    """A stored voucher with its lines and the document it books (drill-down: voucher → document)."""

    id: UUID
    number: str
    organisation: str
    date: date
    period: str
    word: str
    seq: int
    kind: str
    total: Decimal
    document_ref: str | None
    document: DocumentRef | None
    preparer: str
    lines: list[VoucherLineView] = field(default_factory=list)


def vouchers(
    uow: SqlUnitOfWork, books: Books, *, organisation_id: UUID, sites: Collection[UUID] | None,
    since: date | None = None, until: date | None = None, document_id: UUID | None = None,
    after: tuple[date, str] | None = None, limit: int = 1000,
) -> list[VoucherView]:
    """An organisation's vouchers oldest first; with a restricted scope, only those of documents at ``sites``."""
    found = books.vouchers(uow, organisation_id=organisation_id, document_id=document_id, since=since, until=until,
                           limit=limit, after=after, document_ids=None if sites is None else ids_at_sites(sites))
    d = t.doc_documents
    ids = {v["document_id"] for v in found if v["document_id"] is not None}
    documents = {r.id: r for r in uow.connection.execute(
        select(d.c.id, d.c.number, d.c.doc_type, d.c.status, d.c.doc_date, d.c.created_by)
        .where(d.c.id.in_(list(ids))))} if ids else {}
    code = c.organisation_by_id(uow, organisation_id).code
    views = []
    for v in found:
        doc = documents.get(v["document_id"])
        views.append(VoucherView(
            id=v["id"], number=v["number"], organisation=code, date=v["voucher_date"], period=v["period"],
            word=v["word"], seq=v["seq"], kind=v["kind"], total=fen(v["total"]), document_ref=v["document_ref"],
            document=None if doc is None else DocumentRef(id=doc.id, number=doc.number, type=doc.doc_type,
                                                          status=doc.status, doc_date=doc.doc_date),
            preparer=doc.created_by if doc is not None else "",
            lines=[VoucherLineView(
                line_no=line["line_no"], account=line["account"], account_name_zh=line["account_name_zh"],
                account_name_en=line["account_name_en"], debit=fen(line["debit"]), credit=fen(line["credit"]),
                summary_zh=line["summary_zh"], summary_en=line["summary_en"],
                partner=line["dims"].get("partner"), item=line["dims"].get("item"), site=line["dims"].get("site"),
                department=line["dims"].get("department"),
                quantity=Decimal(line["dims"]["quantity"]) if "quantity" in line["dims"] else None,
            ) for line in v["lines"]],
        ))
    return views


def gl_vouchers(views: Iterable[VoucherView], books: Books) -> list[Voucher]:
    """Stored vouchers as the pure model (what :mod:`jxc.accounting.export` writes); balance re-checked."""
    return [Voucher(
        organisation=v.organisation, date=v.date, document_ref=v.document_ref or v.number, kind=v.kind, word=v.word,
        seq=v.seq, preparer=v.preparer,
        lines=tuple(VoucherLine(account=books.chart[line.account], debit=line.debit, credit=line.credit,
                                summary_zh=line.summary_zh, summary_en=line.summary_en, partner=line.partner,
                                item=line.item, site=line.site, department=line.department, quantity=line.quantity)
                    for line in v.lines),
    ) for v in views]


def parse_cursor(value: str | None, *, field: str = "after") -> tuple[date, str] | None:
    """``<date>~<text>`` (what a page's ``next`` holds) → (date, text)."""
    if value is None:
        return None
    day, sep, rest = value.partition("~")
    try:
        if not sep or not rest:
            raise ValueError(value)
        return date.fromisoformat(day), rest
    except ValueError:
        raise InvalidInput("field.invalid", field=field, value=value[:60], reason="a `next` cursor") from None


def document_type(number: str) -> str:
    """The type a document number names (``PO-2026-000001`` → ``purchase_order``)."""
    return parse_document_number(number).doc_type.value


__all__ = ["COUNTERPARTY", "KIND", "DocumentDetail", "DocumentRef", "DocumentRow", "HistoryEntry", "LinkedMovement",
           "VoucherLineView", "VoucherView", "authorise_write", "by_key", "detail", "document_type", "gl_vouchers",
           "header", "header_by_id", "ids_at_sites", "list_documents", "parse_cursor", "require_books",
           "resource_of", "scope", "site_ids", "visible", "vouchers"]
