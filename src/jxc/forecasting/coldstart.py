"""Cold start: forecasts for new items from the scaled profile of similar items.

Similar items are those in the same group — a category, a category at a site, whatever key the
caller maps each ``unique_id`` to. From the established items of a group (smooth, erratic,
intermittent or lumpy) come:

- the group **profile**: the mean of the members' weekly profiles (each the share of demand of a
  weekday, or hour of the week, over the last ``profile_weeks`` weeks, mean 1), weighted by their
  levels — the shape of the group's demand, which the busy items show best;
- the group **level**: the median of the members' mean demand over their last four weeks;
- the group **relative noise**: the median of the members' noise scale ÷ level.

A group without established members — or an item without a group — uses all established items.
A new item's level blends what it has sold, deseasonalised by the group profile, with the group
level: ``level = (own · n + level_g · k) / (n + k)`` for ``n`` periods of own history, the group
level weighing as ``k`` periods — set by empirical Bayes from how much the group's members differ
in level against how noisy a few periods of sales are (:func:`build_reference`). Its forecast is
that level times the group profile over the horizon. Its noise scale (for the quantiles the
engine calibrates on simulated launches) is the level times a relative noise that blends its own
with the group's, the group's weighing as one week of periods.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jxc.forecasting.metrics import CLASSES, ESTABLISHED, classify_panel, noise_scale
from jxc.forecasting.panel import Frequency, Panel, build_panel
from jxc.kernel.errors import InvalidInput


@dataclass(frozen=True)
class Reference:
    """Per group (the last row: all established items) the profile, level, relative noise and prior weight."""

    profile: np.ndarray  # (groups + 1, period)
    level: np.ndarray  # (groups + 1,)
    relative_noise: np.ndarray  # (groups + 1,)
    prior_periods: np.ndarray  # (groups + 1,) the weight of the group level, in periods of own history
    members: np.ndarray  # (groups + 1,)


def series_profiles(panel: Panel, weeks: int, prior: float, drop: int = 0) -> np.ndarray:
    """The weekly profile of every series, (n, period), mean 1 over its last ``weeks`` weeks before its
    last ``drop`` values, each position shrunk towards flat by ``prior`` units of demand at the mean
    (flat without demand) — the same profile as :func:`jxc.forecasting.methods.profile`."""
    period = panel.freq.profile_period
    width = weeks * period
    rows, ok = panel.tail(width, drop)
    v = np.where(ok, panel.y[rows], 0.0)
    # the period index of each value: its series' end (before drop) minus its distance from it
    last = panel.start + np.maximum(panel.lengths - drop, 0) - 1
    slot = (last[:, None] - width + 1 + np.arange(width)[None, :]) % period
    key = np.arange(panel.n)[:, None] * period + slot
    total = np.bincount(key[ok], weights=v[ok], minlength=panel.n * period).reshape(panel.n, period)
    count = np.bincount(key[ok], minlength=panel.n * period).reshape(panel.n, period).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total.sum(axis=1) / count.sum(axis=1)
        shape = (total + prior) / (count * mean[:, None] + prior)
        shape /= (shape * count).sum(axis=1, keepdims=True) / count.sum(axis=1, keepdims=True)
    good = np.isfinite(shape).all(axis=1) & (mean > 0)
    return np.where(good[:, None], shape, 1.0)


def recent_level(panel: Panel, periods: int, drop: int = 0) -> np.ndarray:
    """The mean of each series' last ``periods`` values before its last ``drop`` (0 when there are none)."""
    rows, ok = panel.tail(periods, drop)
    count = ok.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, np.where(ok, panel.y[rows], 0.0).sum(axis=1) / count, 0.0)


def _spread(log_levels: pd.Series) -> float:
    """A robust standard deviation (1.4826 × MAD) of members' log levels; nan with fewer than three."""
    if len(log_levels) < 3:
        return math.nan
    return float(1.4826 * (log_levels - log_levels.median()).abs().median())


