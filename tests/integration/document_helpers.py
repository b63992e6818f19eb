"""Small readers shared by the transfer, stocktake, opening-balance and landed-cost scenarios."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from jxc.accounting.services import PoolKey
from jxc.accounting.valuation import CostMethod
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.services import approvals
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn, open_balances
from tests.conftest import ref

REQUESTER, MANAGER = "user:requester", "user:manager"


def supplier(app: App, name: str = "顺丰物流") -> str:
    code = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=code, name=name)
    return code


def balance(app: App, sku: str, site: str, state: str = "available", lot: str | None = None) -> Decimal:
    with app.uow().reader() as uow:
        lines = app.stock.balances(uow, sku=sku, site=site, state=state)
    return sum((line.quantity for line in lines if lot is None or line.lot == lot), Decimal(0))


def org_id(app: App, org: str) -> UUID:
    with app.uow().reader() as uow:
        return c.organisation(uow, org).id


def vouchers(app: App, org: str, document_ref: str) -> dict[str, dict[str, Any]]:
    """The organisation's vouchers for a document, by kind (template key); a second of a kind is ``kind#2``."""
    with app.uow().reader() as uow:
        found = [v for v in app.books.vouchers(uow, organisation_id=c.organisation(uow, org).id)
                 if v["document_ref"] == document_ref]
    by_kind: dict[str, dict[str, Any]] = {}
    for voucher in sorted(found, key=lambda v: v["number"]):
        name, n = voucher["kind"], 1
        while name in by_kind:
            n += 1
            name = f"{voucher['kind']}#{n}"
        by_kind[name] = voucher
    return by_kind


def entries(voucher: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    return sorted((line["account"], line["debit"], line["credit"]) for line in voucher["lines"])


def partner_of(voucher: dict[str, Any], account: str) -> set[str]:
    return {line["dims"].get("partner") for line in voucher["lines"] if line["account"] == account}


def balanced(voucher: dict[str, Any]) -> bool:
    return sum((x["debit"] for x in voucher["lines"]), Decimal(0)) == sum((x["credit"] for x in voucher["lines"]),
                                                                         Decimal(0))


def account(app: App, org: str, accounts: tuple[str, ...], partner: str | None = None) -> Decimal:
    """Σ debit − Σ credit on ``accounts`` over all the organisation's vouchers (of ``partner`` when given)."""
    with app.uow().reader() as uow:
        found = app.books.vouchers(uow, organisation_id=c.organisation(uow, org).id)
    return sum((line["debit"] - line["credit"] for v in found for line in v["lines"]
                if line["account"] in accounts and (partner is None or line["dims"].get("partner") == partner)),
               Decimal(0))


def pool(app: App, org: str, sku: str) -> tuple[Decimal, Decimal]:
    with app.uow().reader() as uow:
        found, _ = app.books.pool(uow, PoolKey(c.organisation(uow, org).id, c.items(uow, [sku])[sku].id),
                                  method=CostMethod.MOVING_AVERAGE)
    return found.quantity, found.value


def gl_equals_valuation(app: App, *orgs: str) -> None:
    """The general ledger's inventory accounts equal the valuation report, in every organisation named."""
    for org in orgs:
        with app.uow().reader() as uow:
            organisation = c.organisation(uow, org)
            ledger = app.books.inventory_balance(uow, organisation_id=organisation.id)
            report = sum((value for _, value in app.books.valuation_report(
                uow, organisation_id=organisation.id).values()), Decimal(0))
        assert ledger == report, org


def opening(app: App, org: str, site: str, *lines: OpeningLineIn) -> None:
    with app.uow() as uow:
        open_balances(uow, app.documents, organisation=org, site=site, lines=lines, actor="user:finance")
        uow.commit()


def approve(app: App, org: str, number: str, *, roles: tuple[str, ...] = ("regional_manager",)) -> None:
    """Submit a draft and approve every level of its flow (a different person per level)."""
    with app.uow() as uow:
        request = approvals.submit(uow, app.documents, organisation=org, number=number, actor=REQUESTER)
        uow.commit()
    for i, role in enumerate(roles):
        with app.uow() as uow:
            approvals.decide(uow, request_id=request.id, approve=True, actor=f"{MANAGER}-{i}", actor_roles=[role])
            uow.commit()
