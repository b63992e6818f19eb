"""Documents: the shared lifecycle, numbering, error texts and the model's public surface."""

from __future__ import annotations

import ast
import itertools
import re
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

import jxc.documents.model as documents
from jxc.documents.model import (
    PREFIXES,
    DocumentApproved,
    DocumentCancelled,
    DocumentClosed,
    DocumentCompleted,
    DocumentNumber,
    DocumentRejected,
    DocumentStatus,
    DocumentSubmitted,
    DocumentType,
    GoodsReceipt,
    PurchaseOrder,
    PurchaseOrderLine,
    StockState,
    check_transition,
    document_number,
    for_line,
    parse_document_number,
    receipt_lines_for,
)
from jxc.inventory.states import State
from jxc.kernel.errors import Conflict, IllegalTransition, InvalidInput, JxcError
from jxc.kernel.messages import MESSAGES, bilingual

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MODEL_DIR = Path(documents.__file__).parent
_seq = itertools.count(1)


def number(doc_type: DocumentType) -> str:
    return document_number(doc_type, 2026, next(_seq))


def po_line(line_no: int = 1, qty: str = "100", sku: str = "SKU-1") -> PurchaseOrderLine:
    return PurchaseOrderLine(
        line_no=line_no,
        sku=sku,
        quantity=Decimal(qty),
        unit="pcs",
        unit_price=Decimal("10"),
        vat_rate=Decimal("0.13"),
        expected_date=date(2026, 3, 20),
    )


def purchase_order(*lines: PurchaseOrderLine) -> PurchaseOrder:
    return PurchaseOrder(
        id=uuid4(),
        number=number(DocumentType.PURCHASE_ORDER),
        organisation=uuid4(),
        supplier=uuid4(),
        site=uuid4(),
        lines=lines,
    )


def approved(po: PurchaseOrder) -> PurchaseOrder:
    po, _ = po.submit(at=NOW)
    po, _ = po.approve(at=NOW)
    return po


def receive(po: PurchaseOrder, quantities: dict[int, str]) -> PurchaseOrder:
    receipt = GoodsReceipt(
        id=uuid4(),
        number=number(DocumentType.GOODS_RECEIPT),
        organisation=po.organisation,
        supplier=po.supplier,
        site=po.site,
        purchase_order=po.id,
        received_on=date(2026, 3, 2),
        lines=receipt_lines_for(po, {k: Decimal(v) for k, v in quantities.items()}),
    )
    po, _ = po.record_receipt(receipt, at=NOW)
    return po


def renders(error: JxcError) -> dict[str, str]:
    """Both languages render every placeholder (no fallback to the raw template)."""
    texts = bilingual(error)
    assert error.code in MESSAGES, error.code
    for text in texts.values():
        assert "{" not in text, text
    return texts


# ---------------------------------------------------------------- numbering


@pytest.mark.parametrize("doc_type", list(DocumentType))
@pytest.mark.parametrize("seq", [1, 123, 999_999, 1_000_000])
def test_document_numbers_round_trip_through_the_parser(doc_type: DocumentType, seq: int) -> None:
    text = document_number(doc_type, 2026, seq)
    assert parse_document_number(text) == DocumentNumber(doc_type, 2026, seq)
    assert str(parse_document_number(text)) == text


def test_numbers_read_like_po_2026_000123() -> None:
    assert document_number(DocumentType.PURCHASE_ORDER, 2026, 123) == "PO-2026-000123"
    assert document_number(DocumentType.SALES_RETURN, 2027, 5) == "SRT-2027-000005"


def test_every_document_type_has_the_agreed_prefix() -> None:
    assert {t.value: PREFIXES[t] for t in DocumentType} == {
        "purchase_requisition": "PR",
        "purchase_order": "PO",
        "advance_shipping_notice": "ASN",
        "goods_receipt": "GR",
        "qc_inspection": "QC",
        "purchase_return": "PRT",
        "sales_order": "SO",
        "shipment": "SH",
        "sales_return": "SRT",
        "transfer_order": "TO",
        "stocktake": "ST",
    }


@pytest.mark.parametrize(
    "text",
    ["XX-2026-000001", "PO-2026-0000123", "PO-26-000001", "po-2026-000001", "PO-2026-12", "PO2026000001"],
)
def test_malformed_or_non_canonical_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_document_number(text)
    assert info.value.code == "document.number_invalid"
    renders(info.value)


