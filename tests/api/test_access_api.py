"""Identity and access over HTTP: sign-in, tokens, roles, scopes in queries, device keys, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import httpx

from jxc.access import services as access
from jxc.bootstrap import App
from jxc.kernel.clock import FixedClock
from jxc.org import services as org
from tests.api.conftest import PASSWORD
from tests.conftest import ref
from tests.factories import item, network, receive


def sale(sku: str, site: str, kind: str = "sale") -> dict:  # type: ignore[type-arg]
    return {"kind": kind, "lines": [{"sku": sku, "quantity": "1", "from_site": site, "to_site": "@customer"}]}


def test_calls_without_credentials_are_refused_with_a_problem(app: App, server: str) -> None:
    response = httpx.get(f"{server}/balances")
    assert response.status_code == 401 and response.json()["code"] == "access.login_required"
    bad = httpx.get(f"{server}/balances", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json()["code"] == "access.token_invalid"


def test_login_refresh_and_failed_login_limit(app: App, server: str, clock: FixedClock) -> None:
    # Failures are counted per address too, and every test signs in from 127.0.0.1: record these
    # a month in the past so no other test's 15-minute window sees them.
    clock.advance(timedelta(days=-30))
    username = ref("u").lower()
    with app.uow() as uow:
        access.add_user(uow, username=username, password=PASSWORD, roles=["finance"])
    tokens = httpx.post(f"{server}/auth/login", json={"username": username, "password": PASSWORD}).json()
    assert tokens["user"]["roles"] == ["finance"] and tokens["expires_in"] == 900
    again = httpx.post(f"{server}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 200
    codes = [httpx.post(f"{server}/auth/login", json={"username": username, "password": "wrong-wrong"}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_an_auditor_reads_but_cannot_post_and_the_refusal_is_audited(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 3, net.store)
    auditor = as_role(roles=("auditor",))
    assert auditor.get("/balances", params={"sku": sku}).status_code == 200
    refused = auditor.post("/movements", json=sale(sku, net.store), headers={"Idempotency-Key": ref("K")})
    assert refused.status_code == 403 and refused.json()["code"] == "access.denied"
    with app.uow().reader() as uow:
        entries = access.list_audit(uow, outcome="refused", limit=500)
    assert any(e.resource == "/api/v1/movements" and e.actor.startswith("user:") for e in entries)


def test_a_clerk_may_sell_at_its_store_but_not_adjust_or_sell_elsewhere(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net, sku = network(app), item(app)
    for site in (net.store, net.warehouse):
        receive(app, sku, 5, site)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org], home_site=net.store, radius_km=1)
    ok = clerk.post("/movements", json=sale(sku, net.store), headers={"Idempotency-Key": ref("K")})
    assert ok.status_code == 201, ok.text
    adjust = {"kind": "adjustment", "lines": [{"sku": sku, "quantity": "1", "from_site": net.store,
                                               "to_site": "@adjustment"}]}
    refused = clerk.post("/movements", json=adjust, headers={"Idempotency-Key": ref("K")})
    assert refused.status_code == 403 and refused.json()["code"] == "access.kind_denied"
    elsewhere = clerk.post("/movements", json=sale(sku, net.warehouse), headers={"Idempotency-Key": ref("K")})
    assert elsewhere.status_code == 403


def test_a_regional_manager_only_sees_sites_in_region_and_radius(app: App, as_role: Callable[..., httpx.Client]) -> None:
    east, south = network(app, region="华东"), network(app, region="华南")
    sku = item(app)
    for site in (east.warehouse, east.store, south.store):
        receive(app, sku, 4, site)
    far = ref("FAR")
    with app.uow() as uow:  # 华东 but in Chengdu, far beyond 200 km from Shanghai
        org.register_site(uow, code=far, name_zh="成都店", name_en="Chengdu", kind="store", organisation_code=east.org,
                          region="华东", latitude=Decimal("30.57"), longitude=Decimal("104.07"))
    receive(app, sku, 4, far)
    manager = as_role(roles=("regional_manager",), region="华东", home_site=east.warehouse,
                      radius_km=200)
    balances = manager.get("/balances", params={"sku": sku}).json()["balances"]
    assert {b["site"] for b in balances} == {east.warehouse, east.store}
    atp = manager.get(f"/items/{sku}/atp", params={"by": "network"}).json()
    assert atp["groups"][0]["available"] == "8"
    director = as_role()
    assert director.get(f"/items/{sku}/atp", params={"by": "network"}).json()["groups"][0]["available"] == "16"


def test_a_device_key_posts_only_at_its_own_site(app: App, server: str) -> None:
    net, sku = network(app), item(app)
    for site in (net.store, net.warehouse):
        receive(app, sku, 5, site)
    with app.uow() as uow:
        _, secret = access.create_api_key(uow, name=ref("till"), role="device", site_code=net.store, device_id="POS-1")
    with httpx.Client(base_url=server, headers={"X-Api-Key": secret}) as device:
        posted = device.post("/movements", json=sale(sku, net.store), headers={"Idempotency-Key": ref("K")})
        assert posted.status_code == 201
        other = device.post("/movements", json=sale(sku, net.warehouse), headers={"Idempotency-Key": ref("K")})
        assert other.status_code == 403


def test_costs_are_masked_for_managers_and_clerks_and_hidden_from_devices(
    app: App, server: str, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    sku = item(app, standard_cost="9876.53")  # a figure no other test data carries
    director = as_role()
    assert director.get(f"/items/{sku}").json()["standard_cost"] == "9876.53"
    for roles, scope in ((("regional_manager",), {"organisations": [net.org]}),
                         (("store_clerk",), {"home_site": net.store, "radius_km": 1})):
        client = as_role(roles=roles, **scope)
        assert client.get(f"/items/{sku}").json()["standard_cost"] == "***"
        page = client.get("/items", params={"limit": 500}).json()["items"]
        assert all(i["standard_cost"] in ("***", None) for i in page)
        assert "9876.53" not in client.get("/items", params={"limit": 500}).text
    with app.uow() as uow:
        _, secret = access.create_api_key(uow, name=ref("scale"), role="device", site_code=net.store)
    with httpx.Client(base_url=server, headers={"X-Api-Key": secret}) as device:
        assert "standard_cost" not in device.get(f"/items/{sku}").json()


def test_auditors_query_the_audit_log_and_others_are_refused(app: App, as_role: Callable[..., httpx.Client]) -> None:
    clerk = as_role(roles=("store_clerk",), home_site=network(app).store, radius_km=1)
    assert clerk.get("/audit").status_code == 403
    auditor = as_role(roles=("auditor",))
    page = auditor.get("/audit", params={"outcome": "refused", "limit": 50})
    assert page.status_code == 200
    refusals = page.json()["entries"]
    assert any(e["action"] == "GET /api/v1/audit" and e["outcome"] == "refused" for e in refusals)
    assert all(e["source_ip"] != "***" for e in refusals)  # auditors see addresses
