"""Access use cases on SQLite and PostgreSQL: users, login, tokens, rate limit, API keys, scopes, audit."""

from __future__ import annotations

import json
import random
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from jxc.access import default_policy
from jxc.access import services as access
from jxc.access.model import Outcome, Role
from jxc.access.tables import acc_api_keys, acc_audit
from jxc.bootstrap import App
from jxc.db.engine import build_engine
from jxc.db.metadata import all_metadata
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from jxc.org import services as org
from tests.conftest import ref
from tests.factories import Network, network

SECRET = "test-signing-secret-of-32-bytes!!"
PASSWORD = "correct horse battery"


def ip() -> str:
    """A random private address, so one test's failures never lock another's."""
    return "10." + ".".join(str(random.randrange(256)) for _ in range(3))


def user(app: App, *roles: str, **scope: object) -> str:
    name = ref("u").lower()
    with app.uow() as uow:
        access.add_user(uow, username=name, password=PASSWORD, display_name="测试用户",
                        roles=list(roles) or ["finance"], **scope)
    return name


def login(app: App, name: str, password: str = PASSWORD, *, source: str | None = None) -> access.Session:
    with app.uow() as uow:
        return access.login(uow, username=name, password=password, source_ip=source or ip(), secret=SECRET)


# --- users, login, tokens -------------------------------------------------------------------


def test_a_user_logs_in_and_their_tokens_name_them(app: App, clock: FixedClock) -> None:
    name = user(app, "store_clerk", lang="en")
    session = login(app, name.upper())  # usernames are case-insensitive
    assert session.principal.subject == f"user:{name}" and session.principal.roles == {Role.STORE_CLERK}
    assert session.principal.lang == "en" and session.principal.display_name == "测试用户"
    assert session.tokens.expires_in == 900 and session.tokens.token_type == "bearer"
    assert session.tokens.access_expires_at == clock.now() + timedelta(minutes=15)
    assert session.tokens.refresh_expires_at == clock.now() + timedelta(days=7)
    with app.uow() as uow:
        again = access.principal_from_token(uow, session.tokens.access_token, secret=SECRET)
    assert again == session.principal


def test_an_access_token_expires_after_15_minutes_and_the_refresh_token_renews_it(
    app: App, clock: FixedClock
) -> None:
    name = user(app)
    tokens = login(app, name).tokens
    clock.advance(timedelta(minutes=14, seconds=59))
    with app.uow() as uow:
        access.principal_from_token(uow, tokens.access_token, secret=SECRET)
    clock.advance(timedelta(seconds=1))
    with app.uow() as uow, pytest.raises(Unauthenticated) as expired:
        access.principal_from_token(uow, tokens.access_token, secret=SECRET)
    assert (expired.value.code, expired.value.http_status) == ("access.token_invalid", 401)
    with app.uow() as uow:
        renewed = access.refresh(uow, tokens.refresh_token, secret=SECRET)
        assert access.principal_from_token(uow, renewed.tokens.access_token, secret=SECRET).username == name
    clock.advance(timedelta(days=7))
    with app.uow() as uow, pytest.raises(Unauthenticated, match=r"access\.token_invalid"):
        access.refresh(uow, tokens.refresh_token, secret=SECRET)


def test_tokens_of_the_wrong_type_or_signature_are_refused(app: App) -> None:
    tokens = login(app, user(app)).tokens
    forged = tokens.access_token[:-4] + ("AAAA" if not tokens.access_token.endswith("AAAA") else "BBBB")
    with app.uow() as uow:
        for token, kwargs in [
            (tokens.refresh_token, {}),  # a refresh token is not an access token
            (tokens.access_token, {"expected": "refresh"}),
            (forged, {}),
            ("not-a-jwt", {}),
        ]:
            with pytest.raises(Unauthenticated, match=r"access\.token_invalid"):
                access.principal_from_token(uow, token, secret=SECRET, **kwargs)
        with pytest.raises(Unauthenticated, match=r"access\.token_invalid"):
            access.principal_from_token(uow, tokens.access_token, secret="another-secret-of-at-least-32-bytes")
        with pytest.raises(InvalidInput, match=r"access\.secret_too_short"):
            access.principal_from_token(uow, tokens.access_token, secret="short")


def test_role_changes_and_disabling_take_effect_on_the_next_request(app: App) -> None:
    name = user(app, "store_clerk")
    tokens = login(app, name).tokens
    with app.uow() as uow:
        access.set_roles(uow, username=name, roles=["regional_manager", "finance"])
        assert access.principal_from_token(uow, tokens.access_token, secret=SECRET).roles == {
            Role.REGIONAL_MANAGER, Role.FINANCE
        }
    with app.uow() as uow:
        access.set_enabled(uow, username=name, enabled=False)
    with app.uow() as uow, pytest.raises(Unauthenticated, match=r"access\.token_invalid"):
        access.principal_from_token(uow, tokens.access_token, secret=SECRET)
    with pytest.raises(Unauthenticated, match=r"access\.login_failed"):
        login(app, name)


