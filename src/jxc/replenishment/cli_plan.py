"""``jxc replenish …``: run the replenishment loop, read suggestions with their reasons, approve them.

  jxc replenish offer SUP-FRESH-EC FR-0001 --price 3.20 --lead-days 2 --pack 12
  jxc replenish run [--site ST-HZ01] [--sku FR-0001]      # replan now
  jxc replenish list [--status open] [--json]            # suggestions, why, best 3 suppliers
  jxc replenish approve ID [ID …] [--qty ID=120]         # → draft purchase orders
  jxc replenish dismiss ID [ID …]
  jxc replenish alerts                                    # sales surges
  jxc replenish schedule [--once]                         # the 15-minute loop in the foreground

Commands act as the local operator or as ``--as USER`` (then ``replenishment.read`` /
``replenishment.plan`` are checked, approving also as a purchase-order write at each site).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import typer

from jxc.cli.common import JsonOpt, acting_principal, current_app, shown
from jxc.cli.output import console, emit_json, table
from jxc.documents import queries as documents
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import parse_quantity
from jxc.replenishment import services as replenishment
from jxc.replenishment.scheduler import Scheduler

replenish_app = typer.Typer(help="Replenishment (补货): plan, suggestions with reasons, approve into orders.",
                            no_args_is_help=True)
OPERATOR = "cli:operator"


def register(app: typer.Typer) -> None:
    app.add_typer(replenish_app, name="replenish")


def _actor(action: str) -> str:
    principal = acting_principal()
    if principal is None:
        return OPERATOR
    current_app().policy.require(principal, action)
    return principal.subject


def _decimal(text: str, field: str) -> Decimal:
    return parse_quantity(text, field=field)


@replenish_app.command("offer")
def offer(
    supplier: str, sku: str,
    price: Annotated[str, typer.Option("--price", help="Unit price excl. VAT.")],
    lead_days: Annotated[str, typer.Option("--lead-days", help="Quoted lead time in days.")],
    lead_sd: Annotated[str, typer.Option("--lead-sd", help="Its standard deviation in days.")] = "0",
    moq: Annotated[str, typer.Option("--moq", help="Minimum order quantity.")] = "0",
    pack: Annotated[str, typer.Option("--pack", help="Pack size (orders are whole packs).")] = "1",
) -> None:
    """Record what SUPPLIER quotes for SKU (price, lead time, MOQ, pack)."""
    _actor("replenishment.plan")
    app = current_app()
    with app.uow() as uow:
        replenishment.set_offer(uow, supplier=supplier, sku=sku, unit_price=Decimal(price),
                                lead_time_days=Decimal(lead_days), lead_time_sd_days=Decimal(lead_sd),
                                moq=_decimal(moq, "moq") if moq != "0" else Decimal(0),
                                pack_size=_decimal(pack, "pack"))
        uow.commit()
    console.print(f"offer recorded: {supplier} → {sku}")


@replenish_app.command("run")
def run(
    site: Annotated[list[str] | None, typer.Option("--site", help="Only these sites (repeat).")] = None,
    sku: Annotated[list[str] | None, typer.Option("--sku", help="Only these items (repeat).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Replan now: forecasts → reorder points → suggestions (the scheduler does this every 15 minutes)."""
    actor = _actor("replenishment.plan")
    app = current_app()
    with app.uow() as uow:
        report = replenishment.plan(uow, app.planner, actor=actor, sites=site or None, skus=sku or None)
        uow.commit()
    data = {"run_id": str(report.run_id), "series": report.series, "suggestions": report.suggestions,
            "alerts": report.alerts}
    if as_json:
        emit_json(data)
        return
    console.print(f"replanned {report.series} series: {report.suggestions} suggestions, {report.alerts} surge alerts")


def _rows(views: list[replenishment.SuggestionView]) -> list[dict[str, Any]]:
    rows = []
    for view in views:
        figures = view.body.get("figures", {})
        rows.append({"id": str(view.id), "kind": view.kind, "class": view.body.get("class"), "sku": view.sku,
                     "site": view.site, "supplier": view.supplier, "quantity": view.quantity,
                     "forecast_per_day": figures.get("forecast_per_day"), "safety_stock": figures.get("safety_stock"),
                     "reorder_point": figures.get("reorder_point"), "position": figures.get("position"),
                     "reasons": ", ".join(view.body.get("reasons", [])), "purchase_order": view.purchase_order,
                     "alternatives": view.body.get("alternatives", [])})
    return rows


