"""The stock ledger's pure domain model.

Invariants this module keeps (and the property tests check):
- Quantity is conserved by construction: every movement takes ``quantity`` out of one bucket
  and puts the same quantity into another (double entry); virtual sites (supplier, customer,
  adjustment, production, transit loss) absorb what enters or leaves the company.
- A movement never joins a bucket to itself, never joins two virtual buckets, and changes
  state only along the transition table.
- After a posting, no real bucket is below zero unless its site allows negative stock
  (``SiteFacts.may_go_negative``; applied to the balances by ``inventory.writer``).
- Project stock is isolated: a movement keeps its project unless it explicitly reassigns it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from uuid import UUID

from jxc.inventory.states import StateMachine
from jxc.kernel.errors import Conflict, InsufficientStock, InvalidInput
from jxc.kernel.ids import stable_id


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the ledger needs to know about an item (published by the catalog)."""

    id: UUID
    sku: str
    base_unit: str
    tracking: Tracking
    shelf_life_days: int | None = None

    @property
    def expires(self) -> bool:
        return self.shelf_life_days is not None


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """What the ledger needs to know about a site (published by the org context)."""

    id: UUID
    code: str
    organisation_id: UUID | None
    region: str | None
    is_virtual: bool
    allow_negative: bool = False

    @property
    def may_go_negative(self) -> bool:
        return self.is_virtual or self.allow_negative


@dataclass(frozen=True, slots=True)
class Bucket:
    """Where a quantity sits: (owner, site, bin, item, lot, serial, state, project)."""

    owner_id: UUID | None
    site_id: UUID
    item_id: UUID
    state: str
    bin_id: UUID | None = None
    lot_id: UUID | None = None
    serial: str | None = None
    project_id: UUID | None = None

    @property
    def id(self) -> UUID:
        return bucket_id(self)


@lru_cache(maxsize=200_000)
def bucket_id(bucket: Bucket) -> UUID:
    """Deterministic id of a bucket, so projections can be upserted without a lookup."""
    return stable_id(
        bucket.owner_id, bucket.site_id, bucket.bin_id, bucket.item_id, bucket.lot_id,
        bucket.serial, bucket.state, bucket.project_id,
    )


@dataclass(frozen=True, slots=True)
class Movement:
    """One quantity moving from ``source`` to ``target``. Frozen: corrections are new movements."""

    id: UUID
    posting_id: UUID
    line_no: int
    quantity: Decimal
    source: Bucket
    target: Bucket
    occurred_at: datetime
    eta: datetime | None = None
    source_id: UUID = None  # type: ignore[assignment]  # filled from the buckets when not given
    target_id: UUID = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        # Bucket ids are hashes of eight dimensions: compute once, not on every use.
        if self.source_id is None:
            object.__setattr__(self, "source_id", bucket_id(self.source))
        if self.target_id is None:
            object.__setattr__(self, "target_id", bucket_id(self.target))


@dataclass(frozen=True)
class Lot:
    id: UUID
    item_id: UUID
    lot_no: str
    production_date: date | None
    expiry_date: date | None
    received_at: datetime

    def expired_on(self, day: date) -> bool:
        return self.expiry_date is not None and self.expiry_date < day


def validate_lot_dates(lot_no: str, production: date | None, expiry: date | None) -> None:
    if not lot_no.strip():
        raise InvalidInput("field.required", field="lot")
    if production is not None and expiry is not None and expiry < production:
        raise InvalidInput("lot.dates", field="expiry_date", value=lot_no)


def expiry_from(production: date | None, shelf_life_days: int | None) -> date | None:
    """Expiry implied by the production date and the item's shelf life (效期倒推 uses the same rule)."""
    if production is None or shelf_life_days is None:
        return None
    return production + timedelta(days=shelf_life_days)


