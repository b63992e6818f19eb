"""Demand history for the backtest (补货回测): one CSV in, one checked daily series per item-site out.

The CSV has a header row and these columns (names are case-insensitive, any order):

- required: ``date`` (YYYY-MM-DD), ``item``, ``site``, ``qty`` (demand, ≥ 0);
- optional ``hour`` or ``slot``: the row is the demand of one time slot of the day (e.g. the hour);
  slots of a day are served in order (numeric labels numerically, others alphabetically), so a
  stock-out late in the day shows up in the late slots. Every row then needs a slot;
- optional ``promo`` / ``promotion`` (1/0, true/false, yes/no, empty = no): a planned promotion, known
  ahead, which the default forecaster uses (the static baseline ignores it);
- optional ``lead_time_days``: the lead time of an order placed on that day (a real delivery record
  to replay; rounded to whole days, at least 1). Empty: drawn from the default distribution;
- optional ``unit_cost``, ``unit_price``: one figure per item-site, the mean of the rows that give
  one; optional ``moq``, ``pack_size``: the last value given for the item-site;
- any other column is an exogenous signal: accepted, listed, and not used by the default forecaster.

A date missing from an item-site's range is a day without demand. Rows must be in date order within
an item-site (item-sites may interleave). Anything wrong — a missing column, a bad number or date, a
negative quantity, dates out of order, a repeated row, a row with the wrong number of fields — is an
``InvalidInput`` naming the row (the header is row 1) and the column, raised before anything runs.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from jxc.kernel.errors import InvalidInput

__all__ = ["DemandData", "SeriesData", "parse_demand_csv", "read_demand_csv"]

REQUIRED: Final = ("date", "item", "site", "qty")
_SLOT_NAMES: Final = ("hour", "slot")
_PROMO_NAMES: Final = ("promo", "promotion")
_NUMERIC: Final = ("lead_time_days", "unit_cost", "unit_price", "moq", "pack_size")
_TRUE: Final = frozenset({"1", "true", "yes", "y", "t"})
_FALSE: Final = frozenset({"0", "false", "no", "n", "f", ""})
_LIMIT: Final = 1e12

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SeriesData:
    """One item at one site: a day per row from its first to its last date, demand per slot."""

    item: str
    site: str
    dates: npt.NDArray[np.datetime64]  # datetime64[D], consecutive days
    demand: FloatArray  # shape (days, slots)
    promo: npt.NDArray[np.bool_] | None
    lead_time: FloatArray  # whole days ≥ 1, NaN where the file gives none
    unit_cost: float | None
    unit_price: float | None
    moq: float
    pack_size: float

    @property
    def daily(self) -> FloatArray:
        return self.demand.sum(axis=1)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class DemandData:
    source: str
    series: tuple[SeriesData, ...]
    slots: tuple[str, ...]  # ("all",) when the file has no slot column
    has_slots: bool
    has_promo: bool
    has_lead_times: bool
    exogenous: tuple[str, ...] = field(default=())
    rows: int = 0


def _error(line: int, column: str, value: object, reason: str) -> InvalidInput:
    return InvalidInput("field.invalid", field=f"row {line}, column {column}", value=str(value), reason=reason)


def _number(text: str, line: int, column: str, *, minimum: float = 0.0, strict: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _error(line, column, text, "not a number") from None
    if not math.isfinite(value) or abs(value) > _LIMIT:
        raise _error(line, column, text, "not a finite number within ±1e12")
    if value < minimum or (strict and value == minimum):
        raise _error(line, column, text, f"must be {'greater than' if strict else 'at least'} {minimum:g}")
    return value


@dataclass
class _Builder:
    first_line: int
    rows: dict[tuple[date, str], tuple[float, int]] = field(default_factory=dict)
    promo: dict[date, bool] = field(default_factory=dict)
    lead: dict[date, float] = field(default_factory=dict)
    costs: list[float] = field(default_factory=list)
    prices: list[float] = field(default_factory=list)
    moq: float = 0.0
    pack: float = 1.0
    last_date: date | None = None
    last_line: int = 0


def read_demand_csv(path: Path | str) -> DemandData:
    """Read and check a demand CSV file (UTF-8, with or without a byte-order mark)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput("field.invalid", field="csv", value=str(source), reason="no such file") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput("field.invalid", field="csv", value=str(source),
                           reason=f"not UTF-8 text (byte {exc.start})") from None
    return parse_demand_csv(io.StringIO(text, newline=""), source=source.name)


def _records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, strict=True)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput("field.invalid", field=f"row {reader.line_num}", value="",
                               reason=f"malformed CSV: {exc}") from None
        yield reader.line_num, record


