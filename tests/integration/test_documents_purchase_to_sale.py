"""From purchase to receipt to QC to sale to return, with quantities, values and vouchers checked
at each step by hand (moving weighted average, VAT 13%), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jxc.accounting.services import PoolKey
from jxc.accounting.valuation import CostMethod
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.model import DocumentStatus, FailedDisposition, PurchaseOrder
from jxc.documents.services import approvals, purchasing, sales
from jxc.documents.services import common as c
from jxc.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.conftest import ref
from tests.factories import Network, item, network

BUYER, DIRECTOR, MANAGER = "user:buyer", "user:director", "user:manager"


def partners(app: App) -> tuple[str, str]:
    supplier, customer = ref("SUP"), ref("CUS")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
        catalog.register_customer(uow, code=customer, name="城东超市")
    return supplier, customer


def balance(app: App, sku: str, site: str, state: str) -> Decimal:
    with app.uow().reader() as uow:
        lines = app.stock.balances(uow, sku=sku, site=site, state=state)
    return sum((line.quantity for line in lines), Decimal(0))


def vouchers(app: App, net: Network, number: str) -> list[dict[str, Any]]:
    with app.uow().reader() as uow:
        org = c.organisation(uow, net.org)
        found = [v for v in app.books.vouchers(uow, organisation_id=org.id) if v["document_ref"] == number]
    return found


def entries(voucher: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    return sorted((line["account"], line["debit"], line["credit"]) for line in voucher["lines"])


def pool(app: App, net: Network, sku: str) -> tuple[Decimal, Decimal]:
    with app.uow().reader() as uow:
        org = c.organisation(uow, net.org)
        found, _ = app.books.pool(uow, PoolKey(org.id, c.items(uow, [sku])[sku].id),
                                  method=CostMethod.MOVING_AVERAGE)
    return found.quantity, found.value


def gl_equals_valuation(app: App, net: Network) -> None:
    with app.uow().reader() as uow:
        org = c.organisation(uow, net.org)
        ledger = app.books.inventory_balance(uow, organisation_id=org.id)
        report = sum((value for _, value in app.books.valuation_report(uow, organisation_id=org.id).values()),
                     Decimal(0))
    assert ledger == report


def approved_purchase_order(app: App, net: Network, supplier: str, sku: str, quantity: str = "100",
                            price: str = "10.00") -> PurchaseOrder:
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=supplier, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(quantity), unit_price=Decimal(price),
                                          expected_date=date(2026, 1, 10))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=BUYER)
        uow.commit()
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=DIRECTOR,
                         actor_roles=["purchasing_director"])
        uow.commit()
    with app.uow().reader() as uow:
        stored: PurchaseOrder = c.load(uow, PurchaseOrder, document_id=po.id).document
    assert stored.status is DocumentStatus.APPROVED
    return stored


def test_purchase_receipt_qc_sale_return_and_purchase_return_with_values_and_vouchers(app: App) -> None:
    net = network(app)
    supplier, customer = partners(app)
    sku = item(app, attributes={"qc_required": "true"})
    po = approved_purchase_order(app, net, supplier, sku)

    # Partial receipt of 60 into QC: 600.00 at cost, input VAT 78.00, payable 678.00.
    with app.uow() as uow:
        receipt = purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number,
                                     lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(60))], actor="user:wh")
        uow.commit()
    assert balance(app, sku, net.warehouse, "pending_qc") == 60
    assert pool(app, net, sku) == (Decimal(60), Decimal("600.00"))
    [voucher] = vouchers(app, net, receipt.number)
    assert entries(voucher) == [("1405", Decimal("600.00"), 0), ("2202", 0, Decimal("678.00")),
                                ("22210101", Decimal("78.00"), 0)]
    with app.uow().reader() as uow:
        assert c.load(uow, PurchaseOrder, document_id=po.id).document.status is DocumentStatus.PARTIALLY_DONE

    # QC: 55 pass, 5 damaged (a state change: no value moves).
    with app.uow() as uow:
        purchasing.inspect(uow, app.documents, organisation=net.org, goods_receipt=receipt.number, actor="user:qc",
                           lines=[purchasing.InspectLineIn(receipt_line=1, passed=Decimal(55), failed=Decimal(5),
                                                           disposition=FailedDisposition.DAMAGED)])
        uow.commit()
    assert (balance(app, sku, net.warehouse, "available"), balance(app, sku, net.warehouse, "damaged")) == (55, 5)

    # The other 40 (straight to available) completes the order: 100 at 1000.00.
    with app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:wh",
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(40), to_qc=False)])
        uow.commit()
    assert pool(app, net, sku) == (Decimal(100), Decimal("1000.00"))
    with app.uow().reader() as uow:
        assert c.load(uow, PurchaseOrder, document_id=po.id).document.status is DocumentStatus.DONE

    # Sale of 30 at 25.00: revenue 750.00 + VAT 97.50; cost 30 × 10.00 = 300.00.
    with app.uow() as uow:
        so = sales.create_sales_order(uow, organisation=net.org, site=net.warehouse, customer=customer,
                                      actor="user:sales", lines=[sales.SalesLineIn(sku=sku, quantity=Decimal(30),
                                                                                   unit_price=Decimal("25.00"))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=so.number, actor="user:sales")
        uow.commit()
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER, actor_roles=["regional_manager"])
        uow.commit()
    with app.uow() as uow:
        shipment = sales.ship(uow, app.documents, organisation=net.org, sales_order=so.number, actor="user:wh",
                              lines=[sales.ShipLineIn(so_line=1, quantity=Decimal(30))])
        uow.commit()
    assert balance(app, sku, net.warehouse, "available") == 65
    assert pool(app, net, sku) == (Decimal(70), Decimal("700.00"))
    [voucher] = vouchers(app, net, shipment.number)
    assert entries(voucher) == [("1122", Decimal("847.50"), 0), ("1405", 0, Decimal("300.00")),
                                ("22210102", 0, Decimal("97.50")), ("6001", 0, Decimal("750.00")),
                                ("6401", Decimal("300.00"), 0)]

    # The customer returns 10 into returned-pending, at the original cost 100.00.
    with app.uow() as uow:
        back = sales.accept_return(uow, app.documents, organisation=net.org, shipment=shipment.number,
                                   actor="user:wh", lines=[sales.SalesReturnLineIn(shipment_line=1, quantity=Decimal(10))])
        uow.commit()
    assert balance(app, sku, net.warehouse, "returned_pending") == 10
    assert pool(app, net, sku) == (Decimal(80), Decimal("800.00"))
    [voucher] = vouchers(app, net, back.number)
    assert entries(voucher) == [("1122", 0, Decimal("282.50")), ("1405", Decimal("100.00"), 0),
                                ("22210102", Decimal("32.50"), 0), ("6001", Decimal("250.00"), 0),
                                ("6401", 0, Decimal("100.00"))]

    # The 5 damaged go back to the supplier at their receipt cost: 50.00 + VAT 6.50.
    with app.uow() as uow:
        returned = purchasing.return_to_supplier(
            uow, app.documents, organisation=net.org, goods_receipt=receipt.number, actor="user:wh",
            lines=[purchasing.ReturnLineIn(receipt_line=1, quantity=Decimal(5), from_state="damaged")])
        uow.commit()
    assert balance(app, sku, net.warehouse, "damaged") == 0
    assert pool(app, net, sku) == (Decimal(75), Decimal("750.00"))
    [voucher] = vouchers(app, net, returned.number)
    assert entries(voucher) == [("1405", 0, Decimal("50.00")), ("2202", Decimal("56.50"), 0),
                                ("22210101", 0, Decimal("6.50"))]
    gl_equals_valuation(app, net)


def test_receiving_above_tolerance_is_refused_and_nothing_is_posted(app: App) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    po = approved_purchase_order(app, net, supplier, sku, quantity="10")
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:wh",
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(11))])
    assert refused.value.code == "receipt.over_tolerance"
    assert balance(app, sku, net.warehouse, "available") == 0
    assert pool(app, net, sku) == (Decimal(0), Decimal(0))


def test_an_unknown_supplier_is_refused(app: App) -> None:
    net = network(app)
    sku = item(app)
    with pytest.raises(NotFound) as refused, app.uow() as uow:
        purchasing.create_purchase_order(uow, organisation=net.org, supplier="NO-SUCH", site=net.warehouse,
                                         actor=BUYER, lines=[purchasing.OrderLineIn(
                                             sku=sku, quantity=Decimal(1), unit_price=Decimal(1),
                                             expected_date=date(2026, 1, 1))])
    assert refused.value.code == "supplier.not_found"


def test_no_one_approves_their_own_document_and_a_second_submission_is_refused(app: App) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=supplier, site=net.warehouse, actor=DIRECTOR,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(5), unit_price=Decimal(2),
                                          expected_date=date(2026, 1, 1))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=DIRECTOR)
        uow.commit()
    with pytest.raises(Forbidden) as own, app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=DIRECTOR, actor_roles=["purchasing_director"])
    assert own.value.code == "workflow.own_document"
    with pytest.raises(Conflict) as twice, app.uow() as uow:
        approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=DIRECTOR)
    assert twice.value.code == "document.already_submitted"


def test_posting_into_a_closed_period_is_refused(app: App) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    po = approved_purchase_order(app, net, supplier, sku, quantity="10")
    today = app.clock.now().date()
    with app.uow() as uow:
        org = c.organisation(uow, net.org)
        app.books.close_period(uow, organisation_id=org.id, org_code=net.org, period=f"{today:%Y-%m}",
                               actor="user:finance")
        uow.commit()
    with pytest.raises(Conflict) as closed, app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:wh",
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(1))])
    assert closed.value.code == "period.closed"
    assert balance(app, sku, net.warehouse, "available") == 0


def test_a_repeated_receipt_with_the_same_key_posts_once(app: App) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    po = approved_purchase_order(app, net, supplier, sku, quantity="10")
    key = ref("K")
    for _ in range(2):
        with app.uow() as uow:
            receipt = purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number,
                                         actor="user:wh", key=key,
                                         lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(4))])
            uow.commit()
    assert balance(app, sku, net.warehouse, "available") == 4
    assert len(vouchers(app, net, receipt.number)) == 1


def test_a_shipment_line_split_over_two_lots_keeps_every_later_line_right(app: App) -> None:
    net = network(app)
    supplier, customer = partners(app)
    lotted, plain = item(app, tracking="lot", shelf_life_days=365), item(app)
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=supplier, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=lotted, quantity=Decimal(10), unit_price=Decimal("3.00"),
                                          expected_date=date(2026, 1, 5)),
                   purchasing.OrderLineIn(sku=plain, quantity=Decimal(4), unit_price=Decimal("7.00"),
                                          expected_date=date(2026, 1, 5))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=BUYER)
        approvals.decide(uow, request_id=request.id, approve=True, actor=DIRECTOR, actor_roles=["purchasing_director"])
        for lot, expiry, qty in (("L1", date(2026, 6, 1), 4), ("L2", date(2026, 9, 1), 6)):
            purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:wh",
                               lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(qty), lot=lot,
                                                               production_date=date(2025, 12, 1), expiry_date=expiry,
                                                               to_qc=False)])
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:wh",
                           lines=[purchasing.ReceiveLineIn(po_line=2, quantity=Decimal(4), to_qc=False)])
        so = sales.create_sales_order(uow, organisation=net.org, site=net.warehouse, customer=customer, actor="user:s",
                                      lines=[sales.SalesLineIn(sku=lotted, quantity=Decimal(7), unit_price=Decimal(5)),
                                             sales.SalesLineIn(sku=plain, quantity=Decimal(2), unit_price=Decimal(9))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=so.number, actor="user:s")
        approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER, actor_roles=["regional_manager"])
        shipment = sales.ship(uow, app.documents, organisation=net.org, sales_order=so.number, actor="user:wh",
                              lines=[sales.ShipLineIn(so_line=1, quantity=Decimal(7)),
                                     sales.ShipLineIn(so_line=2, quantity=Decimal(2))])
        uow.commit()
    # FEFO takes L1 (4) then L2 (3): cost 7 × 3.00 = 21.00; the plain item 2 × 7.00 = 14.00.
    [voucher] = vouchers(app, net, shipment.number)
    cost = {line["dims"]["item"]: line["debit"] for line in voucher["lines"] if line["account"] == "6401"}
    assert cost == {lotted: Decimal("21.00"), plain: Decimal("14.00")}
    assert pool(app, net, plain) == (Decimal(2), Decimal("14.00"))
    gl_equals_valuation(app, net)


def test_a_group_purchase_goes_through_three_levels_and_a_rule_may_skip_level_two(app: App) -> None:
    net = network(app)
    supplier, _ = partners(app)
    sku = item(app)
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=supplier, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(2000), unit_price=Decimal("38.50"),
                                          expected_date=date(2026, 1, 20))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=BUYER)
        uow.commit()
    assert [level.name for level in request.levels] == ["strategic", "tactical", "store_requisition"]
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=DIRECTOR, actor_roles=["purchasing_director"])
        skipped = approvals.skip_level(uow, request_id=request.id, level_name="tactical", authorised_by="rule:flu-2026",
                                       reason="儿科门诊量周环比 +18%, 流感疫苗库存 150 支")
        uow.commit()
    assert skipped.status.value == "pending" and skipped.current.name == "store_requisition"  # type: ignore[union-attr]
    with app.uow() as uow:
        done = approvals.decide(uow, request_id=request.id, approve=True, actor="user:keeper",
                                actor_roles=["warehouse_keeper"])
        uow.commit()
    assert done.status.value == "approved"
    assert [(d.level, d.action.value, d.actor) for d in done.history] == [
        ("strategic", "approve", DIRECTOR), ("tactical", "skip", "rule:flu-2026"),
        ("store_requisition", "approve", "user:keeper")]
    assert done.history[1].reason and "流感疫苗" in done.history[1].reason
    with app.uow().reader() as uow:
        assert c.load(uow, PurchaseOrder, document_id=po.id).document.status is DocumentStatus.APPROVED
