"""Shipping notices (ASN): goods in transit seen by ATP, received against the notice, revised with
their history, and the supplier's reliability — quantities, values and vouchers checked by hand
(moving weighted average, VAT 13 %), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.documents.model import AdvanceShippingNotice, DocumentStatus, PurchaseOrder
from jxc.documents.services import asn as notices
from jxc.documents.services import common as c
from jxc.documents.services import purchasing, sales
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import Conflict, InvalidInput
from tests.conftest import ref
from tests.factories import Network, item, network
from tests.integration.document_helpers import (
    account,
    approve,
    balance,
    balanced,
    entries,
    gl_equals_valuation,
    pool,
    supplier,
    vouchers,
)

BUYER, KEEPER = "user:buyer", "user:keeper"
D = Decimal


def ordered(app: App, net: Network, vendor: str, *lines: tuple[str, str, str], unit: str | None = None) -> str:
    """An approved purchase order of ``lines`` (sku, quantity, price) for the warehouse; its number."""
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=vendor, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=D(qty), unit_price=D(price), unit=unit,
                                          expected_date=date(2026, 1, 10)) for sku, qty, price in lines])
        uow.commit()
    approve(app, net.org, po.number, roles=("purchasing_director",))
    return po.number


def announce(app: App, net: Network, po: str, *lines: tuple[int, str, date], eta: datetime,
             key: str | None = None) -> AdvanceShippingNotice:
    with app.uow() as uow:
        notice = notices.announce_shipment(
            uow, app.documents, organisation=net.org, purchase_order=po, eta=eta, actor="user:supplier-portal",
            lines=[notices.NoticeLineIn(n, D(qty), day) for n, qty, day in lines], key=key)
        uow.commit()
    return notice


def revise(app: App, net: Network, number: str, *lines: tuple[int, str, date], reason: str) -> AdvanceShippingNotice:
    with app.uow() as uow:
        notice = notices.revise_shipment(uow, app.documents, organisation=net.org, asn=number, reason=reason,
                                         actor=BUYER, lines=[(n, D(qty), day) for n, qty, day in lines])
        uow.commit()
    return notice


def arrive(app: App, net: Network, number: str, *lines: tuple[int, str]) -> str:
    with app.uow() as uow:
        receipt = notices.receive_against_notice(
            uow, app.documents, organisation=net.org, asn=number, actor=KEEPER,
            lines=[purchasing.ReceiveLineIn(po_line=n, quantity=D(qty), to_qc=False) for n, qty in lines])
        uow.commit()
    return receipt.number


def notice(app: App, net: Network, number: str) -> AdvanceShippingNotice:
    with app.uow().reader() as uow:
        found: AdvanceShippingNotice = c.load(uow, AdvanceShippingNotice, organisation_id=c.organisation(
            uow, net.org).id, number=number).document
    return found


def atp(app: App, sku: str, site: str, *, days: int = 7) -> tuple[Decimal, Decimal, Decimal]:
    """(available, scheduled receipts, ATP) of ``sku`` at ``site`` within ``days``."""
    with app.uow().reader() as uow:
        groups = {g.key: g for g in app.stock.atp(uow, sku=sku, by="site", horizon=timedelta(days=days)).groups}
    group = groups.get(site)
    return (D(0), D(0), D(0)) if group is None else (group.available, group.scheduled_receipts, group.atp)


def test_goods_in_transit_are_scheduled_receipts_until_they_arrive_against_the_notice(
    app: App, clock: FixedClock,
) -> None:
    net = network(app)
    vendor = supplier(app, "华东乳业")
    sku = item(app)
    po = ordered(app, net, vendor, (sku, "100", "10.00"))

    # Shipped: 100 in transit to the warehouse, due in three days; bought into 1402 at the order price.
    shipped = announce(app, net, po, (1, "100", date(2026, 1, 5)), eta=clock.now() + timedelta(days=3))
    assert shipped.number.startswith("ASN-") and shipped.status is DocumentStatus.APPROVED
    assert (balance(app, sku, net.warehouse, "in_transit"), balance(app, sku, net.warehouse)) == (100, 0)
    assert atp(app, sku, net.warehouse) == (D(0), D(100), D(100))
    assert atp(app, sku, net.warehouse, days=2) == (D(0), D(0), D(0))  # the ETA is beyond two days
    assert pool(app, net.org, sku) == (D(100), D("1000.00"))
    into = vouchers(app, net.org, shipped.number)
    assert list(into) == ["purchase_receipt.into_transit"]
    assert entries(into["purchase_receipt.into_transit"]) == [("1402", D("1000.00"), 0), ("2202", 0, D("1130.00")),
                                                 ("22210101", D("130.00"), 0)]
    gl_equals_valuation(app, net.org)

    # 60 arrive on the 4th: in transit → available, 1402 → 1405 at their value; nothing revalued.
    clock.advance(timedelta(days=3))
    first = arrive(app, net, shipped.number, (1, "60"))
    assert (balance(app, sku, net.warehouse, "in_transit"), balance(app, sku, net.warehouse)) == (40, 60)
    assert atp(app, sku, net.warehouse) == (D(60), D(40), D(100))
    assert pool(app, net.org, sku) == (D(100), D("1000.00"))
    [arrival] = vouchers(app, net.org, first).values()
    assert arrival["kind"] == "transit_arrival"
    assert entries(arrival) == [("1402", 0, D("600.00")), ("1405", D("600.00"), 0)]
    assert notice(app, net, shipped.number).status is DocumentStatus.PARTIALLY_DONE
    with app.uow().reader() as uow:
        order: PurchaseOrder = c.load(uow, PurchaseOrder, organisation_id=c.organisation(uow, net.org).id,
                                      number=po).document
    assert order.lines[0].received == 60 and order.status is DocumentStatus.PARTIALLY_DONE

    # The rest arrives: the notice is done, 1402 is clear and the GL equals the valuation.
    arrive(app, net, shipped.number, (1, "40"))
    assert notice(app, net, shipped.number).status is DocumentStatus.DONE
    assert atp(app, sku, net.warehouse) == (D(100), D(0), D(100))
    assert account(app, net.org, ("1402",)) == 0
    assert account(app, net.org, ("1405",)) == D("1000.00")
    gl_equals_valuation(app, net.org)


def test_a_lowered_promise_sends_the_difference_back_and_keeps_the_history(app: App, clock: FixedClock) -> None:
    net = network(app)
    vendor = supplier(app)
    sku = item(app)  # 1 箱 = 24 支
    po = ordered(app, net, vendor, (sku, "5", "240.00"), unit="箱")
    shipped = announce(app, net, po, (1, "5", date(2026, 1, 5)), eta=clock.now() + timedelta(days=4))
    assert balance(app, sku, net.warehouse, "in_transit") == 120
    clock.advance(timedelta(days=1))
    arrive(app, net, shipped.number, (1, "2"))  # 48 支 at 480.00

    # The supplier only loaded 4 箱, the last two a week later: one 箱 goes back, at its shipment value.
    revised = revise(app, net, shipped.number, (1, "2", date(2026, 1, 5)), (1, "2", date(2026, 1, 12)),
                     reason="仓库缺货, 少发一箱")
    assert revised.revision == 1 and [h.revision for h in revised.history] == [0]
    assert revised.promises(0)[0].quantity == 5 and [line.quantity for line in revised.lines] == [2, 2]
    assert revised.history[0].reason == "仓库缺货, 少发一箱"
    assert balance(app, sku, net.warehouse, "in_transit") == 48
    assert pool(app, net.org, sku) == (D(96), D("960.00"))
    back = vouchers(app, net.org, shipped.number)
    assert list(back) == ["purchase_receipt.into_transit", "purchase_return.in_transit"]
    assert entries(back["purchase_return.in_transit"]) == [("1402", 0, D("240.00")), ("2202", D("271.20"), 0),
                                                           ("22210101", 0, D("31.20"))]
    assert balanced(back["purchase_return.in_transit"])
    with app.uow().reader() as uow:
        actions = [(h["action"], h["detail"].get("reason")) for h in c.history(uow, revised.id)]
    assert ("revise", "仓库缺货, 少发一箱") in actions

    # A revision may neither promise more than was shipped nor less than arrived.
    with pytest.raises(InvalidInput) as above:
        revise(app, net, shipped.number, (1, "5", date(2026, 1, 12)), reason="多发")
    assert (above.value.code, above.value.field) == ("asn.above_shipped", "lines[0].quantity")
    with pytest.raises(InvalidInput) as below:
        revise(app, net, shipped.number, (1, "1", date(2026, 1, 12)), reason="少发")
    assert below.value.code == "asn.below_received"

    # Promising exactly what arrived completes the notice: the rest goes back, 1402 clears.
    done = revise(app, net, shipped.number, (1, "2", date(2026, 1, 5)), reason="其余取消")
    assert done.status is DocumentStatus.DONE and done.revision == 2
    assert balance(app, sku, net.warehouse, "in_transit") == 0
    assert account(app, net.org, ("1402",)) == 0
    assert pool(app, net.org, sku) == (D(48), D("480.00"))
    gl_equals_valuation(app, net.org)


def test_goods_received_against_a_notice_go_back_to_the_supplier_at_their_shipment_cost(
    app: App, clock: FixedClock,
) -> None:
    net = network(app)
    vendor = supplier(app)
    sku = item(app)
    po = ordered(app, net, vendor, (sku, "10", "10.00"))
    shipped = announce(app, net, po, (1, "10", date(2026, 1, 3)), eta=clock.now() + timedelta(days=2))
    revise(app, net, shipped.number, (1, "8", date(2026, 1, 3)), reason="少发两件")
    receipt = arrive(app, net, shipped.number, (1, "8"))
    with app.uow() as uow:
        returned = purchasing.return_to_supplier(
            uow, app.documents, organisation=net.org, goods_receipt=receipt, actor=KEEPER,
            lines=[purchasing.ReturnLineIn(receipt_line=1, quantity=D(3))])
        uow.commit()
    [voucher] = vouchers(app, net.org, returned.number).values()
    assert entries(voucher) == [("1405", 0, D("30.00")), ("2202", D("33.90"), 0), ("22210101", 0, D("3.90"))]
    assert balance(app, sku, net.warehouse) == 5
    assert pool(app, net.org, sku) == (D(5), D("50.00"))
    assert account(app, net.org, ("1402",)) == 0
    gl_equals_valuation(app, net.org)


def test_a_notice_announces_no_more_than_the_order_expects_and_receipts_take_no_more_than_is_in_transit(
    app: App, clock: FixedClock,
) -> None:
    net = network(app)
    vendor = supplier(app)
    sku, lot_sku = item(app), item(app, tracking="lot")
    po = ordered(app, net, vendor, (sku, "10", "1.00"), (lot_sku, "5", "1.00"))
    eta = clock.now() + timedelta(days=1)
    first = announce(app, net, po, (1, "6", date(2026, 1, 2)), eta=eta)
    with pytest.raises(InvalidInput) as over:
        announce(app, net, po, (1, "5", date(2026, 1, 2)), eta=eta)  # 6 in transit + 5 > 10 ordered
    assert (over.value.code, over.value.field) == ("asn.exceeds_order", "lines[0].quantity")
    with pytest.raises(InvalidInput) as tracked:
        announce(app, net, po, (2, "5", date(2026, 1, 2)), eta=eta)
    assert (tracked.value.code, tracked.value.field) == ("asn.tracked_item", "lines[0].po_line")
    with pytest.raises(InvalidInput) as naive:
        announce(app, net, po, (1, "1", date(2026, 1, 2)), eta=datetime(2026, 1, 2))
    assert naive.value.code == "time.naive"
    with pytest.raises(InvalidInput) as too_much:
        arrive(app, net, first.number, (1, "7"))
    assert (too_much.value.code, too_much.value.field) == ("asn.exceeds_in_transit", "lines[0].quantity")
    assert balance(app, sku, net.warehouse, "in_transit") == 6 and balance(app, sku, net.warehouse) == 0

    # A notice of another order is refused; a receipt of the rest without a notice comes from the supplier.
    other = ordered(app, net, vendor, (sku, "1", "1.00"))
    with pytest.raises(InvalidInput) as wrong, app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=other, asn=first.number,
                           actor=KEEPER, lines=[purchasing.ReceiveLineIn(po_line=1, quantity=D(1))])
    assert wrong.value.code == "asn.wrong_order"
    second = announce(app, net, po, (1, "4", date(2026, 1, 2)), eta=eta)  # 6 + 4 = 10: exactly the order
    assert balance(app, sku, net.warehouse, "in_transit") == 10
    arrive(app, net, first.number, (1, "6"))
    arrive(app, net, second.number, (1, "4"))
    with pytest.raises(Conflict) as closed:
        arrive(app, net, second.number, (1, "1"))
    assert closed.value.code == "document.wrong_status"
    gl_equals_valuation(app, net.org)


def test_announcing_again_with_the_same_key_posts_once(app: App, clock: FixedClock) -> None:
    net = network(app)
    vendor = supplier(app)
    sku = item(app)
    po = ordered(app, net, vendor, (sku, "10", "2.00"))
    key = ref("K")
    eta = clock.now() + timedelta(days=1)
    first = announce(app, net, po, (1, "10", date(2026, 1, 2)), eta=eta, key=key)
    again = announce(app, net, po, (1, "10", date(2026, 1, 2)), eta=eta, key=key)
    assert again.id == first.id
    assert balance(app, sku, net.warehouse, "in_transit") == 10
    assert list(vouchers(app, net.org, first.number)) == ["purchase_receipt.into_transit"]


def test_reliability_counts_late_short_and_on_time_promises_by_hand(app: App, clock: FixedClock) -> None:
    net = network(app)
    vendor, other = supplier(app), supplier(app)
    skus = [item(app) for _ in range(3)]
    po = ordered(app, net, vendor, (skus[0], "100", "1.00"), (skus[1], "50", "1.00"), (skus[2], "60", "1.00"))
    eta = clock.now() + timedelta(days=4)
    a = announce(app, net, po, (1, "100", date(2026, 1, 5)), (2, "50", date(2026, 1, 8)), eta=eta)
    b = announce(app, net, po, (3, "40", date(2026, 1, 9)), (3, "20", date(2026, 1, 20)), eta=eta)
    ordered(app, net, other, (skus[0], "1", "1.00"))  # another supplier's order: never counted

    clock.advance(timedelta(days=3))  # 4 January: the port is congested, line 1 now promised for the 7th
    revise(app, net, a.number, (1, "100", date(2026, 1, 7)), (2, "50", date(2026, 1, 8)), reason="港口拥堵")
    clock.advance(timedelta(days=2))  # 6 January: 30 of the 50 (short; the rest never comes)
    arrive(app, net, a.number, (2, "30"))
    clock.advance(timedelta(days=2))  # 8 January: line 1 in full, a day after the revised promise
    arrive(app, net, a.number, (1, "100"))
    clock.advance(timedelta(days=1))  # 9 January: line 3's first promise, on the day
    arrive(app, net, b.number, (3, "40"))
    clock.advance(timedelta(days=1))  # 10 January

    with app.uow().reader() as uow:
        report = notices.supplier_reliability(uow, supplier=vendor)
        first = notices.supplier_reliability(uow, supplier=vendor, first_promise=True)
        later = notices.supplier_reliability(uow, supplier=vendor, since=date(2026, 1, 2))
        nobody = notices.supplier_reliability(uow, supplier=other)
    # Counted: line 1 (1 day late), line 2 (20 short, 2 days overdue on the 10th), line 3's first
    # promise (on time); line 3's second promise is due on the 20th and not counted yet.
    assert report.as_of == date(2026, 1, 10) and (report.notices, report.counted) == (2, 3)
    assert [(o.asn, o.po_line, o.days_late, o.received_qty) for o in report.outcomes] == [
        (a.number, 1, 1, 100), (a.number, 2, 2, 30), (b.number, 3, 0, 40), (b.number, 3, None, 0)]
    assert all(o.purchase_order == po for o in report.outcomes)
    assert report.on_time_rate == D("0.3333")  # 1 of 3
    assert report.mean_days_late == D("1.00")  # (0 + 1 + 2) / 3
    assert report.p90_days_late == 2  # nearest rank: the 3rd of [0, 1, 2]
    assert report.fill_rate == D("0.8947")  # (100 + 30 + 40) / (100 + 50 + 40) = 170 / 190
    # Against the first promise line 1 was three days late (promised for the 5th).
    assert (first.on_time_rate, first.mean_days_late, first.p90_days_late, first.fill_rate) == (
        D("0.3333"), D("1.67"), 3, D("0.8947"))
    assert (later.notices, later.counted, later.on_time_rate, later.fill_rate) == (0, 0, None, None)
    assert (nobody.notices, nobody.mean_days_late, nobody.p90_days_late, nobody.outcomes) == (0, None, None, ())


def sell(app: App, net: Network, sku: str, quantity: str) -> None:
    with app.uow() as uow:
        so = sales.create_sales_order(uow, organisation=net.org, site=net.warehouse, actor="user:sales", channel="pos",
                                      lines=[sales.SalesLineIn(sku=sku, quantity=D(quantity), unit_price=D("9.00"))])
        uow.commit()
    approve(app, net.org, so.number)
    with app.uow() as uow:
        sales.ship(uow, app.documents, organisation=net.org, sales_order=so.number, actor=KEEPER,
                   lines=[sales.ShipLineIn(so_line=1, quantity=D(quantity))])
        uow.commit()


def received(app: App, net: Network, vendor: str, sku: str, quantity: str, price: str) -> None:
    po = ordered(app, net, vendor, (sku, quantity, price))
    with app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po, actor=KEEPER,
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=D(quantity), to_qc=False)])
        uow.commit()


def test_goods_in_transit_clear_exactly_when_the_book_cost_of_a_reversal_differs_from_its_credit(
    app: App, clock: FixedClock,
) -> None:
    net = network(app)
    vendor = supplier(app)
    eta = clock.now() + timedelta(days=2)

    # FIFO: the notice's layer is the oldest, so a sale issues half of it before it arrives; sending
    # 9 back takes its own 5 left (10.00) and 4 of the dearer layer (12.00): book cost 22.00 for a
    # credit of 18.00. 1402 is cleared by the credit, the 4.00 more leaves 1405.
    fifo = item(app, attributes={"cost_method": "fifo"})
    shipped = announce(app, net, ordered(app, net, vendor, (fifo, "10", "2.00")), (1, "10", date(2026, 1, 3)),
                       eta=eta)
    received(app, net, vendor, fifo, "5", "3.00")
    sell(app, net, fifo, "5")
    revise(app, net, shipped.number, (1, "1", date(2026, 1, 3)), reason="少发九件")
    back = vouchers(app, net.org, shipped.number)
    assert entries(back["purchase_return.in_transit"]) == [("1402", 0, D("18.00")), ("2202", D("20.34"), 0),
                                                           ("22210101", 0, D("2.34"))]
    assert entries(back["purchase_return"]) == [("1405", 0, D("4.00")), ("2202", D("4.00"), 0)]
    assert pool(app, net.org, fifo) == (D(1), D("3.00"))
    arrive(app, net, shipped.number, (1, "1"))
    assert account(app, net.org, ("1402",)) == 0
    gl_equals_valuation(app, net.org)

    # Moving average: 100 on hand at 0.10 and 10 in transit at 2.00; selling the 100 issues 27.27 at
    # the average, leaving 2.73 for the 10. Sending 9 back credits 18.00 but can take only 2.73 out
    # of the pool: 1402 still clears by 18.00, and 15.27 of it moves to 1405.
    average = item(app)
    other = network(app)
    received(app, other, vendor, average, "100", "0.10")
    shipped = announce(app, other, ordered(app, other, vendor, (average, "10", "2.00")), (1, "10", date(2026, 1, 3)),
                       eta=eta)
    sell(app, other, average, "100")
    assert pool(app, other.org, average) == (D(10), D("2.73"))
    revise(app, other, shipped.number, (1, "1", date(2026, 1, 3)), reason="少发九件")
    back = vouchers(app, other.org, shipped.number)
    assert entries(back["purchase_return.in_transit"]) == [("1402", 0, D("2.73")), ("2202", D("5.07"), 0),
                                                           ("22210101", 0, D("2.34"))]
    assert entries(back["transit_arrival"]) == [("1402", 0, D("15.27")), ("1405", D("15.27"), 0)]
    assert account(app, other.org, ("1402",)) == D("2.00")  # the one still in transit, at its shipment value
    assert pool(app, other.org, average) == (D(1), D("0.00"))
    gl_equals_valuation(app, other.org)
