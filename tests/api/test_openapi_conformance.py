"""The OpenAPI document is the truth: schemathesis against a live server finds no 5xx, and every
response — status, media type, body, headers, ``Allow`` — is the one the document declares.

Runs schemathesis' own engine (the phases of ``st run``: coverage, fuzzing, stateful) over real HTTP,
signed in as a purchasing director, with real items, sites, quantities and reservations offered as
parameter values so that requests reach real rows, not only 404s and 422s. Successful writes and
sign-ins, which random data seldom produces, are first made once on purpose and checked the same way.
``JXC_SCHEMATHESIS_SEED`` replays a failing run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.schemas import BaseSchema

from jxc.access import services as access
from jxc.access.repository import LoginFailureRepository
from jxc.api import create_api
from jxc.bootstrap import App, bootstrap
from jxc.config import Settings
from jxc.inventory.reservations import Reserve
from tests.api.conftest import PASSWORD, serving
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network, receive

MAX_EXAMPLES = 15  # fuzzed per operation; with the coverage phase, ~0.4 s per operation and backend

# "No 5xx, and every response matches its schema", plus what the document says of requests: a
# required header is required, and undeclared methods get 405 with an Allow header naming exactly
# the declared ones.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
)
# Left out on purpose:
# - positive_data_acceptance: schema-valid requests are refused by business rules the schema cannot
#   express (an unknown sku is a 404, a site kind outside the set a 422, a sale without stock a 409);
# - negative_data_rejection: pydantic's lax mode accepts more than the document names (a number as a
#   date-time, "1" as a boolean): lenient input, not a response that contradicts the document;
# - max_response_time: a timing check, not conformance (and flaky on a shared CI machine);
# - ignored_auth, use_after_free, ensure_resource_availability: they probe credentials and resource
#   lifecycles (DELETE links) rather than the document; access has its own tests.


@contextmanager
def console_served(app: App, directory: Path) -> Iterator[str]:
    """The API as ``jxc serve`` runs it — with the console mounted at "/" — on a free port."""
    (directory / "index.html").write_text("<div id=root></div>", encoding="utf-8")
    settings = Settings(database_url=str(app.engine.url), secret_key=TEST_SECRET, console_dir=directory)
    with serving(create_api(bootstrap(settings, engine=app.engine, clock=app.clock))) as base:
        yield base


def seed_data(app: App) -> dict[str, list[Any]]:
    """Items with stock at real sites, and open reservations: values schemathesis may pick."""
    net = network(app)
    skus = [item(app) for _ in range(3)]
    for sku in skus:
        receive(app, sku, 50, net.warehouse)
        receive(app, sku, 20, net.store)
    reservations = []
    for sku in skus[:2]:
        with app.uow() as uow:
            made = app.reservations.reserve(uow, Reserve(idempotency_key=ref("K"), sku=sku, quantity="2",
                                                         site=net.store))
        reservations.append(str(made.id))
    sites = [net.warehouse, net.store, net.lenient]
    return {"skus": skus, "sites": sites, "orgs": [net.org], "reservations": reservations,
            "sources": [*sites, "@supplier"], "targets": [*sites, "@customer"], "quantities": [1, 2, "0.5", "3"]}


def config(base_url: str, authorization: str, values: dict[str, list[Any]], seed: int) -> SchemathesisConfig:
    def often(dictionary: str) -> dict[str, object]:
        return {"dictionary": dictionary, "probability": 0.6}  # the rest stays generated: unknown codes too

    return SchemathesisConfig.from_dict({
        "seed": seed,
        "base-url": base_url,
        **({"headers": {"Authorization": authorization}} if authorization else {}),
        # Security parameters (the X-Api-Key scheme) would be filled with random keys: 401s only.
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "with-security-parameters": False},
        "phases": {"examples": {"enabled": False}, "stateful": {"max-steps": 10}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "dictionaries": {name: {"values": found} for name, found in values.items()},
        "parameters": {
            "path.sku": often("skus"), "query.sku": often("skus"), "body.sku": often("skus"),
            "body.lines[*].sku": often("skus"), "query.site": often("sites"), "body.site": often("sites"),
            "body.lines[*].from_site": often("sources"), "body.lines[*].to_site": often("targets"),
            "body.lines[*].quantity": often("quantities"), "body.quantity": often("quantities"),
            "query.org": often("orgs"), "path.reservation_id": often("reservations"),
        },
    })


def known_good(schema: BaseSchema, app: App, values: dict[str, list[Any]]) -> str:
    """Sign in, refresh, post, replay, reserve, ship and release once each, every response checked
    against the document; returns the bearer header for the run."""
    username = ref("u").lower()
    with app.uow() as uow:
        access.add_user(uow, username=username, password=PASSWORD, roles=["purchasing_director"])
    api = "/api/v1"

    def call(path: str, method: str, **parts: Any) -> Any:
        response = schema[api + path][method].Case(**parts).call_and_validate()
        assert response.status_code < 300, response.text
        return response.json()

    tokens = call("/auth/login", "POST", body={"username": username, "password": PASSWORD})
    call("/auth/refresh", "POST", body={"refresh_token": tokens["refresh_token"]})
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    sku, (warehouse, store, _) = values["skus"][0], values["sites"]
    receipt = {"kind": "receipt", "lines": [{"sku": sku, "quantity": "1", "unit": "箱", "from_site": "@supplier",
                                             "to_site": store}]}
    for _ in range(2):  # the second is a replay: 200 with Idempotent-Replayed
        call("/movements", "POST", headers={**bearer, "Idempotency-Key": "K-known-good-" + sku}, body=receipt)
    reservation = call("/reservations", "POST", headers={**bearer, "Idempotency-Key": ref("K")},
                       body={"sku": sku, "quantity": "3", "site": warehouse, "reference": "SO-1"})
    for close in ("ship", "release"):
        call(f"/reservations/{{reservation_id}}/{close}", "POST", path_parameters={"reservation_id": reservation["id"]},
             headers={**bearer, "Idempotency-Key": ref("K")}, body={"quantity": "1"} if close == "ship" else {})
    return bearer["Authorization"]


def problems(stream: list[events.EngineEvent]) -> list[str]:
    """Every failed check and every error of the run, each with a curl line to replay it."""
    found: list[str] = []
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.failure_info is not None:
                        failure = node.failure_info.failure
                        found.append(f"{failure.operation}: {failure.title}\n{failure.message}\n"
                                     f"{node.failure_info.code_sample}")
        elif isinstance(event, events.NonFatalError):
            found.append(f"{event.label}: {event.info.title}\n{event.info}")
        elif isinstance(event, events.FatalError):
            found.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            found.extend(str(failure) for failure in event.failures)
    return sorted(set(found))


def test_every_response_matches_the_openapi_document(app: App, tmp_path: Path) -> None:
    values = seed_data(app)
    seed = int(os.environ.get("JXC_SCHEMATHESIS_SEED") or random.getrandbits(64))
    try:
        with console_served(app, tmp_path) as base:
            load = schemathesis.openapi.from_url
            root = base.removesuffix("/api/v1")
            authorization = known_good(load(f"{base}/openapi.json", config=config(root, "", values, seed)), app, values)
            schema = load(f"{base}/openapi.json", config=config(root, authorization, values, seed))
            stream = list(engine.from_schema(schema).execute())
    finally:
        # Fuzzed sign-ins fail from 127.0.0.1, and every test signs in from there at the same fixed
        # time: forget those failures, or the rest of this worker's tests would be locked out (429).
        with app.uow() as uow:
            uow.repository(LoginFailureRepository).prune(before=app.clock.now())
            uow.commit()
    tested = sum(isinstance(event, events.ScenarioFinished) and event.recorder.has_responses() for event in stream)
    assert tested, "schemathesis sent no request"
    found = problems(stream)
    assert not found, f"{len(found)} problem(s), JXC_SCHEMATHESIS_SEED={seed}:\n\n" + "\n\n".join(found)
