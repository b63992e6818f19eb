"""A panel of demand series in flat numpy arrays: the layout every forecasting step works on.

A long ``unique_id, ds, y`` frame (plus exogenous columns) becomes one float array of demand,
sorted by series then time, cut into series by ``indptr`` — series ``i`` is
``y[indptr[i]:indptr[i + 1]]`` — with the integer period index of each series' first value.
Periods are counted from Monday 1970-01-05 00:00, so ``period_index % 7`` is the weekday of a daily
series (0 = Monday) and ``period_index % 168`` the hour of the week of an hourly one.

Days (or hours) without demand may be missing from the frame: a series is completed with zeros
from its first to its last row (exogenous values of the added rows are 0). Duplicated
``(unique_id, ds)`` rows, negative or missing demand and timestamps off the frequency grid are
refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from jxc.kernel.errors import InvalidInput

EPOCH = pd.Timestamp("1970-01-05")  # a Monday
_KEYS = ("unique_id", "ds", "y")


@dataclass(frozen=True)
class Frequency:
    """A fixed sampling step: the seasonal naive lag and the length of the weekly profile follow from it."""

    step: pd.Timedelta
    season_length: int  # 7 for days (weekly), 24 for hours (daily)
    profile_period: int  # periods per week: 7 for days, 168 for hours

    @classmethod
    def parse(cls, freq: str) -> Frequency:
        try:
            step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
        except (ValueError, TypeError):
            raise InvalidInput("field.invalid", field="freq", value=freq, reason="a fixed step such as D or h") from None
        day, week = pd.Timedelta(days=1), pd.Timedelta(days=7)
        if step <= pd.Timedelta(0) or week % step != pd.Timedelta(0):
            raise InvalidInput("field.invalid", field="freq", value=freq, reason="a step that divides a week (D, h, 30min)")
        period = int(week // step)
        season = int(day // step) if step < day else min(period, 7)
        return cls(step, max(season, 1), period)


@dataclass
class Panel:
    ids: np.ndarray  # unique_id of each series, in panel order
    y: np.ndarray  # float64, all series one after another
    indptr: np.ndarray  # int64, n + 1 offsets into y
    start: np.ndarray  # int64, period index of each series' first value
    freq: Frequency
    exog: np.ndarray | None = None  # float64 rows aligned with y
    exog_names: tuple[str, ...] = ()
    _memo: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def end(self) -> np.ndarray:
        """Period index of each series' last value."""
        return np.asarray(self.start + self.lengths - 1)

    def series(self, i: int) -> np.ndarray:
        return self.y[self.indptr[i] : self.indptr[i + 1]]

    @cached_property
    def codes(self) -> np.ndarray:
        """The series number of every value of ``y``."""
        return np.repeat(np.arange(self.n), self.lengths)

    def tail(self, width: int, drop: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Indices into ``y`` of the last ``width`` values of each series before its last ``drop``,
        (n, width), oldest first, and whether each exists (short series have fewer)."""
        ends = np.maximum(self.indptr[1:] - drop, self.indptr[:-1])
        rows = ends[:, None] - width + np.arange(width)[None, :]
        ok = rows >= self.indptr[:-1][:, None]
        return np.where(ok, rows, 0), ok

    def seasonal_diffs(self, season_length: int) -> tuple[np.ndarray, np.ndarray]:
        """|y[t] − y[t − lag]| at every value (lag = season, or 1 in series of ``season`` values or
        fewer), and whether it exists (t at least lag into its series). Computed once per season."""
        key = ("diffs", season_length)
        if key not in self._memo:
            lag = np.where(self.lengths > season_length, season_length, 1)
            d = np.zeros(len(self.y))
            valid = np.zeros(len(self.y), dtype=bool)
            for value in np.unique(lag):  # one pass per lag: the season, and 1 for short series
                if (lag == value).all():
                    d[value:] = np.abs(self.y[value:] - self.y[:-value])
                    valid[value:] = True
                else:
                    t = np.flatnonzero(np.repeat(lag == value, self.lengths))
                    t = t[t >= value]
                    d[t] = np.abs(self.y[t] - self.y[t - value])
                    valid[t] = True
            # a difference across two series does not exist
            for j in range(int(lag.max())):
                first = self.indptr[:-1] + j
                ok = j < lag
                valid[first[ok & (first < self.indptr[1:])]] = False
            d[~valid] = 0.0
            self._memo[key] = (d, valid)
        return self._memo[key]

    def diff_prefix(self, season_length: int) -> tuple[np.ndarray, np.ndarray]:
        """Prefix sums (length len(y) + 1) of the seasonal differences and of their existence."""
        key = ("prefix", season_length)
        if key not in self._memo:
            d, valid = self.seasonal_diffs(season_length)
            self._memo[key] = (np.r_[0.0, np.cumsum(d)], np.r_[0, np.cumsum(valid)])
        return self._memo[key]

    def timestamps(self, period_index: np.ndarray) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(EPOCH + period_index * self.freq.step)

    def head(self, drop: int) -> Panel:
        """Every series without its last ``drop`` values (series left empty keep zero values)."""
        lengths = np.maximum(self.lengths - drop, 0)
        mask = (np.arange(len(self.y)) - self.indptr[:-1][self.codes]) < lengths[self.codes]
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        exog = self.exog[mask] if self.exog is not None else None
        return Panel(self.ids, self.y[mask], indptr, self.start, self.freq, exog, self.exog_names)

    def subset(self, index: np.ndarray) -> Panel:
        """The series at ``index`` (panel positions), in that order."""
        lengths = self.lengths[index]
        indptr = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        rows = np.repeat(self.indptr[:-1][index] - indptr[:-1], lengths) + np.arange(indptr[-1])
        exog = self.exog[rows] if self.exog is not None else None
        return Panel(self.ids[index], self.y[rows], indptr, self.start[index], self.freq, exog, self.exog_names)


def _period_index(ds: pd.Series, freq: Frequency, field: str) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(ds):
        try:
            ds = pd.to_datetime(ds)
        except (ValueError, TypeError):
            raise InvalidInput("field.invalid", field=field, value=str(ds.iloc[0]), reason="timestamps") from None
    if getattr(ds.dt, "tz", None) is not None:
        ds = ds.dt.tz_localize(None)  # keep the local wall time: demand is bucketed by local day and hour
    offset = (ds.to_numpy(dtype="datetime64[ns]") - EPOCH.to_datetime64()).astype(np.int64)
    step = freq.step.value
    if np.any(offset % step):
        bad = ds.iloc[int(np.flatnonzero(offset % step)[0])]
        raise InvalidInput("field.invalid", field=field, value=str(bad), reason=f"not on the {freq.step} grid")
    return np.asarray(offset // step)


def exog_columns(df: pd.DataFrame) -> tuple[str, ...]:
    return tuple(str(c) for c in df.columns if c not in _KEYS)


def build_panel(df: pd.DataFrame, freq: Frequency, *, exog: Sequence[str] = ()) -> Panel:
    """The panel of a long frame; see the module docstring for what is checked and completed."""
    for column in _KEYS:
        if column not in df.columns:
            raise InvalidInput("field.required", field=column)
    if df.empty:
        raise InvalidInput("field.required", field="df")
    y = df["y"].to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.all(np.isfinite(y)):
        raise InvalidInput("field.invalid", field="y", value="nan", reason="demand must be a finite number")
    if np.any(y < 0):
        raise InvalidInput("field.invalid", field="y", value=str(float(y.min())), reason="demand is never negative")
    pidx = _period_index(df["ds"], freq, "ds")
    codes, ids = pd.factorize(df["unique_id"], sort=False)
    codes = codes.astype(np.int64)
    ordered = bool(np.all(np.diff(codes) >= 0)) and bool(np.all((np.diff(pidx) > 0) | (np.diff(codes) > 0)))
    if not ordered:
        order = np.lexsort((pidx, codes))
        codes, pidx, y = codes[order], pidx[order], y[order]
    else:
        order = None
    same = (np.diff(codes) == 0) & (np.diff(pidx) == 0)
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise InvalidInput("field.invalid", field="ds", value=f"{ids[codes[i]]} {pidx[i]}", reason="duplicated (unique_id, ds)")
    n = len(ids)
    counts = np.bincount(codes, minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    first, last = pidx[starts[:-1]], pidx[starts[1:] - 1]  # sorted by series, then time
    full = last - first + 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(full, out=indptr[1:])
    x = None
    if exog:
        x = df[list(exog)].to_numpy(dtype=np.float64, na_value=np.nan)
        if order is not None:
            x = x[order]
        if not np.all(np.isfinite(x)):
            raise InvalidInput("field.invalid", field="exog", value="nan", reason="exogenous values must be finite")
    if np.array_equal(full, counts):
        return Panel(np.asarray(ids, dtype=object), y, indptr, first, freq, x, tuple(exog))
    rows = indptr[codes] + (pidx - first[codes])
    y_full = np.zeros(indptr[-1])
    y_full[rows] = y
    x_full = None
    if x is not None:
        x_full = np.zeros((indptr[-1], x.shape[1]))
        x_full[rows] = x
    return Panel(np.asarray(ids, dtype=object), y_full, indptr, first, freq, x_full, tuple(exog))


def future_exog(future: pd.DataFrame, panel: Panel, h: int) -> np.ndarray:
    """The exogenous values of the ``h`` periods after each series' end: shape (n, h, k)."""
    missing = [c for c in ("unique_id", "ds", *panel.exog_names) if c not in future.columns]
    if missing:
        raise InvalidInput("field.required", field=f"future.{missing[0]}")
    position = pd.Series(np.arange(panel.n), index=pd.Index(panel.ids))
    code = future["unique_id"].map(position)
    step = _period_index(future["ds"], panel.freq, "future.ds") - panel.end[code.fillna(0).to_numpy(dtype=np.int64)]
    ok = code.notna().to_numpy() & (step >= 1) & (step <= h)
    out = np.full((panel.n, h, len(panel.exog_names)), np.nan)
    values = future[list(panel.exog_names)].to_numpy(dtype=np.float64, na_value=np.nan)
    out[code.to_numpy()[ok].astype(np.int64), step[ok] - 1] = values[ok]
    if np.isnan(out).any():
        i, k, _ = (int(v[0]) for v in np.nonzero(np.isnan(out)))
        raise InvalidInput("field.invalid", field="future", value=f"{panel.ids[i]} step {k + 1}",
                           reason="exogenous values are needed for every series and step of the horizon")
    return out
