"""Stocktake use cases (盘点): open a sheet on a ledger snapshot, count, approve, post the variances.

A sheet snapshots the site's *available* balances (per item, bin and lot) when it is opened; the
counters record what they find (a blind sheet never shows them the book quantity); reviewers
approve it through the stocktake flow; posting turns each variance into an adjustment:
- a gain moves ``@adjustment`` → the site (available), valued at the pool's current unit cost
  (the lot's, for specific-lot items), or the item's standard cost when the pool holds nothing —
  a gain with neither is refused rather than valued at zero;
- a loss moves the site → ``@adjustment``, valued by an ``issue`` from the pool;
- the gains book one ``stocktake_gain`` voucher and the losses one ``stocktake_loss`` voucher
  (a voucher has one template), both naming the sheet; the sheet becomes done.

Variances are against the snapshot: stock that moved between opening and posting is the
counters' business (count after the snapshot, or open the sheet when the site is frozen).
Nothing is written when a check fails, and posting twice with the same key posts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from jxc.accounting import valuation as v
from jxc.accounting.services import Operation, PoolKey, cost_method
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import (
    DocumentType,
    StocktakeLine,
    StocktakeScope,
    StocktakeSheet,
    StocktakeVariancesPosted,
    Variance,
    to_fen,
)
from jxc.documents.services import common as c
from jxc.documents.services import postings as p
from jxc.documents.services.common import lot_key
from jxc.inventory.commands import MoveLine, PostStock
from jxc.inventory.queries import BalanceLine, StockQueries
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.kernel.money import split_by_weights

ADJUSTMENT_SITE = "@adjustment"
_PAGE = 1000


@dataclass(frozen=True)
class CountIn:
    """What a counter found: ``counted`` of ``sku`` (base unit) in ``bin``, of ``lot``."""

    sku: str
    counted: Decimal
    bin: str | None = None
    lot: str | None = None


def open_stocktake(
    uow: SqlUnitOfWork, w: c.Wiring, *, site: str, actor: str, skus: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, bins: Sequence[str] | None = None, blind: bool = True,
    key: str | None = None,
) -> StocktakeSheet:
    """A draft sheet with the site's available balances as book quantities (whole site, or some items,
    categories or bins); items named in ``skus`` without stock get a line with book quantity zero."""
    if (found := c.find_by_key(uow, StocktakeSheet, key)) is not None:
        return found
    place = c.site(uow, site)
    org = c.owning_organisation(uow, place)
    scope = StocktakeScope(bins=tuple(bins or ()), categories=tuple(categories or ()))
    wanted = c.items(uow, list(skus), field="skus") if skus else None
    queries = StockQueries(items=w.ledger.items, sites=w.ledger.sites)
    asked: Sequence[str | None] = list(skus) if skus else [None]
    balances = [line for sku in asked for line in _available(uow, queries, place.code, sku)]
    known = c.items(uow, sorted({line.sku for line in balances})) if balances else {}
    book: dict[tuple[str, str | None, str | None], Decimal] = defaultdict(Decimal)
    for line in balances:
        book[(line.sku, line.bin, line.lot)] += line.quantity
    for sku in wanted or {}:
        if not any(k[0] == sku for k in book):
            book[(sku, None, None)] = Decimal(0)
    known = {**known, **(wanted or {})}
    selected = sorted(
        (k for k in book
         if (not scope.bins or k[1] in scope.bins) and _in_categories(known[k[0]], scope.categories)),
        key=lambda k: (k[0], k[1] or "", k[2] or ""),
    )
    lines = tuple(StocktakeLine(line_no=i, sku=sku, bin=bin_code, lot=lot, book_qty=book[(sku, bin_code, lot)])
                  for i, (sku, bin_code, lot) in enumerate(selected, start=1))
    when = c.now(uow)
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.STOCKTAKE, year=when.year)
    sheet = StocktakeSheet(id=new_id(), number=number, lines=lines, organisation=org.id, site=place.id,
                           snapshot_at=when, scope=scope, blind=blind)
    c.insert_document(uow, sheet, organisation_id=org.id, doc_date=when.date(), actor=actor, site_id=place.id,
                      key=key)
    return sheet


def record_counts(
    uow: SqlUnitOfWork, *, organisation: str, number: str, counts: Sequence[CountIn], actor: str,
    recount: bool = False,
) -> StocktakeSheet:
    """Record counts (or recounts) on a draft sheet; stock found that the sheet lacks becomes a new line."""
    org = c.organisation(uow, organisation)
    stored = c.load(uow, StocktakeSheet, organisation_id=org.id, number=number)
    sheet: StocktakeSheet = stored.document
    for i, count in enumerate(counts):
        line = next((x for x in sheet.lines if (x.sku, x.bin, x.lot) == (count.sku, count.bin, count.lot)), None)
        if line is not None:
            sheet = (sheet.record_recount if recount else sheet.record_count)(line.line_no, count.counted)
        elif recount:
            raise InvalidInput("document.unknown_line", field=f"counts[{i}].sku", value=count.sku, number=number)
        else:
            c.items(uow, [count.sku], field="counts")
            sheet = sheet.add_found(sku=count.sku, counted_qty=count.counted, bin=count.bin, lot=count.lot)
    c.save(uow, stored, sheet, actor=actor, action="recount" if recount else "count",
           detail={"counts": len(counts)})
    return sheet


def variance_value(uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, number: str) -> Decimal:
    """Σ |final count − book| × unit cost: the amount the stocktake approval flows are chosen by."""
    org = c.organisation(uow, organisation)
    sheet: StocktakeSheet = c.load(uow, StocktakeSheet, organisation_id=org.id, number=number).document
    differences = [line for line in sheet.lines if line.difference]
    known = c.items(uow, sorted({line.sku for line in differences}))
    total = Decimal(0)
    for line in differences:
        assert line.difference is not None
        cost = _unit_cost(uow, w, org.id, known[line.sku], lot=None) or Decimal(0)
        total += to_fen(abs(line.difference) * cost)
    return total


def post_variances(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, number: str, actor: str, key: str | None = None,
) -> StocktakeSheet:
    """Post an approved sheet's variances as valued adjustments with their vouchers; the sheet is done."""
    org = c.organisation(uow, organisation)
    stored = c.load(uow, StocktakeSheet, organisation_id=org.id, number=number)
    sheet: StocktakeSheet = stored.document
    if p.done_before(uow, sheet.id, action="post", key=key):
        return sheet
    when = c.now(uow)
    day = when.date()
    done, events = sheet.post_variances(at=when)  # refused unless approved
    variances = next(e.variances for e in events if isinstance(e, StocktakeVariancesPosted))
    w.books.check_open(uow, organisation_id=org.id, org_code=org.code, on=day)
    place = c.site_by_id(uow, sheet.site)
    known = c.items(uow, sorted({x.sku for x in variances}))
    gain_costs: dict[int, Decimal] = {}
    for i, x in enumerate(variances):
        if x.difference > 0:  # a gain needs a cost to be valued at, checked before anything moves
            cost = _unit_cost(uow, w, org.id, known[x.sku], lot=None)
            if cost is None:
                raise InvalidInput("stocktake.no_unit_cost", field=f"lines[{i}]", value=x.sku, line=x.line_no)
            gain_costs[x.line_no] = cost
    valued_events: list[ValuedEvent] = []
    if variances:
        valued_events = _post(uow, w, sheet, variances, known, gain_costs, org_code=org.code, place_code=place.code,
                              when=when)
    c.save(uow, stored, done, actor=actor, action="post",
           detail={"key": key, "gains": sum(1 for x in variances if x.difference > 0),
                   "losses": sum(1 for x in variances if x.difference < 0)})
    p.book_each(uow, w, organisation_id=org.id, events=valued_events, document_id=sheet.id, preparer=actor)
    return done


