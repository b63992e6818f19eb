"""Demand forecasters for the backtest's dynamic policy, behind one small protocol.

A :class:`Forecaster` is fed one day at a time (what a live system sees: the day's *sales*, and
whether stock ran out so that demand was censored) and answers, for the days after the last one it
saw, the expected demand per day and quantiles of total demand over the next ``days`` days. The
backtest turns those quantiles into an order-up-to level; any engine (statsforecast, a model
service) fits behind the same two methods, re-fitting as it likes when it is fed a new day.

The default, :class:`SmoothingForecaster`, is deliberately plain, honest and fast:

- **Point forecast**: a level ℓ (demand per day with the calendar taken out), updated every day by
  simple exponential smoothing, ℓ ← ℓ + α·(y/s − ℓ), times multiplicative calendar factors s for the
  day of the week, the day of the month (the hospital that orders on the 5th) and the month of the
  year (from two years of history on), and a promotion uplift on days flagged as planned
  promotions. Every ``refit_every`` days the factors are re-estimated from the last year (each kept
  only if an F-test says it explains the variation, its deviations from 1 shrunk by 1 − 1/F),
  and α is chosen from a small grid by the error of the ``horizon``-day totals it would have
  forecast. A stock-out day (censored) never lowers the level: demand was at least the sales.
- **Slow and intermittent movers** (selling on fewer than 70 % of days) need no separate model:
  smoothing the daily series including its zeros estimates the demand *rate*, as Croston/TSB does,
  with α kept ≤ 0.1 so that one sale does not swing the rate; their spread is absolute (below).
- **Uncertainty**: empirical, from rolling-origin errors. At each refit the level recursion is re-run
  over the last ``error_window`` days with today's factors, and the forecast of every 1…h day total
  from every origin (the level at the origin used only the days before it) is compared with what
  sold. Errors are scaled by F + h·m for a steady seller (F: the forecast total, m: the mean daily
  demand of the last year) — relative errors, so they carry over from a slow month to a peak — and
  by h·m alone for an intermittent one, whose forecast drifts towards zero between sales. Today's
  quantiles are F + e_q·scale for the error quantiles e_q at that horizon, floored at 0; above the
  median never thinner than a normal with the errors' mean and spread (overlapping windows make the
  sample look bigger than it is). Errors are pooled separately (Mondrian conformal prediction) for
  windows whose calendar concentrates demand — the hospitals' order day, a promotion — and for the
  rest. On a stock-out day demand is taken as the larger of the sales and the forecast made for it
  (leaving such windows out would drop exactly the high-demand ones and thin the tail). Until
  ``min_errors`` errors exist for a horizon, a normal spread with the daily variance stands in.
  Calendar factors estimated on the same window make these errors slightly optimistic; the backtest
  itself, which measures the fill rate actually reached, is the check.

Only numpy floats are used: these are statistics, not amounts that need exact decimal arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["QUANTILE_GRID", "Forecaster", "ForecasterFactory", "SeriesContext", "SmoothingForecaster"]

FloatArray = npt.NDArray[np.float64]

# Equally likely values: quantiles at the mid-points of 400 equal slices of probability. Means and
# expected shortages over these are plain averages.
QUANTILE_GRID: Final[FloatArray] = (np.arange(400, dtype=np.float64) + 0.5) / 400
_Z_GRID: Final[FloatArray] = np.array([NormalDist().inv_cdf(float(p)) for p in QUANTILE_GRID])
_MIN_HISTORY: Final = 7
_STEADY_SHARE: Final = 0.7  # sells on at least this share of days: steady; otherwise intermittent


@dataclass(frozen=True, slots=True)
class SeriesContext:
    """What a forecaster may know up front about one item-site."""

    dates: npt.NDArray[np.datetime64]  # datetime64[D], one per day of the series
    promo: npt.NDArray[np.bool_] | None  # planned promotions, known ahead (None: no promo column)
    max_horizon: int  # the longest total ``quantiles`` will be asked for
    horizon: int  # the protection interval the policy cares most about (mean lead time + review)


class Forecaster(Protocol):
    """Fed the days in order; forecasts the days after the last one fed."""

    def observe(self, t: int, sales: float, censored: bool) -> None:
        """Day ``t``'s sales (``censored``: stock ran out, so demand was at least ``sales``)."""

    def path(self, t: int, days: int) -> FloatArray:
        """Expected demand on each of days t+1 … t+days, given the history up to day t."""

    def quantiles(self, t: int, days: int, levels: FloatArray) -> FloatArray:
        """Quantiles at ``levels`` of total demand over days t+1 … t+days, given days 0 … t."""


ForecasterFactory = Callable[[SeriesContext], Forecaster]


