"""Approval workflow model: flows and their levels, approval requests, delegations, the inbox.

Pure: imports only the standard library and ``jxc.kernel``; no clock — every transition takes
the time (timezone-aware) it happens at. Everything is a frozen dataclass; a transition returns
the new request and the events it produced, and never mutates its input.

Flow selection (:func:`select_flow`) — among the flows for the document type whose conditions
all hold, the most specific wins, compared in this order:

1. organisation-specific over generic (``organisation`` set and equal);
2. a category match over "any category" (``categories`` non-empty and sharing one with the document);
3. amount-bounded over unbounded (``min_amount`` or ``max_amount`` set);
4. a conditional flow over the type's ``default`` fallback;
5. higher ``priority``; then the flow declared first.

Amount thresholds are inclusive below and exclusive above: ``min_amount <= amount < max_amount``,
so adjacent bands (``< 50000`` / ``>= 50000``) never overlap. No matching flow raises
``InvalidInput("workflow.no_flow")``: a document never slips through unapproved because the
configuration forgot it — give each document type a ``default`` flow (zero levels = approve on
submit).

Invariants of an :class:`ApprovalRequest`:

- ``pending`` until every level of its flow snapshot is approved or skipped (then ``approved``),
  one level is rejected (``rejected``), or the requester withdraws it (``cancelled``); the three
  end states are final. A flow with zero levels is approved the moment it starts.
- ``current_level`` is the index of the first undecided level; approvals and rejections are only
  ever made on it, so approvals appear in ``history`` in level order, and when a level is approved
  every earlier level was already approved or skipped. A *later* level may be skipped ahead of
  time (a rule bypassing level two while level one is still open): that skip is recorded when it
  happens, and the level is passed over when the request reaches it.
- Each level is decided (approved, rejected or skipped) at most once.
- Separation of duties: the requester never approves, rejects or authorises a skip of their own
  request — not directly and not on behalf of someone who delegated to them, and a delegate may
  not act on the requester's behalf either. With ``distinct_approvers`` (the default) a person
  decides (approves, rejects or skips) at most one level of a request, counting both the actor and
  whom they acted for; a rule (``rule:…``) skipping levels is not a person and may skip several.
- Delegations are followed one hop only: a delegate acts with the delegator's own authority, never
  with authority the delegator holds by delegation. Chains would let authority travel to people
  the original approver never chose, could form cycles, and would make ``on_behalf_of`` ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict
from uuid import UUID

from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Forbidden, IllegalTransition, InvalidInput
from jxc.kernel.events import DomainEvent
from jxc.kernel.ids import new_id
from jxc.kernel.text import required_text

NAME_MAX = 128
#: ``authorised_by`` of a skip made by a rule starts with this (``rule:R-7``). Rules are not people:
#: one rule may skip several levels of a request; a person may not (``distinct_approvers``).
RULE_PREFIX = "rule:"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class DecisionAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SKIP = "skip"


# --- flows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One approval step. Eligible: the user is named, or holds one of the roles."""

    name: str
    approver_roles: frozenset[str] = frozenset()
    approver_users: frozenset[str] = frozenset()
    skippable: bool = True
    name_zh: str | None = None
    name_en: str | None = None

    def label(self, lang: str = "en") -> str:
        """The display name in ``lang`` ('zh' / 'zh-CN' or 'en'), falling back to ``name``."""
        text = self.name_zh if lang.lower().startswith("zh") else self.name_en
        return text or self.name

    def admits(self, user: str, roles: Iterable[str]) -> bool:
        """Whether ``user`` holding ``roles`` is an approver of this level in their own right."""
        return user in self.approver_users or not self.approver_roles.isdisjoint(roles)


def _invalid_flow(flow: str, key: str, reason: str) -> InvalidInput:
    return InvalidInput("workflow.invalid_config", field=key, value=f"flow {flow}", reason=reason)


