"""Inventory costing (存货计价) under CAS 1 (企业会计准则第1号——存货), as pure functions.

A *pool* is the valued stock of one item in one organisation. Each function takes a pool and a
movement and returns ``(new_pool, Valuation)``; nothing is mutated, read from a clock or stored.
The repository keys pools by (organisation, item) and keeps the valuations next to the movements
they value, so vouchers can be derived from them.

Methods (CAS 1 §14 allows FIFO, weighted average and specific identification): moving weighted
average (移动加权平均), first-in first-out (先进先出) and specific lot (个别计价). There is no
LIFO: the 2006 standards removed it, so a Chinese entity may not cost inventory that way.

Invariants (the property tests in ``tests/unit/test_valuation.py`` check them):
- Conservation, to the fen: a pool's value is the sum of the ``value_delta`` of every valuation
  applied to it — receipts + capitalised costs + returns in − issues − returns out.
- Non-negativity: quantity and value never go below zero, for the pool and for every layer. An
  issue beyond the stock on hand is refused (``InsufficientStock``), never valued negative.
- No residue: when the last unit of a moving-average pool or of a layer leaves, it takes exactly
  the value that is left, so quantity 0 ⇒ value 0. (Not the converse: free goods and fen rounding
  may leave units at zero value.)
- Layers (FIFO, specific lot) are kept in FIFO order, by ``received_at`` then ``source_id``. A
  layer stays, at zero, after its last unit leaves, so a late landed cost or a return can still
  find it; the repository may archive closed layers once nothing can reach them any more.
- Reversal: returning the whole of an issue restores the pool exactly, since the goods go back
  into the layers they left at the value they left with.
- Amounts are in fen (0.01 CNY), rounded half up; quantities are exact (≤ 6 decimals).

Every valuation also satisfies ``amount + expensed == document amount``: ``expensed`` is the part
of the document (a freight invoice, a supplier's credit) that goes to cost of sales rather than
to inventory, on the side inventory would have taken.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, InsufficientStock, InvalidInput, NotFound
from jxc.kernel.money import ZERO, money, pro_rata, split_by_weights, unit_cost
from jxc.kernel.quantity import fmt, parse_quantity, positive_quantity

__all__ = [
    "Consumption",
    "CostMethod",
    "Flow",
    "LandedCostBasis",
    "LandedLine",
    "Layer",
    "Pool",
    "PoolReport",
    "Valuation",
    "add_cost",
    "allocate_landed_cost",
    "issue",
    "receive",
    "return_in",
    "return_out",
    "valuation_report",
]

_NO_QUANTITY = Decimal(0)


class CostMethod(StrEnum):
    """How issued goods are costed (CAS 1 §14); LIFO is deliberately absent (not permitted)."""

    MOVING_AVERAGE = "moving_average"  # 移动加权平均
    FIFO = "fifo"  # 先进先出
    SPECIFIC_LOT = "specific_lot"  # 个别计价

    @property
    def layered(self) -> bool:
        """Whether the pool keeps cost layers (FIFO, specific lot) or one running average."""
        return self is not CostMethod.MOVING_AVERAGE


class Flow(StrEnum):
    """What a valuation did to its pool."""

    RECEIPT = "receipt"  # purchase receipt, transfer in, stocktake gain, opening balance
    ISSUE = "issue"  # sale, transfer out, stocktake loss, consumption
    RETURN_IN = "return_in"  # sales return
    RETURN_OUT = "return_out"  # purchase return
    COST = "cost"  # landed cost capitalised after receipt (may be negative: a rebate)

    @property
    def outward(self) -> bool:
        """Whether the flow takes goods and value out of the pool."""
        return self in (Flow.ISSUE, Flow.RETURN_OUT)


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer:
    """Goods from one receiving movement (and lot) still valued at what they cost."""

    source_id: str  # the receiving movement
    lot: str | None
    received_at: datetime  # the FIFO ordering key (timezone-aware)
    received_quantity: Decimal  # what the receipt brought in: the basis for landed costs
    quantity: Decimal  # remaining
    value: Decimal  # remaining, in fen

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.source_id, self.lot)


@dataclass(frozen=True, slots=True, kw_only=True)
class Consumption:
    """One layer's share of a valuation: taken from it, put back into it, or added to it."""

    source_id: str
    lot: str | None
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Valuation:
    """The value a movement carried in or out of a pool, and the layers it touched.

    ``quantity`` and ``amount`` are magnitudes in the direction of ``flow`` (a ``COST`` amount is
    signed: a rebate is negative); ``quantity_delta`` and ``value_delta`` are the signed changes.
    A receipt names the layer it opened (for moving average, the notional one).
    """

    movement_id: str
    flow: Flow
    method: CostMethod
    quantity: Decimal
    amount: Decimal
    expensed: Decimal = ZERO
    layers: tuple[Consumption, ...] = ()

    @property
    def quantity_delta(self) -> Decimal:
        return -self.quantity if self.flow.outward else self.quantity

    @property
    def value_delta(self) -> Decimal:
        return -self.amount if self.flow.outward else self.amount

    @property
    def document_amount(self) -> Decimal:
        """What the source document says: inventory's part plus the part expensed."""
        return self.amount + self.expensed


