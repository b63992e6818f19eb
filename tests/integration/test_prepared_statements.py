"""Statements run through ``jxc.db.prepared`` write and read exactly what SQLAlchemy's own execution would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from jxc.bootstrap import App
from jxc.db.prepared import Prepared
from jxc.documents import tables as dt
from jxc.kernel.ids import new_id
from tests.conftest import ref

AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
BODY = {"number": "PO-2026-000001", "lines": [{"sku": "甲-1", "quantity": "2.500"}], "note": None}

_COLUMNS = ["id", "organisation_id", "doc_type", "number", "status", "partner_id", "site_id", "doc_date", "amount",
            "body", "version", "idempotency_key", "created_by", "created_at", "updated_at"]
_INSERT = Prepared.insert(dt.doc_documents, _COLUMNS)
_READ = Prepared(select(dt.doc_documents).where(dt.doc_documents.c.id == bindparam("doc_id")))
_BUMP = Prepared(update(dt.doc_documents).where(dt.doc_documents.c.id == bindparam("doc_id"),
                                                dt.doc_documents.c.version == bindparam("expected"))
                 .values(version=dt.doc_documents.c.version + 1).returning(dt.doc_documents.c.version))


def _document() -> dict[str, object]:
    return {"id": new_id(), "organisation_id": new_id(), "doc_type": "purchase_order", "number": ref("PO"),
            "status": "draft", "partner_id": None, "site_id": new_id(), "doc_date": date(2026, 3, 1),
            "amount": Decimal("1234.56"), "body": BODY, "version": 1, "idempotency_key": None,
            "created_by": "user:测试", "created_at": AT, "updated_at": AT}


def test_a_prepared_insert_reads_back_identically_through_sqlalchemy(app: App) -> None:
    row = _document()
    with app.uow() as uow:
        _INSERT.run(uow.connection, row)
        through_sqlalchemy = uow.connection.execute(
            select(dt.doc_documents).where(dt.doc_documents.c.id == row["id"])).one()._asdict()
        prepared = _READ.run(uow.connection, {"doc_id": row["id"]}).first()._asdict()
    for column in _COLUMNS:
        assert through_sqlalchemy[column] == row[column], column
    assert prepared == through_sqlalchemy


def test_updates_report_their_row_count_and_returning_values(app: App) -> None:
    row = _document()
    with app.uow() as uow:
        _INSERT.run(uow.connection, row)
        bumped = _BUMP.run(uow.connection, {"doc_id": row["id"], "expected": 1})
        stale = _BUMP.run(uow.connection, {"doc_id": row["id"], "expected": 1})
    assert (bumped.scalar(), bumped.rowcount) == (2, 1)
    assert (stale.scalar(), stale.rowcount) == (None, 0)


def test_driver_errors_surface_as_sqlalchemy_errors(app: App) -> None:
    row = _document()
    with app.uow() as uow:
        _INSERT.run(uow.connection, row)
        with pytest.raises(IntegrityError):
            _INSERT.run(uow.connection, row)  # same primary key


def test_many_rows_at_once_and_a_missing_value_is_refused(app: App) -> None:
    rows = [_document(), _document()]
    with app.uow() as uow:
        _INSERT.run_many(uow.connection, rows)
        found = uow.connection.execute(select(dt.doc_documents.c.number).where(
            dt.doc_documents.c.id.in_([r["id"] for r in rows]))).scalars().all()
        with pytest.raises(KeyError):
            _INSERT.run(uow.connection, {k: v for k, v in _document().items() if k != "number"})
    assert sorted(found) == sorted(str(r["number"]) for r in rows)


def test_an_unknown_column_is_refused_when_the_statement_is_built() -> None:
    with pytest.raises(KeyError):
        Prepared.insert(dt.doc_documents, ["id", "no_such_column"])
