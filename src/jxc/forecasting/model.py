"""Demand classification and forecast-accuracy measures (pure: standard library and kernel only).

Classification (Syntetos & Boylan, 2005; the cut-offs of Syntetos, Boylan & Croston, 2005):

- **ADI**, the average inter-demand interval, is the number of periods divided by the number of
  periods with demand (``n / n_nonzero``: the mean gap between demands, the first counted from the
  start of the history). ADI = 1 means demand every period.
- **CV²** is the squared coefficient of variation of the *non-zero* demand sizes, with the
  population variance (``pvariance / mean²``); one demand gives 0.
- ``ADI < 1.32`` and ``CV² < 0.49`` → smooth; ``ADI < 1.32``, ``CV² ≥ 0.49`` → erratic;
  ``ADI ≥ 1.32``, ``CV² < 0.49`` → intermittent; both at or above → lumpy.
- Before those: a history shorter than ``min_history`` periods is **new** (cold start: too little
  to fit anything), and a history of zeros only is **dead**.

Accuracy (all on sequences of floats; ``error = forecast − actual``):

- **MASE** = mean |error| over the evaluated window ÷ the in-sample MAE of the *seasonal naive*
  forecast (``y[t] − y[t − m]``) over the history, when the history has more than ``m`` values;
  with ``m`` or fewer values (or ``m = 1``) the scale is the naive (lag-1) MAE. ``nan`` when the
  scale is zero or undefined (a constant or one-value history): no scale-free error exists then.
- **bias** = mean error ÷ mean actual (positive: the forecast was too high); ``nan`` when the
  actuals sum to zero.
- **pinball loss** of a quantile forecast q at level τ: mean of ``τ(y − q)`` when ``y ≥ q`` and
  ``(1 − τ)(q − y)`` otherwise.
- **coverage** of an upper quantile: the share of actuals at or below it; of an interval: the share
  within ``[lower, upper]``.

References: A. A. Syntetos, J. E. Boylan & J. D. Croston, "On the categorization of demand
patterns", *JORS* 56 (2005) 495-503; R. J. Hyndman & A. B. Koehler, "Another look at measures of
forecast accuracy", *IJF* 22 (2006) 679-688.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from jxc.kernel.errors import InvalidInput

__all__ = [
    "ADI_CUTOFF",
    "CV2_CUTOFF",
    "DEFAULT_LEVELS",
    "DemandClass",
    "DemandProfile",
    "bias",
    "classify",
    "coverage",
    "demand_profile",
    "interval_coverage",
    "mae",
    "mase",
    "mase_scale",
    "pinball_loss",
    "quantile_label",
]

ADI_CUTOFF: Final = 1.32
CV2_CUTOFF: Final = 0.49
# the service levels replenishment reads forecasts at (0.992 and 0.995 are the high targets)
DEFAULT_LEVELS: Final = (0.5, 0.8, 0.9, 0.95, 0.99, 0.992, 0.995)


class DemandClass(StrEnum):
    SMOOTH = "smooth"
    ERRATIC = "erratic"
    INTERMITTENT = "intermittent"
    LUMPY = "lumpy"
    NEW = "new"
    DEAD = "dead"


@dataclass(frozen=True)
class DemandProfile:
    """What classification saw: periods, periods with demand, ADI and CV² (``nan`` when undefined)."""

    demand_class: DemandClass
    periods: int
    nonzero: int
    adi: float
    cv2: float


def _invalid(field: str, value: object, reason: str) -> InvalidInput:
    return InvalidInput("field.invalid", field=field, value=str(value), reason=reason)


def _values(values: Sequence[float], field: str) -> list[float]:
    out = [float(v) for v in values]
    for i, v in enumerate(out):
        if not math.isfinite(v):
            raise _invalid(f"{field}[{i}]", v, "not a finite number")
    return out


def demand_profile(history: Sequence[float], *, min_history: int = 28) -> DemandProfile:
    """Classify one demand history (oldest first; days without demand must be there as zeros)."""
    if min_history < 1:
        raise _invalid("min_history", min_history, "at least 1")
    y = _values(history, "history")
    for i, v in enumerate(y):
        if v < 0:
            raise _invalid(f"history[{i}]", v, "demand is never negative (returns are not demand)")
    sizes = [v for v in y if v > 0]
    n, k = len(y), len(sizes)
    adi = n / k if k else math.nan
    if k:
        mean = math.fsum(sizes) / k
        cv2 = math.fsum(((s - mean) / mean) ** 2 for s in sizes) / k  # scaled first: no underflow
    else:
        cv2 = math.nan
    if n < min_history:
        cls = DemandClass.NEW
    elif not k:
        cls = DemandClass.DEAD
    elif adi < ADI_CUTOFF:
        cls = DemandClass.SMOOTH if cv2 < CV2_CUTOFF else DemandClass.ERRATIC
    else:
        cls = DemandClass.INTERMITTENT if cv2 < CV2_CUTOFF else DemandClass.LUMPY
    return DemandProfile(cls, n, k, adi, cv2)


def classify(history: Sequence[float], *, min_history: int = 28) -> DemandClass:
    return demand_profile(history, min_history=min_history).demand_class


def _pair(actual: Sequence[float], forecast: Sequence[float]) -> tuple[list[float], list[float]]:
    a, f = _values(actual, "actual"), _values(forecast, "forecast")
    if len(a) != len(f):
        raise _invalid("forecast", len(f), f"{len(a)} values, one per actual")
    if not a:
        raise InvalidInput("field.required", field="actual")
    return a, f


def mae(actual: Sequence[float], forecast: Sequence[float]) -> float:
    a, f = _pair(actual, forecast)
    return math.fsum(abs(x - y) for x, y in zip(f, a, strict=True)) / len(a)


def mase_scale(history: Sequence[float], season_length: int = 7) -> float:
    """The in-sample MAE of the seasonal naive forecast (lag ``season_length``), or of the naive one.

    The naive (lag 1) scale is used when the history has ``season_length`` values or fewer, or when
    ``season_length`` is 1. ``nan`` with fewer than two values.
    """
    if season_length < 1:
        raise _invalid("season_length", season_length, "at least 1")
    y = _values(history, "history")
    lag = season_length if len(y) > season_length else 1
    if len(y) <= lag:
        return math.nan
    return math.fsum(abs(y[t] - y[t - lag]) for t in range(lag, len(y))) / (len(y) - lag)


def mase(actual: Sequence[float], forecast: Sequence[float], history: Sequence[float], season_length: int = 7) -> float:
    """Mean absolute scaled error; ``nan`` when the history gives no (non-zero) scale."""
    scale = mase_scale(history, season_length)
    if not scale > 0:  # also nan
        return math.nan
    return mae(actual, forecast) / scale


def bias(actual: Sequence[float], forecast: Sequence[float]) -> float:
    """Mean error ÷ mean actual, error = forecast − actual (0.1: forecasts 10 % too high on average)."""
    a, f = _pair(actual, forecast)
    total = math.fsum(a)
    if total == 0:
        return math.nan
    return math.fsum(x - y for x, y in zip(f, a, strict=True)) / total


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not 0 < float(level) < 1:
        raise _invalid("level", level, "a probability strictly between 0 and 1")
    return float(level)


def pinball_loss(actual: Sequence[float], quantile: Sequence[float], level: float) -> float:
    """Mean pinball (quantile) loss of the forecast ``quantile`` at ``level``."""
    tau = _check_level(level)
    a, q = _pair(actual, quantile)
    return math.fsum(tau * (y - x) if y >= x else (1 - tau) * (x - y) for y, x in zip(a, q, strict=True)) / len(a)


def coverage(actual: Sequence[float], upper: Sequence[float]) -> float:
    """Share of actuals at or below the forecast quantile (the in-stock probability it gives)."""
    a, u = _pair(actual, upper)
    return sum(1 for y, x in zip(a, u, strict=True) if y <= x) / len(a)


def interval_coverage(actual: Sequence[float], lower: Sequence[float], upper: Sequence[float]) -> float:
    """Share of actuals within ``[lower, upper]``."""
    a, lo = _pair(actual, lower)
    _, hi = _pair(actual, upper)
    for i, (x, y) in enumerate(zip(lo, hi, strict=True)):
        if x > y:
            raise _invalid(f"lower[{i}]", x, "above the upper bound")
    return sum(1 for y, x, z in zip(a, lo, hi, strict=True) if x <= y <= z) / len(a)


def quantile_label(level: float) -> str:
    """The column name of a quantile in forecast tables: ``q0.5``, ``q0.992``."""
    return f"q{_check_level(level):g}"
