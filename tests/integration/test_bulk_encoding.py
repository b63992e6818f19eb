"""Values written through the driver-level fast path read back identically through SQLAlchemy's types."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from jxc.bootstrap import App
from jxc.inventory import tables as t
from jxc.inventory.repository import LedgerRepository, PostingRow
from jxc.kernel.ids import new_id
from tests.conftest import ref


def test_encoded_rows_round_trip_through_the_column_types(app: App) -> None:
    at = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    posting = PostingRow(id=new_id(), idempotency_key=ref("K"), payload_hash="h" * 64, kind="sale",
                         document_ref="POS-1", occurred_at=at, recorded_at=at, line_count=1)
    movement_id, item_id, a, b = new_id(), new_id(), new_id(), new_id()
    with app.uow() as uow:
        repo = uow.repository(LedgerRepository)
        enc = repo.encoder
        repo.insert_encoded(
            [repo.posting_row(posting)],
            [(enc.uid(movement_id), enc.uid(posting.id), 1, enc.qty(Decimal("2.5")), enc.when(at), None,
              enc.uid(item_id), enc.uid(a), enc.uid(b))],
        )
        stored = uow.connection.execute(select(t.movements).where(t.movements.c.id == movement_id)).one()
        head = uow.connection.execute(select(t.postings).where(t.postings.c.id == posting.id)).one()
    assert (stored.posting_id, stored.item_id, stored.from_bucket_id, stored.to_bucket_id) == (posting.id, item_id, a, b)
    assert stored.quantity == Decimal("2.5") and stored.occurred_at == at and stored.eta is None
    assert (head.idempotency_key, head.occurred_at, head.kind) == (posting.idempotency_key, at, "sale")
