"""The rolling-origin backtest behind the engine's choices: windows, model choice, exog, launches.

A window is an origin ``k·h`` periods before the end of every series (k = 1 is the most recent):
the candidates of each series' class are fitted on the values before it and scored on the ``h``
values after. Each class keeps the candidate with the lowest mean MASE over all windows, among
those whose total bias stays within the guard (MASE is an absolute error, and for skewed demand
the absolute error rewards forecasting below the mean; the guard keeps the point forecast a mean).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from jxc.forecasting.coldstart import Reference, cold_start_paths, series_profiles
from jxc.forecasting.exog import ExogConfig, effect_ratio, fit_effect, lgbm_forecast
from jxc.forecasting.methods import FALLBACK, MethodConfig, combine, components, run_parallel
from jxc.forecasting.metrics import CLASSES, ESTABLISHED, mase_rows, mase_scale
from jxc.forecasting.model import DemandClass
from jxc.forecasting.panel import Panel

LGBM = "lgbm"  # the mlforecast LightGBM model with the regressors
EFFECT = "effect"  # the chosen statistical model times the regressors' effect
NEW, DEAD = CLASSES.index(DemandClass.NEW), CLASSES.index(DemandClass.DEAD)
ESTABLISHED_CODES = [CLASSES.index(c) for c in ESTABLISHED]


def window_values(values: np.ndarray, indptr: np.ndarray, rows: np.ndarray, k: int, h: int) -> np.ndarray:
    """The ``h`` values of each series at ``rows`` that start ``k·h`` before its end: (len(rows), h, ...)."""
    ends = indptr[rows + 1]
    return np.asarray(values[ends[:, None] - k * h + np.arange(h)[None, :]])


def nanmean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else math.nan


def total_bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """(Σ forecast − Σ actual) / Σ actual over the rows where both are known."""
    ok = np.isfinite(actual).all(axis=1) & np.isfinite(forecast).all(axis=1)
    total = float(actual[ok].sum())
    return float(forecast[ok].sum() - total) / total if total else math.nan


def point(chosen: Mapping[int, str], cls: np.ndarray, rows: np.ndarray, fits: dict[str, np.ndarray], h: int,
          ) -> np.ndarray:
    """The chosen candidate's forecast of each row (nan rows of a candidate fall back to ``p_ses``)."""
    out = np.full((len(cls), h), np.nan)
    for c, cand in chosen.items():
        sel = rows[cls[rows] == c]
        if not len(sel):
            continue
        value = combine(cand, {k: v[sel] for k, v in fits.items() if k in components(cand)})
        if FALLBACK in fits:
            value = np.where(np.isnan(value), fits[FALLBACK][sel], value)
        out[sel] = value
    return out


@dataclass
class Window:
    """One backtest origin: ``k`` horizons before the end (1 = the most recent)."""

    k: int
    drop: int  # k·h: the values after the origin
    eligible: np.ndarray  # (n,) scored with the statistical candidates
    actual: np.ndarray  # (n, h), nan where not scored
    scale: np.ndarray  # (n,) MASE scale at the origin
    fits: dict[str, np.ndarray]
    mean: np.ndarray | None = None  # (n, h) the chosen forecasts
    noise: np.ndarray | None = None  # (n,) noise scale at the origin


def backtest_window(panel: Panel, k: int, cls: np.ndarray, candidates: Mapping[DemandClass, tuple[str, ...]],
                    mcfg: MethodConfig, n_jobs: int) -> Window:
    h, season = mcfg.h, mcfg.season_length
    drop = k * h
    # more than a season before the origin, so that its MASE scale is the seasonal naive one
    eligible = (panel.lengths - drop > max(1, season)) & np.isin(cls, [*ESTABLISHED_CODES, DEAD])
    rows = np.flatnonzero(eligible)
    actual = np.full((panel.n, h), np.nan)
    actual[rows] = window_values(panel.y, panel.indptr, rows, k, h)
    wanted: list[tuple[str, ...]] = [()] * panel.n
    for i in rows:
        kind = CLASSES[cls[i]]
        parts = {p for cand in candidates.get(kind, (FALLBACK,)) for p in components(cand)}
        if kind != DemandClass.DEAD:
            parts.add(FALLBACK)
        wanted[i] = tuple(sorted(parts))
    fits = run_parallel(panel.y, panel.indptr, panel.start, wanted, mcfg, n_jobs, drop=drop)
    return Window(k, drop, eligible, actual, mase_scale(panel, season, drop), fits)


