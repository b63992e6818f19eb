"""`jxc serve` serves the built console at / and sends client-side routes to index.html."""

from __future__ import annotations

from pathlib import Path

import httpx

from jxc.api import create_api
from jxc.bootstrap import App, bootstrap
from jxc.config import Settings
from tests.api.conftest import serving
from tests.conftest import TEST_SECRET


def test_console_files_and_client_routes(app: App, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<div id=root>jxc</div>", encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log(1)", encoding="utf-8")
    settings = Settings(database_url=str(app.engine.url), secret_key=TEST_SECRET, console_dir=tmp_path)
    api = create_api(bootstrap(settings, engine=app.engine, clock=app.clock))
    with serving(api) as base, httpx.Client(base_url=base.removesuffix("/api/v1")) as client:
        assert client.get("/").text == "<div id=root>jxc</div>"
        assert client.get("/app.js").text == "console.log(1)"
        assert client.get("/items/FR-0001").text == "<div id=root>jxc</div>"
        missing = client.get("/api/v1/nowhere")
        assert missing.status_code == 404 and missing.json()["code"] == "http.not_found"