@dataclass(frozen=True, slots=True, kw_only=True)
class Pool:
    """The valued stock of one item in one organisation.

    For layered methods ``quantity`` and ``value`` are the sums over ``layers``; a
    moving-average pool has no layers.
    """

    method: CostMethod
    quantity: Decimal = _NO_QUANTITY
    value: Decimal = ZERO
    layers: tuple[Layer, ...] = ()


class PoolReport(NamedTuple):
    """On-hand quantity, value and unit cost (``None`` when there is no stock)."""

    quantity: Decimal
    value: Decimal
    unit_cost: Decimal | None


class LandedCostBasis(StrEnum):
    """What a landed cost is shared out by across receipt lines."""

    VALUE = "value"
    QUANTITY = "quantity"
    WEIGHT = "weight"


@dataclass(frozen=True, slots=True, kw_only=True)
class LandedLine:
    """A receipt line as seen by landed-cost allocation."""

    value: Decimal
    quantity: Decimal
    weight: Decimal | None = None


def receive(
    pool: Pool,
    *,
    movement_id: str,
    quantity: Decimal,
    amount: Decimal,
    at: datetime,
    lot: str | None = None,
) -> tuple[Pool, Valuation]:
    """Goods in at a cost: purchase receipt, transfer in, stocktake gain, opening balance."""
    _require_id(movement_id)
    qty = positive_quantity(quantity)
    value = money(amount)
    if value < 0:
        raise InvalidInput("money.negative", field="amount", value=str(amount))
    received_at = require_aware(at, field="at")
    if pool.method is CostMethod.SPECIFIC_LOT and not lot:
        raise InvalidInput("valuation.lot_required", field="lot", value=movement_id)
    valuation = Valuation(
        movement_id=movement_id,
        flow=Flow.RECEIPT,
        method=pool.method,
        quantity=qty,
        amount=value,
        layers=(Consumption(source_id=movement_id, lot=lot, quantity=qty, amount=value),),
    )
    if not pool.method.layered:
        return replace(pool, quantity=pool.quantity + qty, value=pool.value + value), valuation
    if any(layer.source_id == movement_id for layer in pool.layers):
        # the layer's identity is its movement: a second one would make returns and costs ambiguous
        raise Conflict("valuation.duplicate_layer", field="movement_id", value=movement_id)
    layers = list(pool.layers)
    new = Layer(
        source_id=movement_id,
        lot=lot,
        received_at=received_at,
        received_quantity=qty,
        quantity=qty,
        value=value,
    )
    insort(layers, new, key=_fifo_order)
    return _with_layers(pool, layers), valuation


