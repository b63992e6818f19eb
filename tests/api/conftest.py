"""A real HTTP server (uvicorn on a free loopback port) around the test's wired app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from jxc.access import services as access
from jxc.api import create_api
from jxc.bootstrap import App
from tests.conftest import ref


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PASSWORD = "correct horse battery"


def sign_in(app: App, base_url: str, *, roles: tuple[str, ...] = ("purchasing_director",), **scope: Any) -> httpx.Client:
    """A client signed in as a new user with ``roles`` and scope (organisations, region, home_site, radius_km)."""
    username = ref("u").lower()
    with app.uow() as uow:
        access.add_user(uow, username=username, password=PASSWORD, roles=roles, **scope)
    client = httpx.Client(base_url=base_url, timeout=10)
    tokens = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"
    return client


@contextmanager
def serving(api: FastAPI) -> Iterator[str]:
    """Run ``api`` under uvicorn on a free loopback port; yields the API base URL."""
    port = _free_port()
    uvi = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvi.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvi.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        uvi.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(app: App) -> Iterator[str]:
    """Base URL of a live API server for ``app``."""
    with serving(create_api(app)) as base:
        yield base


@pytest.fixture
def as_role(app: App, server: str) -> Iterator[Callable[..., httpx.Client]]:
    """``as_role(roles=(...), **scope)``: a signed-in client, closed at the end of the test."""
    clients: list[httpx.Client] = []

    def make(*, roles: tuple[str, ...] = ("purchasing_director",), **scope: Any) -> httpx.Client:
        clients.append(sign_in(app, server, roles=roles, **scope))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def http(app: App, server: str) -> Iterator[httpx.Client]:
    """A client signed in as a purchasing director (sees and may do everything)."""
    client = sign_in(app, server)
    yield client
    client.close()