# --- internals --------------------------------------------------------------------------------


def _post(
    uow: SqlUnitOfWork, w: c.Wiring, sheet: StocktakeSheet, variances: Sequence[Variance], known: dict[str, Item],
    gain_costs: dict[int, Decimal], *, org_code: str, place_code: str, when: datetime,
) -> list[ValuedEvent]:
    """Move, value and describe the variances (the caller books the events)."""
    day = when.date()
    moves = []
    for x in variances:
        if x.difference > 0:
            moves.append(MoveLine(sku=x.sku, quantity=x.difference, from_site=ADJUSTMENT_SITE, to_site=place_code,
                                  to_state="available", lot=x.lot, to_bin=x.bin))
        else:
            moves.append(MoveLine(sku=x.sku, quantity=-x.difference, from_site=place_code, to_site=ADJUSTMENT_SITE,
                                  from_state="available", lot=x.lot, from_bin=x.bin))
    posting = c.post_stock(uow, w, PostStock(
        idempotency_key=f"doc:{sheet.id}:post", kind="stocktake", occurred_at=when, document_ref=sheet.number,
        lines=tuple(moves)))
    groups = p.per_command(posting.movements, [(known[x.sku].id, abs(x.difference)) for x in variances])
    c.link_movements(uow, sheet.id, ((x.line_no, m, "gain" if x.difference > 0 else "loss")
                                     for x, group in zip(variances, groups, strict=True) for m in group))
    operations: dict[UUID, list[Operation]] = defaultdict(list)
    for x, group in zip(variances, groups, strict=True):
        if x.difference > 0:
            item = known[x.sku]
            cost = _unit_cost(uow, w, sheet.organisation, item, lot=lot_key(group[0].lot_id)) or gain_costs[x.line_no]
            amount = to_fen(cost * x.difference)
            shares = split_by_weights(amount, [m.quantity for m in group]) if len(group) > 1 else [amount]
            for m, share in zip(group, shares, strict=True):
                operations[m.item_id].append(Operation(movement_id=m.id, kind="receive", quantity=m.quantity,
                                                       amount=share, at=when, lot=lot_key(m.lot_id)))
        else:
            for m in group:
                operations[m.item_id].append(Operation(movement_id=m.id, kind="issue", quantity=m.quantity,
                                                       lot=lot_key(m.lot_id)))
    valued = p.value(uow, w, organisation_id=sheet.organisation, items={i.id: i for i in known.values()},
                     operations=operations, on=day, document_id=sheet.id)
    return [
        ValuedEvent(kind="stocktake_gain" if x.difference > 0 else "stocktake_loss", organisation=org_code, date=day,
                    document_ref=sheet.number, amounts=Amounts(cost=sum((valued[m.id].amount for m in group),
                                                                        Decimal(0))),
                    item=x.sku, category=known[x.sku].category, site=place_code, quantity=abs(x.difference))
        for x, group in zip(variances, groups, strict=True)
    ]


