"""Purchasing documents: purchase order, goods receipt, QC inspection, purchase return (ASN: :mod:`.asn`).

Invariants:
- A purchase order line's delivery schedule sums to the line quantity.
- Received quantity per order line never exceeds ordered × (1 + tolerance); returned never exceeds received.
  Returns to the supplier do not reopen the order: a replacement is a new order (or line).
- A purchase order is done exactly when every line is fully received, or when it was short-closed.
- A goods receipt, inspection or return is counted on its order / receipt at most once.
- QC: passed + failed = inspected, and failed stock has a disposition; a receipt line is inspected
  at most up to what it put into ``pending_qc``.
- A return never exceeds what its receipt line received minus what was already returned.

Quantities are in the line's unit; the services convert to the item's base unit for the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    check_counter,
    check_currency,
    check_line_basics,
    check_lot,
    check_lot_dates,
    check_price,
    check_sku,
    check_vat_rate,
    for_line,
    line_amounts,
    non_negative,
    sum_by,
    total_amounts,
)
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.quantity import positive_quantity
from jxc.kernel.text import business_code, optional_text

HUNDRED = Decimal(100)


# ---------------------------------------------------------------- purchase order


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverySlot:
    date: dt.date
    quantity: Decimal

    def __post_init__(self) -> None:
        positive_quantity(self.quantity, field="quantity")


@dataclass(frozen=True, slots=True, kw_only=True)
class PurchaseOrderLine:
    line_no: int
    sku: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # excl. VAT, up to six decimals
    vat_rate: Decimal  # fraction: 0.13
    expected_date: dt.date
    schedule: tuple[DeliverySlot, ...] = ()  # empty: everything on expected_date
    received: Decimal = ZERO
    returned: Decimal = ZERO

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_price(self.unit_price)
        check_vat_rate(self.vat_rate)
        if self.schedule:
            total = sum((slot.quantity for slot in self.schedule), ZERO)
            if total != self.quantity:
                raise InvalidInput(
                    "po.schedule_mismatch", field="schedule", total=str(total), quantity=str(self.quantity)
                )
            if len({slot.date for slot in self.schedule}) != len(self.schedule):
                raise InvalidInput("po.schedule_duplicate_date", field="schedule")
        non_negative(self.received, field="received")
        non_negative(self.returned, field="returned")
        check_counter(self.returned, self.received, field="returned")

    @property
    def deliveries(self) -> tuple[DeliverySlot, ...]:
        """The schedule, or a single delivery of everything on the expected date."""
        return self.schedule or (DeliverySlot(date=self.expected_date, quantity=self.quantity),)

    @property
    def amounts(self) -> Amounts:
        return line_amounts(quantity=self.quantity, unit_price=self.unit_price, vat_rate=self.vat_rate)

    @property
    def outstanding(self) -> Decimal:
        return max(self.quantity - self.received, ZERO)

    @property
    def fully_received(self) -> bool:
        return self.received >= self.quantity


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderReceived(DocumentEvent):
    receipt_id: UUID
    quantities: tuple[tuple[int, Decimal], ...]  # (order line, quantity received now)


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderReturnRecorded(DocumentEvent):
    return_id: UUID
    quantities: tuple[tuple[int, Decimal], ...]  # (order line, quantity returned now)


@dataclass(frozen=True, kw_only=True)
class PurchaseOrder(Document[PurchaseOrderLine]):
    doc_type: ClassVar[DocumentType] = DocumentType.PURCHASE_ORDER

    organisation: UUID
    supplier: UUID
    site: UUID
    currency: str = "CNY"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_currency(self.currency)

    def _started(self) -> bool:
        return any(line.received > 0 for line in self.lines)

    def _finished(self) -> bool:
        return all(line.fully_received for line in self.lines)

    @property
    def amounts(self) -> Amounts:
        """Order totals: sums of the lines' rounded amounts."""
        return total_amounts(line.amounts for line in self.lines)

    def record_receipt(
        self, receipt: GoodsReceipt, *, at: dt.datetime, tolerance_pct: Decimal = ZERO
    ) -> tuple[PurchaseOrder, Events]:
        """Count a goods receipt against the order (once); partial → partially_done, complete → done."""
        at = require_aware(at, field="at")
        self.require_open()
        if receipt.purchase_order != self.id:
            raise Conflict(
                "receipt.wrong_order", field="purchase_order", value=receipt.number, number=self.number
            )
        self.require_not_applied(receipt.id, receipt.number)
        check_receipt(self, receipt.lines, tolerance_pct)
        received = sum_by((line.po_line, line.quantity) for line in receipt.lines)
        changed = self._counted(receipt.id, "received", received)
        event = self._event(
            PurchaseOrderReceived, at, receipt_id=receipt.id, quantities=tuple(received.items())
        )
        return changed._settled_after(event, at)

    def record_return(
        self, purchase_return: PurchaseReturn, receipt: GoodsReceipt, *, at: dt.datetime
    ) -> tuple[PurchaseOrder, Events]:
        """Count a purchase return against the order lines its receipt lines belong to (once)."""
        at = require_aware(at, field="at")
        self.require_status(DocumentStatus.PARTIALLY_DONE, DocumentStatus.DONE)
        if receipt.purchase_order != self.id or purchase_return.goods_receipt != receipt.id:
            raise Conflict("return.wrong_receipt", field="goods_receipt", value=purchase_return.number)
        self.require_not_applied(purchase_return.id, purchase_return.number)
        returned = sum_by(
            (receipt.line(line.receipt_line).po_line, line.quantity) for line in purchase_return.lines
        )
        changed = self._counted(
            purchase_return.id, "returned", returned, bound=("received", "return.exceeds_received")
        )
        event = self._event(
            PurchaseOrderReturnRecorded, at, return_id=purchase_return.id, quantities=tuple(returned.items())
        )
        return changed, (event,)


