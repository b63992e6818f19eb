"""Money is ``Decimal`` in CNY, held to the fen (0.01); never float.

Invariants this module keeps:
- :func:`money` returns a finite Decimal with exactly two decimal places, rounded half up
  (四舍五入, as Chinese accounting practice and the tax authorities round); floats are refused,
  because a float cannot say which decimal amount was meant.
- :func:`split_by_weights` is exact: its shares add up to the total to the fen, and each share
  is within one fen of its exact proportion (largest-remainder method).
- :func:`pro_rata` of the whole is the amount itself, so taking the last part of something
  never leaves a residue.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Final

from jxc.kernel.errors import InvalidInput

MONEY_QUANTUM: Final = Decimal("0.01")
UNIT_COST_QUANTUM: Final = Decimal("0.000001")
ZERO: Final = Decimal("0.00")

# Intermediate products (amount × quantity) can pass the default 28 digits on large values;
# the extra precision keeps the final rounding to the fen exact in practice.
_WORKING_PRECISION: Final = 60


def _parse(value: object, *, field: str) -> Decimal:
    # bool is an int subclass, and True meaning 1.00 CNY is never what a caller meant
    if isinstance(value, float | bool):
        raise InvalidInput("money.invalid", field=field, value=repr(value))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInput("money.invalid", field=field, value=value) from None
    else:
        raise InvalidInput("money.invalid", field=field, value=repr(value))
    if not number.is_finite():
        raise InvalidInput("money.invalid", field=field, value=str(value))
    return number


def money(value: object, *, field: str = "amount") -> Decimal:
    """Parse a str, int or Decimal into an amount rounded half up to the fen."""
    return _parse(value, field=field).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def unit_cost(value: object, *, field: str = "unit_cost") -> Decimal:
    """Parse a str, int or Decimal into a unit cost rounded half up to six decimals."""
    return _parse(value, field=field).quantize(UNIT_COST_QUANTUM, rounding=ROUND_HALF_UP)


def pro_rata(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``amount × part / whole`` rounded half up to the fen; the whole gets exactly ``amount``."""
    if part == whole:
        return amount
    with localcontext(prec=_WORKING_PRECISION):
        share = amount * part / whole
    return share.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def split_by_weights(total: Decimal, weights: Sequence[Decimal], *, field: str = "weights") -> list[Decimal]:
    """Split ``total`` over ``weights`` to the fen so the shares add up to ``total`` exactly."""
    amount = _parse(total, field="total")
    if amount != amount.quantize(MONEY_QUANTUM):
        # rounding here would make the shares add up to something other than what was asked
        raise InvalidInput("money.too_precise", field="total", value=str(total))
    exact_weights: list[Fraction] = []
    for index, weight in enumerate(weights):
        number = _parse(weight, field=f"{field}[{index}]")
        if number < 0:
            raise InvalidInput("money.negative_weight", field=f"{field}[{index}]", value=str(weight))
        exact_weights.append(Fraction(number))
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        raise InvalidInput("money.zero_weights", field=field, value=len(exact_weights))
    # Work on the magnitude in whole fen and put the sign back at the end, so a credit note is
    # split as the mirror image of the invoice it cancels.
    sign = -1 if amount < 0 else 1
    fen = int(abs(amount) * 100)
    exact = [fen * weight / weight_sum for weight in exact_weights]
    floors = [share.numerator // share.denominator for share in exact]
    leftover = fen - sum(floors)
    # Largest remainders first; ties go to the earlier line so the result is deterministic.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:leftover]:
        floors[index] += 1
    return [Decimal(sign * share).scaleb(-2) for share in floors]
