"""Stateful property test over random document sequences (purchase, sale, returns, intercompany
transfers, shipping notices with their arrivals and revisions, days passing).

After every step, for both organisations: every voucher balances; the general ledger's
inventory accounts equal the valuation report at every date seen so far; each item's valued
quantity equals the organisation's stock in the ledger; and the seller's intercompany receivable
mirrors the buyer's intercompany payable. Items use different costing methods (moving average, FIFO).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jxc.accounting.services import Books
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.model import AdvanceShippingNotice, DocumentStatus, TransferQuantity
from jxc.documents.services import approvals, asn, purchasing, sales, transfers
from jxc.documents.services import common as c
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import InsufficientStock, InvalidInput
from jxc.workflow.config import parse_flows
from tests.conftest import ref
from tests.factories import item, network

ONE_CLICK = parse_flows("""
version = 1
[[flow]]
name = "po"
document_type = "purchase_order"
default = true
auto_approve = true

[[flow]]
name = "so"
document_type = "sales_order"
default = true
auto_approve = true

[[flow]]
name = "to"
document_type = "transfer_order"
default = true
auto_approve = true
""")
BOOKS = Books()
quantities = st.integers(min_value=1, max_value=40).map(Decimal)
prices = st.integers(min_value=1, max_value=9999).map(lambda cents: Decimal(cents) / 100)


def run_documents_machine(app: App, clock: FixedClock, examples: int) -> None:
    wiring = c.Wiring(ledger=app.ledger, books=app.books, flows=ONE_CLICK)
    state: dict[str, object] = {}

    class DocumentsMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.net = network(app)
            self.sister = network(app, region="华南")  # another organisation (intercompany buyer)
            self.supplier, self.customer = ref("SUP"), ref("CUS")
            with app.uow() as uow:
                catalog.register_supplier(uow, code=self.supplier, name="供应商")
                catalog.register_customer(uow, code=self.customer, name="客户")
            self.skus = [item(app), item(app, attributes={"cost_method": "fifo"})]
            self.receipts: list[str] = []
            self.notices: list[str] = []
            self.shipments: list[str] = []
            self.dates: list[date] = [clock.now().date()]
            state["net"] = self.net

        @rule(sku=st.sampled_from([0, 1]), qty=quantities, price=prices)
        def buy(self, sku: int, qty: Decimal, price: Decimal) -> None:
            with app.uow() as uow:
                po = purchasing.create_purchase_order(
                    uow, organisation=self.net.org, supplier=self.supplier, site=self.net.warehouse, actor="user:b",
                    lines=[purchasing.OrderLineIn(sku=self.skus[sku], quantity=qty, unit_price=price,
                                                  expected_date=self.dates[-1])])
                approvals.submit(uow, wiring, organisation=self.net.org, number=po.number, actor="user:b")
                receipt = purchasing.receive(uow, wiring, organisation=self.net.org, purchase_order=po.number,
                                             actor="user:w", lines=[purchasing.ReceiveLineIn(po_line=1, quantity=qty,
                                                                                             to_qc=False)])
                uow.commit()
            self.receipts.append(receipt.number)

        @rule(sku=st.sampled_from([0, 1]), qty=quantities, price=prices)
        def sell(self, sku: int, qty: Decimal, price: Decimal) -> None:
            try:
                with app.uow() as uow:
                    so = sales.create_sales_order(
                        uow, organisation=self.net.org, site=self.net.warehouse, customer=self.customer,
                        actor="user:s", lines=[sales.SalesLineIn(sku=self.skus[sku], quantity=qty, unit_price=price)])
                    approvals.submit(uow, wiring, organisation=self.net.org, number=so.number, actor="user:s")
                    shipment = sales.ship(uow, wiring, organisation=self.net.org, sales_order=so.number,
                                          actor="user:w", lines=[sales.ShipLineIn(so_line=1, quantity=qty)])
                    uow.commit()
            except InsufficientStock:
                return
            self.shipments.append(shipment.number)

        @precondition(lambda self: self.shipments)
        @rule(pick=st.integers(min_value=0), qty=quantities)
        def customer_returns(self, pick: int, qty: Decimal) -> None:
            try:
                with app.uow() as uow:
                    sales.accept_return(uow, wiring, organisation=self.net.org,
                                        shipment=self.shipments[pick % len(self.shipments)], actor="user:w",
                                        lines=[sales.SalesReturnLineIn(shipment_line=1, quantity=qty)])
                    uow.commit()
            except InvalidInput:  # more than was shipped and not yet returned
                return

        @precondition(lambda self: self.receipts)
        @rule(pick=st.integers(min_value=0), qty=quantities)
        def return_to_supplier(self, pick: int, qty: Decimal) -> None:
            try:
                with app.uow() as uow:
                    purchasing.return_to_supplier(
                        uow, wiring, organisation=self.net.org, goods_receipt=self.receipts[pick % len(self.receipts)],
                        actor="user:w", lines=[purchasing.ReturnLineIn(receipt_line=1, quantity=qty)])
                    uow.commit()
            except (InvalidInput, InsufficientStock):
                return

        @rule(sku=st.sampled_from([0, 1]), qty=quantities, price=prices)
        def supplier_ships(self, sku: int, qty: Decimal, price: Decimal) -> None:
            with app.uow() as uow:
                po = purchasing.create_purchase_order(
                    uow, organisation=self.net.org, supplier=self.supplier, site=self.net.warehouse, actor="user:b",
                    lines=[purchasing.OrderLineIn(sku=self.skus[sku], quantity=qty, unit_price=price,
                                                  expected_date=self.dates[-1])])
                approvals.submit(uow, wiring, organisation=self.net.org, number=po.number, actor="user:b")
                notice = asn.announce_shipment(
                    uow, wiring, organisation=self.net.org, purchase_order=po.number, actor="user:p",
                    lines=[(1, qty, self.dates[-1] + timedelta(days=3))], eta=clock.now() + timedelta(days=3))
                uow.commit()
            self.notices.append(notice.number)

        def _notice(self, pick: int) -> AdvanceShippingNotice:
            with app.uow().reader() as uow:
                found: AdvanceShippingNotice = c.load(
                    uow, AdvanceShippingNotice, organisation_id=c.organisation(uow, self.net.org).id,
                    number=self.notices[pick % len(self.notices)]).document
            return found

        @precondition(lambda self: self.notices)
        @rule(pick=st.integers(min_value=0), qty=quantities)
        def shipment_arrives(self, pick: int, qty: Decimal) -> None:
            notice = self._notice(pick)
            left = sum((line.quantity for line in notice.lines), Decimal(0)) - dict(notice.received).get(1, Decimal(0))
            if notice.status not in (DocumentStatus.APPROVED, DocumentStatus.PARTIALLY_DONE) or left <= 0:
                return
            with app.uow() as uow:
                receipt = asn.receive_against_notice(
                    uow, wiring, organisation=self.net.org, asn=notice.number, actor="user:w",
                    lines=[purchasing.ReceiveLineIn(po_line=1, quantity=min(qty, left), to_qc=False)])
                uow.commit()
            self.receipts.append(receipt.number)
            event("shipment arrived")

        @precondition(lambda self: self.notices)
        @rule(pick=st.integers(min_value=0), cut=quantities)
        def shipment_revised(self, pick: int, cut: Decimal) -> None:
            notice = self._notice(pick)
            promised = sum((line.quantity for line in notice.lines), Decimal(0))
            left = max(promised - cut, dict(notice.received).get(1, Decimal(0)))
            if notice.status not in (DocumentStatus.APPROVED, DocumentStatus.PARTIALLY_DONE) or left <= 0:
                return
            with app.uow() as uow:
                asn.revise_shipment(uow, wiring, organisation=self.net.org, asn=notice.number, actor="user:b",
                                    lines=[(1, left, self.dates[-1])], reason="少发")
                uow.commit()
            event("shipment revised")

        @rule(sku=st.sampled_from([0, 1]), qty=quantities, arrive=st.booleans())
        def transfer_to_sister(self, sku: int, qty: Decimal, arrive: bool) -> None:
            with app.uow().reader() as uow:  # ship what is there, so transfers happen often
                held = sum((b.quantity for b in app.stock.balances(uow, sku=self.skus[sku], site=self.net.warehouse,
                                                                     state="available")), Decimal(0))
            qty = min(qty, held)
            if qty <= 0:
                return
            line = [TransferQuantity(line_no=1, quantity=qty)]
            try:
                with app.uow() as uow:
                    order = transfers.create_transfer(
                        uow, from_site=self.net.warehouse, to_site=self.sister.store, actor="user:t",
                        lines=[transfers.TransferLineIn(sku=self.skus[sku], quantity=qty)])
                    approvals.submit(uow, wiring, organisation=self.net.org, number=order.number, actor="user:t")
                    transfers.ship_transfer(uow, wiring, organisation=self.net.org, transfer=order.number,
                                            actor="user:w", lines=line)
                    if arrive:
                        transfers.receive_transfer(uow, wiring, organisation=self.net.org, transfer=order.number,
                                                   actor="user:w", lines=line)
                    uow.commit()
            except InsufficientStock:
                return
            event("intercompany transfer shipped")

        @rule(days=st.integers(min_value=1, max_value=20))
        def time_passes(self, days: int) -> None:
            clock.advance(timedelta(days=days))
            self.dates.append(clock.now().date())

        @invariant()
        def books_agree(self) -> None:
            with app.uow().reader() as uow:
                items = c.items(uow, self.skus)
                for net in (self.net, self.sister):
                    org = c.organisation(uow, net.org)
                    for voucher in app.books.vouchers(uow, organisation_id=org.id, limit=100_000):
                        debit = sum((line["debit"] for line in voucher["lines"]), Decimal(0))
                        credit = sum((line["credit"] for line in voucher["lines"]), Decimal(0))
                        assert debit == credit and debit > 0, voucher["number"]
                    for day in self.dates:
                        gl = app.books.inventory_balance(uow, organisation_id=org.id, through=day)
                        report = app.books.valuation_report(uow, organisation_id=org.id, through=day)
                        assert gl == sum((value for _, value in report.values()), Decimal(0)), day
                    report = app.books.valuation_report(uow, organisation_id=org.id)
                    sites = (net.warehouse, net.store, net.lenient)
                    for sku in self.skus:
                        stock = sum((line.quantity for site in sites
                                     for line in app.stock.balances(uow, sku=sku, site=site)), Decimal(0))
                        assert report.get(items[sku].id, (Decimal(0), Decimal(0)))[0] == stock, (net.org, sku)
                receivable = _partner_balance(uow, self.net.org, "1122", self.sister.org)
                payable = -_partner_balance(uow, self.sister.org, "2202", self.net.org)
                assert receivable == payable

    run_state_machine_as_test(
        DocumentsMachine,
        settings=settings(max_examples=examples, stateful_step_count=12, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )


def _partner_balance(uow: object, org_code: str, account: str, partner: str) -> Decimal:
    """Σ debit − Σ credit on ``account`` with ``partner`` in ``org_code``'s books."""
    org = c.organisation(uow, org_code)  # type: ignore[arg-type]
    return sum((line["debit"] - line["credit"]
                for voucher in BOOKS.vouchers(uow, organisation_id=org.id, limit=100_000)  # type: ignore[arg-type]
                for line in voucher["lines"]
                if line["account"] == account and line["dims"].get("partner") == partner), Decimal(0))


def test_vouchers_balance_and_the_ledger_equals_valuation_under_random_documents(app: App, clock: FixedClock) -> None:
    run_documents_machine(app, clock, examples=int(os.environ.get("JXC_PROPERTY_EXAMPLES", "15")))
