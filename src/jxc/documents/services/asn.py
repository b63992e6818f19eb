"""Advance shipping notices (发货通知, ASN): the supplier's delivery commitments and their goods in transit.

Announcing a shipment (:func:`announce_shipment`) makes the notice — acknowledged at once, so goods
can be received against it — and puts what it announces into the order's site as ``in_transit``
with the notice's ETA, so ATP counts it as a scheduled receipt. The goods become the buyer's when
they are shipped: they are valued into the organisation's pool at the order price and booked
``purchase_receipt.into_transit`` (Dr 1402 在途物资 · Dr 22210101 进项税额 · Cr 2202 应付账款).
A goods receipt against the notice (:func:`jxc.documents.services.purchasing.receive` with ``asn``)
moves them ``in_transit`` → ``available`` / ``pending_qc`` without valuing them again and books
``transit_arrival`` (Dr 1405 · Cr 1402) at the value that arrived.

Invariants kept here:
- the ledger carries one ``in_transit`` movement per order line of the notice (linked with role
  ``in_transit`` and the *order* line as ``line_no``: notice lines are renumbered by revisions,
  order lines are not); what is still in transit for an order line is the current promise minus
  what arrived against the notice, so a receipt against a notice never takes more than that
  (``asn.exceeds_in_transit``) and every piece of it comes out of this notice's own movement;
- arrivals and reversals consume each ``in_transit`` movement in order, each taking the next slice
  of the value it brought in (:func:`jxc.documents.services.postings.value_slice`), so what arrives
  plus what goes back clears the notice's goods in transit (1402) exactly, to the fen;
- a revision (:func:`revise_shipment`) keeps every earlier promise in the notice's history; it may
  move dates and lower quantities (never below what arrived, ``asn.below_received``), and what it
  lowers goes back ``in_transit`` → ``@supplier`` at once: a ``return_out`` against the notice's
  own receipt valuation, booked ``purchase_return.in_transit`` (Dr 2202 · Cr 1402 · Cr 22210101).
  It never promises more than was shipped (``asn.above_shipped``): more goods are a new notice;
- notices of an order never announce more than the order still expects: ordered × (1 + receipt
  tolerance) − received − what other open notices still have in transit (``asn.exceeds_order``);
- items tracked by lot or serial are refused (``asn.tracked_item``): a notice names no lots yet.

Reliability (:func:`supplier_reliability`) measures every notice of a supplier against the receipts
made against it, through :func:`jxc.documents.model.promise_outcomes`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import select

from jxc.accounting.services import Operation
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.catalog import services as catalog
from jxc.catalog.model import Item, TrackingMode
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import tables as t
from jxc.documents.codec import decode
from jxc.documents.model import (
    AdvanceShippingNotice,
    AsnLine,
    DocumentStatus,
    DocumentType,
    GoodsReceipt,
    PromiseOutcome,
    PurchaseOrder,
    check_asn,
    for_line,
    promise_outcomes,
    to_fen,
)
from jxc.documents.services import common as c
from jxc.documents.services import postings as p
from jxc.documents.services import purchasing
from jxc.inventory.commands import MoveLine, PostStock
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import split_by_weights
from jxc.org.model import Organisation

IN_TRANSIT = "in_transit"  # role of a notice's own ledger movements (line_no = the order line)
REVERSE = "reverse"  # role of the movements a revision sent back to the supplier
_OPEN = (DocumentStatus.APPROVED.value, DocumentStatus.PARTIALLY_DONE.value)
HUNDRED = Decimal(100)
RATE = Decimal("0.0001")
DAYS = Decimal("0.01")


class NoticeLineIn(NamedTuple):
    """One promise: this much of an order line, delivered by that day (a plain tuple works too)."""

    po_line: int
    quantity: Decimal
    promised_date: date


# --- announce ----------------------------------------------------------------------------------


def announce_shipment(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, purchase_order: str,
    lines: Sequence[NoticeLineIn | tuple[int, Decimal, date]], eta: datetime, actor: str, key: str | None = None,
) -> AdvanceShippingNotice:
    """The supplier shipped: a notice, its goods in transit to the order's site (ETA), valued and booked."""
    if (found := c.find_by_key(uow, AdvanceShippingNotice, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    po: PurchaseOrder = c.load(uow, PurchaseOrder, organisation_id=org.id, number=purchase_order).document
    po.require_open()
    eta = _aware(eta)
    notice_lines = _lines(lines)
    check_asn(po, notice_lines)
    totals = _totals(notice_lines)
    known = c.items(uow, [po.line(po_line).sku for po_line in totals])
    _refuse_tracked(po, notice_lines, known)
    _check_order(uow, w, po, notice_lines)
    when = c.now(uow)
    day = when.date()
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.ADVANCE_SHIPPING_NOTICE, year=day.year)
    notice = AdvanceShippingNotice(id=new_id(), number=number, lines=notice_lines, organisation=org.id,
                                   supplier=po.supplier, purchase_order=po.id)
    notice, _ = notice.submit(at=when)  # sent by the supplier …
    notice, _ = notice.approve(at=when)  # … and acknowledged: receipts may be made against it
    place = c.site_by_id(uow, po.site)
    vendor = c.supplier_by_id(uow, po.supplier)
    order = sorted(totals)
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{notice.id}:ship", kind="receipt", occurred_at=when, document_ref=notice.number,
        lines=tuple(MoveLine(sku=po.line(n).sku, quantity=totals[n], unit=po.line(n).unit, from_site="@supplier",
                             to_site=place.code, to_state=IN_TRANSIT, eta=eta) for n in order),
    ))
    groups = c.by_line(posting.movements, [
        (n, known[po.line(n).sku].id, c.base_quantity(known[po.line(n).sku], totals[n], po.line(n).unit))
        for n in order])
    c.link_movements(uow, notice.id, ((n, m, IN_TRANSIT) for n, ms in groups.items() for m in ms))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    events = []
    for n in order:
        ordered = po.line(n)
        item = known[ordered.sku]
        net = to_fen(totals[n] * ordered.unit_price)
        moves = groups[n]
        shares = split_by_weights(net, [m.quantity for m in moves]) if len(moves) > 1 else [net]
        for move, share in zip(moves, shares, strict=True):
            operations[move.item_id].append(Operation(movement_id=move.id, kind="receive", quantity=move.quantity,
                                                      amount=share, at=when))
        events.append(ValuedEvent(
            kind="purchase_receipt", variant="into_transit", organisation=org.code, date=day,
            document_ref=notice.number, amounts=Amounts(cost=net, vat=to_fen(net * ordered.vat_rate)),
            partner=vendor.code, item=ordered.sku, category=item.category, site=place.code,
            quantity=sum((m.quantity for m in moves), Decimal(0)),
        ))
    p.value(uow, w, organisation_id=org.id, items=_by_id(known), operations=operations, on=day,
            document_id=notice.id)
    c.insert_document(uow, notice, organisation_id=org.id, doc_date=day, actor=actor, partner_id=po.supplier,
                      site_id=po.site, source_id=po.id, key=key,
                      amount=sum((e.amounts.cost + e.amounts.vat for e in events), Decimal(0)))
    c.record(uow, notice.id, actor=actor, action="announce", detail={"eta": eta.isoformat(),
                                                                      "purchase_order": po.number})
    w.books.book(uow, organisation_id=org.id, events=events, document_id=notice.id, preparer=actor)
    return notice


