"""The per-series forecasting methods, built on statsforecast's models, and the parallel runner.

Components (each gives the mean demand of the next ``h`` periods of one series):

- ``seas_es`` — statsforecast ``SeasonalExponentialSmoothingOptimized(season_length)``: one simple
  exponential smoothing per position in the season (weekday of a daily series, hour of the day of
  an hourly one), each with its own optimised α.
- ``p_ses``, ``p_tsb``, ``p_sba``, ``p_imapa`` — *profile-adjusted* models: the series is divided by
  its weekly profile (the share of demand of each weekday, or hour of the week, over the last
  ``profile_weeks`` weeks; every position gets ``profile_prior`` units of demand at the series'
  mean added, so that a profile built on few sales stays near flat and a busy one keeps its shape), the
  deseasonalised series is forecast by statsforecast's ``SimpleExponentialSmoothingOptimized``,
  ``TSB(0.1, 0.1)``, ``CrostonSBA`` or ``IMAPA``, and the forecast multiplied back by the profile.
  One profile holds both seasonalities of an hourly series (lunch on weekdays, evenings at the
  weekend).
- ``mstl`` — statsforecast ``MSTL`` with daily and weekly seasonalities (hourly series only).
- ``zero`` — nothing (dead series).

A candidate is a component or the mean of several (``seas_es+p_ses``). A component that cannot
run on a series (too short) gives ``nan``; the engine then falls back to ``p_ses``.
"""

from __future__ import annotations

import itertools
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
from statsforecast.models import (
    IMAPA,
    MSTL,
    TSB,
    CrostonSBA,
    SeasonalExponentialSmoothingOptimized,
    SimpleExponentialSmoothingOptimized,
)

COMPONENTS = ("seas_es", "p_ses", "p_tsb", "p_sba", "p_imapa", "mstl", "zero")
FALLBACK = "p_ses"


@dataclass(frozen=True)
class MethodConfig:
    h: int
    season_length: int
    profile_period: int
    profile_weeks: int = 26
    profile_prior: float = 10.0  # units of demand added to every position at the mean: shrinks thin profiles


def components(candidate: str) -> tuple[str, ...]:
    parts = tuple(candidate.split("+"))
    for part in parts:
        if part not in COMPONENTS:
            raise ValueError(f"unknown forecasting component {part!r}")
    return parts


def profile(y: np.ndarray, start: int, cfg: MethodConfig) -> np.ndarray:
    """The weekly profile of one series: mean 1 over its recent values, flat when there is no demand."""
    period = cfg.profile_period
    w = min(len(y), cfg.profile_weeks * period)
    if w == 0 or period == 1:
        return np.ones(period)
    recent = y[-w:]
    pos = (start + len(y) - w + np.arange(w)) % period
    mean = recent.mean()
    if mean <= 0:
        return np.ones(period)
    total = np.bincount(pos, weights=recent, minlength=period)
    count = np.bincount(pos, minlength=period)
    prior = cfg.profile_prior
    shape = (total + prior) / (count * mean + prior)
    return np.asarray(shape / shape[pos].mean())


class _Models:
    """One instance of each statsforecast model, made once per process."""

    def __init__(self, cfg: MethodConfig) -> None:
        self.seas_es = SeasonalExponentialSmoothingOptimized(season_length=cfg.season_length)
        self.ses = SimpleExponentialSmoothingOptimized()
        self.tsb = TSB(alpha_d=0.1, alpha_p=0.1)
        self.sba = CrostonSBA()
        self.imapa = IMAPA()
        self.mstl = MSTL(season_length=[cfg.season_length, cfg.profile_period]) if cfg.profile_period > cfg.season_length else None


def _mean(model: object, y: np.ndarray, h: int) -> np.ndarray:
    return np.asarray(model.forecast(y=y, h=h)["mean"], dtype=np.float64)  # type: ignore[attr-defined]


def fit_series(y: np.ndarray, start: int, wanted: Iterable[str], cfg: MethodConfig, models: _Models) -> dict[str, np.ndarray]:
    """The ``h``-period mean forecasts of the ``wanted`` components for one series."""
    h, out = cfg.h, {}
    nan = np.full(h, np.nan)
    wanted = set(wanted)
    if len(y) == 0 or not y.any():
        return {c: np.zeros(h) for c in wanted}
    # the profile-adjusted components share the deseasonalised series and the profile ahead
    shape = profile(y, start, cfg)
    future = shape[(start + len(y) + np.arange(h)) % cfg.profile_period]
    z = y / shape[(start + np.arange(len(y))) % cfg.profile_period]
    for c in wanted:
        if c == "zero":
            out[c] = np.zeros(h)
        elif c == "seas_es":
            out[c] = _mean(models.seas_es, y, h) if len(y) >= 2 * cfg.season_length else nan
        elif c == "mstl":
            ok = models.mstl is not None and len(y) >= 2 * cfg.profile_period + 1
            out[c] = _mean(models.mstl, y, h) if ok else nan
        else:
            model = {"p_ses": models.ses, "p_tsb": models.tsb, "p_sba": models.sba, "p_imapa": models.imapa}[c]
            out[c] = (_mean(model, z, 1)[0] if len(y) >= 2 else z.mean()) * future
    for c, v in out.items():
        out[c] = np.maximum(np.nan_to_num(v, nan=np.nan, posinf=np.nan, neginf=np.nan), 0.0)
    return out


