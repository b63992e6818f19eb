"""Exogenous regressors (weather, traffic, promotions, events) through global LightGBM models.

Two ways, each one gradient-boosted model over many series at once; the engine scores both on
the most recent backtest window and, per demand class, keeps whichever beats the statistical
forecast alone (and stays within its bias guard):

- ``lgbm`` — mlforecast + LightGBM, recursive: the target is each series divided by its mean over
  the last eight weeks (so one model serves fast and slow movers), multiplied back and floored at
  zero; the features are lags (1, 2, one, two and four seasons, one and two weeks), rolling
  means of the last season and four seasons, seasonal rolling means of the last four seasons
  (and weeks, for hourly data), the position in the week, and the exogenous columns. It is
  trained on the last ``train_weeks`` weeks of up to ``max_train_series`` series (a seeded
  sample) and forecasts every series asked for (mlforecast's ``new_df``).
- ``<statistical>*exog`` — the *effect* of the regressors on top of the statistical forecast: a
  LightGBM model learns, from the same sample, the ratio of each day's demand to its baseline
  (the mean of the previous four weeks, deseasonalised, times the weekly profile), from the
  regressors that day, the day before and the day after (promotions pull demand forward and
  leave a dip), the position in the week and the demand class. Its predictions are divided by
  their mean over the class's training days, so the regressors move demand between days by
  their effect without changing the level under the historical mix of their values — the level
  the statistical model already estimates. The forecast is the statistical one times that ratio.

Regressor values for the horizon must be known (a promotion calendar, a weather forecast).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jxc.forecasting.panel import Panel


@dataclass(frozen=True)
class ExogConfig:
    train_weeks: int = 52
    max_train_series: int = 2_000
    n_estimators: int = 300
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_child_samples: int = 20
    seed: int = 0
    baseline_weeks: int = 4  # the effect model's baseline: the mean of the previous four weeks


def _regressor(config: ExogConfig, n_jobs: int, **overrides: Any) -> Any:
    import lightgbm as lgb

    params: dict[str, Any] = dict(n_estimators=config.n_estimators, learning_rate=config.learning_rate,
                                  num_leaves=config.num_leaves, min_child_samples=config.min_child_samples,
                                  subsample=0.8, subsample_freq=1, colsample_bytree=0.9, random_state=config.seed,
                                  deterministic=True, force_row_wise=True, n_jobs=n_jobs, verbose=-1)
    return lgb.LGBMRegressor(**(params | overrides))


def _sample(index: np.ndarray, config: ExogConfig) -> np.ndarray:
    if len(index) <= config.max_train_series:
        return index
    return np.sort(np.random.default_rng(config.seed).choice(index, config.max_train_series, replace=False))


@dataclass
class ExogEffect:
    """The fitted effect model and the mean of its predictions over each class's training days."""

    model: Any
    class_mean: dict[int, float]
    n_exog: int
    period: int


def _effect_features(x: np.ndarray, before: np.ndarray, after: np.ndarray, slot: np.ndarray,
                     cls: np.ndarray) -> np.ndarray:
    """Rows of [x_t, x_{t−1}, x_{t+1}, slot, class] from (k, w, m) regressor arrays."""
    _, w, m = x.shape
    return np.concatenate([x.reshape(-1, m), before.reshape(-1, m), after.reshape(-1, m),
                           slot.reshape(-1, 1).astype(np.float64),
                           np.repeat(cls, w).reshape(-1, 1).astype(np.float64)], axis=1)


def fit_effect(panel: Panel, index: np.ndarray, cls: np.ndarray, profiles: np.ndarray, drop: int, *,
               n_jobs: int, config: ExogConfig) -> ExogEffect | None:
    """Learn the regressors' effect (demand ÷ baseline) on the series at ``index`` before their last ``drop``."""
    assert panel.exog is not None
    period = panel.freq.profile_period
    w = config.baseline_weeks * period
    chosen = _sample(index, config)
    width = config.train_weeks * period + w + 1
    rows, ok = panel.tail(width, drop)
    rows, ok = rows[chosen], ok[chosen]
    y = np.where(ok, panel.y[rows], 0.0)
    x = np.where(ok[:, :, None], panel.exog[rows], 0.0)
    last = panel.start[chosen] + np.maximum(panel.lengths[chosen] - drop, 0) - 1
    slot = (last[:, None] - width + 1 + np.arange(width)[None, :]) % period
    p = profiles[chosen][np.arange(len(chosen))[:, None], slot]
    z = y / p
    cs = np.concatenate([np.zeros((len(chosen), 1)), np.cumsum(z, axis=1)], axis=1)
    cnt = np.concatenate([np.zeros((len(chosen), 1)), np.cumsum(ok, axis=1)], axis=1)
    t = np.arange(w, width - 1)  # a full baseline before, and a known day after
    base = (cs[:, t] - cs[:, t - w]) / w * p[:, t]
    usable = ok[:, t] & ok[:, t + 1] & (cnt[:, t] - cnt[:, t - w] == w) & (base > 0)
    if usable.sum() < 100:
        return None
    features = _effect_features(x[:, t], x[:, t - 1], x[:, t + 1], slot[:, t], cls[chosen])
    target = (y[:, t] / np.where(base > 0, base, 1.0)).ravel()
    weight = base.ravel()
    keep = usable.ravel()
    model = _regressor(config, n_jobs, n_estimators=min(config.n_estimators, 200), num_leaves=15,
                       min_child_samples=max(config.min_child_samples, 100))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(features[keep], target[keep], sample_weight=weight[keep],
                  categorical_feature=[features.shape[1] - 2, features.shape[1] - 1])
        fitted = model.predict(features[keep])
    row_cls = np.repeat(cls[chosen], len(t))[keep]
    class_mean = {}
    for c in np.unique(row_cls):
        sel = row_cls == c
        class_mean[int(c)] = float(np.average(fitted[sel], weights=weight[keep][sel]))
    return ExogEffect(model, class_mean, x.shape[2], period)


