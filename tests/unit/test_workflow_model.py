"""The approval workflow, pure: flow selection, levels, separation of duties, delegation, inbox,
level skips, the flow file."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.access.model import Role
from jxc.kernel.errors import Forbidden, IllegalTransition, InvalidInput, JxcError
from jxc.kernel.messages import MESSAGES, render
from jxc.workflow import config
from jxc.workflow.model import (
    ApprovalCancelled,
    ApprovalDelegated,
    ApprovalRejected,
    ApprovalRequest,
    ApprovalRequested,
    ApprovalStatus,
    Decision,
    DecisionAction,
    Delegation,
    DocumentApproved,
    FlowDefinition,
    Level,
    LevelApproved,
    LevelSkipped,
    approve,
    cancel,
    delegate,
    inbox,
    may_decide,
    reject,
    select_flow,
    skip_level,
    start,
    submit,
)

E = TypeVar("E")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLE_NAMES = frozenset(role.value for role in Role)

STRATEGIC = Level(
    "strategic",
    frozenset({"purchasing_director"}),
    skippable=False,
    name_zh="战略采购",
    name_en="Strategic purchasing",
)
TACTICAL = Level(
    "tactical", frozenset({"regional_manager"}), name_zh="战术采购", name_en="Tactical purchasing"
)
STORE = Level(
    "store_requisition", frozenset({"store_clerk"}), name_zh="门店要货", name_en="Store requisition"
)
GROUP = FlowDefinition(
    "po.group", "purchase_order", min_amount=Decimal(50000), levels=(STRATEGIC, TACTICAL, STORE)
)
DEFAULT_PO = FlowDefinition(
    "po.default",
    "purchase_order",
    default=True,
    levels=(Level("director", frozenset({"purchasing_director"})),),
)

WORKFLOW_CODES = (
    "workflow.no_flow",
    "workflow.not_pending",
    "workflow.not_eligible",
    "workflow.own_document",
    "workflow.same_approver",
    "workflow.reason_required",
    "workflow.unknown_level",
    "workflow.level_not_skippable",
    "workflow.level_already_decided",
    "workflow.invalid_config",
    "workflow.not_requester",
)


def at(minutes: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def number() -> str:
    return f"PO-2026-{uuid.uuid4().hex[:6].upper()}"


def open_request(
    flow: FlowDefinition = GROUP, *, requested_by: str = "ann", amount: str = "80000", minutes: int = 0
) -> ApprovalRequest:
    request, _ = start(
        flow,
        document_type=flow.document_type,
        document_id=uuid.uuid4(),
        document_number=number(),
        organisation="ORG-A",
        amount=Decimal(amount),
        requested_by=requested_by,
        at=at(minutes),
    )
    return request


def refused(kind: type[JxcError], code: str, action: Callable[[], object]) -> JxcError:
    """``action`` raises ``kind`` with ``code``, and its message renders fully in both languages."""
    with pytest.raises(kind) as caught:
        action()
    error = caught.value
    assert error.code == code
    for lang in ("zh-CN", "en"):
        text = render(error, lang)
        assert "{" not in text and not text.startswith(code), text
    return error


def the(kind: type[E], event: object) -> E:
    """``event``, checked to be a ``kind``."""
    assert isinstance(event, kind), event
    return event


def choose(
    amount: str,
    *flows: FlowDefinition,
    organisation: str | None = "ORG-A",
    categories: frozenset[str] = frozenset(),
) -> str:
    return select_flow(
        flows,
        document_type="purchase_order",
        organisation=organisation,
        amount=Decimal(amount),
        categories=categories,
    ).name


# --- flow selection ---------------------------------------------------------------------------


def test_an_organisation_specific_flow_wins_over_a_generic_one() -> None:
    mine = FlowDefinition("po.org-a", "purchase_order", organisation="ORG-A", levels=DEFAULT_PO.levels)
    assert choose("100", DEFAULT_PO, mine) == "po.org-a"
    assert choose("100", DEFAULT_PO, mine, organisation="ORG-B") == "po.default"


def test_an_organisation_default_beats_a_generic_amount_bounded_flow() -> None:
    one_click = FlowDefinition("po.startup", "purchase_order", organisation="STARTUP", default=True)
    assert choose("900000", DEFAULT_PO, GROUP, one_click, organisation="STARTUP") == "po.startup"
    assert choose("900000", DEFAULT_PO, GROUP, one_click, organisation="ORG-A") == "po.group"


def test_a_category_match_wins_over_a_flow_for_any_category() -> None:
    cold = FlowDefinition(
        "po.cold", "purchase_order", categories=frozenset({"cold_chain"}), levels=DEFAULT_PO.levels
    )
    assert choose("100", DEFAULT_PO, cold, categories=frozenset({"dry", "cold_chain"})) == "po.cold"
    assert choose("100", DEFAULT_PO, cold, categories=frozenset({"dry"})) == "po.default"
    assert choose("100", DEFAULT_PO, cold) == "po.default"


def test_a_higher_priority_breaks_a_tie_and_otherwise_the_first_declared_flow_wins() -> None:
    low = FlowDefinition("po.low", "purchase_order", min_amount=Decimal(0), levels=DEFAULT_PO.levels)
    high = FlowDefinition(
        "po.high", "purchase_order", min_amount=Decimal(0), levels=DEFAULT_PO.levels, priority=5
    )
    twin = FlowDefinition("po.twin", "purchase_order", min_amount=Decimal(0), levels=DEFAULT_PO.levels)
    assert choose("10", low, high) == "po.high"
    assert choose("10", high, low) == "po.high"
    assert choose("10", low, twin) == "po.low"
    assert choose("10", twin, low) == "po.twin"


def test_amount_thresholds_are_inclusive_below_and_exclusive_above() -> None:
    band = FlowDefinition(
        "po.band",
        "purchase_order",
        min_amount=Decimal(1000),
        max_amount=Decimal(5000),
        levels=DEFAULT_PO.levels,
    )
    assert choose("999.99", DEFAULT_PO, band, GROUP) == "po.default"
    assert choose("1000", DEFAULT_PO, band, GROUP) == "po.band"
    assert choose("4999.99", DEFAULT_PO, band, GROUP) == "po.band"
    assert choose("5000", DEFAULT_PO, band, GROUP) == "po.default"
    assert choose("49999.99", DEFAULT_PO, band, GROUP) == "po.default"
    assert choose("50000", DEFAULT_PO, band, GROUP) == "po.group"


def test_a_document_type_without_a_matching_flow_cannot_be_submitted() -> None:
    refused(InvalidInput, "workflow.no_flow", lambda: choose("10", GROUP))
    refused(
        InvalidInput,
        "workflow.no_flow",
        lambda: select_flow([DEFAULT_PO], document_type="sales_order", organisation=None, amount=Decimal(1)),
    )


@pytest.mark.parametrize("amount", [Decimal(-1), Decimal("NaN"), 1.5])
def test_a_negative_or_non_decimal_amount_is_refused(amount: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        select_flow([DEFAULT_PO], document_type="purchase_order", organisation=None, amount=amount)
    assert caught.value.field == "amount"


def test_a_flow_definition_refuses_levels_nobody_can_decide_and_duplicate_names() -> None:
    with pytest.raises(InvalidInput, match=r"workflow.invalid_config"):
        FlowDefinition("x", "purchase_order", levels=(Level("a"),))
    with pytest.raises(InvalidInput, match=r"workflow.invalid_config"):
        FlowDefinition("x", "purchase_order", levels=(TACTICAL, TACTICAL))
    with pytest.raises(InvalidInput, match=r"workflow.invalid_config"):
        FlowDefinition("x", "purchase_order", min_amount=Decimal(5), max_amount=Decimal(5))


# --- approving --------------------------------------------------------------------------------


def test_three_levels_approved_in_order_approve_the_document_with_events() -> None:
    request, events = submit(
        [DEFAULT_PO, GROUP],
        document_type="purchase_order",
        document_id=uuid.uuid4(),
        document_number="PO-2026-000123",
        organisation="ORG-A",
        amount=Decimal("120000"),
        categories=["fresh"],
        requested_by="ann",
        at=at(),
    )
    assert request.flow == "po.group" and request.status is ApprovalStatus.PENDING
    assert [type(e) for e in events] == [ApprovalRequested]
    assert the(ApprovalRequested, events[0]).level == "strategic"
    assert request.current == STRATEGIC

    request, events = approve(
        request, actor="dora", actor_roles={"purchasing_director"}, at=at(10), comment=" ok "
    )
    assert [type(e) for e in events] == [LevelApproved]
    first = the(LevelApproved, events[0])
    assert first.next_level == "tactical" and first.comment == "ok"
    request, _ = approve(request, actor="rita", actor_roles={"regional_manager"}, at=at(20))
    assert request.current == STORE
    request, events = approve(request, actor="sam", actor_roles={"store_clerk"}, at=at(30))

    assert (
        request.status is ApprovalStatus.APPROVED and request.current is None and request.closed_at == at(30)
    )
    assert [type(e) for e in events] == [LevelApproved, DocumentApproved]
    assert the(LevelApproved, events[0]).next_level is None
    assert the(DocumentApproved, events[1]).document_number == "PO-2026-000123"
    assert [(d.level, d.actor, d.action) for d in request.history] == [
        ("strategic", "dora", DecisionAction.APPROVE),
        ("tactical", "rita", DecisionAction.APPROVE),
        ("store_requisition", "sam", DecisionAction.APPROVE),
    ]
    assert request.current_level == 3


def test_a_flow_without_levels_approves_on_submit() -> None:
    one_click = FlowDefinition("po.startup", "purchase_order", organisation="STARTUP", default=True)
    request, events = submit(
        [DEFAULT_PO, GROUP, one_click],
        document_type="purchase_order",
        document_id=uuid.uuid4(),
        document_number=number(),
        organisation="STARTUP",
        amount=Decimal("70000"),
        requested_by="founder",
        at=at(),
    )
    assert one_click.auto_approves
    assert request.status is ApprovalStatus.APPROVED and request.history == () and request.closed_at == at()
    assert [type(e) for e in events] == [ApprovalRequested, DocumentApproved]
    assert the(ApprovalRequested, events[0]).level is None
    refused(
        IllegalTransition,
        "workflow.not_pending",
        lambda: approve(request, actor="x", actor_roles=ROLE_NAMES, at=at(1)),
    )


def test_a_user_without_the_role_is_not_eligible_but_a_named_user_is() -> None:
    named = FlowDefinition(
        "po.named",
        "purchase_order",
        default=True,
        levels=(Level("boss", approver_users=frozenset({"wang"})),),
    )
    request = open_request(named)
    refused(
        Forbidden,
        "workflow.not_eligible",
        lambda: approve(request, actor="li", actor_roles={"finance"}, at=at(1)),
    )
    approved, _ = approve(request, actor="wang", actor_roles=(), at=at(1))
    assert approved.status is ApprovalStatus.APPROVED


def test_naive_times_are_refused() -> None:
    request = open_request()
    with pytest.raises(InvalidInput, match=r"time.naive"):
        approve(request, actor="dora", actor_roles={"purchasing_director"}, at=datetime(2026, 3, 2, 9))


def test_times_in_other_zones_are_kept_in_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    request = open_request()
    request, _ = approve(
        request,
        actor="dora",
        actor_roles={"purchasing_director"},
        at=datetime(2026, 3, 2, 17, 30, tzinfo=beijing),
    )
    assert request.history[0].at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_start_refuses_a_flow_for_another_document_type() -> None:
    refused(
        InvalidInput,
        "workflow.no_flow",
        lambda: start(
            GROUP,
            document_type="sales_order",
            document_id=uuid.uuid4(),
            document_number=number(),
            organisation=None,
            amount=Decimal(1),
            requested_by="ann",
            at=at(),
        ),
    )


# --- rejecting and cancelling -----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejection_needs_a_reason(reason: str) -> None:
    request = open_request()
    error = refused(
        InvalidInput,
        "workflow.reason_required",
        lambda: reject(request, actor="dora", actor_roles={"purchasing_director"}, reason=reason, at=at(1)),
    )
    assert error.field == "reason"


def test_rejection_ends_the_request() -> None:
    request = open_request()
    request, _ = approve(request, actor="dora", actor_roles={"purchasing_director"}, at=at(1))
    request, events = reject(
        request, actor="rita", actor_roles={"regional_manager"}, reason=" 价格偏高 ", at=at(2)
    )
    assert request.status is ApprovalStatus.REJECTED and request.closed_at == at(2)
    assert request.history[-1] == Decision("tactical", "rita", None, DecisionAction.REJECT, "价格偏高", at(2))
    assert [type(e) for e in events] == [ApprovalRejected]
    assert the(ApprovalRejected, events[0]).reason == "价格偏高"
    refused(
        IllegalTransition,
        "workflow.not_pending",
        lambda: approve(request, actor="sam", actor_roles={"store_clerk"}, at=at(3)),
    )
    refused(
        IllegalTransition,
        "workflow.not_pending",
        lambda: skip_level(
            request, level_name="store_requisition", authorised_by="rule:R1", reason="x", at=at(3)
        ),
    )
    refused(IllegalTransition, "workflow.not_pending", lambda: cancel(request, actor="ann", at=at(3)))


def test_only_the_requester_cancels_and_only_while_pending() -> None:
    request = open_request()
    refused(Forbidden, "workflow.not_requester", lambda: cancel(request, actor="dora", at=at(1)))
    cancelled, events = cancel(request, actor="ann", at=at(1))
    assert cancelled.status is ApprovalStatus.CANCELLED and cancelled.closed_at == at(1)
    assert [type(e) for e in events] == [ApprovalCancelled]
    refused(IllegalTransition, "workflow.not_pending", lambda: cancel(cancelled, actor="ann", at=at(2)))


# --- separation of duties ---------------------------------------------------------------------


def test_the_requester_may_not_approve_or_reject_their_own_request() -> None:
    request = open_request(requested_by="dora")
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: approve(request, actor="dora", actor_roles={"purchasing_director"}, at=at(1)),
    )
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: reject(request, actor="dora", actor_roles={"purchasing_director"}, reason="no", at=at(1)),
    )


def test_the_requester_may_not_approve_their_own_request_through_a_delegation() -> None:
    request = open_request(requested_by="ann")
    grant = Delegation("dora", "ann", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: approve(request, actor="ann", actor_roles=(), at=at(1), delegations=[grant]),
    )


def test_a_delegate_may_not_act_on_behalf_of_the_requester() -> None:
    request = open_request(requested_by="dora")
    grant = Delegation("dora", "eve", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: approve(request, actor="eve", actor_roles=(), at=at(1), delegations=[grant]),
    )


def test_the_same_person_may_not_approve_two_levels() -> None:
    both = {"purchasing_director", "regional_manager"}
    request = open_request()
    request, _ = approve(request, actor="max", actor_roles=both, at=at(1))
    error = refused(
        Forbidden, "workflow.same_approver", lambda: approve(request, actor="max", actor_roles=both, at=at(2))
    )
    assert error.params["level"] == "tactical"
    assert not may_decide(request, user="max", roles=both, at=at(2))


def test_the_same_person_may_not_approve_a_second_level_for_someone_else_or_be_acted_for_twice() -> None:
    request = open_request()
    request, _ = approve(request, actor="dora", actor_roles={"purchasing_director"}, at=at(1))
    # dora delegated her regional-manager role to eve: eve acting for dora would be dora's second level
    grant = Delegation("dora", "eve", at(-60), at(60), from_roles=frozenset({"regional_manager"}))
    refused(
        Forbidden,
        "workflow.same_approver",
        lambda: approve(request, actor="eve", actor_roles=(), at=at(2), delegations=[grant]),
    )
    # and someone who approved on another's behalf has used up their own turn too
    first = open_request()
    stand_in = Delegation("dora", "eve", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    first, _ = approve(first, actor="eve", actor_roles=(), at=at(1), delegations=[stand_in])
    refused(
        Forbidden,
        "workflow.same_approver",
        lambda: approve(first, actor="eve", actor_roles={"regional_manager"}, at=at(2)),
    )


def test_distinct_approvers_can_be_turned_off_for_a_flow() -> None:
    relaxed = FlowDefinition(
        "po.small-team",
        "purchase_order",
        default=True,
        distinct_approvers=False,
        levels=(STRATEGIC, TACTICAL),
    )
    both = {"purchasing_director", "regional_manager"}
    request = open_request(relaxed)
    request, _ = approve(request, actor="max", actor_roles=both, at=at(1))
    request, _ = approve(request, actor="max", actor_roles=both, at=at(2))
    assert request.status is ApprovalStatus.APPROVED
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: approve(open_request(relaxed, requested_by="max"), actor="max", actor_roles=both, at=at(1)),
    )


# --- delegation -------------------------------------------------------------------------------


def test_a_delegate_approves_inside_the_window_and_the_decision_names_the_delegator() -> None:
    grant, events = delegate(
        from_user="dora",
        to_user="eve",
        starts_at=at(-60),
        ends_at=at(60),
        from_roles={"purchasing_director"},
        document_types={"purchase_order"},
        at=at(-90),
    )
    assert [type(e) for e in events] == [ApprovalDelegated]
    request, events = approve(
        open_request(), actor="eve", actor_roles={"store_clerk"}, at=at(0), delegations=[grant]
    )
    assert request.history[0].actor == "eve" and request.history[0].on_behalf_of == "dora"
    assert the(LevelApproved, events[0]).on_behalf_of == "dora"


def test_an_eligible_actor_acts_for_themselves_even_when_holding_a_delegation() -> None:
    grant = Delegation("dora", "max", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    request, _ = approve(
        open_request(), actor="max", actor_roles={"purchasing_director"}, at=at(1), delegations=[grant]
    )
    assert request.history[0].on_behalf_of is None


def test_a_delegation_outside_its_window_grants_nothing() -> None:
    grant = Delegation("dora", "eve", at(10), at(20), from_roles=frozenset({"purchasing_director"}))
    request = open_request()
    for minute, allowed in ((9, False), (10, True), (19, True), (20, False)):
        assert may_decide(request, user="eve", roles=(), delegations=[grant], at=at(minute)) is allowed
    refused(
        Forbidden,
        "workflow.not_eligible",
        lambda: approve(request, actor="eve", actor_roles=(), at=at(20), delegations=[grant]),
    )


def test_a_delegation_for_other_document_types_grants_nothing() -> None:
    sales_only = Delegation(
        "dora",
        "eve",
        at(-60),
        at(60),
        document_types=frozenset({"sales_order"}),
        from_roles=frozenset({"purchasing_director"}),
    )
    refused(
        Forbidden,
        "workflow.not_eligible",
        lambda: approve(open_request(), actor="eve", actor_roles=(), at=at(1), delegations=[sales_only]),
    )


def test_a_delegation_only_carries_the_roles_it_names_and_not_someone_elses() -> None:
    request = open_request()
    wrong_role = Delegation("dora", "eve", at(-60), at(60), from_roles=frozenset({"finance"}))
    to_other = Delegation("dora", "fay", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    assert not may_decide(request, user="eve", roles=(), delegations=[wrong_role, to_other], at=at(1))


def test_delegation_chains_are_not_followed() -> None:
    first = Delegation("dora", "eve", at(-60), at(60), from_roles=frozenset({"purchasing_director"}))
    second = Delegation("eve", "fay", at(-60), at(60))
    refused(
        Forbidden,
        "workflow.not_eligible",
        lambda: approve(open_request(), actor="fay", actor_roles=(), at=at(1), delegations=[first, second]),
    )


def test_a_delegation_needs_a_real_window_and_another_person() -> None:
    with pytest.raises(InvalidInput) as caught:
        delegate(from_user="dora", to_user="dora", starts_at=at(), ends_at=at(60), at=at())
    assert caught.value.field == "to_user"
    with pytest.raises(InvalidInput) as caught:
        delegate(from_user="dora", to_user="eve", starts_at=at(60), ends_at=at(60), at=at())
    assert caught.value.field == "ends_at"
    with pytest.raises(InvalidInput, match=r"time.naive"):
        Delegation("dora", "eve", datetime(2026, 1, 1), at(60))


# --- inbox ------------------------------------------------------------------------------------


def test_the_inbox_shows_each_user_what_they_can_decide_now_oldest_first() -> None:
    newer = open_request(requested_by="ann", minutes=30)
    older = open_request(requested_by="ann", minutes=0)
    by_dora = open_request(requested_by="dora", minutes=10)
    at_tactical, _ = approve(
        open_request(requested_by="ann", minutes=5),
        actor="dora",
        actor_roles={"purchasing_director"},
        at=at(40),
    )
    done, _ = cancel(open_request(requested_by="ann", minutes=1), actor="ann", at=at(2))
    everything = [newer, by_dora, at_tactical, done, older]
    director = {"purchasing_director"}

    assert inbox(everything, user="dora", roles=director, at=at(60)) == [older, newer]
    assert inbox(everything, user="max", roles=director, at=at(60)) == [older, by_dora, newer]
    assert inbox(everything, user="rita", roles={"regional_manager"}, at=at(60)) == [at_tactical]
    assert inbox(everything, user="ann", roles=director | {"regional_manager"}, at=at(60)) == [by_dora]
    assert inbox(everything, user="sam", roles={"store_clerk"}, at=at(60)) == []
    holiday = Delegation("rita", "sam", at(0), at(120), from_roles=frozenset({"regional_manager"}))
    assert inbox(everything, user="sam", roles={"store_clerk"}, delegations=[holiday], at=at(60)) == [
        at_tactical
    ]
    assert inbox(everything, user="sam", roles={"store_clerk"}, delegations=[holiday], at=at(120)) == []


# --- skipping levels --------------------------------------------------------------------------


def test_a_rule_skips_level_two_ahead_of_time_with_its_reason_recorded() -> None:
    request = open_request()
    reason = "当儿科门诊量周环比>15%且流感疫苗库存<200支时, 绕过二级审批"
    request, events = skip_level(
        request, level_name="tactical", authorised_by="rule:flu-season", reason=reason, at=at(1)
    )
    assert request.current == STRATEGIC and request.status is ApprovalStatus.PENDING
    assert [type(e) for e in events] == [LevelSkipped]
    skipped = the(LevelSkipped, events[0])
    assert skipped.next_level == "strategic" and skipped.authorised_by == "rule:flu-season"
    assert request.decision_for("tactical") == Decision(
        "tactical", "rule:flu-season", None, DecisionAction.SKIP, reason, at(1)
    )
    request, events = approve(request, actor="dora", actor_roles={"purchasing_director"}, at=at(2))
    assert request.current == STORE  # level two is passed over
    assert the(LevelApproved, events[0]).next_level == "store_requisition"
    refused(
        Forbidden,
        "workflow.not_eligible",
        lambda: approve(request, actor="rita", actor_roles={"regional_manager"}, at=at(3)),
    )
    request, events = approve(request, actor="sam", actor_roles={"store_clerk"}, at=at(3))
    assert request.status is ApprovalStatus.APPROVED
    assert [d.action for d in request.history] == [
        DecisionAction.SKIP,
        DecisionAction.APPROVE,
        DecisionAction.APPROVE,
    ]


def test_skipping_the_current_level_moves_on_and_skipping_the_last_open_level_approves() -> None:
    request, _ = approve(open_request(), actor="dora", actor_roles={"purchasing_director"}, at=at(1))
    request, events = skip_level(
        request, level_name="tactical", authorised_by="rule:R7", reason="urgent", at=at(2)
    )
    assert request.current == STORE and the(LevelSkipped, events[0]).next_level == "store_requisition"
    request, events = skip_level(
        request, level_name="store_requisition", authorised_by="rule:R7", reason="central stock", at=at(3)
    )
    assert request.status is ApprovalStatus.APPROVED and request.closed_at == at(3)
    assert [type(e) for e in events] == [LevelSkipped, DocumentApproved]


def test_a_level_that_is_not_skippable_cannot_be_skipped() -> None:
    request = open_request()
    error = refused(
        IllegalTransition,
        "workflow.level_not_skippable",
        lambda: skip_level(
            request, level_name="strategic", authorised_by="rule:R7", reason="urgent", at=at(1)
        ),
    )
    assert error.field == "level_name"


def test_skipping_an_already_decided_level_is_refused() -> None:
    request, _ = approve(open_request(), actor="dora", actor_roles={"purchasing_director"}, at=at(1))
    request, _ = skip_level(
        request, level_name="store_requisition", authorised_by="rule:R7", reason="x", at=at(2)
    )
    refused(
        IllegalTransition,
        "workflow.level_already_decided",
        lambda: skip_level(
            request, level_name="strategic", authorised_by="rule:R7", reason="again", at=at(3)
        ),
    )
    refused(
        IllegalTransition,
        "workflow.level_already_decided",
        lambda: skip_level(
            request, level_name="store_requisition", authorised_by="rule:R8", reason="again", at=at(3)
        ),
    )


def test_skipping_needs_a_reason_and_a_known_level() -> None:
    request = open_request()
    refused(
        InvalidInput,
        "workflow.reason_required",
        lambda: skip_level(request, level_name="tactical", authorised_by="rule:R7", reason=" ", at=at(1)),
    )
    error = refused(
        InvalidInput,
        "workflow.unknown_level",
        lambda: skip_level(
            request, level_name="level_two", authorised_by="rule:R7", reason="urgent", at=at(1)
        ),
    )
    assert error.field == "level_name"


def test_the_requester_or_an_earlier_approver_may_not_authorise_a_skip() -> None:
    request = open_request(requested_by="ann")
    refused(
        Forbidden,
        "workflow.own_document",
        lambda: skip_level(request, level_name="tactical", authorised_by="ann", reason="urgent", at=at(1)),
    )
    request, _ = approve(request, actor="dora", actor_roles={"purchasing_director"}, at=at(1))
    refused(
        Forbidden,
        "workflow.same_approver",
        lambda: skip_level(request, level_name="tactical", authorised_by="dora", reason="urgent", at=at(2)),
    )


def test_a_rule_may_skip_several_levels_but_a_person_who_skipped_one_may_not_approve_another() -> None:
    request = open_request()
    request, _ = skip_level(
        request, level_name="tactical", authorised_by="rule:R7", reason="urgent", at=at(1)
    )
    request, _ = skip_level(
        request, level_name="store_requisition", authorised_by="rule:R7", reason="urgent", at=at(2)
    )
    assert request.current == STRATEGIC
    by_person, _ = skip_level(
        open_request(), level_name="tactical", authorised_by="dora", reason="urgent", at=at(1)
    )
    refused(
        Forbidden,
        "workflow.same_approver",
        lambda: approve(by_person, actor="dora", actor_roles={"purchasing_director"}, at=at(2)),
    )


# --- the flow file ----------------------------------------------------------------------------


def test_the_packaged_flows_give_every_document_type_a_default_and_use_known_roles() -> None:
    flows = config.load_flows(known_roles=ROLE_NAMES)
    defaults = {f.document_type for f in flows if f.default}
    assert defaults == {
        "purchase_requisition",
        "purchase_order",
        "sales_order",
        "transfer_order",
        "stocktake",
        "purchase_return",
    }
    used = {role for f in flows for level in f.levels for role in level.approver_roles}
    assert used <= ROLE_NAMES and not used & {"auditor", "device"}


def test_the_packaged_group_flow_has_three_bilingual_levels_above_fifty_thousand() -> None:
    flows = config.default_flows()

    def pick(kind: str, amount: str) -> FlowDefinition:
        return select_flow(flows, document_type=kind, organisation="ORG-A", amount=Decimal(amount))

    group = pick("purchase_order", "50000")
    assert [(level.label("zh-CN"), level.label("en")) for level in group.levels] == [
        ("战略采购", "Strategic purchasing"),
        ("战术采购", "Tactical purchasing"),
        ("门店要货", "Store requisition"),
    ]
    assert [level.skippable for level in group.levels] == [False, True, True]
    assert [level.name for level in pick("purchase_order", "49999.99").levels] == ["purchasing_director"]
    assert [level.name for level in pick("stocktake", "10000").levels] == ["regional_manager", "finance"]
    assert [level.name for level in pick("stocktake", "9999").levels] == ["regional_manager"]


FLOW = """
version = 1
[[flow]]
name = "po"
document_type = "purchase_order"
{flow}
  [[flow.level]]
  name = "director"
  approver_roles = ["purchasing_director"]
  {level}