# ---------------------------------------------------------------- goods receipt


class ReceiptTarget(StrEnum):
    """Where received stock lands: items that need QC wait in ``pending_qc``."""

    PENDING_QC = StockState.PENDING_QC.value
    AVAILABLE = StockState.AVAILABLE.value

    @classmethod
    def for_item(cls, *, needs_qc: bool) -> ReceiptTarget:
        return cls.PENDING_QC if needs_qc else cls.AVAILABLE


@dataclass(frozen=True, slots=True, kw_only=True)
class GoodsReceiptLine:
    line_no: int
    po_line: int
    sku: str
    quantity: Decimal
    unit: str
    target: ReceiptTarget = ReceiptTarget.AVAILABLE
    lot: str | None = None
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    inspected: Decimal = ZERO  # counted by QC inspections (pending_qc lines only)
    returned: Decimal = ZERO  # counted by purchase returns

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_lot_dates(self.lot, self.production_date, self.expiry_date)
        non_negative(self.inspected, field="inspected")
        non_negative(self.returned, field="returned")
        check_counter(self.inspected, self.quantity, field="inspected")
        check_counter(self.returned, self.quantity, field="returned")

    @property
    def returnable(self) -> Decimal:
        return self.quantity - self.returned

    @property
    def awaiting_qc(self) -> Decimal:
        return self.quantity - self.inspected if self.target is ReceiptTarget.PENDING_QC else ZERO


@dataclass(frozen=True, slots=True)
class Delivery:
    """A quantity of an order line that arrived on a day: the input of supplier reliability."""

    po_line: int
    received_on: dt.date
    quantity: Decimal


@dataclass(frozen=True, kw_only=True)
class GoodsReceived(DocumentEvent):
    purchase_order: UUID
    site: UUID
    lines: tuple[GoodsReceiptLine, ...]


@dataclass(frozen=True, kw_only=True)
class GoodsReceipt(Document[GoodsReceiptLine]):
    doc_type: ClassVar[DocumentType] = DocumentType.GOODS_RECEIPT

    organisation: UUID
    supplier: UUID
    site: UUID
    purchase_order: UUID
    received_on: dt.date
    asn: UUID | None = None

    def post(self, *, at: dt.datetime) -> tuple[GoodsReceipt, Events]:
        """Approved → done; the services post supplier → site (``target`` state) for each line."""
        at = require_aware(at, field="at")
        event = self._event(
            GoodsReceived, at, purchase_order=self.purchase_order, site=self.site, lines=self.lines
        )
        return self._posted(at, event)

    def deliveries(self) -> tuple[Delivery, ...]:
        return tuple(Delivery(line.po_line, self.received_on, line.quantity) for line in self.lines)

    def record_inspection(self, inspection: QcInspection) -> GoodsReceipt:
        """Count a posted receipt's inspected quantities (once per inspection)."""
        self.require_status(DocumentStatus.DONE)
        if inspection.goods_receipt != self.id:
            raise Conflict(
                "qc.wrong_receipt", field="goods_receipt", value=inspection.number, number=self.number
            )
        self.require_not_applied(inspection.id, inspection.number)
        check_inspection(self, inspection.lines)
        inspected = sum_by((line.receipt_line, line.inspected) for line in inspection.lines)
        return self._counted(inspection.id, "inspected", inspected)

    def record_return(self, purchase_return: PurchaseReturn) -> GoodsReceipt:
        """Count a purchase return against this receipt's lines (once per return)."""
        self.require_status(DocumentStatus.DONE)
        if purchase_return.goods_receipt != self.id:
            raise Conflict("return.wrong_receipt", field="goods_receipt", value=purchase_return.number)
        self.require_not_applied(purchase_return.id, purchase_return.number)
        check_purchase_return(self, purchase_return.lines)
        returned = sum_by((line.receipt_line, line.quantity) for line in purchase_return.lines)
        return self._counted(purchase_return.id, "returned", returned)