def check_movement(
    movement: Movement, *, sites: Mapping[UUID, SiteFacts], states: StateMachine, reassign_project: bool = False
) -> None:
    """Refuse a movement that breaks a ledger rule (before any balance is touched)."""
    if movement.quantity <= 0:
        raise InvalidInput("quantity.not_positive", field="quantity", value=str(movement.quantity))
    source, target = movement.source, movement.target
    if source == target:
        raise InvalidInput("movement.same_bucket", field="to_site")
    source_site, target_site = sites[source.site_id], sites[target.site_id]
    if source_site.is_virtual and target_site.is_virtual:
        raise InvalidInput("movement.virtual_to_virtual", field="to_site")
    states.check(source.state, target.state)
    if (
        not reassign_project
        and not source_site.is_virtual
        and not target_site.is_virtual
        and source.project_id != target.project_id
    ):
        raise Conflict(
            "project.isolated", field="project",
            from_project=str(source.project_id or "-"), to_project=str(target.project_id or "-"),
        )


@dataclass(frozen=True, slots=True)
class StockCandidate:
    """A bucket that may give stock, with what removal ordering needs."""

    bucket: Bucket
    quantity: Decimal
    lot_no: str | None = None
    expiry_date: date | None = None
    received_at: datetime | None = None


def removal_order(candidates: Iterable[StockCandidate], *, expires: bool) -> list[StockCandidate]:
    """FEFO for expiring items (earliest expiry first), FIFO otherwise (earliest received first)."""

    def key(c: StockCandidate) -> tuple[float, float, str, str]:
        received = c.received_at.timestamp() if c.received_at else 0.0
        # Lots without an expiry date go last under FEFO: they are the least urgent.
        expiry = float(c.expiry_date.toordinal()) if (expires and c.expiry_date) else float("inf") if expires else 0.0
        return (expiry, received, c.lot_no or "", c.bucket.serial or "")

    return sorted(candidates, key=key)


def allocate(
    candidates: Sequence[StockCandidate], quantity: Decimal, *, expires: bool, today: date,
    item_code: str, site_code: str, state: str,
) -> list[tuple[Bucket, Decimal]]:
    """Pick ``quantity`` from candidates in removal order, skipping expired lots."""
    remaining = quantity
    picks: list[tuple[Bucket, Decimal]] = []
    usable = [c for c in candidates if c.quantity > 0 and not (c.expiry_date and c.expiry_date < today)]
    for candidate in removal_order(usable, expires=expires):
        if remaining <= 0:
            break
        take = min(candidate.quantity, remaining)
        picks.append((candidate.bucket, take))
        remaining -= take
    if remaining > 0:
        have = sum((c.quantity for c in usable), Decimal(0))
        raise InsufficientStock(
            "stock.insufficient", field="quantity", item=item_code, site=site_code, state=state,
            available=str(have), requested=str(quantity),
        )
    return picks


class ReservationStatus(StrEnum):
    OPEN = "open"
    SHIPPED = "shipped"
    RELEASED = "released"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ReservationLine:
    bucket: Bucket
    quantity: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class Reservation:
    id: UUID
    item_id: UUID
    site_id: UUID
    quantity: Decimal
    status: ReservationStatus
    expires_at: datetime
    created_at: datetime
    lines: tuple[ReservationLine, ...]
    reference: str | None = None
    commitment_id: UUID | None = None

    @property
    def remaining(self) -> Decimal:
        return sum((line.remaining for line in self.lines), Decimal(0))

    def require_open(self) -> None:
        if self.status is not ReservationStatus.OPEN:
            raise Conflict("reservation.closed", field="reservation", value=str(self.id), status=self.status.value)

    def take(self, quantity: Decimal) -> list[tuple[ReservationLine, Decimal]]:
        """Split ``quantity`` over the reservation's lines in order (for shipping part of it)."""
        self.require_open()
        if quantity > self.remaining:
            raise Conflict(
                "reservation.exceeds", field="quantity", value=str(self.id),
                remaining=str(self.remaining), requested=str(quantity),
            )
        left = quantity
        parts: list[tuple[ReservationLine, Decimal]] = []
        for line in self.lines:
            if left <= 0:
                break
            take = min(line.remaining, left)
            if take > 0:
                parts.append((line, take))
                left -= take
        return parts

    def expired_at(self, now: datetime) -> bool:
        return self.status is ReservationStatus.OPEN and self.expires_at <= now