# --- revise ------------------------------------------------------------------------------------


def revise_shipment(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, asn: str,
    lines: Sequence[NoticeLineIn | tuple[int, Decimal, date]], reason: str | None, actor: str,
    key: str | None = None,
) -> AdvanceShippingNotice:
    """A new promise (dates, lower quantities); what it no longer promises goes back to the supplier."""
    org = c.organisation(uow, organisation)
    stored = c.load(uow, AdvanceShippingNotice, organisation_id=org.id, number=asn)
    notice: AdvanceShippingNotice = stored.document
    if p.done_before(uow, notice.id, action="revise", key=key):
        return notice
    po: PurchaseOrder = c.load(uow, PurchaseOrder, document_id=notice.purchase_order).document
    when = c.now(uow)
    revised, _ = notice.revise(lines=_lines(lines), at=when, po=po, reason=reason)  # status, lines, received
    shipped, promised = _totals(notice.lines), _totals(revised.lines)
    for i, line in enumerate(revised.lines):
        if promised[line.po_line] > shipped.get(line.po_line, Decimal(0)):
            raise InvalidInput("asn.above_shipped", field=f"lines[{i}].quantity", value=line.po_line,
                               number=notice.number, shipped=str(shipped.get(line.po_line, Decimal(0))),
                               promised=str(promised[line.po_line]))
    cuts = {n: qty - promised.get(n, Decimal(0)) for n, qty in shipped.items() if qty > promised.get(n, Decimal(0))}
    if cuts:
        _send_back(uow, w, org=org, po=po, notice=notice, cuts=cuts, when=when, actor=actor)
    c.save(uow, stored, revised, actor=actor, action="revise", detail={
        "key": key, "revision": revised.revision, "reason": reason,
        "returned": {str(n): str(q) for n, q in sorted(cuts.items())}})
    return revised