def check_receipt(
    po: PurchaseOrder, receipt_lines: Sequence[GoodsReceiptLine], tolerance_pct: Decimal = ZERO
) -> None:
    """Refuse receipt lines for unknown order lines, other items, or beyond ordered × (1 + tolerance %).

    The tolerance applies per order line; several receipt lines of one order line (lots) add up.
    """
    if not isinstance(tolerance_pct, Decimal) or not tolerance_pct.is_finite() or tolerance_pct < 0:
        raise InvalidInput(
            "field.invalid", field="tolerance_pct", value=str(tolerance_pct), reason="must be ≥ 0"
        )
    ordered = {line.line_no: line for line in po.lines}
    receiving: dict[int, Decimal] = {}
    for i, line in enumerate(receipt_lines):
        po_line = ordered.get(line.po_line)
        if po_line is None:
            raise InvalidInput(
                "receipt.unknown_line", field=f"lines[{i}].po_line", value=line.po_line, number=po.number
            )
        check_sku(po_line.sku, line.sku, field=f"lines[{i}].sku")
        receiving[line.po_line] = receiving.get(line.po_line, ZERO) + line.quantity
        limit = po_line.quantity * (1 + tolerance_pct / HUNDRED)
        if po_line.received + receiving[line.po_line] > limit:
            raise InvalidInput(
                "receipt.over_tolerance",
                field=f"lines[{i}].quantity",
                ordered=str(po_line.quantity),
                already=str(po_line.received),
                requested=str(receiving[line.po_line]),
                tolerance=f"{tolerance_pct.normalize():f}",
            )


# ---------------------------------------------------------------- QC inspection


class FailedDisposition(StrEnum):
    RETURN_TO_SUPPLIER = "return_to_supplier"
    DAMAGED = "damaged"

    @property
    def target_state(self) -> StockState:
        """Stock to return waits in QC hold for its purchase return; damaged stock is written off there."""
        return StockState.QC_HOLD if self is FailedDisposition.RETURN_TO_SUPPLIER else StockState.DAMAGED


@dataclass(frozen=True, slots=True, kw_only=True)
class QcLine:
    line_no: int
    receipt_line: int
    sku: str
    inspected: Decimal
    passed: Decimal
    failed: Decimal
    disposition: FailedDisposition | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        business_code(self.sku, field="sku")
        positive_quantity(self.inspected, field="inspected")
        non_negative(self.passed, field="passed")
        non_negative(self.failed, field="failed")
        if self.passed + self.failed != self.inspected:
            raise InvalidInput(
                "qc.quantities_mismatch",
                field="failed",
                inspected=str(self.inspected),
                passed=str(self.passed),
                failed=str(self.failed),
            )
        if self.failed > 0 and self.disposition is None:
            raise InvalidInput("qc.disposition_required", field="disposition", failed=str(self.failed))
        optional_text(self.note, field="note", limit=500)


@dataclass(frozen=True, kw_only=True)
class QcInspected(DocumentEvent):
    goods_receipt: UUID
    site: UUID
    lines: tuple[QcLine, ...]


@dataclass(frozen=True, kw_only=True)
class QcInspection(Document[QcLine]):
    """Passed stock goes pending_qc → available; failed goes to its disposition's ``target_state``."""

    doc_type: ClassVar[DocumentType] = DocumentType.QC_INSPECTION

    organisation: UUID
    site: UUID
    goods_receipt: UUID

    def post(self, *, at: dt.datetime) -> tuple[QcInspection, Events]:
        at = require_aware(at, field="at")
        event = self._event(
            QcInspected, at, goods_receipt=self.goods_receipt, site=self.site, lines=self.lines
        )
        return self._posted(at, event)