def build_reference(profiles: np.ndarray, level: np.ndarray, noise: np.ndarray, members: np.ndarray,
                    group: np.ndarray, n_groups: int, *, max_prior: float) -> Reference:
    """Group profiles, levels, relative noise and prior weights from the member series (a boolean mask).

    The weight of the group level against a new item's own mean is empirical Bayes on the log
    scale: the own mean of ``n`` periods has a relative variance of about ``r²/n`` (``r`` the
    group's relative noise), the group level misses a member by ``τ²`` (the spread of members' log
    levels), so the group level is worth ``r²/τ²`` periods of own history (at most ``max_prior``).
    Items in a category often differ by multiples, and then even a few days of their own sales
    outweigh the category.
    """
    period = profiles.shape[1]
    glob = n_groups
    key = np.where(group >= 0, group, glob)[members]
    lv = level[members]
    frame = pd.DataFrame({"g": key, "level": lv,
                          "rel": np.where(lv > 0, noise[members] / np.where(lv > 0, lv, 1.0), np.nan),
                          "log": np.log(np.where(lv > 0, lv, np.nan))})
    count = np.bincount(key, minlength=n_groups + 1)
    # profiles weighted by level: the shape of the group's demand, led by the items that show it best
    weight = np.where(lv > 0, lv, 0.0) + 1e-9
    sums = np.zeros((n_groups + 1, period))
    np.add.at(sums, key, profiles[members] * weight[:, None])
    weights = np.bincount(key, weights=weight, minlength=n_groups + 1)
    prof = np.ones((n_groups + 1, period))
    has = count > 0
    prof[has] = sums[has] / weights[has, None]
    glevel = np.zeros(n_groups + 1)
    grel = np.full(n_groups + 1, np.nan)
    gspread = np.full(n_groups + 1, np.nan)
    if len(frame):
        by = frame.groupby("g")
        for column, target in (("level", glevel), ("rel", grel)):
            med = by[column].median()
            target[med.index.to_numpy()] = med.to_numpy()
        spread = by["log"].agg(lambda v: _spread(v.dropna()))
        gspread[spread.index.to_numpy()] = spread.to_numpy()
        # the global row: every member
        glevel[glob] = float(np.median(lv))
        prof[glob] = (profiles[members] * weight[:, None]).sum(axis=0) / weight.sum()
        rels, logs = frame["rel"].dropna(), frame["log"].dropna()
        grel[glob] = float(rels.median()) if len(rels) else 1.0
        gspread[glob] = _spread(logs)
        count[glob] = int(members.sum())
    empty = count == 0
    prof[empty], glevel[empty], grel[empty], gspread[empty] = prof[glob], glevel[glob], grel[glob], gspread[glob]
    grel = np.where(np.isfinite(grel), grel, 1.0)
    gspread = np.where(np.isfinite(gspread), gspread, gspread[glob] if np.isfinite(gspread[glob]) else 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        prior = np.where(gspread > 0, grel * grel / (gspread * gspread), max_prior)
    return Reference(prof, glevel, grel, np.clip(prior, 0.0, max_prior), count)


def _own_noise(y: np.ndarray, season: int) -> float:
    """RMS of the seasonal (or, for short histories, lag-1) differences ÷ √2; nan with one value."""
    lag = season if len(y) > season else 1
    if len(y) <= lag:
        return math.nan
    d = y[lag:] - y[:-lag]
    return float(np.sqrt(np.mean(d * d) / 2))


def cold_start_paths(panel: Panel, index: np.ndarray, group: np.ndarray, ref: Reference, h: int, *,
                     prior_periods: float | None = None, noise_prior: float | None = None,
                     keep: np.ndarray | None = None, drop: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean forecasts (k, h) and noise scales (k,) of the series at ``index`` (``group`` −1: none).

    Each series is taken without its last ``drop`` values (a backtest origin) and limited to its
    last ``keep[j]`` values (a simulated launch). ``prior_periods`` overrides the group's
    empirical-Bayes weight; ``noise_prior`` is the weight, in periods, of the group's relative
    noise against the item's own (default a week).
    """
    period, season = panel.freq.profile_period, panel.freq.season_length
    k_noise = float(period if noise_prior is None else noise_prior)
    g = np.where(group[index] >= 0, group[index], len(ref.level) - 1)
    mean = np.zeros((len(index), h))
    scale = np.zeros(len(index))
    for j, (i, gi) in enumerate(zip(index, g, strict=True)):
        y = panel.series(int(i))
        y = y[: max(len(y) - drop, 0)]
        end = int(panel.start[i]) + len(y) - 1  # period index of the last value used
        if keep is not None:
            y = y[len(y) - min(len(y), int(keep[j])) :]
        shape = ref.profile[gi]
        n = len(y)
        seen = shape[(end - n + 1 + np.arange(n)) % period].sum() if n else 0.0
        own = y.sum() / seen if seen > 0 else 0.0
        prior = float(ref.prior_periods[gi] if prior_periods is None else prior_periods)
        level = (own * n + ref.level[gi] * prior) / (n + prior) if n + prior > 0 else ref.level[gi]
        mean[j] = level * shape[(end + 1 + np.arange(h)) % period]
        noise = _own_noise(y, season)
        own_rel = noise / y.mean() if n and y.mean() > 0 and math.isfinite(noise) else ref.relative_noise[gi]
        rel = (own_rel * n + ref.relative_noise[gi] * k_noise) / (n + k_noise)
        scale[j] = level * rel
    return mean, scale


def cold_start(history: pd.DataFrame, reference: pd.DataFrame, similar: Mapping[str, str], *, h: int,
               freq: str = "D", profile_weeks: int = 26, profile_prior: float = 10.0,
               prior_periods: float | None = None) -> pd.DataFrame:
    """Mean forecasts for the new items in ``history`` from the similar items in ``reference``.

    Both frames are long ``unique_id, ds, y``; ``similar`` maps item ids (new and reference) to
    their group. Returns ``unique_id, ds, mean, group`` for every item of ``history``, starting
    after its last row (an item that has never sold still needs one row, with ``y = 0``, to
    say when it was listed). Quantiles come with :func:`jxc.forecasting.engine.forecast`, which
    calibrates them on its backtest.
    """
    if h < 1:
        raise InvalidInput("field.invalid", field="h", value=str(h), reason="at least 1")
    f = Frequency.parse(freq)
    new, ref_panel = build_panel(history[["unique_id", "ds", "y"]], f), build_panel(reference[["unique_id", "ds", "y"]], f)
    keys = sorted({str(v) for v in similar.values()})
    code = {k: i for i, k in enumerate(keys)}
    ref_group = np.array([code.get(str(similar.get(u, "")), -1) if u in similar else -1 for u in ref_panel.ids])
    new_group = np.array([code[str(similar[u])] if u in similar else -1 for u in new.ids])
    cls, _, _ = classify_panel(ref_panel, min_history=1, window=int(ref_panel.lengths.max()))
    members = np.isin(cls, [CLASSES.index(c) for c in ESTABLISHED])
    ref = build_reference(series_profiles(ref_panel, profile_weeks, profile_prior),
                          recent_level(ref_panel, 4 * f.profile_period),
                          noise_scale(ref_panel, f.season_length, profile_weeks * f.profile_period),
                          members, ref_group, len(keys), max_prior=f.profile_period)
    mean, _ = cold_start_paths(new, np.arange(new.n), new_group, ref, h, prior_periods=prior_periods)
    steps = new.end[:, None] + 1 + np.arange(h)[None, :]
    return pd.DataFrame({
        "unique_id": np.repeat(new.ids, h), "ds": new.timestamps(steps.ravel()), "mean": mean.ravel(),
        "group": np.repeat([keys[g] if g >= 0 else None for g in new_group], h),
    })