def _send_back(
    uow: SqlUnitOfWork, w: c.Wiring, *, org: Organisation, po: PurchaseOrder, notice: AdvanceShippingNotice,
    cuts: dict[int, Decimal], when: datetime, actor: str,
) -> None:
    """What a revision no longer promises: in transit → @supplier, valued as a return of the shipment."""
    day = when.date()
    order = sorted(cuts)
    known = c.items(uow, [po.line(n).sku for n in order])
    place = c.site_by_id(uow, po.site)
    vendor = c.supplier_by_id(uow, po.supplier)
    consumed = _consumed(uow, notice, po, known)
    plans = [_take(consumed, n, c.base_quantity(known[po.line(n).sku], cuts[n], po.line(n).unit)) for n in order]
    pieces = [piece for plan in plans for piece in plan]
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{notice.id}:revise:{notice.revision + 1}", kind="purchase_return", occurred_at=when,
        document_ref=notice.number,
        lines=tuple(MoveLine(sku=po.line(piece.po_line).sku, quantity=piece.quantity, from_site=place.code,
                             to_site="@supplier", from_state=IN_TRANSIT) for piece in pieces),
    ))
    groups = p.per_command(posting.movements, [(piece.item_id, piece.quantity) for piece in pieces])
    c.link_movements(uow, notice.id, ((piece.po_line, m, REVERSE) for piece, group in zip(pieces, groups, strict=True)
                                      for m in group))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for piece, group in zip(pieces, groups, strict=True):
        original = w.books.valuation(uow, piece.movement_id)
        assert original is not None, "a notice's goods in transit were valued when it was announced"
        before = piece.before
        for m in group:
            operations[m.item_id].append(Operation(movement_id=m.id, kind="return_out", quantity=m.quantity,
                                                   original=original, returned_before=before))
            before += m.quantity
    valued = p.value(uow, w, organisation_id=org.id, items=_by_id(known), operations=operations, on=day,
                     document_id=notice.id)
    events: list[ValuedEvent] = []
    start = 0
    for n, plan in zip(order, plans, strict=True):
        ordered = po.line(n)
        ids = [m.id for group in groups[start:start + len(plan)] for m in group]
        start += len(plan)
        cost = sum((valued[i].amount for i in ids), Decimal(0))
        credit = sum((valued[i].amount + valued[i].expensed for i in ids), Decimal(0))  # the supplier's credit
        base = ValuedEvent(kind="purchase_return", variant="in_transit", organisation=org.code, date=day,
                           document_ref=notice.number, amounts=Amounts(cost=min(cost, credit),
                                                                       vat=to_fen(credit * ordered.vat_rate)),
                           partner=vendor.code, item=ordered.sku, category=known[ordered.sku].category,
                           site=place.code, quantity=sum((piece.quantity for piece in plan), Decimal(0)))
        events.append(base)
        # Goods in transit clear at the value the shipment brought in; a book cost that differs
        # (a moving average pool worth less, a FIFO layer already partly issued) settles in 1405.
        if credit > cost:
            events.append(ValuedEvent(kind="transit_arrival", organisation=org.code, date=day,
                                      document_ref=notice.number, amounts=Amounts(cost=credit - cost),
                                      item=ordered.sku, category=known[ordered.sku].category, site=place.code))
        elif cost > credit:
            events.append(ValuedEvent(kind="purchase_return", organisation=org.code, date=day,
                                      document_ref=notice.number, amounts=Amounts(cost=cost - credit),
                                      partner=vendor.code, item=ordered.sku, category=known[ordered.sku].category,
                                      site=place.code))
    p.book_each(uow, w, organisation_id=org.id, events=events, document_id=notice.id, preparer=actor)