def issue(
    pool: Pool, *, movement_id: str, quantity: Decimal, lot: str | None = None
) -> tuple[Pool, Valuation]:
    """Goods out, valued by the pool's method; ``lot`` is required (and only used) for specific lot."""
    _require_id(movement_id)
    qty = positive_quantity(quantity)
    if not pool.method.layered:
        if qty > pool.quantity:
            raise _insufficient(pool.quantity, qty, lot)
        # pro_rata gives the whole value to the last unit, so an emptied pool keeps no residue
        amount = pro_rata(pool.value, qty, pool.quantity)
        valuation = _outgoing(pool, movement_id, Flow.ISSUE, qty, amount, ())
        return replace(pool, quantity=pool.quantity - qty, value=pool.value - amount), valuation
    if pool.method is CostMethod.SPECIFIC_LOT and not lot:
        raise InvalidInput("valuation.lot_required", field="lot", value=movement_id)
    # Under FIFO the lot is physical, not a cost: valuation follows the cost-flow assumption.
    chosen_lot = lot if pool.method is CostMethod.SPECIFIC_LOT else None
    layers, taken = _take(pool.layers, _open_layers(pool, chosen_lot), qty, lot=chosen_lot)
    amount = sum((entry.amount for entry in taken), ZERO)
    return _with_layers(pool, layers), _outgoing(pool, movement_id, Flow.ISSUE, qty, amount, taken)


def return_in(
    pool: Pool,
    *,
    movement_id: str,
    quantity: Decimal,
    original: Valuation,
    at: datetime,
    returned_before: Decimal = _NO_QUANTITY,
) -> tuple[Pool, Valuation]:
    """Goods back from a customer at the cost they left with (sales return against ``original``)."""
    _require_id(movement_id)
    qty = positive_quantity(quantity)
    before = _returned_before(returned_before)
    _check_original(pool, original, Flow.ISSUE, field="original")
    _check_returnable(original, before, qty)
    received_at = require_aware(at, field="at")
    if not pool.method.layered:
        amount = _slice(original.amount, original.quantity, before, qty)
        valuation = Valuation(
            movement_id=movement_id, flow=Flow.RETURN_IN, method=pool.method, quantity=qty, amount=amount
        )
        return replace(pool, quantity=pool.quantity + qty, value=pool.value + amount), valuation
    # Undo the issue from its tail: what stays issued is then exactly what a FIFO issue of the
    # net quantity would have taken. ``returned_before`` units of the tail are already back.
    skip, need = before, qty
    entries: list[Consumption] = []
    for part in reversed(original.layers):
        skipped = min(skip, part.quantity)
        skip -= skipped
        take = min(need, part.quantity - skipped)
        if take <= 0:
            continue
        # cumulative slices, so all partial returns together give back exactly part.amount
        amount = _slice(part.amount, part.quantity, skipped, take)
        entries.append(Consumption(source_id=part.source_id, lot=part.lot, quantity=take, amount=amount))
        need -= take
        if need == 0:
            break
    layers = list(pool.layers)
    for entry in entries:
        _put_back(layers, entry, received_at)
    amount = sum((entry.amount for entry in entries), ZERO)
    valuation = Valuation(
        movement_id=movement_id,
        flow=Flow.RETURN_IN,
        method=pool.method,
        quantity=qty,
        amount=amount,
        layers=tuple(entries),
    )
    return _with_layers(pool, layers), valuation


