"""Purchase requisitions (请购单): a store or warehouse asks for goods; buyers turn them into orders.

Invariants:
- A requisition is for one site of one organisation; every line names an item, a positive quantity
  in a unit, the day it is needed by and optionally why.
- Only an approved (or partially converted) requisition is converted, line by line, into purchase
  orders; a line is converted at most once and names the order it went into.
- A requisition is done exactly when every line is converted (or when it was short-closed);
  converting some lines makes it partially done.
- Converting into the same purchase order twice is refused (``applied`` remembers the orders).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from jxc.documents.model.lifecycle import (
    OPEN_FOR_EXECUTION,
    REASON_MAX,
    Document,
    DocumentEvent,
    DocumentType,
    Events,
    check_line_basics,
)
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.text import optional_text


@dataclass(frozen=True, slots=True, kw_only=True)
class RequisitionLine:
    line_no: int
    sku: str
    quantity: Decimal
    unit: str
    needed_by: dt.date
    reason: str | None = None
    purchase_order: UUID | None = None  # the order this line was converted into

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        optional_text(self.reason, field="reason", limit=REASON_MAX)

    @property
    def converted(self) -> bool:
        return self.purchase_order is not None


@dataclass(frozen=True, kw_only=True)
class RequisitionConverted(DocumentEvent):
    purchase_order: UUID
    lines: tuple[int, ...]  # the requisition lines converted now


@dataclass(frozen=True, kw_only=True)
class PurchaseRequisition(Document[RequisitionLine]):
    """What a site needs, and by when; approved through its flow, then converted into purchase orders."""

    doc_type: ClassVar[DocumentType] = DocumentType.PURCHASE_REQUISITION

    organisation: UUID
    site: UUID

    def _started(self) -> bool:
        return any(line.converted for line in self.lines)

    def _finished(self) -> bool:
        return all(line.converted for line in self.lines)

    @property
    def open_lines(self) -> tuple[RequisitionLine, ...]:
        """The lines not yet converted into an order."""
        return tuple(line for line in self.lines if not line.converted)

    def convert(
        self, *, purchase_order: UUID, line_nos: Iterable[int], at: dt.datetime
    ) -> tuple[PurchaseRequisition, Events]:
        """Mark ``line_nos`` as converted into ``purchase_order``: partially done, then done."""
        at = require_aware(at, field="at")
        if self.status not in OPEN_FOR_EXECUTION:
            raise Conflict(
                "requisition.not_approved", field="status", value=self.status.value, number=self.number
            )
        self.require_not_applied(purchase_order, str(purchase_order))
        wanted = tuple(line_nos)
        if not wanted:
            raise InvalidInput("document.empty", field="lines", number=self.number)
        seen: set[int] = set()
        for i, line_no in enumerate(wanted):
            line = self.line(line_no, field=f"lines[{i}]")
            if line_no in seen:
                raise InvalidInput("document.duplicate_line", field=f"lines[{i}]", value=line_no)
            seen.add(line_no)
            if line.converted:
                raise Conflict(
                    "requisition.line_converted", field=f"lines[{i}]", value=line_no, number=self.number
                )
        lines = tuple(
            replace(line, purchase_order=purchase_order) if line.line_no in seen else line
            for line in self.lines
        )
        changed = replace(self, lines=lines, applied=(*self.applied, purchase_order))
        event = self._event(RequisitionConverted, at, purchase_order=purchase_order, lines=wanted)
        settled, more = changed._settled(at)
        return settled, (event, *more)
