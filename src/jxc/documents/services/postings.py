"""What the transfer, stocktake, opening-balance and landed-cost use cases share.

- Which ledger movements each command line of a posting produced. The ledger numbers movements
  across the whole posting (``line_no`` 1, 2, 3 … per *movement*), so a line it splits over lots
  or buckets is a run of movements and every later line shifts: lines are matched by walking the
  movements in order against each line's item and base quantity, never by ``line_no``.
- Valuing operations item by item on one organisation's pools.
- Booking valued events as one voucher per template: a voucher carries one template
  (``voucher_for_document`` refuses mixed ones), so a stocktake with gains and losses, or a
  transit loss with its charge, books one voucher per kind, all naming the same document.
- Replaying a keyed step of a document (ship, receive, close, post) from the document's history:
  a repeated call with the same key returns the document and writes nothing.
- Ids for valuations that are not a ledger movement's own (the receiving side of an intercompany
  transfer, a landed cost): derived from what they value, so a retry derives the same id and the
  valuation table's primary key refuses a second valuation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid5

from jxc.accounting import valuation as v
from jxc.accounting.services import Operation, PoolKey, StoredVoucher, cost_method
from jxc.accounting.vouchers import ValuedEvent
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.services import common as c
from jxc.inventory.commands import MovementRecord
from jxc.kernel.money import pro_rata

_NAMESPACE = UUID("0f6b1c2e-5d1a-4c59-9a53-1f0c6a1e7d21")


def per_command(
    movements: Iterable[MovementRecord], lines: Sequence[tuple[UUID, Decimal]]
) -> list[list[MovementRecord]]:
    """The movements of each command line, given each line's (item id, base quantity) in order."""
    ordered = sorted(movements, key=lambda m: m.line_no)
    groups: list[list[MovementRecord]] = []
    index = 0
    for item_id, quantity in lines:
        group: list[MovementRecord] = []
        got = Decimal(0)
        while got < quantity and index < len(ordered) and ordered[index].item_id == item_id:
            group.append(ordered[index])
            got += ordered[index].quantity
            index += 1
        if got != quantity:
            raise AssertionError(f"posting does not match its lines: {got} of {quantity} for item {item_id}")
        groups.append(group)
    if index != len(ordered):
        raise AssertionError("posting has more movements than its lines account for")
    return groups


def value(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation_id: UUID, items: Mapping[UUID, Item],
    operations: Mapping[UUID, Sequence[Operation]], on: date, document_id: UUID | None,
) -> dict[UUID, v.Valuation]:
    """Run each item's operations on the organisation's pool of it; the valuations by operation id."""
    result: dict[UUID, v.Valuation] = {}
    for item_id, ops in operations.items():
        if not ops:
            continue
        valued = w.books.apply(uow, PoolKey(organisation_id, item_id), method=cost_method(items[item_id].attributes),
                               on=on, document_id=document_id, operations=list(ops))
        result.update({op.movement_id: val for op, val in zip(ops, valued, strict=True)})
    return result


def book_each(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation_id: UUID, events: Sequence[ValuedEvent],
    document_id: UUID | None, preparer: str,
) -> list[StoredVoucher]:
    """One voucher per template among ``events`` (in the order kinds first appear); none for zero amounts."""
    by_key: dict[str, list[ValuedEvent]] = {}
    for event in events:
        by_key.setdefault(event.template_key, []).append(event)
    stored = []
    for group in by_key.values():
        voucher = w.books.book(uow, organisation_id=organisation_id, events=group, document_id=document_id,
                               preparer=preparer)
        if voucher is not None:
            stored.append(voucher)
    return stored


def done_before(uow: SqlUnitOfWork, document_id: UUID, *, action: str, key: str | None) -> bool:
    """Whether an earlier call recorded ``action`` on the document with the same idempotency ``key``."""
    if key is None:
        return False
    return any(row["action"] == action and isinstance(row["detail"], dict) and row["detail"].get("key") == key
               for row in c.history(uow, document_id))


def derived_id(*parts: object) -> UUID:
    """A stable id for a valuation derived from what it values (a retry derives the same one)."""
    return uuid5(_NAMESPACE, ":".join(str(part) for part in parts))


def value_slice(amount: Decimal, whole: Decimal, start: Decimal, size: Decimal) -> Decimal:
    """The value of units ``start .. start + size`` of ``whole`` units worth ``amount`` (slices add up)."""
    return pro_rata(amount, start + size, whole) - pro_rata(amount, start, whole)


__all__ = ["book_each", "derived_id", "done_before", "per_command", "value", "value_slice"]