def _available(uow: SqlUnitOfWork, queries: StockQueries, site: str, sku: str | None) -> Iterable[BalanceLine]:
    """Every non-zero available bucket of the site (of ``sku`` when given), page by page."""
    after: UUID | None = None
    while True:
        page = queries.balances(uow, site=site, sku=sku, state="available", limit=_PAGE, after=after)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1].bucket_id


def _in_categories(item: Item, categories: Sequence[str]) -> bool:
    return not categories or any(item.category == cat or item.category.startswith(f"{cat}/") for cat in categories)


def _unit_cost(uow: SqlUnitOfWork, w: c.Wiring, organisation_id: UUID, item: Item, *, lot: str | None) -> Decimal | None:
    """The pool's unit cost (the lot's for specific-lot items), else the item's standard cost, else None."""
    pool, _ = w.books.pool(uow, PoolKey(organisation_id, item.id), method=cost_method(item.attributes))
    if pool.method is v.CostMethod.SPECIFIC_LOT and lot is not None:
        layers = [layer for layer in pool.layers if layer.lot == lot and layer.quantity > 0]
        quantity = sum((layer.quantity for layer in layers), Decimal(0))
        if quantity:
            return v.valuation_report(v.Pool(method=pool.method, quantity=quantity,
                                             value=sum((layer.value for layer in layers), Decimal(0)))).unit_cost
    cost = v.valuation_report(pool).unit_cost
    if cost is not None:
        return cost
    return item.standard_cost


__all__ = ["CountIn", "open_stocktake", "post_variances", "record_counts", "variance_value"]
