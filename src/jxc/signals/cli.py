"""``jxc signals import|template|listen|demand``: sales events from files and the message bus, demand history.

Parse, call a use case, render. Commands act as the local operator, or as ``--as USER``: then
``import`` and ``listen`` need ``signal.write`` and keep to the user's sites (an import naming a
site outside them is refused whole, as the API refuses a call; the listener dead-letters such
events), and ``demand`` needs ``signal.read`` and the site in scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.cli.common import JsonOpt, acting_principal, current_app
from jxc.cli.output import console, emit_json, err_console, table
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Forbidden
from jxc.org import services as org
from jxc.sheets import ImportMode
from jxc.sheets.cli import NOTHING_IMPORTED_EXIT, cli_lang, finish_import, import_progress, write_template
from jxc.sheets.report import error_report
from jxc.signals import services as signals
from jxc.signals import stream
from jxc.signals.environment import CsvProvider
from jxc.signals.sheets import (
    SalesImportReport,
    import_sales,
    read_sales,
    sales_csv_template,
    sales_template,
    sites_in,
)

signals_app = typer.Typer(
    help="Demand signals (需求信号): sales events from CSV/Excel files and NATS JetStream; demand history.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="Sales events as .csv or .xlsx (see `jxc signals template`).",
                                         exists=True, dir_okay=False)]
ValidOnlyOpt = Annotated[bool, typer.Option(
    "--valid-only", help="Import the valid rows and report the rest (default: all or nothing).")]
ErrorsOutOpt = Annotated[
    Path | None, typer.Option("--errors-out", help="Write the errors to this .xlsx file.", dir_okay=False)]


class Bucket(StrEnum):
    DAY = "day"
    HOUR = "hour"


def register(app: typer.Typer) -> None:
    """Add ``jxc signals …`` to the root app."""
    app.add_typer(signals_app, name="signals")


def _in_scope(uow: SqlUnitOfWork, principal: Principal, action: str, sites: Iterable[str]) -> frozenset[str] | None:
    """Check ``action`` and that every site is the user's; the user's sites (``None``: all)."""
    current_app().policy.require(principal, action)
    scope = access.site_codes_in_scope(uow, principal)
    if scope is not None:
        for code in sites:
            if code not in scope:
                raise Forbidden("access.out_of_scope", field="site", subject=principal.subject, value=code)
    return scope


# --- files ----------------------------------------------------------------------------------------
@signals_app.command("template")
def template_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .xlsx (with README) or .csv (headings).",
                                      dir_okay=False)] = Path("sales-events.xlsx"),
) -> None:
    """Write the sales-events import template (occurred_at: ISO 8601 with offset, or the site's local time)."""
    data = sales_csv_template() if out.suffix.lower() == ".csv" else sales_template()
    write_template(out, data, what="sales events")


@signals_app.command("import")
def import_command(file: FileArg, valid_only: ValidOnlyOpt = False, errors_out: ErrorsOutOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Import sales events from CSV or Excel; a re-imported event counts once. Exits 2 when nothing went in."""
    data = file.read_bytes()
    mode = ImportMode.VALID_ONLY if valid_only else ImportMode.ALL_OR_NOTHING
    with import_progress(len(data)) as progress:
        rows = read_sales(data)  # reading a big file must not hold the write lock
        app = current_app()
        with app.uow() as uow:
            principal = acting_principal()
            if principal is not None:
                sites = list(org.sites_by_code(uow, sites_in(rows)))  # unknown sites are their rows' errors
                _in_scope(uow, principal, "signal.write", sites)
                access.record_audit(uow, actor=principal.subject, action="import.sales_events",
                                    resource="import:sales_events", outcome="ok", detail={"via": "cli", "sites": sites},
                                    commit=False)
            report = import_sales(uow, rows, mode=mode, progress=progress)
    _finish(report, errors_out=errors_out, as_json=as_json)


def _finish(report: SalesImportReport, *, errors_out: Path | None, as_json: bool) -> None:
    if not as_json:
        zh = cli_lang().lower().startswith("zh")
        console.print(escape(
            f"新事件 {report.accepted}, 重复 (已存在) {report.duplicates}, 未导入的行 {report.refused_rows}" if zh
            else f"accepted {report.accepted} new event(s), {report.duplicates} duplicate(s) (already stored), "
                 f"{report.refused_rows} row(s) refused"), highlight=False)
        finish_import(report.sheet, errors_out=errors_out)
        return
    if errors_out is not None and report.sheet.errors:
        errors_out.write_bytes(error_report(report.sheet.errors))
    emit_json(report.as_dict())
    if report.sheet.errors and report.sheet.imported == 0:
        raise typer.Exit(NOTHING_IMPORTED_EXIT)


@signals_app.command("env-import")
def env_import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV: series,scope,date,hour,value.")],
    as_json: JsonOpt = False,
) -> None:
    """Import environmental readings (weather, foot traffic, social volume, outpatient visits, events) from CSV.

    A bad row refuses the file, naming row and column; a revised reading replaces the earlier value."""
    readings = CsvProvider(file).readings()
    app = current_app()
    with app.uow() as uow:
        principal = acting_principal()
        if principal is not None:
            current_app().policy.require(principal, "signal.write")
        stored = signals.ingest_environment(uow, readings)
        uow.commit()
    if as_json:
        emit_json({"stored": stored})
        return
    console.print(f"stored {stored} reading(s)")


# --- the message bus ------------------------------------------------------------------------------
@signals_app.command("listen")
def listen_command(
    nats_url: Annotated[str, typer.Option("--nats", envvar="JXC_NATS_URL", help="NATS server URL.")]
    = stream.DEFAULT_URL,
    stream_name: Annotated[str, typer.Option("--stream", help="JetStream stream (created if missing).")]
    = stream.DEFAULT_STREAM,
    subject: Annotated[str, typer.Option("--subject", help="Subjects to consume.")] = stream.DEFAULT_SUBJECT,
    durable: Annotated[str, typer.Option("--durable", help="Durable consumer name.")] = stream.DEFAULT_DURABLE,
    rejected: Annotated[str, typer.Option("--rejected-subject", help="Dead-letter subject for refused messages.")]
    = stream.REJECTED_SUBJECT,
    batch: Annotated[int, typer.Option("--batch", min=1, max=stream.MAX_FETCH, help="Messages per fetch.")]
    = stream.DEFAULT_BATCH,
    once: Annotated[bool, typer.Option("--once", help="Drain what is waiting, then exit.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Take sales events from NATS JetStream (one transaction per fetched batch, acked after commit); Ctrl-C stops."""
    app = current_app()
    principal = acting_principal()
    scope = None
    if principal is not None:
        with app.uow().reader() as uow:
            sites = _in_scope(uow, principal, "signal.write", ())
        if sites is not None:
            scope = stream.SiteScope(subject=principal.subject, sites=sites)

    def progress(report: stream.SubscriberReport) -> None:
        if not as_json:
            err_console.print(f"batch {report.batches}: {report.messages} message(s), {report.accepted} accepted, "
                              f"{report.duplicates} duplicate(s), {report.rejected} rejected", highlight=False)

    report = asyncio.run(_listen(app, url=nats_url, stream_name=stream_name, subject=subject, durable=durable,
                                 rejected=rejected, batch=batch, once=once, scope=scope, progress=progress))
    if as_json:
        emit_json(report.as_dict())
        return
    table(f"{stream_name} / {durable}", ["", "count"], [
        ("消息 messages", report.messages), ("新事件 accepted", report.accepted),
        ("重复 duplicates", report.duplicates), ("拒收 rejected", report.rejected),
        ("稍后重试 retried", report.retried)])
    for rejection in report.rejections:
        console.print(escape(f"rejected #{rejection.sequence} ({rejection.subject}): {rejection.code} "
                             f"{rejection.field or ''} → {rejected}"), highlight=False)


async def _listen(app: App, *, url: str, stream_name: str, subject: str, durable: str, rejected: str, batch: int,
                  once: bool, scope: stream.SiteScope | None,
                  progress: Callable[[stream.SubscriberReport], None]) -> stream.SubscriberReport:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on Windows / off the main thread
            loop.add_signal_handler(signum, stop.set)
    return await stream.run_subscriber(app, url=url, stream=stream_name, subject=subject, durable=durable, batch=batch,
                                       stop_event=stop, once=once, rejected_subject=rejected, scope=scope,
                                       on_batch=progress)


# --- demand history -------------------------------------------------------------------------------
@signals_app.command("demand")
def demand_command(
    sku: str, site: str,
    by: Annotated[Bucket, typer.Option("--by", help="Bucket: the site's local day or hour.")] = Bucket.DAY,
    as_json: JsonOpt = False,
) -> None:
    """The demand history of SKU at SITE, oldest first (periods without sales are absent)."""
    with current_app().uow().reader() as uow:
        principal = acting_principal()
        if principal is not None:
            _in_scope(uow, principal, "signal.read", (site,))
        found_item = catalog.get_item(uow, sku)
        found_site = org.get_site(uow, site)
        points = signals.demand_history(uow, item_id=found_item.id, site_id=found_site.id, hourly=by is Bucket.HOUR)
    if as_json:
        emit_json({"sku": sku, "site": site, "by": by.value, "points": [vars(p) for p in points]})
        return
    zone = ZoneInfo(found_site.timezone)
    rows = [(p.period.astimezone(zone).strftime("%Y-%m-%d %H:00") if isinstance(p.period, datetime) else p.period,
             p.quantity, p.promo_quantity, p.revenue, p.events) for p in points]
    table(f"{sku} @ {site} ({by.value}, {found_site.timezone})",
          ["period", "quantity", "promo", "revenue", "events"], rows)
    console.print(f"total {sum((p.quantity for p in points), start=Decimal(0))} in {len(points)} "
                  f"period(s)", highlight=False)
