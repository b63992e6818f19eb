"""SQL persistence for the ledger (SQLAlchemy Core). Only this module and ``queries`` touch
``inv_*`` tables. Writes are batched (executemany) so the bulk and the till path share code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from jxc.db.bulk import BulkStatement, ValueEncoder, execute, execute_many
from jxc.inventory import tables as t
from jxc.inventory.model import Bucket, Lot, StockCandidate
from jxc.kernel.ids import stable_id
from jxc.kernel.quantity import from_minor

CHUNK = 500

_POSTING_COLUMNS = ("id", "idempotency_key", "payload_hash", "kind", "document_ref", "occurred_at", "recorded_at",
                    "line_count")
_MOVEMENT_COLUMNS = ("id", "posting_id", "line_no", "quantity", "occurred_at", "eta", "item_id", "from_bucket_id",
                     "to_bucket_id")
_BALANCE_COLUMNS = ("bucket_id", "item_id", "site_id", "owner_id", "bin_id", "lot_id", "serial", "state",
                    "project_id", "is_virtual", "may_go_negative", "quantity")


@dataclass(frozen=True)
class _Statements:
    postings: BulkStatement
    movements: BulkStatement
    balances: BulkStatement
    shrink: str
    transit: BulkStatement
    consume_transit: str


def _key(value: object) -> str:
    """Storage key of an id: SQLite returns the stored hex, PostgreSQL a UUID."""
    return value if isinstance(value, str) else value.hex  # type: ignore[attr-defined]


# Statements built once: SQLAlchemy then reuses their compiled form (the till path runs these per sale).
_POSTING_BY_KEY = select(t.postings).where(t.postings.c.idempotency_key == bindparam("key"))
_POSTINGS_BY_KEY = select(t.postings).where(t.postings.c.idempotency_key.in_(bindparam("keys", expanding=True)))


@lru_cache(maxsize=4)
def _statements(dialect: str) -> _Statements:
    return _Statements(
        postings=BulkStatement(t.postings, _POSTING_COLUMNS, dialect),
        movements=BulkStatement(t.movements, _MOVEMENT_COLUMNS, dialect),
        balances=BulkStatement(
            t.balances, _BALANCE_COLUMNS, dialect,
            suffix="ON CONFLICT (bucket_id) DO UPDATE SET quantity = inv_balances.quantity + excluded.quantity",
        ),
        shrink="UPDATE inv_balances SET quantity = quantity + {m} WHERE bucket_id = {m}".format(
            m="?" if dialect == "sqlite" else "%s"
        ),
        transit=BulkStatement(
            t.transit_eta, ("id", "bucket_id", "eta", "item_id", "site_id", "quantity"), dialect,
            suffix="ON CONFLICT (id) DO UPDATE SET quantity = inv_transit_eta.quantity + excluded.quantity",
        ),
        consume_transit="UPDATE inv_transit_eta SET quantity = quantity - {m} WHERE id = {m}".format(
            m="?" if dialect == "sqlite" else "%s"
        ),
    )


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
        self.encoder = ValueEncoder(self.dialect)

    # --- postings -------------------------------------------------------------------------
    def postings_by_key(self, keys: Sequence[str]) -> dict[str, PostingRow]:
        found: dict[str, PostingRow] = {}
        if len(keys) == 1:
            row = self.connection.execute(_POSTING_BY_KEY, {"key": keys[0]}).first()
            return {row.idempotency_key: PostingRow(**row._mapping)} if row is not None else {}
        for part in chunks(list(keys)):
            for row in self.connection.execute(_POSTINGS_BY_KEY, {"keys": list(part)}):
                found[row.idempotency_key] = PostingRow(**row._mapping)
        return found

    def digests_by_key(self, keys: Sequence[str]) -> dict[str, str]:
        """Payload hash per idempotency key already posted (the bulk path's duplicate check)."""
        found: dict[str, str] = {}
        for part in chunks(list(keys), 900):
            sql = (f"SELECT idempotency_key, payload_hash FROM inv_postings WHERE idempotency_key IN "
                   f"({', '.join([self._mark] * len(part))})")
            found.update(execute(self.connection, sql, part))
        return found

    def movements_of(self, posting_id: UUID) -> list[Any]:
        """A posting's movements with the dimensions of both buckets."""
        m, source, target = t.movements, t.balances.alias("source"), t.balances.alias("target")
        query = (
            select(
                m.c.id, m.c.line_no, m.c.item_id, m.c.quantity, m.c.from_bucket_id, m.c.to_bucket_id,
                source.c.site_id.label("from_site_id"), target.c.site_id.label("to_site_id"),
                source.c.state.label("from_state"), target.c.state.label("to_state"), target.c.lot_id,
                target.c.serial, m.c.occurred_at, m.c.eta,
            )
            .join(source, source.c.bucket_id == m.c.from_bucket_id)
            .join(target, target.c.bucket_id == m.c.to_bucket_id)
            .where(m.c.posting_id == posting_id)
            .order_by(m.c.line_no)
        )
        return list(self.connection.execute(query))

    def posting_row(self, r: PostingRow) -> tuple[object, ...]:
        uid, when = self.encoder.uid, self.encoder.when
        return (uid(r.id), r.idempotency_key, r.payload_hash, r.kind, r.document_ref, when(r.occurred_at),
                when(r.recorded_at), r.line_count)

    def insert_encoded(self, postings: Sequence[tuple[object, ...]], movements: Sequence[tuple[object, ...]]) -> None:
        """Postings and movements already in storage form (column order: ``_POSTING_COLUMNS``, ``_MOVEMENT_COLUMNS``)."""
        statements = _statements(self.dialect)
        statements.postings.run_encoded(self.connection, postings)
        statements.movements.run_encoded(self.connection, movements)

    def balances_by_key(self, keys: Sequence[str], *, lock: bool) -> dict[str, int]:
        """Balances in minor units by storage key; on PostgreSQL the rows are locked in key order."""
        found: dict[str, int] = {}
        mark = "?" if self.dialect == "sqlite" else "%s"
        for part in chunks(list(keys), 900):
            sql = f"SELECT bucket_id, quantity FROM inv_balances WHERE bucket_id IN ({', '.join([mark] * len(part))})"
            if lock and self.dialect == "postgresql":
                sql += " ORDER BY bucket_id FOR UPDATE"
            for key, quantity in execute(self.connection, sql, part):
                found[key if isinstance(key, str) else key.hex] = int(quantity)
        return found

    def add_to_balances_by_key(
        self, deltas: dict[str, int], rows: dict[str, tuple[object, ...]], guarded: dict[str, bool],
    ) -> None:
        """Add minor-unit deltas to the balance projection (insert new buckets, add to existing ones)."""
        shrinking, others = [], []
        for key, delta in deltas.items():
            if delta == 0:
                continue
            if delta < 0 and guarded[key]:
                # A CHECK constraint sees the row proposed for INSERT before ON CONFLICT turns it into an
                # update, so a guarded bucket losing stock (it exists: the posting was checked against its
                # locked balance) is updated, not upserted.
                shrinking.append((delta, key))
            else:
                others.append((*rows[key], delta))
        statements = _statements(self.dialect)
        if shrinking:
            execute_many(self.connection, statements.shrink, shrinking)
        statements.balances.run_encoded(self.connection, others)

    # --- balances -------------------------------------------------------------------------
    # --- reads for ATP (driver level: hundreds of rows per call, no per-row type processing) --
    def _sites_clause(self, site_keys: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
        """`` AND site_id IN (…)`` for an access scope (``None``: no condition)."""
        if site_keys is None:
            return "", ()
        return f" AND site_id IN ({', '.join([self._mark] * len(site_keys))})", tuple(site_keys)

    def item_stock(
        self, item_id: UUID, *, by_owner: bool, site_keys: Sequence[str] | None = None,
    ) -> list[tuple[str, str | None, str, int]]:
        """(site key, owner key, state, minor units) of an item over real buckets (in scope)."""
        mark = self._mark
        owner, grouping = ("owner_id", "site_id, owner_id, state") if by_owner else ("NULL", "site_id, state")
        scope, scope_params = self._sites_clause(site_keys)
        sql = (f"SELECT site_id, {owner}, state, SUM(quantity) FROM inv_balances WHERE item_id = {mark} "
               f"AND is_virtual = {mark}{scope} GROUP BY {grouping}")
        rows = execute(self.connection, sql, (self.encoder.uid(item_id), False, *scope_params))
        return [(_key(site), None if own is None else _key(own), state, int(q)) for site, own, state, q in rows]

    def item_receipts(
        self, item_id: UUID, until: datetime, *, site_keys: Sequence[str] | None = None,
    ) -> list[tuple[str, int]]:
        """In-transit quantity per site whose ETA falls before ``until``."""
        mark = self._mark
        scope, scope_params = self._sites_clause(site_keys)
        sql = (f"SELECT site_id, SUM(quantity) FROM inv_transit_eta WHERE item_id = {mark} AND eta IS NOT NULL "
               f"AND eta <= {mark} AND quantity > 0{scope} GROUP BY site_id")
        rows = execute(self.connection, sql, (self.encoder.uid(item_id), self.encoder.when(until), *scope_params))
        return [(_key(site), int(q)) for site, q in rows]

    def item_commitments(
        self, item_id: UUID, until: datetime, *, site_keys: Sequence[str] | None = None,
    ) -> list[tuple[str, int]]:
        """Unreserved quantity of open commitments per site due before ``until``."""
        mark = self._mark
        scope, scope_params = self._sites_clause(site_keys)
        sql = (f"SELECT site_id, SUM(unreserved) FROM inv_commitments WHERE item_id = {mark} AND status = 'open' "
               f"AND due_at <= {mark} AND unreserved > 0{scope} GROUP BY site_id")
        rows = execute(self.connection, sql, (self.encoder.uid(item_id), self.encoder.when(until), *scope_params))
        return [(_key(site), int(q)) for site, q in rows]

    @property
    def _mark(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"

    def _upsert(self, table: Any) -> Any:
        return (postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table))

    def stock_candidates(
        self, *, item_id: UUID, site_id: UUID, state: str, project_id: UUID | None,
        lot_id: UUID | None = None, bin_id: UUID | None = None, serials: Sequence[str] = (), lock: bool = True,
    ) -> list[StockCandidate]:
        """Buckets holding the item at the site in that state (locked on PostgreSQL), with lot data.

        Driver-level: this runs once per sale on the till path.
        """
        mark, uid = self._mark, self.encoder.uid
        sql = [
            "SELECT b.owner_id, b.bin_id, b.lot_id, b.serial, b.quantity, l.lot_no, l.expiry_date, l.received_at "
            "FROM inv_balances b LEFT JOIN inv_lots l ON l.id = b.lot_id "
            f"WHERE b.item_id = {mark} AND b.site_id = {mark} AND b.state = {mark} AND b.quantity > 0"
        ]
        params: list[object] = [uid(item_id), uid(site_id), str(state)]
        for column, value in (("project_id", project_id), ("lot_id", lot_id), ("bin_id", bin_id)):
            if value is not None:
                sql.append(f"AND b.{column} = {mark}")
                params.append(uid(value))
            elif column == "project_id":
                sql.append("AND b.project_id IS NULL")
        if serials:
            sql.append(f"AND b.serial IN ({', '.join([mark] * len(serials))})")
            params.extend(serials)
        if lock and self.dialect == "postgresql":
            sql.append("FOR UPDATE OF b")
        decode = self.encoder
        return [
            StockCandidate(
                bucket=Bucket(
                    owner_id=decode.uid_out(owner), site_id=site_id, item_id=item_id, state=state,
                    bin_id=decode.uid_out(bin_key), lot_id=decode.uid_out(lot_key), serial=serial,
                    project_id=project_id,
                ),
                quantity=from_minor(int(quantity)), lot_no=lot_no, expiry_date=decode.date_out(expiry),
                received_at=decode.time_out(received),
            )
            for owner, bin_key, lot_key, serial, quantity, lot_no, expiry, received in execute(
                self.connection, " ".join(sql), params
            )
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
        """Add in-transit quantity per (bucket, ETA) slice."""
        uid, when, qty = self.encoder.uid, self.encoder.when, self.encoder.qty
        _statements(self.dialect).transit.run_encoded(self.connection, [
            (stable_id(b.id, eta).hex, uid(b.id), None if eta is None else when(eta), uid(b.item_id), uid(b.site_id),
             qty(amount))
            for b, eta, amount in rows
        ])

    def consume_transit(self, taken: Mapping[UUID, Decimal]) -> None:
        """Take quantities out of buckets' ETA slices, earliest ETA first (unknown ETA last)."""
        if not taken:
            return
        keys = {bucket_id.hex: amount for bucket_id, amount in taken.items()}
        slices: dict[str, list[tuple[object, object, int]]] = {}
        for part in chunks(list(keys), 900):
            sql = (f"SELECT bucket_id, id, eta, quantity FROM inv_transit_eta WHERE quantity > 0 AND bucket_id IN "
                   f"({', '.join([self._mark] * len(part))})")
            for bucket_id, slice_id, eta, quantity in execute(self.connection, sql, part):
                slices.setdefault(_key(bucket_id), []).append((slice_id, eta, int(quantity)))
        updates = []
        qty = self.encoder.qty
        for key, amount in keys.items():
            left = qty(amount)
            for slice_id, _eta, available in sorted(slices.get(key, []), key=lambda r: (r[1] is None, str(r[1]))):
                if left <= 0:
                    break
                take = min(available, left)
                updates.append((take, slice_id))
                left -= take
        if updates:
            execute_many(self.connection, _statements(self.dialect).consume_transit, updates)

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
