"""FastAPI assembly: routers under /api/v1, problem details, request size limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from jxc import __version__
from jxc.api.problems import on_http_error, on_jxc_error, on_validation_error, problem
from jxc.bootstrap import App
from jxc.kernel.errors import JxcError

PREFIX = "/api/v1"
MAX_BODY_BYTES = 1_048_576  # a posting of several thousand lines fits; anything larger is a bulk import


def create_api(app: App, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The HTTP API over a wired application."""
    from jxc.catalog.api import router as catalog_router
    from jxc.inventory.api import router as inventory_router
    from jxc.org.api import router as org_router

    api = FastAPI(
        title="jxc 进销存 API", version=__version__, openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    api.state.jxc = app
    api.add_exception_handler(JxcError, on_jxc_error)
    api.add_exception_handler(RequestValidationError, on_validation_error)
    api.add_exception_handler(StarletteHTTPException, on_http_error)

    @api.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body_bytes:
            return problem(JxcError("http.too_large", limit=max_body_bytes), request, status=413)
        return await call_next(request)

    for router in (catalog_router, org_router, inventory_router):
        api.include_router(router, prefix=PREFIX)
    return api