def check_inspection(receipt: GoodsReceipt, lines: Sequence[QcLine]) -> None:
    """Each inspected line went to pending_qc and is inspected at most up to what still awaits QC."""
    taking: dict[int, Decimal] = {}
    for i, line in enumerate(lines):
        try:
            received = receipt.line(line.receipt_line)
        except InvalidInput:
            raise InvalidInput(
                "qc.unknown_line",
                field=f"lines[{i}].receipt_line",
                value=line.receipt_line,
                number=receipt.number,
            ) from None
        check_sku(received.sku, line.sku, field=f"lines[{i}].sku")
        if received.target is not ReceiptTarget.PENDING_QC:
            raise InvalidInput("qc.not_pending", field=f"lines[{i}].receipt_line", value=line.receipt_line)
        taking[line.receipt_line] = taking.get(line.receipt_line, ZERO) + line.inspected
        if taking[line.receipt_line] > received.awaiting_qc:
            raise InvalidInput(
                "qc.exceeds_pending",
                field=f"lines[{i}].inspected",
                pending=str(received.awaiting_qc),
                requested=str(taking[line.receipt_line]),
            )


# ---------------------------------------------------------------- purchase return


@dataclass(frozen=True, slots=True, kw_only=True)
class PurchaseReturnLine:
    line_no: int
    receipt_line: int
    sku: str
    quantity: Decimal
    unit: str
    from_state: StockState = StockState.AVAILABLE
    lot: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_lot(self.lot)
        optional_text(self.reason, field="reason", limit=500)


@dataclass(frozen=True, kw_only=True)
class GoodsReturnedToSupplier(DocumentEvent):
    goods_receipt: UUID
    supplier: UUID
    site: UUID
    lines: tuple[PurchaseReturnLine, ...]


@dataclass(frozen=True, kw_only=True)
class PurchaseReturn(Document[PurchaseReturnLine]):
    """Stock going back to the supplier: site (``from_state``) → @supplier, against receipt lines."""

    doc_type: ClassVar[DocumentType] = DocumentType.PURCHASE_RETURN

    organisation: UUID
    supplier: UUID
    site: UUID
    goods_receipt: UUID

    def post(self, *, at: dt.datetime) -> tuple[PurchaseReturn, Events]:
        at = require_aware(at, field="at")
        event = self._event(
            GoodsReturnedToSupplier,
            at,
            goods_receipt=self.goods_receipt,
            supplier=self.supplier,
            site=self.site,
            lines=self.lines,
        )
        return self._posted(at, event)


def check_purchase_return(receipt: GoodsReceipt, lines: Sequence[PurchaseReturnLine]) -> None:
    """A return takes at most what each receipt line received minus what was already returned."""
    taking: dict[int, Decimal] = {}
    for i, line in enumerate(lines):
        try:
            received = receipt.line(line.receipt_line)
        except InvalidInput:
            raise InvalidInput(
                "return.unknown_line",
                field=f"lines[{i}].receipt_line",
                value=line.receipt_line,
                number=receipt.number,
            ) from None
        check_sku(received.sku, line.sku, field=f"lines[{i}].sku")
        taking[line.receipt_line] = taking.get(line.receipt_line, ZERO) + line.quantity
        if taking[line.receipt_line] > received.returnable:
            raise InvalidInput(
                "return.exceeds_received",
                field=f"lines[{i}].quantity",
                received=str(received.quantity),
                returned=str(received.returned),
                requested=str(taking[line.receipt_line]),
            )


def receipt_lines_for(
    po: PurchaseOrder, quantities: Mapping[int, Decimal], *, needs_qc: bool = False
) -> tuple[GoodsReceiptLine, ...]:
    """Receipt lines for ``{order line: quantity}`` copying item and unit from the order (a convenience)."""
    lines = []
    for i, (po_line, qty) in enumerate(quantities.items(), start=1):
        ordered = po.line(po_line, field="po_line")
        with for_line(i - 1):
            lines.append(
                GoodsReceiptLine(
                    line_no=i,
                    po_line=po_line,
                    sku=ordered.sku,
                    quantity=qty,
                    unit=ordered.unit,
                    target=ReceiptTarget.for_item(needs_qc=needs_qc),
                )
            )
    return tuple(lines)
