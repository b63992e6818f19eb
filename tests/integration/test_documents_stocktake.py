"""Stocktakes: snapshot, blind counts, approval, gains and losses posted with values and vouchers,
on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.documents.model import DocumentStatus, StocktakeSheet
from jxc.documents.services import approvals
from jxc.documents.services import common as c
from jxc.documents.services.opening import OpeningLineIn
from jxc.documents.services.stocktake import (
    CountIn,
    open_stocktake,
    post_variances,
    record_counts,
    variance_value,
)
from jxc.kernel.errors import Conflict, InvalidInput
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.document_helpers import (
    MANAGER,
    REQUESTER,
    approve,
    balance,
    balanced,
    entries,
    gl_equals_valuation,
    opening,
    pool,
    vouchers,
)

COUNTER = "user:counter"


def sheet_of(app: App, number: str, org: str) -> StocktakeSheet:
    with app.uow().reader() as uow:
        return c.load(uow, StocktakeSheet, organisation_id=c.organisation(uow, org).id,  # type: ignore[no-any-return]
                      number=number).document


def test_a_counted_gain_and_loss_are_posted_at_pool_cost_once_the_sheet_is_approved(app: App) -> None:
    net = network(app)
    gained, lost, untouched = item(app), item(app), item(app)
    opening(app, net.org, net.warehouse,
            OpeningLineIn(sku=gained, quantity=Decimal(50), unit_cost=Decimal("4.00")),
            OpeningLineIn(sku=lost, quantity=Decimal(20), unit_cost=Decimal("12.50")),
            OpeningLineIn(sku=untouched, quantity=Decimal(5), unit_cost=Decimal(1)))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, actor=COUNTER)
        uow.commit()
    assert sorted((line.sku, line.book_qty) for line in sheet.lines) == sorted(
        [(gained, 50), (lost, 20), (untouched, 5)])
    assert all(line.book_qty is None for line in sheet.counter_view())  # a blind count

    with app.uow() as uow:
        counted = record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER, counts=[
            CountIn(sku=gained, counted=Decimal(53)), CountIn(sku=lost, counted=Decimal(18)),
            CountIn(sku=untouched, counted=Decimal(5))])
        uow.commit()
    assert sorted((x.sku, x.difference) for x in counted.variances()) == sorted([(gained, 3), (lost, -2)])
    with app.uow().reader() as uow:
        assert variance_value(uow, app.documents, organisation=net.org, number=sheet.number) == Decimal("37.00")

    # Posting is refused before approval, and nothing moves.
    with pytest.raises(Conflict) as draft, app.uow() as uow:
        post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER)
    assert draft.value.code == "stocktake.not_approved"
    with app.uow() as uow:
        request = approvals.submit(uow, app.documents, organisation=net.org, number=sheet.number, actor=REQUESTER)
        uow.commit()
    with pytest.raises(Conflict) as submitted, app.uow() as uow:
        post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER)
    assert submitted.value.code == "stocktake.not_approved"
    assert (balance(app, gained, net.warehouse), balance(app, lost, net.warehouse)) == (50, 20)
    assert vouchers(app, net.org, sheet.number) == {}

    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=True, actor=MANAGER, actor_roles=["regional_manager"])
        uow.commit()
    key = ref("K")
    for _ in range(2):  # the same key posts once
        with app.uow() as uow:
            done = post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER,
                                  key=key)
            uow.commit()
    assert done.status is DocumentStatus.DONE

    # Gain 3 × 4.00 = 12.00; loss 2 × 12.50 = 25.00.
    assert (balance(app, gained, net.warehouse), balance(app, lost, net.warehouse)) == (53, 18)
    assert pool(app, net.org, gained) == (Decimal(53), Decimal("212.00"))
    assert pool(app, net.org, lost) == (Decimal(18), Decimal("225.00"))
    booked = vouchers(app, net.org, sheet.number)
    assert set(booked) == {"stocktake_gain", "stocktake_loss"}
    assert entries(booked["stocktake_gain"]) == [("1405", Decimal("12.00"), 0), ("1901", 0, Decimal("12.00"))]
    assert entries(booked["stocktake_loss"]) == [("1405", 0, Decimal("25.00")), ("1901", Decimal("25.00"), 0)]
    assert all(balanced(v) for v in booked.values())
    assert sheet_of(app, sheet.number, net.org).status is DocumentStatus.DONE
    gl_equals_valuation(app, net.org)


def test_a_gain_on_an_item_without_stock_is_valued_at_its_standard_cost(app: App) -> None:
    net = network(app)
    sku = item(app, standard_cost=Decimal("7.50"))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, skus=[sku], blind=False, actor=COUNTER)
        record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER,
                      counts=[CountIn(sku=sku, counted=Decimal(4))])
        uow.commit()
    assert [(line.sku, line.book_qty) for line in sheet.lines] == [(sku, 0)]
    assert sheet.counter_view()[0].book_qty == 0  # not blind: the counter sees the book
    approve(app, net.org, sheet.number)
    with app.uow() as uow:
        post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER)
        uow.commit()
    assert balance(app, sku, net.warehouse) == 4
    assert pool(app, net.org, sku) == (Decimal(4), Decimal("30.00"))
    assert entries(vouchers(app, net.org, sheet.number)["stocktake_gain"]) == [
        ("1405", Decimal("30.00"), 0), ("1901", 0, Decimal("30.00"))]
    gl_equals_valuation(app, net.org)


def test_a_gain_with_no_cost_to_value_it_at_is_refused_and_nothing_moves(app: App) -> None:
    net = network(app)
    sku = item(app)
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, skus=[sku], actor=COUNTER)
        record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER,
                      counts=[CountIn(sku=sku, counted=Decimal(2))])
        uow.commit()
    approve(app, net.org, sheet.number)
    with pytest.raises(InvalidInput) as refused, app.uow() as uow:
        post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER)
    assert refused.value.code == "stocktake.no_unit_cost"
    assert balance(app, sku, net.warehouse) == 0
    assert sheet_of(app, sheet.number, net.org).status is DocumentStatus.APPROVED


def test_a_rejected_sheet_is_recounted_and_the_recount_is_what_posts(app: App) -> None:
    net = network(app)
    sku, found = item(app), item(app, standard_cost=Decimal("2.00"))
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(30), unit_cost=Decimal("3.00")))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, skus=[sku], actor=COUNTER)
        record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER,
                      counts=[CountIn(sku=sku, counted=Decimal(20)), CountIn(sku=found, counted=Decimal(1))])
        request = approvals.submit(uow, app.documents, organisation=net.org, number=sheet.number, actor=REQUESTER)
        uow.commit()
    with app.uow() as uow:
        approvals.decide(uow, request_id=request.id, approve=False, actor=MANAGER, actor_roles=["regional_manager"],
                         reason="差异过大, 请复盘")
        uow.commit()
    assert sheet_of(app, sheet.number, net.org).status is DocumentStatus.DRAFT
    with pytest.raises(InvalidInput) as unknown, app.uow() as uow:
        record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER, recount=True,
                      counts=[CountIn(sku=sku, bin="NO-SUCH-BIN", counted=Decimal(29))])
    assert unknown.value.code == "document.unknown_line"
    with app.uow() as uow:
        record_counts(uow, organisation=net.org, number=sheet.number, actor=COUNTER, recount=True,
                      counts=[CountIn(sku=sku, counted=Decimal(29))])
        uow.commit()
    approve(app, net.org, sheet.number)
    with app.uow() as uow:
        post_variances(uow, app.documents, organisation=net.org, number=sheet.number, actor=MANAGER)
        uow.commit()
    # Recount 29: loss 1 × 3.00; the found item: gain 1 × 2.00 (standard cost).
    assert (balance(app, sku, net.warehouse), balance(app, found, net.warehouse)) == (29, 1)
    booked = vouchers(app, net.org, sheet.number)
    assert entries(booked["stocktake_loss"]) == [("1405", 0, Decimal("3.00")), ("1901", Decimal("3.00"), 0)]
    assert entries(booked["stocktake_gain"]) == [("1405", Decimal("2.00"), 0), ("1901", 0, Decimal("2.00"))]
    gl_equals_valuation(app, net.org)


def test_a_sheet_limited_to_a_category_snapshots_only_its_items(app: App) -> None:
    net = network(app)
    category, tea, other = ref("CAT"), ref("SKU"), item(app)
    with app.uow() as uow:
        catalog.register_item(uow, sku=tea, name_zh="绿茶", name_en="green tea", category=f"{category}/green",
                              base_unit="盒")
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=tea, quantity=Decimal(3), unit_cost=Decimal(1)),
            OpeningLineIn(sku=other, quantity=Decimal(3), unit_cost=Decimal(1)))
    with app.uow() as uow:
        sheet = open_stocktake(uow, app.documents, site=net.warehouse, categories=[category], actor=COUNTER)
        uow.commit()
    assert [(line.sku, line.book_qty) for line in sheet.lines] == [(tea, 3)]
    assert sheet.scope.categories == (category,)
