"""Roles × endpoints × fields: every role gets exactly what the policy file grants, through HTTP.

For each role: every read endpoint answers 200 or 403 as the policy's actions say, posting is
allowed or refused likewise, and no response a masking role receives carries the cost figure.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from jxc.access.model import FieldRule, Principal, Role
from jxc.bootstrap import App
from tests.conftest import ref
from tests.factories import item, network, receive

COST = "37.25"
READS = {  # path template → the action the policy must grant
    "/items": "item.read",
    "/items/{sku}": "item.read",
    "/items/{sku}/atp": "stock.read",
    "/items/{sku}/movements": "stock.read",
    "/balances": "stock.read",
    "/stock/overview": "stock.read",
    "/sites": "site.read",
}
USER_ROLES = [r for r in Role if r is not Role.DEVICE]  # devices sign in with keys (test_access_api)


@pytest.mark.parametrize("role", USER_ROLES, ids=lambda r: r.value)
def test_each_role_gets_what_the_policy_grants_and_never_a_masked_cost(
    app: App, as_role: Callable[..., httpx.Client], role: Role,
) -> None:
    net = network(app)
    sku = item(app, standard_cost=COST)
    receive(app, sku, 6, net.store)
    client = as_role(roles=(role.value,), organisations=[net.org], home_site=net.store, radius_km=50)
    policy = app.policy
    as_policy_sees = Principal(subject="user:matrix", roles=frozenset({role}))
    cost_visible = policy.field_rule(as_policy_sees, "item", "standard_cost") is FieldRule.SHOW
    for template, action in READS.items():
        response = client.get(template.format(sku=sku))
        allowed = policy.allows(as_policy_sees, action)
        assert response.status_code == (200 if allowed else 403), (role, template, response.text)
        if response.status_code == 200 and not cost_visible:
            assert COST not in response.text, (role, template)
    sale = {"kind": "sale", "lines": [{"sku": sku, "quantity": "1", "from_site": net.store, "to_site": "@customer"}]}
    posted = client.post("/movements", json=sale, headers={"Idempotency-Key": ref("K")})
    rules = policy.roles[role]
    may_sell = (policy.allows(as_policy_sees, "movement.post")
                and ({"*", "sale"} & set(rules.movement_kinds)) != set()
                and ({"*", "@customer"} & set(rules.counterparties)) != set())
    assert posted.status_code == (201 if may_sell else 403), (role, posted.text)
