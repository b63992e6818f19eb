"""Sales events from NATS JetStream: a durable pull consumer feeding :func:`ingest_sales`.

Delivery is at least once; counting is exactly once. Invariants:

- a fetched batch (up to ``batch`` messages, or what came within ``fetch_timeout``) is decoded,
  ingested in **one** transaction, committed, and only then is every message acked. A crash
  between commit and ack redelivers the messages; their events are then duplicates (same id,
  same content) and add nothing;
- a message that is bad on its own — not JSON, a missing or mistyped field, a quantity ≤ 0, a
  till's events out of time order within the message, a site outside the listener's scope — is
  dead-lettered before the batch is ingested;
- when the database refuses the batch for an event (unknown item or site, an event id reused
  with other content) the batch's messages are ingested one by one, each in its own transaction:
  the good ones land, the bad ones are dead-lettered, none is lost or counted twice;
- a dead letter is the original body, published through JetStream to ``rejected_subject``
  (default ``jxc.sales.rejected``) with the headers ``Jxc-Error-Code``, ``Jxc-Error-Field``,
  ``Jxc-Error`` (the English text), ``Jxc-Original-Subject`` and ``Jxc-Original-Sequence``, and a
  ``Nats-Msg-Id`` so the server drops a republish after a crash. The original is acked only
  once the dead letter is stored; if it cannot be stored, the original is terminated (``term()``):
  it stays in the stream and the server announces it (``MSG_TERMINATED`` advisory);
- a database failure (anything but a ``JxcError``) naks the messages with a delay: they come back;
- messages on ``rejected_subject`` reaching the consumer (``jxc.sales.>`` covers
  ``jxc.sales.rejected``) are acked and skipped, never re-ingested.

A message body is one event or ``{"events": [...]}`` (at most 10,000), with the fields of
``POST /signals/sales``: numbers as JSON numbers or strings, read as exact decimals (never as
floats); ``occurred_at`` must carry its offset. The domain is synchronous: ingestion runs in a
worker thread (``asyncio.to_thread``) with its own unit of work.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.exc import SQLAlchemyError

from jxc.bootstrap import App
from jxc.kernel.errors import Forbidden, InvalidInput, JxcError
from jxc.kernel.messages import render
from jxc.signals import services as signals
from jxc.signals.model import MAX_BATCH, MAX_EVENT_ID, Channel, SalesEvent, check_batch

DEFAULT_URL: Final = "nats://127.0.0.1:4222"
DEFAULT_STREAM: Final = "JXC_SALES"
DEFAULT_SUBJECT: Final = "jxc.sales.>"
DEFAULT_DURABLE: Final = "jxc-signals"
REJECTED_SUBJECT: Final = "jxc.sales.rejected"
DEFAULT_BATCH: Final = 1_000
MAX_FETCH: Final = 10_000
MAX_IDLE_FETCHES: Final = 30  # with ``once``: empty fetches in a row before giving up on pending messages
FETCH_TIMEOUT: Final = 1.0  # seconds a fetch waits for its first message; also how often stop_event is looked at
ACK_WAIT: Final = 60.0  # seconds the server waits for an ack before redelivering
RETRY_DELAY: Final = 5.0  # seconds before a message naked for a database failure comes back
KEPT_REJECTIONS: Final = 100
CODE_MAX: Final = 64

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteScope:
    """Whose scope the listener keeps to: events at other sites are dead-lettered (``access.out_of_scope``)."""

    subject: str
    sites: frozenset[str]


@dataclass(frozen=True)
class Rejection:
    subject: str
    sequence: int
    code: str
    field: str | None


@dataclass
class SubscriberReport:
    """What a run did. ``messages`` counts those taken off the stream (ingested or rejected)."""

    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    retried: int = 0  # naked after a database failure: they come back
    batches: int = 0
    rejections: list[Rejection] = field(default_factory=list)  # the first 100

    def as_dict(self) -> dict[str, Any]:
        return {"messages": self.messages, "accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": self.rejected, "retried": self.retried, "batches": self.batches,
                "rejections": [vars(r) for r in self.rejections]}


@dataclass(frozen=True)
class Parcel:
    """One message's events; ``single``: the body was one event (fields are named without ``events[i].``)."""

    events: list[SalesEvent]
    single: bool


