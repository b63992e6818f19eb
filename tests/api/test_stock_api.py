"""The v1 API over real HTTP: reads, idempotent posts, and problem details for bad input."""

from __future__ import annotations

from decimal import Decimal

import httpx

from jxc.bootstrap import App
from tests.conftest import ref
from tests.factories import item, network, receive


def post(http: httpx.Client, path: str, body: dict, key: str | None = None, **headers: str) -> httpx.Response:  # type: ignore[type-arg]
    return http.post(path, json=body, headers={"Idempotency-Key": key or ref("K"), **headers})


def test_receipt_sale_and_atp_through_the_api(app: App, http: httpx.Client) -> None:
    net, sku = network(app), item(app)
    line = {"sku": sku, "quantity": "2", "unit": "箱", "from_site": "@supplier", "to_site": net.store}
    created = post(http, "/movements", {"lines": [line], "kind": "receipt"})
    assert created.status_code == 201, created.text
    assert created.json()["movements"][0]["quantity"] == "48"
    sold = post(http, "/movements", {"lines": [{"sku": sku, "quantity": "5", "from_site": net.store,
                                                 "to_site": "@customer"}]})
    assert sold.status_code == 201
    atp = http.get(f"/items/{sku}/atp", params={"by": "site"}).json()
    assert atp["groups"][0]["key"] == net.store and Decimal(atp["groups"][0]["atp"]) == 43
    history = http.get(f"/items/{sku}/movements").json()["movements"]
    assert [m["kind"] for m in history] == ["movement", "receipt"]
    assert history[0]["from"]["site"] == net.store and history[0]["to"]["site"] == "@customer"
    balances = http.get("/balances", params={"sku": sku}).json()["balances"]
    assert [(b["site"], b["state"], b["quantity"]) for b in balances] == [(net.store, "available", "43")]


def test_a_repeated_post_replays_and_a_changed_one_conflicts(app: App, http: httpx.Client) -> None:
    net, sku = network(app), item(app)
    body = {"lines": [{"sku": sku, "quantity": "3", "from_site": "@supplier", "to_site": net.store}]}
    key = ref("K")
    first = post(http, "/movements", body, key)
    again = post(http, "/movements", body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["posting_id"] == first.json()["posting_id"]
    body["lines"][0]["quantity"] = "4"
    conflict = post(http, "/movements", body, key)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency.key_reused"


def test_errors_are_problem_details_naming_the_field_in_both_languages(app: App, http: httpx.Client) -> None:
    net = network(app)
    unknown = post(http, "/movements", {"lines": [{"sku": "NOPE", "quantity": "1", "from_site": "@supplier",
                                                    "to_site": net.store}]})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    problem = unknown.json()
    assert (problem["code"], problem["field"]) == ("item.not_found", "lines[0].sku")
    assert problem["messages"]["en"] == "unknown item NOPE" and problem["title"] == problem["messages"]["zh-CN"]
    english = post(http, "/movements", {"lines": []}, **{"Accept-Language": "en"})
    assert english.status_code == 422 and english.json()["field"] == "lines"
    missing_key = http.post("/movements", json={"lines": []})
    assert missing_key.status_code == 422 and missing_key.json()["field"] in ("Idempotency-Key", "lines")
    insufficient = post(http, "/movements", {"lines": [{"sku": item(app), "quantity": "1", "from_site": net.store,
                                                         "to_site": "@customer"}]})
    assert insufficient.status_code == 409 and insufficient.json()["code"] == "stock.insufficient"
    assert http.get("/items/NOPE").json()["code"] == "item.not_found"
    assert http.get("/nowhere").status_code == 404


def test_a_request_over_the_size_limit_is_refused(app: App, http: httpx.Client) -> None:
    big = {"lines": [], "document_ref": "x" * 1_100_000}
    response = post(http, "/movements", big)
    assert response.status_code == 413 and response.json()["code"] == "http.too_large"


def test_reservations_through_the_api(app: App, http: httpx.Client) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 10, net.store)
    made = post(http, "/reservations", {"sku": sku, "quantity": "4", "site": net.store, "ttl_minutes": 30})
    assert made.status_code == 201 and made.json()["status"] == "open"
    shipped = post(http, f"/reservations/{made.json()['id']}/ship", {"quantity": "1"})
    assert shipped.json()["remaining"] == "3"
    released = post(http, f"/reservations/{made.json()['id']}/release", {})
    assert released.json()["status"] == "shipped"
    atp = http.get(f"/items/{sku}/atp", params={"by": "network"}).json()
    assert atp["groups"][0]["available"] == "9"


def test_lists_and_overview(app: App, http: httpx.Client) -> None:
    net, sku = network(app), item(app)
    receive(app, sku, 7, net.warehouse)
    sites = http.get("/sites", params={"org": net.org}).json()["sites"]
    assert {s["code"] for s in sites} == {net.warehouse, net.store, net.lenient}
    assert http.get("/sites", params={"kind": "castle"}).json()["field"] == "kind"
    assert any(o["code"] == net.org for o in http.get("/organisations").json()["organisations"])
    page = http.get("/items", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next"] == page["items"][0]["sku"]
    assert http.get(f"/items/{sku}").json()["units"] == {"箱": "24"}
    found = http.get("/items", params={"q": sku.lower()[-7:]}).json()["items"]
    assert [i["sku"] for i in found] == [sku]
    overview = http.get("/stock/overview", params={"by": "site"}).json()
    row = next(r for r in overview["rows"] if r["key"] == net.warehouse)
    assert row["by_state"] == {"available": "7"} and row["items"] == 1
    assert http.get("/openapi.json").status_code == 200
