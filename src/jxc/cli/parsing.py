"""Parsers for CLI option values that carry their own small grammar (durations, dates)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from jxc.kernel.errors import InvalidInput

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def duration(text: str, *, field: str) -> timedelta:
    """'30m', '2h', '7d', '1w' → timedelta."""
    match = _DURATION.match(text)
    if match is None:
        raise InvalidInput("field.invalid", field=field, value=text, reason="e.g. 30m, 2h, 7d")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def day(text: str | None, *, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("field.invalid", field=field, value=text, reason="YYYY-MM-DD") from None


def moment(text: str | None, *, field: str) -> datetime | None:
    """ISO 8601; a value without a time zone is read as UTC."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("field.invalid", field=field, value=text, reason="ISO 8601, e.g. 2026-05-01T09:00+08:00") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def pairs(values: list[str] | None, *, field: str) -> dict[str, str]:
    """``["箱=24", "盒=6"]`` → ``{"箱": "24", "盒": "6"}``."""
    result: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise InvalidInput("field.invalid", field=field, value=value, reason="expected KEY=VALUE")
        result[key.strip()] = rest.strip()
    return result
