"""Purchasing use cases: purchase order, goods receipt, QC inspection, purchase return.

Each execution (receipt, inspection, return) is one unit of work: the document, the order it
executes, the ledger movements, their valuations and the voucher commit together. Checks run
before anything is written: a receipt above tolerance, a return above what was received or a
date in a closed period leaves no trace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select

from jxc.accounting import valuation as v
from jxc.accounting.services import Operation, PoolKey, StoredVoucher, cost_method
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import tables as t
from jxc.documents.codec import decode
from jxc.documents.model import (
    DeliverySlot,
    DocumentStatus,
    DocumentType,
    FailedDisposition,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseReturn,
    PurchaseReturnLine,
    QcInspection,
    QcLine,
    ReceiptTarget,
    StockState,
    to_fen,
)
from jxc.documents.services import common as c
from jxc.documents.services.common import lot_key as _lot
from jxc.inventory.commands import MoveLine, PostStock
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import split_by_weights
from jxc.org.model import Organisation


@dataclass(frozen=True)
class OrderLineIn:
    sku: str
    quantity: Decimal
    unit_price: Decimal
    expected_date: date
    unit: str | None = None
    vat_rate: Decimal = Decimal("0.13")
    schedule: tuple[tuple[date, Decimal], ...] = ()


@dataclass(frozen=True)
class ReceiveLineIn:
    po_line: int
    quantity: Decimal
    lot: str | None = None
    production_date: date | None = None
    expiry_date: date | None = None
    to_qc: bool | None = None  # default: the item's `qc_required` attribute


@dataclass(frozen=True)
class InspectLineIn:
    receipt_line: int
    passed: Decimal
    failed: Decimal = Decimal(0)
    disposition: FailedDisposition | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReturnLineIn:
    receipt_line: int
    quantity: Decimal
    from_state: str = "available"
    reason: str | None = None


def create_purchase_order(
    uow: SqlUnitOfWork, *, organisation: str, supplier: str, site: str, lines: Sequence[OrderLineIn], actor: str,
    key: str | None = None, source: UUID | None = None,
) -> PurchaseOrder:
    """A draft purchase order (no stock moves until goods are received); ``source``: the requisition it fills."""
    if (found := c.find_by_key(uow, PurchaseOrder, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    vendor = c.supplier(uow, supplier)
    place = c.site(uow, site)
    if place.organisation_id != org.id:
        raise InvalidInput("document.site_not_in_organisation", field="site", value=site, org=organisation)
    known = c.items(uow, [line.sku for line in lines])
    order_lines = tuple(
        PurchaseOrderLine(
            line_no=i, sku=line.sku, quantity=line.quantity, unit=line.unit or known[line.sku].base_unit,
            unit_price=line.unit_price, vat_rate=line.vat_rate, expected_date=line.expected_date,
            schedule=tuple(DeliverySlot(date=d, quantity=q) for d, q in line.schedule),
        )
        for i, line in enumerate(lines, start=1)
    )
    today = c.today(uow)
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.PURCHASE_ORDER, year=today.year)
    po = PurchaseOrder(id=new_id(), number=number, organisation=org.id, supplier=vendor.id, site=place.id,
                       lines=order_lines)
    c.insert_document(uow, po, organisation_id=org.id, doc_date=today, actor=actor, partner_id=vendor.id,
                      site_id=place.id, amount=po.amounts.gross, key=key, source_id=source)
    return po


def receive(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, purchase_order: str, lines: Sequence[ReceiveLineIn],
    actor: str, received_on: date | None = None, key: str | None = None, asn: str | None = None,
) -> GoodsReceipt:
    """Receive goods against an approved order: stock in (pending QC or available), valued, booked.

    Against a shipping notice (``asn``) the goods are already in transit at the site, valued: they
    move in transit → target state and ``transit_arrival`` books them from 1402 to 1405.
    """
    if (found := c.find_by_key(uow, GoodsReceipt, key)) is not None:
        return found
    from jxc.documents.services import asn as notices  # notices build on this module

    org = c.organisation(uow, organisation)
    stored = c.load(uow, PurchaseOrder, organisation_id=org.id, number=purchase_order)
    po: PurchaseOrder = stored.document
    notice = None if asn is None else notices.load_for_receipt(uow, organisation_id=org.id, number=asn, po=po)
    when = c.now(uow)
    day = received_on or when.date()
    known = c.items(uow, [po.line(line.po_line, field=f"lines[{i}].po_line").sku for i, line in enumerate(lines)])
    receipt_lines = []
    for i, line in enumerate(lines, start=1):
        order_line = po.line(line.po_line)
        item = known[order_line.sku]
        to_qc = line.to_qc if line.to_qc is not None else item.attributes.get("qc_required", "") in ("true", "1", "yes")
        receipt_lines.append(GoodsReceiptLine(
            line_no=i, po_line=line.po_line, sku=order_line.sku, quantity=line.quantity, unit=order_line.unit,
            target=ReceiptTarget.for_item(needs_qc=to_qc), lot=line.lot, production_date=line.production_date,
            expiry_date=line.expiry_date,
        ))
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.GOODS_RECEIPT, year=day.year)
    receipt = GoodsReceipt(id=new_id(), number=number, lines=tuple(receipt_lines), organisation=org.id,
                           supplier=po.supplier, site=po.site, purchase_order=po.id, received_on=day,
                           asn=None if notice is None else notice.document.id)
    po, _ = po.record_receipt(receipt, at=when, tolerance_pct=w.receipt_tolerance_pct)  # tolerance first
    receipt = c.born_done(receipt, when)
    if notice is None:
        events = _from_supplier(uow, w, org=org, po=po, receipt=receipt, known=known)
    else:
        events = notices.arrive(uow, w=w, org=org, stored=notice, po=po, receipt=receipt, known=known, actor=actor)
    c.insert_document(uow, receipt, organisation_id=org.id, doc_date=day, actor=actor, partner_id=po.supplier,
                      site_id=po.site, source_id=po.id, amount=_gross(po, receipt), key=key)
    c.save(uow, stored, po, actor=actor, action="received", detail={"receipt": receipt.number})
    w.books.book(uow, organisation_id=org.id, events=events, document_id=receipt.id, preparer=actor)
    return receipt


def _from_supplier(
    uow: SqlUnitOfWork, w: c.Wiring, *, org: Organisation, po: PurchaseOrder, receipt: GoodsReceipt,
    known: dict[str, Item],
) -> list[ValuedEvent]:
    """Post a receipt @supplier → site, value it into the pool at the order price; its valued events."""
    when = c.now(uow)
    day = receipt.received_on
    place = c.site_by_id(uow, po.site)
    vendor = c.supplier_by_id(uow, po.supplier)
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{receipt.id}:post", kind="receipt", occurred_at=when, document_ref=receipt.number,
        lines=tuple(MoveLine(sku=line.sku, quantity=line.quantity, unit=line.unit, from_site="@supplier",
                             to_site=place.code, to_state=line.target.value, lot=line.lot,
                             production_date=line.production_date, expiry_date=line.expiry_date)
                    for line in receipt.lines),
    ))
    by_line = c.by_line(posting.movements, [
        (line.line_no, known[line.sku].id, c.base_quantity(known[line.sku], line.quantity, line.unit))
        for line in receipt.lines])
    c.link_movements(uow, receipt.id, ((n, m, "post") for n, ms in by_line.items() for m in ms))
    events: list[ValuedEvent] = []
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for received in receipt.lines:
        order_line = po.line(received.po_line)
        net = to_fen(received.quantity * order_line.unit_price)
        moves = by_line[received.line_no]
        shares = split_by_weights(net, [m.quantity for m in moves]) if len(moves) > 1 else [net]
        for move, share in zip(moves, shares, strict=True):
            operations[move.item_id].append(Operation(movement_id=move.id, kind="receive", quantity=move.quantity,
                                                      amount=share, at=when, lot=_lot(move.lot_id)))
        item = known[received.sku]
        events.append(ValuedEvent(
            kind="purchase_receipt", organisation=org.code, date=day, document_ref=receipt.number,
            amounts=Amounts(cost=net, vat=to_fen(net * order_line.vat_rate)), partner=vendor.code, item=received.sku,
            category=item.category, site=place.code, quantity=sum((m.quantity for m in moves), Decimal(0)),
        ))
    _value(uow, w, org.id, known, operations, day, receipt.id)
    return events


def _gross(po: PurchaseOrder, receipt: GoodsReceipt) -> Decimal:
    """A receipt's amount: its lines at the order price, VAT included (per line, to the fen)."""
    total = Decimal(0)
    for line in receipt.lines:
        ordered = po.line(line.po_line)
        net = to_fen(line.quantity * ordered.unit_price)
        total += net + to_fen(net * ordered.vat_rate)
    return total


