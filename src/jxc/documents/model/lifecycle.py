"""What every document shares: status lifecycle, human numbers, amounts, lifecycle events.

Invariants:
- Status moves only along ``TRANSITIONS``: draft → submitted → approved → (partially_done →) done;
  submitted may be rejected back to draft; draft, submitted and approved may be cancelled while
  nothing has been executed. Once something is executed a document can no longer be cancelled:
  ``close`` short-closes the remainder to done and records why.
- Lines are edited only in draft; a document without lines cannot be submitted, and a document
  that is already submitted (or further) cannot be submitted again (``document.already_submitted``).
- Line numbers are positive and unique within a document; the number's prefix matches the type.
- Amounts are rounded to the fen (0.01, ROUND_HALF_UP) per line, VAT per line on the rounded net
  (as a 增值税发票 does); order totals are sums of rounded line amounts, so they always add up.
- Transitions never mutate: they return a new document and the events they produced.

Document numbers look like ``PO-2026-000123``. The sequence is per organisation, type and year;
allocating it (without gaps or duplicates under concurrency) is the services' job, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast
from uuid import UUID

from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, IllegalTransition, InvalidInput, JxcError
from jxc.kernel.events import DomainEvent
from jxc.kernel.quantity import parse_quantity, positive_quantity
from jxc.kernel.text import business_code, required_text

ZERO = Decimal(0)
FEN = Decimal("0.01")
PRICE_SCALE = 6
REASON_MAX = 500
UNIT_MAX = 32


# ---------------------------------------------------------------- status and transitions


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTIALLY_DONE = "partially_done"
    DONE = "done"
    CANCELLED = "cancelled"


_S = DocumentStatus
TRANSITIONS: Mapping[DocumentStatus, frozenset[DocumentStatus]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.CANCELLED}),
    _S.SUBMITTED: frozenset({_S.APPROVED, _S.DRAFT, _S.CANCELLED}),
    _S.APPROVED: frozenset({_S.PARTIALLY_DONE, _S.DONE, _S.CANCELLED}),
    _S.PARTIALLY_DONE: frozenset({_S.DONE}),
    _S.DONE: frozenset(),
    _S.CANCELLED: frozenset(),
}
OPEN_FOR_EXECUTION: frozenset[DocumentStatus] = frozenset({_S.APPROVED, _S.PARTIALLY_DONE})


def check_transition(current: DocumentStatus, to: DocumentStatus) -> None:
    """Refuse a status change that is not in the transition table."""
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(
            "document.illegal_transition", field="status", value=current.value, to=to.value
        )


# ---------------------------------------------------------------- types and numbers


class DocumentType(StrEnum):
    PURCHASE_REQUISITION = "purchase_requisition"
    PURCHASE_ORDER = "purchase_order"
    ADVANCE_SHIPPING_NOTICE = "advance_shipping_notice"
    GOODS_RECEIPT = "goods_receipt"
    QC_INSPECTION = "qc_inspection"
    PURCHASE_RETURN = "purchase_return"
    SALES_ORDER = "sales_order"
    SHIPMENT = "shipment"
    SALES_RETURN = "sales_return"
    TRANSFER_ORDER = "transfer_order"
    STOCKTAKE = "stocktake"

    @property
    def prefix(self) -> str:
        return PREFIXES[self]


_T = DocumentType
PREFIXES: Mapping[DocumentType, str] = {
    _T.PURCHASE_REQUISITION: "PR",
    _T.PURCHASE_ORDER: "PO",
    _T.ADVANCE_SHIPPING_NOTICE: "ASN",
    _T.GOODS_RECEIPT: "GR",
    _T.QC_INSPECTION: "QC",
    _T.PURCHASE_RETURN: "PRT",
    _T.SALES_ORDER: "SO",
    _T.SHIPMENT: "SH",
    _T.SALES_RETURN: "SRT",
    _T.TRANSFER_ORDER: "TO",
    _T.STOCKTAKE: "ST",
}
_BY_PREFIX: Mapping[str, DocumentType] = {prefix: doc_type for doc_type, prefix in PREFIXES.items()}
_NUMBER = re.compile(r"([A-Z]{2,3})-(\d{4})-(\d{6,})")
SEQ_DIGITS = 6


@dataclass(frozen=True, slots=True)
class DocumentNumber:
    doc_type: DocumentType
    year: int
    seq: int

    def __str__(self) -> str:
        return document_number(self.doc_type, self.year, self.seq)


def document_number(doc_type: DocumentType, year: int, seq: int) -> str:
    """The human number, e.g. ``PO-2026-000123`` (the sequence widens past 999999, never wraps)."""
    if not 1000 <= year <= 9999 or seq < 1:
        raise InvalidInput("document.number_invalid", field="number", value=f"{doc_type.prefix}-{year}-{seq}")
    return f"{doc_type.prefix}-{year:04d}-{seq:0{SEQ_DIGITS}d}"


def parse_document_number(text: str) -> DocumentNumber:
    """The type, year and sequence of a canonical document number, or ``document.number_invalid``."""
    match = _NUMBER.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or match.group(1) not in _BY_PREFIX:
        raise InvalidInput("document.number_invalid", field="number", value=str(text))
    parsed = DocumentNumber(_BY_PREFIX[match.group(1)], int(match.group(2)), int(match.group(3)))
    if str(parsed) != text.strip():  # e.g. "PO-2026-0000123": one number, one spelling
        raise InvalidInput("document.number_invalid", field="number", value=text)
    return parsed


# ---------------------------------------------------------------- amounts and numbers on lines


def to_fen(amount: Decimal) -> Decimal:
    """Round a money amount to the fen, half up (the rounding of Chinese tax invoices)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Amounts:
    """Net (excl. VAT), VAT and gross, each to the fen."""

    net: Decimal = ZERO
    vat: Decimal = ZERO
    gross: Decimal = ZERO

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.net + other.net, self.vat + other.vat, self.gross + other.gross)


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, vat_rate: Decimal, discount: Decimal = ZERO
) -> Amounts:
    """net = fen(quantity × price) − discount; VAT = fen(net × rate); gross = net + VAT."""
    net = to_fen(quantity * unit_price) - discount
    vat = to_fen(net * vat_rate)
    return Amounts(net, vat, net + vat)


