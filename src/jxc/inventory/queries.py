"""Read side of the ledger: balances, ATP roll-ups, movement history, and verification.

``verify`` recomputes every balance from the append-only movements; the projection is
correct exactly when it reports no difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select

from jxc.db.uow import SqlUnitOfWork
from jxc.inventory import tables as t
from jxc.inventory.atp import AtpGroup, RollUp, StockRow, roll_up
from jxc.inventory.model import ItemFacts, SiteFacts
from jxc.inventory.ports import ItemDirectory, SiteDirectory
from jxc.inventory.repository import LedgerRepository
from jxc.inventory.writer import minor
from jxc.kernel.errors import InvalidInput, NotFound

DEFAULT_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class AtpReport:
    sku: str
    by: RollUp
    as_of: datetime
    horizon_end: datetime
    groups: list[AtpGroup]

    def as_dict(self) -> dict[str, object]:
        return {
            "sku": self.sku, "by": self.by.value, "as_of": self.as_of, "horizon_end": self.horizon_end,
            "groups": [g.as_dict() for g in self.groups],
        }


@dataclass(frozen=True)
class BalanceLine:
    sku: str
    site: str
    state: str
    quantity: Decimal
    lot: str | None
    expiry_date: object
    bin: str | None
    serial: str | None
    bucket_id: UUID


@dataclass(frozen=True)
class OverviewRow:
    site: str
    state: str
    quantity: Decimal
    items: int


@dataclass(frozen=True)
class HistoryLine:
    id: UUID
    posting_id: UUID
    occurred_at: datetime
    quantity: Decimal
    kind: str
    document_ref: str | None
    from_site: str
    from_state: str
    from_lot: str | None
    to_site: str
    to_state: str
    to_lot: str | None


class StockQueries:
    def __init__(self, *, items: ItemDirectory, sites: SiteDirectory) -> None:
        self.items = items
        self.sites = sites
        self._ids: dict[str, UUID] = {}  # storage key → id (ids never change)

    def _item(self, uow: SqlUnitOfWork, sku: str) -> ItemFacts:
        found = self.items.by_sku(uow, [sku]).get(sku)
        if found is None:
            raise NotFound("item.not_found", field="sku", value=sku)
        return found

    def atp(
        self, uow: SqlUnitOfWork, *, sku: str, by: RollUp | str = RollUp.SITE, horizon: timedelta = DEFAULT_HORIZON,
        as_of: datetime | None = None, sites: Collection[str] | None = None,
    ) -> AtpReport:
        """ATP for one item, rolled up by bucket, site, organisation, region or the whole network.

        ``sites`` (codes) is the caller's access scope, applied inside the queries; ``None`` = all.
        """
        try:
            by = RollUp(by)
        except ValueError:
            raise InvalidInput("field.invalid", field="by", value=str(by), reason="bucket|site|org|region|network") from None
        if horizon < timedelta(0):
            raise InvalidInput("field.invalid", field="horizon", value=str(horizon), reason="must not be negative")
        item = self._item(uow, sku)
        now = as_of or uow.clock.now()
        end = now + horizon
        repo = uow.repository(LedgerRepository)
        site_keys = self._scope_keys(uow, sites)
        if by is RollUp.BUCKET:
            stock = self._bucket_rows(uow, item.id, self._scope_ids(uow, sites))
        else:
            stock = repo.item_stock(item.id, by_owner=by is RollUp.ORG, site_keys=site_keys)
            if by is RollUp.ORG:
                owners = self._org_codes(uow, {r[1] for r in stock if r[1]})
                stock = [(site, owners.get(owner) if owner else None, state, q) for site, owner, state, q in stock]
        receipts = repo.item_receipts(item.id, end, site_keys=site_keys)
        commitments = repo.item_commitments(item.id, end, site_keys=site_keys)
        keys = {r[0] for r in stock} | {k for k, _ in receipts} | {k for k, _ in commitments}
        facts = self._sites_by_key(uow, keys)
        org_codes: dict[Any, str] = {}
        if by is RollUp.ORG:
            organisation_ids = {s.organisation_id for s in facts.values() if s.organisation_id}
            org_codes.update(self.sites.org_codes(uow, organisation_ids))
        groups = roll_up(by=by, stock=stock, receipts=receipts, commitments=commitments, sites=facts,
                         org_codes=org_codes)
        return AtpReport(sku=sku, by=by, as_of=now, horizon_end=end, groups=groups)

    def _scope_ids(self, uow: SqlUnitOfWork, sites: Collection[str] | None) -> list[UUID] | None:
        """Ids of the scope's site codes (unknown codes simply match nothing)."""
        if sites is None:
            return None
        return [facts.id for facts in self.sites.by_code(uow, list(sites)).values()]

    def _scope_keys(self, uow: SqlUnitOfWork, sites: Collection[str] | None) -> list[str] | None:
        ids = self._scope_ids(uow, sites)
        return None if ids is None else [i.hex for i in ids] or ["-"]  # ["-"]: an empty scope matches nothing

    def _sites_by_key(self, uow: SqlUnitOfWork, keys: set[str]) -> dict[str, SiteFacts]:
        ids = self._ids
        for key in keys:
            if key not in ids:
                ids[key] = UUID(hex=key)
        found = self.sites.by_id(uow, [ids[k] for k in keys])
        return {k: found[ids[k]] for k in keys}

    def _org_codes(self, uow: SqlUnitOfWork, keys: set[str]) -> dict[str, str]:
        codes = self.sites.org_codes(uow, [UUID(hex=k) for k in keys])
        return {k.hex: v for k, v in codes.items()}

    def _bucket_rows(self, uow: SqlUnitOfWork, item_id: UUID, scope: list[UUID] | None) -> list[StockRow]:
        b = t.balances
        query = (
            select(b.c.site_id, b.c.state, b.c.quantity, b.c.bin_id, b.c.serial, t.lots.c.lot_no)
            .select_from(b.outerjoin(t.lots, t.lots.c.id == b.c.lot_id))
            .where(b.c.item_id == item_id, b.c.is_virtual.is_(False), b.c.quantity != 0)
        )
        if scope is not None:
            query = query.where(b.c.site_id.in_(scope))
        rows = list(uow.connection.execute(query))
        sites = self.sites.by_id(uow, {r.site_id for r in rows})
        bins = self.sites.bin_codes(uow, [r.bin_id for r in rows if r.bin_id])
        result: list[StockRow] = []
        for r in rows:
            parts = [sites[r.site_id].code, r.state, r.lot_no or "", bins.get(r.bin_id, "") if r.bin_id else "",
                     r.serial or ""]
            result.append((r.site_id.hex, "/".join(parts).rstrip("/"), r.state, minor(r.quantity)))
        return result

    def balances(
        self, uow: SqlUnitOfWork, *, sku: str | None = None, site: str | None = None, state: str | None = None,
        limit: int = 1000, after: UUID | None = None, sites: Collection[str] | None = None,
    ) -> list[BalanceLine]:
        """Non-zero real buckets in scope, in bucket-id order (``after`` is the keyset cursor)."""
        b = t.balances
        query = (
            select(b, t.lots.c.lot_no, t.lots.c.expiry_date)
            .select_from(b.outerjoin(t.lots, t.lots.c.id == b.c.lot_id))
            .where(b.c.is_virtual.is_(False), b.c.quantity != 0)
        )
        if sku is not None:
            query = query.where(b.c.item_id == self._item(uow, sku).id)
        if site is not None:
            found = self.sites.by_code(uow, [site]).get(site)
            if found is None:
                raise NotFound("site.not_found", field="site", value=site)
            query = query.where(b.c.site_id == found.id)
        if state is not None:
            query = query.where(b.c.state == state)
        if after is not None:
            query = query.where(b.c.bucket_id > after)
        scope = self._scope_ids(uow, sites)
        if scope is not None:
            query = query.where(b.c.site_id.in_(scope))
        rows = list(uow.connection.execute(query.order_by(b.c.bucket_id).limit(limit)))
        items = self.items.by_id(uow, {r.item_id for r in rows})
        site_facts = self.sites.by_id(uow, {r.site_id for r in rows})
        bins = self.sites.bin_codes(uow, [r.bin_id for r in rows if r.bin_id])
        return [
            BalanceLine(
                sku=items[r.item_id].sku, site=site_facts[r.site_id].code, state=r.state, quantity=r.quantity,
                lot=r.lot_no, expiry_date=r.expiry_date, bin=bins.get(r.bin_id) if r.bin_id else None,
                serial=r.serial, bucket_id=r.bucket_id,
            )
            for r in rows
        ]

    def overview(self, uow: SqlUnitOfWork, *, sites: Collection[str] | None = None) -> list[OverviewRow]:
        """Stock on hand per site and state over all items (base units), with the number of items."""
        b = t.balances
        query = (
            select(b.c.site_id, b.c.state, func.sum(b.c.quantity).label("quantity"),
                   func.count(func.distinct(b.c.item_id)).label("items"))
            .where(b.c.is_virtual.is_(False), b.c.quantity != 0)
            .group_by(b.c.site_id, b.c.state)
        )
        scope = self._scope_ids(uow, sites)
        if scope is not None:
            query = query.where(b.c.site_id.in_(scope))
        rows = list(uow.connection.execute(query))
        site_facts = self.sites.by_id(uow, {r.site_id for r in rows})
        return sorted(
            (OverviewRow(site=site_facts[r.site_id].code, state=r.state, quantity=_qty(r.quantity), items=r.items)
             for r in rows),
            key=lambda row: (row.site, row.state),
        )

    def history(
        self, uow: SqlUnitOfWork, *, sku: str, limit: int = 50, before: datetime | None = None,
        before_id: UUID | None = None, sites: Collection[str] | None = None,
    ) -> list[HistoryLine]:
        """An item's movements, newest first, with both buckets' dimensions.

        The cursor is (``before``, ``before_id``): the lines of one posting share their time, so
        a time alone would skip the rest of a posting cut by a page boundary.
        """
        item = self._item(uow, sku)
        m, p = t.movements, t.postings
        source, target = t.balances.alias("source"), t.balances.alias("target")
        source_lot, target_lot = t.lots.alias("source_lot"), t.lots.alias("target_lot")
        query = (
            select(m.c.id, m.c.posting_id, m.c.quantity, m.c.occurred_at, p.c.kind, p.c.document_ref,
                   source.c.site_id.label("from_site"), source.c.state.label("from_state"),
                   source_lot.c.lot_no.label("from_lot"), target.c.site_id.label("to_site"),
                   target.c.state.label("to_state"), target_lot.c.lot_no.label("to_lot"))
            .join(p, p.c.id == m.c.posting_id)
            .join(source, source.c.bucket_id == m.c.from_bucket_id)
            .join(target, target.c.bucket_id == m.c.to_bucket_id)
            .outerjoin(source_lot, source_lot.c.id == source.c.lot_id)
            .outerjoin(target_lot, target_lot.c.id == target.c.lot_id)
            .where(m.c.item_id == item.id)
            .order_by(m.c.occurred_at.desc(), m.c.id.desc())
            .limit(limit)
        )
        if before is not None and before_id is not None:
            query = query.where(or_(m.c.occurred_at < before,
                                    and_(m.c.occurred_at == before, m.c.id < before_id)))
        elif before is not None:
            query = query.where(m.c.occurred_at < before)
        scope = self._scope_ids(uow, sites)
        if scope is not None:
            query = query.where(or_(source.c.site_id.in_(scope), target.c.site_id.in_(scope)))
        rows = list(uow.connection.execute(query))
        site_facts = self.sites.by_id(uow, {r.from_site for r in rows} | {r.to_site for r in rows})
        return [
            HistoryLine(
                id=r.id, posting_id=r.posting_id, occurred_at=r.occurred_at, quantity=r.quantity, kind=r.kind,
                document_ref=r.document_ref, from_site=site_facts[r.from_site].code, from_state=r.from_state,
                from_lot=r.from_lot, to_site=site_facts[r.to_site].code, to_state=r.to_state, to_lot=r.to_lot,
            )
            for r in rows
        ]

    def stockout_days(
        self, uow: SqlUnitOfWork, *, item_ids: Collection[UUID], since: datetime, zones: Mapping[UUID, tzinfo],
    ) -> dict[tuple[UUID, UUID], set[date]]:
        """Local days since ``since`` that ended with nothing available, per (item, site) of ``zones``' sites.

        Demand on such a day is censored (the shelf was empty, not the customers absent), so a
        forecast must not learn it as low demand. Closing stock is rebuilt backwards from today's
        available balance and the day's net movements into and out of ``available`` at the site.
        """
        b, m = t.balances, t.movements
        items, sites = list(item_ids), list(zones)
        if not items or not sites:
            return {}
        now = uow.clock.now()
        balance: dict[tuple[UUID, UUID], Decimal] = defaultdict(Decimal)
        for row in uow.connection.execute(
                select(b.c.item_id, b.c.site_id, func.sum(b.c.quantity))
                .where(b.c.item_id.in_(items), b.c.site_id.in_(sites), b.c.state == "available",
                       b.c.is_virtual.is_(False)).group_by(b.c.item_id, b.c.site_id)):
            balance[(row[0], row[1])] = Decimal(row[2])
        net: dict[tuple[UUID, UUID], dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for side, sign in ((m.c.to_bucket_id, 1), (m.c.from_bucket_id, -1)):
            query = (select(m.c.item_id, b.c.site_id, m.c.occurred_at, m.c.quantity)
                     .join(b, b.c.bucket_id == side)
                     .where(m.c.item_id.in_(items), b.c.site_id.in_(sites), b.c.state == "available",
                            b.c.is_virtual.is_(False), m.c.occurred_at >= since))
            for moved in uow.connection.execute(query):
                day = moved.occurred_at.astimezone(zones[moved.site_id]).date()
                net[(moved.item_id, moved.site_id)][day] += sign * moved.quantity
        result: dict[tuple[UUID, UUID], set[date]] = {}
        for key in set(balance) | set(net):
            site_zone = zones[key[1]]
            day, first = now.astimezone(site_zone).date(), since.astimezone(site_zone).date()
            closing = balance.get(key, Decimal(0))  # at the end of today
            empty: set[date] = set()
            changes = net.get(key, {})
            while day >= first:
                if closing <= 0:
                    empty.add(day)
                closing -= changes.get(day, Decimal(0))  # the previous day's close
                day -= timedelta(days=1)
            if empty:
                result[key] = empty
        return result

    def movement_sums(self, uow: SqlUnitOfWork, *, item_id: UUID | None = None) -> dict[UUID, Decimal]:
        """Σ in − Σ out per bucket, straight from the movements (the ledger's own truth)."""
        m = t.movements
        sums: dict[UUID, Decimal] = defaultdict(Decimal)
        for column, sign in ((m.c.to_bucket_id, 1), (m.c.from_bucket_id, -1)):
            query = select(column, func.sum(m.c.quantity)).group_by(column)
            if item_id is not None:
                query = query.where(m.c.item_id == item_id)
            for bucket_id, total in uow.connection.execute(query):
                sums[bucket_id] += sign * _qty(total)
        return dict(sums)

    def verify(self, uow: SqlUnitOfWork, *, sku: str | None = None) -> list[tuple[UUID, Decimal, Decimal]]:
        """Buckets whose projected balance differs from the sum of their movements."""
        item_id = self._item(uow, sku).id if sku else None
        sums = self.movement_sums(uow, item_id=item_id)
        query = select(t.balances.c.bucket_id, t.balances.c.quantity)
        if item_id is not None:
            query = query.where(t.balances.c.item_id == item_id)
        projected = dict(uow.connection.execute(query).all())
        keys = set(sums) | set(projected)
        return sorted(
            (k, projected.get(k, Decimal(0)), sums.get(k, Decimal(0)))
            for k in keys if projected.get(k, Decimal(0)) != sums.get(k, Decimal(0))
        )


def _qty(value: Decimal | None) -> Decimal:
    # SUM over a Qty column is typed Qty, so it arrives already converted to Decimal.
    return Decimal(0) if value is None else value
