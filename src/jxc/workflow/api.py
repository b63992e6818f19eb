"""Approval delegations over HTTP: a user on leave lets someone decide their approvals for a while.

- ``GET /delegations``: the caller's delegations, given and received (revoked ones included).
- ``POST /delegations``: the caller delegates their own approvals (``from_user`` is always the caller)
  to ``to_user`` during ``[starts_at, ends_at)``, optionally only for some document types. Needs
  ``approval.decide``: one delegates only what one may decide, and the delegate acts with the
  delegator's *current* roles, read at every decision. A repeated ``Idempotency-Key`` answers with
  the delegation the first call made (200, ``Idempotent-Replayed: true``).
- ``POST /delegations/{id}/revoke``: the delegator, or a holder of ``user.admin``, ends it now; the row
  stays (its window ends at the revocation). Revoking again changes nothing.

Parse, authorise, call the workflow service, serialise; the access context supplies who holds which
roles (:func:`jxc.access.services.roles_resolver`), the workflow services never import access.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.api.deps import AppDep, IdempotencyKey, ReadUowDep, requires
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Forbidden, InvalidInput
from jxc.workflow import services as workflow

router = APIRouter(tags=["approvals"])
Delegator = Annotated[Principal, Depends(requires("approval.decide"))]

EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2200, 1, 1, tzinfo=UTC)
ADD, REVOKE = "delegation.add", "delegation.revoke"
REPLAYED: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "The earlier call with this Idempotency-Key, replayed",
    "headers": {"Idempotent-Replayed": {"description": "Always true", "schema": {"type": "string", "enum": ["true"]}}},
}}


def _moment(value: datetime) -> datetime:
    try:
        moment = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("out of range") from None
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be between 2000-01-01 and 2200-01-01")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_moment)]


class DelegationIn(BaseModel):
    to_user: str = Field(min_length=1, max_length=200, description="Username (or `user:<name>`) of the delegate.")
    starts_at: Moment = Field(description="From (inclusive), with a time zone.")
    ends_at: Moment = Field(description="Until (exclusive), with a time zone.")
    document_types: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default=[], max_length=20, description="Only these document types (e.g. purchase_order); empty = all.")


class DelegationPublic(BaseModel):
    id: UUID
    from_user: str
    to_user: str
    starts_at: datetime
    ends_at: datetime = Field(description="Moved to the revocation when revoked.")
    document_types: list[str]
    active: bool = Field(description="In force now.")
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None

    @classmethod
    def of(cls, record: workflow.DelegationRecord, now: datetime) -> DelegationPublic:
        return cls(id=record.id, from_user=record.from_user, to_user=record.to_user, starts_at=record.starts_at,
                   ends_at=record.ends_at, document_types=list(record.document_types), active=record.active(now),
                   created_by=record.created_by, created_at=record.created_at, revoked_at=record.revoked_at,
                   revoked_by=record.revoked_by)


class DelegationsPage(BaseModel):
    given: list[DelegationPublic] = Field(description="Delegations the caller made, latest start first.")
    received: list[DelegationPublic] = Field(description="Delegations to the caller, latest start first.")


def _user_subject(principal: Principal) -> str:
    if principal.username is None:
        raise Forbidden("workflow.delegation_users_only", field="principal", value=principal.subject)
    return principal.subject


def _replayed_id(uow: SqlUnitOfWork, principal: Principal, key: str) -> UUID | None:
    for entry in access.list_audit(uow, actor=principal.subject, action=ADD, limit=200):
        if entry.detail.get("key") == key:
            return UUID(entry.resource.partition(":")[2])
    return None


def _known_types(app: App, types: list[str]) -> list[str]:
    known = {flow.document_type for flow in app.documents.flows}
    for index, name in enumerate(types):
        if name not in known:
            raise InvalidInput("field.invalid", field=f"document_types[{index}]", value=name,
                               reason=" | ".join(sorted(known)))
    return types


@router.get("/delegations", response_model=DelegationsPage)
def list_delegations(app: AppDep, principal: Delegator, uow: ReadUowDep) -> JSONResponse:
    """The caller's approval delegations: given and received."""
    me, now = _user_subject(principal), app.clock.now()
    found = workflow.list_delegations(uow, user=me)
    return JSONResponse(DelegationsPage(
        given=[DelegationPublic.of(d, now) for d in found if d.from_user == me],
        received=[DelegationPublic.of(d, now) for d in found if d.to_user == me],
    ).model_dump(mode="json"))


@router.post("/delegations", response_model=DelegationPublic, status_code=201, responses=REPLAYED)
def add_delegation(body: DelegationIn, key: IdempotencyKey, app: AppDep, principal: Delegator) -> JSONResponse:
    """Delegate the caller's approvals to another user for a time window (e.g. while on leave)."""
    me = _user_subject(principal)
    with app.uow() as uow:
        earlier = _replayed_id(uow, principal, key)
        if earlier is not None:
            data = DelegationPublic.of(workflow.get_delegation(uow, earlier), app.clock.now()).model_dump(mode="json")
            return JSONResponse(data, headers={"Idempotent-Replayed": "true"})
        delegate = access.get_user(uow, body.to_user.removeprefix("user:"))
        now = app.clock.now()
        record = workflow.add_delegation(
            uow, from_user=me, to_user=delegate.subject, starts_at=body.starts_at, ends_at=body.ends_at,
            document_types=_known_types(app, body.document_types), actor=me, at=now,
        )
        access.record_audit(uow, actor=me, action=ADD, resource=f"delegation:{record.id}", outcome="ok",
                            detail={"key": key, "to_user": record.to_user, "starts_at": record.starts_at.isoformat(),
                                    "ends_at": record.ends_at.isoformat(),
                                    "document_types": list(record.document_types)}, commit=False)
        uow.commit()
    return JSONResponse(DelegationPublic.of(record, now).model_dump(mode="json"), status_code=201)


@router.post("/delegations/{delegation_id}/revoke", response_model=DelegationPublic)
def revoke_delegation(delegation_id: UUID, key: IdempotencyKey, app: AppDep, principal: Delegator) -> JSONResponse:
    """End a delegation now (the delegator, or `user.admin`); the record stays, revoking again changes nothing."""
    with app.uow() as uow:
        now = app.clock.now()
        record = workflow.revoke_delegation(uow, delegation_id=delegation_id, actor=principal.subject, at=now,
                                            admin=app.policy.allows(principal, "user.admin"))
        access.record_audit(uow, actor=principal.subject, action=REVOKE, resource=f"delegation:{record.id}",
                            outcome="ok", detail={"key": key}, commit=False)
        uow.commit()
    return JSONResponse(DelegationPublic.of(record, now).model_dump(mode="json"))
