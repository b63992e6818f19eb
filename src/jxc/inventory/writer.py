"""Writing postings: one path for a single till sale and for a bulk import of millions.

Movements arrive resolved and rule-checked. The writer turns each distinct pair of buckets a
movement joins into a *lane* once — storage keys, encoded columns, whether either end must
stay non-negative — and then handles every movement on that lane with integers: quantities in
minor units, balances keyed by the bucket's storage key (its id as 32 hex digits).

Invariant kept here: after each posting, no bucket that is real and does not allow negative
stock is below zero, checked against balances read (and on PostgreSQL locked) in the same
transaction. A posting that would break it raises ``InsufficientStock`` and the transaction
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from jxc.inventory.model import Bucket, Lot, Movement, SiteFacts
from jxc.inventory.repository import LedgerRepository, PostingRow
from jxc.inventory.states import State
from jxc.kernel.errors import InsufficientStock
from jxc.kernel.quantity import QTY_SCALE, from_minor

_SCALE = 10**QTY_SCALE


@dataclass(slots=True)
class Lane:
    """What every movement between one source bucket and one target bucket shares."""

    source_key: str
    target_key: str
    source_guarded: bool  # a real bucket that must not go below zero
    target_guarded: bool
    movement_columns: tuple[object, ...]
    source_row: tuple[object, ...]  # balance columns without the quantity
    target_row: tuple[object, ...]
    item_code: str
    source_site: str
    source_state: str


# (movement id, posting id, line number, quantity in minor units, occurred at, eta, lane) — encoded.
Entry = tuple[str, str, int, int, object, object, Lane]


def minor(quantity: Decimal | int) -> int:
    return quantity * _SCALE if type(quantity) is int else int(quantity.scaleb(QTY_SCALE))  # type: ignore[union-attr]


@dataclass
class PostingWriter:
    repo: LedgerRepository
    sites: Mapping[UUID, SiteFacts]
    item_codes: Mapping[UUID, str]
    postings: list[tuple[object, ...]] = field(default_factory=list)
    entries: list[list[Entry]] = field(default_factory=list)
    projected: list[Movement] = field(default_factory=list)  # movements that touch transit or serial projections
    new_lots: list[Lot] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)  # storage key → balance read in this transaction
    lanes: dict[tuple[UUID, UUID], Lane] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.postings

    def lane(self, movement: Movement) -> Lane:
        key = (movement.source_id, movement.target_id)
        found = self.lanes.get(key)
        if found is None:
            found = self.lanes[key] = self._make_lane(movement)
        return found

    def _make_lane(self, m: Movement) -> Lane:
        encode = self.repo.encoder
        uid, flag = encode.uid, encode.flag
        source, target = m.source, m.target
        source_site, target_site = self.sites[source.site_id], self.sites[target.site_id]

        def balance_row(bucket: Bucket, key: str, site: SiteFacts) -> tuple[object, ...]:
            return (
                key, uid(bucket.item_id), uid(bucket.site_id), _opt(uid, bucket.owner_id), _opt(uid, bucket.bin_id),
                _opt(uid, bucket.lot_id), bucket.serial, bucket.state, _opt(uid, bucket.project_id),
                flag(site.is_virtual), flag(site.may_go_negative),
            )

        source_key, target_key = m.source_id.hex, m.target_id.hex
        return Lane(
            source_key=source_key, target_key=target_key,
            source_guarded=not source_site.may_go_negative, target_guarded=not target_site.may_go_negative,
            movement_columns=(uid(source.item_id), source_key, target_key),
            source_row=balance_row(source, source_key, source_site),
            target_row=balance_row(target, target_key, target_site),
            item_code=self.item_codes.get(source.item_id, str(source.item_id)),
            source_site=source_site.code, source_state=str(source.state),
        )

    def add_movements(self, posting: PostingRow, movements: Sequence[Movement]) -> None:
        """A posting resolved into movement objects (allocation, lots, serials, transit)."""
        encode = self.repo.encoder
        uid, when = encode.uid, encode.when
        self.postings.append(self.repo.posting_row(posting))
        posting_key = uid(posting.id)
        self.entries.append([
            (uid(m.id), posting_key, m.line_no, minor(m.quantity), when(m.occurred_at),
             None if m.eta is None else when(m.eta), self.lane(m))
            for m in movements
        ])
        for m in movements:
            if m.target.serial is not None or State.IN_TRANSIT in (m.source.state, m.target.state):
                self.projected.append(m)

    def add_entries(self, posting_row: tuple[object, ...], entries: Sequence[Entry]) -> None:
        """A posting whose lines all run on known lanes (the bulk fast path)."""
        self.postings.append(posting_row)
        self.entries.append(list(entries))

    def seed(self, balances: Mapping[UUID, Decimal]) -> None:
        """Balances already read (and locked) by allocation, so they are not read twice."""
        for bucket_id, quantity in balances.items():
            self.known.setdefault(bucket_id.hex, minor(quantity))

    def flush(self) -> None:
        """Check and write everything added, in the caller's transaction (the till path)."""
        if self.postings:
            self.settle(lock=True).write(self.repo)

    def settle(self, *, lock: bool) -> WriteSet:
        """Apply the added postings to the balances, refusing any that would take a guarded bucket
        below zero, and return the rows to write. Balances not yet known are read first (and locked
        on PostgreSQL when ``lock``). ``known`` keeps the result for the postings that follow."""
        known = self.known
        wanted = {e[6].source_key for es in self.entries for e in es if e[6].source_guarded}
        wanted.update(e[6].target_key for es in self.entries for e in es if e[6].target_guarded)
        wanted.difference_update(known)
        if wanted:
            known.update(self.repo.balances_by_key(sorted(wanted), lock=lock))
        totals: dict[str, int] = {}
        rows: dict[str, tuple[object, ...]] = {}
        guarded: dict[str, bool] = {}
        movement_rows = []
        for entries in self.entries:
            if len(entries) == 1:
                # One movement: no netting needed (the commonest posting on the bulk path).
                movement_id, posting_id, line_no, qty, occurred, eta, lane = entries[0]
                source, target = lane.source_key, lane.target_key
                if source not in rows:
                    rows[source], guarded[source] = lane.source_row, lane.source_guarded
                if target not in rows:
                    rows[target], guarded[target] = lane.target_row, lane.target_guarded
                if lane.source_guarded:
                    have = known.get(source, 0)
                    if have < qty:
                        raise _insufficient(lane, have, qty)
                    known[source] = have - qty
                if lane.target_guarded:
                    known[target] = known.get(target, 0) + qty
                totals[source] = totals.get(source, 0) - qty
                totals[target] = totals.get(target, 0) + qty
                movement_rows.append((movement_id, posting_id, line_no, qty, occurred, eta, *lane.movement_columns))
                continue
            deltas: dict[str, int] = {}
            for movement_id, posting_id, line_no, qty, occurred, eta, lane in entries:
                deltas[lane.source_key] = deltas.get(lane.source_key, 0) - qty
                deltas[lane.target_key] = deltas.get(lane.target_key, 0) + qty
                if lane.source_key not in rows:
                    rows[lane.source_key], guarded[lane.source_key] = lane.source_row, lane.source_guarded
                if lane.target_key not in rows:
                    rows[lane.target_key], guarded[lane.target_key] = lane.target_row, lane.target_guarded
                movement_rows.append((movement_id, posting_id, line_no, qty, occurred, eta, *lane.movement_columns))
            for key, delta in deltas.items():
                if delta < 0 and guarded[key] and known.get(key, 0) + delta < 0:
                    lane = next(e[6] for e in entries if key in (e[6].source_key, e[6].target_key))
                    raise _insufficient(lane, known.get(key, 0), -delta)
            for key, delta in deltas.items():
                if guarded[key]:
                    known[key] = known.get(key, 0) + delta
                totals[key] = totals.get(key, 0) + delta
        result = WriteSet(
            postings=self.postings, movements=movement_rows, totals=totals, rows=rows, guarded=guarded,
            new_lots=self.new_lots, projected=self.projected, sites=self.sites,
        )
        self.postings, self.entries, self.new_lots, self.projected = [], [], [], []
        return result


