"""Demo documents and vouchers: a month-end's worth of 进 · 销 · 调 · 盘 at 鲜达华东 (XD-EC).

First the go-live valuation: the stock the history left at XD-EC's sites is valued at standard
cost (期初建账, one opening voucher; no stock moves — it is already in the ledger). Then, through
the same services the API uses: a purchase order approved and received, a large one waiting for
the director in the approval inbox, a hospital sales order shipped with a partial return, an
internal replenishment transfer to a store, an intercompany transfer to 鲜达华南 at cost plus 5%,
and a store stocktake with its variance posted. Idempotent: every step carries a key derived from
the demo's namespace, and a re-run returns what the first run created.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid5

from jxc.accounting.services import Operation, PoolKey, cost_method
from jxc.accounting.vouchers import Amounts, ValuedEvent
from jxc.bootstrap import App
from jxc.documents.model import DocumentStatus, TransferQuantity
from jxc.documents.services import approvals, purchasing, sales, stocktake, transfers
from jxc.documents.services import common as c
from jxc.kernel.money import money
from jxc.org import services as org_services
from jxc.workflow import services as workflow

ORG = "XD-EC"
NAMESPACE = UUID("5b0e4f0e-6a0c-4b8e-9d3c-1a2b3c4d5e6f")
DIRECTOR, MANAGER, CLERK = "user:director", "user:east-manager", "user:clerk"


@dataclass(frozen=True)
class DemoDocuments:
    documents: int
    vouchers: int
    pending_approvals: int


def build_documents(app: App, *, prefix: str = "") -> DemoDocuments:
    """Value XD-EC's stock and create the demo documents on the items WH-SH holds most of."""
    org_code, wh, store, south = f"{prefix}{ORG}", f"{prefix}WH-SH", f"{prefix}ST-SH-01", f"{prefix}ST-SZ-01"
    w = app.documents
    key = f"demo:{prefix}"
    _value_opening_stock(app, org_code)
    with app.uow().reader() as uow:
        stocked = _best_stocked(app, uow, wh)
    if len(stocked) < 3:
        return _count(app, org_code)
    a, b, cc = stocked[:3]

    # 进: a purchase order the director approves, received in full.
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=org_code, supplier=f"{prefix}SUP-FRESH-EC", site=wh, actor=MANAGER, key=f"{key}po1",
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(qty), unit_price=_price(app, uow, sku, "0.9"),
                                          expected_date=app.clock.now().date() + timedelta(days=2))
                   for sku, qty in ((a, 120), (b, 60))])
        if po.status is DocumentStatus.DRAFT:
            request = approvals.submit(uow, w, organisation=org_code, number=po.number, actor=MANAGER)
            approvals.decide(uow, request_id=request.id, approve=True, actor=DIRECTOR,
                             actor_roles=["purchasing_director"])
            purchasing.receive(uow, w, organisation=org_code, purchase_order=po.number, actor="user:wh-keeper",
                               key=f"{key}gr1", lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(120),
                                                                                to_qc=False),
                                                       purchasing.ReceiveLineIn(po_line=2, quantity=Decimal(60),
                                                                                to_qc=False)])
        uow.commit()

    # A group purchase above ¥50,000: three levels, waiting at 战略采购 in the director's inbox.
    with app.uow() as uow:
        big = purchasing.create_purchase_order(
            uow, organisation=org_code, supplier=f"{prefix}SUP-MED-EC", site=wh, actor=MANAGER, key=f"{key}po2",
            lines=[purchasing.OrderLineIn(sku=cc, quantity=Decimal(2000), unit_price=Decimal("38.50"),
                                          expected_date=app.clock.now().date() + timedelta(days=7))])
        if big.status is DocumentStatus.DRAFT:
            approvals.submit(uow, w, organisation=org_code, number=big.number, actor=MANAGER)
        uow.commit()

    # 销: a hospital order, approved by the regional manager, shipped, 2 units returned.
    with app.uow() as uow:
        so = sales.create_sales_order(
            uow, organisation=org_code, site=wh, customer=f"{prefix}CUS-HOSP-01", actor=CLERK, key=f"{key}so1",
            lines=[sales.SalesLineIn(sku=a, quantity=Decimal(30), unit_price=_price(app, uow, a, "1.6")),
                   sales.SalesLineIn(sku=b, quantity=Decimal(12), unit_price=_price(app, uow, b, "1.5"))])
        if so.status is DocumentStatus.DRAFT:
            request = approvals.submit(uow, w, organisation=org_code, number=so.number, actor=CLERK)
            approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER, actor_roles=["regional_manager"],
                             w=w)
            shipment = sales.ship(uow, w, organisation=org_code, sales_order=so.number, actor="user:wh-keeper",
                                  key=f"{key}sh1", lines=[sales.ShipLineIn(so_line=1, quantity=Decimal(30)),
                                                          sales.ShipLineIn(so_line=2, quantity=Decimal(12))])
            sales.accept_return(uow, w, organisation=org_code, shipment=shipment.number, actor="user:wh-keeper",
                                key=f"{key}sr1", lines=[sales.SalesReturnLineIn(shipment_line=1, quantity=Decimal(2),
                                                                                reason="包装破损")])
        uow.commit()

    # 调: WH-SH → ST-SH-01 (one organisation: no revenue), and WH-SH → ST-SZ-01 (鲜达华南, intercompany).
    for n, (target, sku, qty) in enumerate(((store, a, 24), (south, b, 10)), start=1):
        with app.uow() as uow:
            order = transfers.create_transfer(uow, from_site=wh, to_site=target, actor=MANAGER, key=f"{key}to{n}",
                                              lines=[transfers.TransferLineIn(sku=sku, quantity=Decimal(qty))])
            if order.status is DocumentStatus.DRAFT:
                request = approvals.submit(uow, w, organisation=org_code, number=order.number, actor=CLERK)
                if request.status.value == "pending":
                    approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER,
                                     actor_roles=["regional_manager"])
                line = [TransferQuantity(line_no=1, quantity=Decimal(qty))]
                transfers.ship_transfer(uow, w, organisation=org_code, transfer=order.number, actor="user:wh-keeper",
                                        lines=line, key=f"{key}to{n}:ship")
                transfers.receive_transfer(uow, w, organisation=org_code, transfer=order.number,
                                           actor="user:store", lines=line, key=f"{key}to{n}:receive")
            uow.commit()

    # 盘: the store counts the transferred item and finds one missing.
    with app.uow() as uow:
        sheet = stocktake.open_stocktake(uow, w, site=store, actor=CLERK, skus=[a], key=f"{key}st1")
        if sheet.status is DocumentStatus.DRAFT:
            counts = [stocktake.CountIn(sku=line.sku, bin=line.bin, lot=line.lot,
                                        counted=line.book_qty - (1 if i == 0 and line.book_qty > 0 else 0))
                      for i, line in enumerate(sheet.lines)]
            stocktake.record_counts(uow, organisation=org_code, number=sheet.number, counts=counts, actor=CLERK)
            request = approvals.submit(uow, w, organisation=org_code, number=sheet.number, actor=CLERK)
            if request.status.value == "pending":
                approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER,
                                 actor_roles=["regional_manager"])
            if workflow.request_for_document(uow, sheet.id) is not None:
                stocktake.post_variances(uow, w, organisation=org_code, number=sheet.number, actor=CLERK,
                                         key=f"{key}st1:post")
        uow.commit()
    return _count(app, org_code)


