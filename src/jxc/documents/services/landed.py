"""Landed costs (采购费用分摊): freight, duty or insurance invoiced after a goods receipt.

The total is shared over the receipt's lines by value, quantity or weight (the item's ``weight_kg``
attribute × quantity) with :func:`jxc.accounting.valuation.allocate_landed_cost`, exactly to the
fen, and each line's share over its receipt movements by quantity. Each movement's share is an
``add_cost`` on the organisation's pool aimed at that movement's layer: what the goods still on
hand carry is capitalised, the part for goods already gone is expensed to cost of sales. A FIFO or
specific-lot layer that has been emptied and archived takes nothing: its whole share is expensed.
One ``landed_cost`` voucher books it (Dr 1405 capitalised · Dr 6401 expensed · Dr 22210101 VAT ·
Cr 2202 the carrier), naming the receipt; the receipt's history records it with its key, so a
repeat with the same key returns the first result and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from jxc.accounting import valuation as v
from jxc.accounting.services import Operation, PoolKey, cost_method
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import GoodsReceipt
from jxc.documents.services import common as c
from jxc.documents.services import postings as p
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import money, split_by_weights

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LandedCost:
    """A landed cost as booked: per receipt line the share, and in all what was capitalised or expensed."""

    goods_receipt: str
    total: Decimal
    vat: Decimal
    capitalised: Decimal
    expensed: Decimal
    shares: tuple[Decimal, ...]  # per receipt line, in line order
    voucher: str | None
    replayed: bool = False


def add_landed_cost(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, goods_receipt: str, total: Decimal, basis: str,
    carrier: str, actor: str, vat: Decimal = Decimal(0), key: str | None = None,
) -> LandedCost:
    """Share ``total`` (net of ``vat``) over a receipt's lines, capitalise it into their layers, book it to ``carrier``."""
    org = c.organisation(uow, organisation)
    receipt: GoodsReceipt = c.load(uow, GoodsReceipt, organisation_id=org.id, number=goods_receipt).document
    if key is not None:
        for row in c.history(uow, receipt.id):
            if row["action"] == "landed_cost" and isinstance(row["detail"], dict) and row["detail"].get("key") == key:
                return _from_detail(receipt.number, row["detail"])
    total = money(total, field="total")
    if total <= 0:
        raise InvalidInput("amount.invalid", field="total", value=str(total))
    vat = money(vat, field="vat")
    if vat < 0:
        raise InvalidInput("amount.invalid", field="vat", value=str(vat))
    vendor = catalog.get_supplier(uow, carrier)
    day = c.today(uow)
    w.books.check_open(uow, organisation_id=org.id, org_code=org.code, on=day)
    known = c.items(uow, sorted({line.sku for line in receipt.lines}))
    moves: defaultdict[int, list[Any]] = defaultdict(list)
    for row in c.movements_of(uow, receipt.id, role="post"):
        moves[row.line_no].append(row)
    landed = []
    for i, line in enumerate(receipt.lines):
        rows = moves[line.line_no]
        quantity = sum((row.quantity for row in rows), Decimal(0))
        value = Decimal(0)
        for row in rows:
            received = w.books.valuation(uow, row.movement_id)
            value += received.amount if received is not None else Decimal(0)
        landed.append(v.LandedLine(value=value, quantity=quantity,
                                   weight=_weight(known[line.sku], quantity, field=f"lines[{i}].weight")))
    shares = v.allocate_landed_cost(total=total, lines=landed, basis=basis)
    vats = split_by_weights(vat, shares) if vat else [ZERO] * len(shares)
    event = key or str(new_id())
    layers = _layers(uow, w, org.id, known)
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    direct = [ZERO] * len(shares)  # shares of archived layers: all expensed, nothing to value
    planned: list[list[UUID]] = []
    for i, (line, share) in enumerate(zip(receipt.lines, shares, strict=True)):
        rows = moves[line.line_no]
        parts = split_by_weights(share, [row.quantity for row in rows]) if len(rows) > 1 else [share]
        ids = []
        for row, part in zip(rows, parts, strict=True):
            present = layers[row.item_id]
            if present is not None and str(row.movement_id) not in present:
                direct[i] += part
                continue
            op = Operation(movement_id=p.derived_id("landed", event, row.movement_id), kind="add_cost", amount=part,
                          target_source_ids=(str(row.movement_id),), received_quantity=row.quantity)
            operations[row.item_id].append(op)
            ids.append(op.movement_id)
        planned.append(ids)
    valued = p.value(uow, w, organisation_id=org.id, items={item.id: item for item in known.values()},
                     operations=operations, on=day, document_id=receipt.id)
    place = c.site_by_id(uow, receipt.site)
    events = []
    for line, ids, extra, line_vat in zip(receipt.lines, planned, direct, vats, strict=True):
        events.append(ValuedEvent(
            kind="landed_cost", organisation=org.code, date=day, document_ref=receipt.number,
            amounts=Amounts(cost=sum((valued[x].amount for x in ids), ZERO),
                            expensed=sum((valued[x].expensed for x in ids), ZERO) + extra, vat=line_vat),
            partner=vendor.code, item=line.sku, category=known[line.sku].category, site=place.code,
        ))
    stored = w.books.book(uow, organisation_id=org.id, events=events, document_id=receipt.id, preparer=actor)
    result = LandedCost(goods_receipt=receipt.number, total=total, vat=vat,
                        capitalised=sum((e.amounts.cost for e in events), ZERO),
                        expensed=sum((e.amounts.expensed for e in events), ZERO), shares=tuple(shares),
                        voucher=stored.number if stored else None)
    c.record(uow, receipt.id, actor=actor, action="landed_cost", detail={
        "key": key, "basis": str(basis), "carrier": vendor.code, "total": str(total), "vat": str(vat),
        "capitalised": str(result.capitalised), "expensed": str(result.expensed),
        "shares": [str(s) for s in shares], "voucher": result.voucher})
    return result


def _weight(item: Item, quantity: Decimal, *, field: str) -> Decimal | None:
    raw = item.attributes.get("weight_kg")
    if raw is None:
        return None
    try:
        per_unit = Decimal(raw)
    except ArithmeticError:
        raise InvalidInput("field.invalid", field=field, value=raw, reason="weight_kg: kilograms per base unit") from None
    if not per_unit.is_finite() or per_unit < 0:
        raise InvalidInput("field.invalid", field=field, value=raw, reason="weight_kg: kilograms per base unit")
    return per_unit * quantity


def _layers(uow: SqlUnitOfWork, w: c.Wiring, organisation_id: UUID,
            known: Mapping[str, Item]) -> dict[UUID, set[str] | None]:
    """Per item, the layers its pool still keeps (``None`` for moving average, which has none)."""
    found: dict[UUID, set[str] | None] = {}
    for item in known.values():
        pool, _ = w.books.pool(uow, PoolKey(organisation_id, item.id), method=cost_method(item.attributes))
        found[item.id] = {layer.source_id for layer in pool.layers} if pool.method.layered else None
    return found


def _from_detail(number: str, detail: Mapping[str, Any]) -> LandedCost:
    shares: Sequence[str] = detail.get("shares", [])
    return LandedCost(goods_receipt=number, total=Decimal(detail["total"]), vat=Decimal(detail["vat"]),
                      capitalised=Decimal(detail["capitalised"]), expensed=Decimal(detail["expensed"]),
                      shares=tuple(Decimal(s) for s in shares), voucher=detail.get("voucher"), replayed=True)


__all__ = ["LandedCost", "add_landed_cost"]