@dataclass(frozen=True)
class FlowDefinition:
    """Which documents a flow applies to, and its levels in order. Zero levels = auto-approve."""

    name: str
    document_type: str
    organisation: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    categories: frozenset[str] = frozenset()
    levels: tuple[Level, ...] = ()
    priority: int = 0
    distinct_approvers: bool = True
    default: bool = False

    def __post_init__(self) -> None:
        names = [level.name for level in self.levels]
        for index, level in enumerate(self.levels):
            if not level.name:
                raise _invalid_flow(self.name, f"levels[{index}].name", "a level needs a name")
            if names.index(level.name) != index:
                raise _invalid_flow(self.name, f"levels[{index}].name", f"duplicate level {level.name!r}")
            if not level.approver_roles and not level.approver_users:
                raise _invalid_flow(self.name, f"levels[{index}]", "a level needs approvers")
        for key, bound in (("min_amount", self.min_amount), ("max_amount", self.max_amount)):
            if bound is not None and (not bound.is_finite() or bound < 0):
                raise _invalid_flow(self.name, key, f"not a non-negative amount: {bound}")
        if self.min_amount is not None and self.max_amount is not None and self.min_amount >= self.max_amount:
            raise _invalid_flow(self.name, "max_amount", "must be greater than min_amount")
        if self.default and (self.min_amount is not None or self.max_amount is not None or self.categories):
            raise _invalid_flow(self.name, "default", "a default flow has no amount or category conditions")

    @property
    def auto_approves(self) -> bool:
        """Submitting approves at once (no levels): one click for a small shop."""
        return not self.levels

    def matches(
        self, *, document_type: str, organisation: str | None, amount: Decimal, categories: frozenset[str]
    ) -> bool:
        """All conditions hold; amounts are inclusive below, exclusive above."""
        return (
            self.document_type == document_type
            and (self.organisation is None or self.organisation == organisation)
            and (self.min_amount is None or amount >= self.min_amount)
            and (self.max_amount is None or amount < self.max_amount)
            and (not self.categories or not self.categories.isdisjoint(categories))
        )

    @property
    def specificity(self) -> tuple[bool, bool, bool, bool, int]:
        """The ranking key of :func:`select_flow` (larger wins)."""
        return (
            self.organisation is not None,
            bool(self.categories),
            self.min_amount is not None or self.max_amount is not None,
            not self.default,
            self.priority,
        )


def _amount(value: object) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidInput("field.invalid", field="amount", value=str(value), reason="not a Decimal >= 0")
    return value


def select_flow(
    flows: Iterable[FlowDefinition],
    *,
    document_type: str,
    organisation: str | None,
    amount: Decimal,
    categories: Iterable[str] = (),
) -> FlowDefinition:
    """The most specific matching flow (see the module docstring), or ``workflow.no_flow``."""
    amount = _amount(amount)
    wanted = frozenset(categories)
    best: tuple[tuple[bool, bool, bool, bool, int], int, FlowDefinition] | None = None
    for index, flow in enumerate(flows):
        if not flow.matches(document_type=document_type, organisation=organisation, amount=amount,
                            categories=wanted):
            continue
        candidate = (flow.specificity, -index, flow)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise _no_flow(document_type, organisation, amount)
    return best[2]


def _no_flow(document_type: str, organisation: str | None, amount: object) -> InvalidInput:
    return InvalidInput("workflow.no_flow", field="document_type", document_type=document_type,
                        organisation=organisation or "-", amount=amount)


# --- delegation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delegation:
    """``from_user`` lets ``to_user`` decide in their place during ``[starts_at, ends_at)``.

    ``document_types`` empty = every type. ``from_roles`` are the delegator's roles the delegate
    may act with: services fill them from the delegator's *current* roles when loading (so a role
    taken away is no longer delegated), optionally narrowed. Name-based eligibility
    (``approver_users``) needs no roles.
    """

    from_user: str
    to_user: str
    starts_at: datetime
    ends_at: datetime
    document_types: frozenset[str] = frozenset()
    from_roles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        require_aware(self.starts_at, field="starts_at")
        require_aware(self.ends_at, field="ends_at")
        if self.ends_at <= self.starts_at:
            raise InvalidInput("field.invalid", field="ends_at", value=self.ends_at.isoformat(),
                               reason="must be after starts_at")
        if self.from_user == self.to_user:
            raise InvalidInput("field.invalid", field="to_user", value=self.to_user,
                               reason="a user cannot delegate to themselves")

    def active(self, *, at: datetime, document_type: str) -> bool:
        """In force at ``at`` (start inclusive, end exclusive) for ``document_type``."""
        return self.starts_at <= at < self.ends_at and (
            not self.document_types or document_type in self.document_types
        )


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One entry of a request's history. For a skip, ``actor`` is who authorised it (rule or user)."""

    level: str
    actor: str
    on_behalf_of: str | None
    action: DecisionAction
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class ApprovalRequest:
    """A document going through a flow. ``levels`` is a snapshot: editing the flow later never
    changes a request already under way."""

    id: UUID
    document_type: str
    document_id: UUID
    document_number: str
    organisation: str | None
    amount: Decimal
    categories: frozenset[str]
    requested_by: str
    requested_at: datetime
    flow: str
    levels: tuple[Level, ...]
    distinct_approvers: bool
    current_level: int
    status: ApprovalStatus
    history: tuple[Decision, ...] = ()
    closed_at: datetime | None = None

    @property
    def current(self) -> Level | None:
        """The level waiting for a decision, while pending."""
        if self.status is not ApprovalStatus.PENDING or self.current_level >= len(self.levels):
            return None
        return self.levels[self.current_level]

    def decision_for(self, level_name: str) -> Decision | None:
        """The decision taken on a level, if any."""
        return next((d for d in self.history if d.level == level_name), None)

    def level_index(self, level_name: str) -> int:
        for index, level in enumerate(self.levels):
            if level.name == level_name:
                return index
        raise InvalidInput("workflow.unknown_level", field="level_name", value=level_name,
                           document_number=self.document_number)

    @property
    def deciders(self) -> frozenset[str]:
        """Every person whose authority was used: actors and those they acted for (rules excluded)."""
        people = {d.actor for d in self.history if not d.actor.startswith(RULE_PREFIX)}
        people.update(d.on_behalf_of for d in self.history if d.on_behalf_of is not None)
        return frozenset(people)