def test_a_wrong_password_and_an_unknown_user_fail_alike_and_are_audited(app: App) -> None:
    name = user(app)
    source = ip()
    with pytest.raises(Unauthenticated) as wrong:
        login(app, name, "not the password", source=source)
    with pytest.raises(Unauthenticated) as unknown:
        login(app, name + "x", PASSWORD, source=source)
    assert wrong.value.code == unknown.value.code == "access.login_failed"
    assert wrong.value.params == unknown.value.params == {}
    with app.uow() as uow:
        (entry,) = access.list_audit(uow, actor=f"user:{name}", action="auth.login")
    assert (entry.outcome, entry.source_ip, entry.detail) == (Outcome.FAILED, source, {"reason": "wrong_password"})


def test_five_failures_lock_the_username_for_15_minutes_even_with_the_right_password(
    app: App, clock: FixedClock
) -> None:
    name = user(app)
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        with pytest.raises(Unauthenticated, match=r"access\.login_failed"):
            login(app, name, "wrong password")  # from a different address each time
    with pytest.raises(TooManyAttempts) as locked:
        login(app, name)
    assert (locked.value.code, locked.value.http_status) == ("access.too_many_attempts", 429)
    assert locked.value.params["retry_after"] == 11 * 60  # the first failure ages out 11 minutes from now
    clock.advance(timedelta(minutes=11) - timedelta(seconds=1))
    with pytest.raises(TooManyAttempts):
        login(app, name)
    clock.advance(timedelta(seconds=1))
    assert login(app, name).principal.username == name
    with app.uow() as uow:
        outcomes = [e.outcome for e in access.list_audit(uow, actor=f"user:{name}", action="auth.login")]
    assert outcomes == [Outcome.OK, Outcome.REFUSED, Outcome.REFUSED] + [Outcome.FAILED] * 5


def test_five_failures_from_one_address_lock_that_address_for_every_username(app: App) -> None:
    source = ip()
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            login(app, ref("nobody"), "whatever1", source=source)
    with pytest.raises(TooManyAttempts):
        login(app, user(app), source=source)
    assert login(app, user(app), source=ip()).principal  # other addresses are not affected


def test_a_successful_login_forgets_earlier_failures(app: App) -> None:
    name = user(app)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            login(app, name, "wrong password")
    login(app, name)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            login(app, name, "wrong password")
    assert login(app, name).principal.username == name


def test_a_duplicate_username_is_a_conflict_whatever_its_case(app: App) -> None:
    name = user(app)
    with app.uow() as uow, pytest.raises(Conflict) as duplicate:
        access.add_user(uow, username=name.upper(), password=PASSWORD, roles=["finance"])
    assert (duplicate.value.code, duplicate.value.field) == ("user.duplicate", "username")


def test_short_passwords_unknown_scopes_and_unknown_users_are_refused(app: App) -> None:
    with app.uow() as uow:
        with pytest.raises(InvalidInput) as short:
            access.add_user(uow, username=ref("u"), password="1234567", roles=["finance"])
        assert (short.value.code, short.value.field) == ("access.password_too_short", "password")
        with pytest.raises(NotFound, match=r"org\.not_found"):
            access.add_user(uow, username=ref("u"), password=PASSWORD, roles=["finance"], organisations=["NO-ORG"])
        with pytest.raises(NotFound, match=r"site\.not_found"):
            access.add_user(uow, username=ref("u"), password=PASSWORD, roles=["regional_manager"],
                            home_site="NO-SITE", radius_km=Decimal(200))
        with pytest.raises(NotFound, match=r"user\.not_found"):
            access.set_roles(uow, username=ref("ghost"), roles=["finance"])


def test_the_password_can_be_changed(app: App) -> None:
    name = user(app)
    with app.uow() as uow:
        access.set_password(uow, username=name, password="a brand new secret")
    with pytest.raises(Unauthenticated):
        login(app, name)
    assert login(app, name, "a brand new secret").principal.username == name


# --- scopes ---------------------------------------------------------------------------------


def guangzhou_store(app: App, net: Network) -> str:
    code = ref("S-GZ")
    with app.uow() as uow:
        org.register_site(uow, code=code, name_zh="广州店", name_en="Guangzhou", kind="store",
                          organisation_code=net.org, region="华南", latitude="23.13", longitude="113.26")
    return code


