"""Dependencies every router shares: the wired app, a unit of work, the idempotency key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request

from jxc.bootstrap import App
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput


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


AppDep = Annotated[App, Depends(get_app)]
UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[SqlUnitOfWork, Depends(get_read_uow)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]
