"""What every document use case shares: wiring, storage, numbering, history, code resolution.

Documents are stored whole (the pure model serialised by :mod:`jxc.documents.codec`) with
header copies for lists. Every save names the version it read; a concurrent change is a
``Conflict``, never a lost update. Other contexts are reached only through their services.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from uuid import UUID
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, bindparam, insert, select, update

from jxc.accounting.services import Books
from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.prepared import Prepared
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import tables as t
from jxc.documents.codec import decode, encode
from jxc.documents.model import Document, DocumentType, document_number
from jxc.inventory.commands import MovementRecord, PostingResult, PostStock, posting_fingerprint
from jxc.inventory.services import Ledger
from jxc.kernel.errors import Conflict, InvalidInput, NotFound
from jxc.kernel.ids import new_id
from jxc.org import services as org
from jxc.org.model import Organisation, Site
from jxc.wiring import _TtlCache
from jxc.workflow.config import default_flows
from jxc.workflow.model import FlowDefinition

D = TypeVar("D", bound=Document[Any])


class Directory:
    """Organisations, sites, items and partners by code or id, remembered for ``ttl`` seconds.

    These change rarely and every document step needs several of them; like the ledger's own
    directories, a miss always reads the database and a change is seen within ``ttl``.
    """

    def __init__(self, ttl: float = 30.0) -> None:
        self._orgs, self._orgs_by_id = _TtlCache(ttl), _TtlCache(ttl)
        self._sites, self._sites_by_id = _TtlCache(ttl), _TtlCache(ttl)
        self._items = _TtlCache(ttl)
        self._suppliers, self._customers = _TtlCache(ttl), _TtlCache(ttl)

    def organisation(self, uow: SqlUnitOfWork, code: str) -> Organisation:
        found = self._orgs.get_many([code], lambda keys: {k: org.get_organisation(uow, k) for k in keys})
        return found[code]

    def organisation_by_id(self, uow: SqlUnitOfWork, organisation_id: UUID) -> Organisation:
        found = self._orgs_by_id.get_many([organisation_id], lambda keys: org.organisations_by_id(uow, keys))
        return found[organisation_id]

    def sites(self, uow: SqlUnitOfWork, codes: Sequence[str]) -> dict[str, Site]:
        return self._sites.get_many(codes, lambda keys: org.sites_by_code(uow, keys))

    def site_by_id(self, uow: SqlUnitOfWork, site_id: UUID) -> Site:
        return self._sites_by_id.get_many([site_id], lambda keys: org.sites_by_id(uow, keys))[site_id]

    def items(self, uow: SqlUnitOfWork, skus: Sequence[str]) -> dict[str, Item]:
        return self._items.get_many(skus, lambda keys: catalog.items_by_sku(uow, keys))

    def supplier(self, uow: SqlUnitOfWork, code: str) -> Any:
        return self._suppliers.get_many([code], lambda keys: {k: catalog.get_supplier(uow, k) for k in keys})[code]

    def customer(self, uow: SqlUnitOfWork, code: str) -> Any:
        return self._customers.get_many([code], lambda keys: {k: catalog.get_customer(uow, k) for k in keys})[code]

    def supplier_by_id(self, uow: SqlUnitOfWork, supplier_id: UUID) -> Any:
        return self._suppliers.get_many([supplier_id], lambda keys: {
            k: catalog.get_supplier_by_id(uow, k) for k in keys})[supplier_id]

    def customer_by_id(self, uow: SqlUnitOfWork, customer_id: UUID) -> Any:
        return self._customers.get_many([customer_id], lambda keys: {
            k: catalog.get_customer_by_id(uow, k) for k in keys})[customer_id]


# One directory per database: codes are only unique within one, and a process may hold several
# (tests, benchmarks, a demo built beside a live database).
_directories: WeakKeyDictionary[Engine, Directory] = WeakKeyDictionary()


def _directory(uow: SqlUnitOfWork) -> Directory:
    found = _directories.get(uow.engine)
    if found is None:
        found = _directories[uow.engine] = Directory()
    return found


@dataclass
class Wiring:
    """The collaborators document use cases need (built once by bootstrap)."""

    ledger: Ledger
    books: Books = field(default_factory=Books)
    flows: tuple[FlowDefinition, ...] = field(default_factory=default_flows)
    receipt_tolerance_pct: Decimal = Decimal(0)
    reservation_ttl: timedelta = timedelta(days=30)  # how long an approved sales order holds its stock


@dataclass(frozen=True)
class Stored:
    """A loaded document and the version its next save must name."""

    document: Any
    version: int
    organisation_id: UUID


class Executable(Protocol):
    def submit(self, *, at: datetime) -> tuple[Any, Any]: ...
    def approve(self, *, at: datetime) -> tuple[Any, Any]: ...
    def post(self, *, at: datetime) -> tuple[Any, Any]: ...


X = TypeVar("X", bound=Executable)


def born_done(document: X, when: datetime) -> X:
    """Execution documents (receipt, shipment, return, inspection) are created, checked and posted in one step."""
    document, _ = document.submit(at=when)
    document, _ = document.approve(at=when)
    document, _ = document.post(at=when)
    return document


def by_line(
    movements: Iterable[MovementRecord], lines: Sequence[tuple[int, UUID, Decimal]],
) -> dict[int, list[MovementRecord]]:
    """The movements each document line produced, given each line's (line_no, item id, base quantity)
    in command order.

    The ledger numbers movements across the whole posting (1, 2, 3 … per *movement*), so a line it
    splits over lots or serials is a run of movements and every later line shifts: movements are
    matched by walking them in order against each line's item and quantity, never by ``line_no``.
    """
    ordered = sorted(movements, key=lambda m: m.line_no)
    grouped: dict[int, list[MovementRecord]] = {}
    index = 0
    for line_no, item_id, quantity in lines:
        group: list[MovementRecord] = []
        got = Decimal(0)
        while got < quantity and index < len(ordered) and ordered[index].item_id == item_id:
            group.append(ordered[index])
            got += ordered[index].quantity
            index += 1
        if got != quantity:
            raise AssertionError(f"posting does not match its lines: {got} of {quantity} for item {item_id}")
        grouped[line_no] = group
    if index != len(ordered):
        raise AssertionError("posting has more movements than its lines account for")
    return grouped


def lot_key(lot_id: UUID | None) -> str | None:
    """How valuation layers name a lot: the ledger's lot id."""
    return None if lot_id is None else str(lot_id)