def test_a_regional_managers_scope_is_their_region_within_200_km_of_their_home_site(app: App) -> None:
    net = network(app)  # warehouse in Shanghai, stores in Hangzhou (≈165 km) and Suzhou, all 华东
    far = guangzhou_store(app, net)
    name = user(app, "regional_manager", organisations=[net.org], region="华东", home_site=net.warehouse,
                radius_km=Decimal(200))
    principal = login(app, name).principal
    assert principal.scope.home_latitude == Decimal("31.23")
    with app.uow() as uow:
        in_scope = access.site_codes_in_scope(uow, principal)
    assert in_scope == {net.warehouse, net.store, net.lenient}
    assert far not in in_scope
    with app.uow() as uow:
        access.authorise_posting(uow, principal, policy=default_policy(), kind="transfer_out",
                                 site_codes=[net.warehouse, net.store])
        with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
            access.authorise_posting(uow, principal, policy=default_policy(), kind="transfer_out",
                                     site_codes=[net.warehouse, far])


def test_an_unrestricted_scope_needs_no_site_condition(app: App) -> None:
    principal = login(app, user(app, "purchasing_director")).principal
    with app.uow() as uow:
        assert access.site_codes_in_scope(uow, principal) is None


# --- API keys -------------------------------------------------------------------------------


def test_a_device_key_acts_at_its_own_site_only(app: App) -> None:
    net = network(app)
    with app.uow() as uow:
        key_id, secret = access.create_api_key(uow, name="PDA-07", role="device", site_code=net.store,
                                               device_id="PDA-07")
    with app.uow() as uow:
        device = access.principal_from_api_key(uow, secret)
        assert (device.subject, device.roles, device.device) == (f"key:{key_id}", {Role.DEVICE}, "PDA-07")
        assert device.scope.site == net.store
        policy = default_policy()
        access.authorise_posting(uow, device, policy=policy, kind="sale", site_codes=[net.store, "@customer"])
        with pytest.raises(Forbidden, match=r"access\.site_bound"):
            access.authorise_posting(uow, device, policy=policy, kind="sale",
                                     site_codes=[net.warehouse, "@customer"])
        with pytest.raises(Forbidden, match=r"access\.kind_denied"):
            access.authorise_posting(uow, device, policy=policy, kind="adjustment",
                                     site_codes=[net.store, "@adjustment"])
        stored = uow.connection.execute(select(acc_api_keys.c.secret_hash).where(acc_api_keys.c.id == key_id))
        assert secret not in stored.scalar_one()  # only a digest is kept


def test_a_revoked_or_unknown_key_is_refused(app: App) -> None:
    net = network(app)
    with app.uow() as uow:
        key_id, secret = access.create_api_key(uow, name="till", role="device", site_code=net.store)
    with app.uow() as uow:
        access.revoke_api_key(uow, key_id=key_id)
    with app.uow() as uow:
        for text in (secret, secret + "x", "jxk_nothing", ""):
            with pytest.raises(Unauthenticated, match=r"access\.key_invalid"):
                access.principal_from_api_key(uow, text)


def test_a_device_key_needs_a_real_site(app: App) -> None:
    with app.uow() as uow:
        with pytest.raises(InvalidInput) as missing:
            access.create_api_key(uow, name="scanner", role="device")
        assert missing.value.field == "site"
        with pytest.raises(NotFound, match=r"site\.not_found"):
            access.create_api_key(uow, name="scanner", role="device", site_code=ref("NOPE"))


def test_a_users_key_stops_working_when_the_user_is_disabled(app: App) -> None:
    net = network(app)
    name = user(app, "store_clerk", organisations=[net.org])
    elsewhere = guangzhou_store(app, network(app))  # another organisation's store
    with app.uow() as uow:
        _, secret = access.create_api_key(uow, name="pos", role="store_clerk", site_code=net.store, username=name)
        with pytest.raises(Forbidden, match=r"access\.out_of_scope"):
            access.create_api_key(uow, name="pos", role="store_clerk", site_code=elsewhere, username=name)
    with app.uow() as uow:
        acting = access.principal_from_api_key(uow, secret)
        assert acting.scope.organisations == {net.org} and acting.scope.site == net.store
        access.set_enabled(uow, username=name, enabled=False)
    with app.uow() as uow, pytest.raises(Unauthenticated, match=r"access\.key_invalid"):
        access.principal_from_api_key(uow, secret)


# --- audit ----------------------------------------------------------------------------------


