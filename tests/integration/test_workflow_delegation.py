"""Approval delegation, stored and used: a purchasing director on leave lets a regional manager decide
their purchase-order approvals for a window; the decision records on whose behalf; outside the window,
after a revocation, or once the director has lost the role, the delegation no longer works."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.bootstrap import App, bootstrap
from jxc.catalog import services as catalog
from jxc.cli.main import app as cli
from jxc.config import Settings
from jxc.documents.model import DocumentStatus, PurchaseOrder
from jxc.documents.services import approvals, purchasing
from jxc.documents.services import common as c
from jxc.kernel.clock import FixedClock
from jxc.kernel.errors import Forbidden
from jxc.workflow import services as workflow
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network, ready

BUYER = "user:buyer"
DAY = timedelta(days=1)


def user(app: App, *roles: str) -> str:
    name = ref("u").lower()
    with app.uow() as uow:
        access.add_user(uow, username=name, password="correct horse battery", roles=roles)
    return f"user:{name}"


def submitted_po(app: App) -> tuple[UUID, str]:
    """A small purchase order submitted into ``purchase_order.default`` (one level: purchasing director)."""
    net, supplier, sku = network(app), ref("SUP"), item(app)
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
    with app.uow() as uow:
        po = purchasing.create_purchase_order(
            uow, organisation=net.org, supplier=supplier, site=net.warehouse, actor=BUYER,
            lines=[purchasing.OrderLineIn(sku=sku, quantity=Decimal(10), unit_price=Decimal("10.00"),
                                          expected_date=date(2026, 1, 10))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=po.number, actor=BUYER)
        uow.commit()
    assert request.flow == "purchase_order.default"
    return request.id, po.number


def delegate(app: App, director: str, manager: str, *, start: timedelta = -DAY, end: timedelta = 7 * DAY,
             types: tuple[str, ...] = ("purchase_order",)) -> workflow.DelegationRecord:
    now = app.clock.now()
    with app.uow() as uow:
        record = workflow.add_delegation(uow, from_user=director, to_user=manager, starts_at=now + start,
                                         ends_at=now + end, document_types=types, actor=director, at=now)
        uow.commit()
    return record


def approve_as(app: App, actor: str, request_id: UUID, roles: tuple[str, ...] = ("regional_manager",)) -> None:
    with app.uow() as uow:
        approvals.decide(uow, request_id=request_id, approve=True, actor=actor, actor_roles=roles,
                         roles_of=access.roles_resolver(uow), w=app.documents)
        uow.commit()


def inbox_ids(app: App, who: str) -> set[UUID]:
    with app.uow().reader() as uow:
        found = workflow.inbox(uow, user=who, roles=["regional_manager"], at=app.clock.now(),
                               roles_of=access.roles_resolver(uow))
    return {r.id for r in found}


def test_a_delegate_approves_for_the_director_on_leave(app: App) -> None:
    director, manager = user(app, "purchasing_director"), user(app, "regional_manager")
    request_id, number = submitted_po(app)
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):  # no delegation yet: a regional manager may not decide this level
        approve_as(app, manager, request_id)

    delegate(app, director, manager)
    assert request_id in inbox_ids(app, manager)
    approve_as(app, manager, request_id)

    with app.uow().reader() as uow:
        request, _ = workflow.get_request(uow, request_id)
        po = c.load(uow, PurchaseOrder, document_id=request.document_id).document
    assert request.history[-1].actor == manager and request.history[-1].on_behalf_of == director
    assert po.number == number and po.status is DocumentStatus.APPROVED
    assert request_id not in inbox_ids(app, manager)


def test_outside_the_window_or_after_revocation_it_is_refused(app: App, clock: FixedClock) -> None:
    director, manager = user(app, "purchasing_director"), user(app, "regional_manager")
    request_id, _ = submitted_po(app)
    later = delegate(app, director, manager, start=DAY, end=3 * DAY)  # leave starts tomorrow
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):
        approve_as(app, manager, request_id)

    clock.advance(2 * DAY)  # on leave: in force
    assert request_id in inbox_ids(app, manager)
    with app.uow() as uow:
        with pytest.raises(Forbidden):  # only the delegator (or an administrator) revokes
            workflow.revoke_delegation(uow, delegation_id=later.id, actor=manager, at=clock.now())
        revoked = workflow.revoke_delegation(uow, delegation_id=later.id, actor=director, at=clock.now())
        uow.commit()
    assert revoked.revoked_at == clock.now() and revoked.ends_at == clock.now()
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):
        approve_as(app, manager, request_id)
    with app.uow().reader() as uow:  # the row stays, its window closed
        listed = {d.id: d for d in workflow.list_delegations(uow, user=manager)}
    assert listed[later.id].revoked_by == director and not listed[later.id].active(clock.now())

    fresh = delegate(app, director, manager, start=-DAY, end=DAY)
    clock.advance(DAY)  # the end is exclusive
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):
        approve_as(app, manager, request_id)
    assert fresh.ends_at == clock.now()


def test_only_the_delegated_document_types_are_covered(app: App) -> None:
    director, manager = user(app, "purchasing_director"), user(app, "regional_manager")
    request_id, _ = submitted_po(app)
    delegate(app, director, manager, types=("sales_order",))
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):
        approve_as(app, manager, request_id)


def test_a_delegation_from_someone_who_lost_the_role_no_longer_works(app: App) -> None:
    director, manager = user(app, "purchasing_director"), user(app, "regional_manager")
    request_id, _ = submitted_po(app)
    delegate(app, director, manager)
    assert request_id in inbox_ids(app, manager)
    with app.uow() as uow:
        access.set_roles(uow, username=director.removeprefix("user:"), roles=["finance"])
    assert request_id not in inbox_ids(app, manager)
    with pytest.raises(Forbidden):
        approve_as(app, manager, request_id)


def test_only_the_delegator_or_an_administrator_delegates(app: App) -> None:
    director, manager = user(app, "purchasing_director"), user(app, "regional_manager")
    now = app.clock.now()
    with app.uow() as uow:
        with pytest.raises(Forbidden):
            workflow.add_delegation(uow, from_user=director, to_user=manager, starts_at=now, ends_at=now + DAY,
                                    actor=manager, at=now)
        made = workflow.add_delegation(uow, from_user=director, to_user=manager, starts_at=now, ends_at=now + DAY,
                                       actor="user:admin", at=now, admin=True)
    assert made.created_by == "user:admin" and made.document_types == ()


def test_delegating_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    local = ready(bootstrap(Settings(database_url=url, secret_key=TEST_SECRET)))
    director, manager = user(local, "purchasing_director"), user(local, "regional_manager")
    request_id, _ = submitted_po(local)
    today = datetime.now(UTC).date()

    def jxc(*args: str) -> Any:
        result = CliRunner().invoke(cli, ["--database-url", url, *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    made = jxc("approval", "delegate", "--as", director.removeprefix("user:"), "--to", manager.removeprefix("user:"),
               "--from-date", str(today - DAY), "--to-date", str(today + DAY), "--type", "purchase_order")
    assert (made["from_user"], made["to_user"], made["document_types"]) == (director, manager, ["purchase_order"])
    assert [d["id"] for d in jxc("approval", "delegations", "--as", manager.removeprefix("user:"))] == [made["id"]]
    inbox = jxc("approval", "inbox", "--as", manager.removeprefix("user:"))
    assert str(request_id) in {r["id"] for r in inbox}
    jxc("approval", "approve", str(request_id), "--as", manager.removeprefix("user:"))
    with local.uow().reader() as uow:
        request, _ = workflow.get_request(uow, request_id)
    assert request.history[-1].on_behalf_of == director