def select(windows: list[Window], cls: np.ndarray, candidates: Mapping[DemandClass, tuple[str, ...]], h: int,
           max_bias: float) -> tuple[dict[int, str], list[dict[str, object]]]:
    """Per class, the candidate with the lowest mean MASE over the series of every backtest window,
    among those whose total bias is within ``max_bias`` (if none is, the least biased)."""
    chosen: dict[int, str] = {}
    table: list[dict[str, object]] = []
    for c, kind in enumerate(CLASSES):
        if kind == DemandClass.NEW:
            continue
        cands = candidates.get(kind, (FALLBACK,))
        scores: list[tuple[str, float, float]] = []
        for cand in cands:
            mases, actuals, values = [], [], []
            for w in windows:
                rows = np.flatnonzero(w.eligible & (cls == c))
                value = point({c: cand}, cls, rows, w.fits, h)[rows]
                mases.append(mase_rows(w.actual[rows], value, w.scale[rows]))
                actuals.append(w.actual[rows])
                values.append(value)
            score = nanmean(np.concatenate(mases))
            bias = total_bias(np.vstack(actuals), np.vstack(values))
            scores.append((cand, score, bias))
            table.append({"demand_class": kind.value, "candidate": cand, "mase": score, "bias": bias,
                          "series": int(sum(len(m) for m in mases))})
        scored = [(cand, m, b) for cand, m, b in scores if not math.isnan(m) and not math.isnan(b)]
        admissible = [(cand, m, b) for cand, m, b in scored if abs(b) <= max_bias]
        if admissible:
            chosen[c] = min(admissible, key=lambda r: r[1])[0]
        elif scored:
            chosen[c] = min(scored, key=lambda r: abs(r[2]))[0]
        else:
            chosen[c] = cands[0]
    return chosen, table


def score_exog(panel: Panel, windows: list[Window], cls: np.ndarray, chosen: Mapping[int, str], *, profile_weeks: int,
               profile_prior: float, max_bias: float, min_gain: float, n_jobs: int, config: ExogConfig,
               table: list[dict[str, object]]) -> dict[int, str]:
    """Score both regressor models against the chosen statistical ones on the most recent window.

    A model wins a class when its MASE is at least ``min_gain`` (relative) below the statistical
    one's and its bias within ``max_bias``. Returns the classes where one wins (``LGBM`` or
    ``EFFECT``) and puts its forecasts in that
    window; older windows drop those classes, whose errors now come from the window their model
    was fitted for. Adds a row per class and model to the selection ``table``.
    """
    last = windows[0]
    assert panel.exog is not None and last.mean is not None
    h = last.actual.shape[1]
    rows = np.flatnonzero(last.eligible & np.isin(cls, ESTABLISHED_CODES))
    future_x = window_values(panel.exog, panel.indptr, rows, 1, h)
    options: dict[str, np.ndarray] = {LGBM: np.full((panel.n, h), np.nan), EFFECT: np.full((panel.n, h), np.nan)}
    options[LGBM][rows] = lgbm_forecast(panel, rows, future_x, h, n_jobs=n_jobs, config=config, drop=h)
    profiles = series_profiles(panel, profile_weeks, profile_prior, h)
    effect = fit_effect(panel, rows, cls, profiles, h, n_jobs=n_jobs, config=config)
    if effect is not None:
        options[EFFECT][rows] = last.mean[rows] * effect_ratio(effect, panel, rows, cls, h, future_x)
    won: dict[int, str] = {}
    for c in ESTABLISHED_CODES:
        sel = rows[cls[rows] == c]
        if not len(sel):
            continue
        stat = nanmean(mase_rows(last.actual[sel], last.mean[sel], last.scale[sel]))
        best, best_score = None, stat * (1 - min_gain)
        for name, values in options.items():
            score = nanmean(mase_rows(last.actual[sel], values[sel], last.scale[sel]))
            bias = total_bias(last.actual[sel], values[sel])
            table.append({"demand_class": CLASSES[c].value, "candidate": LGBM if name == LGBM else f"{chosen[c]}*exog",
                          "mase": score, "bias": bias, "series": len(sel),
                          "note": f"most recent window; {chosen[c]} there: {stat:.4f}"})
            if score < best_score and abs(bias) <= max_bias:
                best, best_score = name, score
        if best is not None:
            won[c] = best
            values = options[best]
            last.mean[sel] = np.where(np.isfinite(values[sel]), values[sel], last.mean[sel])
            for w in windows[1:]:
                w.eligible = w.eligible & (cls != c)
    return won


def simulate_launches(panel: Panel, drop: int, pool: np.ndarray, group: np.ndarray, ref: Reference, h: int,
                      min_history: int, *, simulations: int, seed: int, prior_periods: float | None,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cold-start forecasts of up to ``simulations`` established series (a seeded sample), each cut to
    its last 1 … ``min_history − 1`` values at the origin: the errors a new item makes."""
    candidates = np.flatnonzero(pool)
    rng = np.random.default_rng(seed)
    if len(candidates) > simulations:
        candidates = np.sort(rng.choice(candidates, simulations, replace=False))
    if not len(candidates) or min_history < 2:
        return np.zeros(0, dtype=np.int64), np.zeros((0, h)), np.zeros(0)
    keep = rng.integers(1, min_history, len(candidates))
    mean, noise = cold_start_paths(panel, candidates, group, ref, h, prior_periods=prior_periods, keep=keep, drop=drop)
    return candidates, mean, noise
