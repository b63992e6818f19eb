"""FastAPI assembly: routers under /api/v1, problem details, request size limit."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from jxc import __version__
from jxc.api.deps import PrincipalCache, refuse_nul
from jxc.api.problems import PROBLEM_RESPONSES, on_http_error, on_jxc_error, on_validation_error, problem
from jxc.bootstrap import App
from jxc.kernel.errors import JxcError

PREFIX = "/api/v1"
MAX_BODY_BYTES = 1_048_576  # a posting of several thousand lines fits; anything larger is a bulk import


# Bulk intake carries more than one document: a batch of 10,000 sales events, a demand history.
LARGER_BODIES: dict[str, int] = {f"{PREFIX}/signals/": 8 * 1024 * 1024,
                                  f"{PREFIX}/replenishment/backtests": 5 * 1024 * 1024}


class BodyLimit:
    """Refuse requests whose declared body is over the limit (413 problem), as plain ASGI middleware."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _limit(self, path: str) -> int:
        return max([self.max_bytes, *(size for prefix, size in LARGER_BODIES.items() if path.startswith(prefix))])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = self._limit(scope.get("path", ""))
            for name, value in scope["headers"]:
                if name == b"content-length" and value.isdigit() and int(value) > limit:
                    response = problem(JxcError("http.too_large", limit=limit), Request(scope), status=413)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def create_api(app: App, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The HTTP API over a wired application."""
    from jxc.access.api import router as audit_router
    from jxc.api.auth import router as auth_router
    from jxc.catalog.api import router as catalog_router
    from jxc.documents.api import router as documents_router
    from jxc.documents.api_moves import router as moves_router
    from jxc.documents.api_supply import router as supply_router
    from jxc.forecasting.api import router as forecasting_router
    from jxc.inventory.api import router as inventory_router
    from jxc.org.api import router as org_router
    from jxc.replenishment.api import router as replenishment_router
    from jxc.replenishment.api_backtest import router as backtest_router
    from jxc.rules.api import router as rules_router
    from jxc.signals.api import router as signals_router
    from jxc.workflow.api import router as workflow_router

    api = FastAPI(
        title="jxc 进销存 API", version=__version__, openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    api.state.jxc = app
    api.state.principals = PrincipalCache()
    api.add_exception_handler(JxcError, on_jxc_error)
    api.add_exception_handler(RequestValidationError, on_validation_error)
    api.add_exception_handler(StarletteHTTPException, on_http_error)

    api.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    for router in (auth_router, catalog_router, org_router, inventory_router, audit_router, documents_router,
                   moves_router, supply_router, workflow_router, signals_router,
                   replenishment_router, backtest_router, forecasting_router, rules_router):
        api.include_router(router, prefix=PREFIX, responses=PROBLEM_RESPONSES, dependencies=[Depends(refuse_nul)])
    console = console_directory(app)
    if console is not None:
        api.router.routes.append(ConsoleMount("/", app=ConsoleFiles(directory=console, html=True), name="console"))
    return api


def console_directory(app: App) -> Path | None:
    """The built web console: JXC_CONSOLE_DIR, else web/dist of a source checkout, if built."""
    configured = app.settings.console_dir
    candidate = configured or Path(__file__).resolve().parents[3] / "web" / "dist"
    return candidate if (candidate / "index.html").is_file() else None


class ConsoleMount(Mount):
    """The console at "/", which never claims a path under the API prefix.

    A mount at "/" fully matches every path, and Starlette prefers a full match to an API route's
    path-only one: an unsupported method on an API path (OPTIONS /api/v1/movements) reached the static
    files and got their 405 with ``Allow: GET, HEAD``. Unmatched here, the router answers for the API:
    405 naming the route's own methods, or 404.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return Match.NONE, {}
        return super().matches(scope)


class ConsoleFiles(StaticFiles):
    """The console's files; any other path that is not an API call gets index.html (client-side routes)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except StarletteHTTPException as error:
            if error.status_code != 404 or path.startswith("api/"):
                raise
            return await super().get_response("index.html", scope)
