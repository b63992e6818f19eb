"""Approval use cases on a unit of work: request, decide, skip a level, the inbox.

Requests are stored whole (the pure model's ``ApprovalRequest``) and saved with an optimistic
version check, so two approvers deciding the same level at once cannot both win. These calls
never commit: the documents context calls them inside its own unit of work, so a document and
its approval state change together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import insert, select, update

from jxc.db.uow import SqlUnitOfWork
from jxc.documents.codec import decode, encode
from jxc.kernel.errors import Conflict, NotFound
from jxc.workflow import model as wf
from jxc.workflow import tables as t


def request_approval(
    uow: SqlUnitOfWork, flows: Sequence[wf.FlowDefinition], *, document_type: str, document_id: UUID,
    document_number: str, organisation: str, amount: Decimal, categories: Iterable[str], requested_by: str,
    at: datetime,
) -> wf.ApprovalRequest:
    """Start the flow that fits the document (approved at once when it has no levels)."""
    request, _events = wf.submit(
        flows, document_type=document_type, document_id=document_id, document_number=document_number,
        organisation=organisation, amount=amount, categories=tuple(categories), requested_by=requested_by, at=at,
    )
    uow.connection.execute(insert(t.wf_requests).values(
        id=request.id, document_id=document_id, document_type=document_type, organisation=organisation,
        status=request.status.value, requested_by=requested_by, requested_at=at, body=encode(request), version=1,
    ))
    return request


def get_request(uow: SqlUnitOfWork, request_id: UUID) -> tuple[wf.ApprovalRequest, int]:
    row = uow.connection.execute(select(t.wf_requests.c.body, t.wf_requests.c.version)
                                 .where(t.wf_requests.c.id == request_id)).first()
    if row is None:
        raise NotFound("workflow.request_not_found", field="request", value=str(request_id))
    return decode(wf.ApprovalRequest, row.body), row.version


def request_for_document(uow: SqlUnitOfWork, document_id: UUID) -> wf.ApprovalRequest | None:
    """The latest approval request of a document."""
    row = uow.connection.execute(select(t.wf_requests.c.body).where(t.wf_requests.c.document_id == document_id)
                                 .order_by(t.wf_requests.c.requested_at.desc()).limit(1)).first()
    return None if row is None else decode(wf.ApprovalRequest, row.body)


def decide(
    uow: SqlUnitOfWork, request_id: UUID, *, approve: bool, actor: str, actor_roles: Iterable[str], at: datetime,
    reason: str | None = None, delegations: Sequence[wf.Delegation] = (),
) -> wf.ApprovalRequest:
    """Approve (``approve=True``) or reject the request's current level."""
    request, version = get_request(uow, request_id)
    if approve:
        changed, _ = wf.approve(request, actor=actor, actor_roles=actor_roles, at=at, delegations=delegations,
                                comment=reason)
    else:
        changed, _ = wf.reject(request, actor=actor, actor_roles=actor_roles, reason=reason or "", at=at,
                               delegations=delegations)
    _save(uow, changed, version)
    return changed


def skip_level(
    uow: SqlUnitOfWork, request_id: UUID, *, level_name: str, authorised_by: str, reason: str, at: datetime,
) -> wf.ApprovalRequest:
    """Let an authorised rule (``rule:<id>``) or person skip a named level; recorded with the reason."""
    request, version = get_request(uow, request_id)
    changed, _ = wf.skip_level(request, level_name=level_name, authorised_by=authorised_by, reason=reason, at=at)
    _save(uow, changed, version)
    return changed


def inbox(uow: SqlUnitOfWork, *, user: str, roles: Iterable[str], at: datetime,
          delegations: Sequence[wf.Delegation] = ()) -> list[wf.ApprovalRequest]:
    """Pending requests whose current level ``user`` may decide, oldest first."""
    rows = uow.connection.execute(select(t.wf_requests.c.body).where(t.wf_requests.c.status == "pending")
                                  .order_by(t.wf_requests.c.requested_at))
    return wf.inbox([decode(wf.ApprovalRequest, r.body) for r in rows], user=user, roles=roles,
                    delegations=delegations, at=at)


def _save(uow: SqlUnitOfWork, request: wf.ApprovalRequest, version: int) -> None:
    done = uow.connection.execute(update(t.wf_requests).where(t.wf_requests.c.id == request.id,
                                                              t.wf_requests.c.version == version)
                                  .values(status=request.status.value, body=encode(request), version=version + 1))
    if done.rowcount != 1:
        raise Conflict("workflow.concurrent_decision", field="request", value=str(request.id))