def inspect(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, goods_receipt: str, lines: Sequence[InspectLineIn],
    actor: str, key: str | None = None,
) -> QcInspection:
    """Record QC (质检): passed stock becomes available, failed stock goes to QC hold or damaged."""
    if (found := c.find_by_key(uow, QcInspection, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    stored = c.load(uow, GoodsReceipt, organisation_id=org.id, number=goods_receipt)
    receipt: GoodsReceipt = stored.document
    when = c.now(uow)
    qc_lines = tuple(
        QcLine(line_no=i, receipt_line=line.receipt_line,
               sku=receipt.line(line.receipt_line, field=f"lines[{i - 1}].receipt_line").sku,
               inspected=line.passed + line.failed, passed=line.passed, failed=line.failed,
               disposition=line.disposition, note=line.note)
        for i, line in enumerate(lines, start=1)
    )
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.QC_INSPECTION, year=when.year)
    qc = QcInspection(id=new_id(), number=number, lines=qc_lines, organisation=org.id, site=receipt.site,
                      goods_receipt=receipt.id)
    receipt = receipt.record_inspection(qc)  # checks quantities against what awaits QC
    qc = c.born_done(qc, when)
    place = c.site_by_id(uow, receipt.site)
    moves: list[MoveLine] = []
    for line in qc.lines:
        source = receipt.line(line.receipt_line)
        common = {"sku": line.sku, "unit": source.unit, "from_site": place.code, "to_site": place.code,
                  "from_state": "pending_qc", "lot": source.lot}
        if line.passed:
            moves.append(MoveLine(quantity=line.passed, to_state="available", **common))  # type: ignore[arg-type]
        if line.failed:
            target = (line.disposition or FailedDisposition.DAMAGED).target_state.value
            moves.append(MoveLine(quantity=line.failed, to_state=target, **common))  # type: ignore[arg-type]
    c.post_stock(uow, w, PostStock(idempotency_key=f"doc:{qc.id}:post", kind="state_change", occurred_at=when,
                                   document_ref=qc.number, lines=tuple(moves)))
    c.insert_document(uow, qc, organisation_id=org.id, doc_date=when.date(), actor=actor, site_id=receipt.site,
                      source_id=receipt.id, key=key)
    c.save(uow, stored, receipt, actor=actor, action="inspected", detail={"inspection": qc.number})
    return qc


def return_to_supplier(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, goods_receipt: str, lines: Sequence[ReturnLineIn],
    actor: str, key: str | None = None,
) -> PurchaseReturn:
    """Send received goods back (采购退货): stock out to the supplier at the receipt's own cost."""
    if (found := c.find_by_key(uow, PurchaseReturn, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    stored_receipt = c.load(uow, GoodsReceipt, organisation_id=org.id, number=goods_receipt)
    receipt: GoodsReceipt = stored_receipt.document
    stored_po = c.load(uow, PurchaseOrder, document_id=receipt.purchase_order)
    when = c.now(uow)
    day = when.date()
    return_lines = tuple(
        PurchaseReturnLine(line_no=i, receipt_line=line.receipt_line,
                           sku=receipt.line(line.receipt_line, field=f"lines[{i - 1}].receipt_line").sku,
                           quantity=line.quantity, unit=receipt.line(line.receipt_line).unit,
                           from_state=_state(line.from_state), lot=receipt.line(line.receipt_line).lot,
                           reason=line.reason)
        for i, line in enumerate(lines, start=1)
    )
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.PURCHASE_RETURN, year=day.year)
    ret = PurchaseReturn(id=new_id(), number=number, lines=return_lines, organisation=org.id,
                         supplier=receipt.supplier, site=receipt.site, goods_receipt=receipt.id)
    known = c.items(uow, [line.sku for line in ret.lines])
    originals, returned_before = _originals(uow, receipt, known)  # before this return counts
    receipt = receipt.record_return(ret)
    po, _ = stored_po.document.record_return(ret, receipt, at=when)
    ret = c.born_done(ret, when)
    place = c.site_by_id(uow, receipt.site)
    vendor = c.supplier_by_id(uow, receipt.supplier)
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{ret.id}:post", kind="purchase_return", occurred_at=when, document_ref=ret.number,
        lines=tuple(MoveLine(sku=line.sku, quantity=line.quantity, unit=line.unit, from_site=place.code,
                             to_site="@supplier", from_state=line.from_state.value, lot=line.lot)
                    for line in ret.lines),
    ))
    by_line = c.by_line(posting.movements, [
        (line.line_no, known[line.sku].id, c.base_quantity(known[line.sku], line.quantity, line.unit))
        for line in ret.lines])
    c.link_movements(uow, ret.id, ((n, m, "post") for n, ms in by_line.items() for m in ms))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    line_ops: dict[int, list[UUID]] = defaultdict(list)
    for line in ret.lines:
        original_id = originals[line.receipt_line]
        original = w.books.valuation(uow, original_id)
        assert original is not None
        for move in by_line[line.line_no]:
            before = returned_before[original_id]
            operations[move.item_id].append(Operation(movement_id=move.id, kind="return_out", quantity=move.quantity,
                                                      original=original, returned_before=before))
            returned_before[original_id] = before + move.quantity
            line_ops[line.line_no].append(move.id)
    valuations = _value(uow, w, org.id, known, operations, day, ret.id)
    po_line_rates = {pl.line_no: pl.vat_rate for pl in po.lines}
    events = []
    for line in ret.lines:
        valued = [valuations[mid] for mid in line_ops[line.line_no]]
        cost = sum((x.amount for x in valued), Decimal(0))
        credit = sum((x.document_amount for x in valued), Decimal(0))
        rate = po_line_rates[receipt.line(line.receipt_line).po_line]
        events.append(ValuedEvent(
            kind="purchase_return", organisation=org.code, date=day, document_ref=ret.number,
            amounts=Amounts(cost=cost, vat=to_fen(credit * rate)), partner=vendor.code, item=line.sku,
            category=known[line.sku].category, site=place.code, quantity=line.quantity,
        ))
    c.insert_document(uow, ret, organisation_id=org.id, doc_date=day, actor=actor, partner_id=receipt.supplier,
                      site_id=receipt.site, source_id=receipt.id, key=key)
    c.save(uow, stored_receipt, receipt, actor=actor, action="returned", detail={"return": ret.number})
    c.save(uow, stored_po, po, actor=actor, action="returned", detail={"return": ret.number})
    w.books.book(uow, organisation_id=org.id, events=events, document_id=ret.id, preparer=actor)
    return ret


