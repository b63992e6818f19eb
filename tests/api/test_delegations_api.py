"""Approval delegations over HTTP: create (idempotent), list given and received, revoke; the inbox and
approve endpoints follow them; who may delegate and revoke; bad input named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import jwt

from jxc.bootstrap import App
from tests.api.test_documents_api import key, ok, partners, purchase_order
from tests.factories import item, network


def me(client: httpx.Client) -> str:
    """The signed-in subject (``user:<name>``), read from the client's bearer token."""
    token = client.headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


def window(app: App, start_days: int = -1, end_days: int = 7) -> dict[str, str]:
    now = app.clock.now()
    return {"starts_at": (now + timedelta(days=start_days)).isoformat(),
            "ends_at": (now + timedelta(days=end_days)).isoformat()}


def test_a_director_delegates_and_the_manager_approves_on_their_behalf(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, _ = partners(app)
    director, manager = as_role(), as_role(roles=("regional_manager",))
    director_subject, manager_subject = me(director), me(manager)

    number = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, item(app)), headers=key()),
                201)["number"]
    request = ok(http.post(f"/documents/{net.org}/{number}/submit", headers=key()))["approval"]
    assert request["id"] not in {r["id"] for r in ok(manager.get("/approvals/inbox"))["requests"]}

    headers = key()
    body = {"to_user": manager_subject.removeprefix("user:"), **window(app), "document_types": ["purchase_order"]}
    made = ok(director.post("/delegations", json=body, headers=headers), 201)
    assert (made["from_user"], made["to_user"], made["active"]) == (director_subject, manager_subject, True)
    again = director.post("/delegations", json=body, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == made["id"]

    given, received = ok(director.get("/delegations")), ok(manager.get("/delegations"))
    assert [d["id"] for d in given["given"]] == [made["id"]] and given["received"] == []
    assert [d["id"] for d in received["received"]] == [made["id"]] and received["given"] == []

    assert request["id"] in {r["id"] for r in ok(manager.get("/approvals/inbox"))["requests"]}
    decided = ok(manager.post(f"/approvals/{request['id']}/approve", json={"reason": "on leave"}, headers=key()))
    assert decided["status"] == "approved"
    assert (decided["history"][-1]["actor"], decided["history"][-1]["on_behalf_of"]) == (manager_subject,
                                                                                         director_subject)


def test_after_revocation_the_delegate_is_refused(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    net = network(app)
    supplier, _ = partners(app)
    director, manager, other = as_role(), as_role(roles=("regional_manager",)), as_role(roles=("regional_manager",))
    made = ok(director.post("/delegations", headers=key(), json={
        "to_user": me(manager), **window(app)}), 201)

    refused = other.post(f"/delegations/{made['id']}/revoke", headers=key())
    assert refused.status_code == 403, refused.text
    revoked = ok(director.post(f"/delegations/{made['id']}/revoke", headers=key()))
    assert revoked["active"] is False and revoked["revoked_by"] == me(director)
    assert ok(director.post(f"/delegations/{made['id']}/revoke", headers=key()))["revoked_at"] == revoked["revoked_at"]
    assert ok(manager.get("/delegations"))["received"][0]["active"] is False

    number = ok(http.post("/purchase-orders", json=purchase_order(net, supplier, item(app)), headers=key()),
                201)["number"]
    request = ok(http.post(f"/documents/{net.org}/{number}/submit", headers=key()))["approval"]
    assert request["id"] not in {r["id"] for r in ok(manager.get("/approvals/inbox"))["requests"]}
    assert manager.post(f"/approvals/{request['id']}/approve", json={}, headers=key()).status_code == 403


def test_bad_delegations_are_refused(app: App, as_role: Callable[..., httpx.Client]) -> None:
    director, manager = as_role(), as_role(roles=("regional_manager",))
    target = me(manager).removeprefix("user:")

    def post(client: httpx.Client, **body: object) -> httpx.Response:
        return client.post("/delegations", headers=key(), json={"to_user": target, **window(app), **body})

    assert post(director, to_user="no-such-user").status_code == 404
    assert post(director, to_user=me(director)).status_code == 422  # not to oneself
    backwards = post(director, **window(app, 3, 1))
    assert backwards.status_code == 422 and "ends_at" in backwards.text
    assert post(director, starts_at="2026-01-01T00:00:00").status_code == 422  # no time zone
    assert post(director, document_types=["no_such_type"]).status_code == 422
    assert director.post("/delegations", json={"to_user": target, **window(app)}).status_code in (400, 422)
    clerk = as_role(roles=("auditor",))  # an auditor decides nothing, so delegates nothing
    assert post(clerk).status_code == 403
    missing = director.post("/delegations/00000000-0000-0000-0000-000000000000/revoke", headers=key())
    assert missing.status_code == 404