def _f_test(values: FloatArray, groups: npt.NDArray[np.int64], n_groups: int) -> tuple[FloatArray, FloatArray, float]:
    """Per-group means and counts, and the F statistic of a one-way analysis of variance."""
    counts = np.bincount(groups, minlength=n_groups).astype(np.float64)
    sums = np.bincount(groups, weights=values, minlength=n_groups)
    means = np.divide(sums, counts, out=np.zeros(n_groups), where=counts > 0)
    grand = float(values.mean())
    used = int((counts > 0).sum())
    between = float((counts * (means - grand) ** 2).sum())
    within = float(((values - means[groups]) ** 2).sum())
    dof_between, dof_within = used - 1, len(values) - used
    if dof_between <= 0 or dof_within <= 0:
        return means, counts, 0.0
    if within <= 0.0:
        return means, counts, float("inf") if between > 0 else 0.0
    return means, counts, (between / dof_between) / (within / dof_within)


def _profile(values: FloatArray, groups: npt.NDArray[np.int64], n_groups: int, *, f_critical: float) -> FloatArray:
    """Multiplicative factors per group (mean 1 over ``values``), or ones when not significant.

    Each group's deviation from the grand mean is shrunk by 1 − 1/F (positive-part James–Stein):
    kept whole when the groups differ far beyond the noise, halved or more near the threshold.
    """
    if len(values) == 0 or values.mean() <= 0:
        return np.ones(n_groups)
    means, counts, f_stat = _f_test(values, groups, n_groups)
    if f_stat < f_critical:
        return np.ones(n_groups)
    grand = float(values.mean())
    shrunk = 1.0 + (1.0 - 1.0 / f_stat) * (means / grand - 1.0)
    factors = np.where(counts > 0, shrunk, 1.0)
    return factors / float(factors[groups].mean())


