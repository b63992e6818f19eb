"""The audit log over HTTP, for auditors (``audit.read``): newest first, filtered, paged by time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access import services
from jxc.access.model import Principal
from jxc.api.deps import AppDep, ReadUowDep, requires
from jxc.api.output import masked

router = APIRouter(tags=["audit"])
AuditReader = Annotated[Principal, Depends(requires("audit.read"))]


class AuditEntryPublic(BaseModel):
    id: UUID
    at: datetime
    actor: str
    action: str
    resource: str
    outcome: str
    source_ip: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    entries: list[AuditEntryPublic]
    next: datetime | None = Field(description="Pass as `until` for the next (older) page.")


@router.get("/audit", response_model=AuditPage)
def audit_log(
    app: AppDep, principal: AuditReader, uow: ReadUowDep,
    since: Annotated[datetime | None, Query(description="From this time (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time (exclusive); the page cursor.")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="e.g. user:zhang, key:<id>")] = None,
    action: Annotated[str | None, Query(max_length=200, description="e.g. movement.post, auth.login")] = None,
    outcome: Annotated[str | None, Query(pattern="^(ok|refused|failed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JSONResponse:
    """Who did what, when and from where — every write, sign-in and refused access."""
    entries = services.list_audit(uow, since=since, until=until, actor=actor, action=action, outcome=outcome,
                                  limit=limit)
    return masked(app, principal, "audit", AuditPage(
        entries=[AuditEntryPublic(id=e.id, at=e.at, actor=e.actor, action=e.action, resource=e.resource,
                                  outcome=e.outcome.value, source_ip=e.source_ip, detail=dict(e.detail))
                 for e in entries],
        next=entries[-1].at if len(entries) == limit else None,
    ))