def test_audit_entries_are_appended_and_queried_newest_first(app: App, clock: FixedClock) -> None:
    actor = f"user:{ref('auditee')}"
    start = clock.now()
    with app.uow() as uow:
        access.record_audit(uow, actor=actor, action="movement.post", resource="posting:P-1", outcome="ok",
                            source_ip="10.0.0.1", detail={"lines": 2, "quantity": Decimal("2.5")})
    clock.advance(timedelta(minutes=1))
    with app.uow() as uow:
        access.record_audit(uow, actor=actor, action="movement.post", resource="site:ST-X", outcome="refused",
                            detail={"code": "access.out_of_scope"})
    with app.uow() as uow:
        newest, oldest = access.list_audit(uow, actor=actor)
        assert (newest.outcome, newest.resource, newest.source_ip) == (Outcome.REFUSED, "site:ST-X", None)
        assert oldest.detail == {"lines": 2, "quantity": "2.5"} and oldest.at == start
        assert access.list_audit(uow, actor=actor, since=start + timedelta(seconds=30)) == [newest]
        assert access.list_audit(uow, actor=actor, outcome="ok") == [oldest]
        assert access.list_audit(uow, actor=actor, limit=1) == [newest]
        with pytest.raises(InvalidInput):
            access.list_audit(uow, limit=0)


def test_user_administration_is_audited_in_the_same_transaction(app: App) -> None:
    name = user(app, "finance")
    with app.uow() as uow:
        access.set_roles(uow, username=name, roles=["auditor"], actor="user:admin", source_ip="10.9.9.9")
        entries = access.list_audit(uow, action="user.roles", actor="user:admin")
    assert any(e.resource == f"user:{name}" and e.detail == {"from": ["finance"], "to": ["auditor"]}
               for e in entries)


def test_the_database_refuses_to_change_or_delete_audit_entries(app: App) -> None:
    actor = f"user:{ref('tamper')}"
    with app.uow() as uow:
        access.record_audit(uow, actor=actor, action="auth.login", resource=actor, outcome="failed")
    for statement in (
        update(acc_audit).where(acc_audit.c.actor == actor).values(outcome="ok"),
        delete(acc_audit).where(acc_audit.c.actor == actor),
    ):
        with app.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.connection.execute(statement)
    with app.uow() as uow:
        assert [e.outcome for e in access.list_audit(uow, actor=actor)] == [Outcome.FAILED]


# --- command line ---------------------------------------------------------------------------


def jxc(db_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    from jxc.cli.main import app, state

    with CliRunner().isolation(input=stdin) as (out, err, _):
        try:
            app(["--database-url", db_url, *args], prog_name="jxc")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            if state._app is not None:
                state._app.engine.dispose()
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_the_cli_adds_users_and_device_keys_and_lists_the_audit_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = build_engine(url)
    all_metadata().create_all(engine)
    from jxc.db.uow import SqlUnitOfWork

    with SqlUnitOfWork(engine) as uow:
        org.ensure_virtual_sites(uow)
    with SqlUnitOfWork(engine) as uow:
        org.register_organisation(uow, code="ORG", name_zh="公司", name_en="Co", relation="direct")
    with SqlUnitOfWork(engine) as uow:
        org.register_site(uow, code="ST-SH-01", name_zh="上海店", name_en="SH", kind="store", organisation_code="ORG",
                          region="华东", latitude="31.23", longitude="121.47")
    engine.dispose()

    code, out, err = jxc(url, "user", "add", "Zhang", "--role", "regional_manager", "--org", "ORG", "--region",
                         "华东", "--home-site", "ST-SH-01", "--radius-km", "200", "--password-stdin", "--json",
                         stdin="s3cret-pass\n")
    assert code == 0, err
    assert json.loads(out)["radius_km"] == "200" and json.loads(out)["roles"] == ["regional_manager"]
    code, _, err = jxc(url, "user", "add", "zhang", "--role", "finance", "--password-stdin", stdin="s3cret-pass\n")
    assert code == Conflict.exit_code and "user.duplicate" in err
    code, _, err = jxc(url, "user", "add", "li", "--role", "finance", "--password-stdin", stdin="short\n")
    assert code == InvalidInput.exit_code and "8" in err
    assert jxc(url, "user", "role", "zhang", "regional_manager", "auditor")[0] == 0
    code, out, _ = jxc(url, "user", "list", "--json")
    assert json.loads(out)[0]["roles"] == ["auditor", "regional_manager"]
    code, out, err = jxc(url, "user", "key", "PDA-07", "--role", "device", "--site", "ST-SH-01", "--device",
                         "PDA-07", "--json")
    assert code == 0, err
    assert json.loads(out)["secret"].startswith("jxk_")
    code, _, err = jxc(url, "user", "key", "PDA-08", "--role", "device")
    assert code == InvalidInput.exit_code and "site" in err
    code, out, _ = jxc(url, "audit", "list", "--json")
    assert [e["action"] for e in json.loads(out)] == ["api_key.create", "user.roles", "user.add"]
    assert all(e["actor"].startswith("cli") for e in json.loads(out))
    assert jxc(url, "audit", "list")[0] == 0 and jxc(url, "user", "keys")[0] == 0