# --- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ApprovalEvent(DomainEvent):
    request_id: UUID
    document_type: str
    document_id: UUID
    document_number: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class ApprovalRequested(ApprovalEvent):
    flow: str
    requested_by: str
    level: str | None  # the first level to decide; None when the flow auto-approves


@dataclass(frozen=True, kw_only=True)
class LevelApproved(ApprovalEvent):
    level: str
    actor: str
    on_behalf_of: str | None
    comment: str | None
    next_level: str | None


@dataclass(frozen=True, kw_only=True)
class LevelSkipped(ApprovalEvent):
    level: str
    authorised_by: str
    reason: str
    next_level: str | None  # the level now waiting (unchanged when a later level was skipped)


@dataclass(frozen=True, kw_only=True)
class ApprovalRejected(ApprovalEvent):
    level: str
    actor: str
    on_behalf_of: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class DocumentApproved(ApprovalEvent):
    flow: str


@dataclass(frozen=True, kw_only=True)
class ApprovalCancelled(ApprovalEvent):
    actor: str


@dataclass(frozen=True, kw_only=True)
class ApprovalDelegated(DomainEvent):
    from_user: str
    to_user: str
    starts_at: datetime
    ends_at: datetime
    document_types: frozenset[str] = field(default_factory=frozenset)
    at: datetime


class _Header(TypedDict):
    request_id: UUID
    document_type: str
    document_id: UUID
    document_number: str
    at: datetime


def _header(request: ApprovalRequest, at: datetime) -> _Header:
    return {"request_id": request.id, "document_type": request.document_type,
            "document_id": request.document_id, "document_number": request.document_number, "at": at}


# --- transitions ------------------------------------------------------------------------------


def _name(value: object, field: str) -> str:
    return required_text(value, field=field, limit=NAME_MAX)


def _reason(value: object, field: str = "reason") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("workflow.reason_required", field=field)
    return value.strip()


def _require_pending(request: ApprovalRequest) -> None:
    if request.status is not ApprovalStatus.PENDING:
        raise IllegalTransition("workflow.not_pending", field="status", status=request.status.value,
                                document_number=request.document_number)


def _first_undecided(levels: tuple[Level, ...], history: tuple[Decision, ...], start: int) -> int:
    decided = {d.level for d in history}
    index = start
    while index < len(levels) and levels[index].name in decided:
        index += 1
    return index


def _next_name(request: ApprovalRequest) -> str | None:
    current = request.current
    return current.name if current is not None else None


