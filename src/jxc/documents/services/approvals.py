"""Submitting documents for approval and deciding them (审批), through the workflow context.

Submitting picks the flow that fits the document (type, organisation, amount, item categories);
a flow without levels approves at once (one click for a small shop). When the last level is
approved — or skipped by an authorised rule — the document itself becomes approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import (
    Document,
    DocumentStatus,
    DocumentType,
    PurchaseOrder,
    PurchaseRequisition,
    SalesOrder,
    StocktakeSheet,
    TransferOrder,
)
from jxc.documents.services import common as c
from jxc.documents.services import sales
from jxc.workflow import services as workflow
from jxc.workflow.model import ApprovalRequest, ApprovalStatus

APPROVABLE: dict[DocumentType, type[Document[Any]]] = {
    DocumentType.PURCHASE_REQUISITION: PurchaseRequisition,
    DocumentType.PURCHASE_ORDER: PurchaseOrder,
    DocumentType.SALES_ORDER: SalesOrder,
    DocumentType.TRANSFER_ORDER: TransferOrder,
    DocumentType.STOCKTAKE: StocktakeSheet,
}


def submit(uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, number: str, actor: str) -> ApprovalRequest:
    """Submit a draft: it starts its approval flow (and is approved at once if the flow has no levels).

    The flow is chosen by the document's amount: the gross amount of an order, the absolute
    value of a stocktake's variances (so large differences go to finance).
    """
    doc_type = _type_of(number)
    org = c.organisation(uow, organisation)
    stored = c.load(uow, APPROVABLE[doc_type], organisation_id=org.id, number=number)
    document: Document[Any] = stored.document
    when = c.now(uow)
    submitted, _ = document.submit(at=when)
    if doc_type is DocumentType.STOCKTAKE:
        from jxc.documents.services.stocktake import variance_value  # stocktake builds on this module

        amount = variance_value(uow, w, organisation=organisation, number=number)
    else:
        amount = getattr(getattr(submitted, "amounts", None), "gross", Decimal(0))
    categories = {item.category for item in c.items(uow, sorted({line.sku for line in submitted.lines})).values()}
    request = workflow.request_approval(
        uow, w.flows, document_type=doc_type.value, document_id=submitted.id, document_number=submitted.number,
        organisation=org.code, amount=amount, categories=categories, requested_by=actor, at=when,
    )
    if request.status is ApprovalStatus.APPROVED:  # a flow without levels: one save, both steps in the history
        c.record(uow, submitted.id, actor=actor, action="submit", detail={})
        approved, _ = submitted.approve(at=when)
        stored = c.save(uow, stored, approved, actor=actor, action="approve", detail={"request": str(request.id)})
        if isinstance(approved, SalesOrder):
            sales.on_approved(uow, w, stored, actor=actor)
    else:
        c.save(uow, stored, submitted, actor=actor, action="submit")
    return request


def decide(
    uow: SqlUnitOfWork, *, request_id: UUID, approve: bool, actor: str, actor_roles: Iterable[str],
    reason: str | None = None, roles_of: workflow.RolesOf | None = None, w: c.Wiring | None = None,
) -> ApprovalRequest:
    """Approve or reject the current level; the document follows the request's outcome.

    With ``roles_of`` (subject → current roles, from access) the actor may also decide by a delegation
    in force now; the decision then records ``on_behalf_of`` the delegator."""
    request = workflow.decide(uow, request_id, approve=approve, actor=actor, actor_roles=actor_roles,
                              at=c.now(uow), reason=reason, roles_of=roles_of)
    _follow_request(uow, request, actor=actor, w=w)
    return request


def skip_level(uow: SqlUnitOfWork, *, request_id: UUID, level_name: str, authorised_by: str,
               reason: str, w: c.Wiring | None = None) -> ApprovalRequest:
    """An authorised rule or person skips a named level (recorded with its reason)."""
    request = workflow.skip_level(uow, request_id, level_name=level_name, authorised_by=authorised_by,
                                  reason=reason, at=c.now(uow))
    _follow_request(uow, request, actor=authorised_by, w=w)
    return request


def _follow_request(uow: SqlUnitOfWork, request: ApprovalRequest, *, actor: str, w: c.Wiring | None) -> None:
    cls = APPROVABLE[DocumentType(request.document_type)]
    _follow(uow, c.load(uow, cls, document_id=request.document_id), request, actor=actor, w=w)


def _follow(uow: SqlUnitOfWork, stored: c.Stored, request: ApprovalRequest, *, actor: str,
            w: c.Wiring | None) -> None:
    """The document follows its request; an approved sales order then reserves its stock (given ``w``)."""
    document = stored.document
    if document.status is not DocumentStatus.SUBMITTED:
        return
    when = c.now(uow)
    if request.status is ApprovalStatus.APPROVED:
        approved, _ = document.approve(at=when)
        stored = c.save(uow, stored, approved, actor=actor, action="approve", detail={"request": str(request.id)})
        if isinstance(approved, SalesOrder) and w is not None:
            sales.on_approved(uow, w, stored, actor=actor)
    elif request.status is ApprovalStatus.REJECTED:
        reason = request.history[-1].reason or ""
        rejected, _ = document.reject(at=when, reason=reason)
        c.save(uow, stored, rejected, actor=actor, action="reject", detail={"reason": reason})


def _type_of(number: str) -> DocumentType:
    from jxc.documents.model import parse_document_number

    doc_type = parse_document_number(number).doc_type
    if doc_type not in APPROVABLE:
        from jxc.kernel.errors import InvalidInput

        raise InvalidInput("document.not_approvable", field="number", value=number)
    return doc_type
