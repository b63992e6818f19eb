"""Sales documents: sales order, shipment, sales return.

Invariants:
- A B2B order names its customer; POS, online and mini-program orders may be anonymous.
- A line's discount is an amount (excl. VAT, to the fen) no larger than the line's net before discount;
  VAT is charged on the discounted net.
- Shipped quantity per order line never exceeds ordered (no over-shipping); a sales order is done
  exactly when every line is fully shipped, or when it was short-closed. Returns do not reopen it.
- A shipment line's lot/serial allocations, when given, add up to its quantity; a serial is shipped
  once per line with quantity 1.
- A sales return never exceeds what its shipment line shipped minus what was already returned, and
  a returned serial must have been shipped on that line. Returned stock lands in ``returned_pending``.
- A shipment or return is counted on its order / shipment at most once.
- An order's reservations (made when it is approved) name its own lines only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from jxc.documents.model.lifecycle import (
    ZERO,
    Amounts,
    Document,
    DocumentEvent,
    DocumentStatus,
    DocumentType,
    Events,
    StockState,
    check_amount,
    check_counter,
    check_currency,
    check_line_basics,
    check_lot,
    check_price,
    check_sku,
    check_vat_rate,
    line_amounts,
    non_negative,
    sum_by,
    to_fen,
    total_amounts,
)
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.quantity import positive_quantity
from jxc.kernel.text import business_code, optional_text


class Channel(StrEnum):
    B2B = "b2b"
    POS = "pos"
    ONLINE = "online"
    MINI_PROGRAM = "mini_program"


# ---------------------------------------------------------------- sales order


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesOrderLine:
    line_no: int
    sku: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # excl. VAT, up to six decimals
    vat_rate: Decimal  # fraction: 0.13
    discount: Decimal = ZERO  # amount off the line's net, excl. VAT
    requested_date: dt.date | None = None
    shipped: Decimal = ZERO
    returned: Decimal = ZERO

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_price(self.unit_price)
        check_vat_rate(self.vat_rate)
        check_amount(self.discount, field="discount")
        gross_net = to_fen(self.quantity * self.unit_price)
        if self.discount > gross_net:
            raise InvalidInput(
                "discount.exceeds_net", field="discount", value=str(self.discount), net=str(gross_net)
            )
        non_negative(self.shipped, field="shipped")
        non_negative(self.returned, field="returned")
        check_counter(self.shipped, self.quantity, field="shipped")
        check_counter(self.returned, self.shipped, field="returned")

    @property
    def amounts(self) -> Amounts:
        return line_amounts(
            quantity=self.quantity, unit_price=self.unit_price, vat_rate=self.vat_rate, discount=self.discount
        )

    @property
    def outstanding(self) -> Decimal:
        return max(self.quantity - self.shipped, ZERO)

    @property
    def fully_shipped(self) -> bool:
        return self.shipped >= self.quantity


@dataclass(frozen=True, kw_only=True)
class SalesOrderShipped(DocumentEvent):
    shipment_id: UUID
    quantities: tuple[tuple[int, Decimal], ...]  # (order line, quantity shipped now)


@dataclass(frozen=True, kw_only=True)
class SalesOrderReturnRecorded(DocumentEvent):
    return_id: UUID
    quantities: tuple[tuple[int, Decimal], ...]  # (order line, quantity returned now)


@dataclass(frozen=True, kw_only=True)
class SalesOrder(Document[SalesOrderLine]):
    doc_type: ClassVar[DocumentType] = DocumentType.SALES_ORDER

    organisation: UUID
    channel: Channel
    site: UUID
    customer: UUID | None = None
    currency: str = "CNY"
    # Stock reserved for the order when it was approved: (order line, reservation id), in taking order.
    reservations: tuple[tuple[int, UUID], ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        check_currency(self.currency)
        if self.channel is Channel.B2B and self.customer is None:
            raise InvalidInput("field.required", field="customer")
        known = {line.line_no for line in self.lines}
        for i, (line_no, _reservation) in enumerate(self.reservations):
            if line_no not in known:
                raise InvalidInput("document.unknown_line", field=f"reservations[{i}]", value=line_no,
                                   number=self.number)

    def reservations_of(self, line_no: int) -> tuple[UUID, ...]:
        """The reservations holding stock for an order line, in the order they are shipped from."""
        return tuple(reservation for n, reservation in self.reservations if n == line_no)

    def with_reservations(self, reservations: Sequence[tuple[int, UUID]]) -> SalesOrder:
        """The approved order remembering the reservations made for its lines (added to any it has)."""
        self.require_open()
        return replace(self, reservations=(*self.reservations, *reservations))

    def _started(self) -> bool:
        return any(line.shipped > 0 for line in self.lines)

    def _finished(self) -> bool:
        return all(line.fully_shipped for line in self.lines)

    @property
    def amounts(self) -> Amounts:
        return total_amounts(line.amounts for line in self.lines)

    def record_shipment(self, shipment: Shipment, *, at: dt.datetime) -> tuple[SalesOrder, Events]:
        """Count a shipment against the order (once); partial → partially_done, complete → done."""
        at = require_aware(at, field="at")
        self.require_open()
        if shipment.sales_order != self.id:
            raise Conflict(
                "shipment.wrong_order", field="sales_order", value=shipment.number, number=self.number
            )
        self.require_not_applied(shipment.id, shipment.number)
        check_shipment(self, shipment.lines)
        shipped = sum_by((line.so_line, line.quantity) for line in shipment.lines)
        changed = self._counted(shipment.id, "shipped", shipped)
        event = self._event(SalesOrderShipped, at, shipment_id=shipment.id, quantities=tuple(shipped.items()))
        return changed._settled_after(event, at)

    def record_return(
        self, sales_return: SalesReturn, shipment: Shipment, *, at: dt.datetime
    ) -> tuple[SalesOrder, Events]:
        """Count a sales return on the order lines its shipment lines belong to (once)."""
        at = require_aware(at, field="at")
        self.require_status(DocumentStatus.PARTIALLY_DONE, DocumentStatus.DONE)
        if shipment.sales_order != self.id or sales_return.shipment != shipment.id:
            raise Conflict("return.wrong_shipment", field="shipment", value=sales_return.number)
        self.require_not_applied(sales_return.id, sales_return.number)
        returned = sum_by(
            (shipment.line(line.shipment_line).so_line, line.quantity) for line in sales_return.lines
        )
        changed = self._counted(
            sales_return.id, "returned", returned, bound=("shipped", "return.exceeds_shipped")
        )
        event = self._event(
            SalesOrderReturnRecorded, at, return_id=sales_return.id, quantities=tuple(returned.items())
        )
        return changed, (event,)


# ---------------------------------------------------------------- shipment


def _check_serial(serial: str | None, quantity: Decimal) -> None:
    """A serial number names one piece: a line with a serial has quantity 1."""
    if serial is not None:
        business_code(serial, field="serial")
        if quantity != 1:
            raise InvalidInput("quantity.not_whole", field="quantity", value=str(quantity))


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """Which lot or serial a part of a shipment line comes from."""

    quantity: Decimal
    lot: str | None = None
    serial: str | None = None

    def __post_init__(self) -> None:
        positive_quantity(self.quantity, field="quantity")
        check_lot(self.lot)
        _check_serial(self.serial, self.quantity)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipmentLine:
    line_no: int
    so_line: int
    sku: str
    quantity: Decimal
    unit: str
    allocations: tuple[Allocation, ...] = ()  # empty: the ledger picks (FEFO / FIFO)
    returned: Decimal = ZERO  # counted by sales returns

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        non_negative(self.returned, field="returned")
        check_counter(self.returned, self.quantity, field="returned")
        if self.allocations:
            total = sum((a.quantity for a in self.allocations), ZERO)
            if total != self.quantity:
                raise InvalidInput(
                    "shipment.allocation_mismatch",
                    field="allocations",
                    total=str(total),
                    quantity=str(self.quantity),
                )
            serials = [a.serial for a in self.allocations if a.serial is not None]
            if len(set(serials)) != len(serials):
                raise InvalidInput("shipment.duplicate_serial", field="allocations")

    @property
    def serials(self) -> frozenset[str]:
        return frozenset(a.serial for a in self.allocations if a.serial is not None)

    @property
    def returnable(self) -> Decimal:
        return self.quantity - self.returned


@dataclass(frozen=True, kw_only=True)
class GoodsShipped(DocumentEvent):
    sales_order: UUID
    site: UUID
    customer: UUID | None
    lines: tuple[ShipmentLine, ...]


@dataclass(frozen=True, kw_only=True)
class Shipment(Document[ShipmentLine]):
    """Stock leaving for the customer: site → @customer, against sales order lines."""

    doc_type: ClassVar[DocumentType] = DocumentType.SHIPMENT

    organisation: UUID
    site: UUID
    sales_order: UUID
    shipped_on: dt.date
    customer: UUID | None = None
    carrier: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        optional_text(self.carrier, field="carrier", limit=200)

    def post(self, *, at: dt.datetime) -> tuple[Shipment, Events]:
        at = require_aware(at, field="at")
        event = self._event(
            GoodsShipped,
            at,
            sales_order=self.sales_order,
            site=self.site,
            customer=self.customer,
            lines=self.lines,
        )
        return self._posted(at, event)

    def record_return(self, sales_return: SalesReturn) -> Shipment:
        """Count a posted shipment's returned quantities (once per return)."""
        self.require_status(DocumentStatus.DONE)
        if sales_return.shipment != self.id:
            raise Conflict("return.wrong_shipment", field="shipment", value=sales_return.number)
        self.require_not_applied(sales_return.id, sales_return.number)
        check_sales_return(self, sales_return.lines)
        returned = sum_by((line.shipment_line, line.quantity) for line in sales_return.lines)
        return self._counted(sales_return.id, "returned", returned)


