"""Purchase requisition use cases (请购): a site asks for goods, a manager approves, a buyer orders them.

A requisition is created as a draft, submitted and decided through :mod:`.approvals` (flow
``purchase_requisition``), and converted line by line into purchase orders: each conversion names
a supplier and a price per requisition line and creates a *draft* purchase order for the
requisition's site whose ``source`` is the requisition (it then goes through its own approval).
Lines not converted yet stay open for another supplier; the requisition is done when all are.
Nothing here moves stock or books anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jxc.db.uow import SqlUnitOfWork
from jxc.documents.model import (
    DocumentType,
    PurchaseOrder,
    PurchaseRequisition,
    RequisitionLine,
    for_line,
)
from jxc.documents.services import common as c
from jxc.documents.services import purchasing
from jxc.kernel.errors import InvalidInput
from jxc.kernel.ids import new_id

MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class RequisitionLineIn:
    sku: str
    quantity: Decimal
    needed_by: date
    unit: str | None = None  # default: the item's base unit
    reason: str | None = None


def create_requisition(
    uow: SqlUnitOfWork, *, organisation: str, site: str, lines: Sequence[RequisitionLineIn], actor: str,
    key: str | None = None,
) -> PurchaseRequisition:
    """A draft requisition of ``site``; submit it for approval next."""
    if (found := c.find_by_key(uow, PurchaseRequisition, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    place = c.site(uow, site)
    if place.organisation_id != org.id:
        raise InvalidInput("document.site_not_in_organisation", field="site", value=site, org=organisation)
    if not lines:
        raise InvalidInput("field.required", field="lines")
    known = c.items(uow, [line.sku for line in lines])
    requisition_lines = []
    for i, line in enumerate(lines):
        item = known[line.sku]
        with for_line(i):
            c.base_quantity(item, line.quantity, line.unit)  # refuses a unit the item does not know
            requisition_lines.append(RequisitionLine(
                line_no=i + 1, sku=line.sku, quantity=line.quantity, unit=line.unit or item.base_unit,
                needed_by=line.needed_by, reason=line.reason))
    today = c.today(uow)
    number = c.next_number(uow, organisation_id=org.id, doc_type=DocumentType.PURCHASE_REQUISITION, year=today.year)
    requisition = PurchaseRequisition(id=new_id(), number=number, lines=tuple(requisition_lines),
                                      organisation=org.id, site=place.id)
    c.insert_document(uow, requisition, organisation_id=org.id, doc_date=today, actor=actor, site_id=place.id,
                      key=key)
    return requisition


def convert_to_purchase_order(
    uow: SqlUnitOfWork, w: c.Wiring, *, organisation: str, requisition: str, supplier: str,
    prices: Mapping[int, Decimal], actor: str, key: str | None = None, vat_rate: Decimal = Decimal("0.13"),
) -> PurchaseOrder:
    """Order the priced lines (``{requisition line: unit price}``) of an approved requisition from ``supplier``.

    The purchase order is a draft for the requisition's site, one order line per requisition line
    (same item, quantity and unit; expected on the day it is needed by), with the requisition as
    its source. A repeat with the same key returns that order and converts nothing more.
    """
    if (found := c.find_by_key(uow, PurchaseOrder, key)) is not None:
        return found
    org = c.organisation(uow, organisation)
    stored = c.load(uow, PurchaseRequisition, organisation_id=org.id, number=requisition)
    document: PurchaseRequisition = stored.document
    priced = {int(n): price for n, price in prices.items()}
    line_nos = list(priced)
    order_lines = []
    total = Decimal(0)
    for line_no in line_nos:
        line = document.line(line_no, field=f"prices.{line_no}")
        total += line.quantity * priced[line_no]
        if total >= MAX_AMOUNT:  # amounts are stored as 64-bit millionths
            raise InvalidInput("field.invalid", field=f"prices.{line_no}", value=str(priced[line_no]),
                               reason="the order total must stay below 10^12")
        order_lines.append(purchasing.OrderLineIn(
            sku=line.sku, quantity=line.quantity, unit=line.unit, unit_price=priced[line_no],
            expected_date=line.needed_by, vat_rate=vat_rate))
    # The requisition's own checks (approved, lines not yet converted) come before the order exists.
    document.convert(purchase_order=new_id(), line_nos=line_nos, at=c.now(uow))
    place = c.site_by_id(uow, document.site)
    po = purchasing.create_purchase_order(uow, organisation=organisation, supplier=supplier, site=place.code,
                                          lines=order_lines, actor=actor, key=key, source=document.id)
    converted, _ = document.convert(purchase_order=po.id, line_nos=line_nos, at=c.now(uow))
    c.save(uow, stored, converted, actor=actor, action="convert",
           detail={"purchase_order": po.number, "lines": line_nos})
    return po


__all__ = ["RequisitionLineIn", "convert_to_purchase_order", "create_requisition"]
