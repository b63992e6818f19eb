"""Sales use cases: sales order (B2B, till, online), shipment, sales return.

An approved order reserves its lines' stock at its site (FEFO/FIFO, see :func:`on_approved`); a
shipment ships those reservations first and the rest from what is available, posting stock to
``@customer`` (the ledger picks lots FEFO/FIFO when none is named),
values each movement by the item's costing method, and books revenue, output VAT and cost of
sales in one voucher. A return comes back into ``returned_pending`` at the original issue cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from jxc.accounting.services import Operation
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import (
    Channel,
    DocumentType,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
    to_fen,
)
from jxc.documents.services import common as c
from jxc.documents.services.common import lot_key as _lot
from jxc.documents.services.purchasing import _value
from jxc.inventory.commands import MoveLine, MovementRecord, PostStock
from jxc.inventory.model import Reservation, ReservationStatus
from jxc.inventory.reservations import Reservations, Reserve
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id


@dataclass(frozen=True)
class SalesLineIn:
    sku: str
    quantity: Decimal
    unit_price: Decimal
    unit: str | None = None
    vat_rate: Decimal = Decimal("0.13")
    discount: Decimal = Decimal(0)


@dataclass(frozen=True)
class ShipLineIn:
    so_line: int
    quantity: Decimal


@dataclass(frozen=True)
class SalesReturnLineIn:
    shipment_line: int
    quantity: Decimal
    reason: str | None = None


def create_sales_order(
    uow: SqlUnitOfWork, *, organisation: str, site: str, lines: Sequence[SalesLineIn], actor: str,
    channel: str = "b2b", customer: str | None = None, key: str | None = None,
) -> SalesOrder:
    """A draft sales order from a B2B customer, a till or an online shop."""
    if (found := c.find_by_key(uow, SalesOrder, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    place = c.site(uow, site)
    if place.organisation_id != org.id:
        raise InvalidInput("document.site_not_in_organisation", field="site", value=site, org=organisation)
    buyer = c.customer(uow, customer) if customer else None
    try:
        sales_channel = Channel(channel)
    except ValueError:
        raise InvalidInput("field.invalid", field="channel", value=channel,
                           reason=" | ".join(ch.value for ch in Channel)) from None
    known = c.items(uow, [line.sku for line in lines])
    order_lines = tuple(
        SalesOrderLine(line_no=i, sku=line.sku, quantity=line.quantity, unit=line.unit or known[line.sku].base_unit,
                       unit_price=line.unit_price, vat_rate=line.vat_rate, discount=line.discount)
        for i, line in enumerate(lines, start=1)
    )
    today = c.today(uow)
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.SALES_ORDER, year=today.year)
    so = SalesOrder(id=new_id(), number=number, lines=order_lines, organisation=org.id, channel=sales_channel,
                    site=place.id, customer=buyer.id if buyer else None)
    c.insert_document(uow, so, organisation_id=org.id, doc_date=today, actor=actor,
                      partner_id=buyer.id if buyer else None, site_id=place.id, amount=so.amounts.gross, key=key)
    return so


def on_approved(uow: SqlUnitOfWork, w: c.Wiring, stored: c.Stored, *, actor: str) -> c.Stored:
    """An approved order reserves each line's quantity at its site (FEFO/FIFO: the ledger picks lots).

    Approval never fails for want of stock: a line reserves what is available now (unexpired, outside
    projects) and the shortfall is recorded in the order's history; shipping takes the reserved part
    first and the rest from whatever is available then. Reservations live ``w.reservation_ttl``.
    """
    so: SalesOrder = stored.document
    if so.reservations:
        return stored
    reservations = Reservations(w.ledger)
    place = c.site_by_id(uow, so.site)
    known = c.items(uow, sorted({line.sku for line in so.lines}))
    made: list[tuple[int, UUID]] = []
    detail: dict[str, dict[str, str]] = {"reservations": {}, "short": {}}
    for line in so.lines:
        item = known[line.sku]
        wanted = c.base_quantity(item, line.outstanding, line.unit)
        free = reservations.reservable(uow, item_id=item.id, site_id=so.site)
        take = min(wanted, max(free, Decimal(0)))
        if take > 0:
            reservation = reservations.reserve_in(uow, Reserve(
                idempotency_key=f"doc:{so.id}:reserve:{line.line_no}", sku=line.sku, quantity=take,
                site=place.code, ttl=w.reservation_ttl, reference=so.number))
            made.append((line.line_no, reservation.id))
            detail["reservations"][str(line.line_no)] = str(reservation.id)
        if take < wanted:
            detail["short"][str(line.line_no)] = format(wanted - take, "f")
    if not made and not detail["short"]:
        return stored
    return c.save(uow, stored, so.with_reservations(made), actor=actor, action="reserved", detail=detail)


def cancel_sales_order(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, number: str, reason: str, actor: str,
) -> SalesOrder:
    """Cancel an order nothing was shipped from; what it still holds in reservation becomes available."""
    org = c.organisation(uow, organisation)
    stored = c.load(uow, SalesOrder, organisation_id=org.id, number=number)
    so: SalesOrder = stored.document
    cancelled, _ = so.cancel(at=c.now(uow), reason=reason)
    released = _release(uow, w, so, step="cancel")
    c.save(uow, stored, cancelled, actor=actor, action="cancel", detail={"reason": reason, "released": released})
    return cancelled


def close_sales_order(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, number: str, reason: str, actor: str,
) -> SalesOrder:
    """Short-close a partially shipped order: the rest will not ship, so its reservations are released."""
    org = c.organisation(uow, organisation)
    stored = c.load(uow, SalesOrder, organisation_id=org.id, number=number)
    so: SalesOrder = stored.document
    closed, _ = so.close(at=c.now(uow), reason=reason)
    released = _release(uow, w, so, step="close")
    c.save(uow, stored, closed, actor=actor, action="close", detail={"reason": reason, "released": released})
    return closed


def _release(uow: SqlUnitOfWork, w: c.Wiring, so: SalesOrder, *, step: str) -> dict[str, str]:
    """Release whatever the order's reservations still hold; the quantities released, by reservation."""
    reservations = Reservations(w.ledger)
    released: dict[str, str] = {}
    for _line_no, reservation_id in so.reservations:
        held = reservations.get(uow, reservation_id)
        if held.status is not ReservationStatus.OPEN or held.remaining <= 0:
            continue
        reservations.release_in(uow, reservation_id=reservation_id, idempotency_key=f"doc:{so.id}:{step}:{held.id}",
                                document_ref=so.number)
        released[str(reservation_id)] = format(held.remaining, "f")
    return released


