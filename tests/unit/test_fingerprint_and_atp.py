"""Idempotency fingerprints and the ATP roll-up, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

from jxc.inventory.atp import RollUp, roll_up
from jxc.inventory.commands import MoveLine, PostStock, posting_fingerprint
from jxc.inventory.model import SiteFacts
from jxc.inventory.states import State


def post(**line: object) -> PostStock:
    values: dict[str, object] = {"sku": "A", "quantity": 3, "from_site": "@supplier", "to_site": "S1", **line}
    return PostStock(idempotency_key="k", lines=(MoveLine(**values),))  # type: ignore[arg-type]


def test_equal_payloads_fingerprint_equal_whatever_their_spelling() -> None:
    assert posting_fingerprint(post(quantity=3)) == posting_fingerprint(post(quantity="3.0"))
    assert posting_fingerprint(post(quantity=Decimal("3.000"))) == posting_fingerprint(post(quantity=3))
    assert posting_fingerprint(post(to_state=State.FROZEN)) == posting_fingerprint(post(to_state="frozen"))
    at_utc = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    at_beijing = at_utc.astimezone(timezone(timedelta(hours=8)))
    assert posting_fingerprint(post(eta=at_utc)) == posting_fingerprint(post(eta=at_beijing))


def test_different_payloads_fingerprint_differently() -> None:
    base = posting_fingerprint(post())
    for change in ({"quantity": 4}, {"to_site": "S2"}, {"lot": "L1"}, {"serials": ("SN1",)}, {"unit": "箱"}):
        assert posting_fingerprint(post(**change)) != base, change


def site(code: str, region: str, org: object) -> SiteFacts:
    return SiteFacts(id=uuid4(), code=code, organisation_id=org, region=region, is_virtual=False)  # type: ignore[arg-type]


def test_atp_is_available_minus_unreserved_commitments_plus_scheduled_receipts() -> None:
    org = uuid4()
    sites = {"a": site("SH-1", "华东", org), "b": site("SZ-1", "华南", org)}
    stock = [("a", None, "available", 10_000_000), ("a", None, "frozen", 2_000_000), ("b", None, "available", 5_000_000)]
    groups = roll_up(by=RollUp.SITE, stock=stock, receipts=[("a", 4_000_000)], commitments=[("a", 3_000_000)],
                     sites=sites)
    by_key = {g.key: g for g in groups}
    assert by_key["SH-1"].atp == Decimal(11) and by_key["SH-1"].by_state == {"available": 10, "frozen": 2}
    assert by_key["SZ-1"].atp == Decimal(5)
    [network] = roll_up(by=RollUp.NETWORK, stock=stock, receipts=[("a", 4_000_000)],
                        commitments=[("a", 3_000_000)], sites=sites)
    assert network.atp == Decimal(16) and network.sites == {"SH-1", "SZ-1"}
    regions = [g.key for g in roll_up(by=RollUp.REGION, stock=stock, receipts=[], commitments=[], sites=sites)]
    assert regions == sorted(["华东", "华南"])
