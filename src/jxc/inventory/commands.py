"""Commands the ledger accepts (imperative names) and the results it returns.

A command's canonical form is hashed for idempotency: the same key with the same canonical
payload replays the original result; with another payload it is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, timedelta)):
        return str(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _shallow(value: Any) -> Any:
    # dataclasses.asdict deep-copies; this walks fields directly (hot on the bulk import path).
    if hasattr(value, "__dataclass_fields__"):
        return {name: _shallow(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_shallow(v) for v in value]
    return value


def _field_text(value: Any) -> str:
    if value is None:
        return "~"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ",".join(_field_text(v) for v in value) + "]"
    return str(value)


def _quantity_text(value: Any) -> str:
    if type(value) is int:
        return str(value)
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None or value.tzinfo is None else value.astimezone(UTC)


ShapeKey = tuple[object, ...]
_SHAPE_TEXT: dict[ShapeKey, str] = {}


def shape_of(line: MoveLine) -> ShapeKey:
    """Everything about a line except how much moves (and its serials and ETA): the buckets it joins."""
    return (line.sku, line.from_site, line.to_site, line.unit, line.from_state, line.to_state, line.lot,
            line.production_date, line.expiry_date, line.from_bin, line.to_bin, line.from_project, line.to_project)


def shape_text(key: ShapeKey) -> str:
    """Canonical text of a line shape (memoised: bulk imports repeat shapes)."""
    text = _SHAPE_TEXT.get(key)
    if text is None:
        # str() turns StrEnum states into their values; a StrEnum and its value are equal keys anyway.
        text = repr(tuple(str(v) if isinstance(v, str) else v for v in key))
        if len(_SHAPE_TEXT) > 200_000:
            _SHAPE_TEXT.clear()
        _SHAPE_TEXT[key] = text
    return text


_HEAD_TEXT: dict[tuple[object, ...], str] = {}


def posting_fingerprint(command: PostStock) -> str:
    """Canonical hash of a PostStock: equal payloads (3 == "3.0", +08:00 == UTC) hash equal."""
    return fingerprint_with(command, [shape_text(shape_of(line)) for line in command.lines])


def fingerprint_with(command: PostStock, shape_texts: Sequence[str]) -> str:
    """The fingerprint, given each line's shape text (the bulk path has them at hand).

    Built from ``repr`` of plain values (str, int, None, date: stable across runs), since this
    runs once per posting on the bulk path.
    """
    head = (command.kind, command.occurred_at, command.document_ref, command.reassign_project)
    head_text = _HEAD_TEXT.get(head)
    if head_text is None:
        head_text = repr((command.kind, _utc_or_none(command.occurred_at), command.document_ref,
                          command.reassign_project))
        if len(_HEAD_TEXT) > 100_000:
            _HEAD_TEXT.clear()
        _HEAD_TEXT[head] = head_text
    parts = [head_text]
    for line, text in zip(command.lines, shape_texts, strict=True):
        parts.append(
            f"{text}\x1e{_quantity_text(line.quantity)}\x1e{repr(line.serials) if line.serials else ''}\x1e"
            f"{'' if line.eta is None else repr(_utc_or_none(line.eta))}"
        )
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=32).hexdigest()


def payload_hash(kind: str, payload: Any) -> str:
    body = _shallow(payload)
    text = json.dumps([kind, _canonical(body)], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class MoveLine:
    """One line of a posting, in the caller's words (codes, units, lot numbers).

    ``from_state``/``to_state`` default sensibly: a receipt from a virtual site lands in
    ``to_state`` (default available); a real source gives from ``from_state`` (default
    available); the target keeps the source state unless ``to_state`` says otherwise.
    """

    sku: str
    quantity: Decimal | str | int
    from_site: str
    to_site: str
    unit: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    lot: str | None = None
    production_date: date | None = None
    expiry_date: date | None = None
    serials: tuple[str, ...] = ()
    from_bin: str | None = None
    to_bin: str | None = None
    from_project: str | None = None
    to_project: str | None = None
    eta: datetime | None = None


@dataclass(frozen=True)
class PostStock:
    """Post one atomic, idempotent set of movements."""

    idempotency_key: str
    lines: tuple[MoveLine, ...]
    kind: str = "movement"
    occurred_at: datetime | None = None
    document_ref: str | None = None
    reassign_project: bool = False


@dataclass(frozen=True)
class MovementRecord:
    id: UUID
    line_no: int
    item_id: UUID
    quantity: Decimal
    from_bucket_id: UUID
    to_bucket_id: UUID
    from_site_id: UUID
    to_site_id: UUID
    from_state: str
    to_state: str
    lot_id: UUID | None
    serial: str | None
    occurred_at: datetime
    eta: datetime | None = None


@dataclass(frozen=True)
class PostingResult:
    posting_id: UUID
    idempotency_key: str
    replayed: bool
    movements: tuple[MovementRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ImportReport:
    postings: int
    movements: int
    replayed: int
