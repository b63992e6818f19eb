"""Environmental series: weather, foot traffic, social-media volume, hospital outpatient visits, events.

Pure model and the provider port. A reading is one value of one series for one scope (a site code,
or a region such as 华东) over one period (a local day, or an hour). Readings may be revised (a
weather service corrects yesterday's rain): the latest reading of a (series, scope, period) wins.
Nothing is fetched from the internet: providers read files, or values are pushed through the API.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from jxc.kernel.errors import InvalidInput

MAX_READINGS = 50_000


class Series(StrEnum):
    TEMPERATURE = "temperature"  # °C, daily mean or hourly
    RAIN = "rain"  # mm
    FOOT_TRAFFIC = "foot_traffic"  # visitors counted at the door
    SOCIAL_VOLUME = "social_volume"  # posts / mentions (short video, local-life platforms)
    OUTPATIENT_VISITS = "outpatient_visits"  # e.g. a hospital's paediatric outpatient visits
    EVENT = "event"  # 1 on days with a local event (match, concert, holiday market), else 0


@dataclass(frozen=True)
class Reading:
    series: Series
    scope: str  # a site code or a region name
    day: date
    hour: int | None  # None: a daily value
    value: Decimal
    source: str = "api"


def check_readings(readings: Sequence[Reading]) -> None:
    """Refuse a batch with a bad reading, naming it; nothing of the batch is taken."""
    if not readings:
        raise InvalidInput("field.required", field="readings")
    if len(readings) > MAX_READINGS:
        raise InvalidInput("field.invalid", field="readings", value=str(len(readings)),
                           reason=f"at most {MAX_READINGS:,} per batch")
    for i, reading in enumerate(readings):
        where = f"readings[{i}]"
        if not reading.scope or len(reading.scope) > 64:
            raise InvalidInput("field.invalid", field=f"{where}.scope", value=reading.scope,
                               reason="a site code or region, 1 to 64 characters")
        if reading.hour is not None and not 0 <= reading.hour <= 23:
            raise InvalidInput("field.invalid", field=f"{where}.hour", value=str(reading.hour), reason="0 to 23")
        if not reading.value.is_finite() or abs(reading.value) > Decimal(10) ** 9:
            raise InvalidInput("field.invalid", field=f"{where}.value", value=str(reading.value),
                               reason="a finite number")
        if reading.series is not Series.TEMPERATURE and reading.value < 0:
            raise InvalidInput("field.invalid", field=f"{where}.value", value=str(reading.value),
                               reason=f"{reading.series.value} is never negative")


class EnvironmentProvider(Protocol):
    """Where readings come from (a file drop, a partner's export, a sensor gateway)."""

    def readings(self) -> Iterable[Reading]: ...


class CsvProvider:
    """Readings from a CSV file: ``series,scope,date,hour,value`` (hour empty for daily values)."""

    def __init__(self, path: Path, *, source: str | None = None) -> None:
        self.path = path
        self.source = source or f"file:{path.name}"

    def readings(self) -> list[Reading]:
        try:
            text = self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = self.path.read_bytes().decode("gb18030")
        except OSError as error:
            raise InvalidInput("field.invalid", field="file", value=str(self.path), reason=str(error)) from None
        rows = list(csv.DictReader(text.splitlines()))
        missing = {"series", "scope", "date", "value"} - set(rows[0] if rows else {})
        if missing:
            raise InvalidInput("field.required", field=f"row 1, column {sorted(missing)[0]}")
        return [self._reading(n, row) for n, row in enumerate(rows, start=2)]

    def _reading(self, n: int, row: dict[str, str]) -> Reading:
        def bad(column: str, reason: str) -> InvalidInput:
            return InvalidInput("field.invalid", field=f"row {n}, column {column}", value=row.get(column, ""),
                                reason=reason)

        try:
            series = Series(row["series"].strip())
        except ValueError:
            raise bad("series", ", ".join(s.value for s in Series)) from None
        try:
            day = date.fromisoformat(row["date"].strip())
        except ValueError:
            raise bad("date", "YYYY-MM-DD") from None
        hour_text = (row.get("hour") or "").strip()
        try:
            hour = int(hour_text) if hour_text else None
        except ValueError:
            raise bad("hour", "0 to 23, or empty for a daily value") from None
        try:
            value = Decimal(row["value"].strip())
        except InvalidOperation:
            raise bad("value", "a number") from None
        return Reading(series=series, scope=row["scope"].strip(), day=day, hour=hour, value=value,
                       source=self.source)


def period_start(reading: Reading) -> datetime:
    """The naive local start of the reading's period (stored with the scope's meaning of local)."""
    return datetime(reading.day.year, reading.day.month, reading.day.day, reading.hour or 0)


__all__ = ["CsvProvider", "EnvironmentProvider", "Reading", "Series", "check_readings", "period_start"]
