"""Transfers inside one organisation and between two, with quantities, values and vouchers checked
by hand (moving weighted average; cost plus 5 %, VAT 13 %), on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.documents.model import DocumentStatus, TransferOrder, TransferQuantity
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn
from jxc.documents.services.transfers import (
    TransferLineIn,
    close_transfer_receipt,
    create_transfer,
    receive_transfer,
    ship_transfer,
)
from jxc.kernel.errors import InvalidInput
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.document_helpers import (
    account,
    approve,
    balance,
    balanced,
    entries,
    gl_equals_valuation,
    opening,
    partner_of,
    pool,
    supplier,
    vouchers,
)

KEEPER = "user:keeper"


def approved_transfer(app: App, org: str, from_site: str, to_site: str, *lines: TransferLineIn,
                      same_lot: bool = False) -> TransferOrder:
    with app.uow() as uow:
        order = create_transfer(uow, from_site=from_site, to_site=to_site, lines=lines, same_lot=same_lot,
                                actor=KEEPER)
        uow.commit()
    approve(app, org, order.number)
    return order


def status(app: App, order: TransferOrder) -> DocumentStatus:
    with app.uow().reader() as uow:
        return c.load(uow, TransferOrder, document_id=order.id).document.status  # type: ignore[no-any-return]


def test_an_internal_transfer_moves_stock_without_revenue_and_a_carrier_shortage_is_claimed(app: App) -> None:
    net = network(app)
    carrier = supplier(app)
    sku = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(100), unit_cost=Decimal("10.00")))
    order = approved_transfer(app, net.org, net.warehouse, net.store, TransferLineIn(sku=sku, quantity=Decimal(30)))

    # Shipping 30: the warehouse gives them, the store has them in transit; no value moves, no voucher.
    with app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(30))])
        uow.commit()
    assert balance(app, sku, net.warehouse) == 70
    assert balance(app, sku, net.store, "in_transit") == 30
    assert pool(app, net.org, sku) == (Decimal(100), Decimal("1000.00"))
    assert vouchers(app, net.org, order.number) == {}
    assert account(app, net.org, ("6001", "6051")) == 0  # no revenue inside one organisation

    # 25 arrive.
    with app.uow() as uow:
        receive_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                         lines=[TransferQuantity(line_no=1, quantity=Decimal(25))])
        uow.commit()
    assert (balance(app, sku, net.store), balance(app, sku, net.store, "in_transit")) == (25, 5)
    assert vouchers(app, net.org, order.number) == {}
    assert status(app, order) is DocumentStatus.PARTIALLY_DONE

    # The carrier lost 5: 5 × 10.00 = 50.00 out of stock into pending losses, then claimed from the carrier.
    with app.uow() as uow:
        close_transfer_receipt(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                               responsible={1: "carrier"}, carrier=carrier, reason="运输途中丢失")
        uow.commit()
    assert balance(app, sku, net.store, "in_transit") == 0
    assert (balance(app, sku, net.warehouse), balance(app, sku, net.store)) == (70, 25)
    assert pool(app, net.org, sku) == (Decimal(95), Decimal("950.00"))
    booked = vouchers(app, net.org, order.number)
    assert set(booked) == {"transit_loss.inventory", "loss_charge.carrier"}
    assert entries(booked["transit_loss.inventory"]) == [("1405", 0, Decimal("50.00")), ("1901", Decimal("50.00"), 0)]
    assert entries(booked["loss_charge.carrier"]) == [("1221", Decimal("50.00"), 0), ("1901", 0, Decimal("50.00"))]
    assert partner_of(booked["loss_charge.carrier"], "1221") == {carrier}
    assert all(balanced(v) for v in booked.values())
    assert account(app, net.org, ("6001", "6051")) == 0
    assert status(app, order) is DocumentStatus.DONE
    gl_equals_valuation(app, net.org)


def test_an_intercompany_transfer_at_cost_plus_five_percent_mirrors_receivable_and_payable(app: App) -> None:
    seller, buyer = network(app), network(app)
    carrier = supplier(app)
    sku = item(app)
    opening(app, seller.org, seller.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(100),
                                                             unit_cost=Decimal("10.00")))
    opening(app, buyer.org, buyer.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal("8.00")))
    order = approved_transfer(app, seller.org, seller.warehouse, buyer.store,
                              TransferLineIn(sku=sku, quantity=Decimal(40)))

    # Ship 40 with 20.00 freight the buyer bears: cost 400.00, price 420.00, VAT 54.60.
    with app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=seller.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(40))], freight=Decimal("20.00"),
                      carrier=carrier)
        uow.commit()
    sold = vouchers(app, seller.org, order.number)["intercompany_sale"]
    assert entries(sold) == [("1122", Decimal("474.60"), 0), ("1405", 0, Decimal("400.00")),
                             ("22210102", 0, Decimal("54.60")), ("6001", 0, Decimal("420.00")),
                             ("6401", Decimal("400.00"), 0)]
    assert partner_of(sold, "1122") == {buyer.org}
    bought = vouchers(app, buyer.org, order.number)["intercompany_purchase"]
    assert entries(bought) == [("1402", Decimal("440.00"), 0), ("2202", 0, Decimal("20.00")),
                               ("2202", 0, Decimal("474.60")), ("22210101", Decimal("54.60"), 0)]
    assert partner_of(bought, "2202") == {seller.org, carrier}
    # What the seller is owed is what the buyer owes it.
    receivable = account(app, seller.org, ("1122",), partner=buyer.org)
    payable = -account(app, buyer.org, ("2202",), partner=seller.org)
    assert receivable == payable == Decimal("474.60")
    # The seller's stock went down at cost, the buyer's up at the transfer price plus freight.
    assert pool(app, seller.org, sku) == (Decimal(60), Decimal("600.00"))
    assert pool(app, buyer.org, sku) == (Decimal(50), Decimal("520.00"))
    assert balance(app, sku, seller.warehouse) == 60
    assert balance(app, sku, buyer.store, "in_transit") == 40
    gl_equals_valuation(app, seller.org, buyer.org)

    # 30 arrive: 30/40 of 440.00 moves from goods in transit into stock.
    with app.uow() as uow:
        receive_transfer(uow, app.documents, organisation=seller.org, transfer=order.number, actor=KEEPER,
                         lines=[TransferQuantity(line_no=1, quantity=Decimal(30))])
        uow.commit()
    arrived = vouchers(app, buyer.org, order.number)["transit_arrival"]
    assert entries(arrived) == [("1402", 0, Decimal("330.00")), ("1405", Decimal("330.00"), 0)]
    assert balance(app, sku, buyer.store) == 30

    # The sender answers for the 10 missing. The buyer's pool issues them at 520.00 / 50 = 10.40 (104.00);
    # their goods-in-transit value is 110.00, so 6.00 of it stays in stock and 1402 is cleared exactly.
    with app.uow() as uow:
        close_transfer_receipt(uow, app.documents, organisation=seller.org, transfer=order.number, actor=KEEPER,
                               responsible={1: "sender"}, reason="发货短少")
        uow.commit()
    booked = vouchers(app, buyer.org, order.number)
    assert entries(booked["transit_loss"]) == [("1402", 0, Decimal("104.00")), ("1901", Decimal("104.00"), 0)]
    assert entries(booked["transit_arrival#2"]) == [("1402", 0, Decimal("6.00")), ("1405", Decimal("6.00"), 0)]
    assert entries(booked["loss_charge.sender"]) == [("1221", Decimal("104.00"), 0), ("1901", 0, Decimal("104.00"))]
    assert partner_of(booked["loss_charge.sender"], "1221") == {seller.org}
    assert all(balanced(v) for v in booked.values())
    assert account(app, buyer.org, ("1402",)) == 0
    assert pool(app, buyer.org, sku) == (Decimal(40), Decimal("416.00"))
    assert account(app, buyer.org, ("1405",)) == Decimal("416.00")
    assert balance(app, sku, buyer.store, "in_transit") == 0
    assert status(app, order) is DocumentStatus.DONE
    gl_equals_valuation(app, seller.org, buyer.org)


def test_a_same_lot_transfer_ships_and_receives_exactly_one_named_lot(app: App) -> None:
    net = network(app)
    sku = item(app, tracking="lot")
    opening(app, net.org, net.warehouse,
            OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal("3.00"), lot="L1"),
            OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal("3.00"), lot="L2"))
    order = approved_transfer(app, net.org, net.warehouse, net.store, TransferLineIn(sku=sku, quantity=Decimal(5)),
                              same_lot=True)
    ship = {"organisation": net.org, "transfer": order.number, "actor": KEEPER}

    with pytest.raises(InvalidInput) as no_lot, app.uow() as uow:
        ship_transfer(uow, app.documents, lines=[TransferQuantity(line_no=1, quantity=Decimal(5))], **ship)
    assert no_lot.value.code == "transfer.lot_required"
    assert balance(app, sku, net.warehouse) == 20
    assert balance(app, sku, net.store, "in_transit") == 0

    with app.uow() as uow:
        ship_transfer(uow, app.documents, lines=[TransferQuantity(line_no=1, quantity=Decimal(5), lot="L1")], **ship)
        uow.commit()
    assert (balance(app, sku, net.warehouse, lot="L1"), balance(app, sku, net.warehouse, lot="L2")) == (5, 10)

    with pytest.raises(InvalidInput) as other_lot, app.uow() as uow:
        receive_transfer(uow, app.documents, lines=[TransferQuantity(line_no=1, quantity=Decimal(5), lot="L2")],
                         **ship)
    assert other_lot.value.code == "transfer.lot_mismatch"
    assert balance(app, sku, net.store, "in_transit", lot="L1") == 5

    with app.uow() as uow:
        receive_transfer(uow, app.documents, lines=[TransferQuantity(line_no=1, quantity=Decimal(5), lot="L1")],
                         **ship)
        uow.commit()
    assert balance(app, sku, net.store, lot="L1") == 5
    assert balance(app, sku, net.store, lot="L2") == 0
    assert status(app, order) is DocumentStatus.DONE
    gl_equals_valuation(app, net.org)


def test_receiving_without_a_lot_takes_the_lots_this_transfer_shipped(app: App) -> None:
    net = network(app)
    sku = item(app, tracking="lot")
    opening(app, net.org, net.warehouse,
            OpeningLineIn(sku=sku, quantity=Decimal(4), unit_cost=Decimal("3.00"), lot="A1"),
            OpeningLineIn(sku=sku, quantity=Decimal(6), unit_cost=Decimal("3.00"), lot="A2"))
    order = approved_transfer(app, net.org, net.warehouse, net.store, TransferLineIn(sku=sku, quantity=Decimal(10)))
    with app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(10))])
        uow.commit()
    for quantity in (Decimal(3), Decimal(7)):
        with app.uow() as uow:
            receive_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                             lines=[TransferQuantity(line_no=1, quantity=quantity)])
            uow.commit()
    assert (balance(app, sku, net.store, lot="A1"), balance(app, sku, net.store, lot="A2")) == (4, 6)
    assert balance(app, sku, net.store, "in_transit") == 0


def test_a_repeated_shipment_with_the_same_key_ships_once(app: App) -> None:
    seller, buyer = network(app), network(app)
    sku = item(app)
    opening(app, seller.org, seller.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal(2)))
    order = approved_transfer(app, seller.org, seller.warehouse, buyer.warehouse,
                              TransferLineIn(sku=sku, quantity=Decimal(8)))
    key = ref("K")
    for _ in range(2):
        with app.uow() as uow:
            ship_transfer(uow, app.documents, organisation=seller.org, transfer=order.number, actor=KEEPER, key=key,
                          lines=[TransferQuantity(line_no=1, quantity=Decimal(4))])
            uow.commit()
    assert balance(app, sku, buyer.warehouse, "in_transit") == 4
    assert entries(vouchers(app, seller.org, order.number)["intercompany_sale"])[1] == ("1405", 0, Decimal("8.00"))
    gl_equals_valuation(app, seller.org, buyer.org)


def test_freight_on_an_internal_transfer_is_refused_and_nothing_moves(app: App) -> None:
    net = network(app)
    sku = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal(2)))
    order = approved_transfer(app, net.org, net.warehouse, net.store, TransferLineIn(sku=sku, quantity=Decimal(5)))
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(5))], freight=Decimal("3.00"))
    assert refused.value.code == "transfer.freight_internal"
    assert balance(app, sku, net.warehouse) == 10
    assert status(app, order) is DocumentStatus.APPROVED


def test_a_list_priced_intercompany_transfer_sells_at_the_items_list_price(app: App) -> None:
    seller, buyer = network(app), network(app)
    sku = item(app, attributes={"list_price": "12.50"})
    opening(app, seller.org, seller.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal(9)))
    with app.uow() as uow:
        order = create_transfer(uow, from_site=seller.warehouse, to_site=buyer.store, actor=KEEPER,
                                lines=[TransferLineIn(sku=sku, quantity=Decimal(4))], transfer_price_rule="list")
        uow.commit()
    approve(app, seller.org, order.number)
    with app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=seller.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(4))])
        uow.commit()
    # 4 × 12.50 = 50.00 net, 6.50 VAT; cost 36.00.
    assert entries(vouchers(app, seller.org, order.number)["intercompany_sale"]) == [
        ("1122", Decimal("56.50"), 0), ("1405", 0, Decimal("36.00")), ("22210102", 0, Decimal("6.50")),
        ("6001", 0, Decimal("50.00")), ("6401", Decimal("36.00"), 0)]
    assert pool(app, buyer.org, sku) == (Decimal(4), Decimal("50.00"))
    gl_equals_valuation(app, seller.org, buyer.org)


def test_a_carrier_shortage_without_the_carrier_named_is_refused_and_nothing_is_lost(app: App) -> None:
    net = network(app)
    sku = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(10), unit_cost=Decimal(2)))
    order = approved_transfer(app, net.org, net.warehouse, net.store, TransferLineIn(sku=sku, quantity=Decimal(6)))
    with app.uow() as uow:
        ship_transfer(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                      lines=[TransferQuantity(line_no=1, quantity=Decimal(6))])
        uow.commit()
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        close_transfer_receipt(uow, app.documents, organisation=net.org, transfer=order.number, actor=KEEPER,
                               responsible={1: "carrier"}, reason="丢失")
    assert (refused.value.code, refused.value.field) == ("field.required", "carrier")
    assert balance(app, sku, net.store, "in_transit") == 6
    assert pool(app, net.org, sku) == (Decimal(10), Decimal("20.00"))
    assert status(app, order) is DocumentStatus.PARTIALLY_DONE
