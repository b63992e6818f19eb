"""Advance shipping notices (the supplier's delivery commitments) and how the promises turned out.

Invariants:
- Every ASN line refers to a line of its purchase order.
- A revision replaces the current promise and keeps every earlier one in ``history`` (oldest first),
  so reliability can be measured against the first promise as well as the last. It never promises
  less of an order line than already arrived against the notice; promising exactly what arrived
  completes the notice.
- ``promise_outcomes`` allocates each delivered quantity to exactly one promise (earliest promise,
  earliest delivery first): delivered quantity is neither lost nor counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from jxc.documents.model.lifecycle import (
    ZERO,
    Document,
    DocumentEvent,
    DocumentStatus,
    DocumentType,
    Events,
    sum_by,
)
from jxc.documents.model.purchasing import Delivery, GoodsReceipt, PurchaseOrder
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import positive_quantity
from jxc.kernel.text import optional_text


@dataclass(frozen=True, slots=True, kw_only=True)
class AsnLine:
    line_no: int
    po_line: int
    quantity: Decimal
    promised_date: dt.date

    def __post_init__(self) -> None:
        positive_quantity(self.quantity, field="quantity")


@dataclass(frozen=True, slots=True, kw_only=True)
class AsnRevision:
    """A promise as it stood before a revision replaced it."""

    revision: int
    lines: tuple[AsnLine, ...]
    replaced_at: dt.datetime
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class ShippingNoticeRevised(DocumentEvent):
    revision: int
    previous: tuple[AsnLine, ...]
    lines: tuple[AsnLine, ...]
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class AdvanceShippingNotice(Document[AsnLine]):
    """The supplier's commitment: what of which order lines arrives when.

    Submitted = sent by the supplier, approved = acknowledged by the buyer. ``revise`` replaces the
    promise after that and keeps the earlier ones. Receipts made against the notice move it to partially
    done and, once every promised quantity arrived, to done; ``close`` ends it short.
    """

    doc_type: ClassVar[DocumentType] = DocumentType.ADVANCE_SHIPPING_NOTICE

    organisation: UUID
    supplier: UUID
    purchase_order: UUID
    revision: int = 0
    history: tuple[AsnRevision, ...] = ()
    received: tuple[tuple[int, Decimal], ...] = ()  # (order line, quantity received against this notice)

    def _started(self) -> bool:
        return bool(self.received)

    def _finished(self) -> bool:
        got = dict(self.received)
        promised = sum_by((line.po_line, line.quantity) for line in self.lines)
        return all(got.get(po_line, ZERO) >= qty for po_line, qty in promised.items())

    def record_receipt(
        self, receipt: GoodsReceipt, *, at: dt.datetime
    ) -> tuple[AdvanceShippingNotice, Events]:
        """Count a goods receipt made against this notice (once): partially done, then done."""
        at = require_aware(at, field="at")
        self.require_open()
        if receipt.asn != self.id:
            raise InvalidInput(
                "field.invalid",
                field="asn",
                value=receipt.number,
                reason=f"the receipt is not for {self.number}",
            )
        self.require_not_applied(receipt.id, receipt.number)
        got = dict(self.received)
        for line in receipt.lines:
            got[line.po_line] = got.get(line.po_line, ZERO) + line.quantity
        changed = replace(self, received=tuple(sorted(got.items())), applied=(*self.applied, receipt.id))
        return changed._settled(at)

    def revise(
        self, *, lines: Iterable[AsnLine], at: dt.datetime, po: PurchaseOrder, reason: str | None = None
    ) -> tuple[AdvanceShippingNotice, Events]:
        """A new promise; the previous one goes to ``history`` (drafts are edited with ``with_lines``)."""
        at = require_aware(at, field="at")
        reason = optional_text(reason, field="reason", limit=500)
        self.require_status(DocumentStatus.SUBMITTED, DocumentStatus.APPROVED, DocumentStatus.PARTIALLY_DONE)
        if po.id != self.purchase_order:
            raise InvalidInput(
                "field.invalid",
                field="po",
                value=po.number,
                reason=f"not the purchase order of {self.number}",
            )
        new_lines = tuple(lines)
        if not new_lines:
            raise InvalidInput("document.empty", field="lines", number=self.number)
        check_asn(po, new_lines)
        promised = sum_by((line.po_line, line.quantity) for line in new_lines)
        for po_line, got in self.received:
            if promised.get(po_line, ZERO) < got:
                raise InvalidInput(
                    "asn.below_received",
                    field="lines",
                    value=po_line,
                    number=self.number,
                    received=str(got),
                    promised=str(promised.get(po_line, ZERO)),
                )
        previous = AsnRevision(revision=self.revision, lines=self.lines, replaced_at=at, reason=reason)
        changed = replace(
            self, lines=new_lines, revision=self.revision + 1, history=(*self.history, previous)
        )
        event = self._event(
            ShippingNoticeRevised,
            at,
            revision=changed.revision,
            previous=self.lines,
            lines=new_lines,
            reason=reason,
        )
        settled, more = changed._settled(at)  # promising no more than arrived completes the notice
        return settled, (event, *more)

    def promises(self, revision: int | None = None) -> tuple[AsnLine, ...]:
        """The lines as promised in ``revision`` (default: the current promise)."""
        if revision is None or revision == self.revision:
            return self.lines
        for past in self.history:
            if past.revision == revision:
                return past.lines
        raise InvalidInput("asn.unknown_revision", field="revision", value=revision, number=self.number)


def check_asn(po: PurchaseOrder, lines: Sequence[AsnLine]) -> None:
    """Every ASN line refers to a line of its purchase order."""
    known = {line.line_no for line in po.lines}
    for i, line in enumerate(lines):
        if line.po_line not in known:
            raise InvalidInput(
                "asn.unknown_line", field=f"lines[{i}].po_line", value=line.po_line, number=po.number
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class PromiseOutcome:
    """How one promised delivery turned out. ``days_late`` < 0 is early; None: not (yet) known."""

    po_line: int
    promised_date: dt.date
    actual_date: dt.date | None  # the day the promised quantity was complete
    promised_qty: Decimal
    received_qty: Decimal
    days_late: int | None

    @property
    def complete(self) -> bool:
        return self.received_qty >= self.promised_qty


def promise_outcomes(
    asn_lines: Sequence[AsnLine], receipts: Iterable[Delivery], *, as_of: dt.date | None = None
) -> list[PromiseOutcome]:
    """Match deliveries to promises per order line, earliest promise first, earliest delivery first.

    A promise is complete on the day its quantity is reached; that day against the promised day is
    ``days_late``. An incomplete promise has no actual date; with ``as_of`` after its promised day its
    ``days_late`` is the lateness so far (a lower bound). Quantity beyond all promises of an order line
    is counted on its last promise.
    """
    pools: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for delivery in sorted(receipts, key=lambda d: d.received_on):
        pools.setdefault(delivery.po_line, []).append((delivery.received_on, delivery.quantity))
    order = sorted(range(len(asn_lines)), key=lambda i: (asn_lines[i].po_line, asn_lines[i].promised_date, i))
    last_of_line = {asn_lines[i].po_line: i for i in order}
    results: dict[int, PromiseOutcome] = {}
    for i in order:
        promise = asn_lines[i]
        pool = pools.get(promise.po_line, [])
        got, done_on = ZERO, None
        while pool and got < promise.quantity:
            day, qty = pool[0]
            take = min(qty, promise.quantity - got)
            got += take
            if take == qty:
                pool.pop(0)
            else:
                pool[0] = (day, qty - take)
            if got >= promise.quantity:
                done_on = day
        if last_of_line[promise.po_line] == i:  # over-delivery counts on the line's last promise
            got += sum((qty for _, qty in pool), ZERO)
            pool.clear()
        days_late: int | None = None
        if done_on is not None:
            days_late = (done_on - promise.promised_date).days
        elif as_of is not None and as_of > promise.promised_date:
            days_late = (as_of - promise.promised_date).days
        results[i] = PromiseOutcome(
            po_line=promise.po_line,
            promised_date=promise.promised_date,
            actual_date=done_on,
            promised_qty=promise.quantity,
            received_qty=got,
            days_late=days_late,
        )
    return [results[i] for i in range(len(asn_lines))]
