"""The access policy, pure: role actions, posting rules, row scopes, field masks, policy-file validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jxc.access import policy as policy_files
from jxc.access.model import (
    ACTIONS,
    MASK_TEXT,
    FieldRule,
    Policy,
    Principal,
    Role,
    Scope,
    ScopeSite,
    haversine_km,
    key_principal,
    locked_until,
    new_api_key,
    new_user,
    sites_in_scope,
)
from jxc.kernel.errors import Forbidden, InvalidInput, TooManyAttempts, Unauthenticated
from jxc.kernel.messages import MESSAGES
from jxc.org.model import haversine_km as org_haversine_km

POLICY = policy_files.default_policy()

SHANGHAI = ScopeSite("WH-SH", "ORG-A", "华东", Decimal("31.23"), Decimal("121.47"))
HANGZHOU = ScopeSite("ST-HZ", "ORG-A", "华东", Decimal("30.27"), Decimal("120.15"))
SUZHOU = ScopeSite("ST-SZ", "ORG-B", "华东", Decimal("31.30"), Decimal("120.58"))
HEFEI = ScopeSite("ST-HF", "ORG-A", "华东", Decimal("31.82"), Decimal("117.23"))  # ≈ 400 km
GUANGZHOU = ScopeSite("ST-GZ", "ORG-A", "华南", Decimal("23.13"), Decimal("113.26"))
NANTONG_OTHER_REGION = ScopeSite("ST-NT", "ORG-A", "华北", Decimal("31.98"), Decimal("120.89"))
CUSTOMER = ScopeSite("@customer", None, None, None, None, is_virtual=True)
ADJUSTMENT = ScopeSite("@adjustment", None, None, None, None, is_virtual=True)
SUPPLIER = ScopeSite("@supplier", None, None, None, None, is_virtual=True)
SITES = {s.code: s for s in (SHANGHAI, HANGZHOU, SUZHOU, HEFEI, GUANGZHOU, NANTONG_OTHER_REGION, CUSTOMER,
                             ADJUSTMENT, SUPPLIER)}


def principal(*roles: Role, scope: Scope | None = None, subject: str = "user:test") -> Principal:
    return Principal(subject=subject, roles=frozenset(roles), scope=scope or Scope())


def regional_scope(radius: str = "200") -> Scope:
    return Scope(region="华东", home_site="WH-SH", home_latitude=SHANGHAI.latitude,
                 home_longitude=SHANGHAI.longitude, radius_km=Decimal(radius))


# --- actions per role -----------------------------------------------------------------------

EXPECTED_ACTIONS = {
    Role.PURCHASING_DIRECTOR: ACTIONS,
    Role.REGIONAL_MANAGER: {"item.read", "partner.read", "site.read", "stock.read", "movement.read",
                            "movement.post", "reservation.read", "reservation.post",
                            "document.read", "document.write", "approval.decide", "signal.read",
                            "replenishment.read", "rule.read"},
    Role.WAREHOUSE_KEEPER: {"item.read", "site.read", "stock.read", "movement.read", "movement.post",
                            "reservation.read", "reservation.post", "document.read", "document.write",
                            "approval.decide"},
    Role.STORE_CLERK: {"item.read", "site.read", "stock.read", "movement.read", "movement.post",
                       "reservation.read", "reservation.post", "document.read", "document.write",
                       "approval.decide", "signal.read", "signal.write"},
    Role.FINANCE: {"item.read", "partner.read", "site.read", "stock.read", "movement.read", "reservation.read",
                   "document.read", "voucher.read", "period.close", "approval.decide", "signal.read",
                   "replenishment.read", "rule.read"},
    Role.AUDITOR: {a for a in ACTIONS if a.endswith(".read")},
    Role.DEVICE: {"item.read", "site.read", "stock.read", "movement.post", "signal.write"},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_exactly_its_declared_actions(role: Role) -> None:
    who = principal(role)
    assert {a for a in ACTIONS if POLICY.allows(who, a)} == EXPECTED_ACTIONS[role]


def test_every_role_has_a_chinese_name() -> None:
    assert Role.REGIONAL_MANAGER.name_zh == "区域经理" and Role.DEVICE.name_zh == "设备"
    assert all(role.name_zh for role in Role)


def test_the_auditor_is_read_only_but_may_read_the_audit_log() -> None:
    auditor = principal(Role.AUDITOR)
    assert POLICY.allows(auditor, "audit.read")
    assert not any(POLICY.allows(auditor, a) for a in ACTIONS if not a.endswith(".read"))


def test_finance_reads_everything_it_needs_but_posts_no_stock() -> None:
    finance = principal(Role.FINANCE)
    assert POLICY.allows(finance, "stock.read")
    with pytest.raises(Forbidden) as refused:
        POLICY.require(finance, "movement.post")
    assert refused.value.code == "access.denied"
    assert refused.value.params == {"subject": "user:test", "action": "movement.post"}


def test_several_roles_grant_the_union_of_their_actions() -> None:
    both = principal(Role.STORE_CLERK, Role.FINANCE)
    assert POLICY.allows(both, "partner.read") and POLICY.allows(both, "movement.post")


def test_a_principal_without_roles_may_do_nothing() -> None:
    assert not any(POLICY.allows(principal(), a) for a in ACTIONS)


def test_asking_about_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"stok\.read"):
        POLICY.allows(principal(Role.AUDITOR), "stok.read")


def test_refusals_map_to_403_and_failed_logins_to_401_and_429() -> None:
    assert (Forbidden.http_status, Forbidden.exit_code) == (403, 5)
    assert (Unauthenticated.http_status, Unauthenticated.exit_code) == (401, 6)
    assert TooManyAttempts.http_status == 429 and issubclass(TooManyAttempts, Unauthenticated)


def test_every_access_code_has_a_message_in_both_languages() -> None:
    codes = ["access.denied", "access.kind_denied", "access.counterparty_denied", "access.out_of_scope",
             "access.site_bound", "access.login_failed", "access.too_many_attempts", "access.token_invalid",
             "access.key_invalid", "access.password_too_short", "access.role_not_held", "user.duplicate",
             "user.not_found"]
    assert all(code in MESSAGES for code in codes)


# --- postings -------------------------------------------------------------------------------


def clerk_at_hangzhou() -> Principal:
    return principal(Role.STORE_CLERK, scope=Scope(organisations=frozenset({"ORG-A"}), region="华东",
                                                   home_site="ST-HZ", home_latitude=HANGZHOU.latitude,
                                                   home_longitude=HANGZHOU.longitude, radius_km=Decimal("5")))


def test_a_clerk_may_post_sales_and_returns_at_their_store() -> None:
    clerk = clerk_at_hangzhou()
    POLICY.check_posting(clerk, kind="sale", site_codes=["ST-HZ", "@customer"], sites=SITES)
    POLICY.check_posting(clerk, kind="return", site_codes=["@customer", "ST-HZ"], sites=SITES)


def test_a_clerk_cannot_post_adjustments() -> None:
    with pytest.raises(Forbidden) as refused:
        POLICY.check_posting(clerk_at_hangzhou(), kind="adjustment", site_codes=["ST-HZ", "@adjustment"],
                             sites=SITES)
    assert (refused.value.code, refused.value.field) == ("access.kind_denied", "kind")


def test_a_clerk_cannot_disguise_an_adjustment_as_a_sale() -> None:
    with pytest.raises(Forbidden) as refused:
        POLICY.check_posting(clerk_at_hangzhou(), kind="sale", site_codes=["ST-HZ", "@adjustment"], sites=SITES)
    assert refused.value.code == "access.counterparty_denied"
    assert refused.value.params["value"] == "@adjustment"


def test_a_clerk_cannot_post_at_a_store_outside_their_scope() -> None:
    with pytest.raises(Forbidden) as refused:
        POLICY.check_posting(clerk_at_hangzhou(), kind="sale", site_codes=["ST-SZ", "@customer"], sites=SITES)
    assert (refused.value.code, refused.value.field, refused.value.params["value"]) == (
        "access.out_of_scope", "site", "ST-SZ"
    )


def test_a_site_the_caller_could_not_resolve_is_refused_as_out_of_scope() -> None:
    with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
        POLICY.check_posting(principal(Role.PURCHASING_DIRECTOR), kind="move", site_codes=["NOWHERE"], sites=SITES)


def test_the_warehouse_keeper_may_post_stocktake_adjustments_at_scoped_sites() -> None:
    keeper = principal(Role.WAREHOUSE_KEEPER, scope=Scope(organisations=frozenset({"ORG-A"})))
    POLICY.check_posting(keeper, kind="stocktake", site_codes=["WH-SH", "@adjustment"], sites=SITES)
    POLICY.check_posting(keeper, kind="receipt", site_codes=["@supplier", "WH-SH"], sites=SITES)
    with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
        POLICY.check_posting(keeper, kind="receipt", site_codes=["@supplier", "ST-SZ"], sites=SITES)


def test_a_regional_manager_moves_stock_only_between_sites_in_scope() -> None:
    manager = principal(Role.REGIONAL_MANAGER, scope=regional_scope())
    POLICY.check_posting(manager, kind="transfer_out", site_codes=["WH-SH", "ST-HZ"], sites=SITES)
    with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
        POLICY.check_posting(manager, kind="transfer_out", site_codes=["WH-SH", "ST-GZ"], sites=SITES)
    with pytest.raises(Forbidden, match=r"access\.kind_denied"):
        POLICY.check_posting(manager, kind="sale", site_codes=["ST-HZ", "@customer"], sites=SITES)


def test_reservations_check_the_action_and_the_scope_but_not_movement_kinds() -> None:
    manager = principal(Role.REGIONAL_MANAGER, scope=regional_scope())
    POLICY.check_posting(manager, kind="ship", site_codes=["ST-HZ", "@customer"], sites=SITES,
                         action="reservation.post")
    with pytest.raises(Forbidden, match=r"access\.denied"):
        POLICY.check_posting(principal(Role.DEVICE), kind="reserve", site_codes=["ST-HZ"], sites=SITES,
                             action="reservation.post")


def test_a_device_posts_only_at_its_own_site() -> None:
    scanner = principal(Role.DEVICE, scope=Scope().narrowed_to_site("ST-HZ"), subject="key:pda-07")
    POLICY.check_posting(scanner, kind="sale", site_codes=["ST-HZ", "@customer"], sites=SITES)
    with pytest.raises(Forbidden) as refused:
        POLICY.check_posting(scanner, kind="sale", site_codes=["ST-SZ", "@customer"], sites=SITES)
    assert refused.value.code == "access.site_bound"
    assert refused.value.params == {"subject": "key:pda-07", "value": "ST-SZ", "site": "ST-HZ"}
    with pytest.raises(Forbidden, match=r"access\.site_bound"):
        POLICY.check_posting(scanner, kind="move", site_codes=["ST-HZ", "WH-SH"], sites=SITES)


def test_a_device_key_acts_within_its_owners_scope_narrowed_to_its_site() -> None:
    owner = new_user(username="Zhang", display_name=None, roles=["device", "store_clerk"],
                     organisations=["ORG-B"])
    key = new_api_key(name="PDA-07", role="device", site_code="ST-HZ", device_id="PDA-07", user=owner,
                      created_at=datetime(2026, 1, 1, tzinfo=UTC))
    acting = key_principal(key, owner=owner, owner_scope=Scope(organisations=owner.organisations))
    assert acting.roles == {Role.DEVICE} and acting.device == "PDA-07"
    assert acting.scope.site == "ST-HZ"
    # ST-HZ belongs to ORG-A, outside the owner's organisations: the key may not post there either.
    with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
        POLICY.check_posting(acting, kind="sale", site_codes=["ST-HZ", "@customer"], sites=SITES)


def test_a_device_key_must_be_bound_to_a_site() -> None:
    with pytest.raises(InvalidInput) as missing:
        new_api_key(name="scanner", role="device", site_code=None, device_id=None, user=None,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert (missing.value.code, missing.value.field) == ("field.required", "site")


def test_a_key_cannot_hold_a_role_its_owner_lacks() -> None:
    clerk = new_user(username="li", display_name=None, roles=["store_clerk"])
    with pytest.raises(InvalidInput, match=r"access\.role_not_held"):
        new_api_key(name="etl", role="finance", site_code=None, device_id=None, user=clerk,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC))


# --- row scopes -----------------------------------------------------------------------------


def test_the_local_haversine_agrees_with_the_org_models() -> None:
    args = (31.23, 121.47, 30.27, 120.15)
    assert haversine_km(*args) == pytest.approx(org_haversine_km(*args))
    assert 160 < haversine_km(*args) < 170  # Shanghai → Hangzhou ≈ 165 km


def test_a_regional_manager_sees_their_region_within_200_km_of_shanghai() -> None:
    manager = principal(Role.REGIONAL_MANAGER, scope=regional_scope("200"))
    assert sites_in_scope(manager, SITES.values()) == {"WH-SH", "ST-HZ", "ST-SZ"}


def test_guangzhou_is_out_of_a_shanghai_scope_by_region_and_by_distance() -> None:
    by_distance_only = Scope(home_site="WH-SH", home_latitude=SHANGHAI.latitude,
                             home_longitude=SHANGHAI.longitude, radius_km=Decimal("200"))
    assert not by_distance_only.admits(GUANGZHOU)
    assert not Scope(region="华东").admits(GUANGZHOU)


def test_a_near_site_of_another_region_and_a_far_site_of_the_region_are_both_out() -> None:
    scope = regional_scope("200")
    assert not scope.admits(NANTONG_OTHER_REGION)  # ≈ 110 km, but 华北
    assert not scope.admits(HEFEI)  # 华东, but ≈ 400 km


def test_the_radius_can_be_widened_to_take_in_a_further_site() -> None:
    assert regional_scope("450").admits(HEFEI)


def test_an_organisation_scope_admits_only_those_organisations_sites() -> None:
    who = principal(Role.FINANCE, scope=Scope(organisations=frozenset({"ORG-B"})))
    assert sites_in_scope(who, SITES.values()) == {"ST-SZ"}


def test_an_unrestricted_scope_admits_every_real_site_but_no_virtual_one() -> None:
    assert Scope().unrestricted
    assert sites_in_scope(principal(Role.AUDITOR), SITES.values()) == {
        "WH-SH", "ST-HZ", "ST-SZ", "ST-HF", "ST-GZ", "ST-NT"
    }


def test_a_radius_without_home_coordinates_admits_nothing() -> None:
    scope = Scope(home_site="GONE", radius_km=Decimal("1000"))
    assert not any(scope.admits(site) for site in SITES.values())


def test_a_custom_distance_function_can_be_given() -> None:
    everywhere_near = regional_scope("1")
    assert everywhere_near.admits(HANGZHOU, distance=lambda *_: 0.0)


def test_a_radius_needs_a_home_site() -> None:
    with pytest.raises(InvalidInput) as missing:
        new_user(username="wang", display_name=None, roles=["regional_manager"], radius_km="200")
    assert (missing.value.code, missing.value.field) == ("field.required", "home_site")


@pytest.mark.parametrize("radius", ["0", "-5", "abc", "30000"])
def test_a_radius_must_be_a_sensible_positive_distance(radius: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        new_user(username="wang", display_name=None, roles=["regional_manager"], home_site="WH-SH",
                 radius_km=radius)
    assert bad.value.field == "radius_km"


def test_usernames_are_case_folded_and_roles_must_be_known() -> None:
    assert new_user(username="  ZhangSan ", display_name=None, roles=["finance"]).username == "zhangsan"
    with pytest.raises(InvalidInput) as bad:
        new_user(username="x", display_name=None, roles=["boss"])
    assert bad.value.field == "roles"
    with pytest.raises(InvalidInput):
        new_user(username="a b", display_name=None, roles=["finance"])


# --- field masks ----------------------------------------------------------------------------

ITEM = {"sku": "FR-0001", "name_zh": "苹果", "standard_cost": "12.50", "supplier_price": "11.00"}


def test_a_regional_manager_and_a_clerk_see_costs_masked() -> None:
    for role in (Role.REGIONAL_MANAGER, Role.STORE_CLERK):
        shown = POLICY.mask(principal(role), "item", ITEM)
        assert shown == {**ITEM, "standard_cost": MASK_TEXT, "supplier_price": MASK_TEXT}


def test_finance_and_the_auditor_see_costs() -> None:
    for role in (Role.FINANCE, Role.AUDITOR, Role.PURCHASING_DIRECTOR):
        assert POLICY.mask(principal(role), "item", ITEM) == ITEM


def test_a_device_does_not_even_see_the_cost_keys() -> None:
    assert POLICY.mask(principal(Role.DEVICE), "item", ITEM) == {"sku": "FR-0001", "name_zh": "苹果"}


def test_masks_apply_inside_nested_lists_and_dicts_without_touching_the_input() -> None:
    page = {"items": [ITEM, {**ITEM, "sku": "FR-0002"}], "next": None, "meta": {"standard_cost": "1"}}
    shown = POLICY.mask(principal(Role.STORE_CLERK), "item", page)
    assert [i["standard_cost"] for i in shown["items"]] == [MASK_TEXT, MASK_TEXT]
    assert shown["meta"] == {"standard_cost": MASK_TEXT} and shown["next"] is None
    assert page["items"][0]["standard_cost"] == "12.50"  # the input is unchanged


def test_export_rows_and_headers_follow_the_same_rules() -> None:
    rows = [{"site": "WH-SH", "quantity": "5", "unit_cost": "3", "value": "15"}]
    columns = ["site", "quantity", "unit_cost", "value"]
    assert POLICY.mask_rows(principal(Role.STORE_CLERK), "balance", rows) == [
        {"site": "WH-SH", "quantity": "5", "unit_cost": MASK_TEXT, "value": MASK_TEXT}
    ]
    assert POLICY.visible_columns(principal(Role.DEVICE), "balance", columns) == ["site", "quantity"]
    assert POLICY.visible_columns(principal(Role.FINANCE), "balance", columns) == columns


def test_several_roles_see_a_field_as_openly_as_their_most_open_role() -> None:
    assert POLICY.field_rule(principal(Role.STORE_CLERK, Role.FINANCE), "item", "standard_cost") is FieldRule.SHOW
    assert POLICY.field_rule(principal(Role.STORE_CLERK, Role.DEVICE), "item", "standard_cost") is FieldRule.MASK


def test_a_field_default_applies_to_roles_not_named() -> None:
    assert POLICY.field_rule(principal(Role.FINANCE), "audit", "source_ip") is FieldRule.MASK
    assert POLICY.field_rule(principal(Role.AUDITOR), "audit", "source_ip") is FieldRule.SHOW


def test_masking_an_undeclared_resource_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="iten"):
        POLICY.mask(principal(Role.FINANCE), "iten", ITEM)


# --- the policy file ------------------------------------------------------------------------

ALL_ROLES = "\n".join(f'[roles.{role.value}]\nactions = ["item.read"]\n' for role in Role)


def parse(text: str) -> Policy:
    return policy_files.parse_policy(text, source="test.toml")


def refused_key(text: str) -> str | None:
    with pytest.raises(InvalidInput) as bad:
        parse(text)
    assert bad.value.code == "config.invalid" and bad.value.params["value"] == "test.toml"
    return bad.value.field


def test_a_minimal_policy_declaring_every_role_parses() -> None:
    parsed = parse(ALL_ROLES + '\n[fields.item]\ncost = "hide"\n')
    assert parsed.field_rule(principal(Role.FINANCE), "item", "cost") is FieldRule.HIDE


def test_action_patterns_expand_to_known_actions() -> None:
    parsed = parse(ALL_ROLES.replace('[roles.auditor]\nactions = ["item.read"]',
                                     '[roles.auditor]\nactions = ["*.read", "stock.*"]'))
    assert parsed.roles[Role.AUDITOR].actions == {a for a in ACTIONS if a.endswith(".read")}


def test_every_role_must_be_declared() -> None:
    assert refused_key(ALL_ROLES.replace("[roles.device]", "[roles_device]")) in {"roles.device", "roles_device"}
    assert refused_key('[roles.finance]\nactions = []\n') == "roles.purchasing_director"


def test_an_unknown_role_is_refused_naming_its_key() -> None:
    assert refused_key(ALL_ROLES + '[roles.boss]\nactions = ["*"]\n') == "roles.boss"


def test_an_unknown_action_is_refused_naming_its_index() -> None:
    text = ALL_ROLES.replace('[roles.finance]\nactions = ["item.read"]',
                             '[roles.finance]\nactions = ["item.read", "stok.read"]')
    assert refused_key(text) == "roles.finance.actions[1]"


def test_an_unknown_key_in_a_role_is_refused() -> None:
    text = ALL_ROLES.replace('[roles.finance]\n', '[roles.finance]\nmovement_kind = ["sale"]\n')
    assert refused_key(text) == "roles.finance.movement_kind"


def test_a_role_without_actions_is_refused() -> None:
    text = ALL_ROLES.replace('[roles.finance]\nactions = ["item.read"]', '[roles.finance]\n')
    assert refused_key(text) == "roles.finance.actions"


def test_a_counterparty_must_be_a_virtual_site_code() -> None:
    text = ALL_ROLES.replace('[roles.store_clerk]\n', '[roles.store_clerk]\ncounterparties = ["customer"]\n')
    assert refused_key(text) == "roles.store_clerk.counterparties[0]"


def test_a_field_rule_must_be_show_mask_or_hide() -> None:
    assert refused_key(ALL_ROLES + '[fields.item]\ncost = { finance = "blur" }\n') == "fields.item.cost.finance"
    assert refused_key(ALL_ROLES + '[fields.item]\ncost = { clerk = "mask" }\n') == "fields.item.cost.clerk"
    assert refused_key(ALL_ROLES + '[fields.item]\ncost = 3\n') == "fields.item.cost"


def test_broken_toml_unknown_top_level_keys_and_versions_are_refused() -> None:
    assert refused_key("[roles\n") == "policy"
    assert refused_key("extra = 1\n" + ALL_ROLES) == "extra"
    assert refused_key(ALL_ROLES + "extra = 1\n") == "roles.device.extra"  # TOML: it lands in the last table
    assert refused_key("version = 2\n" + ALL_ROLES) == "version"


def test_a_missing_policy_file_is_a_config_error() -> None:
    with pytest.raises(InvalidInput, match=r"config\.invalid"):
        policy_files.load_policy("/nonexistent/policy.toml")


def test_an_operators_policy_file_is_loaded_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(ALL_ROLES, encoding="utf-8")
    assert policy_files.load_policy(path).source == str(path)


# --- login throttling -----------------------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_four_failures_do_not_lock_but_five_do_until_the_oldest_counted_ages_out() -> None:
    failures = [T0 + timedelta(minutes=m) for m in range(5)]
    assert locked_until(failures[:4], now=T0 + timedelta(minutes=5)) is None
    assert locked_until(failures, now=T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=15)


def test_failures_older_than_the_window_do_not_count() -> None:
    failures = [T0 + timedelta(minutes=m) for m in range(5)]
    assert locked_until(failures, now=T0 + timedelta(minutes=15)) is None
