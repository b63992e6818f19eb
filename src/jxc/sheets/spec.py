"""Declarations of importable sheets: a :class:`SheetSpec` is a titled list of :class:`Column`\\ s.

Invariants a spec keeps (checked when it is declared, so a mistake fails at import time):
- column keys are unique, and so is every name a heading may use for a column (the key, the
  Chinese heading, the English heading and the combined ``中文 / English`` form, compared
  without case, spaces or the required marker ``*``);
- only ``choice`` columns have choices, and every ``choice`` column has at least one;
- ``key_columns`` and ``group_by`` name declared columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

Kind = Literal["text", "decimal", "money", "int", "date", "bool", "choice", "list"]
KINDS: Final[tuple[str, ...]] = get_args(Kind)

MAX_ROWS: Final = 100_000
README_TITLE: Final = "说明 README"
EXAMPLE_TITLE: Final = "示例 Example"
LISTS_TITLE: Final = "_lists"  # hidden sheet holding long drop-down lists
RESERVED_TITLES: Final = frozenset({README_TITLE, EXAMPLE_TITLE, LISTS_TITLE})

KIND_NAMES: Final[dict[str, tuple[str, str]]] = {
    "text": ("文本", "text"),
    "decimal": ("数字", "number"),
    "money": ("金额 (最多 2 位小数)", "amount (at most 2 decimals)"),
    "int": ("整数", "whole number"),
    "date": ("日期 (YYYY-MM-DD)", "date (YYYY-MM-DD)"),
    "bool": ("是/否", "yes/no"),
    "choice": ("选项", "choice"),
    "list": ("列表 (用 ; 分隔)", "list (separated by ;)"),
}

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def heading_name(text: str) -> str:
    """A heading as compared: no required marker, no whitespace, case-folded."""
    return "".join(text.replace("*", "").split()).casefold()


@dataclass(frozen=True)
class Choice:
    """One allowed value of a ``choice`` column; a cell may give the value or either label."""

    value: str
    zh: str = ""
    en: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The value and its labels, without repeats (compared case-insensitively)."""
        seen: dict[str, str] = {}
        for name in (self.value, self.zh, self.en):
            if name and name.casefold() not in seen:
                seen[name.casefold()] = name
        return tuple(seen.values())


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``error_fields`` are further ``JxcError.field`` names reported against this column (the
    ``units`` column answers for the model's ``unit`` and ``factor`` fields, for instance).
    """

    key: str
    header_zh: str
    header_en: str
    kind: Kind = "text"
    required: bool = False
    choices: Sequence[Choice | str] = ()
    example: object = None
    help_zh: str = ""
    help_en: str = ""
    max_length: int | None = None
    error_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"column {self.key}: choices go with kind 'choice', and it needs some")
        object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def options(self) -> tuple[Choice, ...]:
        return tuple(c if isinstance(c, Choice) else Choice(c) for c in self.choices)

    @property
    def label(self) -> str:
        """``中文 / English``: how reports name the column."""
        return f"{self.header_zh} / {self.header_en}"

    @property
    def header(self) -> str:
        """The heading the template writes: the label, with `` *`` when the column is required."""
        return f"{self.label} *" if self.required else self.label

    @property
    def heading_names(self) -> frozenset[str]:
        """Every heading text (as compared by :func:`heading_name`) that means this column."""
        forms = (self.key, self.header_zh, self.header_en, self.label, self.header_zh + self.header_en)
        return frozenset(heading_name(form) for form in forms)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet jxc can hand out as a template and read back.

    ``key_columns``: rows with equal values there are duplicates (the later one is refused).
    ``group_by``: rows with equal values there are imported or skipped together (the lines
    of one document); without it every row stands alone.
    """

    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    max_rows: int = MAX_ROWS
    _by_field: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"sheet {self.name}: repeated column key")
        seen: dict[str, str] = {}
        for column in self.columns:
            for name in column.heading_names:
                if seen.setdefault(name, column.key) != column.key:
                    raise ValueError(f"sheet {self.name}: heading {name!r} means {seen[name]} and {column.key}")
        for key in (*self.key_columns, *self.group_by):
            if key not in keys:
                raise ValueError(f"sheet {self.name}: {key} is not a column")
        by_field = {f: c for c in self.columns for f in c.error_fields}
        by_field.update({c.key: c for c in self.columns})
        object.__setattr__(self, "_by_field", by_field)

    @property
    def sheet_title(self) -> str:
        """The data sheet's name in the workbook (Excel allows 31 characters, no ``[]:*?/\\``)."""
        return _SHEET_TITLE_FORBIDDEN.sub(" ", f"{self.title_zh} {self.title_en}")[:31].strip() or self.name[:31]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def column_for_field(self, field_name: str | None) -> Column | None:
        """The column a ``JxcError.field`` belongs to, if any."""
        return self._by_field.get(field_name) if field_name else None