# --- decoding (pure) ------------------------------------------------------------------------------


def decode_body(data: bytes, *, now: datetime, scope: SiteScope | None = None) -> Parcel:
    """The events of one message body, each checked on its own and in order (``check_batch``)."""
    try:
        body = json.loads(data, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("field.invalid", field="body", value=_preview(data), reason=f"JSON: {exc}") from None
    single = isinstance(body, dict) and "events" not in body
    raw = [body] if single else body.get("events") if isinstance(body, dict) else None
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("field.invalid", field="body" if not isinstance(body, dict) else "events",
                           value=_preview(data), reason='one event object, or {"events": [...]} with at least one')
    events = [_event(item, "" if single else f"events[{i}].") for i, item in enumerate(raw)]
    try:
        check_batch(events, now=now)
        if scope is not None:
            for i, event in enumerate(events):
                if event.site not in scope.sites:
                    raise Forbidden("access.out_of_scope", field=f"events[{i}].site", subject=scope.subject,
                                    value=event.site)
    except JxcError as error:
        raise _relative(error, single=single) from None
    return Parcel(events=events, single=single)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _preview(data: bytes) -> str:
    text = data[:80].decode("utf-8", errors="replace")
    return text + ("…" if len(data) > 80 else "")


def _event(item: object, where: str) -> SalesEvent:
    if not isinstance(item, dict):
        raise InvalidInput("field.invalid", field=where.rstrip(".") or "body", value=str(item)[:80],
                           reason="a JSON object")
    channel = item.get("channel", Channel.POS.value)
    try:
        channel = Channel(channel)
    except ValueError:
        raise InvalidInput("field.invalid", field=f"{where}channel", value=str(channel),
                           reason=" | ".join(c.value for c in Channel)) from None
    promotion = item.get("promotion", False)
    if not isinstance(promotion, bool):
        raise InvalidInput("field.invalid", field=f"{where}promotion", value=str(promotion), reason="true or false")
    return SalesEvent(event_id=_text(item, "event_id", where, MAX_EVENT_ID), occurred_at=_moment(item, where),
                      channel=channel, site=_text(item, "site", where, CODE_MAX), sku=_text(item, "sku", where, CODE_MAX),
                      quantity=_number(item, "quantity", where), unit_price=_number(item, "unit_price", where),
                      promotion=promotion)


def _required(item: Mapping[str, Any], key: str, where: str) -> Any:
    value = item.get(key)
    if value is None:
        raise InvalidInput("field.required", field=f"{where}{key}")
    return value


def _text(item: Mapping[str, Any], key: str, where: str, limit: int) -> str:
    value = _required(item, key, where)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidInput("field.invalid", field=f"{where}{key}", value=str(value)[:80],
                           reason=f"text of 1 to {limit} characters")
    return value


def _moment(item: Mapping[str, Any], where: str) -> datetime:
    value = _required(item, "occurred_at", where)
    try:
        if isinstance(value, str):
            return datetime.fromisoformat(value)  # a naive time is refused by check_batch (time.naive)
    except ValueError:
        pass
    raise InvalidInput("field.invalid", field=f"{where}occurred_at", value=str(value)[:80],
                       reason="ISO 8601 with an offset, e.g. 2026-05-01T12:05:09+08:00")


def _number(item: Mapping[str, Any], key: str, where: str) -> Decimal:
    value = _required(item, key, where)
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = value if isinstance(value, Decimal) else Decimal(value) if isinstance(value, int | str) else None
        if number is None:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise InvalidInput("field.invalid", field=f"{where}{key}", value=str(value)[:80],
                           reason="a decimal number") from None
    return number


def _relative(error: JxcError, *, single: bool) -> JxcError:
    """An error of a one-event body names ``sku``, not ``events[0].sku``."""
    if single and error.field and error.field.startswith("events[0]."):
        return type(error)(error.code, field=error.field.removeprefix("events[0]."), **error.params)
    return error


def event_body(event: SalesEvent | Mapping[str, Any]) -> dict[str, Any]:
    """An event as a message body (a mapping passes through: tests and demos send bad ones too)."""
    if not isinstance(event, SalesEvent):
        return dict(event)
    return {"event_id": event.event_id, "occurred_at": event.occurred_at.isoformat(), "channel": event.channel.value,
            "site": event.site, "sku": event.sku, "quantity": str(event.quantity),
            "unit_price": str(event.unit_price), "promotion": event.promotion}


# --- ingestion (sync, in a worker thread) ---------------------------------------------------------


def ingest_parcels(app: App, parcels: Sequence[Parcel], *, merged: bool) -> signals.IngestReport:
    """Ingest the parcels' events in one transaction and commit.

    ``merged``: events from several messages, put in time order first. Each message was checked
    for order on its own when decoded; across messages (other tills, redeliveries) order means
    nothing, and sorting keeps the till rule from refusing a batch for it.
    """
    events = [event for parcel in parcels for event in parcel.events]
    if merged:
        events.sort(key=lambda event: event.occurred_at)
    accepted = duplicates = 0
    with app.uow() as uow:
        for start in range(0, len(events), MAX_BATCH):
            report = signals.ingest_sales(uow, events[start:start + MAX_BATCH])
            accepted, duplicates = accepted + report.accepted, duplicates + report.duplicates
        uow.commit()
    return signals.IngestReport(accepted=accepted, duplicates=duplicates)


# --- the subscriber -------------------------------------------------------------------------------


def subject_covers(pattern: str, subject: str) -> bool:
    """Whether every subject ``subject`` matches is also matched by ``pattern`` (NATS ``*`` and ``>``)."""
    wanted, given = pattern.split("."), subject.split(".")
    for i, token in enumerate(wanted):
        if token == ">":
            return len(given) > i
        if i >= len(given) or (token == "*" and given[i] == ">") or token not in ("*", given[i]):
            return False
    return len(wanted) == len(given)


async def connect(url: str, *, reconnect: bool = False) -> Client:
    """A connection to ``url``; a server that does not answer is ``InvalidInput`` on ``nats`` at once.

    ``reconnect``: keep reconnecting for as long as it takes once connected (a listener outlives
    server restarts; its unacked messages simply come back).
    """

    async def quiet(error: Exception) -> None:  # the probe's failure is the one error reported
        log.debug("nats: %s", error)

    async def noted(error: Exception) -> None:  # a listener's connection trouble (it reconnects)
        log.warning("nats: %s", error)

    try:
        # nats-py retries even the first connection (max_reconnect_attempts times, 0 = forever):
        # two quick tries tell a server that is not there.
        probe = await nats.connect(url, allow_reconnect=False, max_reconnect_attempts=1, reconnect_time_wait=0.2,
                                   connect_timeout=2, error_cb=quiet)
        if not reconnect:
            return probe
        await probe.close()
        return await nats.connect(url, allow_reconnect=True, max_reconnect_attempts=-1, reconnect_time_wait=2,
                                  connect_timeout=2, error_cb=noted, name="jxc-signals")
    except (TimeoutError, OSError, nats.errors.Error) as exc:
        raise InvalidInput("field.invalid", field="nats", value=url,
                           reason=f"cannot reach the NATS server / 无法连接 NATS 服务器: {exc or type(exc).__name__}",
                           ) from exc


async def ensure_stream(js: JetStreamContext, *, name: str, subjects: Sequence[str]) -> None:
    """Create the stream ``name`` over ``subjects``, or add to an existing one the subjects it lacks."""
    wanted = [s for i, s in enumerate(subjects)
              if not any(subject_covers(other, s) for j, other in enumerate(subjects) if j != i and other != s)]
    wanted = list(dict.fromkeys(wanted))
    try:
        info = await js.stream_info(name)
    except nats.js.errors.NotFoundError:
        await js.add_stream(name=name, subjects=wanted)
        return
    have = list(info.config.subjects or [])
    missing = [s for s in wanted if not any(subject_covers(h, s) for h in have)]
    if missing:
        info.config.subjects = have + missing
        await js.update_stream(info.config)


class _Intake:
    """Handles fetched batches: decode, ingest together (or one by one), then ack, dead-letter or nak."""

    def __init__(self, app: App, nc: Client, js: JetStreamContext, *, stream: str, rejected_subject: str,
                 scope: SiteScope | None, report: SubscriberReport) -> None:
        self.app, self.nc, self.js = app, nc, js
        self.stream, self.rejected_subject, self.scope, self.report = stream, rejected_subject, scope, report

    async def handle(self, msgs: Sequence[Msg]) -> None:
        self.report.batches += 1
        now = self.app.clock.now()
        parcels: list[tuple[Msg, Parcel]] = []
        for msg in msgs:
            if msg.subject == self.rejected_subject:
                await msg.ack()  # our own dead letter: kept in the stream, never re-ingested
                continue
            try:
                parcels.append((msg, decode_body(msg.data, now=now, scope=self.scope)))
            except JxcError as error:
                await self.reject(msg, error)
        if parcels:
            try:
                result = await asyncio.to_thread(ingest_parcels, self.app, [p for _, p in parcels], merged=True)
            except JxcError:
                await self.one_by_one(parcels)
            except SQLAlchemyError as exc:
                await self.retry([m for m, _ in parcels], exc)
            else:
                await self.settle([m for m, _ in parcels], result)
        await self.nc.flush()  # the acks are at the server before the next fetch

    async def one_by_one(self, parcels: Sequence[tuple[Msg, Parcel]]) -> None:
        for msg, parcel in parcels:
            try:
                result = await asyncio.to_thread(ingest_parcels, self.app, [parcel], merged=False)
            except JxcError as error:
                await self.reject(msg, _relative(error, single=parcel.single))
            except SQLAlchemyError as exc:
                await self.retry([msg], exc)
            else:
                await self.settle([msg], result)

    async def settle(self, msgs: Sequence[Msg], result: signals.IngestReport) -> None:
        for msg in msgs:
            await msg.ack()
        self.report.messages += len(msgs)
        self.report.accepted += result.accepted
        self.report.duplicates += result.duplicates

    async def retry(self, msgs: Sequence[Msg], exc: Exception) -> None:
        log.warning("signals: %d message(s) will be redelivered after a database failure: %s", len(msgs), exc)
        for msg in msgs:
            await msg.nak(delay=RETRY_DELAY)
        self.report.retried += len(msgs)

    async def reject(self, msg: Msg, error: JxcError) -> None:
        sequence = msg.metadata.sequence.stream
        headers = {
            "Jxc-Error-Code": error.code,
            "Jxc-Error-Field": error.field or "",
            "Jxc-Error": _header(render(error, "en")),
            "Jxc-Original-Subject": msg.subject,
            "Jxc-Original-Sequence": str(sequence),
            "Nats-Msg-Id": f"rejected:{self.stream}:{sequence}",
        }
        try:
            await self.js.publish(self.rejected_subject, msg.data, headers=headers)
        except (TimeoutError, nats.errors.Error) as exc:
            log.warning("signals: message %s terminated, its dead letter could not be stored: %s", sequence, exc)
            await msg.term()
        else:
            await msg.ack()
        log.info("signals: message %s rejected: %s %s", sequence, error.code, error.field or "")
        self.report.messages += 1
        self.report.rejected += 1
        if len(self.report.rejections) < KEPT_REJECTIONS:
            self.report.rejections.append(Rejection(subject=msg.subject, sequence=sequence, code=error.code,
                                                    field=error.field))


def _header(text: str) -> str:
    return " ".join(text.split())[:500]


async def run_subscriber(
    app: App,
    *,
    url: str = DEFAULT_URL,
    stream: str = DEFAULT_STREAM,
    subject: str = DEFAULT_SUBJECT,
    durable: str = DEFAULT_DURABLE,
    batch: int = DEFAULT_BATCH,
    stop_event: asyncio.Event | None = None,
    once: bool = False,
    rejected_subject: str = REJECTED_SUBJECT,
    fetch_timeout: float = FETCH_TIMEOUT,
    ack_wait: float = ACK_WAIT,
    scope: SiteScope | None = None,
    on_batch: Callable[[SubscriberReport], None] | None = None,
) -> SubscriberReport:
    """Consume sales events until ``stop_event`` is set (or, with ``once``, until a fetch finds nothing)."""
    if not 1 <= batch <= MAX_FETCH:
        raise InvalidInput("field.invalid", field="batch", value=str(batch), reason=f"1 to {MAX_FETCH:,}")
    nc = await connect(url, reconnect=not once)
    report = SubscriberReport()
    try:
        js = nc.jetstream()
        await ensure_stream(js, name=stream, subjects=(subject, rejected_subject))
        config = ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
                                ack_wait=ack_wait, max_ack_pending=max(batch, DEFAULT_BATCH), max_deliver=-1)
        sub = await js.pull_subscribe(subject, durable=durable, stream=stream, config=config)
        intake = _Intake(app, nc, js, stream=stream, rejected_subject=rejected_subject, scope=scope, report=report)
        idle = 0
        while stop_event is None or not stop_event.is_set():
            try:
                msgs = await sub.fetch(batch, timeout=fetch_timeout)
            except (TimeoutError, nats.errors.TimeoutError):
                # A fetch can time out on a busy machine while messages wait: ``once`` stops only when
                # the consumer has nothing left pending (or after many empty fetches in a row).
                idle += 1
                if once and (idle >= MAX_IDLE_FETCHES or (await sub.consumer_info()).num_pending == 0):
                    break
                continue
            idle = 0
            await intake.handle(msgs)
            if on_batch is not None:
                on_batch(report)
    finally:
        await nc.close()
    return report


