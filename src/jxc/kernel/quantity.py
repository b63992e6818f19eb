"""Quantities are ``Decimal`` in the item's base unit, never float.

Invariant: a stored quantity has at most ``QTY_SCALE`` decimal places; anything finer
is refused rather than silently rounded, so sums in the database stay exact.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from jxc.kernel.errors import InvalidInput

QTY_SCALE = 6
QTY_QUANTUM = Decimal(1).scaleb(-QTY_SCALE)
_SCALE_FACTOR = 10**QTY_SCALE
# One line moves at most a billion base units: stored scaled by 10**6 in a signed 64-bit column,
# a balance holds up to ~9.2 × 10**12, so thousands of maximal lines still sum exactly.
MAX_QUANTITY = 10**9


def parse_quantity(value: object, *, field: str = "quantity") -> Decimal:
    """Turn user or wire input into an exact Decimal quantity, or raise InvalidInput."""
    if type(value) is int:  # exact already; the commonest case on the bulk path
        if -MAX_QUANTITY <= value <= MAX_QUANTITY:
            return Decimal(value)
        raise InvalidInput("quantity.too_large", field=field, value=str(value), limit=MAX_QUANTITY)
    if isinstance(value, float):
        # repr() of a float is its shortest round-tripping text: 0.1 -> "0.1", not 0.1000000000000000055...
        value = repr(value)
    try:
        qty = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("quantity.not_a_number", field=field, value=str(value)) from None
    if not qty.is_finite():
        raise InvalidInput("quantity.not_a_number", field=field, value=str(value))
    if abs(qty) > MAX_QUANTITY:
        raise InvalidInput("quantity.too_large", field=field, value=str(value), limit=MAX_QUANTITY)
    exponent = qty.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -QTY_SCALE and qty != qty.quantize(QTY_QUANTUM, rounding="ROUND_DOWN"):
        raise InvalidInput("quantity.too_precise", field=field, value=str(value), scale=QTY_SCALE)
    return qty


def positive_quantity(value: object, *, field: str = "quantity") -> Decimal:
    """Like :func:`parse_quantity` but zero and negative quantities are refused."""
    qty = parse_quantity(value, field=field)
    if qty <= 0:
        raise InvalidInput("quantity.not_positive", field=field, value=str(value))
    return qty


def to_minor(qty: Decimal) -> int:
    """Scaled integer used for storage (exact sums in SQL)."""
    return int(qty.scaleb(QTY_SCALE))


def from_minor(value: int) -> Decimal:
    """The Decimal for a stored scaled integer, without trailing zeros or exponent form (40, not 4E+1)."""
    if not value:
        return Decimal(0)
    qty = Decimal(value).scaleb(-QTY_SCALE).normalize()
    return qty.quantize(Decimal(1)) if qty.as_tuple().exponent > 0 else qty  # type: ignore[operator]


def fmt(qty: Decimal) -> str:
    """Plain text without exponent or trailing zeros: 24, 0.5, 1200."""
    text = format(qty.normalize(), "f")
    return text
