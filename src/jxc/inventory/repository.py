"""SQL persistence for the ledger (SQLAlchemy Core). Only this module and ``queries`` touch
``inv_*`` tables. Writes are batched (executemany) so the bulk and the till path share code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, bindparam, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from jxc.db.types import Qty
from jxc.inventory import tables as t
from jxc.inventory.model import Bucket, Lot, Movement, StockCandidate
from jxc.kernel.ids import stable_id

CHUNK = 500


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class PostingRow:
    id: UUID
    idempotency_key: str
    payload_hash: str
    kind: str
    document_ref: str | None
    occurred_at: datetime
    recorded_at: datetime
    line_count: int


class LedgerRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name

    # --- postings -------------------------------------------------------------------------
    def postings_by_key(self, keys: Sequence[str]) -> dict[str, PostingRow]:
        found: dict[str, PostingRow] = {}
        for part in chunks(list(keys)):
            rows = self.connection.execute(select(t.postings).where(t.postings.c.idempotency_key.in_(part)))
            for row in rows:
                found[row.idempotency_key] = PostingRow(**row._mapping)
        return found

    def movements_of(self, posting_id: UUID) -> list[Any]:
        query = select(t.movements).where(t.movements.c.posting_id == posting_id).order_by(t.movements.c.line_no)
        return list(self.connection.execute(query))

    def insert_postings(self, rows: Sequence[PostingRow], movements: Sequence[Movement]) -> None:
        self.connection.execute(t.postings.insert(), [row.__dict__ for row in rows])
        self.connection.execute(
            t.movements.insert(),
            [
                {
                    "id": m.id, "posting_id": m.posting_id, "line_no": m.line_no, "item_id": m.source.item_id,
                    "quantity": m.quantity, "from_bucket_id": m.source.id, "to_bucket_id": m.target.id,
                    "from_site_id": m.source.site_id, "to_site_id": m.target.site_id,
                    "from_state": m.source.state, "to_state": m.target.state, "lot_id": m.target.lot_id,
                    "serial": m.target.serial, "occurred_at": m.occurred_at, "eta": m.eta,
                }
                for m in movements
            ],
        )

    # --- balances -------------------------------------------------------------------------
    def balances(self, bucket_ids: Sequence[UUID], *, lock: bool) -> dict[UUID, Decimal]:
        found: dict[UUID, Decimal] = {}
        ordered = sorted(set(bucket_ids))  # fixed lock order avoids deadlocks between writers
        for part in chunks(ordered):
            query = select(t.balances.c.bucket_id, t.balances.c.quantity).where(t.balances.c.bucket_id.in_(part))
            if lock and self.dialect == "postgresql":
                query = query.with_for_update()
            for bucket_id, quantity in self.connection.execute(query):
                found[bucket_id] = quantity
        return found

    def _upsert(self, table: Any) -> Any:
        return (postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table))

    def add_to_balances(
        self, deltas: dict[UUID, Decimal], buckets: dict[UUID, Bucket], negative_allowed: dict[UUID, bool],
        virtual: dict[UUID, bool],
    ) -> None:
        """Add deltas to the balance projection (insert new buckets, add to existing ones)."""
        rows = []
        for key, delta in deltas.items():
            if delta == 0:
                continue
            b = buckets[key]
            rows.append({
                "bucket_id": key, "item_id": b.item_id, "site_id": b.site_id, "owner_id": b.owner_id,
                "bin_id": b.bin_id, "lot_id": b.lot_id, "serial": b.serial, "state": b.state,
                "project_id": b.project_id, "is_virtual": virtual[key],
                "may_go_negative": negative_allowed[key], "quantity": delta,
            })
        # A CHECK constraint sees the row proposed for INSERT before ON CONFLICT turns it into an
        # update, so buckets that must not go negative and are losing stock (they exist: the
        # posting was checked against their locked balance) are updated, not upserted.
        shrinking = [r for r in rows if r["quantity"] < 0 and not r["may_go_negative"]]
        others = [r for r in rows if r["quantity"] >= 0 or r["may_go_negative"]]
        if shrinking:
            self.connection.execute(
                update(t.balances)
                .where(t.balances.c.bucket_id == bindparam("b_bucket_id"))
                .values(quantity=t.balances.c.quantity + bindparam("b_delta", type_=Qty())),
                [{"b_bucket_id": r["bucket_id"], "b_delta": r["quantity"]} for r in shrinking],
            )
        if others:
            statement = self._upsert(t.balances)
            statement = statement.on_conflict_do_update(
                index_elements=[t.balances.c.bucket_id],
                set_={"quantity": t.balances.c.quantity + statement.excluded.quantity},
            )
            self.connection.execute(statement, others)

    def stock_candidates(
        self, *, item_id: UUID, site_id: UUID, state: str, project_id: UUID | None,
        lot_id: UUID | None = None, bin_id: UUID | None = None, serials: Sequence[str] = (), lock: bool = True,
    ) -> list[StockCandidate]:
        b, lot = t.balances, t.lots
        conditions = [b.c.item_id == item_id, b.c.site_id == site_id, b.c.state == state, b.c.quantity > 0]
        conditions.append(b.c.project_id.is_(None) if project_id is None else b.c.project_id == project_id)
        if lot_id is not None:
            conditions.append(b.c.lot_id == lot_id)
        if bin_id is not None:
            conditions.append(b.c.bin_id == bin_id)
        if serials:
            conditions.append(b.c.serial.in_(list(serials)))
        query = (
            select(b, lot.c.lot_no, lot.c.expiry_date, lot.c.received_at)
            .select_from(b.outerjoin(lot, lot.c.id == b.c.lot_id))
            .where(and_(*conditions))
        )
        if lock and self.dialect == "postgresql":
            query = query.with_for_update(of=b)
        return [
            StockCandidate(
                bucket=Bucket(
                    owner_id=row.owner_id, site_id=row.site_id, item_id=row.item_id, state=row.state,
                    bin_id=row.bin_id, lot_id=row.lot_id, serial=row.serial, project_id=row.project_id,
                ),
                quantity=row.quantity, lot_no=row.lot_no, expiry_date=row.expiry_date, received_at=row.received_at,
            )
            for row in self.connection.execute(query)
        ]

    # --- lots -----------------------------------------------------------------------------
    def lots_by_number(self, pairs: Sequence[tuple[UUID, str]]) -> dict[tuple[UUID, str], Lot]:
        found: dict[tuple[UUID, str], Lot] = {}
        for part in chunks(sorted(set(pairs)), 300):
            query = select(t.lots).where(tuple_(t.lots.c.item_id, t.lots.c.lot_no).in_(list(part)))
            for row in self.connection.execute(query):
                found[(row.item_id, row.lot_no)] = Lot(**row._mapping)
        return found

    def lots_by_id(self, ids: Sequence[UUID]) -> dict[UUID, Lot]:
        found: dict[UUID, Lot] = {}
        for part in chunks(sorted(set(ids))):
            for row in self.connection.execute(select(t.lots).where(t.lots.c.id.in_(part))):
                found[row.id] = Lot(**row._mapping)
        return found

    def insert_lots(self, lots: Sequence[Lot]) -> None:
        if lots:
            self.connection.execute(t.lots.insert(), [lot.__dict__ for lot in lots])

    # --- in-transit ETA projection ----------------------------------------------------------
    def add_transit(self, rows: Sequence[tuple[Bucket, datetime | None, Decimal]]) -> None:
        if not rows:
            return
        statement = self._upsert(t.transit_eta)
        statement = statement.on_conflict_do_update(
            index_elements=[t.transit_eta.c.id],
            set_={"quantity": t.transit_eta.c.quantity + statement.excluded.quantity},
        )
        self.connection.execute(statement, [
            {"id": stable_id(b.id, eta), "bucket_id": b.id, "eta": eta, "item_id": b.item_id,
             "site_id": b.site_id, "quantity": qty}
            for b, eta, qty in rows
        ])

    def consume_transit(self, bucket: Bucket, quantity: Decimal) -> None:
        """Take quantity out of a bucket's ETA slices, earliest ETA first (unknown ETA last)."""
        te = t.transit_eta
        query = select(te.c.id, te.c.eta, te.c.quantity).where(te.c.bucket_id == bucket.id, te.c.quantity > 0)
        slices = sorted(self.connection.execute(query), key=lambda r: (r.eta is None, r.eta or datetime.min))
        left = quantity
        for slice_id, _eta, available in slices:
            if left <= 0:
                break
            take = min(available, left)
            self.connection.execute(update(te).where(te.c.id == slice_id).values(quantity=te.c.quantity - take))
            left -= take

    # --- serials --------------------------------------------------------------------------
    def serial_locations(self, item_id: UUID, serials: Sequence[str]) -> dict[str, UUID | None]:
        s = t.serials
        found: dict[str, UUID | None] = {}
        for part in chunks(list(serials)):
            query = select(s.c.serial, s.c.bucket_id).where(s.c.item_id == item_id, s.c.serial.in_(part))
            for serial, bucket_id in self.connection.execute(query):
                found[serial] = bucket_id
        return found

    def place_serials(self, rows: Sequence[tuple[Bucket, bool, datetime]]) -> None:
        """Record where each serial now is: its real bucket, or nowhere (left the company)."""
        if not rows:
            return
        statement = self._upsert(t.serials)
        statement = statement.on_conflict_do_update(
            index_elements=[t.serials.c.item_id, t.serials.c.serial],
            set_={"bucket_id": statement.excluded.bucket_id, "site_id": statement.excluded.site_id,
                  "lot_id": statement.excluded.lot_id},
        )
        self.connection.execute(statement, [
            {"item_id": b.item_id, "serial": b.serial, "lot_id": b.lot_id,
             "bucket_id": None if virtual else b.id, "site_id": None if virtual else b.site_id,
             "first_seen_at": at}
            for b, virtual, at in rows
        ])
