"""Sales orders reserve their stock when approved (FEFO where lots expire), ship what they reserved,
and release it when cancelled or short-closed; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.model import DocumentStatus, SalesOrder, Shipment
from jxc.documents.services import approvals, sales
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn
from jxc.inventory.commands import MoveLine
from jxc.inventory.model import Reservation, ReservationStatus
from jxc.kernel.errors import InsufficientStock
from tests.conftest import ref
from tests.factories import Network, item, network, post
from tests.integration.document_helpers import balance, entries, gl_equals_valuation, opening, pool, vouchers

SALES, MANAGER, KEEPER = "user:sales", "user:manager", "user:wh-keeper"
EARLY, LATE = date(2026, 6, 1), date(2026, 9, 1)


def customer(app: App) -> str:
    code = ref("CUS")
    with app.uow() as uow:
        catalog.register_customer(uow, code=code, name="城东超市")
    return code


def lotted_stock(app: App, net: Network) -> str:
    """A lot-tracked item: the later-expiring lot arrives first (so FIFO and FEFO differ)."""
    sku = item(app, tracking="lot", shelf_life_days=365)
    opening(app, net.org, net.warehouse,
            OpeningLineIn(sku=sku, quantity=Decimal(6), unit_cost=Decimal("2.00"), lot="L-LATE", expiry_date=LATE,
                          production_date=date(2025, 9, 1)),
            OpeningLineIn(sku=sku, quantity=Decimal(4), unit_cost=Decimal("3.00"), lot="L-EARLY", expiry_date=EARLY,
                          production_date=date(2025, 6, 1)))
    return sku


def approved_order(app: App, net: Network, buyer: str, sku: str, quantity: str, price: str = "5.00") -> SalesOrder:
    """Create, submit and approve (by the regional manager) a one-line B2B order."""
    with app.uow() as uow:
        so = sales.create_sales_order(uow, organisation=net.org, site=net.warehouse, customer=buyer, actor=SALES,
                                      lines=[sales.SalesLineIn(sku=sku, quantity=Decimal(quantity),
                                                               unit_price=Decimal(price))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=so.number, actor=SALES)
        uow.commit()
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER, actor_roles=["regional_manager"],
                         w=app.documents)
        uow.commit()
    return order(app, so.number, net)


def order(app: App, number: str, net: Network) -> SalesOrder:
    with app.uow().reader() as uow:
        found: SalesOrder = c.load(uow, SalesOrder, organisation_id=c.organisation(uow, net.org).id,
                                   number=number).document
    return found


def reservations(app: App, so: SalesOrder) -> list[Reservation]:
    with app.uow().reader() as uow:
        return [app.reservations.get(uow, reservation_id) for _, reservation_id in so.reservations]


def lots_of(app: App, reservation: Reservation) -> list[tuple[str, Decimal]]:
    with app.uow().reader() as uow:
        return [(app.ledger.lot_number(uow, line.bucket.lot_id), line.quantity)  # type: ignore[arg-type]
                for line in reservation.lines]


def atp(app: App, sku: str, site: str) -> tuple[Decimal, Decimal]:
    """(available, reserved) at the site as ATP reports them."""
    with app.uow().reader() as uow:
        groups = {g.key: g for g in app.stock.atp(uow, sku=sku, by="site").groups}
    group = groups[site]
    return group.available, group.by_state.get("reserved", Decimal(0))


def ship(app: App, net: Network, so: SalesOrder, quantity: str) -> str:
    with app.uow() as uow:
        shipment = sales.ship(uow, app.documents, organisation=net.org, sales_order=so.number, actor=KEEPER,
                              lines=[sales.ShipLineIn(so_line=1, quantity=Decimal(quantity))])
        uow.commit()
    return shipment.number


def history_of(app: App, so: SalesOrder, action: str) -> list[dict[str, object]]:
    with app.uow().reader() as uow:
        return [row["detail"] for row in c.history(uow, so.id) if row["action"] == action]


def test_approval_reserves_fefo_a_competing_sale_cannot_take_it_and_shipping_ships_the_reservation(app: App) -> None:
    net, buyer = network(app), customer(app)
    sku = lotted_stock(app, net)
    so = approved_order(app, net, buyer, sku, "5")

    # Approval reserved 5: the 4 of the earliest-expiring lot first, then 1 of the later one.
    assert so.status is DocumentStatus.APPROVED
    [held] = reservations(app, so)
    assert held.status is ReservationStatus.OPEN and held.quantity == 5 and held.reference == so.number
    assert lots_of(app, held) == [("L-EARLY", Decimal(4)), ("L-LATE", Decimal(1))]
    assert atp(app, sku, net.warehouse) == (Decimal(5), Decimal(5))
    assert history_of(app, so, "reserved") == [{"reservations": {"1": str(held.id)}, "short": {}}]

    # A competing order reserves only what is left (approval still succeeds) and cannot ship more.
    rival = approved_order(app, net, buyer, sku, "6")
    [rival_held] = reservations(app, rival)
    assert rival_held.quantity == 5 and lots_of(app, rival_held) == [("L-LATE", Decimal(5))]
    assert history_of(app, rival, "reserved")[0]["short"] == {"1": "1"}
    with pytest.raises(InsufficientStock):
        ship(app, net, rival, "6")
    with pytest.raises(InsufficientStock):  # nor can a till sale outside any order
        post(app, MoveLine(sku=sku, quantity="1", from_site=net.warehouse, to_site="@customer"))
    assert atp(app, sku, net.warehouse) == (Decimal(0), Decimal(10))

    # Shipping the first order ships its reservation: the reserved lots leave, nothing else moves.
    number = ship(app, net, so, "5")
    [shipped] = reservations(app, so)
    assert shipped.status is ReservationStatus.SHIPPED and shipped.remaining == 0
    assert balance(app, sku, net.warehouse, "reserved") == 5  # the rival's
    assert balance(app, sku, net.warehouse, "reserved", lot="L-EARLY") == 0
    with app.uow().reader() as uow:
        sent = c.load(uow, Shipment, organisation_id=c.organisation(uow, net.org).id, number=number).document
        moved = sorted((app.ledger.lot_number(uow, row.lot_id), row.quantity)
                       for row in c.movements_of(uow, sent.id, role="post"))
    assert moved == [("L-EARLY", Decimal(4)), ("L-LATE", Decimal(1))]
    # Moving average (4 × 3.00 + 6 × 2.00) / 10 = 2.40: cost 12.00; revenue 25.00 + VAT 3.25.
    [voucher] = vouchers(app, net.org, number).values()
    assert entries(voucher) == [("1122", Decimal("28.25"), 0), ("1405", 0, Decimal("12.00")),
                                ("22210102", 0, Decimal("3.25")), ("6001", 0, Decimal("25.00")),
                                ("6401", Decimal("12.00"), 0)]
    assert pool(app, net.org, sku) == (Decimal(5), Decimal("12.00"))
    assert order(app, so.number, net).status is DocumentStatus.DONE
    gl_equals_valuation(app, net.org)


def test_cancelling_an_approved_order_releases_its_reservation(app: App) -> None:
    net, buyer = network(app), customer(app)
    sku = lotted_stock(app, net)
    so = approved_order(app, net, buyer, sku, "7")
    assert atp(app, sku, net.warehouse) == (Decimal(3), Decimal(7))
    with app.uow() as uow:
        cancelled = sales.cancel_sales_order(uow, app.documents, organisation=net.org, number=so.number,
                                             reason="客户取消", actor=SALES)
        uow.commit()
    assert cancelled.status is DocumentStatus.CANCELLED
    [held] = reservations(app, so)
    assert held.status is ReservationStatus.RELEASED and held.remaining == 0
    assert atp(app, sku, net.warehouse) == (Decimal(10), Decimal(0))
    assert order(app, so.number, net).status is DocumentStatus.CANCELLED


def test_short_stock_approves_reserves_what_there_is_and_ships_the_rest_from_later_stock(app: App) -> None:
    net, buyer = network(app), customer(app)
    sku = lotted_stock(app, net)
    so = approved_order(app, net, buyer, sku, "12")
    [held] = reservations(app, so)
    assert so.status is DocumentStatus.APPROVED and held.quantity == 10
    assert history_of(app, so, "reserved")[0]["short"] == {"1": "2"}

    # 4 ship from the reservation; more stock arrives; 8 more ship: 6 reserved + 2 from available.
    ship(app, net, so, "4")
    assert reservations(app, so)[0].remaining == 6
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(5), unit_cost=Decimal("2.40"),
                                                       lot="L-NEW", expiry_date=date(2026, 12, 1),
                                                       production_date=date(2025, 12, 1)))
    ship(app, net, so, "8")
    assert reservations(app, so)[0].status is ReservationStatus.SHIPPED
    assert (balance(app, sku, net.warehouse, "available"), balance(app, sku, net.warehouse, "reserved")) == (3, 0)
    assert order(app, so.number, net).status is DocumentStatus.DONE
    gl_equals_valuation(app, net.org)


def test_short_closing_a_partly_shipped_order_releases_the_rest(app: App) -> None:
    net, buyer = network(app), customer(app)
    plain = item(app)
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=plain, quantity=Decimal(10), unit_cost=Decimal("1.00")))
    so = approved_order(app, net, buyer, plain, "8")
    ship(app, net, so, "3")
    assert atp(app, plain, net.warehouse) == (Decimal(2), Decimal(5))
    with app.uow() as uow:
        closed = sales.close_sales_order(uow, app.documents, organisation=net.org, number=so.number,
                                         reason="客户只要 3 件", actor=SALES)
        uow.commit()
    assert closed.status is DocumentStatus.DONE
    assert reservations(app, so)[0].status is ReservationStatus.SHIPPED  # partly shipped, the rest released
    assert atp(app, plain, net.warehouse) == (Decimal(7), Decimal(0))
