"""Which next steps a document allows in its current state (what the console offers as buttons).

Decided on the pure document alone: its type, status and what its lines still leave open. Whether
a particular caller may take a step (site scope, role) is the service surface's question; this only
says what the document itself would accept. Each step names the API operation that performs it.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from jxc.documents.model.asn import AdvanceShippingNotice
from jxc.documents.model.lifecycle import DocumentStatus
from jxc.documents.model.purchasing import GoodsReceipt, PurchaseOrder
from jxc.documents.model.requisition import PurchaseRequisition
from jxc.documents.model.sales import SalesOrder, Shipment
from jxc.documents.model.stocktake import StocktakeSheet
from jxc.documents.model.transfers import TransferOrder


class Step(StrEnum):
    SUBMIT = "submit"                  # POST /documents/{org}/{number}/submit
    RECEIVE = "receive"                # purchase order, shipping notice or transfer: goods in
    SHIPPING_NOTICE = "shipping_notice"  # purchase order: the supplier's delivery commitment
    REVISE = "revise"                  # shipping notice: new quantities or dates
    INSPECT = "inspect"                # goods receipt: QC of what waits in pending QC
    RETURN = "return"                  # goods receipt (to the supplier) or shipment (from the customer)
    LANDED_COST = "landed_cost"        # goods receipt: freight and duties
    SHIP = "ship"                      # sales order or transfer: goods out
    CLOSE = "close"                    # transfer: finish receiving, shortages to a responsible party
    COUNT = "count"                    # stocktake: enter counts or recounts
    POST = "post"                      # stocktake: post the approved variances
    ORDER = "order"                    # requisition: convert into purchase orders


_EXECUTING = (DocumentStatus.APPROVED, DocumentStatus.PARTIALLY_DONE)
_ZERO = Decimal(0)


def next_steps(document: Any) -> tuple[Step, ...]:
    """The steps ``document`` accepts now, in the order a user would usually take them."""
    status = document.status
    if status is DocumentStatus.DRAFT:
        counting = (Step.COUNT,) if isinstance(document, StocktakeSheet) else ()
        return (*counting, Step.SUBMIT)
    if isinstance(document, PurchaseOrder):
        return (Step.RECEIVE, Step.SHIPPING_NOTICE) if status in _EXECUTING else ()
    if isinstance(document, AdvanceShippingNotice):
        open_ = status in (DocumentStatus.SUBMITTED, *_EXECUTING)
        return (Step.RECEIVE, Step.REVISE) if open_ else ()
    if isinstance(document, GoodsReceipt):
        if status is not DocumentStatus.DONE:
            return ()
        steps = []
        if any(line.awaiting_qc > _ZERO for line in document.lines):
            steps.append(Step.INSPECT)
        if any(line.returnable > _ZERO for line in document.lines):
            steps.append(Step.RETURN)
        return (*steps, Step.LANDED_COST)
    if isinstance(document, SalesOrder):
        return (Step.SHIP,) if status in _EXECUTING else ()
    if isinstance(document, Shipment):
        returnable = status is DocumentStatus.DONE and any(line.returnable > _ZERO for line in document.lines)
        return (Step.RETURN,) if returnable else ()
    if isinstance(document, TransferOrder):
        return _transfer_steps(document)
    if isinstance(document, StocktakeSheet):
        return (Step.POST,) if status is DocumentStatus.APPROVED else ()
    if isinstance(document, PurchaseRequisition):
        return (Step.ORDER,) if status in _EXECUTING and document.open_lines else ()
    return ()


def _transfer_steps(order: TransferOrder) -> tuple[Step, ...]:
    if order.status not in _EXECUTING:
        return ()
    steps = []
    if any(line.to_ship > _ZERO for line in order.lines):
        steps.append(Step.SHIP)
    if order.status is DocumentStatus.PARTIALLY_DONE:
        if any(line.in_transit > _ZERO for line in order.lines):
            steps.append(Step.RECEIVE)
        steps.append(Step.CLOSE)
    return tuple(steps)


__all__ = ["Step", "next_steps"]