def test_a_sequence_below_one_is_refused() -> None:
    with pytest.raises(InvalidInput):
        document_number(DocumentType.PURCHASE_ORDER, 2026, 0)


def test_a_document_carries_a_number_of_its_own_type() -> None:
    with pytest.raises(InvalidInput) as info:
        PurchaseOrder(
            id=uuid4(),
            number=number(DocumentType.SALES_ORDER),
            organisation=uuid4(),
            supplier=uuid4(),
            site=uuid4(),
        )
    assert info.value.code == "document.number_mismatch"
    assert info.value.params["expected"] == "PO"


# ---------------------------------------------------------------- transitions


def test_a_draft_is_submitted_then_approved_and_the_events_say_so() -> None:
    draft = purchase_order(po_line())
    submitted, events = draft.submit(at=NOW)
    assert submitted.status is DocumentStatus.SUBMITTED
    assert [type(e) for e in events] == [DocumentSubmitted]
    assert events[0].number == draft.number and events[0].doc_type is DocumentType.PURCHASE_ORDER
    assert events[0].at == NOW
    approved_po, events = submitted.approve(at=NOW)
    assert approved_po.status is DocumentStatus.APPROVED
    assert [type(e) for e in events] == [DocumentApproved]


def test_transitions_return_a_new_document_and_leave_the_original_untouched() -> None:
    draft = purchase_order(po_line())
    submitted, _ = draft.submit(at=NOW)
    assert draft.status is DocumentStatus.DRAFT and submitted is not draft


@pytest.mark.parametrize("steps", [1, 2])
def test_submitting_an_already_submitted_document_is_refused(steps: int) -> None:
    po, _ = purchase_order(po_line()).submit(at=NOW)
    if steps == 2:
        po, _ = po.approve(at=NOW)
    with pytest.raises(IllegalTransition) as info:
        po.submit(at=NOW)
    assert info.value.code == "document.already_submitted"
    assert info.value.params["value"] == po.status.value
    renders(info.value)


def test_an_empty_document_cannot_be_submitted() -> None:
    with pytest.raises(InvalidInput) as info:
        purchase_order().submit(at=NOW)
    assert info.value.code == "document.empty"
    renders(info.value)


def test_approving_a_draft_is_an_illegal_transition() -> None:
    with pytest.raises(IllegalTransition) as info:
        purchase_order(po_line()).approve(at=NOW)
    assert info.value.code == "document.illegal_transition"
    assert info.value.field == "status"
    assert info.value.params == {"value": "draft", "to": "approved"}
    renders(info.value)


def test_lines_are_edited_only_in_draft() -> None:
    draft = purchase_order(po_line())
    assert draft.add_line(po_line(2)).next_line_no == 3
    assert draft.remove_line(1).lines == ()
    submitted, _ = draft.submit(at=NOW)
    with pytest.raises(Conflict) as info:
        submitted.add_line(po_line(2))
    assert info.value.code == "document.not_editable"
    renders(info.value)


def test_a_rejected_document_goes_back_to_draft_and_can_be_edited_again() -> None:
    submitted, _ = purchase_order(po_line()).submit(at=NOW)
    draft, events = submitted.reject(at=NOW, reason="价格需重新确认")
    assert draft.status is DocumentStatus.DRAFT
    assert isinstance(events[0], DocumentRejected) and events[0].reason == "价格需重新确认"
    assert draft.replace_line(po_line(1, qty="80")).lines[0].quantity == Decimal(80)


@pytest.mark.parametrize("steps", [0, 1, 2])
def test_draft_submitted_and_approved_documents_may_be_cancelled_while_nothing_is_executed(
    steps: int,
) -> None:
    po = purchase_order(po_line())
    if steps >= 1:
        po, _ = po.submit(at=NOW)
    if steps >= 2:
        po, _ = po.approve(at=NOW)
    cancelled, events = po.cancel(at=NOW, reason="供应商停产")
    assert cancelled.status is DocumentStatus.CANCELLED and cancelled.cancelled_reason == "供应商停产"
    assert isinstance(events[0], DocumentCancelled)


