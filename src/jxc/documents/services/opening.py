"""Opening balances (期初库存): stock that was there before jxc, brought in at its cost.

There is no opening-balance document type: an opening is one ledger posting (kind ``opening``,
``@adjustment`` → the site, available) whose idempotency key is the caller's key, valued into
the organisation's pools and booked as one ``opening_balance`` voucher (Dr 1405, Cr 4999 期初建账
过渡). The posting is the record: the voucher's ``document_id`` is the posting's id (so voucher →
posting → movements), and both carry the reference ``OB-<site>-<as-of date>``.

Invariants:
- each line is valued at quantity × unit cost rounded half up to the fen, and the voucher carries
  exactly those values, so the general ledger's inventory equals the valuation report after it;
- the same key with the same lines (and date) replays the first result and writes nothing; the same
  key with other lines is refused by the ledger (``idempotency.key_reused``);
- nothing is written when a check fails (unknown item, site of another organisation, closed period).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from jxc.accounting.services import Operation
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import to_fen
from jxc.documents.services import common as c
from jxc.documents.services import postings as p
from jxc.documents.services.common import lot_key
from jxc.inventory.commands import MoveLine, PostStock
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import split_by_weights
from jxc.kernel.quantity import positive_quantity

ADJUSTMENT_SITE = "@adjustment"


@dataclass(frozen=True)
class OpeningLineIn:
    """``quantity`` of ``sku`` at ``unit_cost`` (CNY per ``unit``, net of VAT; the base unit by default)."""

    sku: str
    quantity: Decimal
    unit_cost: Decimal
    lot: str | None = None
    expiry_date: date | None = None
    production_date: date | None = None
    unit: str | None = None
    bin: str | None = None


@dataclass(frozen=True)
class OpeningBalances:
    """What an opening posted: its reference, posting, value and voucher (``replayed`` on a repeat)."""

    document_ref: str
    organisation: str
    site: str
    posting_id: UUID
    value: Decimal
    voucher: str | None
    replayed: bool = False


def open_balances(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, site: str, lines: Sequence[OpeningLineIn], actor: str,
    as_of: date | None = None, key: str | None = None,
) -> OpeningBalances:
    """Bring opening stock into a site at its cost: ledger, valuation and one ``opening_balance`` voucher."""
    org = c.organisation(uow, organisation)
    place = c.site(uow, site)
    if place.organisation_id != org.id:
        raise InvalidInput("document.site_not_in_organisation", field="site", value=site, org=organisation)
    day = as_of or c.today(uow)
    ref = f"OB-{place.code}-{day.isoformat()}"
    if not lines:
        raise InvalidInput("document.empty", field="lines", number=ref)
    known = c.items(uow, [line.sku for line in lines])
    amounts, bases = [], []
    for i, line in enumerate(lines):
        item = known[line.sku]
        quantity = positive_quantity(line.quantity, field=f"lines[{i}].quantity")
        if not isinstance(line.unit_cost, Decimal) or not line.unit_cost.is_finite() or line.unit_cost < 0:
            raise InvalidInput("price.invalid", field=f"lines[{i}].unit_cost", value=str(line.unit_cost))
        amounts.append(to_fen(quantity * line.unit_cost))
        bases.append((item.id, c.base_quantity(item, quantity, line.unit)))
    w.books.check_open(uow, organisation_id=org.id, org_code=org.code, on=day)
    # No occurred_at: it is part of the posting's fingerprint, and a retry comes later than the first call.
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"opening:{key or new_id()}", kind="opening", document_ref=ref,
        lines=tuple(MoveLine(sku=line.sku, quantity=line.quantity, unit=line.unit, from_site=ADJUSTMENT_SITE,
                             to_site=place.code, to_state="available", lot=line.lot, to_bin=line.bin,
                             production_date=line.production_date, expiry_date=line.expiry_date)
                    for line in lines)))
    if posting.replayed:
        total = Decimal(0)
        for m in posting.movements:
            earlier = w.books.valuation(uow, m.id)
            total += earlier.amount if earlier is not None else Decimal(0)
        vouchers = w.books.vouchers(uow, organisation_id=org.id, document_id=posting.posting_id)
        return OpeningBalances(document_ref=ref, organisation=org.code, site=place.code, posting_id=posting.posting_id,
                               value=total, voucher=vouchers[0]["number"] if vouchers else None, replayed=True)
    groups = p.per_command(posting.movements, bases)
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for amount, group in zip(amounts, groups, strict=True):
        shares = split_by_weights(amount, [m.quantity for m in group]) if len(group) > 1 else [amount]
        for m, share in zip(group, shares, strict=True):
            operations[m.item_id].append(Operation(movement_id=m.id, kind="receive", quantity=m.quantity, amount=share,
                                                   at=m.occurred_at, lot=lot_key(m.lot_id)))
    p.value(uow, w, organisation_id=org.id, items={item.id: item for item in known.values()}, operations=operations,
            on=day, document_id=posting.posting_id)
    events = [
        ValuedEvent(kind="opening_balance", organisation=org.code, date=day, document_ref=ref,
                    amounts=Amounts(cost=amount), item=line.sku, category=known[line.sku].category, site=place.code,
                    quantity=base)
        for line, amount, (_, base) in zip(lines, amounts, bases, strict=True)
    ]
    stored = w.books.book(uow, organisation_id=org.id, events=events, document_id=posting.posting_id, preparer=actor)
    return OpeningBalances(document_ref=ref, organisation=org.code, site=place.code, posting_id=posting.posting_id,
                           value=sum(amounts, Decimal(0)), voucher=stored.number if stored else None)


__all__ = ["OpeningBalances", "OpeningLineIn", "open_balances"]