def _value_opening_stock(app: App, org_code: str) -> None:
    """期初建账: value what XD-EC holds at standard cost, once (ids derive from the item)."""
    with app.uow() as uow:
        org = c.organisation(uow, org_code)
        if app.books.valuation_report(uow, organisation_id=org.id):
            return
        sites = [s.code for s in org_services.list_sites(uow, organisation_code=org_code)]
        on_hand: dict[str, Decimal] = defaultdict(Decimal)
        for site in sites:
            after = None
            while True:
                page = app.stock.balances(uow, site=site, limit=1000, after=after)
                for line in page:
                    on_hand[line.sku] += line.quantity
                if len(page) < 1000:
                    break
                after = page[-1].bucket_id
        known = c.items(uow, sorted(on_hand))
        today = app.clock.now().date()
        events = []
        for sku, quantity in sorted(on_hand.items()):
            item = known[sku]
            if quantity <= 0 or item.standard_cost is None:
                continue
            amount = money(quantity * item.standard_cost)
            app.books.apply(uow, PoolKey(org.id, item.id), method=cost_method(item.attributes), on=today,
                            document_id=None, operations=[Operation(
                                movement_id=uuid5(NAMESPACE, f"opening:{org_code}:{sku}"), kind="receive",
                                quantity=quantity, amount=amount, at=app.clock.now())])
            events.append(ValuedEvent(kind="opening_balance", organisation=org_code, date=today,
                                      document_ref=f"OB-{org_code}-{today:%Y%m%d}", amounts=Amounts(cost=amount),
                                      item=sku, category=item.category, site=sites[0], quantity=quantity))
        app.books.book(uow, organisation_id=org.id, events=events, document_id=None, preparer="demo")
        uow.commit()


def _best_stocked(app: App, uow: object, site: str) -> list[str]:
    """Untracked items with a standard cost, most available stock at ``site`` first."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in app.stock.balances(uow, site=site, state="available", limit=100_000):  # type: ignore[arg-type]
        totals[line.sku] += line.quantity
    known = c.items(uow, sorted(totals))  # type: ignore[arg-type]
    ranked = sorted((sku for sku, qty in totals.items() if qty >= 60 and known[sku].standard_cost
                     and str(known[sku].tracking) == "none"), key=lambda sku: (-totals[sku], sku))
    return ranked[:6]


def _price(app: App, uow: object, sku: str, factor: str) -> Decimal:
    item = c.items(uow, [sku])[sku]  # type: ignore[arg-type]
    return money((item.standard_cost or Decimal(10)) * Decimal(factor))


def _count(app: App, org_code: str) -> DemoDocuments:
    from sqlalchemy import func, select

    from jxc.documents import tables as dt
    from jxc.workflow import tables as wt

    with app.uow().reader() as uow:
        documents = uow.connection.execute(select(func.count()).select_from(dt.doc_documents)).scalar_one()
        vouchers = len(app.books.vouchers(uow, limit=100_000))
        pending = uow.connection.execute(select(func.count()).select_from(wt.wf_requests)
                                         .where(wt.wf_requests.c.status == "pending")).scalar_one()
    return DemoDocuments(documents=int(documents), vouchers=vouchers, pending_approvals=int(pending))
