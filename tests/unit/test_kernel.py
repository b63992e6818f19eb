"""Kernel conventions: exact quantities, aware time, bilingual errors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from jxc.kernel.clock import require_aware
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id, stable_id
from jxc.kernel.messages import MESSAGES, bilingual
from jxc.kernel.quantity import from_minor, parse_quantity, positive_quantity, to_minor


def test_quantities_parse_exactly_from_text_and_float() -> None:
    assert parse_quantity("1.25") == Decimal("1.25")
    assert parse_quantity(0.1) == Decimal("0.1")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_non_numbers_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_quantity(bad, field="lines[0].quantity")
    assert info.value.field == "lines[0].quantity"


@pytest.mark.parametrize("bad", ["0", "-3"])
def test_zero_and_negative_quantities_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput) as info:
        positive_quantity(bad)
    assert info.value.code == "quantity.not_positive"


def test_more_than_six_decimals_is_refused_rather_than_rounded() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_quantity("0.0000001")
    assert info.value.code == "quantity.too_precise"


def test_minor_units_round_trip() -> None:
    for text in ["0", "1", "24", "0.000001", "123456.5"]:
        assert from_minor(to_minor(Decimal(text))) == Decimal(text)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput):
        require_aware(datetime(2026, 1, 1), field="occurred_at")


def test_ids_are_version_7_and_stable_ids_are_deterministic() -> None:
    assert new_id().version == 7
    assert stable_id("a", None, 1) == stable_id("a", None, 1) != stable_id("a", None, 2)


def test_every_message_has_both_languages_and_renders() -> None:
    for code, (zh, en) in MESSAGES.items():
        assert zh and en, code
    text = bilingual(InvalidInput("quantity.not_positive", field="quantity", value="-1"))
    assert "quantity" in text["en"] and "-1" in text["zh-CN"]


def test_stored_quantities_come_back_without_exponent_form() -> None:
    for text in ["40", "1200", "100000", "0.5", "0.000001"]:
        assert str(from_minor(to_minor(Decimal(text)))) == text


def test_a_quantity_above_the_per_line_limit_is_refused_on_every_path() -> None:
    from jxc.kernel.quantity import MAX_QUANTITY, parse_quantity, positive_quantity

    assert parse_quantity(MAX_QUANTITY) == MAX_QUANTITY
    for value in (MAX_QUANTITY + 1, str(MAX_QUANTITY + 1), "3e16", -(MAX_QUANTITY + 1)):
        with pytest.raises(InvalidInput) as error:
            parse_quantity(value)
        assert error.value.code == "quantity.too_large"
    with pytest.raises(InvalidInput):
        positive_quantity(10**12)
