"""Approval use cases on a unit of work: request, decide, skip a level, the inbox, delegations.

Requests are stored whole (the pure model's ``ApprovalRequest``) and saved with an optimistic
version check, so two approvers deciding the same level at once cannot both win. These calls
never commit: the documents context calls them inside its own unit of work, so a document and
its approval state change together.

Delegations (``wf_delegations``) are rows with their window; ``body`` keeps the document types,
who created the delegation and, once revoked, when and by whom. Revoking never deletes: it ends
the window at the moment of revocation (at its start when revoked before it began), so history
stays readable. The delegator's roles are not stored — the caller supplies ``roles_of`` (subject →
current role names) and :func:`active_delegations` fills ``from_roles`` from it on every load, so a
role taken away from the delegator stops being delegated at once. Workflow never imports access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import insert, or_, select, update

from jxc.db.uow import SqlUnitOfWork
from jxc.documents.codec import decode, encode
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, Forbidden, NotFound
from jxc.kernel.ids import new_id
from jxc.workflow import model as wf
from jxc.workflow import tables as t

#: Subject (``user:<name>``) → the names of the roles they hold *now* (empty when unknown or disabled).
RolesOf = Callable[[str], frozenset[str]]


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
    reason: str | None = None, delegations: Sequence[wf.Delegation] = (), roles_of: RolesOf | None = None,
) -> wf.ApprovalRequest:
    """Approve (``approve=True``) or reject the request's current level.

    With ``roles_of``, the delegations to ``actor`` in force at ``at`` are loaded and used too."""
    request, version = get_request(uow, request_id)
    delegations = _with_stored(uow, delegations, actor=actor, at=at, roles_of=roles_of)
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
          delegations: Sequence[wf.Delegation] = (), roles_of: RolesOf | None = None) -> list[wf.ApprovalRequest]:
    """Pending requests whose current level ``user`` may decide, oldest first (with ``roles_of``: also
    those they may decide by a delegation in force at ``at``)."""
    delegations = _with_stored(uow, delegations, actor=user, at=at, roles_of=roles_of)
    rows = uow.connection.execute(select(t.wf_requests.c.body).where(t.wf_requests.c.status == "pending")
                                  .order_by(t.wf_requests.c.requested_at))
    return wf.inbox([decode(wf.ApprovalRequest, r.body) for r in rows], user=user, roles=roles,
                    delegations=delegations, at=at)


def may_decide(uow: SqlUnitOfWork, request: wf.ApprovalRequest, *, user: str, roles: Iterable[str], at: datetime,
               roles_of: RolesOf | None = None) -> bool:
    """Whether ``user`` may decide the current level of ``request`` now (as the inbox would list it)."""
    if request.status is not wf.ApprovalStatus.PENDING:
        return False
    delegations = _with_stored(uow, (), actor=user, at=at, roles_of=roles_of)
    return bool(wf.inbox([request], user=user, roles=roles, delegations=delegations, at=at))


# --- delegations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DelegationRecord:
    """A stored delegation as listed: its window (``ends_at`` moved to the revocation when revoked)."""

    id: UUID
    from_user: str
    to_user: str
    starts_at: datetime
    ends_at: datetime
    document_types: tuple[str, ...]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None

    def active(self, at: datetime) -> bool:
        return self.revoked_at is None and self.starts_at <= at < self.ends_at


def add_delegation(
    uow: SqlUnitOfWork, *, from_user: str, to_user: str, starts_at: datetime, ends_at: datetime,
    document_types: Iterable[str] = (), actor: str, at: datetime, admin: bool = False,
) -> DelegationRecord:
    """``from_user`` lets ``to_user`` decide their approvals during ``[starts_at, ends_at)``.

    Only the delegator delegates their own approvals, unless the caller vouches that ``actor`` is an
    administrator (``admin=True``: the API and CLI grant it to ``user.admin``). Validated by the pure
    model (aware times, end after start, not to oneself). Never commits."""
    if actor != from_user and not admin:
        raise Forbidden("workflow.not_delegator", field="from_user", value=from_user, actor=actor)
    grant, _ = wf.delegate(from_user=from_user, to_user=to_user, starts_at=starts_at, ends_at=ends_at,
                           document_types=document_types, at=at)
    record = DelegationRecord(
        id=new_id(), from_user=grant.from_user, to_user=grant.to_user,
        starts_at=require_aware(grant.starts_at, field="starts_at"),
        ends_at=require_aware(grant.ends_at, field="ends_at"), document_types=tuple(sorted(grant.document_types)),
        created_by=actor, created_at=require_aware(at, field="at"), revoked_at=None, revoked_by=None,
    )
    uow.connection.execute(insert(t.wf_delegations).values(
        id=record.id, from_user=record.from_user, to_user=record.to_user, starts_at=record.starts_at,
        ends_at=record.ends_at, body=_body(record),
    ))
    return record


def revoke_delegation(
    uow: SqlUnitOfWork, *, delegation_id: UUID, actor: str, at: datetime, admin: bool = False,
) -> DelegationRecord:
    """End a delegation now: its window closes at ``at`` (at its start if it had not begun). The row stays.

    The delegator or an administrator (``admin=True``) revokes; revoking twice changes nothing."""
    at = require_aware(at, field="at")
    record = get_delegation(uow, delegation_id)
    if actor != record.from_user and not admin:
        raise Forbidden("workflow.not_delegator", field="delegation", value=record.from_user, actor=actor)
    if record.revoked_at is not None or record.ends_at <= at:
        return record
    revoked = replace(record, ends_at=max(record.starts_at, at), revoked_at=at, revoked_by=actor)
    uow.connection.execute(update(t.wf_delegations).where(t.wf_delegations.c.id == record.id)
                           .values(ends_at=revoked.ends_at, body=_body(revoked)))
    return revoked


def get_delegation(uow: SqlUnitOfWork, delegation_id: UUID) -> DelegationRecord:
    row = uow.connection.execute(select(t.wf_delegations).where(t.wf_delegations.c.id == delegation_id)).first()
    if row is None:
        raise NotFound("workflow.delegation_not_found", field="delegation", value=str(delegation_id))
    return _record(row)


def list_delegations(uow: SqlUnitOfWork, *, user: str | None = None, limit: int = 500) -> list[DelegationRecord]:
    """Delegations given or received by ``user`` (every one when ``None``), latest start first."""
    d = t.wf_delegations
    query = select(d).order_by(d.c.starts_at.desc(), d.c.id).limit(limit)
    if user is not None:
        query = query.where(or_(d.c.from_user == user, d.c.to_user == user))
    return [_record(row) for row in uow.connection.execute(query)]


def active_delegations(
    uow: SqlUnitOfWork, *, to_user: str, at: datetime, roles_of: RolesOf,
) -> list[wf.Delegation]:
    """Delegations to ``to_user`` in force at ``at``, each carrying the delegator's *current* roles."""
    at = require_aware(at, field="at")
    d = t.wf_delegations
    rows = uow.connection.execute(select(d).where(d.c.to_user == to_user, d.c.starts_at <= at, d.c.ends_at > at)
                                  .order_by(d.c.starts_at, d.c.id))
    found: list[wf.Delegation] = []
    for row in rows:
        record = _record(row)
        if not record.active(at):
            continue
        found.append(wf.Delegation(from_user=record.from_user, to_user=record.to_user, starts_at=record.starts_at,
                                   ends_at=record.ends_at, document_types=frozenset(record.document_types),
                                   from_roles=frozenset(roles_of(record.from_user))))
    return found