def return_out(
    pool: Pool,
    *,
    movement_id: str,
    quantity: Decimal,
    original_receipt: Valuation,
    returned_before: Decimal = _NO_QUANTITY,
) -> tuple[Pool, Valuation]:
    """Goods back to the supplier; the supplier's credit is the receipt's cost, inventory's is bounded.

    Moving average: inventory is credited at the receipt's unit cost, but never more than the
    pool's value, and exactly the pool's value when the return empties it. FIFO / specific lot:
    the goods leave that receipt's layer at its book cost (landed costs included); what that layer
    no longer holds leaves the other layers in method order. Either way ``expensed`` carries the
    difference between the supplier's credit and the book cost to cost of sales.
    """
    _require_id(movement_id)
    qty = positive_quantity(quantity)
    before = _returned_before(returned_before)
    _check_original(pool, original_receipt, Flow.RECEIPT, field="original_receipt")
    _check_returnable(original_receipt, before, qty)
    # the supplier credits what was invoiced; cumulative slices make all returns add up to it
    credit = _slice(original_receipt.amount, original_receipt.quantity, before, qty)
    lot = original_receipt.layers[0].lot if original_receipt.layers else None
    if not pool.method.layered:
        if qty > pool.quantity:
            raise _insufficient(pool.quantity, qty, lot)
        # Bounded by the pool's value so it never goes negative, and equal to it when the pool
        # empties so no residue stays: the book cost of what leaves is all there is to credit.
        amount = pool.value if qty == pool.quantity else min(credit, pool.value)
        valuation = _outgoing(pool, movement_id, Flow.RETURN_OUT, qty, amount, (), expensed=credit - amount)
        return replace(pool, quantity=pool.quantity - qty, value=pool.value - amount), valuation
    chosen_lot = lot if pool.method is CostMethod.SPECIFIC_LOT else None
    candidates = _open_layers(pool, chosen_lot)
    own = [i for i in candidates if pool.layers[i].key == (original_receipt.movement_id, lot)]
    order = own + [i for i in candidates if i not in own]
    layers, taken = _take(pool.layers, order, qty, lot=chosen_lot)
    amount = sum((entry.amount for entry in taken), ZERO)
    valuation = _outgoing(pool, movement_id, Flow.RETURN_OUT, qty, amount, taken, expensed=credit - amount)
    return _with_layers(pool, layers), valuation


def add_cost(
    pool: Pool,
    *,
    movement_id: str,
    amount: Decimal,
    target_source_ids: Sequence[str] | None,
    received_quantity: Decimal | None = None,
) -> tuple[Pool, Valuation]:
    """Capitalise a cost found after receipt (freight, duty); the share of goods already gone is expensed.

    Layered pools: the amount is shared over the named layers by the quantity each *received*;
    each layer keeps the part for the units it still holds, the rest is expensed. With
    ``target_source_ids=None`` it is shared over the stock on hand by remaining quantity.
    Moving average (no layers): ``received_quantity`` is the quantity the cost belongs to; the
    pool keeps the part for ``min(on hand, received_quantity)`` — it assumes the goods still on
    hand are the latest received — and the rest is expensed. Without it, all is capitalised while
    any stock remains. Layered pools ignore ``received_quantity``: their layers know it.
    A negative amount (a rebate) never takes a layer or pool below zero.
    """
    _require_id(movement_id)
    total = money(amount)
    if not pool.method.layered:
        basis: Decimal | None = None
        if received_quantity is not None:
            basis = positive_quantity(received_quantity, field="received_quantity")
        if pool.quantity == 0:
            capitalised = ZERO
        elif basis is None:
            capitalised = total
        else:
            capitalised = pro_rata(total, min(pool.quantity, basis), basis)
        capitalised = max(capitalised, -pool.value)
        valuation = Valuation(
            movement_id=movement_id,
            flow=Flow.COST,
            method=pool.method,
            quantity=_NO_QUANTITY,
            amount=capitalised,
            expensed=total - capitalised,
        )
        return replace(pool, value=pool.value + capitalised), valuation
    targets, bases = _cost_targets(pool, target_source_ids)
    layers = list(pool.layers)
    entries: list[Consumption] = []
    if targets:
        if not any(bases):
            raise InvalidInput("landed_cost.zero_basis", field="target_source_ids", basis="quantity")
        for index, basis, share in zip(targets, bases, split_by_weights(total, bases), strict=True):
            layer = layers[index]
            kept = ZERO if basis == 0 else pro_rata(share, min(layer.quantity, basis), basis)
            kept = max(kept, -layer.value)
            layers[index] = replace(layer, value=layer.value + kept)
            entries.append(
                Consumption(source_id=layer.source_id, lot=layer.lot, quantity=layer.quantity, amount=kept)
            )
    capitalised = sum((entry.amount for entry in entries), ZERO)
    valuation = Valuation(
        movement_id=movement_id,
        flow=Flow.COST,
        method=pool.method,
        quantity=_NO_QUANTITY,
        amount=capitalised,
        expensed=total - capitalised,
        layers=tuple(entries),
    )
    return _with_layers(pool, layers), valuation