def ship(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, sales_order: str, lines: Sequence[ShipLineIn], actor: str,
    shipped_on: date | None = None, key: str | None = None,
) -> Shipment:
    """Ship against an approved sales order: stock out, valued at cost, revenue and cost booked."""
    if (found := c.find_by_key(uow, Shipment, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    stored = c.load(uow, SalesOrder, organisation_id=org.id, number=sales_order)
    so: SalesOrder = stored.document
    when = c.now(uow)
    day = shipped_on or when.date()
    ship_lines = tuple(
        ShipmentLine(line_no=i, so_line=line.so_line, sku=so.line(line.so_line, field=f"lines[{i - 1}].so_line").sku,
                     quantity=line.quantity, unit=so.line(line.so_line).unit)
        for i, line in enumerate(lines, start=1)
    )
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.SHIPMENT, year=day.year)
    shipment = Shipment(id=new_id(), number=number, lines=ship_lines, organisation=org.id, site=so.site,
                        sales_order=so.id, shipped_on=day, customer=so.customer)
    so, _ = so.record_shipment(shipment, at=when)
    shipment = c.born_done(shipment, when)
    place = c.site_by_id(uow, so.site)
    buyer = c.customer_by_id(uow, so.customer) if so.customer else None
    known = c.items(uow, [line.sku for line in shipment.lines])
    # What the order reserved leaves first (reserved → @customer); the rest from what is available.
    by_line = _ship_reserved(uow, w, so, shipment, known)
    rest = [(line, c.base_quantity(known[line.sku], line.quantity, line.unit)
             - sum((m.quantity for m in by_line[line.line_no]), Decimal(0))) for line in shipment.lines]
    rest = [(line, quantity) for line, quantity in rest if quantity > 0]
    if rest:
        posting = c.post_stock(uow, w, PostStock(
            idempotency_key=f"doc:{shipment.id}:post", kind="sale", occurred_at=when, document_ref=shipment.number,
            lines=tuple(MoveLine(sku=line.sku, quantity=quantity, from_site=place.code, to_site="@customer")
                        for line, quantity in rest),
        ))
        free = c.by_line(posting.movements, [(line.line_no, known[line.sku].id, quantity) for line, quantity in rest])
        for line_no, moves in free.items():
            by_line[line_no].extend(moves)
    c.link_movements(uow, shipment.id, ((n, m, "post") for n, ms in by_line.items() for m in ms))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for line in shipment.lines:
        for move in by_line[line.line_no]:
            operations[move.item_id].append(Operation(movement_id=move.id, kind="issue", quantity=move.quantity,
                                                      lot=_lot(move.lot_id)))
    valuations = _value(uow, w, org.id, known, operations, day, shipment.id)
    events = []
    for line in shipment.lines:
        order_line = so.line(line.so_line)
        net = _pro_rata_net(order_line, line.quantity)
        cost = sum((valuations[m.id].amount for m in by_line[line.line_no]), Decimal(0))
        events.append(ValuedEvent(
            kind="sale_shipment", organisation=org.code, date=day, document_ref=shipment.number,
            amounts=Amounts(cost=cost, net=net, vat=to_fen(net * order_line.vat_rate)),
            partner=buyer.code if buyer else "POS", item=line.sku, category=known[line.sku].category,
            site=place.code, quantity=sum((m.quantity for m in by_line[line.line_no]), Decimal(0)),
        ))
    c.insert_document(uow, shipment, organisation_id=org.id, doc_date=day, actor=actor, partner_id=so.customer,
                      site_id=so.site, source_id=so.id,
                      amount=sum((e.amounts.net + e.amounts.vat for e in events), Decimal(0)), key=key)
    c.save(uow, stored, so, actor=actor, action="shipped", detail={"shipment": shipment.number})
    w.books.book(uow, organisation_id=org.id, events=events, document_id=shipment.id, preparer=actor)
    return shipment


def accept_return(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, shipment: str, lines: Sequence[SalesReturnLineIn],
    actor: str, key: str | None = None,
) -> SalesReturn:
    """A customer return (销售退货) into returned-pending inspection, at the original issue cost."""
    if (found := c.find_by_key(uow, SalesReturn, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    stored_shipment = c.load(uow, Shipment, organisation_id=org.id, number=shipment)
    sent: Shipment = stored_shipment.document
    stored_so = c.load(uow, SalesOrder, document_id=sent.sales_order)
    when = c.now(uow)
    day = when.date()
    return_lines = tuple(
        SalesReturnLine(line_no=i, shipment_line=line.shipment_line,
                        sku=sent.line(line.shipment_line, field=f"lines[{i - 1}].shipment_line").sku,
                        quantity=line.quantity, unit=sent.line(line.shipment_line).unit, reason=line.reason)
        for i, line in enumerate(lines, start=1)
    )
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.SALES_RETURN, year=day.year)
    ret = SalesReturn(id=new_id(), number=number, lines=return_lines, organisation=org.id, site=sent.site,
                      shipment=sent.id, customer=sent.customer)
    known = c.items(uow, sorted({line.sku for line in sent.lines}))
    shipped_moves = defaultdict(list)
    for row in c.movements_of(uow, sent.id, role="post"):
        shipped_moves[row.line_no].append(row)
    returned_before = {n: c.base_quantity(known[sent.line(n).sku], sent.line(n).returned, sent.line(n).unit)
                       for n in shipped_moves}
    sent = sent.record_return(ret)
    so, _ = stored_so.document.record_return(ret, sent, at=when)
    ret = c.born_done(ret, when)
    place = c.site_by_id(uow, sent.site)
    buyer = c.customer_by_id(uow, sent.customer) if sent.customer else None
    # Goods come back from the lots they left by, newest shipment movement first.
    move_lines: list[MoveLine] = []
    plan: list[tuple[int, UUID, Decimal, Decimal]] = []  # (return line, original movement, base qty, before)
    for line in ret.lines:
        item = known[line.sku]
        wanted = c.base_quantity(item, line.quantity, line.unit)
        before = returned_before[line.shipment_line]
        for row in shipped_moves[line.shipment_line]:
            room = row.quantity - min(before, row.quantity)
            before = max(Decimal(0), before - row.quantity)
            take = min(room, wanted)
            if take <= 0:
                continue
            lot = _lot_number(uow, w, row.lot_id)
            move_lines.append(MoveLine(sku=line.sku, quantity=take, from_site="@customer", to_site=place.code,
                                       to_state="returned_pending", lot=lot))
            plan.append((line.line_no, row.movement_id, take, row.quantity - room))
            wanted -= take
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{ret.id}:post", kind="return", occurred_at=when, document_ref=ret.number,
        lines=tuple(move_lines)))
    per_piece = c.by_line(posting.movements, [(i, known[ret.line(line_no).sku].id, take)
                                              for i, (line_no, _id, take, _before) in enumerate(plan)])
    piece_of = {m.id: i for i, moves in per_piece.items() for m in moves}
    moves = [m for i in range(len(plan)) for m in per_piece[i]]
    c.link_movements(uow, ret.id, ((plan[piece_of[m.id]][0], m, "post") for m in moves))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for move in moves:
        _line_no, original_id, _take, before_taken = plan[piece_of[move.id]]
        original = w.books.valuation(uow, original_id)
        assert original is not None
        operations[move.item_id].append(Operation(movement_id=move.id, kind="return_in", quantity=move.quantity,
                                                  original=original, returned_before=before_taken, at=when))
    valuations = _value(uow, w, org.id, known, operations, day, ret.id)
    events = []
    for line in ret.lines:
        order_line = so.line(sent.line(line.shipment_line).so_line)
        net = _pro_rata_net(order_line, line.quantity)
        cost = sum((valuations[m.id].amount for m in moves if plan[piece_of[m.id]][0] == line.line_no),
                   Decimal(0))
        events.append(ValuedEvent(
            kind="sales_return", organisation=org.code, date=day, document_ref=ret.number,
            amounts=Amounts(cost=cost, net=net, vat=to_fen(net * order_line.vat_rate)),
            partner=buyer.code if buyer else "POS", item=line.sku, category=known[line.sku].category,
            site=place.code, quantity=c.base_quantity(known[line.sku], line.quantity, line.unit),
        ))
    c.insert_document(uow, ret, organisation_id=org.id, doc_date=day, actor=actor, partner_id=sent.customer,
                      site_id=sent.site, source_id=sent.id, key=key)
    c.save(uow, stored_shipment, sent, actor=actor, action="returned", detail={"return": ret.number})
    c.save(uow, stored_so, so, actor=actor, action="returned", detail={"return": ret.number})
    w.books.book(uow, organisation_id=org.id, events=events, document_id=ret.id, preparer=actor)
    return ret