@dataclass
class WriteSet:
    """Rows of settled postings, ready for one transaction to write."""

    postings: list[tuple[object, ...]]
    movements: list[tuple[object, ...]]
    totals: dict[str, int]
    rows: dict[str, tuple[object, ...]]
    guarded: dict[str, bool]
    new_lots: list[Lot]
    projected: list[Movement]
    sites: Mapping[UUID, SiteFacts]

    @property
    def has_serials(self) -> bool:
        return any(m.target.serial is not None for m in self.projected)

    def write(self, repo: LedgerRepository) -> None:
        repo.insert_lots(self.new_lots)
        repo.insert_encoded(self.postings, self.movements)
        repo.add_to_balances_by_key(self.totals, self.rows, self.guarded)
        if self.projected:
            self._update_transit(repo)
            self._place_serials(repo)

    def _update_transit(self, repo: LedgerRepository) -> None:
        adds: dict[tuple[UUID, datetime | None], tuple[Bucket, Decimal]] = {}
        for m in self.projected:
            if m.target.state == State.IN_TRANSIT and not self.sites[m.target.site_id].is_virtual:
                bucket, qty = adds.get((m.target_id, m.eta), (m.target, Decimal(0)))
                adds[(m.target_id, m.eta)] = (bucket, qty + m.quantity)
        repo.add_transit([(bucket, eta, qty) for (_, eta), (bucket, qty) in adds.items()])
        taken: dict[UUID, Decimal] = {}
        for m in self.projected:
            if m.source.state == State.IN_TRANSIT and not self.sites[m.source.site_id].is_virtual:
                taken[m.source_id] = taken.get(m.source_id, Decimal(0)) + m.quantity
        repo.consume_transit(taken)

    def _place_serials(self, repo: LedgerRepository) -> None:
        last: dict[tuple[UUID, str], tuple[Bucket, bool, datetime]] = {}
        for m in self.projected:
            if m.target.serial is not None:
                last[(m.target.item_id, m.target.serial)] = (m.target, self.sites[m.target.site_id].is_virtual,
                                                             m.occurred_at)
        repo.place_serials(list(last.values()))


def _insufficient(lane: Lane, have: int, wanted: int) -> InsufficientStock:
    return InsufficientStock(
        "stock.insufficient", field="quantity", item=lane.item_code, site=lane.source_site, state=lane.source_state,
        available=str(from_minor(have)), requested=str(from_minor(wanted)),
    )


def _opt(encode: object, value: UUID | None) -> object:
    return None if value is None else encode(value)  # type: ignore[operator]