def check_shipment(so: SalesOrder, lines: Sequence[ShipmentLine]) -> None:
    """Refuse shipment lines for unknown order lines, other items, or more than is still to ship."""
    ordered = {line.line_no: line for line in so.lines}
    shipping: dict[int, Decimal] = {}
    for i, line in enumerate(lines):
        so_line = ordered.get(line.so_line)
        if so_line is None:
            raise InvalidInput(
                "shipment.unknown_line", field=f"lines[{i}].so_line", value=line.so_line, number=so.number
            )
        check_sku(so_line.sku, line.sku, field=f"lines[{i}].sku")
        shipping[line.so_line] = shipping.get(line.so_line, ZERO) + line.quantity
        if so_line.shipped + shipping[line.so_line] > so_line.quantity:
            raise InvalidInput(
                "shipment.exceeds_ordered",
                field=f"lines[{i}].quantity",
                ordered=str(so_line.quantity),
                already=str(so_line.shipped),
                requested=str(shipping[line.so_line]),
            )


# ---------------------------------------------------------------- sales return


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesReturnLine:
    line_no: int
    shipment_line: int
    sku: str
    quantity: Decimal
    unit: str
    lot: str | None = None
    serial: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_lot(self.lot)
        _check_serial(self.serial, self.quantity)
        optional_text(self.reason, field="reason", limit=500)