def _ship_reserved(
    uow: SqlUnitOfWork, w: c.Wiring, so: SalesOrder, shipment: Shipment, known: dict[str, Item],
) -> dict[int, list[MovementRecord]]:
    """Ship each shipment line from its order line's open reservations, as far as they reach (base units)."""
    reservations = Reservations(w.ledger)
    held: dict[UUID, Decimal] = {}
    read: dict[UUID, Reservation] = {}
    by_line: dict[int, list[MovementRecord]] = {line.line_no: [] for line in shipment.lines}
    for line in shipment.lines:
        wanted = c.base_quantity(known[line.sku], line.quantity, line.unit)
        for reservation_id in so.reservations_of(line.so_line):
            if wanted <= 0:
                break
            if reservation_id not in held:
                reservation = read[reservation_id] = reservations.get(uow, reservation_id)
                open_ = reservation.status is ReservationStatus.OPEN
                held[reservation_id] = reservation.remaining if open_ else Decimal(0)
            take = min(wanted, held[reservation_id])
            if take <= 0:
                continue
            read[reservation_id], posting = reservations.ship_in(
                uow, reservation_id=reservation_id, quantity=take, document_ref=shipment.number,
                idempotency_key=f"doc:{shipment.id}:ship:{line.line_no}:{reservation_id}",
                known=read[reservation_id])
            by_line[line.line_no].extend(sorted(posting.movements, key=lambda m: m.line_no))
            held[reservation_id] -= take
            wanted -= take
    return by_line


def _pro_rata_net(line: SalesOrderLine, quantity: Decimal) -> Decimal:
    """The net revenue of ``quantity`` of an order line (its discount shared pro rata)."""
    if quantity == line.quantity:
        return line.amounts.net
    return to_fen(line.amounts.net * quantity / line.quantity)


def _lot_number(uow: SqlUnitOfWork, w: c.Wiring, lot_id: UUID | None) -> str | None:
    if lot_id is None:
        return None
    return w.ledger.lot_number(uow, lot_id)


__all__ = [
    "SalesLineIn", "SalesReturnLineIn", "ShipLineIn", "accept_return", "cancel_sales_order", "close_sales_order",
    "create_sales_order", "on_approved", "ship",
]
