"""The same writes jxc's ledger makes, issued straight through the driver (no jxc code).

Rows are pre-built before timing starts, so the baseline measures only the database work:
insert the posting, insert the movement, add to the two balances (upsert). It is the
ceiling jxc is compared with.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from jxc.kernel.ids import new_id, stable_id

SCALE = 10**6


@dataclass(frozen=True)
class RawMovement:
    posting: tuple[object, ...] | None  # on the first movement of each posting only
    movement: tuple[object, ...]
    source_balance: tuple[object, ...]
    target_balance: tuple[object, ...]


def _id(value: uuid.UUID, dialect: str) -> object:
    return value.hex if dialect == "sqlite" else value


def _ts(value: datetime, dialect: str) -> object:
    return value.replace(tzinfo=None).isoformat(sep=" ") if dialect == "sqlite" else value


Flow = tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str, uuid.UUID, uuid.UUID | None, str, int, bool]


def build_rows(documents: Sequence[Sequence[Flow]], *, dialect: str) -> list[RawMovement]:
    """One posting row per document, one movement row per flow.

    A flow is (item, source site, source owner, source state, target site, target owner,
    target state, qty, source is virtual).
    """
    now = datetime.now(UTC)
    rows = []
    for n, flows in enumerate(documents):
        posting_id = new_id()
        posting = (_id(posting_id, dialect), f"raw:{n}:{posting_id.hex}", "0" * 64, "movement", None,
                   _ts(now, dialect), _ts(now, dialect), len(flows))
        for line, (item, s_site, s_owner, s_state, t_site, t_owner, t_state, qty, s_virtual) in enumerate(flows):
            src = stable_id(s_owner, s_site, None, item, None, None, s_state, None)
            dst = stable_id(t_owner, t_site, None, item, None, None, t_state, None)
            minor = qty * SCALE
            rows.append(RawMovement(
                posting=posting if line == 0 else None,
                movement=(_id(new_id(), dialect), _id(posting_id, dialect), line + 1, _id(item, dialect), minor,
                          _id(src, dialect), _id(dst, dialect), _ts(now, dialect), None),
                source_balance=(_id(src, dialect), _id(item, dialect), _id(s_site, dialect),
                                _id(s_owner, dialect) if s_owner else None, s_state, s_virtual, s_virtual, -minor),
                target_balance=(_id(dst, dialect), _id(item, dialect), _id(t_site, dialect),
                                _id(t_owner, dialect) if t_owner else None, t_state, not s_virtual, not s_virtual,
                                minor),
            ))
    return rows


INSERT_POSTING = (
    "INSERT INTO inv_postings (id, idempotency_key, payload_hash, kind, document_ref, occurred_at, recorded_at,"
    " line_count) VALUES ({p})"
)
INSERT_MOVEMENT = (
    "INSERT INTO inv_movements (id, posting_id, line_no, item_id, quantity, from_bucket_id, to_bucket_id,"
    " occurred_at, eta) VALUES ({p})"
)
SHRINK_BALANCE = "UPDATE inv_balances SET quantity = quantity + {m} WHERE bucket_id = {m}"
UPSERT_BALANCE = (
    "INSERT INTO inv_balances (bucket_id, item_id, site_id, owner_id, state, is_virtual, may_go_negative, quantity)"
    " VALUES ({p}) ON CONFLICT (bucket_id) DO UPDATE SET quantity = inv_balances.quantity + excluded.quantity"
)


@dataclass(frozen=True)
class Statements:
    posting: str
    movement: str
    upsert: str
    shrink: str


def statements(dialect: str) -> Statements:
    mark = "?" if dialect == "sqlite" else "%s"
    return Statements(
        posting=INSERT_POSTING.format(p=", ".join([mark] * 8)),
        movement=INSERT_MOVEMENT.format(p=", ".join([mark] * 9)),
        upsert=UPSERT_BALANCE.format(p=", ".join([mark] * 8)),
        # A real bucket losing stock exists already; an upsert would trip the CHECK on its proposed row.
        shrink=SHRINK_BALANCE.format(m=mark),
    )


def write_batch(cursor: object, rows: Sequence[RawMovement], sql: Statements) -> None:
    """executemany the batch: postings, movements, balance changes (what jxc writes, minus jxc)."""
    cur = cursor
    cur.executemany(sql.posting, [r.posting for r in rows if r.posting is not None])  # type: ignore[attr-defined]
    cur.executemany(sql.movement, [r.movement for r in rows])  # type: ignore[attr-defined]
    shrink = [(r.source_balance[-1], r.source_balance[0]) for r in rows if not r.source_balance[5]]
    grow = [r.source_balance for r in rows if r.source_balance[5]] + [r.target_balance for r in rows]
    if shrink:
        cur.executemany(sql.shrink, shrink)  # type: ignore[attr-defined]
    cur.executemany(sql.upsert, grow)  # type: ignore[attr-defined]


def write_one(cursor: object, row: RawMovement, sql: Statements) -> None:
    cur = cursor
    if row.posting is not None:
        cur.execute(sql.posting, row.posting)  # type: ignore[attr-defined]
    cur.execute(sql.movement, row.movement)  # type: ignore[attr-defined]
    if row.source_balance[5]:
        cur.execute(sql.upsert, row.source_balance)  # type: ignore[attr-defined]
    else:
        cur.execute(sql.shrink, (row.source_balance[-1], row.source_balance[0]))  # type: ignore[attr-defined]
    cur.execute(sql.upsert, row.target_balance)  # type: ignore[attr-defined]
