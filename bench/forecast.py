"""Forecast replan of 30,000 item-site series, with accuracy and calibration (issue 5).

Workload: ``--series`` (30,000) synthetic daily demand series of two years (730 days from
2024-01-01), made by :func:`generate` with a fixed seed. The last ``--horizon`` (28) days are
held out; everything before is the history.

jxc, timed end to end: importing the engine, then ``jxc.forecasting.engine.forecast`` on the
whole history frame — classification, backtest of every candidate per class, model choice,
calibration of the quantiles, and the 28-day forecast (mean and quantiles at ``LEVELS``) of every
series, including cold start for new items from their category. statsforecast 2.x runs compiled
C++ (no numba), so there is no JIT warm-up to hide: the first run is the cold run. ``--warm``
runs it a second time in the same process and reports that time as well. The frame's
``unique_id`` is a pandas Categorical, as a replan reading from the database would build it;
plain strings cost about 0.2 s more to factorise at this size.

Baseline in the same run: statsforecast ``AutoETS(season_length=7)`` (with prediction intervals
at the same quantile levels, and ``Naive`` as fallback for series too short for ETS) on a seeded
random sample of ``--sample`` (300) series, fitted on the same history; its time is extrapolated
linearly to all series (``autoets_seconds_extrapolated = seconds_sample × series / sample``).

Accuracy on the held-out days: MASE of the mean forecast per series, scaled by the in-sample
seasonal-naive (lag 7) MAE of the history, averaged over series with a positive scale —
jxc vs AutoETS on the same sample, and jxc over all series. Coverage: the share of held-out
(series, day) outcomes at or below each quantile forecast, for jxc over all series (and per
demand class) and for AutoETS on the sample (its normal-interval upper bounds).

Targets (issue 5): ≤ 120 s end to end for 30,000 series; sample MASE no worse than AutoETS;
the 0.992 quantile covers ≥ 99.0 % of outcomes.

The generator (all from one ``numpy.random.default_rng(seed)``):

- each series belongs to one of 60 categories; a category has a weekly profile (log-normal
  weekday factors, and for 40 % of categories a weekend boost ×1.6, for 20 % a weekend dip ×0.6);
  an item's profile is its category's with a small individual perturbation;
- a base level (log-normal, median ≈ 16 a day), a multiplicative trend (growth N(0, 0.25) a
  year), and for 35 % of items a yearly sinusoid of amplitude 10-40 %;
- kinds: 42 % smooth (gamma-Poisson counts with shape 5-50 around the mean), 15 % erratic
  (gamma-Poisson with shape 0.6-1.5: most days sell, sizes vary widely), 24 % intermittent (a
  sale on 6-60 % of days, modulated by the weekly profile, of 1 + Poisson(0-2) units), 14 % lumpy
  (a sale on 3-40 % of days of 1 + gamma-Poisson(mean 2-20, shape 0.4-1) units), 4 % new (smooth
  or intermittent items listed 5-50 days before the held-out window — the history starts at
  listing) and 1 % dead (never sold);
- promotions: smooth and erratic items get Poisson(6) promotions over the two years, 3-10 days
  each, lifting the mean ×1.3-2.5; they are unknown to the forecasts (the demand spikes are in
  the history and in the held-out window alike). ``--exog`` passes the promotion flag as an
  exogenous regressor, known for the horizon.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, log

LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.992, 0.995)
START = pd.Timestamp("2024-01-01")
KINDS = ("smooth", "erratic", "intermittent", "lumpy", "new", "dead")
SHARES = (0.42, 0.15, 0.24, 0.14, 0.04, 0.01)


def generate(n: int, *, days: int = 730, horizon: int = 28, seed: int = 20260605, categories: int = 60,
             ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The long frame ``unique_id, ds, y, promo``, each item's generating kind and category."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    dow = (START.dayofweek + t) % 7
    kind = rng.choice(len(KINDS), size=n, p=SHARES)
    category = rng.integers(0, categories, n)
    cat_week = np.exp(rng.normal(0, 0.25, (categories, 7)))
    cat_week[:, 5:] *= rng.choice([1.0, 1.6, 0.6], size=categories, p=[0.4, 0.4, 0.2])[:, None]
    week = cat_week[category] * np.exp(rng.normal(0, 0.08, (n, 7)))
    week /= week.mean(axis=1, keepdims=True)
    weekly = week[:, dow]
    level = np.exp(rng.normal(2.8, 1.0, n))
    trend = np.exp(rng.normal(0, 0.25, n)[:, None] * t[None, :] / 365)
    amplitude = rng.uniform(0.1, 0.4, n) * (rng.random(n) < 0.35)
    phase = rng.uniform(0, 365.25, n)
    yearly = 1 + amplitude[:, None] * np.sin(2 * np.pi * (t[None, :] - phase[:, None]) / 365.25)
    # promotions of smooth and erratic items: start and length of each, painted with a running sum
    promoted = np.isin(kind, [0, 1])
    count = np.where(promoted, rng.poisson(6, n), 0)
    owner = np.repeat(np.arange(n), count)
    begin = rng.integers(0, days, owner.size)
    end = np.minimum(begin + rng.integers(3, 11, owner.size), days)
    paint = np.zeros((n, days + 1), dtype=np.int32)
    np.add.at(paint, (owner, begin), 1)
    np.add.at(paint, (owner, end), -1)
    promo = np.cumsum(paint[:, :days], axis=1) > 0
    uplift = np.where(promo, rng.uniform(1.3, 2.5, n)[:, None], 1.0)
    mean = level[:, None] * trend * yearly * weekly * uplift
    shape = np.where(kind == 1, rng.uniform(0.6, 1.5, n), rng.uniform(5, 50, n))[:, None]
    y = rng.poisson(rng.gamma(shape, mean / shape)).astype(np.float64)
    occurs = rng.random((n, days)) < np.clip(rng.uniform(0.06, 0.6, n)[:, None] * weekly * yearly, 0, 0.95)
    sizes = 1 + rng.poisson(rng.uniform(0, 2.0, n)[:, None] * trend)
    intermittent = (kind == 2) | ((kind == 4) & (rng.random(n) < 0.4))
    y[intermittent] = (occurs * sizes)[intermittent]
    lumpy_shape = rng.uniform(0.4, 1.0, n)[:, None]
    lumpy_sizes = 1 + rng.poisson(rng.gamma(lumpy_shape, rng.uniform(2, 20, n)[:, None] / lumpy_shape, (n, days)))
    lumpy_occurs = rng.random((n, days)) < np.clip(rng.uniform(0.03, 0.4, n)[:, None] * weekly, 0, 0.95)
    y[kind == 3] = (lumpy_occurs * lumpy_sizes)[kind == 3]
    y[kind == 5] = 0
    listed = np.zeros(n, dtype=np.int64)
    listed[kind == 4] = rng.integers(days - horizon - 50, days - horizon - 4, int((kind == 4).sum()))
    keep = (t[None, :] >= listed[:, None]).ravel()
    ids = pd.Categorical.from_codes(np.repeat(np.arange(n), days)[keep], categories=[f"I{i:05d}" for i in range(n)])
    frame = pd.DataFrame({"unique_id": ids, "ds": np.tile(START + pd.to_timedelta(t, "D"), n)[keep],
                          "y": y.ravel()[keep], "promo": promo.ravel()[keep].astype(np.float64)})
    return frame, kind, category


def _mase(actual: np.ndarray, fc: np.ndarray, scale: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scale > 0, np.abs(fc - actual).mean(axis=1) / scale, np.nan)


def main() -> None:
    p = argparse.ArgumentParser(description="forecast replan benchmark")
    p.add_argument("--series", type=int, default=30_000)
    p.add_argument("--horizon", type=int, default=28)
    p.add_argument("--sample", type=int, default=300)
    p.add_argument("--seed", type=int, default=20260605)
    p.add_argument("--n-jobs", type=int, default=-1)
    p.add_argument("--exog", action="store_true", help="pass the promotion calendar as an exogenous regressor")
    p.add_argument("--warm", action="store_true", help="run the replan a second time and report that too")
    args = p.parse_args()
    h = args.horizon

    log(f"generating {args.series:,} series of 730 days …")
    frame, kind, category = generate(args.series, horizon=h, seed=args.seed)
    cutoff = frame["ds"].max() - pd.Timedelta(days=h)
    history = frame[frame["ds"] <= cutoff].reset_index(drop=True)
    held = frame[frame["ds"] > cutoff]
    future = held[["unique_id", "ds", "promo"]] if args.exog else None
    if not args.exog:
        history = history.drop(columns="promo")
    groups = {f"I{i:05d}": f"C{c:02d}" for i, c in enumerate(category)}
    log(f"history: {len(history):,} rows; held out: {len(held):,} rows")

    log("jxc: full replan (classification, backtest, choice, calibration, forecast) …")
    started = time.perf_counter()
    from jxc.forecasting.engine import forecast

    result = forecast(history, h, freq="D", levels=LEVELS, future=future, groups=groups, n_jobs=args.n_jobs)
    seconds = time.perf_counter() - started
    log(f"jxc: {seconds:.1f} s; stages {result.timings}")
    warm = None
    if args.warm:
        started = time.perf_counter()
        forecast(history, h, freq="D", levels=LEVELS, future=future, groups=groups, n_jobs=args.n_jobs)
        warm = time.perf_counter() - started
        log(f"jxc warm: {warm:.1f} s")

    from jxc.forecasting.metrics import CLASSES, mase_scale
    from jxc.forecasting.panel import Frequency, build_panel

    panel = build_panel(history[["unique_id", "ds", "y"]], Frequency.parse("D"))
    assert np.array_equal(panel.ids.astype(str), result.ids.astype(str))
    position = pd.Series(np.arange(panel.n), index=panel.ids.astype(str))
    actual = np.zeros((panel.n, h))
    rows = position[held["unique_id"].astype(str)].to_numpy()
    actual[rows, (held["ds"] - cutoff).dt.days.to_numpy() - 1] = held["y"].to_numpy()
    scale = mase_scale(panel, 7)
    mase_jxc = _mase(actual, result.mean, scale)
    cls = result.series["demand_class"].to_numpy()
    coverage = {str(t): round(float((actual <= result.quantiles[:, :, j]).mean()), 5) for j, t in enumerate(LEVELS)}
    j992 = LEVELS.index(0.992)
    coverage_992_by_class = {c.value: round(float((actual[cls == c.value] <= result.quantiles[cls == c.value][:, :, j992]).mean()), 5)
                             for c in CLASSES if (cls == c.value).any()}
    log(f"coverage {coverage}")

    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(panel.n, size=min(args.sample, panel.n), replace=False))
    sample_ids = panel.ids[sample].astype(str)
    sample_history = history[history["unique_id"].astype(str).isin(set(sample_ids))][["unique_id", "ds", "y"]].copy()
    sample_history["unique_id"] = sample_history["unique_id"].astype(str)
    log(f"AutoETS(season_length=7) on a sample of {len(sample):,} series …")
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive

    # the two-sided interval whose upper bound is the level-t quantile: 100 (2t - 1) %
    ets_levels = [int(v) if float(v).is_integer() else v for v in (round(100 * (2 * t - 1), 6) for t in LEVELS if t > 0.5)]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=args.n_jobs, fallback_model=Naive())
        ets = sf.forecast(df=sample_history, h=h, level=ets_levels)  # type: ignore[arg-type]  # floats work
    ets_seconds = time.perf_counter() - started
    ets = ets.sort_values(["unique_id", "ds"])
    order = position[ets["unique_id"].astype(str).unique()].to_numpy()
    assert np.array_equal(order, sample)
    ets_mean = ets["AutoETS"].to_numpy().reshape(len(sample), h)
    mase_ets = _mase(actual[sample], ets_mean, scale[sample])
    ets_coverage = {"0.5": round(float((actual[sample] <= ets_mean).mean()), 5)}
    for t, lv in zip([t for t in LEVELS if t > 0.5], ets_levels, strict=True):
        upper = ets[f"AutoETS-hi-{lv}"].to_numpy().reshape(len(sample), h)
        ets_coverage[str(t)] = round(float((actual[sample] <= upper).mean()), 5)
    extrapolated = ets_seconds * panel.n / len(sample)
    log(f"AutoETS: {ets_seconds:.1f} s for {len(sample)} → {extrapolated:.0f} s extrapolated")

    def mean_of(x: np.ndarray) -> float | None:
        finite = x[np.isfinite(x)]
        return round(float(finite.mean()), 4) if len(finite) else None

    both = np.isfinite(mase_jxc[sample]) & np.isfinite(mase_ets)
    by_class = result.series.groupby("demand_class").size().to_dict()
    chosen = result.chosen
    emit({
        "benchmark": "forecast_replan",
        "series": panel.n, "history_days": int(panel.lengths.max()), "horizon": h, "exog": bool(args.exog),
        "levels": list(LEVELS),
        "seconds": round(seconds, 2), "seconds_warm": None if warm is None else round(warm, 2), "target_seconds": 120,
        "stages": result.timings, "cpus": len(__import__("os").sched_getaffinity(0)),
        "autoets_sample": len(sample), "autoets_seconds_sample": round(ets_seconds, 2),
        "autoets_seconds_extrapolated": round(extrapolated, 1),
        "autoets_extrapolation": f"linear: seconds_sample x {panel.n} / {len(sample)}",
        "speed_ratio": round(extrapolated / seconds, 2),
        "mase_sample_series": int(both.sum()),
        "mase_jxc_sample": mean_of(mase_jxc[sample][both]), "mase_autoets_sample": mean_of(mase_ets[both]),
        "mase_jxc_sample_median": round(float(np.median(mase_jxc[sample][both])), 4),
        "mase_autoets_sample_median": round(float(np.median(mase_ets[both])), 4),
        "mase_jxc_all": mean_of(mase_jxc),
        "mase_jxc_all_series": int(np.isfinite(mase_jxc).sum()),
        "mase_jxc_by_class": {k: mean_of(mase_jxc[cls == k]) for k in by_class},
        "mase_sample_by_class": {k: [mean_of(mase_jxc[sample][both & (cls[sample] == k)]), mean_of(mase_ets[both & (cls[sample] == k)])]
                                 for k in by_class},
        "bias_jxc_all": round(float((result.mean.sum() - actual.sum()) / actual.sum()), 4),
        "bias_jxc_sample": round(float((result.mean[sample].sum() - actual[sample].sum()) / actual[sample].sum()), 4),
        "bias_autoets_sample": round(float((ets_mean.sum() - actual[sample].sum()) / actual[sample].sum()), 4),
        "coverage": coverage, "coverage_992_by_class": coverage_992_by_class,
        "coverage_autoets_sample": ets_coverage,
        "coverage_jxc_sample": {str(t): round(float((actual[sample] <= result.quantiles[sample][:, :, j]).mean()), 5)
                                for j, t in enumerate(LEVELS)},
        "by_class": by_class, "models": chosen,
        "generated_kinds": {k: int((kind == i).sum()) for i, k in enumerate(KINDS)},
    })


if __name__ == "__main__":
    main()