def effect_ratio(effect: ExogEffect, panel: Panel, index: np.ndarray, cls: np.ndarray, drop: int,
                 future_x: np.ndarray) -> np.ndarray:
    """The ratio (len(index), h) to multiply the statistical forecasts of ``index`` by."""
    assert panel.exog is not None
    h = future_x.shape[1]
    ends = np.maximum(panel.indptr[1:][index] - drop, panel.indptr[:-1][index] + 1)
    before = np.concatenate([panel.exog[ends - 1][:, None, :], future_x[:, :-1]], axis=1)
    after = np.concatenate([future_x[:, 1:], future_x[:, -1:]], axis=1)  # beyond the horizon: as its last day
    last = panel.start[index] + np.maximum(panel.lengths[index] - drop, 0) - 1
    slot = (last[:, None] + 1 + np.arange(h)[None, :]) % effect.period
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = effect.model.predict(_effect_features(future_x, before, after, slot, cls[index])).reshape(len(index), h)
    mean = np.array([effect.class_mean.get(int(c), np.nan) for c in cls[index]])
    ratio = raw / mean[:, None]
    return np.asarray(np.clip(np.where(np.isfinite(ratio), ratio, 1.0), 0.0, 10.0))


def _features(season: int, period: int) -> tuple[list[int], dict[int, list[Any]]]:
    from mlforecast.lag_transforms import RollingMean, SeasonalRollingMean

    lags = sorted({1, 2, season, 2 * season, 4 * season, period, 2 * period})
    transforms: dict[int, list[Any]] = {1: [RollingMean(window_size=season), RollingMean(window_size=4 * season)],
                                           season: [SeasonalRollingMean(season_length=season, window_size=4)]}
    if period != season:
        transforms[period] = [SeasonalRollingMean(season_length=period, window_size=4)]
    return lags, transforms


def _frame(panel: Panel, index: np.ndarray, keep: int, scale: np.ndarray, drop: int) -> pd.DataFrame:
    """The last ``keep`` values before the last ``drop`` of the series at ``index``, scaled, as a long
    frame with the position in the week and the exogenous columns."""
    assert panel.exog is not None
    rows, ok = panel.tail(keep, drop)
    rows, ok = rows[index], ok[index]
    code = np.broadcast_to(np.arange(len(index))[:, None], rows.shape)[ok]
    pidx = (panel.start[index][:, None] + (rows - panel.indptr[:-1][index][:, None]))[ok]
    frame = pd.DataFrame({"unique_id": code, "ds": pidx, "y": panel.y[rows[ok]] / scale[code],
                          "slot": pidx % panel.freq.profile_period})
    for j, name in enumerate(panel.exog_names):
        frame[name] = panel.exog[rows[ok], j]
    return frame


def lgbm_forecast(panel: Panel, index: np.ndarray, future_x: np.ndarray, h: int, *, n_jobs: int,
                  config: ExogConfig, drop: int = 0) -> np.ndarray:
    """Mean forecasts (len(index), h) of the series at ``index`` from before their last ``drop`` values;
    ``future_x`` (len(index), h, k) holds the regressors of those ``h`` periods. nan where a series is
    too short or has never sold."""
    from mlforecast import MLForecast

    from jxc.forecasting.coldstart import recent_level

    season, period = panel.freq.season_length, panel.freq.profile_period
    lags, transforms = _features(season, period)
    lookback = max(max(lags), 4 * period, 4 * season) + 1
    # the scale: the mean of the last eight weeks, or of the whole series, or nothing to learn
    level = recent_level(panel, 8 * period, drop)[index]
    whole = recent_level(panel, int(panel.lengths.max(initial=1)), drop)[index]
    scale = np.where(level > 0, level, whole)
    usable = (scale > 0) & (panel.lengths[index] - drop >= lookback)
    out = np.full((len(index), h), np.nan)
    if usable.sum() < 2:
        return out
    chosen, s = index[usable], scale[usable]
    sample = _sample(np.arange(len(chosen)), config)
    train = _frame(panel, chosen[sample], config.train_weeks * period + lookback, s[sample], drop)
    history = _frame(panel, chosen, lookback, s, drop)
    steps = (panel.end[chosen] - drop)[:, None] + 1 + np.arange(h)[None, :]
    future = pd.DataFrame({"unique_id": np.repeat(np.arange(len(chosen)), h), "ds": steps.ravel(),
                           "slot": steps.ravel() % period})
    for j, name in enumerate(panel.exog_names):
        future[name] = future_x[usable][:, :, j].ravel()
    fcst = MLForecast(models={"lgbm": _regressor(config, n_jobs)}, freq=1, lags=lags, lag_transforms=transforms,
                      num_threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fcst.fit(train, static_features=[], dropna=True)
        pred = fcst.predict(h, new_df=history, X_df=future)
    pred = pred.sort_values(["unique_id", "ds"])
    values = pred["lgbm"].to_numpy(dtype=np.float64).reshape(len(chosen), h)
    out[usable] = np.maximum(values * s[:, None], 0.0)
    return out
