"""Transfer orders: intercompany, in transit, shortages with a responsible party, the same-lot rule."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from jxc.documents.model import (
    DocumentClosed,
    DocumentCompleted,
    DocumentStatus,
    DocumentType,
    Responsible,
    Step,
    TransferLine,
    TransferOrder,
    TransferQuantity,
    TransferReceiptClosed,
    TransferReceived,
    TransferShipped,
    TransferShortage,
    document_number,
    next_steps,
)
from jxc.kernel.errors import Conflict, InvalidInput, JxcError
from jxc.kernel.messages import bilingual

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
_seq = itertools.count(1)


def renders(error: JxcError) -> None:
    for text in bilingual(error).values():
        assert "{" not in text, text


def t_line(line_no: int = 1, qty: str = "10", lot: str | None = None) -> TransferLine:
    return TransferLine(line_no=line_no, sku=f"SKU-{line_no}", quantity=Decimal(qty), unit="pcs", lot=lot)


def transfer(
    *lines: TransferLine, same_lot: bool = False, from_org: UUID | None = None, to_org: UUID | None = None
) -> TransferOrder:
    org = uuid4()
    order = TransferOrder(
        id=uuid4(),
        number=document_number(DocumentType.TRANSFER_ORDER, 2026, next(_seq)),
        from_org=from_org or org,
        from_site=uuid4(),
        to_org=to_org or org,
        to_site=uuid4(),
        same_lot=same_lot,
        lines=lines or (t_line(),),
    )
    order, _ = order.submit(at=NOW)
    order, _ = order.approve(at=NOW)
    return order


def q(line_no: int, qty: str, lot: str | None = None) -> TransferQuantity:
    return TransferQuantity(line_no=line_no, quantity=Decimal(qty), lot=lot)


def test_a_transfer_between_organisations_is_intercompany() -> None:
    a, b = uuid4(), uuid4()
    assert transfer(from_org=a, to_org=b).is_intercompany
    assert not transfer(from_org=a, to_org=a).is_intercompany


def test_a_transfer_to_its_own_site_is_refused() -> None:
    site = uuid4()
    with pytest.raises(InvalidInput) as info:
        TransferOrder(
            id=uuid4(),
            number=document_number(DocumentType.TRANSFER_ORDER, 2026, next(_seq)),
            from_org=uuid4(),
            from_site=site,
            to_org=uuid4(),
            to_site=site,
        )
    assert info.value.code == "transfer.same_site"
    renders(info.value)


def test_shipping_puts_stock_in_transit_and_receiving_takes_it_out() -> None:
    a, b = uuid4(), uuid4()
    order = transfer(t_line(1, "10"), from_org=a, to_org=b)
    order, events = order.ship([q(1, "10")], at=NOW)
    assert order.status is DocumentStatus.PARTIALLY_DONE and order.lines[0].in_transit == Decimal(10)
    shipped = events[0]
    assert isinstance(shipped, TransferShipped) and shipped.intercompany and shipped.to_org == b
    order, events = order.receive([q(1, "4")], at=NOW)
    assert isinstance(events[0], TransferReceived) and order.lines[0].in_transit == Decimal(6)
    order, events = order.receive([q(1, "6")], at=NOW)
    assert order.status is DocumentStatus.DONE and isinstance(events[-1], DocumentCompleted)


def test_no_more_is_shipped_than_ordered_nor_received_than_in_transit() -> None:
    order = transfer(t_line(1, "10"))
    with pytest.raises(Conflict) as conflict:
        order.receive([q(1, "1")], at=NOW)
    assert conflict.value.code == "document.wrong_status"
    with pytest.raises(InvalidInput) as info:
        order.ship([q(1, "11")], at=NOW)
    assert (info.value.code, info.value.field) == ("transfer.exceeds_ordered", "lines[0].quantity")
    renders(info.value)
    order, _ = order.ship([q(1, "5")], at=NOW)
    with pytest.raises(InvalidInput) as info:
        order.receive([q(1, "6")], at=NOW)
    assert info.value.code == "transfer.exceeds_shipped"
    assert info.value.params == {"shipped": "5", "already": "0", "requested": "6"}
    renders(info.value)


def test_closing_the_receipt_with_a_shortage_requires_who_is_responsible() -> None:
    order = transfer(t_line(1, "10"), t_line(2, "5"))
    order, _ = order.ship([q(1, "10"), q(2, "5")], at=NOW)
    order, _ = order.receive([q(1, "8"), q(2, "5")], at=NOW)
    with pytest.raises(InvalidInput) as info:
        order.close_receipt(at=NOW, reason="到货短少")
    assert (info.value.code, info.value.field) == ("transfer.responsible_required", "lines[0].responsible")
    assert info.value.params == {"shortage": "2", "line": 1}
    assert "承运方" in bilingual(info.value)["zh-CN"]
    renders(info.value)
    with pytest.raises(InvalidInput):
        order.close(at=NOW, reason="到货短少")  # a plain close is a receipt close too
    closed, events = order.close_receipt(at=NOW, reason="到货短少", responsible={1: Responsible.CARRIER})
    assert closed.status is DocumentStatus.DONE and closed.closed_reason == "到货短少"
    assert (closed.lines[0].shortage, closed.lines[0].responsible, closed.lines[0].in_transit) == (
        Decimal(2),
        Responsible.CARRIER,
        Decimal(0),
    )
    assert [type(e) for e in events] == [TransferReceiptClosed, DocumentClosed, DocumentCompleted]
    first = events[0]
    assert isinstance(first, TransferReceiptClosed)
    assert first.shortages == (
        TransferShortage(
            line_no=1, sku="SKU-1", quantity=Decimal(2), lot=None, responsible=Responsible.CARRIER
        ),
    )


def test_closing_without_a_shortage_short_closes_the_unshipped_rest_without_blame() -> None:
    order = transfer(t_line(1, "10"))
    order, _ = order.ship([q(1, "6")], at=NOW)
    order, _ = order.receive([q(1, "6")], at=NOW)
    assert order.status is DocumentStatus.PARTIALLY_DONE
    closed, events = order.close_receipt(at=NOW, reason="调出方库存不足")
    assert closed.status is DocumentStatus.DONE
    first = events[0]
    assert isinstance(first, TransferReceiptClosed) and first.shortages == ()


def test_a_same_lot_transfer_ships_exactly_one_lot_per_line() -> None:
    order = transfer(t_line(1, "10"), t_line(2, "4", lot="LOT-B"), same_lot=True)
    with pytest.raises(InvalidInput) as info:
        order.ship([q(1, "5")], at=NOW)
    assert (info.value.code, info.value.field) == ("transfer.lot_required", "lines[0].lot")
    renders(info.value)
    order, _ = order.ship([q(1, "5", "LOT-A")], at=NOW)
    assert order.lines[0].shipped_lot == "LOT-A"
    with pytest.raises(InvalidInput) as info:
        order.ship([q(1, "5", "LOT-Z")], at=NOW)
    assert info.value.code == "transfer.lot_mismatch"
    assert info.value.params == {"value": "LOT-Z", "expected": "LOT-A"}
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        order.ship([q(2, "4", "LOT-A")], at=NOW)  # the line asked for LOT-B
    assert info.value.params["expected"] == "LOT-B"


def test_a_same_lot_receipt_must_be_of_the_shipped_lot() -> None:
    order = transfer(t_line(1, "10"), same_lot=True)
    order, _ = order.ship([q(1, "10", "LOT-A")], at=NOW)
    with pytest.raises(InvalidInput) as info:
        order.receive([q(1, "10", "LOT-B")], at=NOW)
    assert info.value.code == "transfer.lot_mismatch"
    with pytest.raises(InvalidInput) as info:
        order.receive([q(1, "10")], at=NOW)
    assert info.value.code == "transfer.lot_required"
    order, _ = order.receive([q(1, "10", "LOT-A")], at=NOW)
    assert order.status is DocumentStatus.DONE


def test_other_transfers_may_ship_any_lots() -> None:
    order = transfer(t_line(1, "10"))
    order, _ = order.ship([q(1, "4", "LOT-A"), q(1, "6", "LOT-B")], at=NOW)
    assert order.lines[0].shipped == Decimal(10)


def test_the_next_steps_of_a_transfer_follow_what_is_left_to_ship_and_in_transit() -> None:
    order = transfer(t_line(1, "10"))
    assert next_steps(order) == (Step.SHIP,)
    order, _ = order.ship([q(1, "4")], at=NOW)
    assert next_steps(order) == (Step.SHIP, Step.RECEIVE, Step.CLOSE)
    order, _ = order.ship([q(1, "6")], at=NOW)
    order, _ = order.receive([q(1, "10")], at=NOW)
    assert order.status is DocumentStatus.DONE and next_steps(order) == ()