def parse_demand_csv(lines: Iterable[str], *, source: str = "csv") -> DemandData:
    """Parse and check CSV text (an iterable of lines) into daily series; see the module notes."""
    records = _records(lines)
    try:
        _, header = next(records)
    except StopIteration:
        raise InvalidInput("field.invalid", field="row 1", value="", reason="empty file: no header row") from None
    names = [name.strip().lower() for name in header]
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in index:
            raise _error(1, name, name, "column given twice")
        index[name] = position
    for name in REQUIRED:
        if name not in index:
            raise InvalidInput("field.invalid", field="row 1", value=",".join(header),
                               reason=f"missing required column '{name}'")
    slot_col = next((n for n in _SLOT_NAMES if n in index), None)
    promo_col = next((n for n in _PROMO_NAMES if n in index), None)
    known = set(REQUIRED) | set(_SLOT_NAMES) | set(_PROMO_NAMES) | set(_NUMERIC)
    exogenous = tuple(n for n in names if n not in known and n)

    builders: dict[tuple[str, str], _Builder] = {}
    order: list[tuple[str, str]] = []
    slot_labels: dict[str, int] = {}
    count = 0
    for line, record in records:
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # a blank line
        if len(record) != len(names):
            raise InvalidInput("field.invalid", field=f"row {line}", value=",".join(record),
                               reason=f"expected {len(names)} fields, found {len(record)}")
        count += 1

        def cell(name: str, record: list[str] = record) -> str:
            return record[index[name]].strip()

        raw_date = cell("date")
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            raise _error(line, "date", raw_date, "expected YYYY-MM-DD") from None
        item, site = cell("item"), cell("site")
        if not item:
            raise _error(line, "item", "", "empty")
        if not site:
            raise _error(line, "site", "", "empty")
        qty = _number(cell("qty"), line, "qty")
        slot = "all"
        if slot_col is not None:
            slot = cell(slot_col)
            if not slot:
                raise _error(line, slot_col, "", "empty: every row needs a slot when the column is there")
            slot_labels.setdefault(slot, len(slot_labels))
        key = (item, site)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = _Builder(first_line=line)
            order.append(key)
        if builder.last_date is not None and day < builder.last_date:
            raise _error(line, "date", raw_date,
                         f"out of order: item {item} at site {site} already has {builder.last_date} "
                         f"on row {builder.last_line}")
        if (day, slot) in builder.rows:
            first = builder.rows[(day, slot)][1]
            raise _error(line, "date", raw_date, f"repeats row {first} (item {item}, site {site}, slot {slot})")
        builder.rows[(day, slot)] = (qty, line)
        builder.last_date, builder.last_line = day, line
        if promo_col is not None:
            flag = cell(promo_col).lower()
            if flag not in _TRUE and flag not in _FALSE:
                raise _error(line, promo_col, flag, "expected 1/0, true/false or yes/no")
            builder.promo[day] = builder.promo.get(day, False) or flag in _TRUE
        for name in _NUMERIC:
            if name not in index or not cell(name):
                continue
            strict = name in ("lead_time_days", "pack_size")
            value = _number(cell(name), line, name, strict=strict)
            if name == "lead_time_days":
                builder.lead[day] = float(max(1, round(value)))
            elif name == "unit_cost":
                builder.costs.append(value)
            elif name == "unit_price":
                builder.prices.append(value)
            elif name == "moq":
                builder.moq = value
            else:
                builder.pack = value
    if not builders:
        raise InvalidInput("field.invalid", field="row 2", value="", reason="no data rows")

    slots = _ordered_slots(slot_labels) if slot_col is not None else ("all",)
    slot_index = {label: i for i, label in enumerate(slots)}
    series = tuple(_series(key, builders[key], slot_index, promo_col is not None) for key in order)
    return DemandData(source=source, series=series, slots=slots, has_slots=slot_col is not None,
                      has_promo=promo_col is not None, has_lead_times="lead_time_days" in index,
                      exogenous=exogenous, rows=count)


def _ordered_slots(labels: dict[str, int]) -> tuple[str, ...]:
    def numeric(label: str) -> float | None:
        try:
            return float(label)
        except ValueError:
            return None

    if all(numeric(label) is not None for label in labels):
        return tuple(sorted(labels, key=lambda label: numeric(label) or 0.0))
    return tuple(sorted(labels))


def _series(key: tuple[str, str], builder: _Builder, slot_index: dict[str, int], has_promo: bool) -> SeriesData:
    first = min(day for day, _ in builder.rows)
    last = max(day for day, _ in builder.rows)
    days = (last - first).days + 1
    demand = np.zeros((days, len(slot_index)))
    for (day, slot), (qty, _) in builder.rows.items():
        demand[(day - first).days, slot_index[slot]] += qty
    lead = np.full(days, np.nan)
    for day, value in builder.lead.items():
        lead[(day - first).days] = value
    promo = None
    if has_promo:
        promo = np.zeros(days, dtype=bool)
        for day, flag in builder.promo.items():
            promo[(day - first).days] = flag
    dates = np.arange(np.datetime64(first, "D"), np.datetime64(first + timedelta(days=days), "D"))
    return SeriesData(
        item=key[0], site=key[1], dates=dates, demand=demand, promo=promo, lead_time=lead,
        unit_cost=float(np.mean(builder.costs)) if builder.costs else None,
        unit_price=float(np.mean(builder.prices)) if builder.prices else None,
        moq=builder.moq, pack_size=builder.pack,
    )
