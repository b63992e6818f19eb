"""Demand estimates for planning: the forecasting engine's, and a recent-history fallback.

Planning needs, per item-site, the expected daily demand over the coming protection interval and
its day-to-day spread. ``DemandEstimator`` is that port; the forecasting context supplies the main
implementation (probabilistic forecasts per series, see :mod:`jxc.forecasting`). The fallback here
serves series too short for a model (new items, the first weeks of a store): the mean and standard
deviation of the recent days, zero-sale days included (a day with no sales is demand of 0, unless
the caller leaves stock-out days out of the history).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol, TypeVar

from jxc.replenishment.planning import DemandEstimate

K = TypeVar("K")
# (day, quantity) points; days without a point had no sales.
History = Sequence[tuple[date, Decimal]]


class DemandEstimator(Protocol):
    def estimate(self, series: Mapping[K, History], *, today: date, horizon_days: int,
                 censored: Mapping[K, set[date]] | None = None) -> dict[K, DemandEstimate]:
        """``censored``: days a series was out of stock — unknown demand, not zero demand."""
        ...


class RecentDemandEstimator:
    """Mean and spread of the last ``window`` days (zero days filled in), for short or new series."""

    def __init__(self, window: int = 28) -> None:
        self.window = window

    def estimate(self, series: Mapping[K, History], *, today: date, horizon_days: int,
                 censored: Mapping[K, set[date]] | None = None) -> dict[K, DemandEstimate]:
        result: dict[K, DemandEstimate] = {}
        for key, points in series.items():
            if not points:
                continue
            first = max(points[0][0], today - timedelta(days=self.window))
            days = max(1, (today - first).days)
            by_day = {day: qty for day, qty in points if first <= day < today}
            out = (censored or {}).get(key, set())
            span = [first + timedelta(days=i) for i in range(days)]
            values = [float(by_day.get(day, 0)) for day in span if day not in out] or [
                float(by_day.get(day, 0)) for day in span]
            mean = sum(values) / len(values)
            variance = sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1)
            result[key] = DemandEstimate(mean_per_day=_dec(mean), std_per_day=_dec(math.sqrt(variance)),
                                         method=f"recent_{days}d", history_days=days)
        return result


def _dec(value: float) -> Decimal:
    return Decimal(repr(round(value, 6)))


__all__ = ["DemandEstimator", "History", "RecentDemandEstimator"]
