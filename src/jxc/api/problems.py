"""Errors as RFC 9457 problem details — the one place the API maps errors to HTTP.

Every problem carries the machine ``code``, the offending ``field``, and the message in
zh-CN and English; ``title``/``detail`` follow the request's Accept-Language (zh-CN default).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from jxc.kernel.errors import Forbidden, InvalidInput, JxcError
from jxc.kernel.messages import bilingual

PROBLEM_TYPE = "https://jxc.dev/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response of the API."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None
    messages: dict[str, str]
    params: dict[str, str]


def _documented(description: str) -> dict[str, Any]:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": Problem.model_json_schema()}}}


# Documented on every route, so clients (and schema checkers) know what errors look like.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed request"),
    401: _documented("Not signed in, or the token or key is invalid"),
    403: _documented("Not allowed for this role, scope or device"),
    404: _documented("A referenced thing does not exist"),
    409: _documented("Conflicts with current state (stock, idempotency key, transition)"),
    413: _documented("Request body over the limit"),
    422: _documented("Invalid input, naming the field"),
    429: _documented("Too many failed sign-ins"),
}


def language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    return "en" if header.lower().startswith("en") else "zh-CN"


def problem(error: JxcError, request: Request, *, status: int | None = None) -> JSONResponse:
    messages = bilingual(error)
    text = messages[language(request)]
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + error.code, "title": text, "status": status or error.http_status,
        "detail": text, "code": error.code, "field": error.field, "messages": messages,
        "params": {k: str(v) for k, v in error.params.items()},
    }
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE)


async def on_jxc_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, JxcError)
    if isinstance(error, Forbidden):
        _audit_refusal(request, error)
    return problem(error, request)


def _audit_refusal(request: Request, error: Forbidden) -> None:
    """Refused access is audited in its own transaction (the refused request's one rolled back)."""
    from jxc.access import services as access

    principal = getattr(request.state, "principal", None)
    app = request.app.state.jxc
    with app.uow() as uow:
        access.record_audit(
            uow, actor=principal.subject if principal else "anonymous", action=f"{request.method} {request.url.path}",
            resource=request.url.path, outcome="refused",
            source_ip=request.client.host if request.client else None,
            detail={"code": error.code, "field": error.field, **{k: str(v) for k, v in error.params.items()}},
        )


async def on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid"}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "header")]
    field = ".".join(location) or None
    reason = str(first.get("msg", "invalid"))
    return problem(InvalidInput("field.invalid", field=field, value=str(first.get("input", ""))[:80], reason=reason),
                   request)


async def on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = {404: "http.not_found", 405: "http.method_not_allowed", 413: "http.too_large"}.get(
        error.status_code, "http.error"
    )
    response = problem(JxcError(code, detail=str(error.detail)), request, status=error.status_code)
    for name, value in (error.headers or {}).items():  # e.g. Allow on a 405
        response.headers[name] = value
    if error.status_code == 405 and (allowed := _allowed_methods(request)):
        response.headers["Allow"] = allowed
    return response


def _allowed_methods(request: Request) -> str | None:
    """Every method the request's path answers to (Starlette's 405 names only the first route's methods)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):  # included routers nest their routes
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:  # as mounted: prefix applied
            methods |= route.methods
    return ", ".join(sorted(methods)) or None
