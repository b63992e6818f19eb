"""``jxc stock …``, ``jxc atp`` and ``jxc state …`` commands. Parse, call a service, render."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from jxc.access import services as access
from jxc.cli.common import FormatOpt, JsonOpt, OutOpt, acting_principal, current_app, export_file, shown
from jxc.cli.output import emit_json, err_console, table, text
from jxc.cli.parsing import day, duration, moment
from jxc.db.uow import SqlUnitOfWork
from jxc.inventory.atp import RollUp
from jxc.inventory.commands import MoveLine, PostingResult, PostStock
from jxc.inventory.reservations import Reserve
from jxc.inventory.state_store import load_states_file
from jxc.inventory.states import CustomState
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import parse_quantity

stock_app = typer.Typer(help="Post and query stock movements (库存).", no_args_is_help=True)
state_app = typer.Typer(help="Stock states and their transitions (库存状态).", no_args_is_help=True)

KeyOpt = Annotated[
    str | None, typer.Option("--key", help="Idempotency key; repeat it to retry safely. Default: a new one.")
]




def _key(key: str | None) -> str:
    return key or f"cli:{uuid.uuid4()}"


def _show_posting(result: PostingResult, as_json: bool) -> None:
    if as_json:
        emit_json({"posting_id": result.posting_id, "idempotency_key": result.idempotency_key,
                   "replayed": result.replayed, "movements": list(result.movements)})
        return
    app = current_app()
    with app.uow() as uow:
        sites = app.sites.by_id(uow, {m.from_site_id for m in result.movements} | {m.to_site_id for m in result.movements})
    table(
        f"posting {result.posting_id}" + (" (replayed)" if result.replayed else ""),
        ["#", "quantity", "from", "to", "serial"],
        [(m.line_no, m.quantity, f"{sites[m.from_site_id].code}:{m.from_state}",
          f"{sites[m.to_site_id].code}:{m.to_state}", m.serial) for m in result.movements],
    )


@stock_app.command("post")
def post(
    sku: str, quantity: str,
    from_site: Annotated[str, typer.Option("--from", help="Source site code, e.g. @supplier or WH-SH.")],
    to_site: Annotated[str, typer.Option("--to", help="Target site code, e.g. STORE-01 or @customer.")],
    unit: Annotated[str | None, typer.Option(help="Unit of QUANTITY (default: the item's base unit).")] = None,
    state: Annotated[str | None, typer.Option(help="Source state (default available).")] = None,
    to_state: Annotated[str | None, typer.Option(help="Target state (default: same as source).")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot number (批次).")] = None,
    production_date: Annotated[str | None, typer.Option(help="Lot production date YYYY-MM-DD.")] = None,
    expiry_date: Annotated[str | None, typer.Option(help="Lot expiry date YYYY-MM-DD.")] = None,
    serial: Annotated[list[str] | None, typer.Option(help="Serial number (repeat for several).")] = None,
    from_bin: Annotated[str | None, typer.Option(help="Source bin.")] = None,
    to_bin: Annotated[str | None, typer.Option(help="Target bin.")] = None,
    project: Annotated[str | None, typer.Option(help="Project / work-site number owning the stock.")] = None,
    eta: Annotated[str | None, typer.Option(help="Expected arrival for stock going in transit (ISO 8601).")] = None,
    ref: Annotated[str | None, typer.Option(help="Source document reference.")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Post one movement from a site to another (receipts come from @supplier, sales go to @customer)."""
    app = current_app()
    line = MoveLine(
        sku=sku, quantity=parse_quantity(quantity), unit=unit, from_site=from_site, to_site=to_site,
        from_state=state, to_state=to_state, lot=lot,
        production_date=day(production_date, field="production_date"),
        expiry_date=day(expiry_date, field="expiry_date"), serials=tuple(serial or ()),
        from_bin=from_bin, to_bin=to_bin, from_project=project, eta=moment(eta, field="eta"),
    )
    command = PostStock(idempotency_key=_key(key), lines=(line,), document_ref=ref)
    with app.uow() as uow:
        _authorise(uow, command)
        result = app.ledger.post(uow, command)
    _show_posting(result, as_json)