async def publish_sales(
    url: str, subject: str, events: Iterable[SalesEvent | Mapping[str, Any] | bytes], *, as_batch: bool = False,
) -> int:
    """Publish events to ``subject`` through JetStream (a stream must cover it): one message each, or one
    ``{"events": [...]}`` with ``as_batch``; ``bytes`` go out as they are (a demo of a bad body). Messages stored."""
    listed = list(events)
    if as_batch:
        payloads = [_json({"events": [event_body(e) for e in listed if not isinstance(e, bytes)]})]
    else:
        payloads = [e if isinstance(e, bytes) else _json(event_body(e)) for e in listed]
    nc = await connect(url)
    try:
        js = nc.jetstream()
        for payload in payloads:
            try:
                await js.publish(subject, payload)
            except (nats.errors.NoRespondersError, nats.js.errors.NoStreamResponseError) as exc:
                raise InvalidInput("field.invalid", field="subject", value=subject,
                                   reason="no JetStream stream takes this subject") from exc
    finally:
        await nc.close()
    return len(payloads)


def _json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, default=str).encode()


__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_DURABLE",
    "DEFAULT_STREAM",
    "DEFAULT_SUBJECT",
    "DEFAULT_URL",
    "REJECTED_SUBJECT",
    "Parcel",
    "Rejection",
    "SiteScope",
    "SubscriberReport",
    "connect",
    "decode_body",
    "ensure_stream",
    "event_body",
    "ingest_parcels",
    "publish_sales",
    "run_subscriber",
    "subject_covers",
]
