"""``build_demo`` on SQLite and PostgreSQL: a consistent network, history and ATP; re-runs replay.

The session's databases are shared, so each build uses a random code prefix and seed, and a
small size (60 items, 30 days).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jxc.bootstrap import App
from jxc.catalog import barcodes
from jxc.catalog import services as catalog
from jxc.cli.admin import initialise
from jxc.demo import DemoSummary, build_demo
from jxc.demo.history import History
from jxc.demo.items import build_items, gtin13
from jxc.demo.network import demo_network
from jxc.inventory import tables as ledger_tables
from jxc.inventory.commands import payload_hash
from jxc.org import services as org

ITEMS, DAYS = 60, 30


def movement_count(app: App) -> int:
    with app.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(ledger_tables.movements)).scalar_one())


@pytest.fixture
def built(app: App) -> tuple[DemoSummary, str, int]:
    initialise(app)
    prefix, seed = f"T{uuid.uuid4().hex[:6].upper()}-", random.randrange(1, 10**6)
    return build_demo(app, items=ITEMS, days=DAYS, seed=seed, prefix=prefix), prefix, seed


def test_demo_builds_the_organisations_sites_and_project(app: App, built: tuple[DemoSummary, str, int]) -> None:
    summary, prefix, _ = built
    with app.uow() as uow:
        organisations = [o for o in org.list_organisations(uow) if o.code.startswith(prefix)]
        sites = [s for s in org.list_sites(uow) if s.code.startswith(prefix)]
        bins = {s.code: org.list_bins(uow, site_code=s.code) for s in sites if s.kind == "warehouse"}
        project = org.get_project(uow, summary.project_code)
    assert len(organisations) >= 3 and summary.organisations == len(organisations)
    assert {o.relation.value for o in organisations} >= {"direct", "franchise"}
    assert Counter(s.kind.value for s in sites) == {"warehouse": 2, "store": 4, "channel": 2}
    assert {s.channel for s in sites if s.kind.value == "channel"} == {"tmall", "douyin"}
    assert {s.region for s in sites} == {"华东", "华南"}
    assert all(s.latitude is not None and s.longitude is not None for s in sites)
    assert sum(len(b) for b in bins.values()) >= 24
    assert all(b.x >= 0 and b.z >= 0 for site_bins in bins.values() for b in site_bins)
    assert project.code == f"{prefix}PRJ-2026-017" and project.site_id is not None


def test_demo_items_span_three_industries_with_valid_barcodes(app: App, built: tuple[DemoSummary, str, int]) -> None:
    summary, prefix, _ = built
    skus = [item.sku for item in build_items(ITEMS, prefix=prefix)]
    with app.uow() as uow:
        items = catalog.items_by_sku(uow, skus)
    assert len(items) == summary.items == ITEMS
    assert {item.category.split("/")[0] for item in items.values()} == {"生鲜", "医疗耗材", "五金"}
    assert {item.tracking.value for item in items.values()} == {"none", "lot", "serial"}
    assert {item.abc_class.value for item in items.values()} == {"A", "B", "C"}
    for item in items.values():
        (code,) = item.barcodes
        assert code[:3] in {"690", "691", "692", "693", "694", "695"} and barcodes.normalise(code) == code
    lemon_tea = items[summary.lemon_tea_sku]
    assert "柠檬茶" in lemon_tea.name_zh and lemon_tea.storage_max_c == 8 and lemon_tea.units == {"箱": 24}
    assert "流感" in items[summary.vaccine_sku].name_zh and items[summary.hardware_sku].category.startswith("五金")


def test_gtin13_check_digit() -> None:
    assert gtin13("690123456789") == "6901234567892"


def test_demo_history_keeps_the_ledger_consistent(app: App, built: tuple[DemoSummary, str, int]) -> None:
    summary, _, _ = built
    assert summary.movements > 1000 and summary.new_movements == summary.movements
    assert {"sale", "transfer_out", "transfer_in", "receipt", "expiry"} <= set(summary.movements_by_kind)
    with app.uow() as uow:
        assert app.stock.verify(uow) == []


def test_lemon_tea_atp_by_site_equals_its_balances(app: App, built: tuple[DemoSummary, str, int]) -> None:
    summary, _, _ = built
    with app.uow() as uow:
        report = app.stock.atp(uow, sku=summary.lemon_tea_sku, by="site")
        balances = app.stock.balances(uow, sku=summary.lemon_tea_sku)
    expected: dict[str, dict[str, Decimal]] = {}
    for line in balances:
        per_state = expected.setdefault(line.site, {})
        per_state[line.state] = per_state.get(line.state, Decimal(0)) + line.quantity
    assert {group.key: group.by_state for group in report.groups if group.by_state} == expected
    assert len(expected) >= 4  # the four stores at least


def test_demo_leaves_open_reservations_and_stock_in_transit(app: App, built: tuple[DemoSummary, str, int]) -> None:
    summary, _, _ = built
    assert summary.reservations >= 2
    with app.uow() as uow:
        vaccine = app.stock.atp(uow, sku=summary.vaccine_sku, by="network").groups[0]
        in_transit = sum(g.scheduled_receipts for g in app.stock.atp(uow, sku=summary.vaccine_sku).groups)
    assert vaccine.by_state.get("reserved", Decimal(0)) > 0
    assert in_transit > 0 and vaccine.scheduled_receipts == in_transit


def test_rerunning_the_same_seed_adds_no_movements(app: App, built: tuple[DemoSummary, str, int]) -> None:
    first, prefix, seed = built
    before = movement_count(app)
    again = build_demo(app, items=ITEMS, days=DAYS, seed=seed, prefix=prefix)
    assert movement_count(app) == before
    assert again.new_movements == 0 and again.replayed_postings == first.postings
    assert (again.movements, again.lots, again.reservations) == (first.movements, first.lots, first.reservations)


def test_same_seed_gives_the_same_postings() -> None:
    def fingerprints(seed: int) -> list[str]:
        network = demo_network("X-")
        history = History(
            network=network, items=build_items(40, prefix="X-"), first_day=datetime(2025, 6, 1).date(),
            last_day=datetime(2025, 6, 20).date(), anchor=datetime(2025, 6, 21, 2, tzinfo=UTC), seed=seed,
            namespace=f"X-{seed}",
        )
        return [payload_hash("post", command) + command.idempotency_key for command in history.postings()]

    assert fingerprints(7) == fingerprints(7)
    assert fingerprints(7) != fingerprints(8)