def _with_stored(uow: SqlUnitOfWork, given: Sequence[wf.Delegation], *, actor: str, at: datetime,
                 roles_of: RolesOf | None) -> Sequence[wf.Delegation]:
    if roles_of is None:
        return given
    return (*given, *active_delegations(uow, to_user=actor, at=at, roles_of=roles_of))


def _body(record: DelegationRecord) -> dict[str, object]:
    return {"document_types": list(record.document_types), "created_by": record.created_by,
            "created_at": record.created_at.isoformat(),
            "revoked_at": record.revoked_at.isoformat() if record.revoked_at is not None else None,
            "revoked_by": record.revoked_by}


def _record(row: Any) -> DelegationRecord:
    body = dict(row.body or {})
    created, revoked = body.get("created_at"), body.get("revoked_at")
    starts_at = require_aware(row.starts_at, field="starts_at")
    return DelegationRecord(
        id=row.id, from_user=row.from_user, to_user=row.to_user, starts_at=starts_at,
        ends_at=require_aware(row.ends_at, field="ends_at"), document_types=tuple(body.get("document_types") or ()),
        created_by=str(body.get("created_by") or ""),
        created_at=datetime.fromisoformat(created) if created else starts_at,
        revoked_at=datetime.fromisoformat(revoked) if revoked else None, revoked_by=body.get("revoked_by"),
    )


def _save(uow: SqlUnitOfWork, request: wf.ApprovalRequest, version: int) -> None:
    done = uow.connection.execute(update(t.wf_requests).where(t.wf_requests.c.id == request.id,
                                                              t.wf_requests.c.version == version)
                                  .values(status=request.status.value, body=encode(request), version=version + 1))
    if done.rowcount != 1:
        raise Conflict("workflow.concurrent_decision", field="request", value=str(request.id))
