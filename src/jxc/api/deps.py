"""Dependencies every router shares: the wired app, a unit of work, the idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, Request

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput, Unauthenticated


async def get_app(request: Request) -> App:
    app: App = request.app.state.jxc
    return app


def get_uow(app: Annotated[App, Depends(get_app)]) -> Iterator[SqlUnitOfWork]:
    with app.uow() as uow:
        yield uow


def get_read_uow(app: Annotated[App, Depends(get_app)]) -> Iterator[SqlUnitOfWork]:
    """For GETs: a read-only unit of work never waits for (or blocks) a writer."""
    with app.uow().reader() as uow:
        yield uow


async def idempotency_key(
    key: Annotated[str | None, Header(alias="Idempotency-Key", description="Repeat it to retry safely.")] = None,
) -> str:
    if key is None or not key.strip():
        raise InvalidInput("idempotency.key_required", field="Idempotency-Key")
    if len(key) > 200:
        raise InvalidInput("field.invalid", field="Idempotency-Key", value=key[:20] + "…", reason="≤ 200 chars")
    return key


async def current_principal(
    request: Request,
    app: Annotated[App, Depends(get_app)],
    authorization: Annotated[str | None, Header(description="Bearer <access token>")] = None,
    api_key: Annotated[str | None, Header(alias="X-Api-Key", description="An integration or device key.")] = None,
) -> Principal:
    """Who is calling: a bearer access token or an API key; 401 otherwise.

    Runs on the event loop (one indexed read, well under a millisecond): a hop to the thread
    pool per request cost more than the work itself.
    """
    with app.uow().reader() as uow:
        if api_key:
            principal = access.principal_from_api_key(uow, api_key)
        elif authorization and authorization.lower().startswith("bearer "):
            principal = access.principal_from_token(uow, authorization[7:].strip(), secret=app.secret)
        else:
            raise Unauthenticated("access.login_required", field="Authorization")
    request.state.principal = principal
    return principal


def requires(action: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, refused (403, audited) unless the policy allows ``action``."""

    async def check(app: Annotated[App, Depends(get_app)],
                    principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        app.policy.require(principal, action)
        return principal

    return check


def scope_of(app: App, uow: SqlUnitOfWork, principal: Principal) -> frozenset[str] | None:
    """Site codes the caller may see (``None``: all), for the queries' WHERE clauses."""
    return access.site_codes_in_scope(uow, principal)


AppDep = Annotated[App, Depends(get_app)]
UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[SqlUnitOfWork, Depends(get_read_uow)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]

StockReader = Annotated[Principal, Depends(requires("stock.read"))]
ItemReader = Annotated[Principal, Depends(requires("item.read"))]
SiteReader = Annotated[Principal, Depends(requires("site.read"))]
MovementPoster = Annotated[Principal, Depends(requires("movement.post"))]
ReservationPoster = Annotated[Principal, Depends(requires("reservation.post"))]
