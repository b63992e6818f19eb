"""``jxc transfer …``, ``jxc stocktake open|count|post`` and ``jxc po landed-cost``: stock-moving documents.

The same pattern as :mod:`jxc.documents.cli` (whose ``stocktake`` and ``po`` groups these commands
join): parse, call a use case, commit, show the document. Commands act as the local operator, or
as ``jxc --as USER …``: then each step passes the API's checks (:mod:`jxc.documents.moves_access` —
``transfer_out`` where a transfer ships from, ``transfer_in`` where it arrives, ``stocktake`` at a
sheet's site, ``receipt`` for a landed cost) and is audited with ``detail.via = "cli"``. ``--key``
makes a step safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.cli.common import JsonOpt, acting_principal, current_app
from jxc.cli.parsing import moment
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import moves_access as moves
from jxc.documents.cli import (
    KeyOpt,
    _actor,
    _authorise,
    _fields,
    _int,
    _key,
    _price,
    _show_result,
    po_app,
    stocktake_app,
)
from jxc.documents.model import DocumentType, TransferQuantity
from jxc.documents.services import common as c
from jxc.documents.services import landed, stocktake, transfers
from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import parse_quantity

transfer_app = typer.Typer(help="Transfer orders (调拨单): create, ship, receive, close the receipt.",
                           no_args_is_help=True)

LinesOpt = Annotated[list[str], typer.Option("--line", help="LINE:QTY[:LOT], a transfer line number (repeat).")]


def register(app: typer.Typer) -> None:
    """Add ``jxc transfer``; the stocktake and landed-cost commands join the groups of :mod:`jxc.documents.cli`."""
    app.add_typer(transfer_app, name="transfer")


def _checked(uow: SqlUnitOfWork, *, action: str, resource: str, check: Callable[[Principal], None]) -> None:
    """With ``--as``, ``check`` the user (refused: exit 5) and audit the step."""
    principal = acting_principal()
    if principal is None:
        return
    check(principal)
    access.record_audit(uow, actor=principal.subject, action=action, resource=resource, outcome="ok",
                        detail={"via": "cli"}, commit=False)


def _quantities(line: list[str]) -> list[TransferQuantity]:
    moves_in = []
    for i, text in enumerate(line):
        line_no, qty, *lot = _fields(text, option=f"line[{i}]", names=("LINE", "QTY", "LOT"), required=2)
        moves_in.append(TransferQuantity(line_no=_int(line_no, field=f"lines[{i}].line_no"),
                                         quantity=parse_quantity(qty, field=f"lines[{i}].quantity"),
                                         lot=lot[0] if lot else None))
    return moves_in


def _transfer_step(org: str, number: str, step: moves.TransferStep, run: Callable[[SqlUnitOfWork], object]) -> None:
    app = current_app()
    with app.uow() as uow:
        ends = moves.transfer_ends(uow, org, number)
        _checked(uow, action=f"document.{step}", resource=f"document:{org}/{number}", check=lambda principal: (
            moves.authorise_transfer(uow, principal, policy=app.policy, ends=ends, step=step)))
        run(uow)
        uow.commit()


# --- transfers ------------------------------------------------------------------------------------
@transfer_app.command("create")
def transfer_create(
    from_site: Annotated[str, typer.Option("--from", help="Sending site code.")],
    to_site: Annotated[str, typer.Option("--to", help="Receiving site code.")],
    line: Annotated[list[str], typer.Option("--line", help="SKU:QTY[:LOT] in the item's base unit (repeat).")],
    same_lot: Annotated[bool, typer.Option("--same-lot", help="Each line ships exactly one lot.")] = False,
    price_rule: Annotated[str, typer.Option("--price-rule", help="Intercompany: cost_plus or list.")] = "cost_plus",
    markup: Annotated[str, typer.Option("--markup", help="cost_plus: per cent on the sender's cost.")] = "5",
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a draft transfer order; `jxc doc submit ORG NUMBER` sends it for approval."""
    lines = []
    for i, text in enumerate(line):
        sku, qty, *lot = _fields(text, option=f"line[{i}]", names=("SKU", "QTY", "LOT"), required=2)
        lines.append(transfers.TransferLineIn(sku=sku, quantity=parse_quantity(qty, field=f"lines[{i}].quantity"),
                                              lot=lot[0] if lot else None))
    app = current_app()
    with app.uow() as uow:
        c.site(uow, from_site, field="from_site")
        _authorise(uow, doc_type=DocumentType.TRANSFER_ORDER, site=from_site, action="document.create",
                   resource=f"transfer_order:{from_site}")
        order = transfers.create_transfer(uow, from_site=from_site, to_site=to_site, lines=lines, actor=_actor(),
                                          same_lot=same_lot, transfer_price_rule=price_rule,
                                          markup_pct=_price(markup, field="markup_pct"), key=_key(key))
        org = c.organisation_by_id(uow, order.from_org).code
        uow.commit()
    _show_result(org, order.number, as_json)


