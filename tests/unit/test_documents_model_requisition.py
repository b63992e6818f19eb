"""Purchase requisitions (请购单): lines, approval lifecycle, conversion into purchase orders."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.documents.model import (
    DocumentCompleted,
    DocumentStatus,
    DocumentType,
    PurchaseRequisition,
    RequisitionConverted,
    RequisitionLine,
    document_number,
)
from jxc.kernel.errors import Conflict, IllegalTransition, InvalidInput, JxcError
from jxc.kernel.messages import MESSAGES, bilingual

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
NEEDED = date(2026, 3, 20)
_seq = itertools.count(1)


def renders(error: JxcError) -> None:
    assert error.code in MESSAGES, error.code
    for text in bilingual(error).values():
        assert "{" not in text, text


def line(line_no: int = 1, qty: str = "10", *, sku: str | None = None, reason: str | None = None) -> RequisitionLine:
    return RequisitionLine(line_no=line_no, sku=sku or f"SKU-{line_no}", quantity=Decimal(qty), unit="pcs",
                           needed_by=NEEDED, reason=reason)


def requisition(*lines: RequisitionLine) -> PurchaseRequisition:
    return PurchaseRequisition(
        id=uuid4(), number=document_number(DocumentType.PURCHASE_REQUISITION, 2026, next(_seq)),
        organisation=uuid4(), site=uuid4(), lines=lines or (line(),),
    )


def approved(*lines: RequisitionLine) -> PurchaseRequisition:
    document, _ = requisition(*lines).submit(at=NOW)
    document, _ = document.approve(at=NOW)
    return document


def test_a_requisition_is_numbered_pr_and_its_lines_are_checked() -> None:
    assert requisition().number.startswith("PR-2026-")
    with pytest.raises(InvalidInput) as info:
        line(qty="0")
    assert (info.value.code, info.value.field) == ("quantity.not_positive", "quantity")
    with pytest.raises(InvalidInput) as info:
        line(reason="x" * 501)
    assert info.value.field == "reason"
    with pytest.raises(InvalidInput) as info:
        requisition(line(1), line(1, sku="OTHER"))
    assert (info.value.code, info.value.field) == ("document.duplicate_line", "lines[1].line_no")
    with pytest.raises(InvalidInput) as info:
        PurchaseRequisition(id=uuid4(), number=document_number(DocumentType.PURCHASE_ORDER, 2026, 1),
                            organisation=uuid4(), site=uuid4())
    assert info.value.code == "document.number_mismatch"


def test_converting_some_lines_makes_it_partially_done_and_the_rest_done() -> None:
    document = approved(line(1), line(2), line(3))
    first, second = uuid4(), uuid4()
    document, events = document.convert(purchase_order=first, line_nos=[1, 3], at=NOW)
    assert document.status is DocumentStatus.PARTIALLY_DONE
    assert isinstance(events[0], RequisitionConverted) and events[0].lines == (1, 3) and len(events) == 1
    assert [x.purchase_order for x in document.lines] == [first, None, first]
    assert [x.line_no for x in document.open_lines] == [2]
    document, events = document.convert(purchase_order=second, line_nos=[2], at=NOW)
    assert document.status is DocumentStatus.DONE and isinstance(events[-1], DocumentCompleted)
    assert document.applied == (first, second)


def test_only_an_approved_requisition_is_converted() -> None:
    draft = requisition()
    with pytest.raises(Conflict) as info:
        draft.convert(purchase_order=uuid4(), line_nos=[1], at=NOW)
    assert (info.value.code, info.value.params["value"]) == ("requisition.not_approved", "draft")
    renders(info.value)
    submitted, _ = draft.submit(at=NOW)
    with pytest.raises(Conflict):
        submitted.convert(purchase_order=uuid4(), line_nos=[1], at=NOW)
    done, _ = approved().convert(purchase_order=uuid4(), line_nos=[1], at=NOW)
    with pytest.raises(Conflict) as info:
        done.convert(purchase_order=uuid4(), line_nos=[1], at=NOW)
    assert info.value.code == "requisition.not_approved"


def test_a_line_is_converted_once_into_one_order() -> None:
    document = approved(line(1), line(2))
    order = uuid4()
    document, _ = document.convert(purchase_order=order, line_nos=[1], at=NOW)
    with pytest.raises(Conflict) as info:
        document.convert(purchase_order=uuid4(), line_nos=[2, 1], at=NOW)
    assert (info.value.code, info.value.field) == ("requisition.line_converted", "lines[1]")
    renders(info.value)
    with pytest.raises(Conflict) as info:
        document.convert(purchase_order=order, line_nos=[2], at=NOW)
    assert info.value.code == "document.already_applied"
    with pytest.raises(InvalidInput) as bad:
        document.convert(purchase_order=uuid4(), line_nos=[2, 2], at=NOW)
    assert (bad.value.code, bad.value.field) == ("document.duplicate_line", "lines[1]")
    with pytest.raises(InvalidInput) as bad:
        document.convert(purchase_order=uuid4(), line_nos=[9], at=NOW)
    assert (bad.value.code, bad.value.field) == ("document.unknown_line", "lines[0]")
    with pytest.raises(InvalidInput) as bad:
        document.convert(purchase_order=uuid4(), line_nos=[], at=NOW)
    assert bad.value.code == "document.empty"
    with pytest.raises(InvalidInput) as bad:
        document.convert(purchase_order=uuid4(), line_nos=[2], at=datetime(2026, 3, 2))
    assert bad.value.code == "time.naive"


def test_a_partly_converted_requisition_is_closed_not_cancelled() -> None:
    document, _ = approved(line(1), line(2)).convert(purchase_order=uuid4(), line_nos=[1], at=NOW)
    with pytest.raises(IllegalTransition):
        document.cancel(at=NOW, reason="不再需要")
    closed, events = document.close(at=NOW, reason="第二行改由调拨补货")
    assert closed.status is DocumentStatus.DONE and closed.closed_reason == "第二行改由调拨补货"
    assert isinstance(events[-1], DocumentCompleted)
    cancelled, _ = approved().cancel(at=NOW, reason="不再需要")
    assert cancelled.status is DocumentStatus.CANCELLED


@settings(max_examples=100, deadline=None)
@given(size=st.integers(1, 6), data=st.data())
def test_any_batches_of_conversions_end_done_exactly_when_every_line_is_converted(size: int,
                                                                                 data: st.DataObject) -> None:
    document = approved(*(line(n) for n in range(1, size + 1)))
    order = data.draw(st.permutations(range(1, size + 1)))
    cuts = sorted(data.draw(st.sets(st.integers(1, size - 1), max_size=size - 1))) if size > 1 else []
    batches = [order[a:b] for a, b in zip([0, *cuts], [*cuts, size], strict=True)]
    batches = batches[: data.draw(st.integers(1, len(batches)))]
    into: dict[int, UUID] = {}
    for batch in batches:
        po = uuid4()
        document, _ = document.convert(purchase_order=po, line_nos=batch, at=NOW)
        into.update(dict.fromkeys(batch, po))
    assert {x.line_no: x.purchase_order for x in document.lines if x.converted} == into
    expected = DocumentStatus.DONE if len(into) == size else DocumentStatus.PARTIALLY_DONE
    assert document.status is expected
