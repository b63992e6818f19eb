"""The org context's pure model: organisations, sites, virtual sites, bins, projects, geography."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id
from jxc.org.model import (
    VIRTUAL_SITE_CODES,
    ProjectStatus,
    Relation,
    Site,
    SiteKind,
    VirtualRole,
    haversine_km,
    new_bin,
    new_organisation,
    new_project,
    new_site,
    validate_timezone,
    virtual_site,
)

SHANGHAI = (Decimal("31.2304"), Decimal("121.4737"))
HANGZHOU = (Decimal("30.2741"), Decimal("120.1551"))
BEIJING = (Decimal("39.9042"), Decimal("116.4074"))


def make_site(**overrides: Any) -> Site:
    fields: dict[str, Any] = {
        "code": "WH-SH",
        "name_zh": "上海仓",
        "name_en": "Shanghai DC",
        "kind": "warehouse",
        "organisation_id": new_id(),
        "latitude": SHANGHAI[0],
        "longitude": SHANGHAI[1],
        "region": "华东",
    }
    fields.update(overrides)
    return new_site(**fields)


def raised(error: pytest.ExceptionInfo[Any]) -> tuple[str, str | None]:
    return error.value.code, error.value.field


# --- geography ------------------------------------------------------------------------------


def test_shanghai_to_hangzhou_is_about_165_km() -> None:
    assert haversine_km(*SHANGHAI, *HANGZHOU) == pytest.approx(165, abs=3)


def test_shanghai_to_beijing_is_about_1067_km() -> None:
    assert haversine_km(*SHANGHAI, *BEIJING) == pytest.approx(1067, rel=0.01)


def test_distance_to_the_same_point_is_zero() -> None:
    assert haversine_km(*SHANGHAI, *SHANGHAI) == 0


def test_distance_is_symmetric() -> None:
    assert haversine_km(*SHANGHAI, *BEIJING) == pytest.approx(haversine_km(*BEIJING, *SHANGHAI))


def test_antipodal_points_are_half_the_circumference_apart() -> None:
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015, rel=0.001)


def test_site_distance_uses_both_sites_coordinates() -> None:
    shanghai = make_site()
    hangzhou = make_site(code="ST-HZ", kind="store", latitude=HANGZHOU[0], longitude=HANGZHOU[1])
    assert shanghai.distance_km(hangzhou) == pytest.approx(165, abs=3)
    assert shanghai.distance_km(virtual_site(VirtualRole.CUSTOMER)) is None


# --- sites ----------------------------------------------------------------------------------


def test_real_site_defaults_to_shanghai_time_and_no_negative_stock() -> None:
    site = make_site()
    assert (site.timezone, site.allow_negative, site.is_virtual, site.virtual_role) == (
        "Asia/Shanghai",
        False,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", "90.0001"), ("latitude", -91), ("longitude", "180.5")]
)
def test_coordinates_out_of_range_are_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(**{field: value})
    assert raised(error) == ("field.invalid", field)


@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_real_sites_need_coordinates(field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(**{field: None})
    assert raised(error) == ("field.required", field)


def test_coordinates_on_the_edge_are_accepted() -> None:
    site = make_site(latitude=-90, longitude="180")
    assert (site.latitude, site.longitude) == (Decimal(-90), Decimal(180))


def test_coordinate_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(latitude="north")
    assert raised(error) == ("field.invalid", "latitude")


def test_coordinates_are_rounded_to_six_places() -> None:
    site = make_site(latitude="31.23041649", longitude=121.4737)
    assert site.latitude == Decimal("31.230416")
    assert site.longitude == Decimal("121.4737")


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(timezone="Asia/Beijing")
    assert raised(error) == ("timezone.unknown", "timezone")


@pytest.mark.parametrize("name", ["../etc/passwd", "Mars/Olympus"])
def test_malformed_time_zone_names_are_unknown(name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_timezone(name)
    assert error.value.code == "timezone.unknown"


def test_iana_time_zones_are_accepted() -> None:
    assert make_site(timezone="Asia/Urumqi").timezone == "Asia/Urumqi"
    assert validate_timezone(" UTC ") == "UTC"


def test_real_site_needs_an_organisation() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(organisation_id=None)
    assert raised(error) == ("field.required", "organisation")


def test_virtual_kind_cannot_be_registered_by_hand() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(kind="virtual")
    assert raised(error) == ("site.virtual_mismatch", "kind")


def test_at_sign_codes_are_reserved_for_virtual_sites() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(code="@supplier")
    assert raised(error) == ("field.invalid", "code")


def test_unknown_site_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(kind="depot")
    assert raised(error) == ("field.invalid", "kind")


def test_channel_site_names_its_platform_in_lower_case() -> None:
    site = make_site(code="CH-TMALL", kind=SiteKind.CHANNEL, channel=" Tmall ")
    assert site.channel == "tmall"


def test_only_channel_sites_name_a_channel() -> None:
    with pytest.raises(InvalidInput) as error:
        make_site(kind="store", channel="douyin")
    assert raised(error) == ("field.invalid", "channel")


def test_there_is_one_virtual_site_per_role_with_its_fixed_code() -> None:
    codes = {virtual_site(role).code for role in VirtualRole}
    assert codes == {"@supplier", "@customer", "@adjustment", "@production", "@transit-loss"}
    assert set(VIRTUAL_SITE_CODES) == set(VirtualRole)


def test_virtual_sites_always_allow_negative_and_have_no_organisation() -> None:
    site = virtual_site(VirtualRole.SUPPLIER)
    assert site.is_virtual and site.allow_negative
    assert site.organisation_id is None and site.virtual_role is VirtualRole.SUPPLIER


# --- organisations --------------------------------------------------------------------------


def test_organisation_relation_parses_from_text() -> None:
    organisation = new_organisation(
        code="SUB-EAST", name_zh="华东子公司", name_en="East", relation="franchise"
    )
    assert organisation.relation is Relation.FRANCHISE and organisation.parent_code is None


def test_organisation_cannot_be_its_own_parent() -> None:
    with pytest.raises(InvalidInput) as error:
        new_organisation(code="A", name_zh="甲", name_en="A", relation="direct", parent_code="A")
    assert raised(error) == ("field.invalid", "parent_code")


def test_unknown_relation_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        new_organisation(code="A", name_zh="甲", name_en="A", relation="partner")
    assert raised(error) == ("field.invalid", "relation")


# --- bins and projects ----------------------------------------------------------------------


def test_bin_keeps_its_position_in_metres() -> None:
    site = make_site()
    shelf = new_bin(site=site, code="A-01-02", x="12.5", y=3, z=Decimal("1.2"), zone="cold")
    assert (shelf.site_id, shelf.x, shelf.y, shelf.z, shelf.zone) == (
        site.id,
        Decimal("12.5"),
        Decimal(3),
        Decimal("1.2"),
        "cold",
    )


def test_put_away_60_cm_from_the_planned_bin_is_measured_as_0_6_m() -> None:
    shelf = new_bin(site=make_site(), code="A-01", x=0, y=0, z=0)
    assert shelf.distance_m(Decimal("0.36"), Decimal("0.48"), Decimal(0)) == Decimal("0.6")


def test_virtual_sites_have_no_bins() -> None:
    with pytest.raises(InvalidInput) as error:
        new_bin(site=virtual_site(VirtualRole.CUSTOMER), code="A", x=0, y=0, z=0)
    assert raised(error) == ("site.virtual_mismatch", "site")


def test_bin_position_must_be_a_number() -> None:
    with pytest.raises(InvalidInput) as error:
        new_bin(site=make_site(), code="A", x="left", y=0, z=0)
    assert raised(error) == ("quantity.not_a_number", "x")


def test_new_project_is_open_and_closing_it_twice_is_harmless() -> None:
    project = new_project(code="PRJ-2026-001", name="浦东工地", organisation_id=new_id(), site=make_site())
    assert project.status is ProjectStatus.OPEN
    assert project.close().close().status is ProjectStatus.CLOSED


def test_project_cannot_sit_at_a_virtual_site() -> None:
    with pytest.raises(InvalidInput) as error:
        new_project(code="P", name="p", organisation_id=new_id(), site=virtual_site(VirtualRole.PRODUCTION))
    assert raised(error) == ("site.virtual_mismatch", "site")
