"""The forecasting engine: classify, choose a model per class on a backtest, calibrate, forecast.

``forecast(df, h)`` takes a long frame ``unique_id, ds, y`` (daily or hourly demand; any further
column is an exogenous regressor, whose values for the horizon come in ``future``) and returns,
for every series, the mean and the requested quantiles of each of the next ``h`` periods, plus
the backtest accuracy of every series. The steps:

1. **Classify** each series over its last ``classify_weeks`` weeks (ADI and CV², Syntetos-Boylan
   cut-offs; new and dead first) — :mod:`jxc.forecasting.model`, :mod:`jxc.forecasting.metrics`.
2. **Backtest** at ``backtest_windows`` rolling origins, ``h`` periods apart: fit every candidate
   of the series' class (:mod:`jxc.forecasting.methods`: statsforecast models in ``n_jobs``
   processes) and score it on the ``h`` periods after; each class keeps the candidate with the
   lowest mean MASE within the bias guard (:mod:`jxc.forecasting.backtest`). With exogenous
   columns, two global LightGBM models (:mod:`jxc.forecasting.exog`) compete per class on the
   most recent window. New series are forecast by cold start from similar items
   (:mod:`jxc.forecasting.coldstart`), dead ones as zero.
3. **Calibrate**: the backtest errors of the chosen methods (and of simulated launches, for new
   items), scaled by each series' noise level, give the quantiles of each class and horizon
   bucket (:mod:`jxc.forecasting.calibration`).
4. **Forecast** from the end of every series with the chosen methods, and read the quantiles off
   the calibration.

The backtest accuracy reported per series (MASE, bias, pinball loss averaged over the levels) is
that of the chosen method on the most recent window, with quantiles calibrated on the pooled
errors of all windows (a series contributes its own small share of its cell's errors).
See docs/forecasting.md.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd

from jxc.forecasting.backtest import (
    DEAD,
    EFFECT,
    ESTABLISHED_CODES,
    LGBM,
    NEW,
    Window,
    backtest_window,
    nanmean,
    point,
    score_exog,
    select,
    simulate_launches,
    total_bias,
)
from jxc.forecasting.calibration import Calibration, fit_calibration
from jxc.forecasting.coldstart import (
    Reference,
    build_reference,
    cold_start_paths,
    recent_level,
    series_profiles,
)
from jxc.forecasting.exog import ExogConfig, effect_ratio, fit_effect, lgbm_forecast
from jxc.forecasting.methods import FALLBACK, MethodConfig, components, run_parallel
from jxc.forecasting.metrics import CLASSES, bias_rows, classify_panel, mase_rows, noise_scale, pinball_rows
from jxc.forecasting.model import DEFAULT_LEVELS, DemandClass, quantile_label
from jxc.forecasting.panel import Frequency, Panel, build_panel, exog_columns, future_exog
from jxc.kernel.errors import InvalidInput

__all__ = ["LGBM", "EngineConfig", "ForecastResult", "default_candidates", "forecast"]


def default_candidates(freq: Frequency) -> dict[DemandClass, tuple[str, ...]]:
    """The candidates of each class; hourly series add MSTL (daily + weekly seasonality)."""
    smooth: tuple[str, ...] = ("seas_es", "p_ses", "p_tsb", "seas_es+p_ses", "seas_es+p_tsb")
    if freq.profile_period > freq.season_length and freq.season_length > 1:
        smooth += ("mstl", "mstl+p_ses")
    return {
        DemandClass.SMOOTH: smooth,
        DemandClass.ERRATIC: (*smooth, "p_sba", "seas_es+p_sba"),
        DemandClass.INTERMITTENT: ("p_sba", "p_tsb", "p_imapa", "p_ses", "seas_es", "seas_es+p_sba", "seas_es+p_tsb"),
        DemandClass.LUMPY: ("p_sba", "p_tsb", "p_imapa", "p_ses", "p_ses+p_imapa", "p_sba+p_imapa"),
        DemandClass.DEAD: ("zero",),
    }


@dataclass(frozen=True)
class EngineConfig:
    min_history: int | None = None  # shorter is "new"; default 4 seasons (28 days), or 2 weeks of hours
    classify_weeks: int = 52
    profile_weeks: int = 26
    profile_prior: float = 10.0
    noise_weeks: int = 26
    buckets: int = 4
    min_cell: int | None = None
    cold_prior_periods: float | None = None  # default: empirical Bayes per group (coldstart.build_reference)
    backtest_windows: int = 2  # rolling origins, h periods apart, for choosing and calibrating
    max_bias: float = 0.05  # candidates whose total backtest bias is beyond ±5 % are not chosen
    exog_min_gain: float = 0.01  # regressors are used for a class when they cut its MASE by 1 % or more
    cold_simulations: int = 2_000  # established series relaunched at the backtest origin to calibrate cold start
    seed: int = 0
    candidates: Mapping[DemandClass, tuple[str, ...]] | None = None
    exog: ExogConfig = field(default_factory=ExogConfig)


@dataclass
class ForecastResult:
    """Forecasts, per-series backtest accuracy, and how each class was modelled and calibrated.

    ``mean`` (n, h) and ``quantiles`` (n, h, levels) are the same numbers as ``forecasts``, in the
    order of ``ids``, for callers that work on arrays.
    """

    ids: np.ndarray
    levels: tuple[float, ...]
    mean: np.ndarray
    quantiles: np.ndarray
    forecasts: pd.DataFrame  # unique_id, ds, mean, q<level>...
    series: pd.DataFrame  # unique_id, demand_class, adi, cv2, model, mase, bias, pinball, scaled_pinball
    selection: pd.DataFrame  # demand_class, candidate, mase, bias, series, note, chosen
    calibration: pd.DataFrame  # demand_class, bucket, level, z, errors, source
    chosen: dict[str, str]
    timings: dict[str, float]

    def accuracy_by_class(self) -> pd.DataFrame:
        """Backtest MASE, bias and pinball loss (means over series) and the number of series per class."""
        s = self.series
        return s.groupby("demand_class").agg(series=("unique_id", "size"), model=("model", "first"),
                                              mase=("mase", "mean"), bias=("bias", "mean"),
                                              scaled_pinball=("scaled_pinball", "mean"))


def _check(h: int, levels: Sequence[float]) -> tuple[float, ...]:
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        raise InvalidInput("field.invalid", field="h", value=str(h), reason="a whole number of periods, at least 1")
    out = tuple(sorted({float(v) for v in levels}))
    if not out or any(not 0 < v < 1 for v in out):
        raise InvalidInput("field.invalid", field="levels", value=str(levels), reason="probabilities strictly between 0 and 1")
    return out


def _group_codes(ids: np.ndarray, groups: Mapping[str, str] | None) -> tuple[np.ndarray, int]:
    if not groups:
        return np.full(len(ids), -1), 0
    keys = {g: i for i, g in enumerate(sorted({str(v) for v in groups.values()}))}
    return np.array([keys.get(str(groups[u]), -1) if u in groups else -1 for u in ids], dtype=np.int64), len(keys)


class _Stage:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._t, 3)
        self._t = now


def _reference(panel: Panel, cls: np.ndarray, group: np.ndarray, n_groups: int, cfg: EngineConfig,
               noise: np.ndarray, drop: int = 0) -> Reference:
    members = np.isin(cls, ESTABLISHED_CODES) & (panel.lengths > drop)
    period = panel.freq.profile_period
    return build_reference(series_profiles(panel, cfg.profile_weeks, cfg.profile_prior, drop),
                           recent_level(panel, 4 * period, drop), noise, members, group, n_groups, max_prior=period)


def _calibrate(panel: Panel, windows: list[Window], cls: np.ndarray, group: np.ndarray, n_groups: int,
               min_history: int, levels: tuple[float, ...], cfg: EngineConfig,
               table: list[dict[str, object]]) -> Calibration:
    """The quantile table from every window's normalised errors and from simulated launches (new items)."""
    season, period = panel.freq.season_length, panel.freq.profile_period
    zs, zcls = [], []
    for w in windows:
        assert w.mean is not None
        noise = noise_scale(panel, season, cfg.noise_weeks * period, w.drop)
        w.noise = np.where(noise > 0, noise, np.nan_to_num(w.mean).mean(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (w.actual - w.mean) / w.noise[:, None]
        z[(cls == DEAD) | ~w.eligible | ~(w.noise > 0)] = np.nan
        zs.append(z)
        zcls.append(cls)
    last = windows[0]
    assert last.noise is not None
    h = last.actual.shape[1]
    ref = _reference(panel, cls, group, n_groups, cfg, last.noise, h)
    sim, sim_mean, sim_noise = simulate_launches(
        panel, h, last.eligible & np.isin(cls, ESTABLISHED_CODES), group, ref, h, min_history,
        simulations=cfg.cold_simulations, seed=cfg.seed, prior_periods=cfg.cold_prior_periods)
    if len(sim):
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (last.actual[sim] - sim_mean) / sim_noise[:, None]
        z_sim[~(sim_noise > 0)] = np.nan
        zs.append(z_sim)
        zcls.append(np.full(len(sim), NEW))
        table.append({"demand_class": DemandClass.NEW.value, "candidate": "cold_start",
                      "mase": nanmean(mase_rows(last.actual[sim], sim_mean, last.scale[sim])),
                      "bias": total_bias(last.actual[sim], sim_mean), "series": len(sim),
                      "note": "simulated launches at the most recent origin"})
    return fit_calibration(np.vstack(zs), np.concatenate(zcls), len(CLASSES), levels, buckets=cfg.buckets,
                           min_cell=cfg.min_cell)


def _apply_exog(panel: Panel, mean: np.ndarray, fits: dict[str, np.ndarray], cls: np.ndarray,
                with_exog: Mapping[int, str], future_x: np.ndarray, cfg: EngineConfig, n_jobs: int) -> None:
    """Replace (LightGBM) or adjust (effect) the final forecasts of the classes where the regressors won."""
    established = np.flatnonzero(np.isin(cls, ESTABLISHED_CODES))
    h = mean.shape[1]
    rows = established[np.isin(cls[established], [c for c, v in with_exog.items() if v == LGBM])]
    if len(rows):
        lg = lgbm_forecast(panel, rows, future_x[rows], h, n_jobs=n_jobs, config=cfg.exog)
        ok = np.isfinite(lg).all(axis=1)
        mean[rows[ok]] = lg[ok]
        mean[rows[~ok]] = fits[FALLBACK][rows[~ok]]
    rows = established[np.isin(cls[established], [c for c, v in with_exog.items() if v == EFFECT])]
    if len(rows):
        profiles = series_profiles(panel, cfg.profile_weeks, cfg.profile_prior)
        effect = fit_effect(panel, established, cls, profiles, 0, n_jobs=n_jobs, config=cfg.exog)
        if effect is not None:
            mean[rows] *= effect_ratio(effect, panel, rows, cls, 0, future_x[rows])


def forecast(df: pd.DataFrame, h: int, *, freq: str = "D", levels: Sequence[float] = DEFAULT_LEVELS,
             future: pd.DataFrame | None = None, groups: Mapping[str, str] | None = None, n_jobs: int = -1,
             config: EngineConfig | None = None) -> ForecastResult:
    """Forecast every series of ``df`` ``h`` periods ahead; see the module docstring.

    ``future`` holds the exogenous columns for the horizon (``unique_id, ds, <columns>``) and is
    required when ``df`` has exogenous columns. ``groups`` maps ids to a group of similar items
    (category, category at a site) for cold start.
    """
    stage = _Stage()
    cfg = config or EngineConfig()
    levels = _check(h, levels)
    f = Frequency.parse(freq)
    names = exog_columns(df)
    if names and future is None:
        raise InvalidInput("field.required", field="future")
    panel = build_panel(df, f, exog=names)
    future_x = future_exog(future, panel, h) if names and future is not None else None
    season, period = f.season_length, f.profile_period
    min_history = cfg.min_history or (4 * season if f.step >= timedelta(days=1) else 2 * period)
    cls, adi, cv2 = classify_panel(panel, min_history=min_history, window=cfg.classify_weeks * period)
    group, n_groups = _group_codes(panel.ids, groups)
    candidates = dict(cfg.candidates or default_candidates(f))
    mcfg = MethodConfig(h, season, period, cfg.profile_weeks, cfg.profile_prior)
    noise_window = cfg.noise_weeks * period
    established = np.isin(cls, ESTABLISHED_CODES)
    stage.done("prepare")

    # --- rolling-origin backtest: fit every candidate of each class, choose per class
    windows = [backtest_window(panel, k, cls, candidates, mcfg, n_jobs) for k in range(1, max(1, cfg.backtest_windows) + 1)]
    stage.done("backtest_fit")
    chosen, selection_rows = select(windows, cls, candidates, h, cfg.max_bias)
    for w in windows:
        w.mean = point(chosen, cls, np.flatnonzero(w.eligible), w.fits, h)
    last = windows[0]
    with_exog: dict[int, str] = {}
    if panel.exog is not None:
        with_exog = score_exog(panel, windows, cls, chosen, profile_weeks=cfg.profile_weeks, profile_prior=cfg.profile_prior,
                               max_bias=cfg.max_bias, min_gain=cfg.exog_min_gain, n_jobs=n_jobs, config=cfg.exog,
                               table=selection_rows)
        stage.done("backtest_exog")
    calibration = _calibrate(panel, windows, cls, group, n_groups, min_history, levels, cfg, selection_rows)
    stage.done("calibrate")

    # --- final forecasts from the end of every series
    final_wanted: list[tuple[str, ...]] = [()] * panel.n
    for i in np.flatnonzero(established | (cls == DEAD)):
        parts = set(components(chosen.get(int(cls[i]), FALLBACK)))
        if cls[i] != DEAD:
            parts.add(FALLBACK)
        final_wanted[i] = tuple(sorted(parts))
    fits = run_parallel(panel.y, panel.indptr, panel.start, final_wanted, mcfg, n_jobs)
    mean = point(chosen, cls, np.flatnonzero(established | (cls == DEAD)), fits, h)
    if with_exog and future_x is not None:
        _apply_exog(panel, mean, fits, cls, with_exog, future_x, cfg, n_jobs)
    noise = noise_scale(panel, season, noise_window)
    new = np.flatnonzero(cls == NEW)
    if len(new):
        ref = _reference(panel, cls, group, n_groups, cfg, noise)
        mean[new], noise[new] = cold_start_paths(panel, new, group, ref, h, prior_periods=cfg.cold_prior_periods)
    mean = np.nan_to_num(mean, nan=0.0)
    noise = np.where(noise > 0, noise, mean.mean(axis=1))
    quantiles = calibration.quantiles(mean, noise, cls)
    stage.done("forecast")

    assert last.mean is not None and last.noise is not None
    names_ = {c: (LGBM if with_exog.get(c) == LGBM else f"{m}*exog" if c in with_exog else m) for c, m in chosen.items()}
    result = _assemble(panel, h, levels, cls, adi, cv2, names_, mean, quantiles, last.actual, last.mean, last.noise,
                       last.scale, calibration, selection_rows)
    stage.done("assemble")
    result.timings = stage.timings
    return result


def _assemble(panel: Panel, h: int, levels: tuple[float, ...], cls: np.ndarray, adi: np.ndarray, cv2: np.ndarray,
              chosen: dict[int, str], mean: np.ndarray, quantiles: np.ndarray, actual: np.ndarray,
              bt_mean: np.ndarray, noise_bt: np.ndarray, scale_bt: np.ndarray, calibration: Calibration,
              selection_rows: list[dict[str, object]]) -> ForecastResult:
    steps = panel.end[:, None] + 1 + np.arange(h)[None, :]
    frame = {"unique_id": np.repeat(panel.ids, h), "ds": panel.timestamps(steps.ravel()), "mean": mean.ravel()}
    for j, level in enumerate(levels):
        frame[quantile_label(level)] = quantiles[:, :, j].ravel()
    forecasts = pd.DataFrame(frame)
    scored = np.isfinite(actual).all(axis=1) & np.isfinite(bt_mean).all(axis=1)
    bt_q = calibration.quantiles(np.nan_to_num(bt_mean), np.nan_to_num(noise_bt), cls)
    with np.errstate(all="ignore"):
        pin = np.mean([pinball_rows(actual, bt_q[:, :, j], t) for j, t in enumerate(levels)], axis=0)
        m = mase_rows(actual, bt_mean, scale_bt)
        b = bias_rows(actual, bt_mean)
        spl = np.where(scale_bt > 0, pin / scale_bt, np.nan)
    model = np.array([chosen.get(int(c), "cold_start" if c == NEW else "") for c in cls], dtype=object)
    series = pd.DataFrame({
        "unique_id": panel.ids, "demand_class": [CLASSES[c].value for c in cls], "adi": adi, "cv2": cv2,
        "model": model, "mase": np.where(scored, m, np.nan), "bias": np.where(scored, b, np.nan),
        "pinball": np.where(scored, pin, np.nan), "scaled_pinball": np.where(scored, spl, np.nan),
    })
    selection = pd.DataFrame(selection_rows, columns=["demand_class", "candidate", "mase", "bias", "series", "note"])
    names = {CLASSES[c].value: v for c, v in chosen.items()} | {DemandClass.NEW.value: "cold_start"}
    selection["chosen"] = [names.get(k) == c
                           for k, c in zip(selection["demand_class"], selection["candidate"], strict=True)]
    cal_rows = [{"demand_class": CLASSES[c].value, "bucket": b, "level": t, "z": float(calibration.table[c, b, j]),
                 "errors": int(calibration.count[c, b]), "source": calibration.source[c][b]}
                for c in range(len(CLASSES)) for b in range(calibration.table.shape[1]) for j, t in enumerate(levels)]
    return ForecastResult(
        ids=panel.ids, levels=levels, mean=mean, quantiles=quantiles, forecasts=forecasts, series=series,
        selection=selection, calibration=pd.DataFrame(cal_rows),
        chosen={CLASSES[c].value: v for c, v in chosen.items()} | {DemandClass.NEW.value: "cold_start"},
        timings={},
    )