def allocate_landed_cost(
    *, total: Decimal, lines: Sequence[LandedLine], basis: LandedCostBasis | str
) -> list[Decimal]:
    """Share a landed cost over receipt lines by value, quantity or weight, exactly to the fen."""
    try:
        how = LandedCostBasis(basis)
    except ValueError:
        raise InvalidInput(
            "field.invalid", field="basis", value=str(basis), reason="value | quantity | weight"
        ) from None
    weights: list[Decimal] = []
    for index, line in enumerate(lines):
        if how is LandedCostBasis.VALUE:
            weights.append(line.value)
        elif how is LandedCostBasis.QUANTITY:
            weights.append(line.quantity)
        elif line.weight is None:
            raise InvalidInput("landed_cost.no_weight", field=f"lines[{index}].weight", line=index + 1)
        else:
            weights.append(line.weight)
    if not any(weights):
        raise InvalidInput("landed_cost.zero_basis", field="lines", basis=how.value)
    return split_by_weights(total, weights, field="lines")


def valuation_report(pool: Pool) -> PoolReport:
    """The pool's on-hand quantity, value and unit cost (six decimals; ``None`` without stock)."""
    cost = unit_cost(pool.value / pool.quantity) if pool.quantity else None
    return PoolReport(quantity=pool.quantity, value=pool.value, unit_cost=cost)


# --- helpers -------------------------------------------------------------------------------------


def _fifo_order(layer: Layer) -> tuple[datetime, str]:
    return (layer.received_at, layer.source_id)


def _with_layers(pool: Pool, layers: Iterable[Layer]) -> Pool:
    # totals are recomputed from the layers, so they cannot drift from them
    kept = tuple(layers)
    return replace(
        pool,
        layers=kept,
        quantity=sum((layer.quantity for layer in kept), _NO_QUANTITY),
        value=sum((layer.value for layer in kept), ZERO),
    )


def _open_layers(pool: Pool, lot: str | None) -> list[int]:
    """Indexes of layers with stock, in FIFO order; only ``lot``'s when one is given."""
    return [
        index
        for index, layer in enumerate(pool.layers)
        if layer.quantity > 0 and (lot is None or layer.lot == lot)
    ]


def _take(
    layers: Sequence[Layer], order: Sequence[int], quantity: Decimal, *, lot: str | None
) -> tuple[list[Layer], tuple[Consumption, ...]]:
    available = sum((layers[index].quantity for index in order), _NO_QUANTITY)
    if available < quantity:
        raise _insufficient(available, quantity, lot)
    updated = list(layers)
    taken: list[Consumption] = []
    need = quantity
    for index in order:
        if need == 0:
            break
        layer = updated[index]
        take = min(need, layer.quantity)
        # the layer's last unit takes all its value, so a closed layer is exactly zero
        amount = pro_rata(layer.value, take, layer.quantity)
        updated[index] = replace(layer, quantity=layer.quantity - take, value=layer.value - amount)
        taken.append(Consumption(source_id=layer.source_id, lot=layer.lot, quantity=take, amount=amount))
        need -= take
    return updated, tuple(taken)