# --- numbering and storage ---------------------------------------------------------------------

# Built once and run on the driver cursor (``jxc.db.prepared``): every document step writes these.
_INSERT_DOCUMENT = Prepared.insert(t.doc_documents, [
    "id", "organisation_id", "doc_type", "number", "status", "partner_id", "site_id", "to_site_id", "source_id",
    "doc_date", "amount", "body", "version", "idempotency_key", "created_by", "created_at", "updated_at"])
_INSERT_HISTORY = Prepared.insert(t.doc_history, ["id", "document_id", "at", "actor", "action", "detail"])
_INSERT_LINKS = Prepared.insert(t.doc_movements, [
    "movement_id", "document_id", "line_no", "item_id", "quantity", "lot_id", "role"])
_D = t.doc_documents
_LOAD = select(_D.c.body, _D.c.version, _D.c.organisation_id, _D.c.doc_type)
_LOAD_BY_ID = Prepared(_LOAD.where(_D.c.id == bindparam("doc_id"), _D.c.doc_type == bindparam("doc_type")))
_LOAD_BY_NUMBER = Prepared(_LOAD.where(_D.c.organisation_id == bindparam("org"), _D.c.number == bindparam("number"),
                                       _D.c.doc_type == bindparam("doc_type")))
_SAVE_STATEMENT = (update(_D).where(_D.c.id == bindparam("doc_id"), _D.c.version == bindparam("expected"))
                   .values(status=bindparam("new_status"), body=bindparam("new_body"),
                           version=bindparam("new_version"), updated_at=bindparam("now")))
_SAVE = Prepared(_SAVE_STATEMENT)
_SAVE_WITH_AMOUNT = Prepared(_SAVE_STATEMENT.values(amount=bindparam("new_amount")))
_S = t.doc_sequences
_NEXT_SEQ = Prepared(update(_S).where(_S.c.organisation_id == bindparam("org"), _S.c.doc_type == bindparam("kind"),
                                      _S.c.year == bindparam("in_year"))
                     .values(last_seq=_S.c.last_seq + 1).returning(_S.c.last_seq))


