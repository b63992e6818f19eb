"""Who may move stock through transfers, stocktakes and landed costs: the checks the API and the CLI share.

Each step is checked like a posting of the movement kind it posts, at the site whose stock it moves
(:func:`jxc.access.services.authorise_posting` with ``document.write``):

- creating and shipping a transfer: ``transfer_out`` at the sending site (the document's site);
- receiving it: ``transfer_in`` at the receiving site — whoever receives need not see the sender;
- closing its receipt: ``transfer_in`` at the receiving site, and ``@transit-loss`` as counterparty
  when anything is still in transit (it is written off there);
- opening, counting and submitting a stocktake: ``stocktake`` at the sheet's site; posting it also
  touches ``@adjustment`` (gains come from it, losses go to it);
- a landed cost on a goods receipt: like the receipt itself, ``receipt`` with ``@supplier`` at its site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal
from uuid import UUID

from jxc.access import services as access
from jxc.access.model import Policy, Principal
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import queries
from jxc.documents.model import DocumentType, TransferOrder
from jxc.documents.services import common as c
from jxc.documents.services.stocktake import ADJUSTMENT_SITE
from jxc.documents.services.transfers import TRANSIT_LOSS_SITE
from jxc.kernel.errors import NotFound
from jxc.org.model import Organisation

TransferStep = Literal["ship", "receive", "close"]
STEP_KIND: Final[dict[str, str]] = {"ship": "transfer_out", "receive": "transfer_in", "close": "transfer_in"}


@dataclass(frozen=True)
class TransferEnds:
    """A transfer order's two ends, as the access checks and the responses need them."""

    id: UUID
    number: str
    organisation: Organisation  # the sender's: the transfer's number is the sender's
    sending_site_id: UUID
    sending: str
    receiving: str
    in_transit: bool  # something shipped is neither received nor lost yet


def transfer_ends(uow: SqlUnitOfWork, organisation: str, number: str) -> TransferEnds:
    """The transfer ``number`` of ``organisation`` (404 ``document.not_found`` for any other type)."""
    owner = c.organisation(uow, organisation)
    order: TransferOrder = c.load(uow, TransferOrder, organisation_id=owner.id, number=number).document
    return TransferEnds(id=order.id, number=order.number, organisation=owner, sending_site_id=order.from_site,
                        sending=c.site_by_id(uow, order.from_site).code, receiving=c.site_by_id(uow, order.to_site).code,
                        in_transit=any(line.in_transit > 0 for line in order.lines))


def authorise_transfer(uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, ends: TransferEnds,
                       step: TransferStep) -> None:
    """``step`` of the transfer: ``transfer_out`` where it ships from, ``transfer_in`` where it arrives."""
    authorise_transfer_step(uow, principal, policy=policy, sending=ends.sending, receiving=ends.receiving,
                            in_transit=ends.in_transit, step=step)


def authorise_transfer_step(uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, sending: str,
                            receiving: str, in_transit: bool, step: TransferStep) -> None:
    """As :func:`authorise_transfer`, given the two ends' site codes and whether anything is in transit."""
    if step == "ship":
        sites = [sending]
    elif step == "receive":
        sites = [receiving]
    else:
        sites = [receiving, *([TRANSIT_LOSS_SITE] if in_transit else [])]
    access.authorise_posting(uow, principal, policy=policy, kind=STEP_KIND[step], site_codes=sites,
                             action="document.write")


def stocktake_row(uow: SqlUnitOfWork, organisation: str, number: str, *,
                  sites: frozenset[UUID] | None = None) -> queries.DocumentRow:
    """The stocktake ``number`` of ``organisation`` (404 ``document.not_found`` for any other type)."""
    row = queries.header(uow, organisation_id=c.organisation(uow, organisation).id, number=number, sites=sites)
    if row.type != DocumentType.STOCKTAKE.value:
        raise NotFound("document.not_found", field="number", value=number)
    return row


def authorise_stocktake_post(uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, site: str | None) -> None:
    """Posting a sheet's variances: ``stocktake`` at its site, to and from ``@adjustment``."""
    access.authorise_posting(uow, principal, policy=policy, kind="stocktake", site_codes=[site or "", ADJUSTMENT_SITE],
                             action="document.write")


def document_row(uow: SqlUnitOfWork, organisation: str, number: str, expects: DocumentType) -> queries.DocumentRow:
    """A document by organisation and number, of the expected type (404 otherwise)."""
    row = queries.header(uow, organisation_id=c.organisation(uow, organisation).id, number=number)
    if row.type != expects.value:
        raise NotFound("document.not_found", field="number", value=number)
    return row


__all__ = ["STEP_KIND", "TransferEnds", "TransferStep", "authorise_stocktake_post", "authorise_transfer",
           "authorise_transfer_step",
           "document_row", "stocktake_row", "transfer_ends"]
