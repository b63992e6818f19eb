"""Money: exact Decimal amounts in fen, and allocation that never loses or invents a fen."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.kernel.errors import InvalidInput
from jxc.kernel.money import MONEY_QUANTUM, UNIT_COST_QUANTUM, money, pro_rata, split_by_weights, unit_cost

D = Decimal


def test_money_parses_text_ints_and_decimals_to_the_fen() -> None:
    assert money("12.5") == D("12.50")
    assert money(" 7 ") == D("7.00")
    assert money(3) == D("3.00")
    assert money(D("0.1")) == D("0.10")
    assert money("-4.2") == D("-4.20")
    assert money("12.5").as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.005", "1.01"), ("1.0049", "1.00"), ("-1.005", "-1.01"), ("2.675", "2.68"), ("0.004", "0.00")],
)
def test_money_rounds_half_up_away_from_zero(text: str, expected: str) -> None:
    assert money(text) == D(expected)


@pytest.mark.parametrize("bad", [1.5, 0.1, True, None, "abc", "", "NaN", "Infinity", "-inf", D("NaN")])
def test_floats_and_non_numbers_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidInput) as info:
        money(bad, field="lines[0].price")
    assert info.value.code == "money.invalid"
    assert info.value.field == "lines[0].price"


def test_unit_costs_keep_six_decimals() -> None:
    assert unit_cost("3.3333335") == D("3.333334")
    assert unit_cost(D(10) / D(3)) == D("3.333333")
    assert str(D("1.5").quantize(UNIT_COST_QUANTUM)) == "1.500000"
    assert str(D("1.5").quantize(MONEY_QUANTUM)) == "1.50"
    with pytest.raises(InvalidInput):
        unit_cost(0.5)


def test_pro_rata_gives_the_whole_amount_for_the_whole_and_rounds_parts_half_up() -> None:
    assert pro_rata(D("10.00"), D(3), D(3)) == D("10.00")
    assert pro_rata(D("10.00"), D(1), D(3)) == D("3.33")
    assert pro_rata(D("6.67"), D(1), D(2)) == D("3.34")  # 3.335 rounds up
    assert pro_rata(D("-6.67"), D(1), D(2)) == D("-3.34")


def test_split_by_weights_gives_the_leftover_fen_to_the_largest_remainder() -> None:
    # 300.00 × 1000/1650 = 181.8181…  → 181.81, remainder .8181…
    # 300.00 ×  650/1650 = 118.1818…  → 118.18, remainder .1818…
    # floors add up to 299.99; the missing fen goes to the larger remainder (the first line)
    assert split_by_weights(D("300.00"), [D("1000.00"), D("650.00")]) == [D("181.82"), D("118.18")]


def test_split_by_weights_breaks_ties_in_favour_of_the_earlier_line() -> None:
    # 0.10 / 3 = 0.0333… each: floors 0.03 × 3 = 0.09, the one fen left goes to the first line
    assert split_by_weights(D("0.10"), [D(1), D(1), D(1)]) == [D("0.04"), D("0.03"), D("0.03")]


def test_negative_totals_split_as_the_mirror_image_of_positive_ones() -> None:
    assert split_by_weights(D("-0.10"), [D(1), D(1), D(1)]) == [D("-0.04"), D("-0.03"), D("-0.03")]


def test_zero_weights_take_nothing_and_a_zero_total_gives_zeros() -> None:
    assert split_by_weights(D("5.00"), [D(0), D(2), D(0)]) == [D("0.00"), D("5.00"), D("0.00")]
    assert split_by_weights(D("0.00"), [D(1), D(3)]) == [D("0.00"), D("0.00")]


@pytest.mark.parametrize("weights", [[], [D(0)], [D(0), D("0.000")]])
def test_all_zero_or_no_weights_are_refused(weights: list[Decimal]) -> None:
    with pytest.raises(InvalidInput) as info:
        split_by_weights(D("1.00"), weights)
    assert info.value.code == "money.zero_weights"


def test_negative_weights_are_refused_naming_the_line() -> None:
    with pytest.raises(InvalidInput) as info:
        split_by_weights(D("1.00"), [D(1), D(-1)], field="lines")
    assert (info.value.code, info.value.field) == ("money.negative_weight", "lines[1]")


def test_a_total_finer_than_a_fen_is_refused_rather_than_rounded() -> None:
    with pytest.raises(InvalidInput) as info:
        split_by_weights(D("1.005"), [D(1), D(1)])
    assert info.value.code == "money.too_precise"


_totals = st.integers(min_value=-(10**10), max_value=10**10).map(lambda fen: D(fen).scaleb(-2))
_weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(any)


@settings(max_examples=200, deadline=None)
@given(total=_totals, weights=_weights)
def test_split_by_weights_adds_up_exactly_and_stays_within_a_fen_of_the_exact_share(
    total: Decimal, weights: list[Decimal]
) -> None:
    shares = split_by_weights(total, weights)
    assert sum(shares, D(0)) == total
    weight_sum = sum((Fraction(weight) for weight in weights), Fraction(0))
    for share, weight in zip(shares, weights, strict=True):
        assert share == share.quantize(MONEY_QUANTUM)
        exact = Fraction(total) * Fraction(weight) / weight_sum
        assert abs(Fraction(share) - exact) < Fraction(1, 100)
    assert split_by_weights(-total, weights) == [-share for share in shares]
