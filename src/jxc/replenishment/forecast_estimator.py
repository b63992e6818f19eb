"""Planning's demand estimates from the forecasting engine (statsforecast / mlforecast, calibrated quantiles).

The engine forecasts every series of a planning run in one call (classification, model choice per
demand class on a backtest, quantile calibration). Planning needs, per series, the expected daily
demand over the coming days and its day-to-day spread: the mean of the first ``near_days`` daily
means, and the spread read off the calibrated quantiles (the 0.5–0.9 distance over z(0.9)).
Censored days (out of stock) are not shown to the engine as zero sales: each is filled with the
mean of the same weekday on the series' uncensored days.
Each estimate carries its forecast path and backtest accuracy, which the run stores for the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from statistics import NormalDist
from typing import Any, TypeVar

import pandas as pd

from jxc.replenishment.estimators import History
from jxc.replenishment.planning import DemandEstimate

K = TypeVar("K")
LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.992, 0.995)
_Z90 = NormalDist().inv_cdf(0.9)


class EngineEstimator:
    def __init__(self, *, horizon: int = 28, near_days: int = 14, n_jobs: int = 1) -> None:
        self.horizon = horizon
        self.near_days = near_days
        self.n_jobs = n_jobs

    def estimate(self, series: Mapping[K, History], *, today: date, horizon_days: int,
                 censored: Mapping[K, set[date]] | None = None) -> dict[K, DemandEstimate]:
        if not series:
            return {}
        from jxc.forecasting.engine import (
            forecast,  # numba-compiled: loaded when first needed, not at start-up
        )

        keys = {f"s{i}": key for i, key in enumerate(series)}
        frame = pd.concat([_filled(name, series[key], today, (censored or {}).get(key, set()))
                           for name, key in keys.items()], ignore_index=True)
        result = forecast(frame, self.horizon, levels=LEVELS, n_jobs=self.n_jobs)
        accuracy = result.series.set_index("unique_id")
        estimates: dict[K, DemandEstimate] = {}
        for name, rows in result.forecasts.groupby("unique_id", sort=False):
            key = keys[str(name)]
            near = rows.head(self.near_days)
            mean = float(near["mean"].mean())
            spread = float(((near["q0.9"] - near["q0.5"]) / _Z90).clip(lower=0).mean())
            stats = accuracy.loc[name]
            detail: dict[str, Any] = {
                "demand_class": str(stats["demand_class"]), "model": str(stats["model"]),
                "mase": _num(stats["mase"]), "bias": _num(stats["bias"]), "pinball": _num(stats["pinball"]),
                "path": [{"ds": pd.Timestamp(r["ds"]).date().isoformat(), "mean": _num(r["mean"]),
                          **{f"q{lvl:g}": _num(r[f"q{lvl:g}"]) for lvl in LEVELS}}
                         for _, r in rows.iterrows()],
            }
            estimates[key] = DemandEstimate(
                mean_per_day=_dec(max(mean, 0.0)), std_per_day=_dec(spread),
                method=f"{stats['model']} ({stats['demand_class']})",
                history_days=(today - series[key][0][0]).days, detail=detail)
        return estimates


def _filled(name: str, points: History, today: date, out: set[date]) -> pd.DataFrame:
    """Every day from the first sale to yesterday; censored days as the weekday's mean of the others."""
    first = points[0][0]
    days = [first + timedelta(days=i) for i in range((today - first).days)]
    by_day = {day: float(qty) for day, qty in points}
    seen: dict[int, list[float]] = {}
    for day in days:
        if day not in out:
            seen.setdefault(day.weekday(), []).append(by_day.get(day, 0.0))
    weekday_mean = {wd: sum(v) / len(v) for wd, v in seen.items()}
    values = [weekday_mean[day.weekday()] if day in out and day.weekday() in weekday_mean else by_day.get(day, 0.0)
              for day in days]
    return pd.DataFrame({"unique_id": name, "ds": pd.to_datetime(days), "y": values})


def _num(value: Any) -> float | None:
    number = float(value)
    return None if number != number else round(number, 4)  # NaN → None


def _dec(value: float) -> Decimal:
    return Decimal(repr(round(value, 6)))


__all__ = ["EngineEstimator"]