def next_number(uow: SqlUnitOfWork, *, organisation_id: UUID, doc_type: DocumentType, year: int) -> str:
    """The next ``PO-2026-000124`` of an organisation (never reused, even after a rollback elsewhere)."""
    key = {"org": organisation_id, "kind": doc_type.value, "in_year": year}
    seq = _NEXT_SEQ.run(uow.connection, key).scalar()
    if seq is None:
        uow.connection.execute(insert(t.doc_sequences), {"organisation_id": organisation_id,
                                                         "doc_type": doc_type.value, "year": year, "last_seq": 1})
        seq = 1
    return document_number(doc_type, year, int(seq))


def insert_document(
    uow: SqlUnitOfWork, document: Document[Any], *, organisation_id: UUID, doc_date: date, actor: str,
    partner_id: UUID | None = None, site_id: UUID | None = None, source_id: UUID | None = None,
    amount: Decimal | None = None, key: str | None = None, to_site_id: UUID | None = None,
) -> None:
    now = uow.clock.now()
    _INSERT_DOCUMENT.run(uow.connection, {
        "id": document.id, "organisation_id": organisation_id, "doc_type": document.doc_type.value,
        "number": document.number, "status": document.status.value, "partner_id": partner_id, "site_id": site_id,
        "to_site_id": to_site_id,
        "source_id": source_id, "doc_date": doc_date, "amount": amount, "body": encode(document), "version": 1,
        "idempotency_key": key, "created_by": actor, "created_at": now, "updated_at": now,
    })
    record(uow, document.id, actor=actor, action="create", detail={"number": document.number})


def save(uow: SqlUnitOfWork, stored: Stored, document: Document[Any], *, actor: str, action: str,
         detail: dict[str, Any] | None = None, amount: Decimal | None = None) -> Stored:
    values: dict[str, Any] = {"doc_id": document.id, "expected": stored.version,
                              "new_status": document.status.value, "new_body": encode(document),
                              "new_version": stored.version + 1, "now": uow.clock.now()}
    if amount is not None:
        values["new_amount"] = amount
    statement = _SAVE_WITH_AMOUNT if amount is not None else _SAVE
    done = statement.run(uow.connection, values)
    if done.rowcount != 1:
        raise Conflict("document.concurrent_update", field="document", value=document.number)
    record(uow, document.id, actor=actor, action=action, detail=detail or {})
    return Stored(document=document, version=stored.version + 1, organisation_id=stored.organisation_id)


def load(uow: SqlUnitOfWork, cls: type[D], *, organisation_id: UUID | None = None, number: str | None = None,
         document_id: UUID | None = None) -> Stored:
    """A document by id, or by organisation and number; ``NotFound`` names what was asked for."""
    if document_id is not None:
        row = _LOAD_BY_ID.run(uow.connection, {"doc_id": document_id, "doc_type": cls.doc_type.value}).first()
    else:
        row = _LOAD_BY_NUMBER.run(uow.connection, {"org": organisation_id, "number": number,
                                                   "doc_type": cls.doc_type.value}).first()
    if row is None:
        raise NotFound("document.not_found", field="number", value=number or str(document_id))
    return Stored(document=decode(cls, row.body), version=row.version, organisation_id=row.organisation_id)


def find_by_key(uow: SqlUnitOfWork, cls: type[D], key: str | None) -> D | None:
    """The document an earlier call with the same idempotency key created, if any."""
    if key is None:
        return None
    d = t.doc_documents
    row = uow.connection.execute(select(d.c.id, d.c.doc_type).where(d.c.idempotency_key == key)).first()
    if row is None:
        return None
    if row.doc_type != cls.doc_type.value:
        raise Conflict("idempotency.key_reused", field="Idempotency-Key", value=key)
    document: D = load(uow, cls, document_id=row.id).document
    return document