def total_amounts(amounts: Iterable[Amounts]) -> Amounts:
    return sum(amounts, Amounts())


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_price(value: Decimal, *, field: str = "unit_price") -> None:
    """A price is a finite Decimal ≥ 0 with at most six decimals (excl. VAT)."""
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or value < 0
        or _decimals(value.normalize()) > PRICE_SCALE
    ):
        raise InvalidInput("price.invalid", field=field, value=str(value))


def check_vat_rate(value: Decimal, *, field: str = "vat_rate") -> None:
    """A VAT rate is a fraction: 0 ≤ rate < 1 (0.13, not 13)."""
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or not 0 <= value < 1
        or _decimals(value.normalize()) > PRICE_SCALE
    ):
        raise InvalidInput("vat.invalid", field=field, value=str(value))


def check_amount(value: Decimal, *, field: str) -> None:
    """A money amount is a finite Decimal ≥ 0 to the fen at most."""
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or value < 0
        or _decimals(value.normalize()) > 2
    ):
        raise InvalidInput("amount.invalid", field=field, value=str(value))


def check_currency(value: str, *, field: str = "currency") -> None:
    if not (
        isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()
    ):
        raise InvalidInput("currency.invalid", field=field, value=str(value))


def non_negative(value: Decimal, *, field: str) -> None:
    """A counter or counted quantity: exact, at most six decimals, never below zero."""
    parse_quantity(value, field=field)
    if value < 0:
        raise InvalidInput("quantity.negative", field=field, value=str(value))


def check_counter(value: Decimal, limit: Decimal, *, field: str) -> None:
    """A line's running total stays within its bound (returned ≤ received, shipped ≤ ordered, …)."""
    if value > limit:
        raise InvalidInput("document.counter_exceeds", field=field, value=str(value), limit=str(limit))


def check_reason(value: str, *, field: str = "reason") -> str:
    return required_text(value, field=field, limit=REASON_MAX)


class StockState(StrEnum):
    """The ledger states documents move stock into (names equal ``jxc.inventory.states.State``)."""

    AVAILABLE = "available"
    IN_TRANSIT = "in_transit"
    PENDING_QC = "pending_qc"
    QC_HOLD = "qc_hold"
    DAMAGED = "damaged"
    RETURNED_PENDING = "returned_pending"


def check_line_basics(*, sku: str, unit: str, quantity: Decimal) -> None:
    """Item code, unit and a positive quantity: what every item line has."""
    business_code(sku, field="sku")
    required_text(unit, field="unit", limit=UNIT_MAX)
    positive_quantity(quantity, field="quantity")


def check_lot(lot: str | None, *, field: str = "lot") -> None:
    if lot is not None:
        business_code(lot, field=field)


def check_lot_dates(lot: str | None, production: date | None, expiry: date | None) -> None:
    check_lot(lot)
    if production is not None and expiry is not None and expiry < production:
        raise InvalidInput("lot.dates", field="expiry_date", value=lot or "-")


def check_sku(expected: str, given: str, *, field: str) -> None:
    """A line referring to another document's line must be for the same item."""
    if expected != given:
        raise InvalidInput("document.sku_mismatch", field=field, value=given, expected=expected)