def _column_quantiles(errors: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Quantiles on :data:`QUANTILE_GRID` of each column's non-NaN values (linear interpolation).

    Returns a (columns, grid) table and the count of values per column; columns with fewer than two
    values are NaN. The upper tail is never thinner than normal: overlapping windows make a sample
    look larger than it is (a month's single order day sits in every window that covers it), so its
    largest values alone would understate a 99 % quantile; above the median each quantile is the
    larger of the empirical one and mean + z·sd of the same errors.
    """
    counts = (~np.isnan(errors)).sum(axis=0)
    ordered = np.sort(errors, axis=0)  # NaN sort last
    position = QUANTILE_GRID[None, :] * np.maximum(counts - 1, 0)[:, None]
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(counts - 1, 0)[:, None])
    columns = np.arange(errors.shape[1])[:, None]
    low, high = ordered[below, columns], ordered[above, columns]
    empirical = low + (high - low) * (position - below)
    mean = np.nanmean(np.where(counts[None, :] > 0, errors, 0.0), axis=0)
    spread = np.nanstd(np.where(counts[None, :] > 0, errors, 0.0), axis=0)
    normal = mean[:, None] + spread[:, None] * _Z_GRID[None, :]
    table = np.where(QUANTILE_GRID[None, :] >= 0.5, np.maximum(empirical, normal), empirical)
    table[counts < 2] = np.nan
    return table, counts


class SmoothingForecaster:
    """Exponential smoothing with calendar factors and conformal quantiles (see the module notes)."""

    def __init__(self, context: SeriesContext, *, refit_every: int = 7, error_window: int = 364,
                 profile_window: int = 364, alphas: tuple[float, ...] = (0.03, 0.07, 0.15, 0.3),
                 min_errors: int = 30) -> None:
        n = len(context.dates)
        self._h = max(1, context.max_horizon)
        self._horizon = min(max(1, context.horizon), self._h)
        self._refit_every = refit_every
        self._error_window = error_window
        self._profile_window = profile_window
        self._alphas = alphas
        self._min_errors = min_errors
        extended = np.arange(context.dates[0], context.dates[-1] + np.timedelta64(self._h + 1, "D"))
        days = extended.astype("datetime64[D]").astype(np.int64)
        self._weekday = ((days + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday; Monday is 0
        months = extended.astype("datetime64[M]")
        self._month = (months.astype(np.int64) % 12).astype(np.int64)
        self._month_index = (months.astype(np.int64) - months.astype(np.int64)[0]).astype(np.int64)
        self._mday = (extended - months.astype("datetime64[D]")).astype(np.int64)
        promo = np.zeros(len(extended), dtype=bool)
        if context.promo is not None:
            promo[:n] = context.promo
        self._promo = promo
        self._factor = np.ones(len(extended))
        self._y = np.zeros(n)
        self._demand = np.zeros(n)  # sales, and on a stock-out day at least what was expected
        self._ok = np.zeros(n, dtype=bool)
        self._cached: tuple[int, FloatArray] | None = None  # (t, cumulative forecast totals from t)
        self._error_q: FloatArray | None = None  # (peak?, h, grid) quantiles of the scaled errors
        self._level: float | None = None
        self._alpha = 0.1
        self._t = -1
        self._daily_var = 0.0
        self._daily_mean = 0.0
        self._relative = 1.0  # weight of the forecast itself in the error scale (0: intermittent)

    # --- protocol -------------------------------------------------------------------------------
    def observe(self, t: int, sales: float, censored: bool) -> None:
        if t != self._t + 1:
            raise ValueError(f"days must be fed in order: expected {self._t + 1}, got {t}")
        self._t = t
        self._y[t] = sales
        self._ok[t] = not censored
        expected = self._level * self._factor[t] if self._level is not None else sales
        self._demand[t] = max(sales, expected) if censored else sales
        if self._level is not None:
            target = sales / self._factor[t] if self._factor[t] > 0 else self._level
            if not censored or target > self._level:
                self._level += self._alpha * (target - self._level)
        if t + 1 >= _MIN_HISTORY and (t + 1 - _MIN_HISTORY) % self._refit_every == 0:
            self._refit(t)
        self._cached = None

    def path(self, t: int, days: int) -> FloatArray:
        if self._level is None:
            seen = self._y[: t + 1][self._ok[: t + 1]]
            level = float(seen.mean()) if len(seen) else 0.0
            return np.full(days, level)
        return self._level * self._factor[t + 1 : t + 1 + days]

    def quantiles(self, t: int, days: int, levels: FloatArray) -> FloatArray:
        if not 1 <= days <= self._h:
            raise ValueError(f"horizon {days} outside 1…{self._h}")
        if self._cached is None or self._cached[0] != t:
            self._cached = (t, np.cumsum(self.path(t, self._h)))
        total = float(self._cached[1][days - 1])
        group = 1 if self._level is not None and self._peaks(np.array(total), np.array(self._level * days)) else 0
        if self._error_q is not None and not np.isnan(self._error_q[group, days - 1, 0]):
            errors = self._error_q[group, days - 1]
            samples = np.maximum(0.0, total + errors * (self._relative * total + days * self._daily_mean))
        else:
            spread = np.sqrt(self._daily_var * days)
            samples = np.maximum(0.0, total + spread * _Z_GRID)
        if levels is QUANTILE_GRID:
            return samples  # type: ignore[no-any-return]
        return np.interp(levels, QUANTILE_GRID, samples)  # type: ignore[no-any-return]

    # --- estimation -----------------------------------------------------------------------------
    def _refit(self, t: int) -> None:
        y, ok = self._y[: t + 1], self._ok[: t + 1]
        recent = y[max(0, t + 1 - self._profile_window) :][ok[max(0, t + 1 - self._profile_window) :]]
        self._daily_var = float(recent.var()) if len(recent) > 1 else 0.0
        self._daily_mean = float(recent.mean()) if len(recent) else 0.0
        self._relative = 1.0 if len(recent) and float((recent > 0).mean()) >= _STEADY_SHARE else 0.0
        factor = self._calendar(t)
        promo = self._promo
        if promo[: t + 1].any():
            base = y / factor[: t + 1]
            on, off = ok & promo[: t + 1], ok & ~promo[: t + 1]
            if on.sum() >= 3 and off.sum() >= 7 and base[off].mean() > 0:
                ratio = float(base[on].mean() / base[off].mean())
                uplift = (on.sum() * ratio + 3.0) / (on.sum() + 3.0)
                factor = np.where(promo, factor * uplift, factor)
        self._factor = factor
        self._fit_level(t)

    def _calendar(self, t: int) -> FloatArray:
        y, ok = self._y[: t + 1], self._ok[: t + 1]
        factor = np.ones(len(self._factor))
        # month of the year: ratio of each month to the centred 12-month average, from two years on
        if t + 1 >= 730:
            months = self._month_index[: t + 1][ok]
            totals = np.bincount(months, weights=y[ok])
            counts = np.bincount(months).astype(np.float64)
            full = counts >= 10
            monthly = np.divide(totals, counts, out=np.zeros_like(totals), where=counts > 0)
            if full.sum() >= 24:
                kernel = np.r_[0.5, np.ones(11), 0.5] / 12.0
                centred = np.convolve(monthly, kernel, mode="same")
                usable = full & (np.convolve(full.astype(float), np.ones(13), mode="same") >= 13) & (centred > 0)
                usable[:6] = False
                usable[-6:] = False
                calendar_month = (self._month[: t + 1][ok])
                first_of = np.zeros(len(monthly), dtype=np.int64)
                first_of[months] = calendar_month
                ratios = monthly[usable] / centred[usable]
                moy = _profile(ratios, first_of[usable], 12, f_critical=2.5) if usable.sum() >= 12 \
                    else np.ones(12)
                factor = factor * moy[self._month]
        start = max(0, t + 1 - self._profile_window)
        window = np.arange(start, t + 1)[ok[start:]]
        values = y[window] / factor[window]
        if len(window) >= 21:
            dow = _profile(values, self._weekday[window], 7, f_critical=2.5)
            factor = factor * dow[self._weekday]
            values = values / dow[self._weekday[window]]
        if len(window) >= 84:
            dom = _profile(values, self._mday[window], 31, f_critical=3.0)
            factor = factor * dom[self._mday]
        return factor

    def _fit_level(self, t: int) -> None:
        """Choose α, set the level, and tabulate the scaled errors of the last ``error_window`` days.

        The level recursion is re-run over the window with today's calendar factors for each α in
        the grid; α is the one whose ``horizon``-day totals erred least. The errors of that run, at
        every origin and horizon, are the error sample: each forecast used only the days before its
        origin for the level, and today's factors for the calendar (a refit changes the factors, and
        errors of a superseded calendar would overstate — or understate — today's uncertainty).
        """
        start = max(0, t + 1 - self._error_window)
        y = self._y[start : t + 1]
        ok = self._ok[start : t + 1]
        factor = self._factor[start : t + 1 + self._h]
        safe = np.where(factor[: len(y)] > 0, factor[: len(y)], 1.0)
        base = np.where(factor[: len(y)] > 0, y / safe, 0.0)
        first = base[:14][ok[:14]]
        initial = float(first.mean()) if len(first) else float(base[ok].mean()) if ok.any() else 0.0
        n, h_max, h0 = len(y), self._h, self._horizon
        ahead = np.cumsum(np.r_[0.0, factor[1:]])  # ahead[k] = Σ factor[1..k] (window-relative)
        sums = np.cumsum(np.r_[0.0, self._demand[start : t + 1]])
        bad = np.cumsum(np.r_[0, (~ok).astype(np.int64)])
        base_list, ok_list = base.tolist(), ok.tolist()
        burn_in = min(14, max(0, n - 2 * h0))
        best: tuple[float, float, FloatArray] | None = None
        best_error = np.inf
        alphas = self._alphas if self._relative else tuple(a for a in self._alphas if a <= 0.1) or self._alphas
        for alpha in alphas:
            level, levels = initial, []
            for target, clean in zip(base_list, ok_list, strict=True):
                if clean or target > level:
                    level += alpha * (target - level)
                levels.append(level)
            path = np.asarray(levels)
            origins = np.arange(burn_in, n - h0)
            if len(origins):
                forecast = path[origins] * (ahead[origins + h0] - ahead[origins])
                actual = sums[origins + 1 + h0] - sums[origins + 1]
                clean_window = bad[origins + 1 + h0] - bad[origins + 1] == 0
                error = float(np.abs(actual - forecast)[clean_window].mean()) if clean_window.any() else 0.0
            else:
                error = 0.0
            if best is None or error < best_error:
                best, best_error = (alpha, level, path), error
        assert best is not None
        self._alpha, self._level, path = best
        # the error table: origins o in the window, horizons 1…h_max that end inside it
        origins = np.arange(burn_in, n - 1)
        if len(origins) == 0:
            self._error_q = None
            return
        h = np.arange(1, h_max + 1)
        ends = origins[:, None] + h[None, :]
        inside = ends <= n - 1
        clipped = np.minimum(ends, n - 1)
        actual = sums[clipped + 1] - sums[origins + 1][:, None]
        forecast = path[origins][:, None] * (ahead[clipped] - ahead[origins][:, None])
        flat = path[origins][:, None] * h[None, :]
        scale = self._relative * forecast + h[None, :] * self._daily_mean
        valid = inside & (scale > 0)
        errors = np.where(valid, (actual - forecast) / np.where(valid, scale, 1.0), np.nan)
        peak = self._peaks(forecast, flat)
        pooled, _ = _column_quantiles(errors)
        tables = np.stack([pooled, pooled])
        for group in (0, 1):
            grouped, counts = _column_quantiles(np.where(peak == bool(group), errors, np.nan))
            enough = counts >= self._min_errors
            tables[group][enough] = grouped[enough]
        tables[:, valid.sum(axis=0) < self._min_errors] = np.nan
        self._error_q = tables

    @staticmethod
    def _peaks(forecast: FloatArray, flat: FloatArray) -> npt.NDArray[np.bool_]:
        """Windows whose calendar concentrates demand: a forecast ≥ 1.5 × level × days.

        Errors are pooled separately for them and for the rest (Mondrian conformal prediction): the
        window holding the hospitals' order day on the 5th, or a promotion, errs differently from a
        window of ordinary days, and one pool would understate the first and overstate the second.
        """
        return forecast >= 1.5 * flat