# --- receive against a notice -------------------------------------------------------------------


def receive_against_notice(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, asn: str, lines: Sequence[purchasing.ReceiveLineIn],
    actor: str, received_on: date | None = None, key: str | None = None,
) -> GoodsReceipt:
    """Receive goods announced by a notice (its order's receipt, made against the notice)."""
    if (found := c.find_by_key(uow, GoodsReceipt, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    notice: AdvanceShippingNotice = c.load(uow, AdvanceShippingNotice, organisation_id=org.id, number=asn).document
    po: PurchaseOrder = c.load(uow, PurchaseOrder, document_id=notice.purchase_order).document
    return purchasing.receive(uow, w, organisation=organisation, purchase_order=po.number, lines=lines, actor=actor,
                              received_on=received_on, key=key, asn=asn)


def load_for_receipt(uow: SqlUnitOfWork, *, organisation_id: UUID, number: str, po: PurchaseOrder) -> c.Stored:
    """The notice a receipt of ``po`` is made against (``asn.wrong_order`` when it is another order's)."""
    stored = c.load(uow, AdvanceShippingNotice, organisation_id=organisation_id, number=number)
    if stored.document.purchase_order != po.id:
        raise InvalidInput("asn.wrong_order", field="asn", value=number, number=po.number)
    stored.document.require_open()
    return stored


def arrive(
    uow: SqlUnitOfWork, *, w: c.Wiring, org: Organisation, stored: c.Stored, po: PurchaseOrder,
    receipt: GoodsReceipt, known: dict[str, Item], actor: str,
) -> list[ValuedEvent]:
    """Post a receipt made against a notice: in transit → its target state, out of the notice's own
    movements; record it on the notice; the ``transit_arrival`` events at the value that arrived."""
    notice: AdvanceShippingNotice = stored.document
    notice.require_open()
    remaining = _in_transit(notice)
    taking: dict[int, Decimal] = defaultdict(Decimal)
    for i, line in enumerate(receipt.lines):
        taking[line.po_line] += line.quantity
        if taking[line.po_line] > remaining.get(line.po_line, Decimal(0)):
            raise InvalidInput("asn.exceeds_in_transit", field=f"lines[{i}].quantity", value=line.po_line,
                               number=notice.number, in_transit=str(remaining.get(line.po_line, Decimal(0))),
                               requested=str(taking[line.po_line]))
    when = c.now(uow)
    recorded, _ = notice.record_receipt(receipt, at=when)
    consumed = _consumed(uow, notice, po, known)
    plans = [_take(consumed, line.po_line, c.base_quantity(known[line.sku], line.quantity, line.unit))
             for line in receipt.lines]
    place = c.site_by_id(uow, receipt.site)
    pieces = [(line, piece) for line, plan in zip(receipt.lines, plans, strict=True) for piece in plan]
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{receipt.id}:post", kind="receipt", occurred_at=when, document_ref=receipt.number,
        lines=tuple(MoveLine(sku=line.sku, quantity=piece.quantity, from_site=place.code, to_site=place.code,
                             from_state=IN_TRANSIT, to_state=line.target.value, lot=line.lot)
                    for line, piece in pieces),
    ))
    by_line = c.by_line(posting.movements, [
        (line.line_no, known[line.sku].id, c.base_quantity(known[line.sku], line.quantity, line.unit))
        for line in receipt.lines])
    c.link_movements(uow, receipt.id, ((n, m, "post") for n, ms in by_line.items() for m in ms))
    events = []
    for line, plan in zip(receipt.lines, plans, strict=True):
        value = Decimal(0)
        for piece in plan:
            shipped = w.books.valuation(uow, piece.movement_id)
            assert shipped is not None, "a notice's goods in transit were valued when it was announced"
            value += p.value_slice(shipped.amount, shipped.quantity, piece.before, piece.quantity)
        events.append(ValuedEvent(
            kind="transit_arrival", organisation=org.code, date=receipt.received_on, document_ref=receipt.number,
            amounts=Amounts(cost=value), item=line.sku, category=known[line.sku].category, site=place.code,
            quantity=sum((piece.quantity for piece in plan), Decimal(0)),
        ))
    c.save(uow, stored, recorded, actor=actor, action="received", detail={"receipt": receipt.number})
    return events


