"""Available-to-promise roll-up (pure).

ATP of a group = available − unreserved commitments due inside the horizon
               + scheduled receipts (in transit, ETA inside the horizon).
Every other state is reported per state but does not count as available.

Sums run on integer minor units (exact and fast over thousands of rows); figures are
handed out as Decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jxc.inventory.model import SiteFacts
from jxc.inventory.states import State
from jxc.kernel.quantity import from_minor


class RollUp(StrEnum):
    BUCKET = "bucket"
    SITE = "site"
    ORG = "org"
    REGION = "region"
    NETWORK = "network"


# (site key, tag, state, quantity in minor units); the tag is the owner's code when rolling up by
# organisation, the bucket's label (site/state/lot/bin/serial) by bucket, else None.
StockRow = tuple[str, str | None, str, int]


@dataclass
class AtpGroup:
    key: str
    minor_by_state: dict[str, int] = field(default_factory=dict)
    minor_commitments: int = 0
    minor_receipts: int = 0
    sites: set[str] = field(default_factory=set)

    @property
    def by_state(self) -> dict[str, Decimal]:
        return {state: from_minor(q) for state, q in sorted(self.minor_by_state.items())}

    @property
    def available(self) -> Decimal:
        return from_minor(self.minor_by_state.get(State.AVAILABLE, 0))

    @property
    def unreserved_commitments(self) -> Decimal:
        return from_minor(self.minor_commitments)

    @property
    def scheduled_receipts(self) -> Decimal:
        return from_minor(self.minor_receipts)

    @property
    def atp(self) -> Decimal:
        return from_minor(self.minor_by_state.get(State.AVAILABLE, 0) - self.minor_commitments + self.minor_receipts)

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key, "by_state": self.by_state, "available": self.available,
            "unreserved_commitments": self.unreserved_commitments, "scheduled_receipts": self.scheduled_receipts,
            "atp": self.atp, "sites": sorted(self.sites),
        }


def key_function(by: RollUp) -> Callable[[SiteFacts, str | None], str]:
    """How a (site, tag) maps to its group at the requested level."""
    if by is RollUp.SITE:
        return lambda site, tag: site.code
    if by is RollUp.ORG or by is RollUp.BUCKET:
        return lambda site, tag: tag or site.code
    if by is RollUp.REGION:
        return lambda site, tag: site.region or "-"
    return lambda site, tag: "network"


def roll_up(
    *,
    by: RollUp,
    stock: Iterable[StockRow],
    receipts: Iterable[tuple[str, int]],
    commitments: Iterable[tuple[str, int]],
    sites: Mapping[str, SiteFacts],
    org_codes: Mapping[object, str] | None = None,
) -> list[AtpGroup]:
    """Group an item's stock, receipts and commitments (minor units, by site key); sorted by key.

    One pass over hundreds of rows per request: rows of the same (site, tag) share their group.
    """
    key_of = key_function(by)
    codes = org_codes or {}
    groups: dict[str, AtpGroup] = {}
    placed: dict[tuple[str, str | None], AtpGroup] = {}

    def group(site_key: str, tag: str | None) -> AtpGroup:
        found = placed.get((site_key, tag))
        if found is None:
            site = sites[site_key]
            key = key_of(site, tag)
            found = groups.get(key)
            if found is None:
                found = groups[key] = AtpGroup(key=key)
            found.sites.add(site.code)
            placed[(site_key, tag)] = found
        return found

    for site_key, tag, state, quantity in stock:
        if quantity:
            by_state = group(site_key, tag).minor_by_state
            by_state[state] = by_state.get(state, 0) + quantity
    org_tag = by is RollUp.ORG
    for site_key, quantity in receipts:
        organisation = sites[site_key].organisation_id
        group(site_key, codes.get(organisation) if org_tag else None).minor_receipts += quantity
    for site_key, quantity in commitments:
        organisation = sites[site_key].organisation_id
        group(site_key, codes.get(organisation) if org_tag else None).minor_commitments += quantity
    return [groups[k] for k in sorted(groups)]
