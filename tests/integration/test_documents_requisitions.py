"""Purchase requisitions (请购单): a store asks, a regional manager approves, buyers order the lines
from their suppliers; the orders name the requisition as their source. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import pytest

from jxc.bootstrap import App
from jxc.documents import queries
from jxc.documents.model import Document, DocumentStatus, PurchaseOrder, PurchaseRequisition
from jxc.documents.services import approvals, purchasing, requisitions
from jxc.documents.services import common as c
from jxc.kernel.errors import Conflict, InvalidInput
from tests.conftest import ref
from tests.factories import Network, item, network
from tests.integration.document_helpers import approve, supplier

CLERK, BUYER = "user:clerk", "user:buyer"
D = Decimal
T = TypeVar("T", bound=Document[Any])


def requested(app: App, net: Network, *lines: requisitions.RequisitionLineIn) -> PurchaseRequisition:
    with app.uow() as uow:
        found = requisitions.create_requisition(uow, organisation=net.org, site=net.store, lines=lines, actor=CLERK,
                                                key=ref("K"))
        uow.commit()
    return found


def convert(app: App, net: Network, number: str, vendor: str, prices: dict[int, str],
            key: str | None = None) -> PurchaseOrder:
    with app.uow() as uow:
        po = requisitions.convert_to_purchase_order(
            uow, app.documents, organisation=net.org, requisition=number, supplier=vendor, actor=BUYER,
            prices={n: D(p) for n, p in prices.items()}, key=key or ref("K"))
        uow.commit()
    return po


def stored(app: App, cls: type[T], document_id: UUID) -> T:
    with app.uow().reader() as uow:
        found: T = c.load(uow, cls, document_id=document_id).document
    return found


def test_a_requisition_is_approved_then_converted_line_by_line_into_purchase_orders(app: App) -> None:
    net = network(app)
    milk, cups = item(app), item(app)
    dairy, paper = supplier(app, "华东乳业"), supplier(app, "纸品公司")
    pr = requested(app, net,
                   requisitions.RequisitionLineIn(sku=milk, quantity=D(2), unit="箱", needed_by=date(2026, 1, 8),
                                                  reason="周末促销"),
                   requisitions.RequisitionLineIn(sku=cups, quantity=D(300), needed_by=date(2026, 1, 10)))
    assert pr.number.startswith("PR-") and pr.status is DocumentStatus.DRAFT
    assert [(x.sku, x.quantity, x.unit) for x in pr.lines] == [(milk, 2, "箱"), (cups, 300, "支")]

    # Not approved yet: nothing is ordered.
    with pytest.raises(Conflict) as refused:
        convert(app, net, pr.number, dairy, {1: "96.00"})
    assert (refused.value.code, refused.value.params["value"]) == ("requisition.not_approved", "draft")
    with app.uow() as uow:
        request = approvals.submit(uow, app.documents, organisation=net.org, number=pr.number, actor=CLERK)
        uow.commit()
    assert request.flow == "purchase_requisition.default" and request.current is not None
    with pytest.raises(Conflict):
        convert(app, net, pr.number, dairy, {1: "96.00"})

    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor="user:manager",
                         actor_roles=["regional_manager"])
        uow.commit()
    assert stored(app, PurchaseRequisition, pr.id).status is DocumentStatus.APPROVED

    # The milk from the dairy: a draft order for the store, the requisition as its source.
    key = ref("K")
    po = convert(app, net, pr.number, dairy, {1: "96.00"}, key=key)
    assert po.status is DocumentStatus.DRAFT and po.site == stored(app, PurchaseRequisition, pr.id).site
    [line] = po.lines
    assert (line.sku, line.quantity, line.unit, line.unit_price, line.expected_date) == (
        milk, 2, "箱", D("96.00"), date(2026, 1, 8))
    with app.uow().reader() as uow:
        detail = queries.detail(uow, app.ledger, organisation_id=c.organisation(uow, net.org).id, number=po.number,
                                sites=None)
        source = queries.detail(uow, app.ledger, organisation_id=c.organisation(uow, net.org).id,
                                number=pr.number, sites=None)
    assert detail.source is not None and (detail.source.number, detail.source.type) == (
        pr.number, "purchase_requisition")
    assert [e.number for e in source.executions] == [po.number]
    after = stored(app, PurchaseRequisition, pr.id)
    assert after.status is DocumentStatus.PARTIALLY_DONE
    assert [x.purchase_order for x in after.lines] == [po.id, None]

    # The same key again is the same order; the milk cannot be ordered twice.
    assert convert(app, net, pr.number, dairy, {1: "96.00"}, key=key).id == po.id
    with pytest.raises(Conflict) as twice:
        convert(app, net, pr.number, paper, {1: "90.00", 2: "0.20"})
    assert (twice.value.code, twice.value.field) == ("requisition.line_converted", "lines[0]")

    # The cups from the paper supplier: the requisition is done; the order goes its own way.
    cups_po = convert(app, net, pr.number, paper, {2: "0.20"})
    assert stored(app, PurchaseRequisition, pr.id).status is DocumentStatus.DONE
    approve(app, net.org, cups_po.number, roles=("purchasing_director",))
    with app.uow() as uow:
        purchasing.receive(uow, app.documents, organisation=net.org, purchase_order=cups_po.number, actor="user:wh",
                           lines=[purchasing.ReceiveLineIn(po_line=1, quantity=D(300), to_qc=False)])
        uow.commit()
    assert stored(app, PurchaseOrder, cups_po.id).status is DocumentStatus.DONE


def test_a_requisition_names_a_site_of_its_organisation_and_lines_it_has(app: App) -> None:
    net, other = network(app), network(app)
    sku = item(app)
    with pytest.raises(InvalidInput) as elsewhere, app.uow() as uow:
        requisitions.create_requisition(uow, organisation=net.org, site=other.store, actor=CLERK, lines=[
            requisitions.RequisitionLineIn(sku=sku, quantity=D(1), needed_by=date(2026, 1, 8))])
    assert elsewhere.value.code == "document.site_not_in_organisation"
    with pytest.raises(InvalidInput) as unit, app.uow() as uow:
        requisitions.create_requisition(uow, organisation=net.org, site=net.store, actor=CLERK, lines=[
            requisitions.RequisitionLineIn(sku=sku, quantity=D(1), unit="吨", needed_by=date(2026, 1, 8))])
    assert (unit.value.code, unit.value.field) == ("unit.unknown", "lines[0].unit")
    pr = requested(app, net, requisitions.RequisitionLineIn(sku=sku, quantity=D(1), needed_by=date(2026, 1, 8)))
    approve(app, net.org, pr.number)
    with pytest.raises(InvalidInput) as unknown:
        convert(app, net, pr.number, supplier(app), {7: "1.00"})
    assert (unknown.value.code, unknown.value.field) == ("document.unknown_line", "prices.7")