@contextmanager
def for_line(index: int, name: str = "lines") -> Iterator[None]:
    """Re-raise a line's own validation error with its position: ``quantity`` → ``lines[2].quantity``."""
    try:
        yield
    except JxcError as exc:
        path = f"{name}[{index}]"
        raise type(exc)(exc.code, field=f"{path}.{exc.field}" if exc.field else path, **exc.params) from None


# ---------------------------------------------------------------- lifecycle events


@dataclass(frozen=True, kw_only=True)
class DocumentEvent(DomainEvent):
    document_id: UUID
    number: str
    doc_type: DocumentType
    at: datetime


@dataclass(frozen=True, kw_only=True)
class DocumentSubmitted(DocumentEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class DocumentApproved(DocumentEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class DocumentRejected(DocumentEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class DocumentCancelled(DocumentEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class DocumentClosed(DocumentEvent):
    """Short-closed: the unexecuted remainder will not be executed."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class DocumentCompleted(DocumentEvent):
    """The document reached ``done`` (fully executed, posted, or short-closed)."""


Events = tuple[DocumentEvent, ...]
E = TypeVar("E", bound=DocumentEvent)


# ---------------------------------------------------------------- the document base


class Line(Protocol):
    @property
    def line_no(self) -> int: ...


L = TypeVar("L", bound=Line)


@dataclass(frozen=True, kw_only=True)
class Document(Generic[L]):
    """Header fields and the lifecycle every document shares; subclasses add their own fields.

    Subclasses say what "executed" means through ``_started`` (anything executed) and ``_finished``
    (everything executed), and add checks before submission through ``_check_submittable``.
    """

    doc_type: ClassVar[DocumentType]

    id: UUID
    number: str
    lines: tuple[L, ...] = ()
    status: DocumentStatus = DocumentStatus.DRAFT
    closed_reason: str | None = None
    cancelled_reason: str | None = None
    applied: tuple[UUID, ...] = ()  # execution documents already counted here (idempotence)

    def __post_init__(self) -> None:
        parsed = parse_document_number(self.number)
        if parsed.doc_type is not self.doc_type:
            raise InvalidInput(
                "document.number_mismatch", field="number", value=self.number, expected=self.doc_type.prefix
            )
        seen: set[int] = set()
        for i, line in enumerate(self.lines):
            if line.line_no < 1 or line.line_no in seen:
                raise InvalidInput("document.duplicate_line", field=f"lines[{i}].line_no", value=line.line_no)
            seen.add(line.line_no)

    # ---- hooks
    def _started(self) -> bool:
        """Has anything been executed against this document?"""
        return False

    def _finished(self) -> bool:
        """Has everything been executed?"""
        return False

    def _check_submittable(self) -> None:
        """Extra checks before submission (the lines are known to be non-empty)."""

    # ---- lines
    def line(self, line_no: int, *, field: str = "line_no") -> L:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise InvalidInput("document.unknown_line", field=field, value=line_no, number=self.number)

    def index_of(self, line_no: int) -> int:
        return next(i for i, line in enumerate(self.lines) if line.line_no == line_no)

    @property
    def next_line_no(self) -> int:
        return max((line.line_no for line in self.lines), default=0) + 1

    def require_editable(self) -> None:
        if self.status is not DocumentStatus.DRAFT:
            raise Conflict(
                "document.not_editable", field="lines", value=self.status.value, number=self.number
            )

    def with_lines(self, lines: Iterable[L]) -> Self:
        """The same draft with these lines instead (validated as a whole)."""
        self.require_editable()
        return replace(self, lines=tuple(lines))

    def add_line(self, line: L) -> Self:
        return self.with_lines((*self.lines, line))

    def remove_line(self, line_no: int) -> Self:
        self.line(line_no)
        return self.with_lines(line for line in self.lines if line.line_no != line_no)

    def replace_line(self, line: L) -> Self:
        self.line(line.line_no)
        return self.with_lines(line if old.line_no == line.line_no else old for old in self.lines)

    # ---- transitions
    def submit(self, *, at: datetime) -> tuple[Self, Events]:
        at = require_aware(at, field="at")
        if self.status in (_S.SUBMITTED, _S.APPROVED, _S.PARTIALLY_DONE, _S.DONE):
            raise IllegalTransition(
                "document.already_submitted", field="status", value=self.status.value, number=self.number
            )
        check_transition(self.status, _S.SUBMITTED)
        if not self.lines:
            raise InvalidInput("document.empty", field="lines", number=self.number)
        self._check_submittable()
        return replace(self, status=_S.SUBMITTED), (self._event(DocumentSubmitted, at),)

    def approve(self, *, at: datetime) -> tuple[Self, Events]:
        at = require_aware(at, field="at")
        check_transition(self.status, _S.APPROVED)
        return replace(self, status=_S.APPROVED), (self._event(DocumentApproved, at),)

    def reject(self, *, at: datetime, reason: str) -> tuple[Self, Events]:
        """Send a submitted document back to draft for correction (e.g. a recount)."""
        at = require_aware(at, field="at")
        reason = check_reason(reason)
        check_transition(self.status, _S.DRAFT)
        return replace(self, status=_S.DRAFT), (self._event(DocumentRejected, at, reason=reason),)

    def cancel(self, *, at: datetime, reason: str) -> tuple[Self, Events]:
        """Cancel while nothing has been executed; afterwards only ``close`` ends the document."""
        at = require_aware(at, field="at")
        reason = check_reason(reason)
        check_transition(self.status, _S.CANCELLED)
        if self._started():
            raise IllegalTransition(
                "document.illegal_transition", field="status", value=self.status.value, to=_S.CANCELLED.value
            )
        changed = replace(self, status=_S.CANCELLED, cancelled_reason=reason)
        return changed, (self._event(DocumentCancelled, at, reason=reason),)

    def close(self, *, at: datetime, reason: str) -> tuple[Self, Events]:
        """Short-close a partially executed document: the remainder will not be executed."""
        at = require_aware(at, field="at")
        reason = check_reason(reason)
        if self.status is not _S.PARTIALLY_DONE:
            raise IllegalTransition(
                "document.illegal_transition", field="status", value=self.status.value, to=_S.DONE.value
            )
        changed = replace(self, status=_S.DONE, closed_reason=reason)
        return changed, (self._event(DocumentClosed, at, reason=reason), self._event(DocumentCompleted, at))

    # ---- helpers for subclasses
    def require_status(self, *allowed: DocumentStatus) -> None:
        if self.status not in allowed:
            raise Conflict(
                "document.wrong_status",
                field="status",
                value=self.status.value,
                number=self.number,
                expected=", ".join(s.value for s in allowed),
            )

    def require_open(self) -> None:
        """Execution (receiving, shipping, …) needs an approved or partially done document."""
        self.require_status(_S.APPROVED, _S.PARTIALLY_DONE)

    def require_not_applied(self, source_id: UUID, source_number: str) -> None:
        if source_id in self.applied:
            raise Conflict(
                "document.already_applied", field="document", value=source_number, number=self.number
            )

    def _settled(self, at: datetime) -> tuple[Self, Events]:
        """Status after execution counters changed: done when finished, else partially done."""
        target = _S.DONE if self._finished() else _S.PARTIALLY_DONE if self._started() else self.status
        if target is self.status:
            return self, ()
        check_transition(self.status, target)
        events: Events = (self._event(DocumentCompleted, at),) if target is _S.DONE else ()
        return replace(self, status=target), events

    def _settled_after(self, event: DocumentEvent, at: datetime) -> tuple[Self, Events]:
        """``event`` (what was just executed), then whatever the status settles to (see ``_settled``)."""
        settled, more = self._settled(at)
        return settled, (event, *more)

    def _counted(
        self,
        source_id: UUID,
        counter: str,
        quantities: Mapping[int, Decimal],
        *,
        bound: tuple[str, str] | None = None,
    ) -> Self:
        """Add ``{line number: quantity}`` to the lines' ``counter`` and count ``source_id`` as applied.

        With ``bound`` = (the counter bounding this one, an error code), e.g. ``("received",
        "return.exceeds_received")`` for ``returned``, a line that would pass its bound is refused with that
        code at ``lines[i].<counter>``, naming both counters and the quantity requested.
        """
        lines = []
        for i, line in enumerate(self.lines):
            if line.line_no in quantities:
                before: Decimal = getattr(line, counter)
                requested = quantities[line.line_no]
                if bound is not None and before + requested > (limit := getattr(line, bound[0])):
                    raise InvalidInput(
                        bound[1],
                        field=f"lines[{i}].{counter}",
                        **{bound[0]: str(limit), counter: str(before)},
                        requested=str(requested),
                    )
                line = replace(cast(Any, line), **{counter: before + requested})
            lines.append(line)
        return replace(self, lines=tuple(lines), applied=(*self.applied, source_id))

    def _posted(self, at: datetime, event: DocumentEvent) -> tuple[Self, Events]:
        """Single-shot execution (a receipt, an inspection, a return): approved → done."""
        self.require_status(_S.APPROVED)
        return replace(self, status=_S.DONE), (event, self._event(DocumentCompleted, at))

    def _event(self, kind: type[E], at: datetime, **fields: Any) -> E:
        return kind(document_id=self.id, number=self.number, doc_type=self.doc_type, at=at, **fields)


def sum_by(pairs: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Quantities added up per line number."""
    totals: dict[int, Decimal] = {}
    for key, qty in pairs:
        totals[key] = totals.get(key, ZERO) + qty
    return totals
