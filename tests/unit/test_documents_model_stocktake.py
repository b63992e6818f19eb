"""Stocktake sheets: blind counting, recounts, variances, and posting only once approved."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from jxc.documents.model import (
    DocumentStatus,
    DocumentType,
    StocktakeLine,
    StocktakeScope,
    StocktakeSheet,
    StocktakeVariancesPosted,
    Variance,
    document_number,
)
from jxc.kernel.errors import Conflict, InvalidInput, JxcError
from jxc.kernel.messages import bilingual

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
_seq = itertools.count(1)


def renders(error: JxcError) -> None:
    for text in bilingual(error).values():
        assert "{" not in text, text


def st_line(line_no: int, book: str, *, bin: str = "A-01", lot: str | None = None) -> StocktakeLine:
    return StocktakeLine(line_no=line_no, sku=f"SKU-{line_no}", bin=bin, lot=lot, book_qty=Decimal(book))


def sheet(*lines: StocktakeLine, blind: bool = True, scope: StocktakeScope | None = None) -> StocktakeSheet:
    return StocktakeSheet(
        id=uuid4(),
        number=document_number(DocumentType.STOCKTAKE, 2026, next(_seq)),
        organisation=uuid4(),
        site=uuid4(),
        snapshot_at=NOW,
        blind=blind,
        scope=scope or StocktakeScope(),
        lines=lines or (st_line(1, "10"),),
    )


def counted(s: StocktakeSheet, *counts: str) -> StocktakeSheet:
    for line, qty in zip(s.lines, counts, strict=True):
        s = s.record_count(line.line_no, Decimal(qty))
    return s


def test_a_blind_sheet_never_shows_the_book_quantity_to_the_counter() -> None:
    blind = sheet(st_line(1, "10"), st_line(2, "3"))
    assert [line.book_qty for line in blind.counter_view()] == [None, None]
    assert [line.sku for line in blind.counter_view()] == ["SKU-1", "SKU-2"]
    open_sheet = sheet(st_line(1, "10"), blind=False)
    assert open_sheet.counter_view()[0].book_qty == Decimal(10)


def test_variances_use_the_recount_when_there_is_one() -> None:
    s = counted(sheet(st_line(1, "10"), st_line(2, "5"), st_line(3, "7")), "8", "5", "9")
    s = s.record_recount(1, Decimal(10))
    assert s.lines[0].final_qty == Decimal(10)
    assert s.variances() == (
        Variance(
            line_no=3,
            sku="SKU-3",
            bin="A-01",
            lot=None,
            book_qty=Decimal(7),
            counted_qty=Decimal(9),
            difference=Decimal(2),
        ),
    )


def test_requires_recount_by_percentage_or_absolute_threshold() -> None:
    s = counted(
        sheet(st_line(1, "100"), st_line(2, "100"), st_line(3, "0"), st_line(4, "10")), "97", "90", "1", "10"
    )
    assert [line.line_no for line in s.requires_recount(threshold_pct=Decimal(5))] == [2, 3]
    assert [line.line_no for line in s.requires_recount(threshold_abs=Decimal(2))] == [1, 2]
    s = s.record_recount(2, Decimal(100))
    assert [line.line_no for line in s.requires_recount(threshold_pct=Decimal(5))] == [3]
    with pytest.raises(InvalidInput):
        s.requires_recount()


def test_a_sheet_with_uncounted_lines_cannot_be_submitted() -> None:
    s = counted(sheet(st_line(1, "10"), st_line(2, "5")), "10", "5").record_count(2, Decimal(4))
    s.submit(at=NOW)
    with pytest.raises(InvalidInput) as info:
        sheet(st_line(1, "10"), st_line(2, "5")).record_count(1, Decimal(10)).submit(at=NOW)
    assert (info.value.code, info.value.field) == ("stocktake.uncounted", "lines[1].counted_qty")
    renders(info.value)


def test_variances_are_posted_only_from_an_approved_sheet() -> None:
    s, _ = counted(sheet(st_line(1, "10")), "7").submit(at=NOW)
    with pytest.raises(Conflict) as info:
        s.post_variances(at=NOW)
    assert info.value.code == "stocktake.not_approved"
    assert info.value.params["value"] == "submitted"
    renders(info.value)
    s, _ = s.approve(at=NOW)
    done, events = s.post_variances(at=NOW)
    assert done.status is DocumentStatus.DONE
    posted = events[0]
    assert isinstance(posted, StocktakeVariancesPosted) and posted.variances[0].difference == Decimal(-3)
    with pytest.raises(Conflict):
        done.post_variances(at=NOW)


def test_counting_happens_in_draft_and_a_rejected_sheet_is_recounted() -> None:
    s, _ = counted(sheet(st_line(1, "100")), "80").submit(at=NOW)
    with pytest.raises(Conflict) as info:
        s.record_recount(1, Decimal(100))
    assert info.value.code == "document.not_editable"
    s, _ = s.reject(at=NOW, reason="差异超过 5%, 请复盘")
    s = s.record_recount(1, Decimal(99))
    assert s.lines[0].difference == Decimal(-1)
    assert s.record_count(1, Decimal(100)).lines[0].recount_qty is None  # a new count starts over


def test_stock_found_during_the_count_becomes_a_line_with_zero_book() -> None:
    s = sheet(st_line(1, "10")).add_found(sku="SKU-9", bin="A-01", counted_qty=Decimal(2))
    assert s.lines[-1].line_no == 2 and s.lines[-1].book_qty == 0
    assert s.record_count(1, Decimal(10)).variances()[0].difference == Decimal(2)


def test_a_sheet_limited_to_bins_refuses_lines_elsewhere() -> None:
    scope = StocktakeScope(bins=("A-01", "A-02"))
    assert sheet(st_line(1, "1"), st_line(2, "1", bin="A-02"), scope=scope).scope.bins == ("A-01", "A-02")
    with pytest.raises(InvalidInput) as info:
        sheet(st_line(1, "1", bin="B-07"), scope=scope)
    assert (info.value.code, info.value.field) == ("stocktake.out_of_scope", "lines[0].bin")
    renders(info.value)


def test_a_recount_needs_a_count_and_counts_are_never_negative() -> None:
    with pytest.raises(InvalidInput) as info:
        sheet(st_line(1, "10")).record_recount(1, Decimal(3))
    assert (info.value.code, info.value.field) == ("stocktake.recount_without_count", "lines[0].recount_qty")
    renders(info.value)
    with pytest.raises(InvalidInput) as info:
        sheet(st_line(1, "10"), st_line(2, "1")).record_count(2, Decimal(-1))
    assert (info.value.code, info.value.field) == ("quantity.negative", "lines[1].counted_qty")
    renders(info.value)
