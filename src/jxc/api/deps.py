"""Dependencies every router shares: the wired app, a unit of work, the idempotency key."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import jwt
from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput, Unauthenticated


async def get_app(request: Request) -> App:
    app: App = request.app.state.jxc
    return app


def get_read_uow(app: Annotated[App, Depends(get_app)]) -> Iterator[SqlUnitOfWork]:
    """For GETs: a read-only unit of work never waits for (or blocks) a writer."""
    with app.uow().reader() as uow:
        yield uow


async def refuse_nul(request: Request) -> None:
    """No text may hold U+0000: PostgreSQL cannot store it, and no code, name or key needs it (422)."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if "\x00" in str(value):
            raise InvalidInput("field.invalid", field=name, value=repr(value)[:40], reason="no NUL (U+0000)")
    if request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()  # already read for the endpoint: no second read from the socket
        if b"\\u0000" in body or b"\x00" in body:
            try:
                field = _nul_field(json.loads(body))
            except ValueError:
                return  # not JSON: the endpoint's own validation answers
            if field is not None:
                raise InvalidInput("field.invalid", field=field or None, value="…", reason="no NUL (U+0000)")


def _nul_field(value: Any, path: str = "") -> str | None:
    """The path (``lines[0].lot``) of the first string or key holding NUL in parsed JSON, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                return where
            found = _nul_field(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_field(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


async def idempotency_key(
    key: Annotated[str, Header(
        alias="Idempotency-Key", description="Repeat it to retry safely (≤ 200 chars).",
        # Documented only: the checks below answer with their own codes.
        json_schema_extra={"minLength": 1, "maxLength": 200, "pattern": r"\S"},
    )],
) -> str:
    if not key.strip():
        raise InvalidInput("idempotency.key_required", field="Idempotency-Key")
    if len(key) > 200:
        raise InvalidInput("field.invalid", field="Idempotency-Key", value=key[:20] + "…", reason="≤ 200 chars")
    return key


# Security schemes, so the OpenAPI document names how to authenticate (not as ordinary header
# parameters); they only read the headers, and current_principal answers 401 itself.
bearer_token = HTTPBearer(auto_error=False, description="An access token from /auth/login or /auth/refresh.")
api_key_header = APIKeyHeader(name="X-Api-Key", auto_error=False, description="An integration or device key.")


async def current_principal(
    request: Request,
    app: Annotated[App, Depends(get_app)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_token)] = None,
    api_key: Annotated[str | None, Depends(api_key_header)] = None,
) -> Principal:
    """Who is calling: a bearer access token or an API key; 401 otherwise.

    Runs on the event loop (one indexed read, well under a millisecond): a hop to the thread
    pool per request cost more than the work itself.
    """
    credential = api_key or (bearer.credentials.strip() if bearer else None)
    if not credential:
        raise Unauthenticated("access.login_required", field="Authorization")
    cache: PrincipalCache = request.app.state.principals
    principal = cache.get(credential, now=app.clock.now())
    if principal is None:
        with app.uow().reader() as uow:
            if api_key:
                principal = access.principal_from_api_key(uow, api_key)
                cache.put(credential, principal, expires=None)
            else:
                principal = access.principal_from_token(uow, credential, secret=app.secret)
                cache.put(credential, principal, expires=_token_expiry(credential))
    request.state.principal = principal
    return principal


class PrincipalCache:
    """Who a credential names, remembered for a few seconds per process.

    A request then costs no database read to authenticate. The price: disabling a user, a role
    change or a revoked key takes effect within ``ttl`` seconds rather than on the very next
    request; a token is never accepted past its own expiry.
    """

    def __init__(self, ttl: float = 5.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[float, datetime | None, Principal]] = {}

    def get(self, credential: str, *, now: datetime) -> Principal | None:
        entry = self._entries.get(credential)
        if entry is None:
            return None
        until, expires, principal = entry
        if until < time.monotonic() or (expires is not None and now >= expires):
            self._entries.pop(credential, None)
            return None
        return principal

    def put(self, credential: str, principal: Principal, *, expires: datetime | None) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[credential] = (time.monotonic() + self.ttl, expires, principal)


def _token_expiry(token: str) -> datetime | None:
    """The ``exp`` of a token already verified (read again without re-checking the signature)."""
    exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    return datetime.fromtimestamp(exp, UTC) if isinstance(exp, int) else None


def requires(action: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, refused (403, audited) unless the policy allows ``action``."""

    async def check(app: Annotated[App, Depends(get_app)],
                    principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        app.policy.require(principal, action)
        return principal

    return check


AppDep = Annotated[App, Depends(get_app)]
ReadUowDep = Annotated[SqlUnitOfWork, Depends(get_read_uow)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]

# Quantities are stored as 64-bit integers of millionths (QTY_SCALE = 6), so one value must stay far
# below 9.2e12 for balances summing many of them to fit as well: a line carries at most a billion.
MAX_QUANTITY = 10**9
Quantity = Annotated[Decimal, Field(le=MAX_QUANTITY)]

StockReader = Annotated[Principal, Depends(requires("stock.read"))]
ItemReader = Annotated[Principal, Depends(requires("item.read"))]
SiteReader = Annotated[Principal, Depends(requires("site.read"))]
MovementPoster = Annotated[Principal, Depends(requires("movement.post"))]
ReservationPoster = Annotated[Principal, Depends(requires("reservation.post"))]
