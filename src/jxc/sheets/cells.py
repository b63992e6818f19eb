"""Turning one cell, as openpyxl reads it, into the column's type — or a ``sheet.*`` error.

Invariants:
- no float ever leaves this module: a number cell is read as the 15 significant digits Excel
  itself shows (Excel keeps no more), so ``0.1`` is ``Decimal("0.1")`` and a sum computed in
  Excel as ``0.30000000000000004`` is ``Decimal("0.3")``; NaN and infinities are refused;
- a blank cell (empty, or only whitespace) is ``None`` for every kind; required-ness is the
  reader's business;
- errors are ``InvalidInput`` with the column key as ``field`` and the cell's text as ``value``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from jxc.kernel.errors import InvalidInput
from jxc.sheets.spec import Column

MONEY_SCALE: Final = 2
TRUE_WORDS: Final = frozenset({"是", "yes", "y", "true", "1"})
FALSE_WORDS: Final = frozenset({"否", "no", "n", "false", "0"})
LIST_SEPARATORS: Final = re.compile(r"[;,；，、\n]")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def float_decimal(value: float) -> Decimal:
    """A float cell as Excel shows it (15 significant digits), exactly."""
    return Decimal(format(value, ".15g"))


def cell_text(raw: object) -> str:
    """The cell as text: numbers without binary noise or exponent, dates in ISO form."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return str(raw)
        return format(float_decimal(raw), "f")
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time(0) else raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw).strip()


def _fail(code: str, column: Column, raw: object, **params: Any) -> InvalidInput:
    return InvalidInput(code, field=column.key, value=cell_text(raw), **params)


def _decimal(column: Column, raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise _fail("sheet.not_a_number", column, raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _fail("sheet.not_a_number", column, raw)
        return float_decimal(raw)
    if not isinstance(raw, str):
        raise _fail("sheet.not_a_number", column, raw)
    text = raw.strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _fail("sheet.not_a_number", column, raw) from None
    if not number.is_finite():
        raise _fail("sheet.not_a_number", column, raw)
    return number


def _money(column: Column, raw: object) -> Decimal:
    amount = _decimal(column, raw)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_SCALE and amount != amount.quantize(Decimal("0.01")):
        # rounding an amount the user typed would silently change it
        raise _fail("sheet.too_precise", column, raw, scale=MONEY_SCALE)
    return amount


def _int(column: Column, raw: object) -> int:
    if isinstance(raw, bool):
        raise _fail("sheet.not_an_integer", column, raw)
    if isinstance(raw, int):
        return raw
    try:
        number = _decimal(column, raw)
    except InvalidInput:
        raise _fail("sheet.not_an_integer", column, raw) from None
    if number != number.to_integral_value():
        raise _fail("sheet.not_an_integer", column, raw)
    return int(number)


def _date(column: Column, raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        match = _DATE.fullmatch(text)
        try:
            if match:
                return date(int(match[1]), int(match[2]), int(match[3]))
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise _fail("sheet.not_a_date", column, raw)


def _bool(column: Column, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = cell_text(raw).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _fail("sheet.not_a_boolean", column, raw)


def choice_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling (case-folded) → the choice's value."""
    return {name.casefold(): option.value for option in column.options for name in option.names}


def _text(column: Column, raw: object) -> str:
    text = cell_text(raw)
    if column.max_length is not None and len(text) > column.max_length:
        raise _fail("sheet.too_long", column, raw, limit=column.max_length)
    return text


def _list(column: Column, raw: object) -> tuple[str, ...] | None:
    text = _text(column, raw)
    parts = tuple(part.strip() for part in LIST_SEPARATORS.split(text) if part.strip())
    return parts or None


Converter = Callable[[object], Any]


def converter(column: Column) -> Converter:
    """A function from a non-blank cell to the column's typed value (raises ``InvalidInput``)."""
    if column.kind == "choice":
        lookup = choice_lookup(column)
        allowed = ", ".join(name for option in column.options for name in option.names)

        def choice(raw: object) -> str:
            found = lookup.get(cell_text(raw).casefold())
            if found is None:
                raise _fail("sheet.not_a_choice", column, raw, choices=allowed)
            return found

        return choice
    simple: dict[str, Callable[[Column, object], Any]] = {
        "text": _text, "decimal": _decimal, "money": _money, "int": _int, "date": _date, "bool": _bool,
        "list": _list,
    }
    convert = simple[column.kind]
    return lambda raw: convert(column, raw)
