"""Classification and accuracy over a whole panel at once (numpy), with the definitions of ``model``.

:mod:`jxc.forecasting.model` holds the definitions on plain sequences; these are the same
formulas over flat arrays, so that tens of thousands of series take milliseconds. The unit tests
check that both agree.
"""

from __future__ import annotations

import numpy as np

from jxc.forecasting.model import ADI_CUTOFF, CV2_CUTOFF, DemandClass
from jxc.forecasting.panel import Panel

CLASSES = (DemandClass.SMOOTH, DemandClass.ERRATIC, DemandClass.INTERMITTENT, DemandClass.LUMPY,
           DemandClass.NEW, DemandClass.DEAD)
ESTABLISHED = (DemandClass.SMOOTH, DemandClass.ERRATIC, DemandClass.INTERMITTENT, DemandClass.LUMPY)


def classify_panel(panel: Panel, *, min_history: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class (index into ``CLASSES``), ADI and CV² of every series, over its last ``window`` values."""
    rows, ok = panel.tail(min(window, int(panel.lengths.max(initial=0))))
    v = np.where(ok, panel.y[rows], 0.0)
    periods = ok.sum(axis=1).astype(np.float64)
    nz = v > 0
    k = nz.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = v.sum(axis=1) / k
        # squared deviations around the mean, each scaled by it first (as model.demand_profile does)
        cv2 = np.where(nz, ((v - mean[:, None]) / mean[:, None]) ** 2, 0.0).sum(axis=1) / k
        adi = periods / k
    cls = np.where(adi < ADI_CUTOFF, np.where(cv2 < CV2_CUTOFF, 0, 1), np.where(cv2 < CV2_CUTOFF, 2, 3))
    cls = np.where(k == 0, CLASSES.index(DemandClass.DEAD), cls)
    cls = np.where(panel.lengths < min_history, CLASSES.index(DemandClass.NEW), cls)
    return cls.astype(np.int64), adi, cv2


def mase_scale(panel: Panel, season_length: int, drop: int = 0) -> np.ndarray:
    """The in-sample seasonal naive MAE of every series without its last ``drop`` values (naive when
    the series has ``season_length`` values or fewer); nan without a difference."""
    total, count = panel.diff_prefix(season_length)
    a = panel.indptr[:-1]
    b = np.maximum(panel.indptr[1:] - drop, a)
    n = count[b] - count[a]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (total[b] - total[a]) / n, np.nan)


def noise_scale(panel: Panel, season_length: int, window: int, drop: int = 0) -> np.ndarray:
    """The recent noise level of every series: RMS of its seasonal differences over the last
    ``window`` values before its last ``drop``, ÷ √2.

    For independent noise around a stable seasonal pattern this is the noise's standard deviation;
    for intermittent demand it is about the standard deviation of demand. 0 without a difference.
    """
    d, valid = panel.seasonal_diffs(season_length)
    rows, ok = panel.tail(window, drop)
    ok &= valid[rows]
    dd = np.where(ok, d[rows], 0.0)
    count = ok.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ms = np.where(count > 0, (dd * dd).sum(axis=1) / count, 0.0)
    return np.sqrt(ms / 2)


def mase_rows(actual: np.ndarray, forecast: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """MASE of each row of (n, h) arrays; nan where the scale is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scale > 0, np.abs(forecast - actual).mean(axis=1) / scale, np.nan)


def bias_rows(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    total = actual.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total != 0, (forecast - actual).sum(axis=1) / total, np.nan)


def pinball_rows(actual: np.ndarray, quantile: np.ndarray, level: float) -> np.ndarray:
    d = actual - quantile
    return np.asarray(np.where(d >= 0, level * d, (level - 1) * d).mean(axis=1))
