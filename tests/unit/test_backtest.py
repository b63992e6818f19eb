"""Replenishment backtest: hand-checkable simulations, CSV checks, the CLI, and dynamic beating static.

Hand-worked numbers are explained next to each assertion. Order timing: an order placed at the
close of day t with lead time L is received at the close of day t + L; the average inventory of a
day is the mean of its opening and closing (before receipts) stock.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from jxc.cli.main import app
from jxc.kernel.errors import InvalidInput
from jxc.replenishment.backtest import (
    BacktestConfig,
    classify,
    config_from_mapping,
    parse_targets,
    run_backtest,
)
from jxc.replenishment.backtest_data import parse_demand_csv
from jxc.replenishment.backtest_sim import (
    LeadTimeModel,
    StaticPolicy,
    draw_lead_times,
    fill_rate_level,
    simulate,
)
from jxc.replenishment.demo_demand import demo_rows, tea_rows, write_csv
from jxc.replenishment.forecasters import QUANTILE_GRID, SeriesContext, SmoothingForecaster


def _csv(rows: list[str], header: str = "date,item,site,qty") -> list[str]:
    return [header + "\n", *(row + "\n" for row in rows)]


def _constant(days: int, qty: int = 10, lead: int | None = None) -> list[str]:
    start = date(2025, 1, 1)
    if lead is None:
        return _csv([f"{start + timedelta(days=d)},X,S1,{qty}" for d in range(days)])
    return _csv([f"{start + timedelta(days=d)},X,S1,{qty},{lead}" for d in range(days)],
                header="date,item,site,qty,lead_time_days")


class _NeverOrders:
    review_days = 1

    def observe(self, t: int, sales: float, censored: bool) -> None:
        pass

    def received(self, lead_time: int) -> None:
        pass

    def order_up_to(self, t: int) -> float:
        return 0.0


# --- the simulation, by hand --------------------------------------------------------------------


def test_constant_demand_fixed_lead_time_meets_all_demand_with_known_inventory() -> None:
    series = parse_demand_csv(_constant(60, lead=2)).series[0]
    lead_times = draw_lead_times(series, mean=5, sd=1.5, seed=1)
    assert set(lead_times.tolist()) == {2}  # the file's lead times, not drawn ones
    # μ = 10 over the 28-day window; S = μ·(L + R) + 1 day of buffer = 10·(2 + 1) + 10 = 40
    policy = StaticPolicy(lead_time=2, buffer=1.0, size=60, review_days=1, window=28)
    outcome = simulate(series, policy, start=28, lead_times=lead_times)
    assert outcome.met.sum() == outcome.demand.sum() == 320  # fill rate 1.0, 32 days × 10
    assert not np.isnan(outcome.level).any() and set(outcome.level.tolist()) == {40.0}
    # day 1 opens with S = 40 (35 on average), day 2 with 30 (25); from day 3 on, an order of 10
    # lands every evening: open 20, close 10, average 15 = buffer 10 + half a day's demand
    average = (outcome.opening + outcome.closing) / 2
    assert average[:3].tolist() == [35.0, 25.0, 15.0]
    assert set(average[2:].tolist()) == {15.0}
    assert outcome.orders == 32 and set(outcome.ordered.tolist()) == {10.0}


def test_stock_out_loses_sales_and_counts_days() -> None:
    series = parse_demand_csv(_constant(10)).series[0]
    outcome = simulate(series, _NeverOrders(), start=5, lead_times=np.full(10, 3), initial_stock=25)
    # 25 units against 10 a day: 10, 10, 5, 0, 0 met — 25 lost, stock-out on the last 3 days
    assert outcome.met.sum(axis=1).tolist() == [10, 10, 5, 0, 0]
    assert outcome.demand.sum() - outcome.met.sum() == 25
    assert int((outcome.met.sum(axis=1) < outcome.demand.sum(axis=1)).sum()) == 3
    assert outcome.orders == 0


def test_slots_are_served_in_order_so_late_slots_run_short() -> None:
    rows = [f"2025-01-{d:02d},T,S1,{h},{q}" for d in range(1, 11) for h, q in ((9, 4), (12, 6), (18, 5))]
    data = parse_demand_csv(_csv(rows, header="date,item,site,hour,qty"))
    assert data.slots == ("9", "12", "18") and data.has_slots
    outcome = simulate(data.series[0], _NeverOrders(), start=9, lead_times=np.full(10, 1), initial_stock=12)
    assert outcome.met.tolist() == [[4, 6, 2]]  # 12 units: the 9:00 and 12:00 slots, 2 of 18:00's 5


def test_fill_rate_level_known_answer() -> None:
    # demand certain: 10 over lead time + review, 8 over the lead time; a cycle's demand is 2, and
    # β = 0.95 allows 0.1 short per cycle: (10 − S) − (8 − S)⁺ = 0.1 at S = 9.9
    upper = np.full((1, len(QUANTILE_GRID)), 10.0)
    lower = np.full((1, len(QUANTILE_GRID)), 8.0)
    assert fill_rate_level(upper, lower, np.array([1.0]), 0.95) == pytest.approx(9.9)
    # two equally likely lead times mix: the level lies between the two single answers
    upper2 = np.vstack([upper, upper + 2])
    lower2 = np.vstack([lower, lower + 2])
    level = fill_rate_level(upper2, lower2, np.array([0.5, 0.5]), 0.95)
    assert 9.9 < level < 11.9


def test_lead_time_model_learns_from_receipts() -> None:
    model = LeadTimeModel(5, 1.5, 12)
    support, probs = model.pmf()
    assert probs.sum() == pytest.approx(1.0) and 5 in support.tolist()
    for _ in range(200):
        model.observe(9)
    support, probs = model.pmf()
    assert support[np.argmax(probs)] == 9


def test_forecaster_learns_weekly_profile_and_constant_level() -> None:
    dates = np.arange(np.datetime64("2025-01-06"), np.datetime64("2025-01-06") + np.timedelta64(140, "D"))
    weekly = np.array([10, 10, 10, 10, 10, 30, 30], dtype=float)  # Monday … Sunday
    forecaster = SmoothingForecaster(SeriesContext(dates=dates, promo=None, max_horizon=14, horizon=7))
    for t in range(126):
        forecaster.observe(t, float(weekly[t % 7]), False)
    path = forecaster.path(125, 7)  # day 125 is a Sunday: the next week, Monday first
    assert path == pytest.approx(weekly, rel=0.02)
    quantiles = forecaster.quantiles(125, 7, QUANTILE_GRID)
    assert quantiles[0] == pytest.approx(110, rel=0.02) and quantiles[-1] == pytest.approx(110, rel=0.02)


# --- CSV checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "where", "why"), [
    (["date,item,site\n", "2025-01-01,X,S1\n"], "row 1", "missing required column 'qty'"),
    (_csv(["2025-01-01,X,S1,5", "2025-13-01,X,S1,5"]), "row 3, column date", "YYYY-MM-DD"),
    (_csv(["2025-01-01,X,S1,-3"]), "row 2, column qty", "at least 0"),
    (_csv(["2025-01-01,X,S1,abc"]), "row 2, column qty", "not a number"),
    (_csv(["2025-01-02,X,S1,5", "2025-01-01,Y,S1,5", "2025-01-01,X,S1,5"]), "row 4, column date", "out of order"),
    (_csv(["2025-01-01,X,S1,5", "2025-01-01,X,S1,6"]), "row 3, column date", "repeats row 2"),
    (_csv(["2025-01-01,X,S1,5,9"]), "row 2", "expected 4 fields, found 5"),
    (_csv(['2025-01-01,"X,S1,5']), "row 2", "malformed CSV"),
    (_csv(["2025-01-01,X,,5"]), "row 2, column site", "empty"),
    (_csv(["2025-01-01,X,S1,5,0"], header="date,item,site,qty,pack_size"), "row 2, column pack_size",
     "greater than 0"),
    (_csv(["2025-01-01,X,S1,5,maybe"], header="date,item,site,qty,promo"), "row 2, column promo", "1/0"),
    (["date,item,site,qty\n"], "row 2", "no data rows"),
])
def test_bad_csv_names_row_and_column(lines: list[str], where: str, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_demand_csv(lines)
    assert caught.value.field == where
    assert why in caught.value.params["reason"]


def test_optional_columns_and_exogenous_are_read() -> None:
    data = parse_demand_csv(_csv(
        ["2025-01-01,X,S1,5,1,3,2.5,4,12,6,21.5", "2025-01-03,X,S1,7,0,,2.7,4.2,12,6,22"],
        header="date,item,site,qty,promo,lead_time_days,unit_cost,unit_price,moq,pack_size,temperature"))
    series = data.series[0]
    assert data.exogenous == ("temperature",) and data.has_promo and data.has_lead_times
    assert series.daily.tolist() == [5, 0, 7]  # the missing 2 January is a day without demand
    assert series.promo is not None and series.promo.tolist() == [True, False, False]
    assert series.lead_time[0] == 3 and np.isnan(series.lead_time[2])
    assert series.unit_cost == pytest.approx(2.6) and series.unit_price == pytest.approx(4.1)
    assert (series.moq, series.pack_size) == (12, 6)


def test_targets_and_config_are_checked() -> None:
    assert parse_targets("A=0.99, c=0.9") == {"A": 0.99, "B": 0.98, "C": 0.9}
    for bad in ("A=1.2", "D=0.9", "A0.9"):
        with pytest.raises(InvalidInput):
            parse_targets(bad)
    config = config_from_mapping({"targets": {"A": 0.995}, "static_review_days": 14, "match_scopes": "item"})
    assert config.targets["A"] == 0.995 and config.static_review_days == 14 and config.match_scopes == ("item",)
    with pytest.raises(InvalidInput):
        config_from_mapping({"nonsense": 1})
    with pytest.raises(InvalidInput):
        config_from_mapping({"warmup_days": "many"})


def test_abc_classes_by_revenue_share() -> None:
    rows = [f"2025-01-01,{item},S1,{qty},1" for item, qty in (("BIG", 80), ("MID", 15), ("TAIL", 5))]
    data = parse_demand_csv(_csv(rows, header="date,item,site,qty,unit_price"))
    assert classify(data, BacktestConfig()) == {"BIG": "A", "MID": "B", "TAIL": "C"}


# --- the whole backtest -------------------------------------------------------------------------


def test_dynamic_beats_static_on_seasonal_demand() -> None:
    rows = demo_rows(seed=3, days=273, sites=(("SH-01", 1.0),), scenarios=("fresh", "promo"))
    data = parse_demand_csv([",".join(rows[0]) + "\n", *(",".join(r.values()) + "\n" for r in rows)])
    result = run_backtest(data, BacktestConfig(match_scopes=("class",)))
    comparison = result.comparison()
    dynamic, matched = result.policies["dynamic"], result.policies["static_matched_fill"]
    assert matched.fill_rate >= dynamic.fill_rate - 1e-9
    assert comparison["inventory_reduction_at_matched_fill"] > 0.25
    assert result.policies["static_matched_inventory"].fill_rate < dynamic.fill_rate
    assert set(dynamic.fill_rate_by_slot) == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}


def test_policies_can_learn_from_censored_sales_only() -> None:
    rows = demo_rows(seed=5, days=150, sites=(("SH-01", 1.0),), scenarios=("slow",))
    data = parse_demand_csv([",".join(rows[0]) + "\n", *(",".join(r.values()) + "\n" for r in rows)])
    result = run_backtest(data, BacktestConfig(observe="sales", match=False, warmup_days=56))
    assert set(result.policies) == {"dynamic", "static"}
    assert 0.5 < result.policies["dynamic"].fill_rate <= 1.0
    with pytest.raises(InvalidInput):
        BacktestConfig(observe="rumours")


def test_cli_writes_json_png_and_html(tmp_path: Path) -> None:
    source = write_csv(tea_rows(days=100), tmp_path / "tea.csv")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["backtest", str(source), "--out", str(out), "--warmup-days", "56",
                                      "--targets", "A=0.99", "--static-buffer-days", "3"])
    assert result.exit_code == 0, result.output
    assert "dynamic" in result.output and "inventory reduction at equal fill rate" in result.output
    report = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert set(report["policies"]) == {"dynamic", "static", "static_matched_fill", "static_matched_inventory"}
    assert report["config"]["targets"]["A"] == 0.99 and report["policies"]["static"]["buffer"] == 3.0
    assert set(report["policies"]["dynamic"]["fill_rate_by_slot"]) == {str(h) for h in range(10, 22)}
    assert (out / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "backtest.html").read_text(encoding="utf-8")
    assert "plotly" in html.lower() and "<script src=" not in html  # plotly.js inline, opens offline


def test_cli_refuses_bad_csv_naming_row_and_column(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("date,item,site,qty\n2025-01-01,X,S1,4\n2025-01-02,X,S1,-1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["backtest", str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert "row 3, column qty" in result.output
    assert not out.exists()