@transfer_app.command("ship")
def transfer_ship(
    org: str, number: str, line: LinesOpt,
    freight: Annotated[str, typer.Option(help="Intercompany freight the receiver bears (CNY).")] = "0",
    carrier: Annotated[str | None, typer.Option(help="The carrier's supplier code.")] = None,
    eta: Annotated[str | None, typer.Option(help="Expected arrival, ISO 8601 (UTC without a zone).")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ship an approved transfer (调出): available → in transit."""
    lines = _quantities(line)
    arrival = moment(eta, field="eta")
    _transfer_step(org, number, "ship", lambda uow: transfers.ship_transfer(
        uow, current_app().documents, organisation=org, transfer=number, lines=lines, actor=_actor(),
        freight=_price(freight, field="freight"), carrier=carrier, eta=arrival, key=_key(key)))
    _show_result(org, number, as_json)


@transfer_app.command("receive")
def transfer_receive(org: str, number: str, line: LinesOpt, key: KeyOpt = None, as_json: JsonOpt = False) -> None:
    """Receive at the destination (调入): in transit → available."""
    lines = _quantities(line)
    _transfer_step(org, number, "receive", lambda uow: transfers.receive_transfer(
        uow, current_app().documents, organisation=org, transfer=number, lines=lines, actor=_actor(),
        key=_key(key)))
    _show_result(org, number, as_json)


@transfer_app.command("close")
def transfer_close(
    org: str, number: str,
    reason: Annotated[str, typer.Option(help="Why the receipt is closed (required).")],
    responsible: Annotated[list[str] | None, typer.Option(
        "--responsible", help="LINE=sender|carrier|receiver for each line with a shortage (repeat).")] = None,
    carrier: Annotated[str | None, typer.Option(help="The carrier's supplier code, when a carrier bears one.")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close the receipt: what is still in transit is lost, valued and charged to who is responsible."""
    parties: dict[int, str] = {}
    for i, text in enumerate(responsible or []):
        line_no, sep, party = text.partition("=")
        if not sep or not party.strip():
            raise InvalidInput("field.invalid", field=f"responsible[{i}]", value=text, reason="LINE=PARTY")
        parties[_int(line_no.strip(), field=f"responsible[{i}]")] = party.strip()
    _transfer_step(org, number, "close", lambda uow: transfers.close_transfer_receipt(
        uow, current_app().documents, organisation=org, transfer=number, responsible=parties, reason=reason,
        carrier=carrier, actor=_actor(), key=_key(key)))
    _show_result(org, number, as_json)


# --- stocktakes -----------------------------------------------------------------------------------
@stocktake_app.command("open")
def stocktake_open(
    site: Annotated[str, typer.Option("--site", help="Site code.")],
    sku: Annotated[list[str] | None, typer.Option("--sku", help="Only this item (repeat).")] = None,
    category: Annotated[list[str] | None, typer.Option("--category", help="Only this category (repeat).")] = None,
    bin_code: Annotated[list[str] | None, typer.Option("--bin", help="Only this bin (repeat).")] = None,
    blind: Annotated[bool, typer.Option("--blind/--no-blind", help="Hide book quantities from counters.")] = True,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a stocktake sheet on a snapshot of the site's available stock (the whole site, or part of it)."""
    app = current_app()
    with app.uow() as uow:
        c.site(uow, site)
        _authorise(uow, doc_type=DocumentType.STOCKTAKE, site=site, action="document.create",
                   resource=f"stocktake:{site}")
        sheet = stocktake.open_stocktake(uow, app.documents, site=site, actor=_actor(), skus=sku, categories=category,
                                         bins=bin_code, blind=blind, key=_key(key))
        org = c.organisation_by_id(uow, sheet.organisation).code
        uow.commit()
    _show_result(org, sheet.number, as_json)


@stocktake_app.command("count")
def stocktake_count(
    org: str, number: str,
    count: Annotated[list[str], typer.Option(
        "--count", help="SKU:QTY[:BIN[:LOT]] in the base unit; leave BIN empty for a lot without one (SKU:QTY::LOT).")],
    recount: Annotated[bool, typer.Option("--recount", help="Record recounts of lines already counted.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Record counts on a draft stocktake (a count again replaces it)."""
    counts = []
    for i, text in enumerate(count):
        parts = [p.strip() for p in text.split(":")]
        if not 2 <= len(parts) <= 4 or not parts[0] or not parts[1]:
            raise InvalidInput("field.invalid", field=f"count[{i}]", value=text, reason="SKU:QTY[:BIN[:LOT]]")
        parts += [""] * (4 - len(parts))
        counts.append(stocktake.CountIn(sku=parts[0], counted=parse_quantity(parts[1], field=f"counts[{i}].counted"),
                                        bin=parts[2] or None, lot=parts[3] or None))
    with current_app().uow() as uow:
        row = moves.stocktake_row(uow, org, number)
        _authorise(uow, doc_type=row.type, site=row.site, action="document.count", resource=f"document:{org}/{number}")
        stocktake.record_counts(uow, organisation=org, number=number, counts=counts, actor=_actor(), recount=recount)
        uow.commit()
    _show_result(org, number, as_json)


@stocktake_app.command("post")
def stocktake_post(org: str, number: str, key: KeyOpt = None, as_json: JsonOpt = False) -> None:
    """Post an approved stocktake's variances (盘盈 / 盘亏) as valued adjustments with their vouchers."""
    app = current_app()
    with app.uow() as uow:
        row = moves.stocktake_row(uow, org, number)
        _checked(uow, action="document.post", resource=f"document:{org}/{number}", check=lambda principal: (
            moves.authorise_stocktake_post(uow, principal, policy=app.policy, site=row.site)))
        stocktake.post_variances(uow, app.documents, organisation=org, number=number, actor=_actor(), key=_key(key))
        uow.commit()
    _show_result(org, number, as_json)


# --- landed costs ---------------------------------------------------------------------------------
@po_app.command("landed-cost")
def po_landed_cost(
    org: str, number: Annotated[str, typer.Argument(metavar="GR_NUMBER", help="The goods receipt.")],
    total: Annotated[str, typer.Option(help="Net of VAT (CNY).")],
    carrier: Annotated[str, typer.Option(help="Supplier code of whoever invoiced it.")],
    basis: Annotated[str, typer.Option(help="value, quantity or weight.")] = "value",
    vat: Annotated[str, typer.Option(help="Input VAT on the invoice (an amount).")] = "0",
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Share freight, duty or insurance over a goods receipt's lines and book it to the carrier (采购费用分摊)."""
    app = current_app()
    with app.uow() as uow:
        row = moves.document_row(uow, org, number, DocumentType.GOODS_RECEIPT)
        _authorise(uow, doc_type=row.type, site=row.site, action="document.landed_cost",
                   resource=f"document:{org}/{number}")
        landed.add_landed_cost(uow, app.documents, organisation=org, goods_receipt=number,
                               total=_price(total, field="total"), basis=basis, carrier=carrier,
                               vat=_price(vat, field="vat"), actor=_actor(), key=_key(key))
        uow.commit()
    _show_result(org, number, as_json)


__all__ = ["register", "transfer_app"]
