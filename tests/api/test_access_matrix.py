"""Roles × endpoints × fields: every role gets exactly what the policy file grants, through HTTP.

For each role: every read endpoint and export answers 200 or 403 as the policy's actions say,
posting is allowed or refused likewise, no response or export a masking role receives carries
a cost figure, and no row of a site outside the caller's scope appears anywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook

from jxc.access.model import FieldRule, Principal, Role
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.services import approvals, purchasing
from tests.conftest import ref
from tests.factories import Network, item, network, receive

COST = "37.25"
VALUE = "223.50"  # 6 on hand × 37.25
READS = {  # path template → the action the policy must grant
    "/items": "item.read",
    "/items/{sku}": "item.read",
    "/items/{sku}/atp": "stock.read",
    "/items/{sku}/movements": "stock.read",
    "/balances": "stock.read",
    "/stock/overview": "stock.read",
    "/sites": "site.read",
    "/audit": "audit.read",
    "/exports/items?format=csv": "item.read",
    "/exports/items?format=xlsx": "item.read",
    "/exports/balances?format=csv": "stock.read",
    "/exports/balances?format=xlsx": "stock.read",
    "/documents": "document.read",
    "/documents/{org}/{po}": "document.read",
    "/approvals/inbox": "approval.decide",
    "/vouchers?organisation={org}": "voucher.read",
    "/exports/vouchers?organisation={org}&format=csv": "voucher.read",
    "/exports/vouchers?organisation={org}&format=xlsx": "voucher.read",
}
USER_ROLES = [r for r in Role if r is not Role.DEVICE]  # devices sign in with keys (test_access_api)


def readable_text(response: httpx.Response) -> str:
    """The body as text; an Excel file is read cell by cell (its XML is zipped)."""
    if "spreadsheetml" not in response.headers["content-type"]:
        return response.text
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    return "\n".join(format(Decimal(str(c)), "f") if isinstance(c, int | float) else str(c) for c in cells)


def carries(text: str, amount: str) -> bool:
    return amount in text or amount.rstrip("0").rstrip(".") in text


def received_purchase_order(app: App, net: Network, sku: str) -> str:
    """A purchase order for 6 at COST into the store, approved and received (a voucher of VALUE)."""
    supplier = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="供应商")
    with app.uow() as uow:
        po = purchasing.create_purchase_order(uow, organisation=net.org, supplier=supplier, site=net.store,
                                              actor="user:buyer", lines=[purchasing.OrderLineIn(
                                                  sku=sku, quantity=Decimal(6), unit_price=Decimal(COST),
                                                  expected_date=date(2026, 1, 10))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor="user:buyer")
        uow.commit()
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor="user:director",
                         actor_roles=["purchasing_director"])
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=po.number, actor="user:keeper",
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=Decimal(6), to_qc=False)])
        uow.commit()
    return po.number


@pytest.mark.parametrize("role", USER_ROLES, ids=lambda r: r.value)
def test_each_role_gets_what_the_policy_grants_and_never_a_masked_cost_or_foreign_row(
    app: App, as_role: Callable[..., httpx.Client], role: Role,
) -> None:
    net, elsewhere = network(app), network(app, region="华南")
    sku = item(app, standard_cost=COST)
    receive(app, sku, 6, net.store)
    receive(app, sku, 9, elsewhere.store)
    po = received_purchase_order(app, net, sku)
    received_purchase_order(app, elsewhere, sku)
    client = as_role(roles=(role.value,), organisations=[net.org], home_site=net.store, radius_km=50)
    policy = app.policy
    as_policy_sees = Principal(subject="user:matrix", roles=frozenset({role}))
    cost_visible = policy.field_rule(as_policy_sees, "item", "standard_cost") is FieldRule.SHOW
    for template, action in READS.items():
        response = client.get(template.format(sku=sku, org=net.org, po=po))
        allowed = policy.allows(as_policy_sees, action)
        assert response.status_code == (200 if allowed else 403), (role, template, response.text)
        if response.status_code != 200:
            continue
        text = readable_text(response)
        for foreign in (elsewhere.store, elsewhere.warehouse, elsewhere.lenient):
            assert foreign not in text, (role, template, "out-of-scope site")
        if not cost_visible:
            assert not carries(text, COST) and not carries(text, VALUE), (role, template)
            if "balances" in template or template.startswith(("/exports/items", "/documents/")):
                assert "***" in text, (role, template)
    sale = {"kind": "sale", "lines": [{"sku": sku, "quantity": "1", "from_site": net.store, "to_site": "@customer"}]}
    posted = client.post("/movements", json=sale, headers={"Idempotency-Key": ref("K")})
    rules = policy.roles[role]
    may_sell = (policy.allows(as_policy_sees, "movement.post")
                and ({"*", "sale"} & set(rules.movement_kinds)) != set()
                and ({"*", "@customer"} & set(rules.counterparties)) != set())
    assert posted.status_code == (201 if may_sell else 403), (role, posted.text)