"""


@pytest.mark.parametrize(
    ("flow", "level", "key"),
    [
        ('colour = "red"', "", "flow[0].colour"),
        ("", "skipable = false", "flow[0].level[0].skipable"),
        ("min_amount = 50000.0", "", "flow[0].min_amount"),
        ('min_amount = "lots"', "", "flow[0].min_amount"),
        ("max_amount = -1", "", "flow[0].max_amount"),
        ("min_amount = 500\nmax_amount = 100", "", "flow[0].max_amount"),
        ('priority = "high"', "", "flow[0].priority"),
        ("default = true\nmin_amount = 1", "", "flow[0].default"),
        ('distinct_approvers = "yes"', "", "flow[0].distinct_approvers"),
        ("auto_approve = true", "", "flow[0].auto_approve"),
        ('categories = ["ok", ""]', "", "flow[0].categories[1]"),
        ("", "approver_users = [1]", "flow[0].level[0].approver_users[0]"),
        ("", "approver_roles = []", "flow[0].level[0].approver_roles"),
    ],
)
def test_config_errors_name_the_key(flow: str, level: str, key: str) -> None:
    text = FLOW.format(flow=flow, level=level).replace(
        'approver_roles = ["purchasing_director"]\n  approver_roles', "approver_roles"
    )
    error = refused(
        InvalidInput, "workflow.invalid_config", lambda: config.parse_flows(text, source="mine.toml")
    )
    assert error.field == key
    assert error.params["value"] == "mine.toml"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "version"),
        ("version = 2", "version"),
        ("version = 1\nflows = []", "flows"),
        ('version = 1\n[[flow]]\ndocument_type = "purchase_order"\nauto_approve = true', "flow[0].name"),
        (
            'version = 1\n[[flow]]\nname = "a"\ndocument_type = "Purchase Order"\nauto_approve = true',
            "flow[0].document_type",
        ),
        ('version = 1\n[[flow]]\nname = "a"\ndocument_type = "purchase_order"', "flow[0].level"),
        (
            'version = 1\n[[flow]]\nname = "a"\ndocument_type = "po"\nauto_approve = true\n'
            '[[flow]]\nname = "a"\ndocument_type = "po"\nauto_approve = true',
            "flow[1].name",
        ),
        (
            'version = 1\n[[flow]]\nname = "a"\ndocument_type = "po"\nauto_approve = true\ndefault = true\n'
            '[[flow]]\nname = "b"\ndocument_type = "po"\nauto_approve = true\ndefault = true',
            "flow[1].default",
        ),
        (
            'version = 1\n[[flow]]\nname = "a"\ndocument_type = "po"\n'
            '[[flow.level]]\nname = "x"\napprover_users = ["u"]\n'
            '[[flow.level]]\nname = "x"\napprover_users = ["v"]',
            "flow[0].level[1].name",
        ),
        ("version = 1\n[[flow]\n", "toml"),
    ],
)
def test_structural_config_errors_name_the_key(text: str, key: str) -> None:
    error = refused(InvalidInput, "workflow.invalid_config", lambda: config.parse_flows(text))
    assert error.field == key


def test_an_unknown_role_is_refused_when_the_known_roles_are_given() -> None:
    text = FLOW.format(flow="", level="").replace("purchasing_director", "purchasing_directr")
    assert config.parse_flows(text)[0].levels[0].approver_roles == {"purchasing_directr"}
    error = refused(
        InvalidInput, "workflow.invalid_config", lambda: config.parse_flows(text, known_roles=ROLE_NAMES)
    )
    assert error.field == "flow[0].level[0].approver_roles"
    assert "purchasing_directr" in error.params["reason"]


def test_flows_load_from_an_operators_file_with_quoted_decimal_amounts(tmp_path: Path) -> None:
    path = tmp_path / "flows.toml"
    path.write_text(
        FLOW.format(
            flow='min_amount = "999.50"\norganisation = "ORG-A"\ncategories = ["cold"]',
            level="skippable = false",
        ),
        encoding="utf-8",
    )
    (flow,) = config.load_flows(path, known_roles=ROLE_NAMES)
    assert flow.min_amount == Decimal("999.50") and flow.organisation == "ORG-A"
    assert flow.categories == {"cold"} and flow.levels[0].skippable is False and flow.distinct_approvers
    error = refused(
        InvalidInput, "workflow.invalid_config", lambda: config.load_flows(tmp_path / "missing.toml")
    )
    assert error.field == "flows"


def test_every_workflow_error_code_has_zh_and_en_texts() -> None:
    for code in WORKFLOW_CODES:
        zh, en = MESSAGES[code]
        assert zh and en and zh != en


# --- invariants under random use --------------------------------------------------------------

USERS = ("req", "u1", "u2", "u3", "u4", "u5", "u6")
USER_ROLES: dict[str, frozenset[str]] = {
    "req": frozenset({"r1", "r2", "r3"}),
    "u1": frozenset({"r1"}),
    "u2": frozenset({"r2"}),
    "u3": frozenset({"r1", "r2", "r3"}),
    "u4": frozenset(),
    "u5": frozenset({"r3"}),
    "u6": frozenset({"r1", "r2", "r3"}),
}

levels_strategy = st.lists(
    st.builds(
        lambda roles, named, skippable: (frozenset(roles), frozenset(named), skippable),
        st.sets(st.sampled_from(["r1", "r2", "r3"]), max_size=2),
        st.sets(st.sampled_from(USERS), max_size=1),
        st.booleans(),
    ).filter(lambda spec: bool(spec[0] or spec[1])),
    min_size=1,  # zero-level flows approve on start: see test_a_flow_without_levels_approves_on_submit
    max_size=4,
)
delegation_strategy = st.builds(
    lambda giver, taker, start_, length, roles: (giver, taker, start_, length, frozenset(roles)),
    st.sampled_from(USERS),
    st.sampled_from(USERS),
    st.integers(0, 20),
    st.integers(1, 20),
    st.sets(st.sampled_from(["r1", "r2", "r3"])),
).filter(lambda spec: spec[0] != spec[1])
# approvals drawn most often, so many runs get to the end of their flow
action_strategy = st.tuples(
    st.sampled_from(["approve"] * 6 + ["skip", "skip", "reject", "cancel"]),
    st.sampled_from(USERS),
    st.integers(0, 4),  # which level to skip (4 = one that does not exist)
    st.sampled_from(["rule:R1", "req", "u1", "u3"]),  # who authorises a skip
    st.sampled_from(["", "urgent", "too dear"]),  # the reason given for a skip or rejection
)


def _perform(
    request: ApprovalRequest, action: tuple[str, str, int, str, str], minute: int, grants: list[Delegation]
) -> tuple[ApprovalRequest, list[Any]]:
    kind, user, level, authority, reason = action
    when = at(minute)
    if kind == "approve":
        return approve(request, actor=user, actor_roles=USER_ROLES[user], at=when, delegations=grants)
    if kind == "reject":
        return reject(
            request, actor=user, actor_roles=USER_ROLES[user], reason=reason, at=when, delegations=grants
        )
    if kind == "skip":
        name = request.levels[level].name if level < len(request.levels) else "nope"
        return skip_level(request, level_name=name, authorised_by=authority, reason=reason, at=when)
    return cancel(request, actor=user, at=when)


def people(decision: Decision) -> set[str]:
    return {p for p in (decision.actor, decision.on_behalf_of) if p and not p.startswith("rule:")}


def assert_possible(request: ApprovalRequest) -> None:
    names = [level.name for level in request.levels]
    decided = [d.level for d in request.history]
    assert len(decided) == len(set(decided)), "a level decided twice"
    assert set(decided) <= set(names)
    for position, decision in enumerate(request.history):
        assert request.requested_by not in (decision.actor, decision.on_behalf_of)
        if decision.action is not DecisionAction.SKIP:
            earlier = {d.level for d in request.history[:position]}
            assert set(names[: names.index(decision.level)]) <= earlier, "decided out of level order"
        if request.distinct_approvers:
            before = {p for d in request.history[:position] for p in people(d)}
            assert not people(decision) & before, "one person decided two levels"
    rejections = [d for d in request.history if d.action is DecisionAction.REJECT]
    if request.status is ApprovalStatus.APPROVED:
        assert set(decided) == set(names) and not rejections
        assert request.current_level == len(names) and request.closed_at is not None
    elif request.status is ApprovalStatus.REJECTED:
        assert len(rejections) == 1 and request.history[-1] is rejections[0] and request.closed_at is not None
    elif request.status is ApprovalStatus.PENDING:
        assert request.current_level < len(names) and names[request.current_level] not in decided
        assert set(names[: request.current_level]) <= set(decided) and not rejections
        assert request.closed_at is None
    else:
        assert request.status is ApprovalStatus.CANCELLED and not rejections and set(decided) != set(names)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    specs=levels_strategy,
    distinct=st.booleans(),
    grants=st.lists(delegation_strategy, max_size=3),
    actions=st.lists(action_strategy, max_size=20),
)
def test_random_action_sequences_never_leave_a_request_in_an_impossible_state(
    specs: list[tuple[frozenset[str], frozenset[str], bool]],
    distinct: bool,
    grants: list[tuple[str, str, int, int, frozenset[str]]],
    actions: list[tuple[str, str, int, str, str]],
) -> None:
    levels = tuple(
        Level(f"L{i}", roles, named, skippable) for i, (roles, named, skippable) in enumerate(specs)
    )
    flow = FlowDefinition(
        "random", "purchase_order", default=True, levels=levels, distinct_approvers=distinct
    )
    delegations = [Delegation(g, t, at(s), at(s + n), from_roles=r) for g, t, s, n, r in grants]
    request = open_request(flow, requested_by="req")
    assert_possible(request)
    for minute, action in enumerate(actions, start=1):
        was = request
        try:
            request, events = _perform(request, action, minute, delegations)
        except JxcError as error:
            assert request is was
            if was.status is not ApprovalStatus.PENDING:
                assert error.code == "workflow.not_pending"
            continue
        assert was.status is ApprovalStatus.PENDING, "a final state changed"
        assert events
        assert (request.status is ApprovalStatus.APPROVED) == any(
            isinstance(e, DocumentApproved) for e in events
        )
        assert len(request.history) - len(was.history) == (0 if action[0] == "cancel" else 1)
        assert_possible(request)
