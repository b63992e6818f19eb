"""A real HTTP server (uvicorn on a free loopback port) around the test's wired app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from jxc.api import create_api
from jxc.bootstrap import App


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http(app: App) -> Iterator[httpx.Client]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_api(app), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10) as client:
        yield client
    server.should_exit = True
    thread.join(timeout=10)