# --- shared by the execution documents ---------------------------------------------------------


def _state(name: str) -> StockState:
    try:
        return StockState(name)
    except ValueError:
        raise InvalidInput("field.invalid", field="from_state", value=name, reason="a stock state") from None


def _value(
    uow: SqlUnitOfWork, w: c.Wiring, organisation_id: UUID, known: dict, operations: dict[UUID, list[Operation]],  # type: ignore[type-arg]
    day: date, document_id: UUID,
) -> dict[UUID, v.Valuation]:
    """Run each item's valuation operations on its pool; the valuations by movement id."""
    by_id = {item.id: item for item in known.values()}
    result: dict[UUID, v.Valuation] = {}
    for item_id, ops in operations.items():
        valued = w.books.apply(uow, PoolKey(organisation_id, item_id), method=cost_method(by_id[item_id].attributes),
                               on=day, document_id=document_id, operations=ops)
        result.update({op.movement_id: val for op, val in zip(ops, valued, strict=True)})
    return result


def _originals(
    uow: SqlUnitOfWork, receipt: GoodsReceipt, known: dict[str, Item],
) -> tuple[dict[int, UUID], defaultdict[UUID, Decimal]]:
    """The valuation each receipt line is returned against (its own receipt movement; for a receipt
    against a shipping notice, the notice's shipment) and the base quantity of it earlier returns
    took (the cumulative slice)."""
    if receipt.asn is not None:
        from jxc.documents.services import asn as notices  # notices build on this module

        return notices.return_originals(uow, receipt, known)
    taken: defaultdict[UUID, Decimal] = defaultdict(Decimal)
    originals = {row.line_no: row.movement_id for row in c.movements_of(uow, receipt.id, role="post")}
    for line in receipt.lines:
        item = known.get(line.sku) or c.items(uow, [line.sku])[line.sku]
        taken[originals[line.line_no]] += c.base_quantity(item, line.returned, line.unit)
    return originals, taken


