"""The catalog's pure model: items, unit conversions, validation, partners."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jxc.catalog.model import (
    KNOWN_UNITS,
    AbcClass,
    Item,
    ItemSpec,
    TrackingMode,
    new_customer,
    new_item,
    new_supplier,
)
from jxc.kernel.errors import Conflict, InvalidInput


def make_item(**overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "sku": "SYR-5ML",
        "name_zh": "一次性注射器 5ml",
        "name_en": "Disposable syringe 5 ml",
        "category": "医疗耗材/注射器",
        "base_unit": "支",
        "units": {"箱": Decimal(24), "盒": 6},
    }
    fields.update(overrides)
    return new_item(**fields)


def raised(error: pytest.ExceptionInfo[Any]) -> tuple[str, str | None]:
    return error.value.code, error.value.field


# --- conversions ----------------------------------------------------------------------------


def test_box_of_24_converts_to_24_base_units() -> None:
    assert make_item().to_base(Decimal(1), "箱") == 24


def test_base_unit_converts_unchanged() -> None:
    assert make_item().to_base(Decimal("7.5"), "支") == Decimal("7.5")


def test_fractional_boxes_convert_when_exact() -> None:
    assert make_item().to_base(Decimal("1.5"), "箱") == 36


def test_factor_given_as_int_or_text_is_a_decimal() -> None:
    item = make_item(units={"盒": 6, "箱": "24"})
    assert item.units == {"盒": Decimal(6), "箱": Decimal(24)}
    assert all(isinstance(factor, Decimal) for factor in item.units.values())


def test_fractional_factor_converts_grams_into_kilograms() -> None:
    item = make_item(base_unit="kg", units={"g": Decimal("0.001")})
    assert item.to_base(Decimal(250), "g") == Decimal("0.25")


def test_conversion_finer_than_quantity_scale_is_refused_not_rounded() -> None:
    item = make_item(base_unit="kg", units={"g": Decimal("0.001")})
    with pytest.raises(InvalidInput) as error:
        item.to_base(Decimal("0.0005"), "g")
    assert raised(error) == ("unit.inexact", "quantity")
    assert error.value.params["base"] == "kg"


def test_huge_quantity_converts_without_silent_rounding() -> None:
    item = make_item(units={"箱": Decimal("1.000001")})
    qty = Decimal("999999.123456")  # × 1.000001 needs 12 decimal places: must be refused, not rounded
    with pytest.raises(InvalidInput) as error:
        item.to_base(qty, "箱")
    assert error.value.code == "unit.inexact"


def test_known_unit_without_conversion_is_not_convertible() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item().to_base(Decimal(1), "kg")
    assert raised(error) == ("unit.not_convertible", "unit")
    assert error.value.params == {"value": "kg", "item": "SYR-5ML", "base": "支"}


def test_unit_nobody_knows_is_unknown() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item().to_base(Decimal(1), "furlong")
    assert raised(error) == ("unit.unknown", "unit")


def test_unit_codes_are_case_sensitive() -> None:
    assert "L" in KNOWN_UNITS
    with pytest.raises(InvalidInput) as error:
        make_item(base_unit="L").to_base(Decimal(1), "l")
    assert error.value.code == "unit.unknown"


def test_quantity_with_too_many_decimals_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item().to_base(Decimal("0.0000001"), "支")
    assert error.value.code == "quantity.too_precise"


def test_base_unit_listed_with_factor_one_is_implicit() -> None:
    assert make_item(units={"支": 1, "箱": 24}).units == {"箱": Decimal(24)}


def test_base_unit_listed_with_another_factor_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(units={"支": 2})
    assert raised(error) == ("field.invalid", "factor")


@pytest.mark.parametrize("factor", [0, -24, "abc", "0.0000001"])
def test_unit_factor_must_be_a_positive_exact_decimal(factor: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(units={"箱": factor})
    assert error.value.field == "factor"


def test_conversion_unit_must_be_known() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(units={"pallet": 480})
    assert raised(error) == ("unit.unknown", "unit")


def test_base_unit_must_be_known() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(base_unit="furlong")
    assert raised(error) == ("unit.unknown", "base_unit")


def test_adding_a_unit_returns_an_item_that_converts_it() -> None:
    item = make_item().with_unit("包", Decimal(10))
    assert item.to_base(Decimal(2), "包") == 20


def test_adding_the_same_unit_again_with_the_same_factor_changes_nothing() -> None:
    item = make_item()
    assert item.with_unit("箱", 24) is item


def test_redefining_a_unit_with_another_factor_is_a_conflict() -> None:
    with pytest.raises(Conflict) as error:
        make_item().with_unit("箱", 12)
    assert raised(error) == ("unit.duplicate", "unit")


# --- validation -----------------------------------------------------------------------------


def test_sku_is_trimmed() -> None:
    assert make_item(sku="  SYR-5ML \n").sku == "SYR-5ML"


@pytest.mark.parametrize("sku", ["", "   ", None])
def test_sku_is_required(sku: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(sku=sku)
    assert raised(error) == ("field.required", "sku")


def test_sku_with_inner_whitespace_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(sku="SYR 5ML")
    assert raised(error) == ("field.invalid", "sku")


def test_sku_longer_than_64_characters_is_refused() -> None:
    make_item(sku="S" * 64)
    with pytest.raises(InvalidInput) as error:
        make_item(sku="S" * 65)
    assert raised(error) == ("field.invalid", "sku")


@pytest.mark.parametrize("field", ["name_zh", "name_en", "category"])
def test_names_and_category_are_required(field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(**{field: " "})
    assert raised(error) == ("field.required", field)


def test_category_path_is_tidied_and_split() -> None:
    item = make_item(category=" 生鲜 / 水果 ")
    assert item.category == "生鲜/水果"
    assert item.category_path == ("生鲜", "水果")


def test_category_with_an_empty_segment_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(category="五金//紧固件")
    assert raised(error) == ("field.invalid", "category")


def test_cold_chain_item_keeps_its_2_to_8_degree_range() -> None:
    item = make_item(storage_min_c=2, storage_max_c="8")
    assert (item.storage_min_c, item.storage_max_c) == (Decimal(2), Decimal(8))


def test_frozen_range_may_be_below_zero() -> None:
    item = make_item(storage_min_c=Decimal(-25), storage_max_c=Decimal(-18))
    assert item.storage_max_c == -18


def test_storage_range_upside_down_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(storage_min_c=8, storage_max_c=2)
    assert raised(error) == ("item.storage_range", "storage_min_c")


def test_one_sided_storage_range_is_allowed() -> None:
    item = make_item(storage_max_c=25)
    assert item.storage_min_c is None and item.storage_max_c == 25


def test_item_with_shelf_life_expires() -> None:
    assert make_item(shelf_life_days=7).expires
    assert not make_item().expires


@pytest.mark.parametrize("days", [0, -1, True, "7"])
def test_shelf_life_must_be_at_least_one_whole_day(days: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(shelf_life_days=days)
    assert raised(error) == ("field.invalid", "shelf_life_days")


def test_tracking_and_abc_class_parse_from_text() -> None:
    item = make_item(tracking="lot", abc_class="a")
    assert item.tracking is TrackingMode.LOT
    assert item.abc_class is AbcClass.A


def test_defaults_are_untracked_class_c() -> None:
    item = make_item()
    assert (item.tracking, item.abc_class, item.barcodes, item.attributes) == (
        TrackingMode.NONE,
        AbcClass.C,
        (),
        {},
    )


@pytest.mark.parametrize(("field", "value"), [("tracking", "batch"), ("abc_class", "D")])
def test_unknown_tracking_or_abc_class_is_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(**{field: value})
    assert raised(error) == ("field.invalid", field)


def test_barcodes_must_already_be_normalised_gtins() -> None:
    with pytest.raises(InvalidInput) as error:
        make_item(barcodes=["69012345678X2"])
    assert raised(error) == ("barcode.invalid", "barcode")


def test_repeated_barcodes_are_kept_once_in_order() -> None:
    item = make_item(barcodes=["6901234567892", "96385074", "6901234567892"])
    assert item.barcodes == ("6901234567892", "96385074")


def test_attribute_values_must_be_text() -> None:
    assert make_item(attributes={"品牌": "康宁"}).attributes == {"品牌": "康宁"}
    with pytest.raises(InvalidInput) as error:
        make_item(attributes={"weight": 5})
    assert raised(error) == ("field.invalid", "attributes")


def test_spec_builds_the_same_item_as_the_factory() -> None:
    spec = ItemSpec(sku="B-1", name_zh="螺栓", name_en="Bolt", category="五金/紧固件", base_unit="个")
    item = spec.build()
    assert (item.sku, item.base_unit, item.category) == ("B-1", "个", "五金/紧固件")


def test_items_hash_by_identity_despite_dict_fields() -> None:
    item = make_item()
    assert {item: 1}[item] == 1


# --- partners -------------------------------------------------------------------------------


def test_supplier_keeps_optional_contact_details() -> None:
    supplier = new_supplier(code=" SUP-1 ", name="华东医械", phone="021-1234", region="华东", email=" ")
    assert (supplier.code, supplier.phone, supplier.email) == ("SUP-1", "021-1234", None)


def test_customer_email_must_look_like_an_address() -> None:
    with pytest.raises(InvalidInput) as error:
        new_customer(code="C-1", name="瑞金医院", email="not-an-address")
    assert raised(error) == ("field.invalid", "email")


def test_partner_code_follows_the_code_rules() -> None:
    with pytest.raises(InvalidInput) as error:
        new_customer(code="C 1", name="x")
    assert raised(error) == ("field.invalid", "code")


def test_supplier_and_customer_with_same_fields_are_not_equal() -> None:
    supplier = new_supplier(code="P", name="n")
    customer = new_customer(code="P", name="n", customer_id=supplier.id)
    assert supplier != customer  # type: ignore[comparison-overlap]
