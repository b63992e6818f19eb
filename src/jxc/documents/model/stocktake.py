"""Stocktake sheets: book quantities snapshotted, counted (blind or not), recounted, variances posted.

Invariants:
- A blind sheet never shows the book quantity to the counter: ``counter_view`` leaves it out.
- The final count of a line is its recount when there is one, else its count; a recount needs a count.
- Counting (and recounting) edits lines, so it happens in draft; a reviewer sends a sheet back to draft
  (``reject``) for recounts. A sheet is submitted only when every line is counted.
- Variances are posted only from an approved sheet, once (approved → done).
- Lines in a sheet limited to bins lie in those bins.

Quantities are in the item's base unit. Posting (services): a gain moves @adjustment → site, a loss
site → @adjustment, in the line's bucket (bin, lot) and state ``available``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from jxc.documents.model.lifecycle import (
    ZERO,
    Document,
    DocumentEvent,
    DocumentStatus,
    DocumentType,
    Events,
    check_lot,
    for_line,
    non_negative,
)
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.quantity import parse_quantity
from jxc.kernel.text import business_code

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True, kw_only=True)
class StocktakeScope:
    """What the sheet covers: some bins, some categories, or (both empty) the whole site."""

    bins: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for i, code in enumerate(self.bins):
            business_code(code, field=f"scope.bins[{i}]")
        for i, code in enumerate(self.categories):
            business_code(code, field=f"scope.categories[{i}]")

    @property
    def whole_site(self) -> bool:
        return not self.bins and not self.categories


@dataclass(frozen=True, slots=True, kw_only=True)
class StocktakeLine:
    line_no: int
    sku: str
    book_qty: Decimal  # the ledger balance at the snapshot
    bin: str | None = None
    lot: str | None = None
    counted_qty: Decimal | None = None
    recount_qty: Decimal | None = None

    def __post_init__(self) -> None:
        business_code(self.sku, field="sku")
        check_lot(self.lot)
        if self.bin is not None:
            business_code(self.bin, field="bin")
        parse_quantity(self.book_qty, field="book_qty")  # may be negative where the site allows it
        if self.counted_qty is not None:
            non_negative(self.counted_qty, field="counted_qty")
        if self.recount_qty is not None:
            non_negative(self.recount_qty, field="recount_qty")
            if self.counted_qty is None:
                raise InvalidInput("stocktake.recount_without_count", field="recount_qty", line=self.line_no)

    @property
    def final_qty(self) -> Decimal | None:
        return self.recount_qty if self.recount_qty is not None else self.counted_qty

    @property
    def difference(self) -> Decimal | None:
        """Final count minus book (positive: a gain), or None while uncounted."""
        final = self.final_qty
        return None if final is None else final - self.book_qty


@dataclass(frozen=True, slots=True, kw_only=True)
class CounterLine:
    """What a counter sees of a line: ``book_qty`` is None on blind sheets."""

    line_no: int
    sku: str
    bin: str | None
    lot: str | None
    counted_qty: Decimal | None
    recount_qty: Decimal | None
    book_qty: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Variance:
    line_no: int
    sku: str
    bin: str | None
    lot: str | None
    book_qty: Decimal
    counted_qty: Decimal
    difference: Decimal  # counted − book


@dataclass(frozen=True, kw_only=True)
class StocktakeVariancesPosted(DocumentEvent):
    site: UUID
    variances: tuple[Variance, ...]


@dataclass(frozen=True, kw_only=True)
class StocktakeSheet(Document[StocktakeLine]):
    doc_type: ClassVar[DocumentType] = DocumentType.STOCKTAKE

    organisation: UUID
    site: UUID
    snapshot_at: dt.datetime
    scope: StocktakeScope = StocktakeScope()
    blind: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        require_aware(self.snapshot_at, field="snapshot_at")
        if self.scope.bins:
            for i, line in enumerate(self.lines):
                if line.bin not in self.scope.bins:
                    raise InvalidInput(
                        "stocktake.out_of_scope", field=f"lines[{i}].bin", value=line.bin or "-"
                    )

    def _check_submittable(self) -> None:
        for i, line in enumerate(self.lines):
            if line.counted_qty is None:
                raise InvalidInput("stocktake.uncounted", field=f"lines[{i}].counted_qty", line=line.line_no)

    def counter_view(self) -> tuple[CounterLine, ...]:
        """The lines as the counter may see them (no book quantity on a blind sheet)."""
        return tuple(
            CounterLine(
                line_no=line.line_no,
                sku=line.sku,
                bin=line.bin,
                lot=line.lot,
                counted_qty=line.counted_qty,
                recount_qty=line.recount_qty,
                book_qty=None if self.blind else line.book_qty,
            )
            for line in self.lines
        )

    def record_count(self, line_no: int, quantity: Decimal) -> StocktakeSheet:
        """The counted quantity of a line (a new count clears an earlier recount)."""
        line = self.line(line_no)
        with for_line(self.index_of(line_no)):
            return self.replace_line(replace(line, counted_qty=quantity, recount_qty=None))

    def record_recount(self, line_no: int, quantity: Decimal) -> StocktakeSheet:
        line = self.line(line_no)
        with for_line(self.index_of(line_no)):
            return self.replace_line(replace(line, recount_qty=quantity))

    def add_found(
        self, *, sku: str, counted_qty: Decimal, bin: str | None = None, lot: str | None = None
    ) -> StocktakeSheet:
        """Stock found that the book does not know of: a new line with book quantity zero."""
        line = StocktakeLine(
            line_no=self.next_line_no, sku=sku, bin=bin, lot=lot, book_qty=ZERO, counted_qty=counted_qty
        )
        return self.add_line(line)

    def variances(self) -> tuple[Variance, ...]:
        """Counted lines whose final count differs from the book."""
        found = []
        for line in self.lines:
            final, difference = line.final_qty, line.difference
            if final is not None and difference is not None and difference != 0:
                found.append(
                    Variance(
                        line_no=line.line_no,
                        sku=line.sku,
                        bin=line.bin,
                        lot=line.lot,
                        book_qty=line.book_qty,
                        counted_qty=final,
                        difference=difference,
                    )
                )
        return tuple(found)

    def requires_recount(
        self, *, threshold_pct: Decimal | None = None, threshold_abs: Decimal | None = None
    ) -> tuple[StocktakeLine, ...]:
        """Counted, not yet recounted lines whose variance exceeds either threshold (% of book, or absolute).

        A variance on a zero (or negative) book quantity exceeds every percentage threshold.
        """
        if threshold_pct is None and threshold_abs is None:
            raise InvalidInput("field.required", field="threshold_pct")
        for name, value in (("threshold_pct", threshold_pct), ("threshold_abs", threshold_abs)):
            if value is not None:
                non_negative(value, field=name)
        flagged = []
        for line in self.lines:
            if line.counted_qty is None or line.recount_qty is not None:
                continue
            difference = abs(line.counted_qty - line.book_qty)
            if difference == 0:
                continue
            over_abs = threshold_abs is not None and difference > threshold_abs
            over_pct = threshold_pct is not None and (
                line.book_qty <= 0 or difference * HUNDRED > threshold_pct * line.book_qty
            )
            if over_abs or over_pct:
                flagged.append(line)
        return tuple(flagged)

    def post_variances(self, *, at: dt.datetime) -> tuple[StocktakeSheet, Events]:
        """Approved → done, handing the variances to the services to post as adjustments."""
        at = require_aware(at, field="at")
        if self.status is not DocumentStatus.APPROVED:
            raise Conflict(
                "stocktake.not_approved", field="status", value=self.status.value, number=self.number
            )
        event = self._event(StocktakeVariancesPosted, at, site=self.site, variances=self.variances())
        return self._posted(at, event)