def open_order_quantities(
    uow: SqlUnitOfWork, *, site_ids: Collection[UUID] | None = None,
) -> dict[tuple[UUID, UUID], Decimal]:
    """Outstanding quantity (base unit) on approved, partly received purchase orders, by (item id, site id).

    What replenishment counts as already on order. Drafts and submitted orders are not counted: they
    may still be rejected.
    """
    d = t.doc_documents
    query = select(d.c.body).where(d.c.doc_type == DocumentType.PURCHASE_ORDER.value,
                                   d.c.status.in_([DocumentStatus.APPROVED.value,
                                                   DocumentStatus.PARTIALLY_DONE.value]))
    if site_ids is not None:
        query = query.where(d.c.site_id.in_(list(site_ids)))
    orders = [decode(PurchaseOrder, row.body) for row in uow.connection.execute(query)]
    known = c.items(uow, sorted({line.sku for po in orders for line in po.lines})) if orders else {}
    result: dict[tuple[UUID, UUID], Decimal] = defaultdict(Decimal)
    for po in orders:
        for line in po.lines:
            if line.outstanding > 0:
                item = known[line.sku]
                result[(item.id, po.site)] += c.base_quantity(item, line.outstanding, line.unit)
    return dict(result)


@dataclass(frozen=True)
class LeadTimeRecord:
    """A supplier's measured lead time: order date to each receipt's date, in days."""

    receipts: int
    mean_days: Decimal
    sd_days: Decimal


