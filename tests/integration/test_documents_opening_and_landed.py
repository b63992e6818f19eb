"""Opening balances and landed costs, with values and vouchers checked by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.documents.model import GoodsReceipt
from jxc.documents.services import purchasing, sales
from jxc.documents.services.landed import add_landed_cost
from jxc.documents.services.opening import OpeningLineIn, open_balances
from jxc.kernel.errors import IdempotencyConflict, InvalidInput
from tests.conftest import ref
from tests.factories import Network, item, network
from tests.integration.document_helpers import (
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

FINANCE, BUYER, KEEPER = "user:finance", "user:buyer", "user:keeper"


def received(app: App, net: Network, vendor: str, *lines: tuple[str, int, str]) -> GoodsReceipt:
    """An approved purchase order for ``lines`` (sku, quantity, price), received in full into available."""
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=vendor, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(qty), unit_price=Decimal(price),
                                          expected_date=date(2026, 1, 10)) for sku, qty, price in lines])
        uow.commit()
    approve(app, net.org, po.number, roles=("purchasing_director",))
    with app.uow() as uow:
        receipt = purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor=KEEPER,
                                     lines=[purchasing.ReceiveLineIn(po_line=i, quantity=Decimal(qty), to_qc=False)
                                            for i, (_, qty, _) in enumerate(lines, start=1)])
        uow.commit()
    return receipt


def sold(app: App, net: Network, sku: str, quantity: int) -> None:
    with app.uow() as uow:
        so = sales.create_sales_order(uow, organisation=net.org, site=net.warehouse, actor="user:sales",
                                      channel="pos",
                                      lines=[sales.SalesLineIn(sku=sku, quantity=Decimal(quantity),
                                                               unit_price=Decimal("9.00"))])
        uow.commit()
    approve(app, net.org, so.number)
    with app.uow() as uow:
        sales.ship(uow, app.documents, organisation=net.org, sales_order=so.number, actor=KEEPER,
                   lines=[sales.ShipLineIn(so_line=1, quantity=Decimal(quantity))])
        uow.commit()


def test_opening_balances_are_valued_to_the_fen_and_booked_against_the_clearing_account(app: App) -> None:
    net = network(app)
    tea, cups = item(app), item(app)
    lines = [OpeningLineIn(sku=tea, quantity=Decimal(100), unit_cost=Decimal("2.345")),
             OpeningLineIn(sku=cups, quantity=Decimal(3), unit_cost=Decimal("0.333"))]
    key = ref("K")
    with app.uow() as uow:
        first = open_balances(uow, app.documents, organisation=net.org, site=net.warehouse, lines=lines,
                              actor=FINANCE, key=key)
        uow.commit()
    # 100 × 2.345 = 234.50; 3 × 0.333 = 0.999 → 1.00.
    assert first.value == Decimal("235.50")
    assert first.document_ref == f"OB-{net.warehouse}-{app.clock.now().date().isoformat()}"
    assert (balance(app, tea, net.warehouse), balance(app, cups, net.warehouse)) == (100, 3)
    assert pool(app, net.org, tea) == (Decimal(100), Decimal("234.50"))
    assert pool(app, net.org, cups) == (Decimal(3), Decimal("1.00"))
    booked = vouchers(app, net.org, first.document_ref)
    assert set(booked) == {"opening_balance"}
    assert entries(booked["opening_balance"]) == [("1405", Decimal("1.00"), 0), ("1405", Decimal("234.50"), 0),
                                                  ("4999", 0, Decimal("235.50"))]
    assert booked["opening_balance"]["number"] == first.voucher

    # The same key again replays: no second posting, valuation or voucher.
    with app.uow() as uow:
        again = open_balances(uow, app.documents, organisation=net.org, site=net.warehouse, lines=lines,
                              actor=FINANCE, key=key)
        uow.commit()
    assert again.replayed and (again.posting_id, again.value, again.voucher) == (first.posting_id, first.value,
                                                                                 first.voucher)
    assert balance(app, tea, net.warehouse) == 100
    assert len(vouchers(app, net.org, first.document_ref)) == 1
    # The same key with other lines is refused.
    with pytest.raises(IdempotencyConflict), app.uow() as uow:
        open_balances(uow, app.documents, organisation=net.org, site=net.warehouse, lines=lines[:1], actor=FINANCE,
                      key=key)
    gl_equals_valuation(app, net.org)


def test_opening_balances_at_a_site_of_another_organisation_are_refused(app: App) -> None:
    mine, theirs = network(app), network(app)
    sku = item(app)
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        open_balances(uow, app.documents, organisation=mine.org, site=theirs.store, actor=FINANCE,
                      lines=[OpeningLineIn(sku=sku, quantity=Decimal(1), unit_cost=Decimal(1))])
    assert refused.value.code == "document.site_not_in_organisation"
    assert balance(app, sku, theirs.store) == 0


def test_a_landed_cost_split_by_value_is_capitalised_on_stock_and_expensed_on_goods_sold(app: App) -> None:
    net = network(app)
    vendor, carrier = supplier(app, "华东乳业"), supplier(app)
    tea, cups = item(app), item(app, attributes={"cost_method": "fifo"})
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=tea, quantity=Decimal(100), unit_cost=Decimal("2.345")))
    receipt = received(app, net, vendor, (tea, 100, "10.00"), (cups, 50, "6.00"))
    sold(app, net, cups, 20)  # 20 of the 50 cups have gone (at 6.00: 120.00)
    assert pool(app, net.org, cups) == (Decimal(30), Decimal("180.00"))

    # 130.00 + VAT 11.70 over 1000.00 and 300.00 of goods: tea 100.00, cups 30.00. All the tea is still
    # here; 30 of 50 cups are, so they keep 30/50 of 30.00 = 18.00 and 12.00 goes to cost of sales.
    key = ref("K")
    with app.uow() as uow:
        landed = add_landed_cost(uow, app.documents, organisation=net.org, goods_receipt=receipt.number,
                                 total=Decimal("130.00"), vat=Decimal("11.70"), basis="value", carrier=carrier,
                                 actor=FINANCE, key=key)
        uow.commit()
    assert landed.shares == (Decimal("100.00"), Decimal("30.00"))
    assert (landed.capitalised, landed.expensed) == (Decimal("118.00"), Decimal("12.00"))
    assert pool(app, net.org, tea) == (Decimal(200), Decimal("1334.50"))
    assert pool(app, net.org, cups) == (Decimal(30), Decimal("198.00"))
    booked = vouchers(app, net.org, receipt.number)
    assert set(booked) == {"purchase_receipt", "landed_cost"}
    assert entries(booked["landed_cost"]) == [
        ("1405", Decimal("18.00"), 0), ("1405", Decimal("100.00"), 0), ("2202", 0, Decimal("141.70")),
        ("22210101", Decimal("11.70"), 0), ("6401", Decimal("12.00"), 0)]
    assert partner_of(booked["landed_cost"], "2202") == {carrier}
    assert balanced(booked["landed_cost"])

    # The same key again books nothing more.
    with app.uow() as uow:
        again = add_landed_cost(uow, app.documents, organisation=net.org, goods_receipt=receipt.number,
                                total=Decimal("130.00"), vat=Decimal("11.70"), basis="value", carrier=carrier,
                                actor=FINANCE, key=key)
        uow.commit()
    assert again.replayed and again.voucher == landed.voucher
    assert pool(app, net.org, tea) == (Decimal(200), Decimal("1334.50"))
    gl_equals_valuation(app, net.org)


def test_a_landed_cost_by_weight_uses_each_items_weight_and_refuses_an_item_without_one(app: App) -> None:
    net = network(app)
    vendor, carrier = supplier(app, "华东乳业"), supplier(app)
    light, heavy = item(app, attributes={"weight_kg": "0.5"}), item(app, attributes={"weight_kg": "2"})
    receipt = received(app, net, vendor, (light, 100, "1.00"), (heavy, 50, "1.00"))
    with app.uow() as uow:
        landed = add_landed_cost(uow, app.documents, organisation=net.org, goods_receipt=receipt.number,
                                 total=Decimal("30.00"), basis="weight", carrier=carrier, actor=FINANCE)
        uow.commit()
    # 50 kg and 100 kg: 10.00 and 20.00.
    assert landed.shares == (Decimal("10.00"), Decimal("20.00"))
    assert pool(app, net.org, light) == (Decimal(100), Decimal("110.00"))
    assert pool(app, net.org, heavy) == (Decimal(50), Decimal("70.00"))

    weightless = item(app)
    other = received(app, net, vendor, (weightless, 10, "1.00"))
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        add_landed_cost(uow, app.documents, organisation=net.org, goods_receipt=other.number,
                        total=Decimal("5.00"), basis="weight", carrier=carrier, actor=FINANCE)
    assert refused.value.code == "landed_cost.no_weight"
    assert pool(app, net.org, weightless) == (Decimal(10), Decimal("10.00"))
    gl_equals_valuation(app, net.org)
