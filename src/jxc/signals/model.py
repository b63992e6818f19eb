"""Sales events and the demand history they add up to (pure: no database, web or clock).

A sales event is one sold line from a till, an online shop or a mini-program, named by the
event id its source gave it: the same id sent twice is one sale (a retry), the same id with a
different payload is a conflict. Demand is bucketed by the site's *local* day and hour (a
Shanghai store's lunch peak is 12:00 in Shanghai), so the history a forecast learns from has
the shape the store sees.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.quantity import MAX_QUANTITY

MAX_EVENT_ID = 100
MAX_BATCH = 10_000
# Clocks on tills drift; an event further ahead of the server's clock than this is refused.
FUTURE_SKEW = timedelta(minutes=5)
_MICRO = Decimal("0.000001")  # the stored precision of quantities and amounts


class Channel(StrEnum):
    POS = "pos"
    ONLINE = "online"
    MINI_PROGRAM = "mini_program"
    B2B = "b2b"


@dataclass(frozen=True)
class SalesEvent:
    event_id: str
    occurred_at: datetime
    channel: Channel
    site: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    promotion: bool = False

    def fingerprint(self) -> str:
        """What makes a retry the same event (and a reused id with other content a conflict)."""
        parts = (self.occurred_at.isoformat(), self.channel.value, self.site, self.sku,
                 format(self.quantity.normalize(), "f"), format(self.unit_price.normalize(), "f"), str(self.promotion))
        return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def check_batch(events: Sequence[SalesEvent], *, now: datetime) -> None:
    """Refuse a batch with any bad event, naming it (``events[3].quantity``); nothing is taken from it.

    Within a batch, each source (site + channel) must send its events in time order: a till that
    sends them out of order has lost or reordered its queue, and the batch is refused rather than
    guessed at.
    """
    if not events:
        raise InvalidInput("field.required", field="events")
    if len(events) > MAX_BATCH:
        raise InvalidInput("field.invalid", field="events", value=str(len(events)),
                           reason=f"at most {MAX_BATCH:,} events per batch")
    last: dict[tuple[str, Channel], datetime] = {}
    seen: dict[str, str] = {}
    for i, event in enumerate(events):
        where = f"events[{i}]"
        if not event.event_id or len(event.event_id) > MAX_EVENT_ID or not event.event_id.isprintable():
            raise InvalidInput("field.invalid", field=f"{where}.event_id", value=event.event_id,
                               reason=f"1 to {MAX_EVENT_ID} printable characters")
        if event.occurred_at.tzinfo is None or event.occurred_at.utcoffset() is None:
            raise InvalidInput("time.naive", field=f"{where}.occurred_at", value=event.occurred_at.isoformat())
        if event.occurred_at > now + FUTURE_SKEW:
            raise InvalidInput("field.invalid", field=f"{where}.occurred_at", value=event.occurred_at.isoformat(),
                               reason="not in the future")
        if not event.quantity.is_finite() or event.quantity <= 0:
            raise InvalidInput("quantity.not_positive", field=f"{where}.quantity", value=str(event.quantity))
        if event.quantity > MAX_QUANTITY:
            raise InvalidInput("quantity.too_large", field=f"{where}.quantity", value=str(event.quantity))
        if not event.unit_price.is_finite() or event.unit_price < 0:
            raise InvalidInput("field.invalid", field=f"{where}.unit_price", value=str(event.unit_price),
                               reason="zero or more")
        source = (event.site, event.channel)
        previous = last.get(source)
        if previous is not None and event.occurred_at < previous:
            raise InvalidInput("signal.out_of_order", field=f"{where}.occurred_at",
                               value=event.occurred_at.isoformat(), previous=previous.isoformat())
        last[source] = event.occurred_at
        digest = event.fingerprint()
        if seen.setdefault(event.event_id, digest) != digest:
            raise Conflict("signal.event_id_reused", field=f"{where}.event_id", value=event.event_id)


@dataclass(frozen=True)
class DemandCell:
    """Sold quantity in one bucket (a local day or a local hour) of one item at one site."""

    quantity: Decimal
    promo_quantity: Decimal
    revenue: Decimal
    events: int


def aggregate(
    events: Iterable[SalesEvent], *, zones: Mapping[str, ZoneInfo], hourly: bool,
) -> dict[tuple[str, str, date | datetime], DemandCell]:
    """Sum events by (site, sku, local day) or (site, sku, local hour start, as an aware datetime)."""
    totals: dict[tuple[str, str, date | datetime], list[Decimal | int]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), 0])
    for event in events:
        local = event.occurred_at.astimezone(zones[event.site])
        bucket: date | datetime = local.replace(minute=0, second=0, microsecond=0) if hourly else local.date()
        cell = totals[(event.site, event.sku, bucket)]
        cell[0] += event.quantity
        if event.promotion:
            cell[1] += event.quantity
        cell[2] += (event.quantity * event.unit_price).quantize(_MICRO)
        cell[3] += 1
    return {key: DemandCell(quantity=q, promo_quantity=p, revenue=r, events=int(n))  # type: ignore[arg-type]
            for key, (q, p, r, n) in totals.items()}


__all__ = ["FUTURE_SKEW", "MAX_BATCH", "Channel", "DemandCell", "SalesEvent", "aggregate", "check_batch"]