def supplier_lead_times(
    uow: SqlUnitOfWork, *, supplier_ids: Collection[UUID], since: date | None = None,
) -> dict[UUID, LeadTimeRecord]:
    """Each supplier's lead-time distribution from its receipts against purchase orders (since ``since``).

    Measured from the order's date to the receipt's date; a receipt against a shipping notice counts
    the same way (the notice changes the promise, not when the goods arrived).
    """
    if not supplier_ids:
        return {}
    po, gr = t.doc_documents.alias("po"), t.doc_documents.alias("gr")
    query = (select(po.c.partner_id, po.c.doc_date, gr.c.doc_date.label("received"))
             .join_from(gr, po, gr.c.source_id == po.c.id)
             .where(gr.c.doc_type == DocumentType.GOODS_RECEIPT.value,
                    po.c.doc_type == DocumentType.PURCHASE_ORDER.value, po.c.partner_id.in_(list(supplier_ids))))
    if since is not None:
        query = query.where(gr.c.doc_date >= since)
    days: dict[UUID, list[int]] = defaultdict(list)
    for row in uow.connection.execute(query):
        days[row.partner_id].append(max(0, (row.received - row.doc_date).days))
    result = {}
    for supplier_id, values in days.items():
        mean = Decimal(sum(values)) / len(values)
        variance = sum(((Decimal(v) - mean) ** 2 for v in values), Decimal(0)) / max(1, len(values) - 1)
        result[supplier_id] = LeadTimeRecord(receipts=len(values), mean_days=mean.quantize(Decimal("0.01")),
                                             sd_days=variance.sqrt().quantize(Decimal("0.01")))
    return result


__all__ = ["InspectLineIn", "LeadTimeRecord", "OrderLineIn", "ReceiveLineIn", "ReturnLineIn", "StoredVoucher", "create_purchase_order",
           "inspect", "open_order_quantities", "receive", "return_to_supplier", "supplier_lead_times"]
