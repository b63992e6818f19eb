"""The backtest's outputs: a Rich table, JSON, a PNG chart (matplotlib) and an HTML report (plotly).

All charts show the same four views: inventory value over time, the 28-day rolling fill rate over
time, stock and demand of the top item (by revenue), and the headline metrics side by side. The
HTML embeds plotly.js, so it opens offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

from jxc.replenishment.backtest import BacktestResult

__all__ = ["chart_series", "render_table", "result_dict", "write_html", "write_json", "write_png"]

SHOWN: Final = ("dynamic", "static", "static_matched_fill", "static_matched_inventory", "dynamic_same_cadence")
COLOURS: Final = {"dynamic": "#1f77b4", "static": "#d62728", "static_matched_fill": "#ff7f0e",
                  "static_matched_inventory": "#9467bd", "dynamic_same_cadence": "#2ca02c"}
TITLES: Final = {"dynamic": "dynamic (jxc)", "static": "static", "static_matched_fill": "static @ same fill",
                 "static_matched_inventory": "static @ same inventory",
                 "dynamic_same_cadence": "dynamic, static's cadence"}


def _shown(result: BacktestResult) -> list[str]:
    return [name for name in SHOWN if name in result.policies]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f} %"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def render_table(result: BacktestResult, console: Console) -> None:
    """The policies side by side, then the comparison in one line each."""
    names = _shown(result)
    table = Table(title=f"Backtest 补货回测 · {result.source} · {len(result.items)} item-sites",
                  header_style="bold cyan")
    table.add_column("metric")
    for name in names:
        table.add_column(TITLES[name], justify="right")
    metrics = [result.policies[name] for name in names]

    def row(label: str, values: list[str]) -> None:
        table.add_row(label, *values)

    row("review (days)", [str(m.review_days) for m in metrics])
    row("buffer", ["—" if m.buffer is None else f"{m.buffer:.2f}" if isinstance(m.buffer, float)
                               else ", ".join(f"{k} {v:.1f}" for k, v in list(m.buffer.items())[:3])
                               + (" …" if len(m.buffer) > 3 else "") for m in metrics])
    row("fill rate", [_percent(m.fill_rate) for m in metrics])
    for cls in ("A", "B", "C"):
        target = result.config.targets[cls]
        row(f"  {cls} (≥ {target * 100:.1f} %)",
            [_percent(m.fill_rate_by_class.get(cls)) for m in metrics])
    slots = list(metrics[0].fill_rate_by_slot)
    if slots:
        worst = min(slots, key=lambda s: metrics[0].fill_rate_by_slot[s])
        row(f"  slot {worst}", [_percent(m.fill_rate_by_slot.get(worst)) for m in metrics])
    row("lost units", [f"{m.lost_units:,.0f}" for m in metrics])
    row("stock-out days", [f"{m.stockout_days:,} ({m.stockout_day_share * 100:.1f} %)" for m in metrics])
    row("avg inventory value", [_money(m.avg_inventory_value) for m in metrics])
    row("turnover / year", [f"{m.turnover_per_year:.1f}" for m in metrics])
    row("days of inventory", [f"{m.days_of_inventory:.1f}" for m in metrics])
    row("holding / margin", [_percent(m.holding_cost_share_of_margin) for m in metrics])
    row("orders placed", [f"{m.orders_placed:,}" for m in metrics])
    console.print(table)
    comparison = result.comparison()
    console.print(f"target fill rate (demand-weighted): {_percent(comparison['target_fill_rate'])}; "
                  f"dynamic reached {_percent(result.policies['dynamic'].fill_rate)}", highlight=False)
    if "inventory_reduction_at_matched_fill" in comparison:
        console.print(f"inventory reduction at equal fill rate (static buffer matched by "
                      f"{comparison['match_scope']}): {_percent(comparison['inventory_reduction_at_matched_fill'])}",
                      highlight=False)
        for scope, value in comparison.get("inventory_reduction_at_matched_fill_by_scope", {}).items():
            if scope != comparison["match_scope"]:
                console.print(f"  matched by {scope}: {_percent(value)}", highlight=False)
        console.print(f"static's fill rate at the dynamic policy's inventory: "
                      f"{_percent(comparison['static_fill_rate_at_dynamic_inventory'])}", highlight=False)
    if "inventory_reduction_vs_static_at_target" in comparison:
        console.print(f"inventory reduction against static at the target fill rates: "
                      f"{_percent(comparison['inventory_reduction_vs_static_at_target'])}", highlight=False)
    if "inventory_reduction_at_matched_fill_same_cadence" in comparison:
        console.print(f"dynamic at static's review period: fill {_percent(comparison['dynamic_same_cadence_fill_rate'])}, "
                      f"inventory reduction at equal fill "
                      f"{_percent(comparison['inventory_reduction_at_matched_fill_same_cadence'])}", highlight=False)
    if result.skipped:
        console.print(f"skipped {len(result.skipped)} item-site(s): {'; '.join(result.skipped[:3])}",
                      highlight=False)


def result_dict(result: BacktestResult) -> dict[str, Any]:
    """What ``--json`` writes, as plain JSON values (dates and the like as text)."""
    data: dict[str, Any] = json.loads(json.dumps(result.as_dict(), default=str))
    return data


def write_json(result: BacktestResult, path: Path) -> Path:
    path.write_text(json.dumps(result_dict(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _plain(values: npt.NDArray[np.float64], digits: int) -> list[float | None]:
    """Rounded floats for JSON; NaN (no demand in the window) becomes null."""
    return [None if not np.isfinite(v) else round(float(v), digits) for v in values]


def chart_series(result: BacktestResult) -> dict[str, Any]:
    """The data behind the PNG and HTML charts, as plain JSON values.

    ``dates`` and, per policy shown, the daily inventory ``value`` (at cost) and the 28-day rolling
    ``fill`` rate (null before any demand); ``top_item``: the top item by revenue with its daily
    ``demand`` and opening ``on_hand`` under the dynamic and static policies.
    """
    data = _series(result)
    top = _top_item(result)
    info = result.items[top]
    return {
        "dates": data["dates"],
        "titles": {name: TITLES[name] for name in data["policies"]},
        "policies": {name: {"value": _plain(series["value"], 2), "fill": _plain(series["fill"], 4)}
                     for name, series in data["policies"].items()},
        "top_item": {
            "item": info.item, "site": info.site, "class": info.abc_class,
            "dates": result.dates[top].astype("datetime64[D]").astype(str).tolist(),
            "demand": _plain(result.outcomes["dynamic"][top].demand.sum(axis=1), 1),
            "on_hand": {name: _plain(result.outcomes[name][top].opening, 1)
                        for name in ("dynamic", "static_matched_fill", "static") if name in result.outcomes},
        },
    }


# --- time series for the charts -------------------------------------------------------------------


def _series(result: BacktestResult) -> dict[str, Any]:
    """Daily totals over the union of simulated dates, per policy shown."""
    first = min(d[0] for d in result.dates)
    last = max(d[-1] for d in result.dates)
    days = np.arange(first, last + np.timedelta64(1, "D"))
    out: dict[str, Any] = {"dates": days.astype("datetime64[D]").astype(str).tolist(), "policies": {}}
    for name in _shown(result):
        value, demand, met = np.zeros(len(days)), np.zeros(len(days)), np.zeros(len(days))
        for info, dates, outcome in zip(result.items, result.dates, result.outcomes[name], strict=True):
            offset = int((dates[0] - first).astype(np.int64))
            span = slice(offset, offset + len(dates))
            value[span] += (outcome.opening + outcome.closing) / 2.0 * info.unit_cost
            demand[span] += outcome.demand.sum(axis=1)
            met[span] += outcome.met.sum(axis=1)
        out["policies"][name] = {"value": value, "fill": _rolling_fill(demand, met)}
    return out


def _rolling_fill(demand: npt.NDArray[np.float64], met: npt.NDArray[np.float64], window: int = 28
                  ) -> npt.NDArray[np.float64]:
    kernel = np.ones(window)
    d, m = np.convolve(demand, kernel)[: len(demand)], np.convolve(met, kernel)[: len(met)]
    return np.divide(m, d, out=np.full(len(d), np.nan), where=d > 0)  # type: ignore[no-any-return]


def _top_item(result: BacktestResult) -> int:
    revenue = [float(o.met.sum()) * info.unit_price
               for info, o in zip(result.items, result.outcomes["dynamic"], strict=True)]
    return int(np.argmax(revenue))


def _bars(result: BacktestResult) -> tuple[list[str], list[float], list[float]]:
    names = _shown(result)
    return ([TITLES[n] for n in names], [result.policies[n].avg_inventory_value for n in names],
            [result.policies[n].fill_rate * 100 for n in names])


def write_png(result: BacktestResult, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = _series(result)
    dates = np.array(data["dates"], dtype="datetime64[D]")
    top = _top_item(result)
    info = result.items[top]
    figure, axes = plt.subplots(2, 2, figsize=(15, 9), constrained_layout=True)
    figure.suptitle(f"jxc backtest — {result.source}: dynamic vs static replenishment")
    for name, series in data["policies"].items():
        axes[0, 0].plot(dates, series["value"], label=TITLES[name], color=COLOURS[name], linewidth=1)
        axes[0, 1].plot(dates, series["fill"] * 100, label=TITLES[name], color=COLOURS[name], linewidth=1)
    axes[0, 0].set_title("inventory value (at cost)")
    axes[0, 0].legend(fontsize=8)
    axes[0, 1].set_title("fill rate, rolling 28 days (%)")
    axes[0, 1].legend(fontsize=8)
    item_dates = result.dates[top]
    for name in ("dynamic", "static_matched_fill", "static"):
        if name in result.outcomes:
            outcome = result.outcomes[name][top]
            axes[1, 0].plot(item_dates, outcome.opening, label=f"on hand: {TITLES[name]}", color=COLOURS[name],
                            linewidth=1)
    axes[1, 0].bar(item_dates, result.outcomes["dynamic"][top].demand.sum(axis=1), color="#bbbbbb",
                   label="demand", width=1.0)
    axes[1, 0].set_title(f"top item {info.item} at {info.site} (class {info.abc_class}): units")
    axes[1, 0].legend(fontsize=8)
    labels, values, fills = _bars(result)
    positions = np.arange(len(labels))
    axes[1, 1].bar(positions, values, color=[COLOURS[n] for n in _shown(result)])
    axes[1, 1].set_xticks(positions, labels, rotation=15, fontsize=8)
    axes[1, 1].set_title("average inventory value; fill rate on top")
    for x, value, fill in zip(positions, values, fills, strict=True):
        axes[1, 1].annotate(f"{fill:.2f} %", (x, value), ha="center", va="bottom", fontsize=8)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def write_html(result: BacktestResult, path: Path) -> Path:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = _series(result)
    top = _top_item(result)
    info = result.items[top]
    figure = make_subplots(rows=2, cols=2, subplot_titles=(
        "inventory value (at cost)", "fill rate, rolling 28 days (%)",
        f"top item {info.item} at {info.site} (class {info.abc_class}): units",
        "average inventory value (bars) and fill rate (%)"))
    for name, series in data["policies"].items():
        figure.add_trace(go.Scatter(x=data["dates"], y=series["value"].round(2).tolist(), name=TITLES[name],
                                    line={"color": COLOURS[name], "width": 1}, legendgroup=name), row=1, col=1)
        figure.add_trace(go.Scatter(x=data["dates"], y=(series["fill"] * 100).round(3).tolist(), name=TITLES[name],
                                    line={"color": COLOURS[name], "width": 1}, legendgroup=name, showlegend=False),
                         row=1, col=2)
    item_dates = result.dates[top].astype(str).tolist()
    figure.add_trace(go.Bar(x=item_dates, y=result.outcomes["dynamic"][top].demand.sum(axis=1).tolist(),
                            name="demand", marker_color="#bbbbbb"), row=2, col=1)
    for name in ("dynamic", "static_matched_fill", "static"):
        if name in result.outcomes:
            figure.add_trace(go.Scatter(x=item_dates, y=result.outcomes[name][top].opening.round(3).tolist(),
                                        name=f"on hand: {TITLES[name]}", line={"color": COLOURS[name], "width": 1},
                                        legendgroup=name, showlegend=False), row=2, col=1)
    labels, values, fills = _bars(result)
    figure.add_trace(go.Bar(x=labels, y=[round(v, 2) for v in values], text=[f"{f:.2f} %" for f in fills],
                            marker_color=[COLOURS[n] for n in _shown(result)], showlegend=False), row=2, col=2)
    comparison = result.comparison()
    figure.update_layout(
        title=f"jxc backtest — {result.source}: inventory reduction at equal fill rate "
              f"{(comparison.get('inventory_reduction_at_matched_fill') or 0) * 100:.1f} %",
        height=850, template="plotly_white")
    figure.write_html(path, include_plotlyjs=True, full_html=True)
    return path