def return_originals(
    uow: SqlUnitOfWork, receipt: GoodsReceipt, known: dict[str, Item],
) -> tuple[dict[int, UUID], defaultdict[UUID, Decimal]]:
    """For a purchase return of a receipt made against a notice: the valuation each receipt line
    returns against (the notice's shipment of its order line) and what earlier returns of that
    shipment — revisions and purchase returns of all its receipts — already took (base units)."""
    assert receipt.asn is not None
    notice: AdvanceShippingNotice = c.load(uow, AdvanceShippingNotice, document_id=receipt.asn).document
    po: PurchaseOrder = c.load(uow, PurchaseOrder, document_id=notice.purchase_order).document
    rows = _shipped(uow, notice.id)
    originals = {line.line_no: rows[line.po_line][0].movement_id for line in receipt.lines}
    taken: defaultdict[UUID, Decimal] = defaultdict(Decimal)
    promised = _totals(notice.lines)
    for po_line, group in rows.items():
        item = _item(uow, known, po.line(po_line).sku)
        posted = sum((row.quantity for row in group), Decimal(0))
        taken[group[0].movement_id] += posted - c.base_quantity(item, promised.get(po_line, Decimal(0)),
                                                                po.line(po_line).unit)
    receipts = [receipt if rid == receipt.id else c.load(uow, GoodsReceipt, document_id=rid).document
                for rid in notice.applied]
    for gr in receipts:
        for line in gr.lines:
            if line.returned and line.po_line in rows:
                taken[rows[line.po_line][0].movement_id] += c.base_quantity(
                    _item(uow, known, line.sku), line.returned, line.unit)
    return originals, taken


# --- reliability -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeOutcome:
    """How one promise of one notice turned out (``days_late`` < 0: early; None: not yet known)."""

    asn: str
    purchase_order: str
    po_line: int
    promised_date: date
    actual_date: date | None
    promised_qty: Decimal
    received_qty: Decimal
    days_late: int | None

    @property
    def complete(self) -> bool:
        return self.received_qty >= self.promised_qty


@dataclass(frozen=True)
class ReliabilityReport:
    """A supplier's delivery record over its notices' promises whose lateness is known.

    A promise counts once it is complete or overdue: ``on_time_rate`` is the share delivered in
    full by the promised day; ``mean_days_late`` and ``p90_days_late`` (nearest rank) are over the
    days late, early counting as 0; ``fill_rate`` is Σ min(received, promised) / Σ promised. All
    are ``None`` without a counted promise. Rates to four decimals, the mean to two.
    """

    supplier: str
    as_of: date
    since: date | None
    first_promise: bool
    notices: int
    counted: int
    on_time_rate: Decimal | None
    mean_days_late: Decimal | None
    p90_days_late: int | None
    fill_rate: Decimal | None
    outcomes: tuple[NoticeOutcome, ...]


