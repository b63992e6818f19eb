"""What reading and importing a sheet produce: typed rows, cell errors and the import report.

Row numbers are the spreadsheet's own (the heading is row 1, the first data row is row 2), so
a user can go straight to the cell a report names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jxc.kernel.errors import JxcError
from jxc.kernel.messages import bilingual
from jxc.sheets.spec import Column


class ImportMode(StrEnum):
    """``all_or_nothing``: any error and nothing is imported. ``valid_only``: the valid rows are."""

    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ONLY = "valid_only"


@dataclass(frozen=True)
class ParsedRow:
    """One data row: ``values`` typed by column kind (``None`` where blank), ``cells`` as the user wrote them."""

    row_number: int
    values: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CellError:
    """Why a row (and, when known, which of its columns) cannot be imported."""

    row: int
    column_key: str | None
    column_header: str
    value: str
    code: str
    reason_zh: str
    reason_en: str

    @classmethod
    def of(cls, error: JxcError, *, row: int, column: Column | None, value: str = "",
           header: str | None = None) -> CellError:
        texts = bilingual(error)
        return cls(row=row, column_key=column.key if column else None,
                   column_header=header if header is not None else (column.label if column else ""),
                   value=value, code=error.code, reason_zh=texts["zh-CN"], reason_en=texts["en"])

    def reason(self, lang: str = "en") -> str:
        return self.reason_zh if lang.lower().startswith("zh") else self.reason_en

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column_key, "header": self.column_header, "value": self.value,
                "code": self.code, "reason_zh": self.reason_zh, "reason_en": self.reason_en}


@dataclass(frozen=True)
class ParseResult:
    """``rows`` are complete and valid; ``rejected`` rows have errors (their bad cells are ``None``)."""

    rows: list[ParsedRow]
    errors: list[CellError]
    total_rows: int
    rejected: list[ParsedRow] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import: how many data rows the file had, how many went in, and why not the rest."""

    sheet: str
    mode: ImportMode
    total_rows: int
    imported: int
    errors: tuple[CellError, ...]

    @property
    def skipped(self) -> int:
        return self.total_rows - self.imported

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        """How many distinct rows the errors name."""
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "mode": str(self.mode), "total_rows": self.total_rows,
                "imported": self.imported, "skipped": self.skipped, "errors": [e.as_dict() for e in self.errors]}
