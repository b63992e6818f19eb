"""The built web console in a real browser: Debian's Chromium, driven by Playwright.

Each pytest worker builds its own app on a temporary SQLite file with a small demo network
(users ``director`` and ``east-manager``) and the demo's documents and vouchers as ``jxc demo``
builds them (a large purchase order waits in the director's approval inbox), serves it with the
console from ``web/dist`` on a free loopback port, and launches ``/usr/bin/chromium`` headless
(Playwright's own browser download is never used). Every test gets a fresh browser context, so
nothing (language, session) leaks between tests; a failed test leaves a screenshot at
``/tmp/jxc-browser-<test>.png``.

``./scripts/test`` installs what these tests need (``scripts/_browser.sh``). A missing browser,
``playwright`` package or console build is a failure that says so, never a silent skip; only
``JXC_SKIP_BROWSER=1`` skips them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jxc.api import create_api
from jxc.bootstrap import App, bootstrap
from jxc.cli.admin import initialise
from jxc.config import Settings
from jxc.db.engine import build_engine
from jxc.demo import DemoSummary, build_demo
from jxc.demo.documents import DemoDocuments, build_documents
from jxc.demo.users import DEMO_PASSWORD, ensure_demo_users
from tests.api.conftest import serving
from tests.conftest import TEST_SECRET

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package `chromium`
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
SETUP = "run ./scripts/test once: it installs Debian's chromium and fonts-noto-cjk and builds web/dist"
DEMO_ITEMS, DEMO_DAYS = 12, 14  # small: the console needs content, not a year of history
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Console:
    url: str  # where the console is served (the API is under /api/v1)
    app: App
    demo: DemoSummary
    documents: DemoDocuments
    password: str = DEMO_PASSWORD


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so the page fixture knows whether to take a screenshot."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _browser_tests_enabled() -> None:
    if os.environ.get("JXC_SKIP_BROWSER") == "1":
        pytest.skip("browser tests skipped (JXC_SKIP_BROWSER=1)")


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The demo network and the built console on a live server, one per worker."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(f"the web console is not built ({WEB_DIST} has no index.html); {SETUP}", pytrace=False)
    folder = tmp_path_factory.mktemp("browser")
    engine = build_engine(f"sqlite:///{folder / 'jxc.sqlite'}")
    settings = Settings(database_url=str(engine.url), secret_key=TEST_SECRET, data_dir=folder, console_dir=WEB_DIST)
    app = bootstrap(settings, engine=engine)
    initialise(app)
    demo = build_demo(app, items=DEMO_ITEMS, days=DEMO_DAYS)
    ensure_demo_users(app)
    documents = build_documents(app)  # as the `jxc demo` command does, after the users
    with serving(create_api(app)) as base:
        yield Console(url=base.removesuffix("/api/v1"), app=app, demo=demo, documents=documents)
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the Python package playwright is missing (it is in the dev extras); {SETUP}", pytrace=False)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing; {SETUP}", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, console: Console, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (English browser locale: the console must still start in Chinese)."""
    context = browser.new_context(base_url=console.url, locale="en-US", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    if failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=f"/tmp/jxc-browser-{name}.png", full_page=True)
    context.close()
    if errors and not failed:
        pytest.fail(f"the console threw in the browser: {errors}", pytrace=False)
