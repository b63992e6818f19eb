"""Purchasing documents: order amounts, schedules, receipts and tolerance, QC, returns, ASN promises."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.documents.model import (
    AdvanceShippingNotice,
    AsnLine,
    Delivery,
    DeliverySlot,
    Document,
    DocumentCompleted,
    DocumentStatus,
    DocumentType,
    FailedDisposition,
    GoodsReceipt,
    GoodsReceiptLine,
    GoodsReceived,
    PromiseOutcome,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceived,
    PurchaseReturn,
    PurchaseReturnLine,
    QcInspected,
    QcInspection,
    QcLine,
    ReceiptTarget,
    ShippingNoticeRevised,
    StockState,
    check_inspection,
    check_purchase_return,
    check_receipt,
    document_number,
    promise_outcomes,
)
from jxc.kernel.errors import Conflict, InvalidInput, JxcError
from jxc.kernel.messages import bilingual

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
D = TypeVar("D", bound=Document[Any])
_seq = itertools.count(1)


def number(doc_type: DocumentType) -> str:
    return document_number(doc_type, 2026, next(_seq))


def renders(error: JxcError) -> None:
    for text in bilingual(error).values():
        assert "{" not in text, text


def po_line(
    line_no: int = 1,
    qty: str = "100",
    price: str = "10",
    *,
    sku: str | None = None,
    vat: str = "0.13",
    schedule: tuple[DeliverySlot, ...] = (),
) -> PurchaseOrderLine:
    return PurchaseOrderLine(
        line_no=line_no,
        sku=sku or f"SKU-{line_no}",
        quantity=Decimal(qty),
        unit="pcs",
        unit_price=Decimal(price),
        vat_rate=Decimal(vat),
        expected_date=date(2026, 3, 20),
        schedule=schedule,
    )


def purchase_order(*lines: PurchaseOrderLine) -> PurchaseOrder:
    return PurchaseOrder(
        id=uuid4(),
        number=number(DocumentType.PURCHASE_ORDER),
        organisation=uuid4(),
        supplier=uuid4(),
        site=uuid4(),
        lines=lines or (po_line(),),
    )


def approved(doc: D) -> D:
    doc, _ = doc.submit(at=NOW)
    doc, _ = doc.approve(at=NOW)
    return doc


def gr_line(
    po_line_no: int, qty: str, *, line_no: int = 1, lot: str | None = None, qc: bool = False
) -> GoodsReceiptLine:
    return GoodsReceiptLine(
        line_no=line_no,
        po_line=po_line_no,
        sku=f"SKU-{po_line_no}",
        quantity=Decimal(qty),
        unit="pcs",
        lot=lot,
        target=ReceiptTarget.for_item(needs_qc=qc),
    )


def receipt(po: PurchaseOrder, *lines: GoodsReceiptLine, on: date = date(2026, 3, 2)) -> GoodsReceipt:
    return GoodsReceipt(
        id=uuid4(),
        number=number(DocumentType.GOODS_RECEIPT),
        organisation=po.organisation,
        supplier=po.supplier,
        site=po.site,
        purchase_order=po.id,
        received_on=on,
        lines=lines,
    )


def posted(gr: GoodsReceipt) -> GoodsReceipt:
    gr, _ = approved(gr).post(at=NOW)
    return gr


# ---------------------------------------------------------------- amounts and schedule


def test_order_amounts_with_13_percent_vat_match_a_hand_calculation() -> None:
    po = purchase_order(po_line(1, "3", "33.333333"), po_line(2, "7", "2.15"))
    # line 1: 3 × 33.333333 = 99.999999 → 100.00; VAT 13.00; gross 113.00
    assert (po.lines[0].amounts.net, po.lines[0].amounts.vat, po.lines[0].amounts.gross) == (
        Decimal("100.00"),
        Decimal("13.00"),
        Decimal("113.00"),
    )
    # line 2: 7 × 2.15 = 15.05; VAT 1.9565 → 1.96; gross 17.01
    assert po.lines[1].amounts.vat == Decimal("1.96")
    assert (po.amounts.net, po.amounts.vat, po.amounts.gross) == (
        Decimal("115.05"),
        Decimal("14.96"),
        Decimal("130.01"),
    )


def test_amounts_round_half_up_to_the_fen_not_half_even() -> None:
    line = po_line(1, "1", "0.125", vat="0.06")
    assert line.amounts.net == Decimal("0.13")
    assert line.amounts.vat == Decimal("0.01")  # 0.13 × 0.06 = 0.0078


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("vat_rate", {"vat": "13"}),
        ("unit_price", {"price": "-1"}),
        ("unit_price", {"price": "0.0000001"}),
    ],
)
def test_vat_is_a_fraction_and_prices_are_non_negative_with_six_decimals(
    field: str, kwargs: dict[str, str]
) -> None:
    with pytest.raises(InvalidInput) as info:
        po_line(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    renders(info.value)


def test_a_delivery_schedule_must_add_up_to_the_line_quantity() -> None:
    slots = (
        DeliverySlot(date=date(2026, 3, 10), quantity=Decimal(60)),
        DeliverySlot(date=date(2026, 3, 20), quantity=Decimal(30)),
    )
    with pytest.raises(InvalidInput) as info:
        po_line(1, "100", schedule=slots)
    assert info.value.code == "po.schedule_mismatch"
    assert info.value.params == {"total": "90", "quantity": "100"}
    renders(info.value)
    line = po_line(1, "90", schedule=slots)
    assert line.deliveries == slots


def test_without_a_schedule_everything_is_due_on_the_expected_date() -> None:
    assert po_line(1, "40").deliveries == (DeliverySlot(date=date(2026, 3, 20), quantity=Decimal(40)),)


# ---------------------------------------------------------------- receipts


def test_a_receipt_within_the_tolerance_is_accepted() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    check_receipt(po, [gr_line(1, "105")], Decimal(5))
    po, _ = po.record_receipt(receipt(po, gr_line(1, "105")), at=NOW, tolerance_pct=Decimal(5))
    assert po.lines[0].received == Decimal(105) and po.status is DocumentStatus.DONE


def test_a_receipt_over_the_tolerance_is_refused_with_what_was_ordered_and_received() -> None:
    po = approved(purchase_order(po_line(1, "100"), po_line(2, "100")))
    po, _ = po.record_receipt(receipt(po, gr_line(1, "80")), at=NOW)
    with pytest.raises(InvalidInput) as info:
        check_receipt(po, [gr_line(2, "10"), gr_line(1, "26", line_no=2)], Decimal(5))
    error = info.value
    assert (error.code, error.field) == ("receipt.over_tolerance", "lines[1].quantity")
    assert error.params == {"ordered": "100", "already": "80", "requested": "26", "tolerance": "5"}
    assert "超收" in bilingual(error)["zh-CN"]
    renders(error)


def test_the_default_tolerance_is_zero() -> None:
    po = approved(purchase_order(po_line(1, "10")))
    with pytest.raises(InvalidInput) as info:
        po.record_receipt(receipt(po, gr_line(1, "10.5")), at=NOW)
    assert info.value.code == "receipt.over_tolerance"


def test_several_lots_of_one_order_line_add_up_against_the_tolerance() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    lines = [gr_line(1, "60", lot="L1"), gr_line(1, "50", lot="L2", line_no=2)]
    with pytest.raises(InvalidInput) as info:
        check_receipt(po, lines, Decimal(5))
    assert info.value.field == "lines[1].quantity"


def test_a_receipt_for_an_unknown_order_line_or_another_item_is_refused() -> None:
    po = approved(purchase_order(po_line(1)))
    with pytest.raises(InvalidInput) as info:
        check_receipt(po, [gr_line(9, "1")])
    assert (info.value.code, info.value.field) == ("receipt.unknown_line", "lines[0].po_line")
    renders(info.value)
    wrong = GoodsReceiptLine(line_no=1, po_line=1, sku="302007", quantity=Decimal(1), unit="pcs")
    with pytest.raises(InvalidInput) as info:
        check_receipt(po, [wrong])
    assert (info.value.code, info.value.params["expected"]) == ("document.sku_mismatch", "SKU-1")


def test_a_partial_receipt_then_the_rest_make_the_order_partially_done_then_done() -> None:
    po = approved(purchase_order(po_line(1, "100"), po_line(2, "20")))
    first = receipt(po, gr_line(1, "60"))
    po, events = po.record_receipt(first, at=NOW)
    assert po.status is DocumentStatus.PARTIALLY_DONE
    assert isinstance(events[0], PurchaseOrderReceived) and events[0].quantities == ((1, Decimal(60)),)
    assert [line.outstanding for line in po.lines] == [Decimal(40), Decimal(20)]
    po, events = po.record_receipt(receipt(po, gr_line(1, "40"), gr_line(2, "20", line_no=2)), at=NOW)
    assert po.status is DocumentStatus.DONE
    assert isinstance(events[-1], DocumentCompleted)


def test_the_same_receipt_is_never_counted_twice() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    gr = receipt(po, gr_line(1, "10"))
    po, _ = po.record_receipt(gr, at=NOW)
    with pytest.raises(Conflict) as info:
        po.record_receipt(gr, at=NOW)
    assert info.value.code == "document.already_applied"
    renders(info.value)


def test_receiving_needs_an_approved_order() -> None:
    po = purchase_order(po_line(1))
    with pytest.raises(Conflict) as info:
        po.record_receipt(receipt(po, gr_line(1, "1")), at=NOW)
    assert info.value.code == "document.wrong_status"
    renders(info.value)


def test_a_posted_receipt_announces_its_lines_and_their_target_states() -> None:
    po = approved(purchase_order(po_line(1), po_line(2)))
    gr, events = approved(receipt(po, gr_line(1, "5", qc=True), gr_line(2, "5", line_no=2))).post(at=NOW)
    assert gr.status is DocumentStatus.DONE
    received = events[0]
    assert isinstance(received, GoodsReceived) and received.purchase_order == po.id
    assert [line.target for line in received.lines] == [ReceiptTarget.PENDING_QC, ReceiptTarget.AVAILABLE]
    assert gr.deliveries() == (
        Delivery(1, date(2026, 3, 2), Decimal(5)),
        Delivery(2, date(2026, 3, 2), Decimal(5)),
    )


def test_a_lot_cannot_expire_before_it_was_produced() -> None:
    with pytest.raises(InvalidInput) as info:
        GoodsReceiptLine(
            line_no=1,
            po_line=1,
            sku="SKU-1",
            quantity=Decimal(1),
            unit="pcs",
            lot="L1",
            production_date=date(2026, 3, 1),
            expiry_date=date(2026, 2, 1),
        )
    assert (info.value.code, info.value.field) == ("lot.dates", "expiry_date")


# ---------------------------------------------------------------- QC


def qc_line(receipt_line: int, inspected: str, passed: str, failed: str, **kw: object) -> QcLine:
    return QcLine(
        line_no=1,
        receipt_line=receipt_line,
        sku=f"SKU-{receipt_line}",
        inspected=Decimal(inspected),
        passed=Decimal(passed),
        failed=Decimal(failed),
        **kw,  # type: ignore[arg-type]
    )


def test_qc_splits_the_inspected_quantity_into_passed_and_failed_with_a_disposition() -> None:
    line = qc_line(1, "50", "47", "3", disposition=FailedDisposition.RETURN_TO_SUPPLIER)
    assert line.disposition is not None and line.disposition.target_state is StockState.QC_HOLD
    assert FailedDisposition.DAMAGED.target_state is StockState.DAMAGED
    with pytest.raises(InvalidInput) as info:
        qc_line(1, "50", "47", "2", disposition=FailedDisposition.DAMAGED)
    assert info.value.code == "qc.quantities_mismatch"
    assert info.value.params == {"inspected": "50", "passed": "47", "failed": "2"}
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        qc_line(1, "50", "47", "3")
    assert (info.value.code, info.value.field) == ("qc.disposition_required", "disposition")


def test_qc_inspects_only_pending_stock_and_no_more_than_awaits_inspection() -> None:
    po = approved(purchase_order(po_line(1), po_line(2)))
    gr = posted(receipt(po, gr_line(1, "50", qc=True), gr_line(2, "5", line_no=2)))
    with pytest.raises(InvalidInput) as info:
        check_inspection(gr, [qc_line(2, "5", "5", "0")])
    assert info.value.code == "qc.not_pending"
    first = QcInspection(
        id=uuid4(),
        number=number(DocumentType.QC_INSPECTION),
        organisation=po.organisation,
        site=po.site,
        goods_receipt=gr.id,
        lines=(qc_line(1, "30", "30", "0"),),
    )
    first, events = approved(first).post(at=NOW)
    assert isinstance(events[0], QcInspected)
    gr = gr.record_inspection(first)
    assert gr.lines[0].awaiting_qc == Decimal(20)
    with pytest.raises(InvalidInput) as info:
        check_inspection(gr, [qc_line(1, "21", "21", "0")])
    assert info.value.code == "qc.exceeds_pending"
    assert info.value.params == {"pending": "20", "requested": "21"}
    renders(info.value)


# ---------------------------------------------------------------- purchase returns


def purchase_return(gr: GoodsReceipt, qty: str, *, receipt_line: int = 1) -> PurchaseReturn:
    line = PurchaseReturnLine(
        line_no=1,
        receipt_line=receipt_line,
        sku=gr.line(receipt_line).sku,
        quantity=Decimal(qty),
        unit="pcs",
        from_state=StockState.QC_HOLD,
    )
    return PurchaseReturn(
        id=uuid4(),
        number=number(DocumentType.PURCHASE_RETURN),
        organisation=gr.organisation,
        supplier=gr.supplier,
        site=gr.site,
        goods_receipt=gr.id,
        lines=(line,),
    )


def test_a_purchase_return_cannot_exceed_received_minus_already_returned() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    gr = posted(receipt(po, gr_line(1, "50")))
    po, _ = po.record_receipt(gr, at=NOW)
    first = purchase_return(gr, "30")
    check_purchase_return(gr, first.lines)
    po, _ = po.record_return(first, gr, at=NOW)
    gr = gr.record_return(first)
    assert (gr.lines[0].returned, po.lines[0].returned, po.lines[0].received) == (
        Decimal(30),
        Decimal(30),
        Decimal(50),
    )
    with pytest.raises(InvalidInput) as info:
        check_purchase_return(gr, purchase_return(gr, "25").lines)
    assert (info.value.code, info.value.field) == ("return.exceeds_received", "lines[0].quantity")
    assert info.value.params == {"received": "50", "returned": "30", "requested": "25"}
    renders(info.value)
    with pytest.raises(Conflict):
        gr.record_return(first)  # counted once


def test_a_return_does_not_reopen_a_done_order() -> None:
    po = approved(purchase_order(po_line(1, "10")))
    gr = posted(receipt(po, gr_line(1, "10")))
    po, _ = po.record_receipt(gr, at=NOW)
    back = purchase_return(gr, "4")
    po, events = po.record_return(back, gr, at=NOW)
    assert po.status is DocumentStatus.DONE and po.lines[0].returned == Decimal(4)
    assert len(events) == 1


def test_a_return_refers_to_a_line_of_its_receipt() -> None:
    po = approved(purchase_order(po_line(1, "10")))
    gr = posted(receipt(po, gr_line(1, "10")))
    line = PurchaseReturnLine(line_no=1, receipt_line=7, sku="SKU-1", quantity=Decimal(1), unit="pcs")
    with pytest.raises(InvalidInput) as info:
        check_purchase_return(gr, [line])
    assert (info.value.code, info.value.field) == ("return.unknown_line", "lines[0].receipt_line")


# ---------------------------------------------------------------- ASN and promises


def asn_line(line_no: int, po_line_no: int, qty: str, promised: date) -> AsnLine:
    return AsnLine(line_no=line_no, po_line=po_line_no, quantity=Decimal(qty), promised_date=promised)


def asn(po: PurchaseOrder, *lines: AsnLine) -> AdvanceShippingNotice:
    return AdvanceShippingNotice(
        id=uuid4(),
        number=number(DocumentType.ADVANCE_SHIPPING_NOTICE),
        organisation=po.organisation,
        supplier=po.supplier,
        purchase_order=po.id,
        lines=lines,
    )


def test_revising_an_asn_keeps_the_history_of_earlier_promises() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    first = (asn_line(1, 1, "100", date(2026, 3, 10)),)
    notice, _ = asn(po, *first).submit(at=NOW)
    later = (asn_line(1, 1, "60", date(2026, 3, 13)), asn_line(2, 1, "40", date(2026, 3, 20)))
    notice, events = notice.revise(lines=later, at=NOW, po=po, reason="港口天气延误")
    assert notice.revision == 1 and notice.lines == later
    assert notice.history[0].lines == first and notice.history[0].reason == "港口天气延误"
    assert isinstance(events[0], ShippingNoticeRevised) and events[0].previous == first
    again = (asn_line(1, 1, "100", date(2026, 3, 25)),)
    notice, _ = notice.revise(lines=again, at=NOW, po=po)
    assert [h.revision for h in notice.history] == [0, 1]
    assert notice.promises(0) == first and notice.promises(1) == later and notice.promises() == again


def test_an_asn_refers_to_lines_of_its_order_and_a_draft_is_edited_not_revised() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    notice, _ = asn(po, asn_line(1, 1, "100", date(2026, 3, 10))).submit(at=NOW)
    with pytest.raises(InvalidInput) as info:
        notice.revise(lines=[asn_line(1, 5, "1", date(2026, 3, 10))], at=NOW, po=po)
    assert (info.value.code, info.value.field) == ("asn.unknown_line", "lines[0].po_line")
    renders(info.value)
    with pytest.raises(Conflict) as conflict:
        asn(po, asn_line(1, 1, "1", date(2026, 3, 10))).revise(lines=[], at=NOW, po=po)
    assert conflict.value.code == "document.wrong_status"


def test_receipts_against_a_notice_make_it_partially_done_then_done() -> None:
    po = approved(purchase_order(po_line(1, "100"), po_line(2, "20")))
    notice = approved(
        asn(po, asn_line(1, 1, "60", date(2026, 3, 10)), asn_line(2, 2, "20", date(2026, 3, 10)))
    )
    first = replace(receipt(po, gr_line(1, "60")), asn=notice.id)
    notice, _ = notice.record_receipt(first, at=NOW)
    assert notice.status is DocumentStatus.PARTIALLY_DONE and notice.received == ((1, Decimal(60)),)
    with pytest.raises(Conflict):
        notice.record_receipt(first, at=NOW)
    with pytest.raises(InvalidInput) as info:
        notice.record_receipt(receipt(po, gr_line(2, "20")), at=NOW)  # not made against this notice
    assert (info.value.code, info.value.field) == ("field.invalid", "asn")
    notice, events = notice.record_receipt(replace(receipt(po, gr_line(2, "20")), asn=notice.id), at=NOW)
    assert notice.status is DocumentStatus.DONE and isinstance(events[-1], DocumentCompleted)


def test_promise_outcomes_measure_days_late_per_promise() -> None:
    promises = [
        asn_line(1, 1, "60", date(2026, 3, 10)),
        asn_line(2, 1, "40", date(2026, 3, 20)),
        asn_line(3, 2, "50", date(2026, 3, 12)),
    ]
    deliveries = [
        Delivery(1, date(2026, 3, 13), Decimal(50)),
        Delivery(1, date(2026, 3, 9), Decimal(30)),
        Delivery(1, date(2026, 3, 25), Decimal(20)),
    ]
    outcomes = promise_outcomes(promises, deliveries, as_of=date(2026, 3, 15))
    assert outcomes == [
        PromiseOutcome(
            po_line=1,
            promised_date=date(2026, 3, 10),
            actual_date=date(2026, 3, 13),
            promised_qty=Decimal(60),
            received_qty=Decimal(60),
            days_late=3,
        ),
        PromiseOutcome(
            po_line=1,
            promised_date=date(2026, 3, 20),
            actual_date=date(2026, 3, 25),
            promised_qty=Decimal(40),
            received_qty=Decimal(40),
            days_late=5,
        ),
        PromiseOutcome(
            po_line=2,
            promised_date=date(2026, 3, 12),
            actual_date=None,
            promised_qty=Decimal(50),
            received_qty=Decimal(0),
            days_late=3,
        ),
    ]
    assert [o.complete for o in outcomes] == [True, True, False]


def test_early_delivery_is_negative_lateness_and_over_delivery_counts_on_the_last_promise() -> None:
    promises = [asn_line(1, 1, "10", date(2026, 3, 10))]
    outcome = promise_outcomes(promises, [Delivery(1, date(2026, 3, 8), Decimal(12))])[0]
    assert (outcome.days_late, outcome.received_qty, outcome.actual_date) == (
        -2,
        Decimal(12),
        date(2026, 3, 8),
    )
    open_promise = promise_outcomes(promises, [Delivery(1, date(2026, 3, 8), Decimal(4))])[0]
    assert (open_promise.days_late, open_promise.received_qty, open_promise.complete) == (
        None,
        Decimal(4),
        False,
    )


def test_reliability_can_be_measured_against_the_first_promise() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    notice, _ = asn(po, asn_line(1, 1, "100", date(2026, 3, 10))).submit(at=NOW)
    notice, _ = notice.revise(lines=[asn_line(1, 1, "100", date(2026, 3, 14))], at=NOW, po=po)
    arrived = [Delivery(1, date(2026, 3, 15), Decimal(100))]
    assert promise_outcomes(notice.promises(0), arrived)[0].days_late == 5
    assert promise_outcomes(notice.promises(), arrived)[0].days_late == 1


def test_a_revision_never_promises_less_than_arrived_and_promising_just_that_completes_the_notice() -> None:
    po = approved(purchase_order(po_line(1, "100")))
    notice = approved(asn(po, asn_line(1, 1, "100", date(2026, 3, 10))))
    notice, _ = notice.record_receipt(replace(receipt(po, gr_line(1, "60")), asn=notice.id), at=NOW)
    with pytest.raises(InvalidInput) as info:
        notice.revise(lines=[asn_line(1, 1, "50", date(2026, 3, 12))], at=NOW, po=po)
    assert (info.value.code, info.value.params["received"], info.value.params["promised"]) == (
        "asn.below_received", "60", "50")
    renders(info.value)
    notice, events = notice.revise(lines=[asn_line(1, 1, "60", date(2026, 3, 10))], at=NOW, po=po, reason="缺货")
    assert notice.status is DocumentStatus.DONE
    assert isinstance(events[0], ShippingNoticeRevised) and isinstance(events[-1], DocumentCompleted)


# ---------------------------------------------------------------- property


@settings(max_examples=150, deadline=None)
@given(
    ordered=st.lists(st.integers(1, 40), min_size=1, max_size=3),
    tolerance=st.sampled_from([Decimal(0), Decimal(5), Decimal("12.5")]),
    receipts=st.lists(
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(1, 250).map(lambda n: Decimal(n) / 10)),
            min_size=1,
            max_size=3,
        ),
        max_size=8,
    ),
    close_at=st.none() | st.integers(0, 7),
)
def test_random_receipts_never_exceed_the_tolerance_and_done_means_fully_received_or_closed(
    ordered: list[int], tolerance: Decimal, receipts: list[list[tuple[int, Decimal]]], close_at: int | None
) -> None:
    po = approved(purchase_order(*(po_line(i + 1, str(qty)) for i, qty in enumerate(ordered))))
    for step, spec in enumerate(receipts):
        if step == close_at and po.status is DocumentStatus.PARTIALLY_DONE:
            po, _ = po.close(at=NOW, reason="short-closed")
        lines = [
            gr_line(index % len(ordered) + 1, str(qty), line_no=n) for n, (index, qty) in enumerate(spec, 1)
        ]
        try:
            po, _ = po.record_receipt(receipt(po, *lines), at=NOW, tolerance_pct=tolerance)
        except InvalidInput as error:
            assert error.code == "receipt.over_tolerance"
        except Conflict as error:
            assert error.code == "document.wrong_status" and po.status is DocumentStatus.DONE
        for line in po.lines:
            assert line.received <= line.quantity * (1 + tolerance / 100)
        fully_received = all(line.received >= line.quantity for line in po.lines)
        assert (po.status is DocumentStatus.DONE) == (fully_received or po.closed_reason is not None)
        assert (po.status is DocumentStatus.APPROVED) == all(line.received == 0 for line in po.lines)