def supplier_reliability(
    uow: SqlUnitOfWork, *, supplier: str, since: date | None = None, as_of: date | None = None,
    first_promise: bool = False, sites: Collection[UUID] | None = None,
) -> ReliabilityReport:
    """On-time rate, days late and fill rate of a supplier, from all its notices and their receipts.

    ``since`` keeps notices dated from that day; ``first_promise`` measures against each notice's
    original promise instead of its latest revision; ``sites`` (ids) limits to notices for those sites.
    """
    vendor = catalog.get_supplier(uow, supplier)
    today = as_of or c.today(uow)
    d = t.doc_documents
    query = (select(d.c.body).where(d.c.doc_type == DocumentType.ADVANCE_SHIPPING_NOTICE.value,
                                    d.c.partner_id == vendor.id, d.c.status != DocumentStatus.CANCELLED.value)
             .order_by(d.c.doc_date, d.c.number))
    if since is not None:
        query = query.where(d.c.doc_date >= since)
    if sites is not None:
        query = query.where(d.c.site_id.in_(list(sites)))
    notices = [decode(AdvanceShippingNotice, row.body) for row in uow.connection.execute(query)]
    receipts = _bodies(uow, GoodsReceipt, {rid for notice in notices for rid in notice.applied})
    orders = _numbers(uow, {notice.purchase_order for notice in notices})
    outcomes: list[NoticeOutcome] = []
    for notice in notices:
        promises = notice.promises(0) if first_promise else notice.promises()
        deliveries = [delivery for rid in notice.applied if rid in receipts for delivery in receipts[rid].deliveries()]
        outcomes.extend(_outcome(notice.number, orders.get(notice.purchase_order, ""), o)
                        for o in promise_outcomes(promises, deliveries, as_of=today))
    counted = [o for o in outcomes if o.days_late is not None]
    late = sorted(max(o.days_late, 0) for o in counted if o.days_late is not None)
    promised = sum((o.promised_qty for o in counted), Decimal(0))
    filled = sum((min(o.received_qty, o.promised_qty) for o in counted), Decimal(0))
    return ReliabilityReport(
        supplier=vendor.code, as_of=today, since=since, first_promise=first_promise, notices=len(notices),
        counted=len(counted),
        on_time_rate=_ratio(sum(1 for x in late if x == 0), len(late)),
        mean_days_late=(Decimal(sum(late)) / len(late)).quantize(DAYS, rounding=ROUND_HALF_UP) if late else None,
        p90_days_late=late[math.ceil(Decimal("0.9") * len(late)) - 1] if late else None,
        fill_rate=_ratio(filled, promised) if counted else None,
        outcomes=tuple(outcomes),
    )


def _outcome(asn: str, po: str, o: PromiseOutcome) -> NoticeOutcome:
    return NoticeOutcome(asn=asn, purchase_order=po, po_line=o.po_line, promised_date=o.promised_date,
                         actual_date=o.actual_date, promised_qty=o.promised_qty, received_qty=o.received_qty,
                         days_late=o.days_late)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP)


# --- internals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """Part of an arrival or a reversal, taken out of one of the notice's in-transit movements."""

    po_line: int
    movement_id: UUID  # the notice's in-transit movement (its valuation is the shipment's value)
    item_id: UUID
    quantity: Decimal  # base unit
    before: Decimal  # of that movement, taken by earlier arrivals and reversals


def _aware(eta: datetime) -> datetime:
    try:
        return require_aware(eta, field="eta")
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 has no UTC time
        raise InvalidInput("field.invalid", field="eta", value=str(eta), reason="out of range") from None


def _lines(lines: Iterable[NoticeLineIn | tuple[int, Decimal, date]]) -> tuple[AsnLine, ...]:
    result = []
    for i, line in enumerate(lines):
        po_line, quantity, promised_date = line
        with for_line(i):
            result.append(AsnLine(line_no=i + 1, po_line=po_line, quantity=quantity, promised_date=promised_date))
    if not result:
        raise InvalidInput("field.required", field="lines")
    return tuple(result)


def _totals(lines: Iterable[AsnLine]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.po_line] += line.quantity
    return dict(totals)


def _in_transit(notice: AdvanceShippingNotice) -> dict[int, Decimal]:
    """What is still in transit per order line (order units): the current promise minus what arrived."""
    got = dict(notice.received)
    return {n: qty - got.get(n, Decimal(0)) for n, qty in _totals(notice.lines).items()}


def _refuse_tracked(po: PurchaseOrder, lines: Sequence[AsnLine], known: dict[str, Item]) -> None:
    for i, line in enumerate(lines):
        sku = po.line(line.po_line).sku
        if known[sku].tracking is not TrackingMode.NONE:
            raise InvalidInput("asn.tracked_item", field=f"lines[{i}].po_line", value=sku,
                               tracking=known[sku].tracking.value)