def test_after_a_partial_receipt_cancel_is_illegal_but_close_short_closes_to_done() -> None:
    po = receive(approved(purchase_order(po_line(1, "100"), po_line(2, "50", sku="SKU-2"))), {1: "60"})
    assert po.status is DocumentStatus.PARTIALLY_DONE
    with pytest.raises(IllegalTransition) as info:
        po.cancel(at=NOW, reason="不要了")
    assert info.value.params == {"value": "partially_done", "to": "cancelled"}
    closed, events = po.close(at=NOW, reason="剩余数量供应商无法交付")
    assert closed.status is DocumentStatus.DONE
    assert closed.closed_reason == "剩余数量供应商无法交付"
    assert [type(e) for e in events] == [DocumentClosed, DocumentCompleted]


def test_close_needs_something_executed_first() -> None:
    with pytest.raises(IllegalTransition) as info:
        approved(purchase_order(po_line())).close(at=NOW, reason="x")
    assert info.value.params == {"value": "approved", "to": "done"}


def test_cancel_and_close_need_a_reason() -> None:
    with pytest.raises(InvalidInput) as info:
        purchase_order(po_line()).cancel(at=NOW, reason="  ")
    assert (info.value.code, info.value.field) == ("field.required", "reason")


@pytest.mark.parametrize("end", [DocumentStatus.DONE, DocumentStatus.CANCELLED])
@pytest.mark.parametrize("to", list(DocumentStatus))
def test_nothing_leaves_done_or_cancelled(end: DocumentStatus, to: DocumentStatus) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(end, to)


def test_a_full_receipt_completes_the_order_and_completion_is_announced() -> None:
    po = approved(purchase_order(po_line(1, "10")))
    receipt = GoodsReceipt(
        id=uuid4(),
        number=number(DocumentType.GOODS_RECEIPT),
        organisation=po.organisation,
        supplier=po.supplier,
        site=po.site,
        purchase_order=po.id,
        received_on=date(2026, 3, 2),
        lines=receipt_lines_for(po, {1: Decimal(10)}),
    )
    done, events = po.record_receipt(receipt, at=NOW)
    assert done.status is DocumentStatus.DONE
    assert isinstance(events[-1], DocumentCompleted)


def test_transitions_need_a_time_zone() -> None:
    with pytest.raises(InvalidInput) as info:
        purchase_order(po_line()).submit(at=datetime(2026, 3, 2, 9, 30))
    assert info.value.code == "time.naive"


def test_line_numbers_are_positive_and_unique() -> None:
    with pytest.raises(InvalidInput) as info:
        purchase_order(po_line(1), po_line(1, sku="SKU-2"))
    assert (info.value.code, info.value.field) == ("document.duplicate_line", "lines[1].line_no")
    renders(info.value)


def test_a_line_error_names_the_line_position() -> None:
    with pytest.raises(InvalidInput) as info, for_line(2):
        po_line(qty="-1")
    assert (info.value.code, info.value.field) == ("quantity.not_positive", "lines[2].quantity")


# ---------------------------------------------------------------- surface, texts, purity


def test_the_model_package_exports_exactly_its_public_names() -> None:
    modules = {"asn", "lifecycle", "purchasing", "requisition", "sales", "steps", "stocktake", "transfers"}
    public = {name for name in vars(documents) if not name.startswith("_")} - modules - {"annotations"}
    assert public == set(documents.__all__)
    assert documents.__all__ == sorted(documents.__all__, key=lambda n: (not n.isupper(), n))


def test_every_error_code_the_model_raises_has_zh_and_en_text() -> None:
    pattern = re.compile(r"(?:InvalidInput|Conflict|IllegalTransition)\(\s*\"([a-z_]+\.[a-z_]+)\"")
    codes = {code for path in MODEL_DIR.glob("*.py") for code in pattern.findall(path.read_text())}
    assert len(codes) > 40
    assert sorted(code for code in codes if code not in MESSAGES) == []
    for code in codes:
        zh, en = MESSAGES[code]
        assert zh and en


def test_the_stock_states_documents_use_exist_in_the_ledger() -> None:
    assert {s.value for s in StockState} <= {s.value for s in State}


def test_the_model_imports_only_the_standard_library_and_the_kernel() -> None:
    for path in MODEL_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                allowed = (
                    top in sys.stdlib_module_names
                    or top == "__future__"
                    or name.startswith(("jxc.kernel", "jxc.documents.model"))
                )
                assert allowed, f"{path.name} imports {name}"
