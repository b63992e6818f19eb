"""The forecasting engine on small, seeded synthetic panels.

Panels are tiny (tens of series, a year or less of days) so that the whole module runs in seconds;
statsforecast 2.x is compiled C++, so there is no JIT warm-up. Everything runs with ``n_jobs=1``
except the one test that checks that the forked workers give the same numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jxc.forecasting import model
from jxc.forecasting.coldstart import cold_start
from jxc.forecasting.engine import LGBM, EngineConfig, ForecastResult, default_candidates, forecast
from jxc.forecasting.exog import ExogConfig
from jxc.forecasting.methods import components
from jxc.forecasting.metrics import CLASSES, classify_panel, mase_scale, noise_scale
from jxc.forecasting.model import DEFAULT_LEVELS, DemandClass
from jxc.forecasting.panel import Frequency, build_panel
from jxc.kernel.errors import InvalidInput

START = pd.Timestamp("2025-01-06")  # a Monday
DAILY = Frequency.parse("D")


def _frame(series: dict[str, np.ndarray], start: pd.Timestamp = START, freq: str = "D") -> pd.DataFrame:
    parts = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq=freq), "y": y})
             for uid, y in series.items()]
    return pd.concat(parts, ignore_index=True)


def _mixed_panel(days: int = 238, per_class: int = 6, seed: int = 7) -> tuple[pd.DataFrame, dict[str, DemandClass]]:
    """``per_class`` series of each established kind, plus two new items and a dead one."""
    rng = np.random.default_rng(seed)
    week = np.array([0.8, 0.9, 0.9, 1.0, 1.1, 1.5, 1.3])
    wk = week[np.arange(days) % 7]
    series: dict[str, np.ndarray] = {}
    kinds: dict[str, DemandClass] = {}
    for i in range(per_class):
        series[f"smooth{i}"] = rng.poisson(20 * (i + 1) * wk).astype(float)
        kinds[f"smooth{i}"] = DemandClass.SMOOTH
        series[f"erratic{i}"] = rng.poisson(rng.gamma(0.8, 15 * wk / 0.8)).astype(float) + 1
        kinds[f"erratic{i}"] = DemandClass.ERRATIC
        series[f"intermittent{i}"] = ((rng.random(days) < 0.2 * wk) * (2 + rng.poisson(0.3, days))).astype(float)
        kinds[f"intermittent{i}"] = DemandClass.INTERMITTENT
        series[f"lumpy{i}"] = ((rng.random(days) < 0.15) * (1 + rng.poisson(rng.gamma(0.5, 16, days)))).astype(float)
        kinds[f"lumpy{i}"] = DemandClass.LUMPY
    frame = _frame(series)
    # two items listed 10 days before the end, and one never sold
    end = START + pd.Timedelta(days=days - 1)
    new = pd.DataFrame({"unique_id": np.repeat(["new0", "new1"], 10),
                        "ds": np.tile(pd.date_range(end - pd.Timedelta(days=9), end), 2),
                        "y": rng.poisson(30 * np.tile(wk[-10:], 2)).astype(float)})
    dead = pd.DataFrame({"unique_id": "dead0", "ds": pd.date_range(START, periods=days), "y": 0.0})
    kinds |= {"new0": DemandClass.NEW, "new1": DemandClass.NEW, "dead0": DemandClass.DEAD}
    return pd.concat([frame, new, dead], ignore_index=True), kinds


@pytest.fixture(scope="module")
def mixed() -> tuple[ForecastResult, dict[str, DemandClass], pd.DataFrame]:
    frame, kinds = _mixed_panel()
    groups = {uid: "food" for uid in kinds}
    return forecast(frame, 14, n_jobs=1, groups=groups), kinds, frame


def test_classification_and_model_choice_per_class(mixed: tuple[ForecastResult, dict[str, DemandClass], pd.DataFrame]) -> None:
    result, kinds, _ = mixed
    s = result.series.set_index("unique_id")
    assert {uid: DemandClass(s.loc[uid, "demand_class"]) for uid in kinds} == kinds
    candidates = default_candidates(DAILY)
    for kind in (DemandClass.SMOOTH, DemandClass.ERRATIC, DemandClass.INTERMITTENT, DemandClass.LUMPY):
        chosen = result.chosen[kind.value]
        assert chosen in candidates[kind]
        # every series of the class uses its class's model
        assert set(s.loc[s["demand_class"] == kind.value, "model"]) == {chosen}
        # the choice is the lowest backtest MASE among the candidates within the bias guard
        table = result.selection[result.selection["demand_class"] == kind.value]
        ok = table[table["bias"].abs() <= EngineConfig().max_bias]
        if len(ok):
            assert chosen == ok.loc[ok["mase"].idxmin(), "candidate"]
    # intermittent and lumpy demand is never modelled by the smooth-demand components alone
    for kind in (DemandClass.INTERMITTENT, DemandClass.LUMPY):
        assert set(components(result.chosen[kind.value])) & {"p_sba", "p_tsb", "p_imapa", "p_ses", "seas_es"}
    assert result.chosen["dead"] == "zero" and result.chosen["new"] == "cold_start"


def test_shapes_and_dates(mixed: tuple[ForecastResult, dict[str, DemandClass], pd.DataFrame]) -> None:
    result, kinds, frame = mixed
    h, n = 14, len(kinds)
    assert result.mean.shape == (n, h) and result.quantiles.shape == (n, h, len(DEFAULT_LEVELS))
    labels = [model.quantile_label(t) for t in DEFAULT_LEVELS]
    assert list(result.forecasts.columns) == ["unique_id", "ds", "mean", *labels]
    assert len(result.forecasts) == n * h
    last = frame.groupby("unique_id")["ds"].max()
    first = result.forecasts.groupby("unique_id")["ds"].min()
    assert (first == last + pd.Timedelta(days=1)).all()
    assert np.isfinite(result.mean).all() and (result.mean >= 0).all()
    assert set(result.series.columns) >= {"unique_id", "demand_class", "adi", "cv2", "model", "mase", "bias", "pinball"}
    # accuracy is reported for every established series, none for new ones
    s = result.series.set_index("unique_id")
    established = [u for u, k in kinds.items() if k not in (DemandClass.NEW, DemandClass.DEAD)]
    assert s.loc[established, "mase"].notna().all() and s.loc[established, "pinball"].notna().all()
    assert s.loc[["new0", "new1"], "mase"].isna().all()


def test_quantiles_are_monotone_non_negative_and_dead_is_zero(
        mixed: tuple[ForecastResult, dict[str, DemandClass], pd.DataFrame]) -> None:
    result, _, _ = mixed
    q = result.quantiles
    assert (q >= 0).all()
    assert (np.diff(q, axis=2) >= 0).all()
    dead = list(result.ids).index("dead0")
    assert (result.mean[dead] == 0).all() and (q[dead] == 0).all()
    # a smooth series' high quantiles sit above its mean
    smooth = list(result.ids).index("smooth3")
    assert (q[smooth, :, -1] > result.mean[smooth]).all()


def test_cold_start_uses_the_group_profile(mixed: tuple[ForecastResult, dict[str, DemandClass], pd.DataFrame]) -> None:
    result, _, frame = mixed
    i = list(result.ids).index("new0")
    path = result.mean[i]
    # the forecast starts on a Monday (the panel ends on a Sunday): Saturdays are the busiest days
    first = result.forecasts.loc[result.forecasts["unique_id"] == "new0", "ds"].iloc[0]
    assert first.dayofweek == 0
    assert np.argmax(path[:7]) == 5
    # its level follows its own ten days (mean ≈ 30 × the profile), not the group's smaller items
    own = frame.loc[frame["unique_id"] == "new0", "y"].mean()
    assert 0.7 * own < path[:7].mean() < 1.3 * own


def test_standalone_cold_start() -> None:
    rng = np.random.default_rng(3)
    week = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0])
    days = 140
    # similar items that sell 2.5 to 320 a weekday: their category says little about a new item's level
    ref = _frame({f"r{i}": rng.poisson(2.5 * 2.0**i * week[np.arange(days) % 7]).astype(float) for i in range(8)})
    listed = START + pd.Timedelta(days=days - 7)
    new = pd.DataFrame({"unique_id": ["fresh"] * 7 + ["unsold"],
                        "ds": [*pd.date_range(listed, periods=7), START + pd.Timedelta(days=days - 1)],
                        "y": [40.0, 40, 40, 40, 40, 80, 80, 0.0]})
    out = cold_start(new, ref, {**{f"r{i}": "cat" for i in range(8)}, "fresh": "cat", "unsold": "cat"}, h=7)
    fresh = out[out["unique_id"] == "fresh"]["mean"].to_numpy()
    assert fresh.shape == (7,)
    assert fresh[5] == pytest.approx(2 * fresh[0], rel=0.3)  # the group's weekend doubling
    assert 35 < fresh[:5].mean() < 45  # its own level (40 a weekday), hardly the group's
    unsold = out[out["unique_id"] == "unsold"]["mean"].to_numpy()
    assert unsold.max() < fresh.max()
    assert (out["group"] == "cat").all()


def test_metrics_agree_with_the_pure_definitions() -> None:
    rng = np.random.default_rng(11)
    series = {f"s{i}": (rng.random(60 + 7 * i) < 0.3 + 0.1 * i) * rng.poisson(3 + 5 * i, 60 + 7 * i).astype(float)
              for i in range(6)}
    series["short"] = np.array([3.0, 0.0, 5.0])
    panel = build_panel(_frame(series), DAILY)
    cls, adi, cv2 = classify_panel(panel, min_history=10, window=50)
    scale = mase_scale(panel, 7)
    noise = noise_scale(panel, 7, 30)
    for i, uid in enumerate(panel.ids):
        y = [float(v) for v in series[uid]]
        p = model.demand_profile(y[-50:], min_history=1)
        expected = model.classify(y[-50:], min_history=1) if len(y) >= 10 else DemandClass.NEW
        assert CLASSES[cls[i]] is expected
        assert adi[i] == pytest.approx(p.adi, nan_ok=True)
        assert cv2[i] == pytest.approx(p.cv2, nan_ok=True)
        assert scale[i] == pytest.approx(model.mase_scale(y, 7), nan_ok=True)
        lag = 7 if len(y) > 7 else 1
        d = [y[t] - y[t - lag] for t in range(max(lag, len(y) - 30), len(y))]
        assert noise[i] == pytest.approx(math.sqrt(sum(v * v for v in d) / len(d) / 2))
    # the backtest origin: the same measures without the last values
    dropped = mase_scale(panel, 7, drop=10)
    assert dropped[0] == pytest.approx(model.mase_scale([float(v) for v in series["s0"][:-10]], 7))


def test_calibration_on_a_stationary_panel() -> None:
    rng = np.random.default_rng(5)
    days, h = 300, 28
    lam = rng.uniform(0.5, 30, 60)
    full = {f"p{i}": rng.poisson(lam[i], days + h).astype(float) for i in range(60)}
    history = _frame({k: v[:days] for k, v in full.items()})
    result = forecast(history, h, n_jobs=1)
    actual = np.array([full[str(u)][days:] for u in result.ids])
    cover = {t: float((actual <= result.quantiles[:, :, j]).mean()) for j, t in enumerate(DEFAULT_LEVELS)}
    # 1,680 outcomes: a level-τ quantile should cover about τ of them
    for t in (0.8, 0.9, 0.95):
        assert abs(cover[t] - t) < 0.04, cover
    assert cover[0.99] >= 0.97, cover
    # and the mean forecast is about the Poisson mean
    assert np.abs(result.mean.mean(axis=1) / lam - 1).mean() < 0.15


def test_exogenous_regressor_is_used_where_it_helps() -> None:
    rng = np.random.default_rng(9)
    days, h, n = 200, 14, 16
    promo = (rng.random((n, days + h)) < 0.15).astype(float)
    base = rng.uniform(10, 40, n)[:, None]
    y = rng.poisson(base * (1 + 2 * promo)).astype(float)
    ids = [f"x{i}" for i in range(n)]
    dates = pd.date_range(START, periods=days + h)
    long = pd.DataFrame({"unique_id": np.repeat(ids, days + h), "ds": np.tile(dates, n), "y": y.ravel(),
                         "promo": promo.ravel()})
    history = long[long["ds"] < dates[days]]
    future = long[long["ds"] >= dates[days]][["unique_id", "ds", "promo"]]
    config = EngineConfig(exog=ExogConfig(n_estimators=120, num_leaves=15))
    result = forecast(history, h, future=future, n_jobs=1, config=config)
    smooth = result.selection[result.selection["demand_class"] == "smooth"]
    # both regressor models were scored against the statistical choice, and one of them won
    assert LGBM in set(smooth["candidate"]) and smooth["candidate"].str.endswith("*exog").any()
    assert result.chosen["smooth"] == LGBM or result.chosen["smooth"].endswith("*exog")
    assert (result.series.loc[result.series["demand_class"] == "smooth", "model"] == result.chosen["smooth"]).all()
    # promotion days get the lift the regressor explains
    on = promo[:, days:] == 1
    assert result.mean[on].mean() > 2 * result.mean[~on].mean()
    # and beat the best any model without the regressor could do: each series' history mean
    actual = y[:, days:]
    flat = history.groupby("unique_id", sort=False)["y"].mean().to_numpy()[:, None]
    assert np.abs(result.mean - actual).mean() < 0.8 * np.abs(flat - actual).mean()


def test_a_regressor_that_explains_nothing_is_left_out() -> None:
    rng = np.random.default_rng(10)
    days, h, n = 200, 14, 16
    noise = rng.random((n, days + h))
    y = rng.poisson(rng.uniform(10, 40, n)[:, None], (n, days + h)).astype(float)
    dates = pd.date_range(START, periods=days + h)
    long = pd.DataFrame({"unique_id": np.repeat([f"x{i}" for i in range(n)], days + h), "ds": np.tile(dates, n),
                         "y": y.ravel(), "rain": noise.ravel()})
    config = EngineConfig(exog=ExogConfig(n_estimators=120, num_leaves=15))
    result = forecast(long[long["ds"] < dates[days]], h, future=long[long["ds"] >= dates[days]][["unique_id", "ds", "rain"]],
                      n_jobs=1, config=config)
    assert result.chosen["smooth"] != LGBM and not result.chosen["smooth"].endswith("*exog")


def test_exog_needs_its_future() -> None:
    frame = _frame({"a": np.ones(60)})
    frame["temp"] = 20.0
    with pytest.raises(InvalidInput) as e:
        forecast(frame, 7, n_jobs=1)
    assert e.value.field == "future"


def test_hourly_series_get_daily_and_weekly_shape() -> None:
    rng = np.random.default_rng(2)
    hours = 24 * 7 * 5
    t = np.arange(hours)
    hour, dow = t % 24, (t // 24) % 7
    lunch = np.where((hour >= 11) & (hour <= 13) & (dow < 5), 12.0, 0.0)
    evening = np.where((hour >= 18) & (hour <= 21) & (dow >= 5), 15.0, 0.0)
    base = np.where((hour >= 8) & (hour <= 22), 2.0, 0.0)
    series = {f"r{i}": rng.poisson(base + lunch + evening).astype(float) for i in range(3)}
    result = forecast(_frame(series, freq="h"), 48, freq="h", n_jobs=1, levels=(0.5, 0.9))
    path = result.mean[0]  # the forecast starts Monday 00:00
    assert path[12] > 3 * path[16]  # Monday lunch
    assert path[3] < 1  # closed at night
    assert result.quantiles.shape == (3, 48, 2)


def test_parallel_workers_give_the_same_forecasts() -> None:
    rng = np.random.default_rng(4)
    frame = _frame({f"s{i}": rng.poisson(5 + i % 7, 90).astype(float) for i in range(70)})
    one = forecast(frame, 7, n_jobs=1)
    two = forecast(frame, 7, n_jobs=2)
    np.testing.assert_allclose(one.mean, two.mean)
    np.testing.assert_allclose(one.quantiles, two.quantiles)


def test_panel_fills_missing_days_and_sorts() -> None:
    frame = pd.DataFrame({"unique_id": ["b", "a", "a", "b"],
                          "ds": pd.to_datetime(["2025-01-03", "2025-01-04", "2025-01-01", "2025-01-01"]),
                          "y": [2.0, 4.0, 1.0, 5.0]})
    panel = build_panel(frame, DAILY)
    assert list(panel.ids) == ["b", "a"]
    assert panel.series(0).tolist() == [5.0, 0.0, 2.0]
    assert panel.series(1).tolist() == [1.0, 0.0, 0.0, 4.0]


@pytest.mark.parametrize(("frame", "field"), [
    (pd.DataFrame({"unique_id": ["a", "a"], "ds": pd.to_datetime(["2025-01-01"] * 2), "y": [1.0, 2.0]}), "ds"),
    (pd.DataFrame({"unique_id": ["a"], "ds": pd.to_datetime(["2025-01-01"]), "y": [-1.0]}), "y"),
    (pd.DataFrame({"unique_id": ["a"], "ds": pd.to_datetime(["2025-01-01 10:30"]), "y": [1.0]}), "ds"),
    (pd.DataFrame({"unique_id": ["a"], "ds": pd.to_datetime(["2025-01-01"])}), "y"),
])
def test_bad_frames_are_refused(frame: pd.DataFrame, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        forecast(frame, 7, n_jobs=1)
    assert e.value.field == field


def test_bad_horizon_and_levels_are_refused() -> None:
    frame = _frame({"a": np.ones(40)})
    with pytest.raises(InvalidInput):
        forecast(frame, 0, n_jobs=1)
    with pytest.raises(InvalidInput):
        forecast(frame, 7, levels=(0.5, 1.0), n_jobs=1)
