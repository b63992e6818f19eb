"""Transfer orders: stock moving between two sites, of one organisation or across organisations.

Invariants:
- The two sites differ; a transfer is intercompany exactly when the organisations differ.
- Per line: received ≤ shipped ≤ ordered; what is shipped and not (yet) received is in transit.
- Same-lot transfers (medical devices): each line ships exactly one lot, and receipts are of that lot.
- Closing the receipt turns whatever is still in transit into a shortage, and every shortage names
  who is responsible (sender, carrier or receiver); the unshipped remainder is short-closed.
- The order is done when every line is shipped in full and received in full, or when its receipt is closed.
- An intercompany transfer is priced by ``price_rule``: ``cost_plus`` (the sender's cost plus ``markup_pct``
  per cent) or ``list`` (the item's list price); the rule is fixed when the order is created.

Posting (services): shipping moves available → in_transit; receiving moves in_transit → available at the
destination (changing owner when intercompany); a shortage moves in_transit → @transit-loss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from jxc.documents.model.lifecycle import (
    ZERO,
    Document,
    DocumentEvent,
    DocumentStatus,
    DocumentType,
    Events,
    check_counter,
    check_line_basics,
    check_lot,
    check_reason,
    non_negative,
)
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import IllegalTransition, InvalidInput
from jxc.kernel.quantity import positive_quantity

PRICE_RULES = ("cost_plus", "list")


class Responsible(StrEnum):
    SENDER = "sender"
    CARRIER = "carrier"
    RECEIVER = "receiver"


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferLine:
    line_no: int
    sku: str
    quantity: Decimal
    unit: str
    lot: str | None = None  # a requested lot; same-lot transfers must ship exactly this one when given
    shipped: Decimal = ZERO
    received: Decimal = ZERO
    shipped_lot: str | None = None  # the one lot shipped (same-lot transfers)
    shortage: Decimal = ZERO  # set when the receipt is closed
    responsible: Responsible | None = None

    def __post_init__(self) -> None:
        check_line_basics(sku=self.sku, unit=self.unit, quantity=self.quantity)
        check_lot(self.lot)
        check_lot(self.shipped_lot, field="shipped_lot")
        non_negative(self.shipped, field="shipped")
        non_negative(self.received, field="received")
        non_negative(self.shortage, field="shortage")
        check_counter(self.shipped, self.quantity, field="shipped")
        check_counter(self.received + self.shortage, self.shipped, field="received")
        if self.shortage > 0 and self.responsible is None:
            raise InvalidInput(
                "transfer.responsible_required",
                field="responsible",
                shortage=str(self.shortage),
                line=self.line_no,
            )

    @property
    def in_transit(self) -> Decimal:
        return self.shipped - self.received - self.shortage

    @property
    def to_ship(self) -> Decimal:
        return self.quantity - self.shipped


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferQuantity:
    """A quantity of one transfer line shipped or received now, of ``lot`` when given."""

    line_no: int
    quantity: Decimal
    lot: str | None = None

    def __post_init__(self) -> None:
        positive_quantity(self.quantity, field="quantity")
        check_lot(self.lot)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferShortage:
    line_no: int
    sku: str
    quantity: Decimal
    lot: str | None
    responsible: Responsible


@dataclass(frozen=True, kw_only=True)
class TransferShipped(DocumentEvent):
    from_org: UUID
    from_site: UUID
    to_org: UUID
    to_site: UUID
    intercompany: bool
    lines: tuple[TransferQuantity, ...]


@dataclass(frozen=True, kw_only=True)
class TransferReceived(DocumentEvent):
    from_org: UUID
    to_org: UUID
    to_site: UUID
    intercompany: bool
    lines: tuple[TransferQuantity, ...]


@dataclass(frozen=True, kw_only=True)
class TransferReceiptClosed(DocumentEvent):
    reason: str
    shortages: tuple[TransferShortage, ...]


@dataclass(frozen=True, kw_only=True)
class TransferOrder(Document[TransferLine]):
    doc_type: ClassVar[DocumentType] = DocumentType.TRANSFER_ORDER

    from_org: UUID
    from_site: UUID
    to_org: UUID
    to_site: UUID
    same_lot: bool = False
    price_rule: str = "cost_plus"  # intercompany transfer price: cost_plus | list
    markup_pct: Decimal = Decimal(5)  # cost_plus: per cent on the sender's cost

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.from_site == self.to_site:
            raise InvalidInput("transfer.same_site", field="to_site", value=str(self.to_site))
        if self.price_rule not in PRICE_RULES:
            raise InvalidInput(
                "field.invalid", field="price_rule", value=self.price_rule, reason=" | ".join(PRICE_RULES)
            )
        non_negative(self.markup_pct, field="markup_pct")

    @property
    def is_intercompany(self) -> bool:
        return self.from_org != self.to_org

    def _started(self) -> bool:
        return any(line.shipped > 0 for line in self.lines)

    def _finished(self) -> bool:
        return all(line.shipped == line.quantity and line.received == line.shipped for line in self.lines)

    def ship(self, lines: Iterable[TransferQuantity], *, at: dt.datetime) -> tuple[TransferOrder, Events]:
        """Ship quantities (available → in transit); never more than is left to ship."""
        at = require_aware(at, field="at")
        self.require_open()
        changed, moves = self._moved(lines, self._shipped)
        event = self._event(
            TransferShipped,
            at,
            from_org=self.from_org,
            from_site=self.from_site,
            to_org=self.to_org,
            to_site=self.to_site,
            intercompany=self.is_intercompany,
            lines=moves,
        )
        return changed._settled_after(event, at)

    def receive(self, lines: Iterable[TransferQuantity], *, at: dt.datetime) -> tuple[TransferOrder, Events]:
        """Receive quantities at the destination (in transit → available); never more than is in transit."""
        at = require_aware(at, field="at")
        self.require_status(DocumentStatus.PARTIALLY_DONE)
        changed, moves = self._moved(lines, self._received)
        event = self._event(
            TransferReceived,
            at,
            from_org=self.from_org,
            to_org=self.to_org,
            to_site=self.to_site,
            intercompany=self.is_intercompany,
            lines=moves,
        )
        return changed._settled_after(event, at)

    def close_receipt(
        self, *, at: dt.datetime, reason: str, responsible: Mapping[int, Responsible] | None = None
    ) -> tuple[TransferOrder, Events]:
        """End the transfer: what is still in transit becomes a shortage, each with its responsible party."""
        at = require_aware(at, field="at")
        reason = check_reason(reason)
        if self.status is not DocumentStatus.PARTIALLY_DONE:
            raise IllegalTransition(
                "document.illegal_transition",
                field="status",
                value=self.status.value,
                to=DocumentStatus.DONE.value,
            )
        parties = dict(responsible or {})
        lines = []
        shortages = []
        for i, line in enumerate(self.lines):
            missing = line.in_transit
            if missing > 0:
                party = parties.get(line.line_no)
                if party is None:
                    raise InvalidInput(
                        "transfer.responsible_required",
                        field=f"lines[{i}].responsible",
                        shortage=str(missing),
                        line=line.line_no,
                    )
                line = replace(line, shortage=line.shortage + missing, responsible=party)
                shortages.append(
                    TransferShortage(
                        line_no=line.line_no,
                        sku=line.sku,
                        quantity=missing,
                        lot=line.shipped_lot or line.lot,
                        responsible=party,
                    )
                )
            lines.append(line)
        closed, events = Document.close(replace(self, lines=tuple(lines)), at=at, reason=reason)
        event = self._event(TransferReceiptClosed, at, reason=reason, shortages=tuple(shortages))
        return closed, (event, *events)

    def close(self, *, at: dt.datetime, reason: str) -> tuple[TransferOrder, Events]:
        """Short-closing a transfer closes its receipt: refused while anything is in transit."""
        return self.close_receipt(at=at, reason=reason)

    def _moved(
        self,
        lines: Iterable[TransferQuantity],
        move_line: Callable[[int, TransferLine, TransferQuantity], TransferLine],
    ) -> tuple[TransferOrder, tuple[TransferQuantity, ...]]:
        """The order with each move applied to its line by ``move_line`` (in order: a line may move twice)."""
        moves = tuple(lines)
        if not moves:
            raise InvalidInput("document.empty", field="lines", number=self.number)
        current = {line.line_no: line for line in self.lines}
        for i, move in enumerate(moves):
            line = current[self.line(move.line_no, field=f"lines[{i}].line_no").line_no]
            current[line.line_no] = move_line(i, line, move)
        return replace(self, lines=tuple(current[line.line_no] for line in self.lines)), moves

    def _shipped(self, i: int, line: TransferLine, move: TransferQuantity) -> TransferLine:
        """``line`` after shipping ``move`` (the ``i``-th): never more than is left to ship."""
        shipped_lot = line.shipped_lot
        if self.same_lot:
            shipped_lot = self._same_lot(i, line, move, expected=line.shipped_lot or line.lot)
        if move.quantity > line.to_ship:
            raise InvalidInput(
                "transfer.exceeds_ordered",
                field=f"lines[{i}].quantity",
                ordered=str(line.quantity),
                already=str(line.shipped),
                requested=str(move.quantity),
            )
        return replace(line, shipped=line.shipped + move.quantity, shipped_lot=shipped_lot)

    def _received(self, i: int, line: TransferLine, move: TransferQuantity) -> TransferLine:
        """``line`` after receiving ``move`` (the ``i``-th): never more than is in transit."""
        if self.same_lot:
            self._same_lot(i, line, move, expected=line.shipped_lot)
        if move.quantity > line.in_transit:
            raise InvalidInput(
                "transfer.exceeds_shipped",
                field=f"lines[{i}].quantity",
                shipped=str(line.shipped),
                already=str(line.received),
                requested=str(move.quantity),
            )
        return replace(line, received=line.received + move.quantity)

    def _same_lot(self, i: int, line: TransferLine, move: TransferQuantity, *, expected: str | None) -> str:
        if move.lot is None:
            raise InvalidInput("transfer.lot_required", field=f"lines[{i}].lot", line=line.line_no)
        if expected is not None and move.lot != expected:
            raise InvalidInput(
                "transfer.lot_mismatch", field=f"lines[{i}].lot", value=move.lot, expected=expected
            )
        return move.lot