def _advance(
    request: ApprovalRequest, decision: Decision, at: datetime
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """Record ``decision`` on the current level and move to the next undecided one."""
    history = (*request.history, decision)
    index = _first_undecided(request.levels, history, request.current_level + 1)
    if index < len(request.levels):
        return replace(request, history=history, current_level=index), []
    done = replace(request, history=history, current_level=index, status=ApprovalStatus.APPROVED,
                   closed_at=at)
    return done, [DocumentApproved(**_header(done, at), flow=done.flow)]


def start(
    flow: FlowDefinition,
    *,
    document_type: str,
    document_id: UUID,
    document_number: str,
    organisation: str | None,
    amount: Decimal,
    categories: Iterable[str] = (),
    requested_by: str,
    at: datetime,
    request_id: UUID | None = None,
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """Open a request on ``flow``; a flow without levels approves it at once."""
    at = require_aware(at, field="at")
    if flow.document_type != document_type:
        raise _no_flow(document_type, organisation, amount)
    request = ApprovalRequest(
        id=request_id or new_id(),
        document_type=document_type,
        document_id=document_id,
        document_number=_name(document_number, "document_number"),
        organisation=organisation,
        amount=_amount(amount),
        categories=frozenset(categories),
        requested_by=_name(requested_by, "requested_by"),
        requested_at=at,
        flow=flow.name,
        levels=flow.levels,
        distinct_approvers=flow.distinct_approvers,
        current_level=0,
        status=ApprovalStatus.PENDING,
    )
    first = flow.levels[0].name if flow.levels else None
    requested = ApprovalRequested(**_header(request, at), flow=flow.name, requested_by=request.requested_by,
                                  level=first)
    events: list[DomainEvent] = [requested]
    if flow.auto_approves:
        request = replace(request, status=ApprovalStatus.APPROVED, closed_at=at)
        events.append(DocumentApproved(**_header(request, at), flow=flow.name))
    return request, events


def submit(
    flows: Sequence[FlowDefinition],
    *,
    document_type: str,
    document_id: UUID,
    document_number: str,
    organisation: str | None,
    amount: Decimal,
    categories: Iterable[str] = (),
    requested_by: str,
    at: datetime,
    request_id: UUID | None = None,
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """:func:`select_flow`, then :func:`start` on it."""
    wanted = frozenset(categories)
    flow = select_flow(flows, document_type=document_type, organisation=organisation, amount=amount,
                       categories=wanted)
    return start(flow, document_type=document_type, document_id=document_id, document_number=document_number,
                 organisation=organisation, amount=amount, categories=wanted, requested_by=requested_by,
                 at=at, request_id=request_id)


def _authority(
    request: ApprovalRequest, actor: str, roles: frozenset[str], grants: Sequence[Delegation], at: datetime
) -> str | None:
    """Who ``actor`` decides the current level for: ``None`` = themselves, else the delegator."""
    level = request.levels[request.current_level]
    params = {"actor": actor, "level": level.name, "document_number": request.document_number}
    if actor == request.requested_by:
        raise Forbidden("workflow.own_document", field="actor", **params)
    used = request.deciders if request.distinct_approvers else frozenset()
    if actor in used:
        raise Forbidden("workflow.same_approver", field="actor", **params)
    if level.admits(actor, roles):
        return None
    refusal = "workflow.not_eligible"
    for grant in sorted(grants, key=lambda d: (d.from_user, d.starts_at)):
        if grant.to_user != actor or not grant.active(at=at, document_type=request.document_type):
            continue
        if not level.admits(grant.from_user, grant.from_roles):
            continue
        if grant.from_user == request.requested_by:
            refusal = "workflow.own_document"
        elif grant.from_user in used:
            if refusal == "workflow.not_eligible":
                refusal = "workflow.same_approver"
        else:
            return grant.from_user
    raise Forbidden(refusal, field="actor", **params)


def may_decide(
    request: ApprovalRequest,
    *,
    user: str,
    roles: Iterable[str],
    delegations: Iterable[Delegation] = (),
    at: datetime,
) -> bool:
    """Whether ``user`` may approve or reject the request's current level now."""
    if request.status is not ApprovalStatus.PENDING:
        return False
    try:
        _authority(request, user, frozenset(roles), tuple(delegations), require_aware(at, field="at"))
    except Forbidden:
        return False
    return True


def approve(
    request: ApprovalRequest,
    *,
    actor: str,
    actor_roles: Iterable[str],
    at: datetime,
    delegations: Iterable[Delegation] = (),
    comment: str | None = None,
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """Approve the current level; approving the last undecided level approves the document."""
    at = require_aware(at, field="at")
    _require_pending(request)
    actor = _name(actor, "actor")
    on_behalf_of = _authority(request, actor, frozenset(actor_roles), tuple(delegations), at)
    level = request.levels[request.current_level]
    note = (comment.strip() or None) if comment is not None else None
    decision = Decision(level.name, actor, on_behalf_of, DecisionAction.APPROVE, note, at)
    updated, tail = _advance(request, decision, at)
    event = LevelApproved(**_header(updated, at), level=level.name, actor=actor, on_behalf_of=on_behalf_of,
                          comment=note, next_level=_next_name(updated))
    return updated, [event, *tail]


def reject(
    request: ApprovalRequest,
    *,
    actor: str,
    actor_roles: Iterable[str],
    reason: str,
    at: datetime,
    delegations: Iterable[Delegation] = (),
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """Reject at the current level, with a reason; the request ends ``rejected``."""
    at = require_aware(at, field="at")
    _require_pending(request)
    actor = _name(actor, "actor")
    text = _reason(reason)
    on_behalf_of = _authority(request, actor, frozenset(actor_roles), tuple(delegations), at)
    level = request.levels[request.current_level]
    decision = Decision(level.name, actor, on_behalf_of, DecisionAction.REJECT, text, at)
    updated = replace(request, history=(*request.history, decision), status=ApprovalStatus.REJECTED,
                      closed_at=at)
    event = ApprovalRejected(**_header(updated, at), level=level.name, actor=actor, on_behalf_of=on_behalf_of,
                             reason=text)
    return updated, [event]


def skip_level(
    request: ApprovalRequest,
    *,
    level_name: str,
    authorised_by: str,
    reason: str,
    at: datetime,
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """Skip the current or a later undecided level that is ``skippable`` (e.g. a rule bypassing
    level two). ``authorised_by`` is a rule id (``rule:R-7``) or a user name; *whether* they may
    skip is the caller's check (rules engine, access policy) — the model records who and why. A user
    counts as a decider for ``distinct_approvers``; a rule does not."""
    at = require_aware(at, field="at")
    _require_pending(request)
    authority = _name(authorised_by, "authorised_by")
    text = _reason(reason)
    index = request.level_index(level_name)
    level = request.levels[index]
    earlier = request.decision_for(level.name)
    if earlier is not None or index < request.current_level:
        raise IllegalTransition("workflow.level_already_decided", field="level_name", value=level.name,
                                action=earlier.action.value if earlier else "-",
                                document_number=request.document_number)
    if not level.skippable:
        raise IllegalTransition("workflow.level_not_skippable", field="level_name", value=level.name,
                                document_number=request.document_number)
    params = {"actor": authority, "level": level.name, "document_number": request.document_number}
    if authority == request.requested_by:
        raise Forbidden("workflow.own_document", field="authorised_by", **params)
    if request.distinct_approvers and authority in request.deciders:
        raise Forbidden("workflow.same_approver", field="authorised_by", **params)
    decision = Decision(level.name, authority, None, DecisionAction.SKIP, text, at)
    if index == request.current_level:
        updated, tail = _advance(request, decision, at)
    else:
        updated, tail = replace(request, history=(*request.history, decision)), []
    event = LevelSkipped(**_header(updated, at), level=level.name, authorised_by=authority, reason=text,
                         next_level=_next_name(updated))
    return updated, [event, *tail]


def cancel(
    request: ApprovalRequest, *, actor: str, at: datetime
) -> tuple[ApprovalRequest, list[DomainEvent]]:
    """The requester withdraws a pending request."""
    at = require_aware(at, field="at")
    _require_pending(request)
    actor = _name(actor, "actor")
    if actor != request.requested_by:
        raise Forbidden("workflow.not_requester", field="actor", actor=actor,
                        requested_by=request.requested_by, document_number=request.document_number)
    updated = replace(request, status=ApprovalStatus.CANCELLED, closed_at=at)
    return updated, [ApprovalCancelled(**_header(updated, at), actor=actor)]


def delegate(
    *,
    from_user: str,
    to_user: str,
    starts_at: datetime,
    ends_at: datetime,
    document_types: Iterable[str] = (),
    from_roles: Iterable[str] = (),
    at: datetime,
) -> tuple[Delegation, list[DomainEvent]]:
    """A delegation from ``from_user`` to ``to_user`` (e.g. while on leave) and its event."""
    at = require_aware(at, field="at")
    grant = Delegation(
        from_user=_name(from_user, "from_user"),
        to_user=_name(to_user, "to_user"),
        starts_at=starts_at,
        ends_at=ends_at,
        document_types=frozenset(document_types),
        from_roles=frozenset(from_roles),
    )
    event = ApprovalDelegated(from_user=grant.from_user, to_user=grant.to_user, starts_at=grant.starts_at,
                              ends_at=grant.ends_at, document_types=grant.document_types, at=at)
    return grant, [event]


def inbox(
    requests: Iterable[ApprovalRequest],
    *,
    user: str,
    roles: Iterable[str],
    delegations: Iterable[Delegation] = (),
    at: datetime,
) -> list[ApprovalRequest]:
    """Pending requests whose current level ``user`` may decide (directly or by delegation),
    never their own; oldest first."""
    at = require_aware(at, field="at")
    held = frozenset(roles)
    grants = tuple(delegations)
    mine = [r for r in requests if may_decide(r, user=user, roles=held, delegations=grants, at=at)]
    return sorted(mine, key=lambda r: (r.requested_at, r.document_number))