@dataclass
class Job:
    y: np.ndarray
    indptr: np.ndarray
    start: np.ndarray
    wanted: Sequence[tuple[str, ...]]  # per series
    cfg: MethodConfig
    drop: int = 0  # leave out the last values of every series (a backtest origin)


def run_job(job: Job) -> dict[str, np.ndarray]:
    """Fit the wanted components of every series in the job: component → (n, h), nan where not asked."""
    n, h = len(job.start), job.cfg.h
    models = _Models(job.cfg)
    names = sorted({c for w in job.wanted for c in w})
    out = {c: np.full((n, h), np.nan) for c in names}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for i in range(n):
            if not job.wanted[i]:
                continue
            a, b = job.indptr[i], job.indptr[i + 1]
            fits = fit_series(job.y[a : max(a, b - job.drop)], int(job.start[i]), job.wanted[i], job.cfg, models)
            for c, v in fits.items():
                out[c][i] = v
    return out


def n_workers(n_jobs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus if n_jobs in (-1, 0) else max(1, min(n_jobs, cpus))


# what the forked workers read: set just before the pool starts, so it is inherited, not pickled
_SHARED: dict[str, object] = {}


def _run_shared(bounds: tuple[int, int]) -> dict[str, np.ndarray]:
    a, b = bounds
    y, indptr, start, wanted, cfg, drop = (_SHARED[k] for k in ("y", "indptr", "start", "wanted", "cfg", "drop"))
    assert isinstance(y, np.ndarray) and isinstance(indptr, np.ndarray) and isinstance(start, np.ndarray)
    assert isinstance(wanted, list) and isinstance(cfg, MethodConfig) and isinstance(drop, int)
    return run_job(Job(y[indptr[a] : indptr[b]], indptr[a : b + 1] - indptr[a], start[a:b], wanted[a:b], cfg, drop))


def run_parallel(y: np.ndarray, indptr: np.ndarray, start: np.ndarray, wanted: Sequence[tuple[str, ...]],
                 cfg: MethodConfig, n_jobs: int, *, drop: int = 0) -> dict[str, np.ndarray]:
    """Split the series into chunks of about equal work, fit them in ``n_jobs`` processes, and join.

    Every series is fitted without its last ``drop`` values (a backtest origin).

    On Linux the workers are forked after the panel is put where they inherit it (nothing is
    pickled but the results); elsewhere each chunk's arrays are sent to a spawned worker.
    """
    n = len(start)
    workers = n_workers(n_jobs)
    names = sorted({c for w in wanted for c in w})
    if n == 0 or not names:
        return {c: np.full((n, cfg.h), np.nan) for c in names}
    work = np.diff(indptr) * np.array([len(w) for w in wanted]) + 1
    chunks = 1 if workers == 1 or n < 64 else workers * 4
    bounds = np.searchsorted(np.cumsum(work), np.linspace(0, work.sum(), chunks + 1)[1:-1])
    edges = np.unique(np.r_[0, bounds, n])
    ranges = [(int(a), int(b)) for a, b in itertools.pairwise(edges)]
    if len(ranges) == 1 or workers == 1:
        parts = [run_job(Job(y, indptr, start, list(wanted), cfg, drop))]
        ranges = [(0, n)]
    elif sys.platform.startswith("linux"):
        _SHARED.update(y=y, indptr=indptr, start=start, wanted=list(wanted), cfg=cfg, drop=drop)
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
                parts = list(pool.map(_run_shared, ranges))
        finally:
            _SHARED.clear()
    else:
        jobs = [Job(y[indptr[a] : indptr[b]], indptr[a : b + 1] - indptr[a], start[a:b], list(wanted[a:b]), cfg, drop)
                for a, b in ranges]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run_job, jobs))
    out = {c: np.full((n, cfg.h), np.nan) for c in names}
    for (a, b), part in zip(ranges, parts, strict=True):
        for c, v in part.items():
            out[c][a:b] = v
    return out


def combine(candidate: str, fits: dict[str, np.ndarray]) -> np.ndarray:
    """The forecast of a candidate: the mean of its components."""
    parts = components(candidate)
    return sum((fits[p] for p in parts[1:]), fits[parts[0]].copy()) / len(parts)
