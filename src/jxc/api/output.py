"""Every response body leaves through the access policy's field rules (mask / hide)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from jxc.access.model import Principal
from jxc.bootstrap import App


def masked(app: App, principal: Principal, resource: str, body: BaseModel, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """``body`` as JSON with the fields ``principal`` may not see masked ("***") or removed."""
    data: Any = body.model_dump(mode="json", by_alias=True)
    return JSONResponse(app.policy.mask(principal, resource, data), status_code=status_code, headers=headers)