def _check_order(uow: SqlUnitOfWork, w: c.Wiring, po: PurchaseOrder, lines: Sequence[AsnLine]) -> None:
    """A notice announces at most what the order still expects beyond the other open notices."""
    elsewhere: dict[int, Decimal] = defaultdict(Decimal)
    d = t.doc_documents
    rows = uow.connection.execute(select(d.c.body).where(
        d.c.doc_type == DocumentType.ADVANCE_SHIPPING_NOTICE.value, d.c.source_id == po.id, d.c.status.in_(_OPEN)))
    for row in rows:
        for n, qty in _in_transit(decode(AdvanceShippingNotice, row.body)).items():
            elsewhere[n] += qty
    announcing: dict[int, Decimal] = defaultdict(Decimal)
    for i, line in enumerate(lines):
        ordered = po.line(line.po_line)
        announcing[line.po_line] += line.quantity
        expected = ordered.quantity * (1 + w.receipt_tolerance_pct / HUNDRED) - ordered.received
        if announcing[line.po_line] + elsewhere[line.po_line] > expected:
            raise InvalidInput("asn.exceeds_order", field=f"lines[{i}].quantity", value=line.po_line,
                               number=po.number, ordered=str(ordered.quantity), received=str(ordered.received),
                               in_transit=str(elsewhere[line.po_line]), requested=str(announcing[line.po_line]))


def _shipped(uow: SqlUnitOfWork, notice_id: UUID) -> dict[int, list[Any]]:
    """The notice's in-transit movements by order line, in posting order."""
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in c.movements_of(uow, notice_id, role=IN_TRANSIT):
        rows[row.line_no].append(row)
    return dict(rows)


class _Consumed:
    """How far arrivals and reversals have consumed each of a notice's in-transit movements."""

    def __init__(self, rows: dict[int, list[Any]], used: dict[int, Decimal]) -> None:
        self.rows = rows
        self.used: dict[UUID, Decimal] = {}
        for po_line, group in rows.items():
            left = used.get(po_line, Decimal(0))
            for row in group:
                self.used[row.movement_id] = min(left, row.quantity)
                left -= self.used[row.movement_id]


def _consumed(
    uow: SqlUnitOfWork, notice: AdvanceShippingNotice, po: PurchaseOrder, known: dict[str, Item],
) -> _Consumed:
    """Consumed so far = posted − still in transit (base units), first posted first."""
    rows = _shipped(uow, notice.id)
    remaining = _in_transit(notice)
    used = {}
    for po_line, group in rows.items():
        ordered = po.line(po_line)
        item = _item(uow, known, ordered.sku)
        posted = sum((row.quantity for row in group), Decimal(0))
        used[po_line] = posted - c.base_quantity(item, remaining.get(po_line, Decimal(0)), ordered.unit)
    return _Consumed(rows, used)


def _take(consumed: _Consumed, po_line: int, quantity: Decimal) -> list[_Piece]:
    """``quantity`` (base) of an order line out of the notice's movements, first posted first."""
    pieces, need = [], quantity
    for row in consumed.rows.get(po_line, []):
        if need <= 0:
            break
        before = consumed.used[row.movement_id]
        take = min(row.quantity - before, need)
        if take <= 0:
            continue
        pieces.append(_Piece(po_line=po_line, movement_id=row.movement_id, item_id=row.item_id, quantity=take,
                             before=before))
        consumed.used[row.movement_id] = before + take
        need -= take
    if need > 0:  # the callers check the notice's own counters first
        raise AssertionError(f"the notice has {quantity - need} of order line {po_line} in transit, not {quantity}")
    return pieces


def _item(uow: SqlUnitOfWork, known: dict[str, Item], sku: str) -> Item:
    return known.get(sku) or c.items(uow, [sku])[sku]


def _by_id(known: dict[str, Item]) -> dict[UUID, Item]:
    return {item.id: item for item in known.values()}


def _bodies(uow: SqlUnitOfWork, cls: type[Any], ids: Collection[UUID]) -> dict[UUID, Any]:
    if not ids:
        return {}
    d = t.doc_documents
    rows = uow.connection.execute(select(d.c.id, d.c.body).where(d.c.id.in_(list(ids)),
                                                                d.c.doc_type == cls.doc_type.value))
    return {row.id: decode(cls, row.body) for row in rows}


def _numbers(uow: SqlUnitOfWork, ids: Collection[UUID]) -> dict[UUID, str]:
    if not ids:
        return {}
    d = t.doc_documents
    return {row.id: row.number for row in uow.connection.execute(select(d.c.id, d.c.number)
                                                                 .where(d.c.id.in_(list(ids))))}


__all__ = ["NoticeLineIn", "NoticeOutcome", "ReliabilityReport", "announce_shipment", "receive_against_notice",
           "revise_shipment", "supplier_reliability"]
