"""Sales events over the real NATS JetStream: one transaction per batch, acked after commit, each sale counted once.

Needs the server at ``JXC_TEST_NATS_URL`` (default ``nats://127.0.0.1:4222``, JetStream on). Skipped
when it does not answer — except under CI (``CI=true``), where a missing server is a failure. Every
test uses its own stream, subjects and durable consumer, and deletes the stream at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.msg import Msg
from typer.testing import CliRunner

from jxc.bootstrap import App, bootstrap
from jxc.catalog import services as catalog
from jxc.cli.main import app as cli
from jxc.config import Settings
from jxc.kernel.errors import InvalidInput, JxcError
from jxc.org import services as org
from jxc.signals import services as signals
from jxc.signals import stream
from jxc.signals.model import Channel, SalesEvent
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network

NATS_URL = os.environ.get("JXC_TEST_NATS_URL", stream.DEFAULT_URL)
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the FixedClock's time
AT = datetime(2025, 12, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _nats_problem() -> str | None:
    async def probe() -> None:
        nc = await nats.connect(NATS_URL, allow_reconnect=False, connect_timeout=2)
        try:
            await nc.jetstream().account_info()
        finally:
            await nc.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any failure means: no usable JetStream here
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class Bus:
    url: str
    stream: str
    subject: str  # what the subscriber consumes
    till: str  # where the tills publish
    rejected: str  # the dead-letter subject (inside `subject`, like the defaults)
    durable: str

    def options(self, **overrides: Any) -> dict[str, Any]:
        return {"url": self.url, "stream": self.stream, "subject": self.subject, "durable": self.durable,
                "rejected_subject": self.rejected, "batch": 1000, "once": True, "fetch_timeout": 1.0, **overrides}


@pytest.fixture
def bus() -> Iterator[Bus]:
    problem = _nats_problem()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"NATS JetStream is required under CI but does not answer at {NATS_URL}: {problem}")
        pytest.skip(f"NATS JetStream not available at {NATS_URL}: {problem}")
    suffix = uuid.uuid4().hex[:10]
    found = Bus(url=NATS_URL, stream=f"JXC_TEST_{suffix.upper()}", subject=f"jxctest.{suffix}.sales.>",
                till=f"jxctest.{suffix}.sales.pos.st01", rejected=f"jxctest.{suffix}.sales.rejected",
                durable=f"jxc-test-{suffix}")
    asyncio.run(_prepare(found))
    yield found
    asyncio.run(_delete(found))


async def _prepare(bus: Bus) -> None:
    nc = await stream.connect(bus.url)
    try:
        await stream.ensure_stream(nc.jetstream(), name=bus.stream, subjects=(bus.subject, bus.rejected))
    finally:
        await nc.close()


async def _delete(bus: Bus) -> None:
    nc = await stream.connect(bus.url)
    try:
        await nc.jetstream().delete_stream(bus.stream)
    finally:
        await nc.close()


async def _dead_letters(bus: Bus) -> list[Msg]:
    """Every message stored on the dead-letter subject (through a throwaway consumer)."""
    nc = await stream.connect(bus.url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(bus.rejected, stream=bus.stream)
        try:
            return await sub.fetch(100, timeout=1)
        except nats.errors.TimeoutError:
            return []
    finally:
        await nc.close()


def sale(site: str, sku: str, minutes: int, *, qty: str = "1", price: str = "3.50", event_id: str | None = None,
         promo: bool = False) -> SalesEvent:
    return SalesEvent(event_id=event_id or ref("EV"), occurred_at=AT + timedelta(minutes=minutes), channel=Channel.POS,
                      site=site, sku=sku, quantity=Decimal(qty), unit_price=Decimal(price), promotion=promo)


def publish(bus: Bus, events: list[Any], *, as_batch: bool = False) -> int:
    return asyncio.run(stream.publish_sales(bus.url, bus.till, events, as_batch=as_batch))


def listen(app: App, bus: Bus, **overrides: Any) -> stream.SubscriberReport:
    return asyncio.run(stream.run_subscriber(app, **bus.options(**overrides)))


def daily(app: App, site: str, sku: str) -> list[tuple[date | datetime, Decimal, int]]:
    with app.uow() as uow:
        points = signals.demand_history(uow, item_id=catalog.get_item(uow, sku).id, site_id=org.get_site(uow, site).id)
    return [(p.period, p.quantity, p.events) for p in points]


def test_a_batch_lands_once_the_bad_events_are_dead_lettered_and_a_replay_adds_nothing(app: App, bus: Bus) -> None:
    net = network(app)
    sku = item(app)
    twice = sale(net.store, sku, 1, qty="2")
    unknown_item = sale(net.store, "NO-SUCH-SKU", 3)  # only the database can tell: the batch falls back to one by one
    bad_quantity = {**stream.event_body(sale(net.store, sku, 4)), "quantity": "-1"}  # bad on its own
    published = [sale(net.store, sku, 0, qty="1"), twice, sale(net.store, sku, 2, qty="4", promo=True), twice,
                 unknown_item, bad_quantity, b"not an event"]
    assert publish(bus, published) == 7
    assert publish(bus, [sale(net.store, sku, 5, qty="3"), sale(net.store, sku, 6, qty="5")], as_batch=True) == 1

    report = listen(app, bus)
    assert (report.messages, report.accepted, report.duplicates, report.rejected, report.retried) == (8, 5, 1, 3, 0)
    assert {(r.code, r.field) for r in report.rejections} == {
        ("item.not_found", "sku"), ("quantity.not_positive", "quantity"), ("field.invalid", "body")}
    assert daily(app, net.store, sku) == [(date(2025, 12, 30), Decimal(15), 5)]

    letters = asyncio.run(_dead_letters(bus))
    assert len(letters) == 3
    by_code = {m.headers["Jxc-Error-Code"]: m for m in letters if m.headers}
    assert by_code["item.not_found"].headers["Jxc-Error-Field"] == "sku"  # type: ignore[index]
    assert json.loads(by_code["item.not_found"].data)["event_id"] == unknown_item.event_id  # the body, unchanged
    assert by_code["quantity.not_positive"].headers["Jxc-Original-Subject"] == bus.till  # type: ignore[index]

    again = listen(app, bus)  # the same durable: everything was acked, the dead letters were skipped
    assert (again.messages, again.accepted, again.duplicates, again.rejected) == (0, 0, 0, 0)

    replay = listen(app, bus, durable=bus.durable + "-replay")  # a new consumer: the whole stream again
    assert (replay.accepted, replay.duplicates, replay.rejected) == (0, 6, 3)
    assert daily(app, net.store, sku) == [(date(2025, 12, 30), Decimal(15), 5)]
    assert len(asyncio.run(_dead_letters(bus))) == 3  # a dead letter sent again is dropped by the server


def test_a_crash_between_commit_and_ack_redelivers_and_the_redelivery_counts_once(
    app: App, bus: Bus, monkeypatch: pytest.MonkeyPatch,
) -> None:
    net = network(app)
    sku = item(app)
    publish(bus, [sale(net.store, sku, 0, qty="2"), sale(net.store, sku, 1, qty="3"), sale(net.store, sku, 2, qty="4")])

    async def lost(self: Msg) -> None:  # the process dies after the commit: no ack reaches the server
        return None

    with monkeypatch.context() as patched:
        patched.setattr(Msg, "ack", lost)
        first = listen(app, bus, ack_wait=2.0, fetch_timeout=0.5)
    assert (first.accepted, first.duplicates) == (3, 0)

    time.sleep(2.5)  # the server's ack wait runs out: it redelivers
    redelivered = listen(app, bus, fetch_timeout=2.0)
    assert (redelivered.messages, redelivered.accepted, redelivered.duplicates) == (3, 0, 3)
    assert daily(app, net.store, sku) == [(date(2025, 12, 30), Decimal(9), 3)]
    assert listen(app, bus).messages == 0


def test_a_stop_event_ends_a_listener_that_is_waiting(app: App, bus: Bus) -> None:
    net = network(app)
    sku = item(app)
    publish(bus, [sale(net.store, sku, 0)])

    async def run_then_stop() -> stream.SubscriberReport:
        stop = asyncio.Event()

        def seen(report: stream.SubscriberReport) -> None:
            if report.accepted:
                stop.set()

        return await stream.run_subscriber(app, **bus.options(once=False, stop_event=stop, on_batch=seen,
                                                              fetch_timeout=0.5))

    report = asyncio.run(asyncio.wait_for(run_then_stop(), timeout=30))
    assert (report.accepted, report.batches) == (1, 1)


def test_jxc_signals_listen_once_drains_the_stream_and_prints_the_counts(bus: Bus, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    local = bootstrap(Settings(database_url=url, secret_key=TEST_SECRET))
    net = network(local)
    sku = item(local)
    publish(bus, [sale(net.store, sku, 0, qty="2"), sale(net.store, sku, 1, qty="3"), b"[]"])
    options = ["--nats", bus.url, "--stream", bus.stream, "--subject", bus.subject, "--durable", bus.durable,
               "--rejected-subject", bus.rejected, "--once"]
    result = CliRunner().invoke(cli, ["--database-url", url, "signals", "listen", *options, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["accepted"], counts["duplicates"], counts["rejected"]) == (2, 0, 1)
    assert daily(local, net.store, sku) == [(date(2025, 12, 30), Decimal(5), 2)]
    result = CliRunner().invoke(cli, ["--database-url", url, "signals", "listen", *options])
    assert result.exit_code == 0 and "新事件 accepted" in result.stdout, result.output


# --- decoding, without a server -------------------------------------------------------------------


def test_a_body_is_one_event_or_a_list_and_errors_name_the_field_relative_to_it() -> None:
    event = sale("ST-1", "SKU-1", 0, qty="0.1", price="3.3")
    single = stream.decode_body(json.dumps({**stream.event_body(event), "quantity": 0.1}).encode(), now=NOW)
    assert single.single and single.events == [event]  # 0.1 read as exactly Decimal("0.1")
    many = stream.decode_body(json.dumps({"events": [stream.event_body(event)] * 2}).encode(), now=NOW)
    assert not many.single and len(many.events) == 2

    def refused(body: Any) -> tuple[str, str | None]:
        with pytest.raises(JxcError) as info:
            stream.decode_body(body if isinstance(body, bytes) else json.dumps(body).encode(), now=NOW)
        return info.value.code, info.value.field

    base = stream.event_body(event)
    assert refused({k: v for k, v in base.items() if k != "sku"}) == ("field.required", "sku")
    assert refused({"events": [base, {**base, "quantity": "x"}]}) == ("field.invalid", "events[1].quantity")
    assert refused({**base, "occurred_at": "2025-12-30T10:00:00"}) == ("time.naive", "occurred_at")
    assert refused({**base, "channel": "fax"}) == ("field.invalid", "channel")
    later = {**base, "event_id": "B", "occurred_at": (AT + timedelta(minutes=5)).isoformat()}
    assert refused({"events": [later, base]}) == ("signal.out_of_order", "events[1].occurred_at")
    assert refused(b"{not json") == ("field.invalid", "body")
    assert refused({"events": []}) == ("field.invalid", "events")
    scope = stream.SiteScope(subject="clerk", sites=frozenset({"ST-2"}))
    with pytest.raises(JxcError) as info:
        stream.decode_body(json.dumps(base).encode(), now=NOW, scope=scope)
    assert (info.value.code, info.value.field) == ("access.out_of_scope", "site")


def test_subject_patterns_cover_what_they_match() -> None:
    assert stream.subject_covers("jxc.sales.>", "jxc.sales.rejected")
    assert stream.subject_covers("jxc.sales.>", "jxc.sales.pos.>")
    assert stream.subject_covers("jxc.*.rejected", "jxc.sales.rejected")
    assert not stream.subject_covers("jxc.sales.*", "jxc.sales.pos.st01")
    assert not stream.subject_covers("jxc.sales.rejected", "jxc.sales.>")
    assert not stream.subject_covers("jxc.sales.>", "jxc.sales")


def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(InvalidInput) as info:
        asyncio.run(stream.connect("nats://127.0.0.1:1"))
    assert (info.value.code, info.value.field) == ("field.invalid", "nats")
