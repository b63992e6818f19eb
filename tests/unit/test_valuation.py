"""Inventory costing: hand-computed examples for each method, and the laws every pool keeps.

The examples write their arithmetic out in comments so a reader can check them by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from jxc.accounting.valuation import (
    Consumption,
    CostMethod,
    Flow,
    LandedCostBasis,
    LandedLine,
    Pool,
    Valuation,
    add_cost,
    allocate_landed_cost,
    issue,
    receive,
    return_in,
    return_out,
    valuation_report,
)
from jxc.kernel.errors import Conflict, InsufficientStock, InvalidInput, JxcError, NotFound
from jxc.kernel.messages import MESSAGES, bilingual

D = Decimal
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MA, FIFO, LOT = CostMethod.MOVING_AVERAGE, CostMethod.FIFO, CostMethod.SPECIFIC_LOT


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def two_receipts(method: CostMethod) -> tuple[Pool, Valuation, Valuation]:
    """R1: 100 @ 10.00 = 1000.00 on day 0; R2: 50 @ 13.00 = 650.00 on day 1 (both lot A)."""
    pool, r1 = receive(
        Pool(method=method), movement_id="R1", quantity=D(100), amount=D("1000.00"), lot="A", at=day(0)
    )
    pool, r2 = receive(pool, movement_id="R2", quantity=D(50), amount=D("650.00"), lot="A", at=day(1))
    return pool, r1, r2


# --- moving average ------------------------------------------------------------------------------


def test_moving_average_issues_and_returns_at_the_running_average_cost() -> None:
    pool, _, _ = two_receipts(MA)
    # 100 @ 10.00 = 1000.00 + 50 @ 13.00 = 650.00 → 150 units, 1650.00, average 11.00
    assert valuation_report(pool) == (D(150), D("1650.00"), D("11.000000"))
    # issue 30 → 30 × 11.00 = 330.00 → 120 units, 1320.00
    pool, sale = issue(pool, movement_id="S1", quantity=D(30))
    assert (sale.flow, sale.quantity, sale.amount, sale.value_delta) == (
        Flow.ISSUE,
        D(30),
        D("330.00"),
        D("-330.00"),
    )
    assert (pool.quantity, pool.value) == (D(120), D("1320.00"))
    # return 10 of that issue → 330.00 × 10/30 = 110.00 → 130 units, 1430.00
    pool, back = return_in(pool, movement_id="SR1", quantity=D(10), original=sale, at=day(2))
    assert (back.flow, back.amount) == (Flow.RETURN_IN, D("110.00"))
    assert (pool.quantity, pool.value) == (D(130), D("1430.00"))
    assert pool.layers == ()


def test_moving_average_gives_the_last_unit_exactly_the_remaining_value() -> None:
    pool, _ = receive(Pool(method=MA), movement_id="R1", quantity=D(3), amount=D("10.00"), at=day(0))
    # 10.00 / 3 = 3.333…: the first unit → 3.33 (left 2 units, 6.67)
    # the second → 6.67 / 2 = 3.335 → 3.34 half up (left 1 unit, 3.33); the last takes all 3.33
    amounts = []
    for number in range(3):
        pool, out = issue(pool, movement_id=f"S{number}", quantity=D(1))
        amounts.append(out.amount)
    assert amounts == [D("3.33"), D("3.34"), D("3.33")]
    assert (pool.quantity, pool.value) == (D(0), D("0.00"))
    assert valuation_report(pool).unit_cost is None


def test_partial_returns_against_one_issue_add_up_to_exactly_what_it_took() -> None:
    pool, _ = receive(Pool(method=MA), movement_id="R1", quantity=D(3), amount=D("10.00"), at=day(0))
    pool, sale = issue(pool, movement_id="S1", quantity=D(3))
    # 10.00 in thirds, cumulatively: round(3.333…) = 3.33, round(6.666…) − 3.33 = 3.34, 10.00 − 6.67 = 3.33
    backs = []
    for number in range(3):
        pool, back = return_in(
            pool,
            movement_id=f"SR{number}",
            quantity=D(1),
            original=sale,
            at=day(1),
            returned_before=D(number),
        )
        backs.append(back.amount)
    assert backs == [D("3.33"), D("3.34"), D("3.33")]
    assert (pool.quantity, pool.value) == (D(3), D("10.00"))


# --- FIFO --------------------------------------------------------------------------------------


def test_fifo_issue_takes_the_oldest_layer_first() -> None:
    pool, _, _ = two_receipts(FIFO)
    # issue 120 → all of R1 (100, 1000.00) + 20 of R2 at 13.00 (260.00) = 1260.00
    pool, sale = issue(pool, movement_id="S1", quantity=D(120))
    assert sale.amount == D("1260.00")
    assert sale.layers == (
        Consumption(source_id="R1", lot="A", quantity=D(100), amount=D("1000.00")),
        Consumption(source_id="R2", lot="A", quantity=D(20), amount=D("260.00")),
    )
    # left: R1 closed at 0 / 0.00 (kept for late costs and returns), R2 30 units, 390.00
    assert [(layer.source_id, layer.quantity, layer.value) for layer in pool.layers] == [
        ("R1", D(0), D("0.00")),
        ("R2", D(30), D("390.00")),
    ]
    assert (pool.quantity, pool.value) == (D(30), D("390.00"))


def test_fifo_orders_layers_by_receipt_time_then_source_not_by_arrival() -> None:
    pool, _ = receive(Pool(method=FIFO), movement_id="R-late", quantity=D(5), amount=D("50.00"), at=day(3))
    pool, _ = receive(pool, movement_id="R-b", quantity=D(5), amount=D("60.00"), at=day(1))
    pool, _ = receive(pool, movement_id="R-a", quantity=D(5), amount=D("70.00"), at=day(1))
    assert [layer.source_id for layer in pool.layers] == ["R-a", "R-b", "R-late"]
    # the backdated receipts go first: 5 × 14.00 (R-a) + 1 × 12.00 (R-b) = 82.00
    _, sale = issue(pool, movement_id="S1", quantity=D(6))
    assert sale.amount == D("82.00")


def test_fifo_ignores_the_lot_because_cost_follows_the_cost_flow_not_the_shelf() -> None:
    pool, _ = receive(
        Pool(method=FIFO), movement_id="R1", quantity=D(1), amount=D("1.00"), lot="OLD", at=day(0)
    )
    pool, _ = receive(pool, movement_id="R2", quantity=D(1), amount=D("9.00"), lot="NEW", at=day(1))
    _, sale = issue(pool, movement_id="S1", quantity=D(1), lot="NEW")
    assert sale.amount == D("1.00")


def test_a_partial_fifo_return_undoes_the_issue_from_its_tail() -> None:
    pool, _, _ = two_receipts(FIFO)
    pool, sale = issue(pool, movement_id="S1", quantity=D(120))  # 100 of R1 + 20 of R2
    # return 10: back into R2 at 13.00 = 130.00; what stays issued (100 of R1 + 10 of R2)
    # is exactly a FIFO issue of the net 110
    pool, back = return_in(pool, movement_id="SR1", quantity=D(10), original=sale, at=day(5))
    assert back.amount == D("130.00")
    assert back.layers == (Consumption(source_id="R2", lot="A", quantity=D(10), amount=D("130.00")),)
    # return 15 more: the other 10 of R2 (130.00) and 5 of R1 at 10.00 (50.00) = 180.00
    pool, back = return_in(
        pool, movement_id="SR2", quantity=D(15), original=sale, at=day(6), returned_before=D(10)
    )
    assert back.amount == D("180.00")
    assert [(layer.source_id, layer.quantity, layer.value) for layer in pool.layers] == [
        ("R1", D(5), D("50.00")),
        ("R2", D(50), D("650.00")),
    ]


def test_returned_goods_whose_layer_was_archived_come_back_as_a_layer_of_their_own() -> None:
    pool, _, _ = two_receipts(FIFO)
    pool, sale = issue(pool, movement_id="S1", quantity=D(100))  # all of R1
    archived = Pool(method=FIFO, quantity=pool.quantity, value=pool.value, layers=pool.layers[1:])
    pool, back = return_in(archived, movement_id="SR1", quantity=D(4), original=sale, at=day(9))
    assert back.amount == D("40.00")
    assert [(layer.source_id, layer.received_at, layer.quantity, layer.value) for layer in pool.layers] == [
        ("R2", day(1), D(50), D("650.00")),
        ("R1", day(9), D(4), D("40.00")),
    ]
    assert pool.layers[1].received_quantity == 0  # it brought nothing new, so no landed-cost weight


@pytest.mark.parametrize("method", list(CostMethod))
def test_returning_a_whole_issue_restores_the_pool_exactly(method: CostMethod) -> None:
    pool, _, _ = two_receipts(method)
    pool, _ = issue(pool, movement_id="S0", quantity=D("7.5"), lot="A")
    before = pool
    after_sale, sale = issue(pool, movement_id="S1", quantity=D("111.25"), lot="A")
    restored, back = return_in(after_sale, movement_id="SR1", quantity=D("111.25"), original=sale, at=day(4))
    assert back.amount == sale.amount
    assert restored == before


# --- specific lot --------------------------------------------------------------------------------


def test_specific_lot_issue_consumes_only_the_named_lot() -> None:
    pool, _ = receive(
        Pool(method=LOT), movement_id="R1", quantity=D(10), amount=D("600.00"), lot="B", at=day(0)
    )
    pool, _ = receive(pool, movement_id="R2", quantity=D(10), amount=D("500.00"), lot="A", at=day(1))
    # lot B is older, but the sale names lot A: 4 × 50.00 = 200.00
    pool, sale = issue(pool, movement_id="S1", quantity=D(4), lot="A")
    assert sale.amount == D("200.00")
    assert sale.layers == (Consumption(source_id="R2", lot="A", quantity=D(4), amount=D("200.00")),)
    assert (pool.quantity, pool.value) == (D(16), D("900.00"))


def test_specific_lot_refuses_more_than_the_lot_holds_even_when_other_lots_have_stock() -> None:
    pool, _ = receive(
        Pool(method=LOT), movement_id="R1", quantity=D(10), amount=D("600.00"), lot="B", at=day(0)
    )
    pool, _ = receive(pool, movement_id="R2", quantity=D(10), amount=D("500.00"), lot="A", at=day(1))
    with pytest.raises(InsufficientStock) as info:
        issue(pool, movement_id="S1", quantity=D(11), lot="A")
    assert info.value.code == "valuation.insufficient"
    assert (info.value.params["available"], info.value.params["requested"], info.value.params["lot"]) == (
        "10",
        "11",
        "A",
    )


def test_specific_lot_needs_a_lot_to_receive_and_to_issue() -> None:
    with pytest.raises(InvalidInput) as info:
        receive(Pool(method=LOT), movement_id="R1", quantity=D(1), amount=D("1.00"), at=day(0))
    assert (info.value.code, info.value.field) == ("valuation.lot_required", "lot")
    pool, _ = receive(Pool(method=LOT), movement_id="R1", quantity=D(1), amount=D("1.00"), lot="A", at=day(0))
    with pytest.raises(InvalidInput) as info:
        issue(pool, movement_id="S1", quantity=D(1))
    assert info.value.code == "valuation.lot_required"


@pytest.mark.parametrize("method", list(CostMethod))
def test_issuing_more_than_on_hand_is_refused_rather_than_valued_negative(method: CostMethod) -> None:
    pool, _, _ = two_receipts(method)
    with pytest.raises(InsufficientStock) as info:
        issue(pool, movement_id="S1", quantity=D("150.001"), lot="A")
    assert info.value.code == "valuation.insufficient"


# --- purchase returns ----------------------------------------------------------------------------


def test_a_moving_average_purchase_return_credits_inventory_at_the_receipts_cost() -> None:
    pool, _, r2 = two_receipts(MA)
    # return 20 of R2 at its 13.00 → 260.00; 130 units, 1650.00 − 260.00 = 1390.00 remain
    pool, out = return_out(pool, movement_id="PR1", quantity=D(20), original_receipt=r2)
    assert (out.flow, out.amount, out.expensed, out.document_amount) == (
        Flow.RETURN_OUT,
        D("260.00"),
        D("0.00"),
        D("260.00"),
    )
    assert (pool.quantity, pool.value) == (D(130), D("1390.00"))


def test_a_moving_average_purchase_return_never_takes_the_pool_below_zero() -> None:
    pool, _ = receive(Pool(method=MA), movement_id="R1", quantity=D(10), amount=D("10.00"), at=day(0))
    pool, r2 = receive(pool, movement_id="R2", quantity=D(10), amount=D("200.00"), at=day(1))
    # 20 units, 210.00, average 10.50; issue 14 → 14 × 10.50 = 147.00 → 6 units, 63.00 left
    pool, _ = issue(pool, movement_id="S1", quantity=D(14))
    # return 5 of R2 at 20.00 = 100.00 > 63.00: inventory gives what it has (63.00); the other
    # 37.00 of the supplier's credit goes to cost of sales; one unit stays, at 0.00
    pool, out = return_out(pool, movement_id="PR1", quantity=D(5), original_receipt=r2)
    assert (out.amount, out.expensed, out.document_amount) == (D("63.00"), D("37.00"), D("100.00"))
    assert (pool.quantity, pool.value) == (D(1), D("0.00"))


def test_a_purchase_return_that_empties_a_moving_average_pool_takes_all_its_value() -> None:
    pool, _ = receive(Pool(method=MA), movement_id="R1", quantity=D(10), amount=D("200.00"), at=day(0))
    pool, r2 = receive(pool, movement_id="R2", quantity=D(10), amount=D("10.00"), at=day(1))
    # 20 units, 210.00; issue 10 → 105.00 → 10 units, 105.00 left
    pool, _ = issue(pool, movement_id="S1", quantity=D(10))
    # return all 10 of R2: the supplier credits 10.00, inventory must give up all 105.00 (no
    # residue), so 95.00 is charged to cost of sales (expensed −95.00 on the credit side)
    pool, out = return_out(pool, movement_id="PR1", quantity=D(10), original_receipt=r2)
    assert (out.amount, out.expensed, out.document_amount) == (D("105.00"), D("-95.00"), D("10.00"))
    assert (pool.quantity, pool.value) == (D(0), D("0.00"))


def test_a_fifo_purchase_return_takes_the_receipts_own_layer_first() -> None:
    pool, _, r2 = two_receipts(FIFO)
    # R1 is older, but the goods go back from R2's layer: 10 × 13.00 = 130.00
    pool, out = return_out(pool, movement_id="PR1", quantity=D(10), original_receipt=r2)
    assert out.amount == D("130.00") and out.expensed == D("0.00")
    assert out.layers == (Consumption(source_id="R2", lot="A", quantity=D(10), amount=D("130.00")),)
    assert (pool.quantity, pool.value) == (D(140), D("1520.00"))


def test_a_fifo_purchase_return_of_a_consumed_receipt_takes_the_next_layers_at_book_cost() -> None:
    pool, r1, _ = two_receipts(FIFO)
    pool, _ = issue(pool, movement_id="S1", quantity=D(120))  # R1 gone, R2 has 30 @ 13.00
    # return 20 of R1: its layer is empty, so they leave R2 at 13.00 = 260.00 of book cost;
    # the supplier credits 20 × 10.00 = 200.00, and the 60.00 difference goes to cost of sales
    pool, out = return_out(pool, movement_id="PR1", quantity=D(20), original_receipt=r1)
    assert (out.amount, out.document_amount, out.expensed) == (D("260.00"), D("200.00"), D("-60.00"))
    assert (pool.quantity, pool.value) == (D(10), D("130.00"))
    with pytest.raises(InsufficientStock):
        return_out(pool, movement_id="PR2", quantity=D(11), original_receipt=r1, returned_before=D(20))


def test_purchase_returns_cannot_exceed_what_the_receipt_brought_in() -> None:
    pool, _, r2 = two_receipts(FIFO)
    with pytest.raises(Conflict) as info:
        return_out(pool, movement_id="PR1", quantity=D(6), original_receipt=r2, returned_before=D(45))
    assert (info.value.code, info.value.params["remaining"]) == ("valuation.return_exceeds", "5")


def test_returns_must_name_the_right_kind_of_original_from_the_same_method() -> None:
    pool, r1, _ = two_receipts(FIFO)
    pool, sale = issue(pool, movement_id="S1", quantity=D(1))
    with pytest.raises(InvalidInput) as info:
        return_out(pool, movement_id="PR1", quantity=D(1), original_receipt=sale)
    assert info.value.code == "valuation.not_a_receipt"
    with pytest.raises(InvalidInput) as info:
        return_in(pool, movement_id="SR1", quantity=D(1), original=r1, at=day(2))
    assert info.value.code == "valuation.not_an_issue"
    average_pool, _, _ = two_receipts(MA)
    _, average_sale = issue(average_pool, movement_id="S9", quantity=D(1))
    with pytest.raises(InvalidInput) as info:
        return_in(pool, movement_id="SR2", quantity=D(1), original=average_sale, at=day(2))
    assert info.value.code == "valuation.method_mismatch"


# --- landed cost ---------------------------------------------------------------------------------

LINES = [
    LandedLine(value=D("1000.00"), quantity=D(100), weight=D(70)),
    LandedLine(value=D("650.00"), quantity=D(50), weight=D(20)),
]


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # 300.00 × 1000/1650 = 181.818… and × 650/1650 = 118.181…: floors 181.81 + 118.18 = 299.99,
        # the last fen to the larger remainder (.818 > .181)
        (LandedCostBasis.VALUE, ["181.82", "118.18"]),
        # 300.00 × 100/150 = 200.00 and × 50/150 = 100.00
        ("quantity", ["200.00", "100.00"]),
        # 300.00 × 70/90 = 233.333… and × 20/90 = 66.666…: floors 233.33 + 66.66 = 299.99, the last
        # fen to the larger remainder (.666 > .333)
        ("weight", ["233.33", "66.67"]),
    ],
)
def test_freight_of_300_is_split_over_two_receipt_lines_exactly_to_the_fen(
    basis: LandedCostBasis | str, expected: list[str]
) -> None:
    shares = allocate_landed_cost(total=D("300.00"), lines=LINES, basis=basis)
    assert shares == [D(text) for text in expected]
    assert sum(shares) == D("300.00")


def test_allocating_by_weight_needs_every_lines_weight() -> None:
    lines = [LINES[0], LandedLine(value=D("650.00"), quantity=D(50))]
    with pytest.raises(InvalidInput) as info:
        allocate_landed_cost(total=D("300.00"), lines=lines, basis="weight")
    assert (info.value.code, info.value.field, info.value.params["line"]) == (
        "landed_cost.no_weight",
        "lines[1].weight",
        2,
    )


def test_allocating_over_a_zero_basis_or_an_unknown_basis_is_refused() -> None:
    free = [LandedLine(value=D("0.00"), quantity=D(5))]
    with pytest.raises(InvalidInput) as info:
        allocate_landed_cost(total=D("300.00"), lines=free, basis="value")
    assert info.value.code == "landed_cost.zero_basis"
    with pytest.raises(InvalidInput) as info:
        allocate_landed_cost(total=D("300.00"), lines=LINES, basis="volume")
    assert (info.value.code, info.value.field) == ("field.invalid", "basis")


def test_freight_allocated_by_value_is_capitalised_into_each_receipts_layer() -> None:
    pool, _, _ = two_receipts(FIFO)
    freight = allocate_landed_cost(total=D("300.00"), lines=LINES, basis="value")  # 181.82, 118.18
    pool, first = add_cost(pool, movement_id="F1a", amount=freight[0], target_source_ids=["R1"])
    pool, second = add_cost(pool, movement_id="F1b", amount=freight[1], target_source_ids=["R2"])
    assert (first.amount, first.expensed, second.amount, second.expensed) == (
        D("181.82"),
        D("0.00"),
        D("118.18"),
        D("0.00"),
    )
    # R1: 1000.00 + 181.82 = 1181.82; R2: 650.00 + 118.18 = 768.18; pool 1950.00
    assert [layer.value for layer in pool.layers] == [D("1181.82"), D("768.18")]
    assert pool.value == D("1950.00")


@pytest.mark.parametrize("method", [FIFO, LOT])
def test_landed_cost_arriving_after_40_percent_was_sold_expenses_the_sold_part(method: CostMethod) -> None:
    pool, _ = receive(
        Pool(method=method), movement_id="R1", quantity=D(100), amount=D("1000.00"), lot="A", at=day(0)
    )
    pool, _ = issue(pool, movement_id="S1", quantity=D(40), lot="A")  # 400.00
    # 300.00 freight for 100 received: 60 still here keep 300 × 60/100 = 180.00, the 40 sold → 120.00 expensed
    pool, cost = add_cost(pool, movement_id="F1", amount=D("300.00"), target_source_ids=["R1"])
    assert (cost.flow, cost.amount, cost.expensed, cost.document_amount) == (
        Flow.COST,
        D("180.00"),
        D("120.00"),
        D("300.00"),
    )
    # the layer: 600.00 + 180.00 = 780.00 for 60 units, 13.00 each (10.00 + 3.00 freight)
    assert valuation_report(pool) == (D(60), D("780.00"), D("13.000000"))


def test_moving_average_landed_cost_after_40_percent_was_sold_expenses_the_sold_part() -> None:
    pool, _ = receive(Pool(method=MA), movement_id="R1", quantity=D(100), amount=D("1000.00"), at=day(0))
    pool, _ = issue(pool, movement_id="S1", quantity=D(40))
    # received 100, on hand 60: keep 300 × 60/100 = 180.00, expense 120.00
    pool, cost = add_cost(
        pool, movement_id="F1", amount=D("300.00"), target_source_ids=None, received_quantity=D(100)
    )
    assert (cost.amount, cost.expensed) == (D("180.00"), D("120.00"))
    assert (pool.quantity, pool.value) == (D(60), D("780.00"))


def test_landed_cost_over_several_layers_is_shared_by_received_quantity() -> None:
    pool, _, _ = two_receipts(FIFO)
    pool, _ = issue(pool, movement_id="S1", quantity=D(40))  # R1 keeps 60 of 100, R2 all 50
    # 300.00 by received 100 : 50 → R1 200.00, R2 100.00;
    # R1 keeps 200 × 60/100 = 120.00 and expenses 80.00; R2 keeps all 100.00
    pool, cost = add_cost(pool, movement_id="F1", amount=D("300.00"), target_source_ids=["R1", "R2"])
    assert [(part.source_id, part.amount) for part in cost.layers] == [
        ("R1", D("120.00")),
        ("R2", D("100.00")),
    ]
    assert (cost.amount, cost.expensed) == (D("220.00"), D("80.00"))


def test_a_cost_for_a_fully_sold_receipt_is_all_expensed() -> None:
    pool, _, _ = two_receipts(FIFO)
    pool, _ = issue(pool, movement_id="S1", quantity=D(100))  # R1 is closed but still known
    pool, cost = add_cost(pool, movement_id="F1", amount=D("50.00"), target_source_ids=["R1"])
    assert (cost.amount, cost.expensed) == (D("0.00"), D("50.00"))
    empty = Pool(method=MA)
    empty, cost = add_cost(empty, movement_id="F2", amount=D("50.00"), target_source_ids=None)
    assert (cost.amount, cost.expensed, empty.value) == (D("0.00"), D("50.00"), D("0.00"))


def test_a_rebate_never_takes_a_layer_below_zero() -> None:
    pool, _ = receive(Pool(method=FIFO), movement_id="R1", quantity=D(10), amount=D("100.00"), at=day(0))
    pool, _ = issue(pool, movement_id="S1", quantity=D(9))  # 1 unit, 10.00 left
    # −50.00 for 10 received: the unit still here would take −5.00, fine; the rest is expensed
    pool, cost = add_cost(pool, movement_id="C1", amount=D("-50.00"), target_source_ids=["R1"])
    assert (cost.amount, cost.expensed, pool.value) == (D("-5.00"), D("-45.00"), D("5.00"))
    # −80.00 with no received basis named: on-hand stock would take it all, but only 5.00 is there
    pool, cost = add_cost(pool, movement_id="C2", amount=D("-80.00"), target_source_ids=None)
    assert (cost.amount, cost.expensed, pool.value) == (D("-5.00"), D("-75.00"), D("0.00"))


def test_a_cost_for_an_unknown_layer_is_refused() -> None:
    pool, _, _ = two_receipts(FIFO)
    with pytest.raises(NotFound) as info:
        add_cost(pool, movement_id="F1", amount=D("1.00"), target_source_ids=["R1", "R9"])
    assert (info.value.code, info.value.params["value"]) == ("valuation.unknown_layer", "R9")


def test_a_receiving_movement_opens_one_layer_only() -> None:
    pool, _, _ = two_receipts(FIFO)
    with pytest.raises(Conflict) as info:
        receive(pool, movement_id="R1", quantity=D(1), amount=D("1.00"), at=day(3))
    assert info.value.code == "valuation.duplicate_layer"


def test_receipts_refuse_negative_amounts_naive_times_and_floats() -> None:
    base = Pool(method=FIFO)
    with pytest.raises(InvalidInput) as info:
        receive(base, movement_id="R1", quantity=D(1), amount=D("-1.00"), at=day(0))
    assert info.value.code == "money.negative"
    with pytest.raises(InvalidInput) as info:
        receive(base, movement_id="R1", quantity=D(1), amount=D("1.00"), at=datetime(2026, 1, 1))
    assert info.value.code == "time.naive"
    with pytest.raises(InvalidInput) as info:
        receive(base, movement_id="R1", quantity=D(1), amount=1.0, at=day(0))  # type: ignore[arg-type]
    assert info.value.code == "money.invalid"


def test_every_valuation_error_has_both_languages_and_renders_its_parameters() -> None:
    samples: list[JxcError] = [
        InvalidInput("money.invalid", field="amount", value="1.5"),
        InvalidInput("money.negative", field="amount", value="-1"),
        InvalidInput("money.too_precise", field="total", value="1.005"),
        InvalidInput("money.negative_weight", field="lines[1]", value="-1"),
        InvalidInput("money.zero_weights", field="lines", value=2),
        InvalidInput("valuation.lot_required", field="lot", value="S1"),
        InsufficientStock("valuation.insufficient", field="quantity", available="3", requested="5", lot=""),
        NotFound("valuation.unknown_layer", field="target_source_ids", value="R9"),
        Conflict("valuation.duplicate_layer", field="movement_id", value="R1"),
        Conflict("valuation.return_exceeds", field="quantity", value="S1", remaining="5", requested="6"),
        InvalidInput("valuation.not_an_issue", field="original", value="R1"),
        InvalidInput("valuation.not_a_receipt", field="original_receipt", value="S1"),
        InvalidInput(
            "valuation.method_mismatch", field="original", value="S1", given="fifo", method="moving_average"
        ),
        InvalidInput("landed_cost.no_weight", field="lines[1].weight", line=2),
        InvalidInput("landed_cost.zero_basis", field="lines", basis="value"),
    ]
    for error in samples:
        assert error.code in MESSAGES, error.code
        for text in bilingual(error).values():
            assert "{" not in text and error.code not in text, (error.code, text)


# --- laws, over random sequences of movements ------------------------------------------------------

_quantities = st.one_of(
    st.integers(min_value=1, max_value=40).map(Decimal),
    st.decimals(min_value=D("0.001"), max_value=D(40), places=3),
)
_amounts = st.integers(min_value=0, max_value=500_000).map(lambda fen: D(fen).scaleb(-2))
_cost_amounts = st.integers(min_value=-50_000, max_value=100_000).map(lambda fen: D(fen).scaleb(-2))
_lots = st.sampled_from(["A", "B", "C"])


class PoolLaws(RuleBasedStateMachine):
    """Random receipts, issues, returns and landed costs; every step keeps the module's invariants."""

    method: ClassVar[CostMethod]

    def __init__(self) -> None:
        super().__init__()
        self.pool = Pool(method=self.method)
        self.valuations: list[Valuation] = []
        self.receipts: list[Valuation] = []
        self.issues: list[Valuation] = []
        self.returned: dict[str, Decimal] = {}  # what the documents would track per original
        self.credited: dict[str, Decimal] = {}  # supplier credits per receipt
        self.sequence = 0

    def _next_id(self, prefix: str) -> str:
        self.sequence += 1
        return f"{prefix}{self.sequence:04d}"

    def _record(self, pool: Pool, valuation: Valuation) -> None:
        self.pool = pool
        self.valuations.append(valuation)

    def _lot_stock(self, lot: str | None) -> Decimal:
        if self.method is CostMethod.SPECIFIC_LOT:
            return sum((layer.quantity for layer in self.pool.layers if layer.lot == lot), D(0))
        return self.pool.quantity

    def _open(self, originals: list[Valuation]) -> list[Valuation]:
        return [v for v in originals if self.returned.get(v.movement_id, D(0)) < v.quantity]

    @rule(quantity=_quantities, amount=_amounts, lot=_lots, when=st.integers(min_value=0, max_value=6))
    def receive_goods(self, quantity: Decimal, amount: Decimal, lot: str, when: int) -> None:
        pool, receipt = receive(
            self.pool, movement_id=self._next_id("R"), quantity=quantity, amount=amount, lot=lot, at=day(when)
        )
        assert receipt.amount == amount
        self._record(pool, receipt)
        self.receipts.append(receipt)

    @rule(quantity=_quantities, lot=_lots)
    def issue_goods(self, quantity: Decimal, lot: str) -> None:
        try:
            pool, sale = issue(self.pool, movement_id=self._next_id("S"), quantity=quantity, lot=lot)
        except InsufficientStock:
            assert quantity > self._lot_stock(lot)
            return
        assert sum((part.amount for part in sale.layers), D(0)) == sale.amount or not self.method.layered
        self._record(pool, sale)
        self.issues.append(sale)

    @rule(quantity=_quantities, lot=_lots)
    def issue_then_return_it_all(self, quantity: Decimal, lot: str) -> None:
        if quantity > self._lot_stock(lot):
            return
        before = self.pool
        pool, sale = issue(before, movement_id=self._next_id("S"), quantity=quantity, lot=lot)
        restored, back = return_in(
            pool, movement_id=self._next_id("SR"), quantity=quantity, original=sale, at=day(7)
        )
        assert restored == before and back.amount == sale.amount
        self._record(pool, sale)
        self._record(restored, back)
        self.returned[sale.movement_id] = quantity
        self.issues.append(sale)

    @precondition(lambda self: bool(self._open(self.issues)))
    @rule(data=st.data())
    def customer_returns(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self._open(self.issues)))
        before = self.returned.get(original.movement_id, D(0))
        quantity = data.draw(
            st.decimals(min_value=D("0.001"), max_value=original.quantity - before, places=3)
        )
        pool, back = return_in(
            self.pool,
            movement_id=self._next_id("SR"),
            quantity=quantity,
            original=original,
            at=day(data.draw(st.integers(min_value=0, max_value=8))),
            returned_before=before,
        )
        self.returned[original.movement_id] = before + quantity
        self._record(pool, back)

    @precondition(lambda self: bool(self._open(self.receipts)))
    @rule(data=st.data())
    def supplier_returns(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self._open(self.receipts)))
        before = self.returned.get(original.movement_id, D(0))
        quantity = data.draw(
            st.decimals(min_value=D("0.001"), max_value=original.quantity - before, places=3)
        )
        try:
            pool, out = return_out(
                self.pool,
                movement_id=self._next_id("PR"),
                quantity=quantity,
                original_receipt=original,
                returned_before=before,
            )
        except InsufficientStock:
            assert quantity > self._lot_stock(original.layers[0].lot)
            return
        self.returned[original.movement_id] = before + quantity
        self.credited[original.movement_id] = (
            self.credited.get(original.movement_id, D(0)) + out.document_amount
        )
        if before + quantity == original.quantity:
            # the supplier's credits for a receipt returned piece by piece add up to its cost
            assert self.credited[original.movement_id] == original.amount
        self._record(pool, out)

    @rule(data=st.data(), amount=_cost_amounts)
    def landed_cost(self, data: st.DataObject, amount: Decimal) -> None:
        ids = [receipt.movement_id for receipt in self.receipts]
        targets = data.draw(
            st.none() | st.lists(st.sampled_from(ids), min_size=1, max_size=3) if ids else st.none()
        )
        received = None
        if not self.method.layered and targets is not None:
            received = sum((r.quantity for r in self.receipts if r.movement_id in targets), D(0))
        pool, cost = add_cost(
            self.pool,
            movement_id=self._next_id("C"),
            amount=amount,
            target_source_ids=targets,
            received_quantity=received,
        )
        assert cost.document_amount == amount
        self._record(pool, cost)

    @invariant()
    def value_is_conserved_to_the_fen(self) -> None:
        assert sum((v.value_delta for v in self.valuations), D("0.00")) == self.pool.value
        by_flow = {flow: D(0) for flow in Flow}
        expensed = D(0)
        for v in self.valuations:
            by_flow[v.flow] += v.document_amount if v.flow is Flow.COST else v.amount
            if v.flow is Flow.COST:
                expensed += v.expensed
        # receipts + added costs − issues − expensed + returns in − returns out == pool value
        assert (
            by_flow[Flow.RECEIPT]
            + by_flow[Flow.COST]
            - by_flow[Flow.ISSUE]
            - expensed
            + by_flow[Flow.RETURN_IN]
            - by_flow[Flow.RETURN_OUT]
            == self.pool.value
        )
        assert sum((v.quantity_delta for v in self.valuations), D(0)) == self.pool.quantity

    @invariant()
    def nothing_goes_negative_and_nothing_empty_keeps_value(self) -> None:
        pool = self.pool
        assert pool.quantity >= 0 and pool.value >= 0
        assert pool.value == pool.value.quantize(D("0.01"))
        if pool.quantity == 0:
            assert pool.value == 0
        for layer in pool.layers:
            assert layer.quantity >= 0 and layer.value >= 0
            if layer.quantity == 0:
                assert layer.value == 0
            # returns go back where the goods came from, never beyond what the receipt brought
            assert layer.received_quantity == 0 or layer.quantity <= layer.received_quantity

    @invariant()
    def layers_stay_in_fifo_order_and_add_up_to_the_pool(self) -> None:
        pool = self.pool
        if not pool.method.layered:
            assert pool.layers == ()
            return
        keys = [(layer.received_at, layer.source_id) for layer in pool.layers]
        assert keys == sorted(keys)
        assert sum((layer.quantity for layer in pool.layers), D(0)) == pool.quantity
        assert sum((layer.value for layer in pool.layers), D(0)) == pool.value


_law_settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


class MovingAverageLaws(PoolLaws):
    method = CostMethod.MOVING_AVERAGE


class FifoLaws(PoolLaws):
    method = CostMethod.FIFO


class SpecificLotLaws(PoolLaws):
    method = CostMethod.SPECIFIC_LOT


TestMovingAveragePoolsKeepTheirLaws = MovingAverageLaws.TestCase
TestMovingAveragePoolsKeepTheirLaws.settings = _law_settings
TestFifoPoolsKeepTheirLaws = FifoLaws.TestCase
TestFifoPoolsKeepTheirLaws.settings = _law_settings
TestSpecificLotPoolsKeepTheirLaws = SpecificLotLaws.TestCase
TestSpecificLotPoolsKeepTheirLaws.settings = _law_settings