def record(uow: SqlUnitOfWork, document_id: UUID, *, actor: str, action: str, detail: dict[str, Any]) -> None:
    _INSERT_HISTORY.run(uow.connection, {"id": new_id(), "document_id": document_id, "at": uow.clock.now(),
                                             "actor": actor, "action": action, "detail": encode(detail)})


def history(uow: SqlUnitOfWork, document_id: UUID) -> list[dict[str, Any]]:
    h = t.doc_history
    return [dict(r._mapping) for r in uow.connection.execute(
        select(h).where(h.c.document_id == document_id).order_by(h.c.at, h.c.id))]


def link_movements(uow: SqlUnitOfWork, document_id: UUID, links: Iterable[tuple[int, MovementRecord, str]]) -> None:
    rows = [{"movement_id": m.id, "document_id": document_id, "line_no": line_no, "item_id": m.item_id,
             "quantity": m.quantity, "lot_id": m.lot_id, "role": role} for line_no, m, role in links]
    _INSERT_LINKS.run_many(uow.connection, rows)


def movements_of(uow: SqlUnitOfWork, document_id: UUID, *, role: str | None = None) -> list[Any]:
    m = t.doc_movements
    query = select(m).where(m.c.document_id == document_id).order_by(m.c.line_no, m.c.movement_id)
    if role is not None:
        query = query.where(m.c.role == role)
    return list(uow.connection.execute(query))


def post_stock(uow: SqlUnitOfWork, w: Wiring, command: PostStock) -> PostingResult:
    """Post inside the document's unit of work (committed with the document, or not at all)."""
    return w.ledger.post_in(uow, command, digest=posting_fingerprint(command))


# --- other contexts, by code -------------------------------------------------------------------


def organisation(uow: SqlUnitOfWork, code: str) -> Organisation:
    return _directory(uow).organisation(uow, code)


def organisation_by_id(uow: SqlUnitOfWork, organisation_id: UUID) -> Organisation:
    return _directory(uow).organisation_by_id(uow, organisation_id)


def site(uow: SqlUnitOfWork, code: str, *, field: str = "site") -> Site:
    found = _directory(uow).sites(uow, [code]).get(code)
    if found is None or found.virtual_role is not None:
        raise NotFound("site.not_found", field=field, value=code)
    return found


def site_by_id(uow: SqlUnitOfWork, site_id: UUID) -> Site:
    return _directory(uow).site_by_id(uow, site_id)


def supplier(uow: SqlUnitOfWork, code: str) -> Any:
    """The supplier with ``code`` (``NotFound("supplier.not_found")`` otherwise)."""
    return _directory(uow).supplier(uow, code)


def customer(uow: SqlUnitOfWork, code: str) -> Any:
    """The customer with ``code`` (``NotFound("customer.not_found")`` otherwise)."""
    return _directory(uow).customer(uow, code)


def supplier_by_id(uow: SqlUnitOfWork, supplier_id: UUID) -> Any:
    return _directory(uow).supplier_by_id(uow, supplier_id)


def customer_by_id(uow: SqlUnitOfWork, customer_id: UUID) -> Any:
    return _directory(uow).customer_by_id(uow, customer_id)


def owning_organisation(uow: SqlUnitOfWork, place: Site, *, field: str = "site") -> Organisation:
    if place.organisation_id is None:
        raise InvalidInput("field.invalid", field=field, value=place.code, reason="the site belongs to no organisation")
    return organisation_by_id(uow, place.organisation_id)


def items(uow: SqlUnitOfWork, skus: Sequence[str], *, field: str = "lines") -> dict[str, Item]:
    found = _directory(uow).items(uow, skus)
    for i, sku in enumerate(skus):
        if sku not in found:
            raise NotFound("item.not_found", field=f"{field}[{i}].sku", value=sku)
    return found


def base_quantity(item: Item, quantity: Decimal, unit: str | None) -> Decimal:
    """``quantity`` of ``unit`` in the item's base unit."""
    if unit is None or unit == item.base_unit:
        return quantity
    factor = item.units.get(unit)
    if factor is None:
        raise InvalidInput("unit.unknown", field="unit", value=unit)
    return quantity * factor


def today(uow: SqlUnitOfWork) -> date:
    return uow.clock.now().date()


def now(uow: SqlUnitOfWork) -> datetime:
    return uow.clock.now()
