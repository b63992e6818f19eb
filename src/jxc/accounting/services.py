"""Accounting use cases: value ledger movements, book vouchers, close periods, report.

Documents call :class:`Books` inside their own unit of work, so a document's movements, their
valuations and its voucher commit together or not at all. Invariants kept here:
- every valuation row is the movement's own id (or an id derived from what it values): the primary
  key refuses a second valuation of the same movement;
- the pool row is the projection of its valuations, saved with optimistic ``version`` checks;
- a voucher is balanced (the pure model refuses otherwise), numbered from a per-organisation,
  per-period counter, and never dated into a closed period;
- the general ledger's inventory accounts equal the pools' value at every date
  (:meth:`Books.inventory_balance` vs :meth:`Books.valuation_report`; tested by property).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, bindparam, case, func, insert, or_, select, type_coerce, update

from jxc.accounting import tables as t
from jxc.accounting import valuation as v
from jxc.accounting.chart import AccountMapping, Chart, default_chart, default_mapping
from jxc.accounting.periods import Period
from jxc.accounting.vouchers import ValuedEvent, Voucher, voucher_for_document, voucher_number
from jxc.db.prepared import Prepared
from jxc.db.types import Qty
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.codec import decode, encode
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import ZERO

INVENTORY_ACCOUNTS = ("1402", "1405", "1406")

# Built once and run on the driver cursor (``jxc.db.prepared``): every valued document writes these.
_POOL_VALUES = ["method", "quantity", "value", "layers", "version"]
_INSERT_VALUATION = Prepared.insert(t.fin_valuations, [
    "id", "organisation_id", "item_id", "flow", "method", "quantity", "amount", "expensed", "value_delta", "layers",
    "document_id", "occurred_on", "created_at"])
_INSERT_POOL = Prepared.insert(t.fin_pools, ["organisation_id", "item_id", *_POOL_VALUES])
_UPDATE_POOL = Prepared(update(t.fin_pools).where(
    t.fin_pools.c.organisation_id == bindparam("org"), t.fin_pools.c.item_id == bindparam("item"),
    t.fin_pools.c.version == bindparam("expected")), column_keys=_POOL_VALUES)
_INSERT_VOUCHER = Prepared.insert(t.fin_vouchers, [
    "id", "organisation_id", "number", "word", "period", "seq", "voucher_date", "kind", "document_id",
    "document_ref", "total", "created_at"])
_INSERT_VOUCHER_LINE = Prepared.insert(t.fin_voucher_lines, [
    "voucher_id", "line_no", "account", "debit", "credit", "summary_zh", "summary_en", "dims"])
_SELECT_POOL = Prepared(select(t.fin_pools).where(t.fin_pools.c.organisation_id == bindparam("org"),
                                                  t.fin_pools.c.item_id == bindparam("item")))
_VS = t.fin_voucher_sequences
_NEXT_VOUCHER_SEQ = Prepared(
    update(_VS).where(_VS.c.organisation_id == bindparam("org"), _VS.c.period == bindparam("in_period"),
                      _VS.c.word == bindparam("in_word"))
    .values(last_seq=_VS.c.last_seq + 1).returning(_VS.c.last_seq))
_PE = t.fin_period_events
_PERIOD_EVENTS = Prepared(select(_PE.c.period, _PE.c.action).where(_PE.c.organisation_id == bindparam("org"))
                           .order_by(_PE.c.at, _PE.c.id))


@dataclass(frozen=True)
class PoolKey:
    organisation_id: UUID
    item_id: UUID


@dataclass(frozen=True)
class StoredVoucher:
    id: UUID
    number: str
    voucher: Voucher


class Books:
    """Valuation pools, vouchers and periods, on a unit of work."""

    def __init__(self, *, mapping: AccountMapping | None = None, chart: Chart | None = None) -> None:
        self.chart = chart or default_chart()
        self.mapping = mapping or default_mapping()

    # -- valuation -------------------------------------------------------------------------------

    def pool(self, uow: SqlUnitOfWork, key: PoolKey, *, method: v.CostMethod) -> tuple[v.Pool, int]:
        """The pool and its version (a new, empty pool of ``method`` at version 0)."""
        row = _SELECT_POOL.run(uow.connection, {"org": key.organisation_id, "item": key.item_id}).first()
        if row is None:
            return v.Pool(method=method), 0
        layers = tuple(decode(v.Layer, layer) for layer in row.layers)
        return v.Pool(method=v.CostMethod(row.method), quantity=row.quantity, value=row.value, layers=layers), row.version

    def apply(
        self, uow: SqlUnitOfWork, key: PoolKey, *, method: v.CostMethod, on: date,
        document_id: UUID | None, operations: Sequence[Operation],
    ) -> list[v.Valuation]:
        """Run ``operations`` against one pool in order, store each valuation, save the pool once."""
        pool, version = self.pool(uow, key, method=method)
        results: list[v.Valuation] = []
        rows = []
        for operation in operations:
            # A movement is valued once: its id is the valuation's primary key.
            pool, valuation = operation.run(pool)
            results.append(valuation)
            rows.append({
                "id": operation.movement_id, "organisation_id": key.organisation_id, "item_id": key.item_id,
                "flow": valuation.flow.value, "method": valuation.method.value, "quantity": valuation.quantity,
                "amount": valuation.amount, "expensed": valuation.expensed, "value_delta": valuation.value_delta,
                "layers": encode(valuation.layers), "document_id": document_id, "occurred_on": on,
                "created_at": uow.clock.now(),
            })
        _INSERT_VALUATION.run_many(uow.connection, rows)
        self._save_pool(uow, key, pool, version)
        return results

    def valuation(self, uow: SqlUnitOfWork, movement_id: UUID) -> v.Valuation | None:
        row = uow.connection.execute(select(t.fin_valuations).where(t.fin_valuations.c.id == movement_id)).first()
        if row is None:
            return None
        return v.Valuation(
            movement_id=str(row.id), flow=v.Flow(row.flow), method=v.CostMethod(row.method), quantity=row.quantity,
            amount=row.amount, expensed=row.expensed,
            layers=tuple(decode(v.Consumption, c) for c in row.layers),
        )

    def _save_pool(self, uow: SqlUnitOfWork, key: PoolKey, pool: v.Pool, version: int) -> None:
        values = {"method": pool.method.value, "quantity": pool.quantity, "value": pool.value,
                  "layers": [encode(layer) for layer in pool.layers if layer.quantity or layer.value],
                  "version": version + 1}
        if version == 0:
            _INSERT_POOL.run(uow.connection, {"organisation_id": key.organisation_id, "item_id": key.item_id,
                                                  **values})
            return
        done = _UPDATE_POOL.run(uow.connection, {"org": key.organisation_id, "item": key.item_id,
                                                     "expected": version, **values})
        if done.rowcount != 1:
            raise Conflict("valuation.concurrent_update", field="item", value=str(key.item_id))

    # -- vouchers --------------------------------------------------------------------------------

    def book(
        self, uow: SqlUnitOfWork, *, organisation_id: UUID, events: Sequence[ValuedEvent],
        document_id: UUID | None, preparer: str,
    ) -> StoredVoucher | None:
        """One numbered, balanced voucher for a document's valued events (``None`` if nothing to book)."""
        events = [e for e in events if any(getattr(e.amounts, n) for n in ("cost", "net", "vat", "expensed",
                                                                               "freight"))]
        if not events:
            return None
        first = events[0]
        self.check_open(uow, organisation_id=organisation_id, org_code=first.organisation, on=first.date)
        voucher = voucher_for_document(events, mapping=self.mapping)
        period = voucher.period
        seq = self._next_seq(uow, organisation_id, period, voucher.word)
        voucher = replace(voucher, seq=seq, preparer=preparer)
        number = voucher_number(first.organisation, period=period, seq=seq, word=voucher.word)
        voucher_id = new_id()
        _INSERT_VOUCHER.run(uow.connection, {
            "id": voucher_id, "organisation_id": organisation_id, "number": number, "word": voucher.word,
            "period": period, "seq": seq, "voucher_date": voucher.date, "kind": voucher.kind,
            "document_id": document_id, "document_ref": voucher.document_ref, "total": voucher.total_debit,
            "created_at": uow.clock.now(),
        })
        _INSERT_VOUCHER_LINE.run_many(uow.connection, [
            {"voucher_id": voucher_id, "line_no": i, "account": line.account.code, "debit": line.debit,
             "credit": line.credit, "summary_zh": line.summary_zh[:200], "summary_en": line.summary_en[:200],
             "dims": {k: str(getattr(line, k)) for k in ("partner", "item", "site", "department", "quantity")
                      if getattr(line, k) is not None}}
            for i, line in enumerate(voucher.lines, start=1)
        ])
        return StoredVoucher(id=voucher_id, number=number, voucher=voucher)

    def _next_seq(self, uow: SqlUnitOfWork, organisation_id: UUID, period: str, word: str) -> int:
        s = t.fin_voucher_sequences
        seq = _NEXT_VOUCHER_SEQ.run(uow.connection, {"org": organisation_id, "in_period": period,
                                                         "in_word": word}).scalar()
        if seq is None:
            uow.connection.execute(insert(s), {"organisation_id": organisation_id, "period": period, "word": word,
                                               "last_seq": 1})
            return 1
        return int(seq)

    def vouchers(
        self, uow: SqlUnitOfWork, *, organisation_id: UUID | None = None, document_id: UUID | None = None,
        since: date | None = None, until: date | None = None, limit: int = 1000,
        document_ids: Collection[UUID] | Select[Any] | None = None, after: tuple[date, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Stored vouchers with their lines, oldest first (by date, then number).

        ``document_ids`` keeps only vouchers of those documents (a row scope: ids, or a query
        selecting them, so the condition stays inside this query); ``after`` is the (date,
        number) of the previous page's last voucher.
        """
        vt, lt = t.fin_vouchers, t.fin_voucher_lines
        query = select(vt).order_by(vt.c.voucher_date, vt.c.number).limit(limit)
        if organisation_id is not None:
            query = query.where(vt.c.organisation_id == organisation_id)
        if document_id is not None:
            query = query.where(vt.c.document_id == document_id)
        if document_ids is not None:
            query = query.where(vt.c.document_id.in_(document_ids))
        if after is not None:
            query = query.where(or_(vt.c.voucher_date > after[0],
                                    and_(vt.c.voucher_date == after[0], vt.c.number > after[1])))
        if since is not None:
            query = query.where(vt.c.voucher_date >= since)
        if until is not None:
            query = query.where(vt.c.voucher_date < until)
        headers = [dict(r._mapping) for r in uow.connection.execute(query)]
        if not headers:
            return []
        lines: dict[UUID, list[dict[str, Any]]] = {}
        for row in uow.connection.execute(select(lt).where(lt.c.voucher_id.in_([h["id"] for h in headers]))
                                          .order_by(lt.c.voucher_id, lt.c.line_no)):
            line = dict(row._mapping)
            line["account_name_zh"] = self.chart[row.account].name_zh
            line["account_name_en"] = self.chart[row.account].name_en
            lines.setdefault(row.voucher_id, []).append(line)
        for header in headers:
            header["lines"] = lines.get(header["id"], [])
        return headers

    def account_balance(
        self, uow: SqlUnitOfWork, *, organisation_id: UUID, accounts: Iterable[str], through: date | None = None,
    ) -> Decimal:
        """Σ debit − Σ credit over ``accounts`` up to and including ``through``."""
        vt, lt = t.fin_vouchers, t.fin_voucher_lines
        query = (select(func.coalesce(func.sum(lt.c.debit), 0), func.coalesce(func.sum(lt.c.credit), 0))
                 .select_from(lt.join(vt, vt.c.id == lt.c.voucher_id))
                 .where(vt.c.organisation_id == organisation_id, lt.c.account.in_(list(accounts))))
        if through is not None:
            query = query.where(vt.c.voucher_date <= through)
        debit, credit = uow.connection.execute(query).one()
        return _qty(debit) - _qty(credit)

    def inventory_balance(self, uow: SqlUnitOfWork, *, organisation_id: UUID, through: date | None = None) -> Decimal:
        return self.account_balance(uow, organisation_id=organisation_id, accounts=INVENTORY_ACCOUNTS,
                                    through=through)

    def valuation_report(
        self, uow: SqlUnitOfWork, *, organisation_id: UUID, through: date | None = None,
    ) -> dict[UUID, tuple[Decimal, Decimal]]:
        """Per item: (quantity, value) from the append-only valuations up to ``through``."""
        vt = t.fin_valuations
        signed_qty = func.sum(_signed_quantity())
        query = (select(vt.c.item_id, signed_qty, func.sum(vt.c.value_delta))
                 .where(vt.c.organisation_id == organisation_id).group_by(vt.c.item_id))
        if through is not None:
            query = query.where(vt.c.occurred_on <= through)
        return {row[0]: (_qty(row[1]), _qty(row[2])) for row in uow.connection.execute(query)}

    # -- periods ---------------------------------------------------------------------------------

    def closed_through(self, uow: SqlUnitOfWork, organisation_id: UUID) -> str | None:
        """The latest closed period ("2026-11") of an organisation, or ``None``."""
        rows = _PERIOD_EVENTS.run(uow.connection, {"org": organisation_id}).rows
        latest: str | None = None
        for period, action in rows:
            if action == "close":
                latest = period if latest is None or period > latest else latest
            else:  # reopening a period reopens it and every later one
                latest = _previous(period) if latest is not None and period <= latest else latest
        return latest

    def check_open(self, uow: SqlUnitOfWork, *, organisation_id: UUID, org_code: str, on: date) -> None:
        latest = self.closed_through(uow, organisation_id)
        label = Period.of(org_code, on).label
        if latest is not None and label <= latest:
            raise Conflict("period.closed", field="date", value=label, org=org_code, date=on.isoformat())

    def close_period(self, uow: SqlUnitOfWork, *, organisation_id: UUID, org_code: str, period: str,
                     actor: str) -> str:
        target = Period.parse(org_code, period)
        latest = self.closed_through(uow, organisation_id)
        if latest is not None and target.label <= latest:
            return latest
        if latest is not None and target.label != Period.parse(org_code, latest).next().label:
            raise Conflict("period.out_of_order", field="period", value=target.label, org=org_code,
                           expected=Period.parse(org_code, latest).next().label)
        self._period_event(uow, organisation_id, target.label, "close", actor, None)
        return target.label

    def reopen_period(self, uow: SqlUnitOfWork, *, organisation_id: UUID, org_code: str, period: str,
                      actor: str, reason: str) -> None:
        target = Period.parse(org_code, period)
        if not reason.strip():
            raise InvalidInput("period.reason_required", field="reason", value=target.label)
        latest = self.closed_through(uow, organisation_id)
        if latest is None or target.label > latest:
            raise Conflict("period.not_closed", field="period", value=target.label, org=org_code)
        self._period_event(uow, organisation_id, target.label, "reopen", actor, reason.strip())

    def _period_event(self, uow: SqlUnitOfWork, organisation_id: UUID, period: str, action: str, actor: str,
                      reason: str | None) -> None:
        uow.connection.execute(insert(t.fin_period_events).values(
            id=new_id(), organisation_id=organisation_id, period=period, action=action, actor=actor,
            reason=reason, at=uow.clock.now()))


@dataclass(frozen=True)
class Operation:
    """One valuation step on a pool: which movement, and the pure function that values it."""

    movement_id: UUID
    kind: str  # receive | issue | return_in | return_out | add_cost
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    at: datetime | None = None
    lot: str | None = None
    original: v.Valuation | None = None
    returned_before: Decimal = ZERO
    target_source_ids: tuple[str, ...] | None = None
    received_quantity: Decimal | None = None  # add_cost: the quantity the cost belongs to

    def run(self, pool: v.Pool) -> tuple[v.Pool, v.Valuation]:
        mid = str(self.movement_id)
        if self.kind == "receive":
            assert self.at is not None
            return v.receive(pool, movement_id=mid, quantity=self.quantity, amount=self.amount, at=self.at,
                             lot=self.lot)
        if self.kind == "issue":
            return v.issue(pool, movement_id=mid, quantity=self.quantity, lot=self.lot)
        if self.kind == "return_in":
            assert self.original is not None and self.at is not None
            return v.return_in(pool, movement_id=mid, quantity=self.quantity, original=self.original, at=self.at,
                               returned_before=self.returned_before)
        if self.kind == "return_out":
            assert self.original is not None
            return v.return_out(pool, movement_id=mid, quantity=self.quantity, original_receipt=self.original,
                                returned_before=self.returned_before)
        if self.kind == "add_cost":
            return v.add_cost(pool, movement_id=mid, amount=self.amount, target_source_ids=self.target_source_ids,
                              received_quantity=self.received_quantity)
        raise ValueError(f"unknown valuation operation {self.kind!r}")


def cost_method(attributes: Mapping[str, str]) -> v.CostMethod:
    """An item's costing method from its ``cost_method`` attribute (default: moving average)."""
    raw = attributes.get("cost_method", v.CostMethod.MOVING_AVERAGE.value)
    try:
        return v.CostMethod(raw)
    except ValueError:
        raise InvalidInput("field.invalid", field="cost_method", value=raw,
                           reason="moving_average | fifo | specific_lot") from None


def _signed_quantity() -> Any:
    vt = t.fin_valuations
    # Coerced so the SUM comes back through Qty (scaled integers → Decimal), like the plain columns.
    return type_coerce(case((vt.c.flow.in_(["issue", "return_out"]), -vt.c.quantity), (vt.c.flow == "cost", 0),
                            else_=vt.c.quantity), Qty())


def _qty(value: Any) -> Decimal:
    # SUM over a Qty column is typed Qty, so it arrives already converted to Decimal; a bare 0
    # comes from COALESCE over no rows.
    if isinstance(value, Decimal):
        return value
    return Decimal(int(value or 0))


def _previous(label: str) -> str:
    year, month = (int(p) for p in label.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
