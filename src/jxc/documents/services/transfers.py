"""Transfer use cases (调拨): create, ship, receive, close the receipt with its shortages.

Within one organisation a transfer moves stock and nothing else: the valuation pool is the
organisation's (not the site's), so shipping and receiving change no value and book no voucher —
an internal transfer never produces revenue. Between organisations the goods change owner when
they leave: the sender issues them from its pool at cost and books an intercompany sale at the
transfer price; the receiver takes them into its pool at that price plus the freight it bears and
books an intercompany purchase into goods in transit (1402), moved to stock (1405) as they arrive.
The sender's receivable equals the receiver's payable for the same transfer.

Invariants kept here:
- the ledger carries each leg: available → in transit at the destination (``transfer_out``),
  in transit → available (``transfer_in``), in transit → ``@transit-loss`` for a shortage;
- goods are received (and lost) out of what *this* transfer shipped, lot by lot: a lot-tracked
  receipt without a lot takes the lots the transfer shipped, first shipped first;
- the receiver's goods-in-transit value for a transfer clears exactly: each arrival and each
  loss takes its slice of the value the shipment brought in, so what arrives plus what is lost is
  what was shipped, to the fen;
- a shortage is valued by an ``issue`` from the owner's pool (the receiver's when intercompany)
  and charged to whoever is responsible: the sender's organisation or the carrier (a claim,
  其他应收款), or the receiver itself (管理费用). Inside one organisation a "sender" cannot owe the
  organisation, so the loss is the organisation's own (管理费用) unless the carrier pays;
- a step repeated with the same key returns the transfer and writes nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from jxc.accounting.services import Operation
from jxc.accounting.vouchers import Amounts, ValuedEvent, transfer_price
from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import (
    DocumentType,
    Responsible,
    TransferLine,
    TransferOrder,
    TransferQuantity,
    TransferReceiptClosed,
    to_fen,
)
from jxc.documents.services import common as c
from jxc.documents.services import postings as p
from jxc.documents.services.common import lot_key
from jxc.inventory.commands import MoveLine, MovementRecord, PostStock
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import money, split_by_weights
from jxc.org.model import Organisation, Site

INTERCOMPANY_VAT = Decimal("0.13")
TRANSIT_LOSS_SITE = "@transit-loss"


@dataclass(frozen=True)
class TransferLineIn:
    sku: str
    quantity: Decimal
    unit: str | None = None
    lot: str | None = None  # a requested lot (same-lot transfers must then ship exactly it)


def create_transfer(
    uow: SqlUnitOfWork, *, from_site: str, to_site: str, lines: Sequence[TransferLineIn], actor: str,
    same_lot: bool = False, transfer_price_rule: str = "cost_plus", markup_pct: Decimal = Decimal("5"),
    key: str | None = None,
) -> TransferOrder:
    """A draft transfer order, numbered by the sending organisation (intercompany when the owners differ)."""
    if (found := c.find_by_key(uow, TransferOrder, key)) is not None:
        return found
    source = c.site(uow, from_site, field="from_site")
    target = c.site(uow, to_site, field="to_site")
    sender = c.owning_organisation(uow, source, field="from_site")
    receiver = c.owning_organisation(uow, target, field="to_site")
    known = c.items(uow, [line.sku for line in lines])
    order_lines = []
    for i, line in enumerate(lines, start=1):
        item = known[line.sku]
        c.base_quantity(item, line.quantity, line.unit)  # refuses a unit the item does not know
        order_lines.append(TransferLine(line_no=i, sku=line.sku, quantity=line.quantity,
                                        unit=line.unit or item.base_unit, lot=line.lot))
    today = c.today(uow)
    number = c.next_number(uow, organisation_id=sender.id, doc_type=DocumentType.TRANSFER_ORDER, year=today.year)
    order = TransferOrder(id=new_id(), number=number, lines=tuple(order_lines), from_org=sender.id,
                          from_site=source.id, to_org=receiver.id, to_site=target.id, same_lot=same_lot,
                          price_rule=transfer_price_rule, markup_pct=markup_pct)
    c.insert_document(uow, order, organisation_id=sender.id, doc_date=today, actor=actor, site_id=source.id,
                      to_site_id=target.id, partner_id=receiver.id if order.is_intercompany else None, key=key)
    return order


def ship_transfer(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, transfer: str, lines: Sequence[TransferQuantity],
    actor: str, freight: Decimal = Decimal(0), carrier: str | None = None, vat_rate: Decimal = INTERCOMPANY_VAT,
    eta: datetime | None = None, key: str | None = None,
) -> TransferOrder:
    """Ship an approved transfer: available → in transit; intercompany, sold by the sender, bought by the receiver.

    ``organisation`` is the sender's (the transfer's number is the sender's). ``freight`` is borne by
    the receiver of an intercompany transfer and capitalised into the goods, payable to ``carrier``
    (a supplier code; without one, to the sender, who then re-charges it).
    """
    stored, order = _load(uow, organisation, transfer)
    if p.done_before(uow, order.id, action="ship", key=key):
        return order
    when = c.now(uow)
    day = when.date()
    shipped, _ = order.ship(lines, at=when)  # quantities, status and same-lot checks first
    freight = money(freight, field="freight")
    if freight < 0:
        raise InvalidInput("money.negative", field="freight", value=str(freight))
    if freight and not order.is_intercompany:
        raise InvalidInput("transfer.freight_internal", field="freight", value=str(freight), number=order.number)
    sender, receiver = c.organisation_by_id(uow, order.from_org), c.organisation_by_id(uow, order.to_org)
    carrier_code = catalog.get_supplier(uow, carrier).code if carrier else None
    if order.is_intercompany:
        for party in (sender, receiver):
            w.books.check_open(uow, organisation_id=party.id, org_code=party.code, on=day)
    source, target = c.site_by_id(uow, order.from_site), c.site_by_id(uow, order.to_site)
    known = c.items(uow, sorted({order.line(line.line_no).sku for line in lines}))
    if order.is_intercompany and order.price_rule == "list":
        for i, line in enumerate(lines):
            _list_price(known[order.line(line.line_no).sku], field=f"lines[{i}].line_no")
    moves, bases = [], []
    for line in lines:
        ordered = order.line(line.line_no)
        item = known[ordered.sku]
        moves.append(MoveLine(sku=ordered.sku, quantity=line.quantity, unit=ordered.unit, from_site=source.code,
                              to_site=target.code, from_state="available", to_state="in_transit",
                              lot=line.lot or ordered.lot, eta=eta))
        bases.append((item.id, c.base_quantity(item, line.quantity, ordered.unit)))
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{order.id}:ship:{key or new_id()}", kind="transfer_out", occurred_at=when,
        document_ref=order.number, lines=tuple(moves)))
    groups = p.per_command(posting.movements, bases)
    c.link_movements(uow, order.id, ((line.line_no, m, "ship") for line, group in zip(lines, groups, strict=True)
                                     for m in group))
    c.save(uow, stored, shipped, actor=actor, action="ship",
           detail={"key": key, "freight": str(freight), "carrier": carrier_code})
    if order.is_intercompany:
        _sell_and_buy(uow, w, order, lines, groups, known, sender=sender, receiver=receiver, source=source,
                      target=target, freight=freight, carrier=carrier_code, vat_rate=vat_rate, day=day, when=when,
                      actor=actor)
    return shipped


def receive_transfer(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, transfer: str, lines: Sequence[TransferQuantity],
    actor: str, key: str | None = None,
) -> TransferOrder:
    """Receive at the destination: in transit → available, out of the lots this transfer shipped."""
    stored, order = _load(uow, organisation, transfer)
    if p.done_before(uow, order.id, action="receive", key=key):
        return order
    when = c.now(uow)
    day = when.date()
    received, _ = order.receive(lines, at=when)  # in-transit and same-lot checks first
    receiver = c.organisation_by_id(uow, order.to_org)
    if order.is_intercompany:
        w.books.check_open(uow, organisation_id=receiver.id, org_code=receiver.code, on=day)
    target = c.site_by_id(uow, order.to_site)
    known = c.items(uow, sorted({order.line(line.line_no).sku for line in lines}))
    wanted = [(line.line_no, c.base_quantity(known[order.line(line.line_no).sku], line.quantity,
                                             order.line(line.line_no).unit), line.lot) for line in lines]
    plans = _plan(uow, w, order, wanted)
    pieces = [piece for plan in plans for piece in plan]
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{order.id}:receive:{key or new_id()}", kind="transfer_in", occurred_at=when,
        document_ref=order.number,
        lines=tuple(MoveLine(sku=order.line(piece.line_no).sku, quantity=piece.quantity, from_site=target.code,
                             to_site=target.code, from_state="in_transit", to_state="available", lot=piece.lot_no)
                    for piece in pieces)))
    groups = p.per_command(posting.movements, [(piece.item_id, piece.quantity) for piece in pieces])
    c.link_movements(uow, order.id, ((piece.line_no, m, "receive") for piece, group in zip(pieces, groups, strict=True)
                                     for m in group))
    c.save(uow, stored, received, actor=actor, action="receive", detail={"key": key})
    if order.is_intercompany:
        values = _in_transit_values(uow, w, pieces)
        events = []
        start = 0
        for line, plan in zip(lines, plans, strict=True):
            sku = order.line(line.line_no).sku
            events.append(ValuedEvent(
                kind="transit_arrival", organisation=receiver.code, date=day, document_ref=order.number,
                amounts=Amounts(cost=sum(values[start:start + len(plan)], Decimal(0))), item=sku,
                category=known[sku].category, site=target.code, quantity=sum((x.quantity for x in plan), Decimal(0)),
            ))
            start += len(plan)
        p.book_each(uow, w, organisation_id=receiver.id, events=events, document_id=order.id, preparer=actor)
    return received


def close_transfer_receipt(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, transfer: str,
    responsible: Mapping[int, Responsible | str], reason: str, actor: str, carrier: str | None = None,
    key: str | None = None,
) -> TransferOrder:
    """End the transfer: what is still in transit is lost (→ ``@transit-loss``), valued and charged.

    ``responsible`` names, per line with a shortage, who bears it: ``sender``, ``carrier`` (then
    ``carrier`` is the carrier's supplier code) or ``receiver``.
    """
    stored, order = _load(uow, organisation, transfer)
    if p.done_before(uow, order.id, action="close", key=key):
        return order
    when = c.now(uow)
    day = when.date()
    parties = {}
    for line_no, party in responsible.items():
        try:
            parties[int(line_no)] = Responsible(party)
        except ValueError:
            raise InvalidInput("field.invalid", field=f"responsible.{line_no}", value=str(party),
                               reason=" | ".join(r.value for r in Responsible)) from None
    closed, events = order.close_receipt(at=when, reason=reason, responsible=parties)
    shortages = next(e.shortages for e in events if isinstance(e, TransferReceiptClosed))
    carrier_code = None
    if any(s.responsible is Responsible.CARRIER for s in shortages):
        if carrier is None:
            raise InvalidInput("field.required", field="carrier")
        carrier_code = catalog.get_supplier(uow, carrier).code
    owner = c.organisation_by_id(uow, order.to_org)  # the goods in transit are the receiver's
    sender = c.organisation_by_id(uow, order.from_org)
    if shortages:
        w.books.check_open(uow, organisation_id=owner.id, org_code=owner.code, on=day)
    detail = {"key": key, "reason": reason,
              "shortages": [{"line": s.line_no, "quantity": str(s.quantity), "responsible": s.responsible.value}
                            for s in shortages]}
    if not shortages:
        c.save(uow, stored, closed, actor=actor, action="close", detail=detail)
        return closed
    source, target = c.site_by_id(uow, order.from_site), c.site_by_id(uow, order.to_site)
    known = c.items(uow, sorted({s.sku for s in shortages}))
    plans = _plan(uow, w, order, [(s.line_no, c.base_quantity(known[s.sku], s.quantity, order.line(s.line_no).unit),
                                   None) for s in shortages])
    pieces = [piece for plan in plans for piece in plan]
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{order.id}:loss:{key or new_id()}", kind="transit_loss", occurred_at=when,
        document_ref=order.number,
        lines=tuple(MoveLine(sku=order.line(piece.line_no).sku, quantity=piece.quantity, from_site=target.code,
                             to_site=TRANSIT_LOSS_SITE, from_state="in_transit", lot=piece.lot_no)
                    for piece in pieces)))
    groups = p.per_command(posting.movements, [(piece.item_id, piece.quantity) for piece in pieces])
    c.link_movements(uow, order.id, ((piece.line_no, m, "loss") for piece, group in zip(pieces, groups, strict=True)
                                     for m in group))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for group in groups:
        for m in group:
            operations[m.item_id].append(Operation(movement_id=m.id, kind="issue", quantity=m.quantity,
                                                   lot=lot_key(m.lot_id)))
    issued = p.value(uow, w, organisation_id=owner.id, items={item.id: item for item in known.values()},
                     operations=operations, on=day, document_id=order.id)
    in_transit = _in_transit_values(uow, w, pieces) if order.is_intercompany else None
    loss_events: list[ValuedEvent] = []
    start = 0
    for shortage, plan in zip(shortages, plans, strict=True):
        span = range(start, start + len(plan))
        start += len(plan)
        base = ValuedEvent(kind="transit_loss", organisation=owner.code, date=day, document_ref=order.number,
                           amounts=Amounts(), item=shortage.sku, category=known[shortage.sku].category,
                           quantity=sum((piece.quantity for piece in plan), Decimal(0)))
        loss_events.extend(_loss_events(
            order, shortage.responsible, base,
            cost=sum((issued[m.id].amount for i in span for m in groups[i]), Decimal(0)),
            in_transit=None if in_transit is None else sum((in_transit[i] for i in span), Decimal(0)),
            sender=sender, carrier=carrier_code, source=source, target=target))
    c.save(uow, stored, closed, actor=actor, action="close", detail=detail)
    p.book_each(uow, w, organisation_id=owner.id, events=loss_events, document_id=order.id, preparer=actor)
    return closed


# --- internals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """Part of a receipt or loss taken out of one movement the transfer shipped."""

    line_no: int
    item_id: UUID
    ship_movement: UUID
    ship_quantity: Decimal
    lot_no: str | None
    quantity: Decimal  # taken now, base unit
    before: Decimal  # of that shipped movement, taken by earlier receipts and losses


def _load(uow: SqlUnitOfWork, organisation: str, number: str) -> tuple[c.Stored, TransferOrder]:
    org = c.organisation(uow, organisation)
    stored = c.load(uow, TransferOrder, organisation_id=org.id, number=number)
    return stored, stored.document


def _plan(
    uow: SqlUnitOfWork, w: c.Wiring, order: TransferOrder, wanted: Sequence[tuple[int, Decimal, str | None]],
) -> list[list[_Piece]]:
    """Which shipped movements each (line, base quantity, lot?) takes from, first shipped first."""
    rows = c.movements_of(uow, order.id)
    shipped = [row for row in rows if row.role == "ship"]
    lot_numbers = {lot_id: w.ledger.lot_number(uow, lot_id) for lot_id in {r.lot_id for r in shipped} - {None}}
    taken: defaultdict[tuple[int, UUID | None], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.role in ("receive", "loss"):
            taken[(row.line_no, row.lot_id)] += row.quantity
    consumed: dict[UUID, Decimal] = {}
    for row in shipped:  # earlier receipts and losses took from the shipped movements in this same order
        already = min(taken[(row.line_no, row.lot_id)], row.quantity)
        consumed[row.movement_id] = already
        taken[(row.line_no, row.lot_id)] -= already
    plans = []
    for i, (line_no, quantity, lot) in enumerate(wanted):
        need = quantity
        plan = []
        for row in shipped:
            if need == 0:
                break
            lot_no = lot_numbers.get(row.lot_id) if row.lot_id is not None else None
            if row.line_no != line_no or (lot is not None and lot_no != lot):
                continue
            room = row.quantity - consumed[row.movement_id]
            take = min(room, need)
            if take <= 0:
                continue
            plan.append(_Piece(line_no=line_no, item_id=row.item_id, ship_movement=row.movement_id,
                               ship_quantity=row.quantity, lot_no=lot_no, quantity=take,
                               before=consumed[row.movement_id]))
            consumed[row.movement_id] += take
            need -= take
        if need > 0:
            raise InvalidInput("transfer.lot_not_in_transit", field=f"lines[{i}].lot", value=lot or "-",
                               line=line_no, requested=str(quantity), available=str(quantity - need))
        plans.append(plan)
    return plans


def _in_transit_values(uow: SqlUnitOfWork, w: c.Wiring, pieces: Sequence[_Piece]) -> list[Decimal]:
    """The receiver's value of each piece: its slice of what the shipped movement brought into the pool."""
    values = []
    for piece in pieces:
        brought = w.books.valuation(uow, p.derived_id(piece.ship_movement, "in"))
        assert brought is not None, "an intercompany shipment is valued into the receiver's pool"
        values.append(p.value_slice(brought.amount, piece.ship_quantity, piece.before, piece.quantity))
    return values


def _sell_and_buy(
    uow: SqlUnitOfWork, w: c.Wiring, order: TransferOrder, lines: Sequence[TransferQuantity],
    groups: Sequence[Sequence[MovementRecord]], known: Mapping[str, Item], *, sender: Organisation,
    receiver: Organisation, source: Site, target: Site, freight: Decimal, carrier: str | None, vat_rate: Decimal,
    day: date, when: datetime, actor: str,
) -> None:
    """The sender issues at cost and sells at the transfer price; the receiver buys at it plus freight."""
    by_id = {item.id: item for item in known.values()}
    out: dict[UUID, list[Operation]] = defaultdict(list)
    for group in groups:
        for m in group:
            out[m.item_id].append(Operation(movement_id=m.id, kind="issue", quantity=m.quantity, lot=lot_key(m.lot_id)))
    issued = p.value(uow, w, organisation_id=sender.id, items=by_id, operations=out, on=day, document_id=order.id)
    costs, nets, quantities = [], [], []
    for line, group in zip(lines, groups, strict=True):
        ordered = order.line(line.line_no)
        cost = sum((issued[m.id].amount for m in group), Decimal(0))
        quantity = sum((m.quantity for m in group), Decimal(0))
        if order.price_rule == "list":
            listed = _list_price(known[ordered.sku], field="lines")
            net = transfer_price(cost, rule="list", list_price=to_fen(listed * quantity))
        else:
            net = transfer_price(cost, rule="cost_plus", markup_pct=order.markup_pct)
        costs.append(cost)
        nets.append(net)
        quantities.append(quantity)
    if not freight:
        freights = [Decimal("0.00")] * len(nets)
    else:  # shared by value, or by quantity when nothing has a value
        freights = split_by_weights(freight, nets if any(nets) else quantities, field="lines")
    into: dict[UUID, list[Operation]] = defaultdict(list)
    for group, net, carried in zip(groups, nets, freights, strict=True):
        shares = split_by_weights(net + carried, [m.quantity for m in group]) if len(group) > 1 else [net + carried]
        for m, share in zip(group, shares, strict=True):
            into[m.item_id].append(Operation(movement_id=p.derived_id(m.id, "in"), kind="receive", quantity=m.quantity,
                                             amount=share, at=when, lot=lot_key(m.lot_id)))
    p.value(uow, w, organisation_id=receiver.id, items=by_id, operations=into, on=day, document_id=order.id)
    sold, bought = [], []
    for line, cost, net, carried, quantity in zip(lines, costs, nets, freights, quantities, strict=True):
        sku = order.line(line.line_no).sku
        vat = to_fen(net * vat_rate)
        common = {"date": day, "document_ref": order.number, "item": sku, "category": known[sku].category,
                  "quantity": quantity}
        sold.append(ValuedEvent(kind="intercompany_sale", organisation=sender.code, partner=receiver.code,
                                counter_organisation=receiver.code, site=source.code, to_site=target.code,
                                amounts=Amounts(cost=cost, net=net, vat=vat), **common))  # type: ignore[arg-type]
        bought.append(ValuedEvent(kind="intercompany_purchase", organisation=receiver.code,
                                  partner=carrier or sender.code, counter_organisation=sender.code, site=target.code,
                                  amounts=Amounts(net=net, vat=vat, freight=carried), **common))  # type: ignore[arg-type]
    p.book_each(uow, w, organisation_id=sender.id, events=sold, document_id=order.id, preparer=actor)
    p.book_each(uow, w, organisation_id=receiver.id, events=bought, document_id=order.id, preparer=actor)


def _list_price(item: Item, *, field: str) -> Decimal:
    """The item's ``list_price`` attribute: CNY per base unit, net of VAT."""
    try:
        price = Decimal(item.attributes.get("list_price", ""))
    except ArithmeticError:
        price = Decimal(-1)
    if not price.is_finite() or price < 0:
        raise InvalidInput("transfer.no_list_price", field=field, value=item.sku)
    return price


def _loss_events(
    order: TransferOrder, responsible: Responsible, base: ValuedEvent, *, cost: Decimal, in_transit: Decimal | None,
    sender: Organisation, carrier: str | None, source: Site, target: Site,
) -> list[ValuedEvent]:
    """The loss out of stock or goods in transit, and its charge to whoever is responsible."""
    if in_transit is None:
        # Internal: no value left 1405 when the goods were shipped, so the loss comes out of stock
        # at the sending site (where the general ledger still holds it).
        events = [replace(base, variant="inventory", amounts=Amounts(cost=cost), site=source.code)]
    else:
        # Intercompany: clear this transfer's goods in transit (1402) exactly; the difference between
        # that value and the pool's issue cost moves between 1402 and 1405 at the destination.
        events = [replace(base, amounts=Amounts(cost=min(cost, in_transit)), site=target.code)]
        if cost > in_transit:
            events.append(replace(base, variant="inventory", amounts=Amounts(cost=cost - in_transit),
                                  site=target.code, quantity=None))
        elif in_transit > cost:
            events.append(replace(base, kind="transit_arrival", amounts=Amounts(cost=in_transit - cost),
                                  site=target.code, quantity=None))
    party = responsible
    if party is Responsible.SENDER and not order.is_intercompany:
        party = Responsible.RECEIVER  # the organisation cannot hold a claim on itself
    charged = {Responsible.SENDER: sender.code, Responsible.CARRIER: carrier, Responsible.RECEIVER: None}[party]
    events.append(replace(base, kind="loss_charge", variant=party.value, amounts=Amounts(cost=cost),
                          responsible_party=charged))
    return events


__all__ = ["TransferLineIn", "TransferQuantity", "close_transfer_receipt", "create_transfer", "receive_transfer",
           "ship_transfer"]