@stock_app.command("move")
def move(
    sku: str, quantity: str,
    site: Annotated[str, typer.Option(help="Site holding the stock.")],
    to_state: Annotated[str | None, typer.Option(help="New state, e.g. frozen, qc_hold, damaged.")] = None,
    state: Annotated[str, typer.Option(help="Current state.")] = "available",
    to_site: Annotated[str | None, typer.Option(help="Another site (a transfer).")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot number; default FEFO/FIFO.")] = None,
    serial: Annotated[list[str] | None, typer.Option(help="Serial number (repeat).")] = None,
    from_bin: Annotated[str | None, typer.Option(help="Source bin.")] = None,
    to_bin: Annotated[str | None, typer.Option(help="Target bin.")] = None,
    project: Annotated[str | None, typer.Option(help="Project owning the stock.")] = None,
    eta: Annotated[str | None, typer.Option(help="ETA when moving into in_transit.")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change the state, bin or site of stock (a state change is a movement)."""
    app = current_app()
    line = MoveLine(
        sku=sku, quantity=parse_quantity(quantity), from_site=site, to_site=to_site or site, from_state=state,
        to_state=to_state, lot=lot, serials=tuple(serial or ()), from_bin=from_bin, to_bin=to_bin,
        from_project=project, eta=moment(eta, field="eta"),
    )
    command = PostStock(idempotency_key=_key(key), lines=(line,), kind="move")
    with app.uow() as uow:
        _authorise(uow, command)
        result = app.ledger.post(uow, command)
    _show_posting(result, as_json)


def _show_reservation(reservation: Any, as_json: bool) -> None:
    if as_json:
        emit_json({"id": reservation.id, "status": reservation.status, "quantity": reservation.quantity,
                   "remaining": reservation.remaining, "expires_at": reservation.expires_at,
                   "reference": reservation.reference})
        return
    table("reservation", ["id", "status", "quantity", "remaining", "expires at"],
          [(reservation.id, reservation.status, reservation.quantity, reservation.remaining, reservation.expires_at)])


def _reservation_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput("field.invalid", field="reservation", value=value, reason="a reservation id") from None


@stock_app.command("reserve")
def reserve(
    sku: str, quantity: str,
    site: Annotated[str, typer.Option(help="Site to reserve at.")],
    unit: Annotated[str | None, typer.Option(help="Unit of QUANTITY.")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot; default FEFO/FIFO.")] = None,
    ttl: Annotated[str, typer.Option(help="Time until the reservation expires, e.g. 30m, 2h, 1d.")] = "24h",
    ref: Annotated[str | None, typer.Option(help="Order reference.")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reserve available stock (预留): it can no longer be promised to anyone else."""
    app = current_app()
    command = Reserve(idempotency_key=_key(key), sku=sku, quantity=parse_quantity(quantity), site=site, unit=unit,
                      lot=lot, ttl=duration(ttl, field="ttl"), reference=ref)
    with app.uow() as uow:
        _show_reservation(app.reservations.reserve(uow, command), as_json)


@stock_app.command("release")
def release(
    reservation: str,
    quantity: Annotated[str | None, typer.Option("--qty", help="Part to release (default: all that remains).")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give reserved stock back to available."""
    app = current_app()
    with app.uow() as uow:
        _show_reservation(app.reservations.release(
            uow, reservation_id=_reservation_id(reservation), idempotency_key=_key(key), quantity=quantity), as_json)


@stock_app.command("ship")
def ship(
    reservation: str,
    quantity: Annotated[str | None, typer.Option("--qty", help="Part to ship (default: all that remains).")] = None,
    to_site: Annotated[str, typer.Option("--to", help="Where it goes (default @customer).")] = "@customer",
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ship reserved stock."""
    app = current_app()
    with app.uow() as uow:
        _show_reservation(app.reservations.ship(
            uow, reservation_id=_reservation_id(reservation), idempotency_key=_key(key), quantity=quantity,
            to_site=to_site), as_json)


@stock_app.command("expire")
def expire(as_json: JsonOpt = False) -> None:
    """Release every reservation whose time is up."""
    app = current_app()
    with err_console.status("releasing expired reservations …"):
        expired = app.reservations.expire(app.uow)
    if as_json:
        emit_json({"expired": expired})
    else:
        typer.echo(f"expired {len(expired)} reservation(s)")


@stock_app.command("balance")
def balance(
    sku: Annotated[str | None, typer.Option(help="Item SKU.")] = None,
    site: Annotated[str | None, typer.Option(help="Site code.")] = None,
    state: Annotated[str | None, typer.Option(help="State.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Balances per bucket (real sites only)."""
    app = current_app()
    with app.uow().reader() as uow:
        lines = app.stock.balances(uow, sku=sku, site=site, state=state, limit=limit, sites=_scope(uow))
    if as_json:
        emit_json(shown("balance", lines))
        return
    table("stock balance", ["sku", "site", "state", "quantity", "lot", "expiry", "bin", "serial"],
          [(b.sku, b.site, b.state, b.quantity, b.lot, b.expiry_date, b.bin, b.serial) for b in lines])


@stock_app.command("export")
def export(
    out: OutOpt,
    fmt: FormatOpt = "xlsx",
    sku: Annotated[str | None, typer.Option(help="Item SKU.")] = None,
    site: Annotated[str | None, typer.Option(help="Site code.")] = None,
    state: Annotated[str | None, typer.Option(help="State.")] = None,
) -> None:
    """Write balances to a CSV or Excel file (sites and fields follow --as USER's scope and rules)."""
    app = current_app()
    with app.uow().reader() as uow:
        lines = app.stock.balances(uow, sku=sku, site=site, state=state, limit=EXPORT_LIMIT, sites=_scope(uow))
    count = export_file(resource="balance", title="balances", columns=BALANCE_COLUMNS,
                        rows=[asdict(line) for line in lines], fmt=fmt, out=out)
    typer.echo(f"wrote {count} balance row(s) to {out}")


EXPORT_LIMIT = 1_000_000
BALANCE_COLUMNS = ("sku", "site", "state", "quantity", "lot", "expiry_date", "bin", "serial", "bucket_id")


def _authorise(uow: SqlUnitOfWork, command: PostStock) -> None:
    """With ``--as``, a posting passes the same policy checks (kind, sites, scope) as over the API."""
    principal = acting_principal()
    if principal is None:
        return
    sites = {code for line in command.lines for code in (line.from_site, line.to_site)}
    access.authorise_posting(uow, principal, policy=current_app().policy, kind=command.kind, site_codes=sites)
    access.record_audit(uow, actor=principal.subject, action="movement.post",
                        resource=f"posting:{command.idempotency_key}", outcome="ok",
                        detail={"kind": command.kind, "lines": len(command.lines), "via": "cli"}, commit=False)


def _scope(uow: SqlUnitOfWork) -> frozenset[str] | None:
    """The ``--as`` user's sites (``None``: everything, for the local operator)."""
    principal = acting_principal()
    return None if principal is None else access.site_codes_in_scope(uow, principal)


@stock_app.command("verify")
def verify(
    sku: Annotated[str | None, typer.Option(help="Only this item.")] = None, as_json: JsonOpt = False,
) -> None:
    """Recompute balances from the movements and report any difference (exit 1 if any)."""
    app = current_app()
    with err_console.status("recomputing balances from the movements …"), app.uow() as uow:
        problems = app.stock.verify(uow, sku=sku)
    if as_json:
        emit_json({"ok": not problems, "differences": [
            {"bucket_id": b, "projected": p, "from_movements": m} for b, p, m in problems]})
    else:
        typer.echo("ledger verified: every balance equals the sum of its movements" if not problems
                   else f"{len(problems)} bucket(s) differ from their movements")
    if problems:
        raise typer.Exit(1)


def atp(
    sku: str,
    by: Annotated[RollUp, typer.Option(help="Roll up by bucket, site, org, region or network.")] = RollUp.SITE,
    horizon: Annotated[str, typer.Option(help="Count receipts and commitments due within this, e.g. 7d.")] = "7d",
    as_json: JsonOpt = False,
) -> None:
    """Available-to-promise (可承诺量) for one item."""
    app = current_app()
    with app.uow().reader() as uow:
        report = app.stock.atp(uow, sku=sku, by=by, horizon=duration(horizon, field="horizon"), sites=_scope(uow))
    if as_json:
        emit_json(report.as_dict())
        return
    states = sorted({s for g in report.groups for s in g.by_state})
    table(
        f"ATP {sku} by {report.by.value} (horizon to {report.horizon_end:%Y-%m-%d %H:%M} UTC)",
        [report.by.value, *states, "commitments", "receipts", "ATP"],
        [(g.key, *(g.by_state.get(s, "") for s in states), g.unreserved_commitments, g.scheduled_receipts, g.atp)
         for g in report.groups],
    )


@state_app.command("list")
def list_states(as_json: JsonOpt = False) -> None:
    """States and where each may go."""
    app = current_app()
    with app.uow() as uow:
        machine = app.states.machine(uow, refresh=True)
    rows = [(d.code, d.name_zh, d.name_en, "yes" if d.builtin else "", ", ".join(machine.targets(d.code)))
            for d in machine.states.values()]
    if as_json:
        emit_json([dict(zip(["code", "name_zh", "name_en", "builtin", "to"], r, strict=True)) for r in rows])
    else:
        table("stock states", ["code", "中文", "English", "built-in", "may become"], rows)


@state_app.command("add")
def add_state(
    code: str,
    name_zh: Annotated[str, typer.Option("--name-zh")],
    name_en: Annotated[str, typer.Option("--name-en")],
    from_states: Annotated[str, typer.Option("--from", help="Comma-separated states that may become CODE.")] = "",
    to_states: Annotated[str, typer.Option("--to", help="Comma-separated states CODE may become.")] = "",
) -> None:
    """Add a configured state with its transitions."""
    app = current_app()
    custom = CustomState(code=code, name_zh=name_zh, name_en=name_en,
                         from_states=tuple(s for s in from_states.split(",") if s),
                         to_states=tuple(s for s in to_states.split(",") if s))
    with app.uow() as uow:
        app.states.define(uow, [custom])
        uow.commit()
    typer.echo(f"state {code} added")


@state_app.command("load")
def load_states(path: Path) -> None:
    """Add the states defined in a TOML file ([[state]] tables)."""
    app = current_app()
    custom = load_states_file(path)
    with app.uow() as uow:
        app.states.define(uow, custom)
        uow.commit()
    typer.echo(f"{len(custom)} state(s) loaded: {', '.join(text(c.code) for c in custom)}")


def register(app: typer.Typer) -> None:
    app.add_typer(stock_app, name="stock")
    app.add_typer(state_app, name="state")
    app.command("atp")(atp)