@dataclass(frozen=True, kw_only=True)
class GoodsReturnedByCustomer(DocumentEvent):
    shipment: UUID
    site: UUID
    customer: UUID | None
    target_state: StockState
    lines: tuple[SalesReturnLine, ...]


@dataclass(frozen=True, kw_only=True)
class SalesReturn(Document[SalesReturnLine]):
    """Stock coming back from the customer: @customer → site, into ``returned_pending`` for inspection."""

    doc_type: ClassVar[DocumentType] = DocumentType.SALES_RETURN
    target_state: ClassVar[StockState] = StockState.RETURNED_PENDING

    organisation: UUID
    site: UUID
    shipment: UUID
    customer: UUID | None = None

    def post(self, *, at: dt.datetime) -> tuple[SalesReturn, Events]:
        at = require_aware(at, field="at")
        event = self._event(
            GoodsReturnedByCustomer,
            at,
            shipment=self.shipment,
            site=self.site,
            customer=self.customer,
            target_state=self.target_state,
            lines=self.lines,
        )
        return self._posted(at, event)


def check_sales_return(shipment: Shipment, lines: Sequence[SalesReturnLine]) -> None:
    """A return takes at most what each shipment line shipped minus what was already returned."""
    taking: dict[int, Decimal] = {}
    for i, line in enumerate(lines):
        try:
            shipped = shipment.line(line.shipment_line)
        except InvalidInput:
            raise InvalidInput(
                "return.unknown_line",
                field=f"lines[{i}].shipment_line",
                value=line.shipment_line,
                number=shipment.number,
            ) from None
        check_sku(shipped.sku, line.sku, field=f"lines[{i}].sku")
        if line.serial is not None and shipped.allocations and line.serial not in shipped.serials:
            raise InvalidInput("return.serial_not_shipped", field=f"lines[{i}].serial", value=line.serial)
        taking[line.shipment_line] = taking.get(line.shipment_line, ZERO) + line.quantity
        if taking[line.shipment_line] > shipped.returnable:
            raise InvalidInput(
                "return.exceeds_shipped",
                field=f"lines[{i}].quantity",
                shipped=str(shipped.quantity),
                returned=str(shipped.returned),
                requested=str(taking[line.shipment_line]),
            )
