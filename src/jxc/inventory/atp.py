"""Available-to-promise roll-up (pure).

ATP of a group = available − unreserved commitments due inside the horizon
               + scheduled receipts (in transit, ETA inside the horizon).
Every other state is reported per state but does not count as available.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from jxc.inventory.model import SiteFacts
from jxc.inventory.states import State


class RollUp(StrEnum):
    BUCKET = "bucket"
    SITE = "site"
    ORG = "org"
    REGION = "region"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class StockRow:
    site_id: UUID
    owner_id: UUID | None
    state: str
    quantity: Decimal
    bucket_id: UUID | None = None
    lot: str | None = None
    bin: str | None = None
    serial: str | None = None


@dataclass(frozen=True, slots=True)
class SiteAmount:
    site_id: UUID
    quantity: Decimal


@dataclass
class AtpGroup:
    key: str
    by_state: dict[str, Decimal] = field(default_factory=dict)
    unreserved_commitments: Decimal = Decimal(0)
    scheduled_receipts: Decimal = Decimal(0)
    sites: set[str] = field(default_factory=set)

    @property
    def available(self) -> Decimal:
        return self.by_state.get(State.AVAILABLE, Decimal(0))

    @property
    def on_hand(self) -> Decimal:
        return sum((q for s, q in self.by_state.items() if s != State.IN_TRANSIT), Decimal(0))

    @property
    def atp(self) -> Decimal:
        return self.available - self.unreserved_commitments + self.scheduled_receipts

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "by_state": {k: self.by_state[k] for k in sorted(self.by_state)},
            "available": self.available,
            "unreserved_commitments": self.unreserved_commitments,
            "scheduled_receipts": self.scheduled_receipts,
            "atp": self.atp,
            "sites": sorted(self.sites),
        }


def group_key(
    by: RollUp, *, site: SiteFacts, owner_code: str | None, row: StockRow | None = None
) -> str:
    if by is RollUp.SITE:
        return site.code
    if by is RollUp.ORG:
        return owner_code or "-"
    if by is RollUp.REGION:
        return site.region or "-"
    if by is RollUp.BUCKET and row is not None:
        parts = [site.code, row.state, row.lot or "", row.bin or "", row.serial or ""]
        return "/".join(parts).rstrip("/")
    return "network"


def roll_up(
    *,
    by: RollUp,
    stock: Iterable[StockRow],
    receipts: Iterable[SiteAmount],
    commitments: Iterable[SiteAmount],
    sites: Mapping[UUID, SiteFacts],
    org_codes: Mapping[UUID, str],
) -> list[AtpGroup]:
    """Group an item's stock, receipts and commitments; groups sorted by key."""
    groups: dict[str, AtpGroup] = {}

    def group(site_id: UUID, owner_id: UUID | None, row: StockRow | None = None) -> AtpGroup:
        site = sites[site_id]
        owner = owner_id if owner_id is not None else site.organisation_id
        key = group_key(by, site=site, owner_code=org_codes.get(owner) if owner else None, row=row)
        found = groups.get(key)
        if found is None:
            found = groups[key] = AtpGroup(key=key)
        found.sites.add(site.code)
        return found

    for row in stock:
        if row.quantity == 0:
            continue
        g = group(row.site_id, row.owner_id, row)
        g.by_state[row.state] = g.by_state.get(row.state, Decimal(0)) + row.quantity
    for receipt in receipts:
        g = group(receipt.site_id, None)
        g.scheduled_receipts += receipt.quantity
    for commitment in commitments:
        g = group(commitment.site_id, None)
        g.unreserved_commitments += commitment.quantity
    return [groups[k] for k in sorted(groups)]