@replenish_app.command("list")
def list_(
    status: Annotated[str, typer.Option(help="open, approved, dismissed or superseded.")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Suggestions with why: forecast, safety stock, reorder point, position, reasons, best 3 suppliers."""
    _actor("replenishment.read")
    app = current_app()
    with app.uow() as uow:
        principal = acting_principal()
        sites = documents.scope(uow, principal)
        views = replenishment.list_suggestions(uow, status=status, sites=sites, limit=limit)
    rows = shown("suggestion", _rows(views))
    if as_json:
        emit_json(rows)
        return
    columns = ["id", "kind", "class", "sku", "site", "supplier", "quantity", "forecast_per_day", "safety_stock",
               "reorder_point", "position", "reasons"]
    table(f"replenishment suggestions ({status})", columns, [[row[c] for c in columns] for row in rows])


def _ids(values: list[str]) -> list[UUID]:
    ids = []
    for i, value in enumerate(values):
        try:
            ids.append(UUID(value))
        except ValueError:
            raise InvalidInput("field.invalid", field=f"ids[{i}]", value=value, reason="a suggestion id") from None
    return ids


@replenish_app.command("approve")
def approve(
    ids: list[str],
    qty: Annotated[list[str] | None, typer.Option("--qty", help="ID=QUANTITY to change a quantity (repeat).")] = None,
) -> None:
    """Approve suggestions into draft purchase orders (one per organisation, site and supplier)."""
    actor = _actor("replenishment.plan")
    chosen = _ids(ids)
    changed: dict[UUID, Decimal] = {}
    for text in qty or []:
        key, _, amount = text.partition("=")
        changed[_ids([key])[0]] = parse_quantity(amount, field="qty")
    app = current_app()
    with app.uow() as uow:
        principal = acting_principal()
        if principal is not None:
            for view in replenishment.list_suggestions(uow, status=None, ids=chosen, limit=len(chosen)):
                documents.authorise_write(uow, principal, policy=app.policy, doc_type="purchase_order",
                                          site=view.site)
        numbers = replenishment.approve(uow, chosen, actor=actor, quantities=changed or None)
        uow.commit()
    console.print("draft purchase orders: " + ", ".join(numbers) + "  (submit them: jxc doc submit ORG NUMBER)")


@replenish_app.command("dismiss")
def dismiss(ids: list[str]) -> None:
    """Dismiss suggestions (kept, marked dismissed)."""
    actor = _actor("replenishment.plan")
    app = current_app()
    with app.uow() as uow:
        replenishment.dismiss(uow, _ids(ids), actor=actor)
        uow.commit()
    console.print(f"dismissed {len(ids)}")


@replenish_app.command("alerts")
def alerts(as_json: JsonOpt = False) -> None:
    """Sales surges: sold today vs expected, and the 3 candidate suppliers."""
    _actor("replenishment.read")
    app = current_app()
    with app.uow() as uow:
        found = replenishment.list_alerts(uow)
    rows = [{"at": a["at"], "sku": a["sku"], "site": a["site"], "sold_today": a["sold_today"],
             "expected_per_day": a["expected_per_day"],
             "candidates": ", ".join(c["supplier"] for c in a["candidates"])} for a in found]
    if as_json:
        emit_json(rows)
        return
    columns = ["at", "sku", "site", "sold_today", "expected_per_day", "candidates"]
    table("surge alerts", columns, [[row[c] for c in columns] for row in rows])


@replenish_app.command("schedule")
def schedule(
    once: Annotated[bool, typer.Option("--once", help="One cycle, then exit (for cron).")] = False,
    every: Annotated[int | None, typer.Option("--every", min=1, help="Minutes between cycles.")] = None,
) -> None:
    """Run the replenishment loop in the foreground: replan what changed, every interval."""
    _actor("replenishment.plan")
    app = current_app()
    from datetime import timedelta

    scheduler = Scheduler(app.uow, app.planner, interval=timedelta(minutes=every) if every else None)
    while True:
        report = scheduler.run_once()
        console.print(f"cycle: {report.series} series, {report.suggestions} suggestions, {report.alerts} alerts")
        if once:
            return
        time.sleep(scheduler.interval.total_seconds())