def _put_back(layers: list[Layer], entry: Consumption, at: datetime) -> None:
    for index, layer in enumerate(layers):
        if layer.key == (entry.source_id, entry.lot):
            layers[index] = replace(
                layer, quantity=layer.quantity + entry.quantity, value=layer.value + entry.amount
            )
            return
    # The layer was archived: the goods come back as a layer of their own, received now. It
    # received nothing new, so it carries no weight for later landed costs.
    returned = Layer(
        source_id=entry.source_id,
        lot=entry.lot,
        received_at=at,
        received_quantity=_NO_QUANTITY,
        quantity=entry.quantity,
        value=entry.amount,
    )
    insort(layers, returned, key=_fifo_order)


def _cost_targets(pool: Pool, target_source_ids: Sequence[str] | None) -> tuple[list[int], list[Decimal]]:
    """Which layers a cost goes to, and the quantity basis of each."""
    if target_source_ids is None:
        targets = _open_layers(pool, None)
        return targets, [pool.layers[index].quantity for index in targets]
    wanted = list(dict.fromkeys(target_source_ids))
    if not wanted:
        raise InvalidInput("field.required", field="target_source_ids")
    present = {layer.source_id for layer in pool.layers}
    for source_id in wanted:
        if source_id not in present:
            raise NotFound("valuation.unknown_layer", field="target_source_ids", value=source_id)
    targets = [index for index, layer in enumerate(pool.layers) if layer.source_id in wanted]
    return targets, [pool.layers[index].received_quantity for index in targets]


def _outgoing(
    pool: Pool,
    movement_id: str,
    flow: Flow,
    quantity: Decimal,
    amount: Decimal,
    taken: tuple[Consumption, ...],
    *,
    expensed: Decimal = ZERO,
) -> Valuation:
    return Valuation(
        movement_id=movement_id,
        flow=flow,
        method=pool.method,
        quantity=quantity,
        amount=amount,
        expensed=expensed,
        layers=taken,
    )


def _slice(amount: Decimal, whole: Decimal, start: Decimal, size: Decimal) -> Decimal:
    """The value of units ``start .. start + size`` of ``whole`` units worth ``amount``."""
    return pro_rata(amount, start + size, whole) - pro_rata(amount, start, whole)


def _returned_before(value: Decimal) -> Decimal:
    before = parse_quantity(value, field="returned_before")
    if before < 0:
        raise InvalidInput("field.invalid", field="returned_before", value=str(value), reason="negative")
    return before


def _check_original(pool: Pool, original: Valuation, flow: Flow, *, field: str) -> None:
    if original.flow is not flow:
        code = "valuation.not_an_issue" if flow is Flow.ISSUE else "valuation.not_a_receipt"
        raise InvalidInput(code, field=field, value=original.movement_id)
    if original.method is not pool.method:
        raise InvalidInput(
            "valuation.method_mismatch",
            field=field,
            value=original.movement_id,
            given=original.method.value,
            method=pool.method.value,
        )


def _check_returnable(original: Valuation, before: Decimal, quantity: Decimal) -> None:
    # documents track what was returned already; this refuses returning more than ever left
    if before + quantity > original.quantity:
        raise Conflict(
            "valuation.return_exceeds",
            field="quantity",
            value=original.movement_id,
            remaining=fmt(max(original.quantity - before, _NO_QUANTITY)),
            requested=fmt(quantity),
        )


def _require_id(movement_id: str) -> None:
    if not movement_id:
        raise InvalidInput("field.required", field="movement_id")


def _insufficient(available: Decimal, requested: Decimal, lot: str | None) -> InsufficientStock:
    return InsufficientStock(
        "valuation.insufficient",
        field="quantity",
        available=fmt(available),
        requested=fmt(requested),
        lot=lot or "",
    )
