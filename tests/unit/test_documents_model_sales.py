"""Sales documents: channels, discounts, partial shipments, allocations and return limits."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest

from jxc.documents.model import (
    Allocation,
    Channel,
    Document,
    DocumentCompleted,
    DocumentStatus,
    DocumentType,
    GoodsReturnedByCustomer,
    GoodsShipped,
    SalesOrder,
    SalesOrderLine,
    SalesOrderShipped,
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
    StockState,
    check_sales_return,
    check_shipment,
    document_number,
)
from jxc.kernel.errors import Conflict, IllegalTransition, InvalidInput, JxcError
from jxc.kernel.messages import bilingual

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
D = TypeVar("D", bound=Document[Any])
_seq = itertools.count(1)


def number(doc_type: DocumentType) -> str:
    return document_number(doc_type, 2026, next(_seq))


def renders(error: JxcError) -> None:
    for text in bilingual(error).values():
        assert "{" not in text, text


def approved(doc: D) -> D:
    doc, _ = doc.submit(at=NOW)
    doc, _ = doc.approve(at=NOW)
    return doc


def so_line(line_no: int = 1, qty: str = "10", price: str = "9.99", discount: str = "0") -> SalesOrderLine:
    return SalesOrderLine(
        line_no=line_no,
        sku=f"SKU-{line_no}",
        quantity=Decimal(qty),
        unit="pcs",
        unit_price=Decimal(price),
        vat_rate=Decimal("0.13"),
        discount=Decimal(discount),
    )


def sales_order(
    *lines: SalesOrderLine, channel: Channel = Channel.B2B, customer: UUID | None = None
) -> SalesOrder:
    return SalesOrder(
        id=uuid4(),
        number=number(DocumentType.SALES_ORDER),
        organisation=uuid4(),
        channel=channel,
        site=uuid4(),
        customer=customer or (uuid4() if channel is Channel.B2B else None),
        lines=lines or (so_line(),),
    )


def sh_line(
    so_line_no: int, qty: str, *, line_no: int = 1, allocations: tuple[Allocation, ...] = ()
) -> ShipmentLine:
    return ShipmentLine(
        line_no=line_no,
        so_line=so_line_no,
        sku=f"SKU-{so_line_no}",
        quantity=Decimal(qty),
        unit="pcs",
        allocations=allocations,
    )


def shipment(so: SalesOrder, *lines: ShipmentLine) -> Shipment:
    return Shipment(
        id=uuid4(),
        number=number(DocumentType.SHIPMENT),
        organisation=so.organisation,
        site=so.site,
        sales_order=so.id,
        customer=so.customer,
        shipped_on=date(2026, 3, 2),
        lines=lines,
    )


def sales_return(sh: Shipment, qty: str, *, serial: str | None = None) -> SalesReturn:
    line = SalesReturnLine(
        line_no=1, shipment_line=1, sku=sh.lines[0].sku, quantity=Decimal(qty), unit="pcs", serial=serial
    )
    return SalesReturn(
        id=uuid4(),
        number=number(DocumentType.SALES_RETURN),
        organisation=sh.organisation,
        site=sh.site,
        shipment=sh.id,
        customer=sh.customer,
        lines=(line,),
    )


def test_a_b2b_order_names_its_customer_but_a_till_sale_may_be_anonymous() -> None:
    with pytest.raises(InvalidInput) as info:
        SalesOrder(
            id=uuid4(),
            number=number(DocumentType.SALES_ORDER),
            organisation=uuid4(),
            channel=Channel.B2B,
            site=uuid4(),
        )
    assert (info.value.code, info.value.field) == ("field.required", "customer")
    assert sales_order(channel=Channel.POS).customer is None
    assert {c.value for c in Channel} == {"b2b", "pos", "online", "mini_program"}


def test_a_discount_comes_off_the_net_before_vat() -> None:
    line = so_line(1, "10", "9.99", discount="9.90")  # 99.90 − 9.90 = 90.00; VAT 11.70
    assert (line.amounts.net, line.amounts.vat, line.amounts.gross) == (
        Decimal("90.00"),
        Decimal("11.70"),
        Decimal("101.70"),
    )
    order = sales_order(line, so_line(2, "1", "5"))
    assert order.amounts.gross == Decimal("101.70") + Decimal("5.65")


def test_a_discount_larger_than_the_line_or_finer_than_a_fen_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        so_line(1, "1", "5", discount="6")
    assert info.value.code == "discount.exceeds_net"
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        so_line(1, "1", "5", discount="0.001")
    assert info.value.code == "amount.invalid"


def test_partial_shipments_then_the_rest_complete_the_order() -> None:
    so = approved(sales_order(so_line(1, "10"), so_line(2, "4")))
    so, events = so.record_shipment(shipment(so, sh_line(1, "6")), at=NOW)
    assert so.status is DocumentStatus.PARTIALLY_DONE
    assert isinstance(events[0], SalesOrderShipped) and len(events) == 1
    assert [line.outstanding for line in so.lines] == [Decimal(4), Decimal(4)]
    with pytest.raises(IllegalTransition):
        so.cancel(at=NOW, reason="客户取消")
    so, events = so.record_shipment(shipment(so, sh_line(1, "4"), sh_line(2, "4", line_no=2)), at=NOW)
    assert so.status is DocumentStatus.DONE and isinstance(events[-1], DocumentCompleted)


def test_shipping_more_than_is_left_to_ship_is_refused() -> None:
    so = approved(sales_order(so_line(1, "10")))
    so, _ = so.record_shipment(shipment(so, sh_line(1, "7")), at=NOW)
    with pytest.raises(InvalidInput) as info:
        check_shipment(so, [sh_line(1, "4")])
    assert (info.value.code, info.value.field) == ("shipment.exceeds_ordered", "lines[0].quantity")
    assert info.value.params == {"ordered": "10", "already": "7", "requested": "4"}
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        check_shipment(so, [sh_line(3, "1")])
    assert info.value.code == "shipment.unknown_line"


def test_lot_and_serial_allocations_add_up_to_the_shipped_quantity() -> None:
    lots = (Allocation(quantity=Decimal(3), lot="L1"), Allocation(quantity=Decimal(2), lot="L2"))
    assert sh_line(1, "5", allocations=lots).quantity == Decimal(5)
    with pytest.raises(InvalidInput) as info:
        sh_line(1, "6", allocations=lots)
    assert info.value.code == "shipment.allocation_mismatch"
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        Allocation(quantity=Decimal(2), serial="SN-1")
    assert info.value.code == "quantity.not_whole"
    twice = (Allocation(quantity=Decimal(1), serial="SN-1"), Allocation(quantity=Decimal(1), serial="SN-1"))
    with pytest.raises(InvalidInput) as info:
        sh_line(1, "2", allocations=twice)
    assert info.value.code == "shipment.duplicate_serial"


def test_a_posted_shipment_announces_its_lines() -> None:
    so = approved(sales_order(so_line(1, "10")))
    sh, events = approved(shipment(so, sh_line(1, "10"))).post(at=NOW)
    assert sh.status is DocumentStatus.DONE
    assert isinstance(events[0], GoodsShipped) and events[0].lines == sh.lines


def test_a_sales_return_lands_in_returned_pending() -> None:
    so = approved(sales_order(so_line(1, "10")))
    sh, _ = approved(shipment(so, sh_line(1, "10"))).post(at=NOW)
    back, events = approved(sales_return(sh, "2")).post(at=NOW)
    assert back.status is DocumentStatus.DONE
    event = events[0]
    assert isinstance(event, GoodsReturnedByCustomer) and event.target_state is StockState.RETURNED_PENDING


def test_a_sales_return_cannot_exceed_shipped_minus_already_returned() -> None:
    so = approved(sales_order(so_line(1, "10")))
    sh, _ = approved(shipment(so, sh_line(1, "6"))).post(at=NOW)
    so, _ = so.record_shipment(sh, at=NOW)
    first = sales_return(sh, "4")
    so, _ = so.record_return(first, sh, at=NOW)
    sh = sh.record_return(first)
    assert (sh.lines[0].returned, so.lines[0].returned) == (Decimal(4), Decimal(4))
    with pytest.raises(InvalidInput) as info:
        check_sales_return(sh, sales_return(sh, "3").lines)
    assert (info.value.code, info.value.field) == ("return.exceeds_shipped", "lines[0].quantity")
    assert info.value.params == {"shipped": "6", "returned": "4", "requested": "3"}
    renders(info.value)
    with pytest.raises(Conflict) as conflict:
        so.record_return(first, sh, at=NOW)
    assert conflict.value.code == "document.already_applied"


def test_a_returned_serial_must_have_been_shipped_on_that_line() -> None:
    so = approved(sales_order(so_line(1, "2")))
    serials = (Allocation(quantity=Decimal(1), serial="SN-1"), Allocation(quantity=Decimal(1), serial="SN-2"))
    sh, _ = approved(shipment(so, sh_line(1, "2", allocations=serials))).post(at=NOW)
    check_sales_return(sh, sales_return(sh, "1", serial="SN-2").lines)
    with pytest.raises(InvalidInput) as info:
        check_sales_return(sh, sales_return(sh, "1", serial="SN-9").lines)
    assert info.value.code == "return.serial_not_shipped"
    renders(info.value)
