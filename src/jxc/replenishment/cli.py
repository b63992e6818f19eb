"""``jxc backtest CSV``: replay a demand history under jxc's dynamic policy and a static baseline.

Needs no database: it reads the CSV (docs/backtest.md), simulates, prints the policies side by side
and writes ``backtest.json``, ``backtest.png`` and ``backtest.html`` into ``--out`` (or where
``--json``/``--png``/``--html`` say). Settings come from the defaults, then ``--config FILE.toml``
(the field names of :class:`jxc.replenishment.backtest.BacktestConfig`, top level or under
``[backtest]``), then the options given.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from jxc.cli.output import console, err_console
from jxc.kernel.errors import InvalidInput
from jxc.replenishment.backtest import BacktestConfig, config_from_mapping, parse_targets, run_backtest
from jxc.replenishment.backtest_data import read_demand_csv
from jxc.replenishment.backtest_report import render_table, write_html, write_json, write_png

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``jxc backtest`` to the root app."""
    app.command("backtest")(backtest)


def _load_config(path: Path | None) -> BacktestConfig:
    if path is None:
        return BacktestConfig()
    try:
        values: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("field.invalid", field="--config", value=str(path), reason="no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("field.invalid", field="--config", value=str(path), reason=f"not TOML: {exc}") from None
    table = values.get("backtest", values)
    if not isinstance(table, dict):
        raise InvalidInput("field.invalid", field="--config", value=str(path), reason="[backtest] must be a table")
    return config_from_mapping(table)


def backtest(
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", help="Demand history: date,item,site,qty[,…].")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the JSON, PNG and HTML.")] = Path("backtest-out"),
    targets: Annotated[str | None, typer.Option(
        "--targets", help="Fill-rate targets by ABC class, e.g. A=0.992,B=0.98,C=0.95.")] = None,
    review_days: Annotated[int | None, typer.Option(
        "--review-days", help="Dynamic policy: review every N days (default 1).")] = None,
    static_review_days: Annotated[int | None, typer.Option(
        "--static-review-days", help="Static policy: review every N days (default 7).")] = None,
    static_buffer_days: Annotated[float | None, typer.Option(
        "--static-buffer-days", help="Static policy: safety stock in days of mean demand (default 7).")] = None,
    static_rule: Annotated[str | None, typer.Option(
        "--static-rule", help="'days' (buffer days × mean) or 'sigma' (buffer = k × σ over L+R).")] = None,
    warmup_days: Annotated[int | None, typer.Option(
        "--warmup-days", help="History days before the simulation starts (default 91).")] = None,
    lead_time_mean: Annotated[float | None, typer.Option(
        "--lead-time-mean", help="Default lead time, days (default 5).")] = None,
    lead_time_sd: Annotated[float | None, typer.Option(
        "--lead-time-sd", help="Its standard deviation, days (default 1.5).")] = None,
    holding_rate: Annotated[float | None, typer.Option(
        "--holding-rate", help="Holding cost per year as a share of inventory value (default 0.20).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the simulated lead times (default 7).")] = None,
    observe: Annotated[str | None, typer.Option(
        "--observe", help="What the policies learn from: 'demand' (default) or 'sales' (lost sales unseen).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML file with backtest settings.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="JSON file (default OUT/backtest.json).")] = None,
    png_path: Annotated[Path | None, typer.Option("--png", help="PNG chart (default OUT/backtest.png).")] = None,
    html_path: Annotated[Path | None, typer.Option(
        "--html", help="Interactive HTML report (default OUT/backtest.html).")] = None,
    no_match: Annotated[bool, typer.Option(
        "--no-match", help="Skip the matched static runs (faster).")] = False,
    same_cadence: Annotated[bool, typer.Option(
        "--same-cadence", help="Also run the dynamic policy at the static policy's review period.")] = False,
) -> None:
    """Backtest 补货回测: dynamic vs static replenishment on a demand history, side by side."""
    settings = _load_config(config)
    overrides: dict[str, Any] = {
        "dynamic_review_days": review_days, "static_review_days": static_review_days,
        "static_buffer_days": static_buffer_days, "static_rule": static_rule, "warmup_days": warmup_days,
        "lead_time_mean": lead_time_mean, "lead_time_sd": lead_time_sd, "holding_rate": holding_rate, "seed": seed,
        "observe": observe,
    }
    changes = {k: v for k, v in overrides.items() if v is not None}
    if targets is not None:
        changes["targets"] = dict(parse_targets(targets))
    if no_match:
        changes["match"] = False
    if same_cadence:
        changes["same_cadence"] = True
    settings = config_from_mapping(changes, base=settings)
    data = read_demand_csv(csv_path)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err_console, transient=True)
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        result = run_backtest(data, settings, progress=report)
    render_table(result, console)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_json(result, json_path or out / "backtest.json"),
        write_png(result, png_path or out / "backtest.png"),
        write_html(result, html_path or out / "backtest.html"),
    ]
    for path in written:
        console.print(f"wrote {path}", highlight=False)
