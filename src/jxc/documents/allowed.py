"""The actions a caller may take on a document now: its next steps, kept to those the caller's
role and site scope allow, plus deciding its approval when the current level is theirs.

Each step is checked exactly as the endpoint performing it checks it (``document.write`` as a posting
of the kind the step posts, at the site whose stock it moves), so a button the console shows is one
the API accepts, and one it hides would have been refused.
"""

from __future__ import annotations

from datetime import datetime

from jxc.access import services as access
from jxc.access.model import Policy, Principal
from jxc.db.uow import SqlUnitOfWork
from jxc.documents import moves_access as moves
from jxc.documents import queries
from jxc.documents.model import DocumentType, Step
from jxc.kernel.errors import Forbidden
from jxc.workflow import services as workflow

_T = DocumentType
# A step that creates another document is checked as that document's kind.
_STEP_TYPE = {
    (_T.GOODS_RECEIPT, Step.INSPECT): _T.QC_INSPECTION,
    (_T.GOODS_RECEIPT, Step.RETURN): _T.PURCHASE_RETURN,
    (_T.SHIPMENT, Step.RETURN): _T.SALES_RETURN,
}
_TRANSFER_STEPS: dict[Step, moves.TransferStep] = {Step.SHIP: "ship", Step.RECEIVE: "receive", Step.CLOSE: "close"}
APPROVE, REJECT = "approve", "reject"


def allowed_actions(uow: SqlUnitOfWork, principal: Principal, *, policy: Policy, found: queries.DocumentDetail,
                    at: datetime) -> list[str]:
    """Step codes (``receive``, ``ship`` …, see :class:`Step`) and ``approve``/``reject``, in display order."""
    actions = [step.value for step in found.steps if _may(uow, principal, policy, found, step)]
    approval = found.approval
    if (approval is not None and policy.allows(principal, "approval.decide") and _may_at_site(
            uow, principal, policy, kind="approval", site=found.row.site, action="approval.decide")
            and workflow.may_decide(uow, approval, user=principal.subject, roles=[r.value for r in principal.roles],
                                    at=at, roles_of=access.roles_resolver(uow))):
        actions += [APPROVE, REJECT]
    return actions


def _may(uow: SqlUnitOfWork, principal: Principal, policy: Policy, found: queries.DocumentDetail, step: Step) -> bool:
    row = found.row
    try:
        if row.type == _T.TRANSFER_ORDER and step in _TRANSFER_STEPS and found.to_site is not None:
            moves.authorise_transfer_step(uow, principal, policy=policy, sending=row.site or "",
                                          receiving=found.to_site, in_transit=found.in_transit,
                                          step=_TRANSFER_STEPS[step])
        elif row.type == _T.STOCKTAKE and step is Step.POST:
            moves.authorise_stocktake_post(uow, principal, policy=policy, site=row.site)
        else:
            doc_type = _STEP_TYPE.get((DocumentType(row.type), step), row.type)
            queries.authorise_write(uow, principal, policy=policy, doc_type=doc_type, site=row.site)
    except Forbidden:
        return False
    return True


def _may_at_site(uow: SqlUnitOfWork, principal: Principal, policy: Policy, *, kind: str, site: str | None,
                 action: str) -> bool:
    try:
        access.authorise_posting(uow, principal, policy=policy, kind=kind, site_codes=[site or ""], action=action)
    except Forbidden:
        return False
    return True


__all__ = ["APPROVE", "REJECT", "allowed_actions"]
