"""Issue 2's acceptance path through the real CLI: `jxc demo`, then `jxc atp … --json`, whose
figures must equal the sums of the item's movements (computed here straight from inv_movements)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from jxc.cli.main import app as cli

SKU = "FR-0001"  # the demo's lemon tea


def run(url: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def movement_sums_by_site_and_state(url: str, sku: str) -> dict[tuple[str, str], Decimal]:
    """Σ in − Σ out per (site, state) over real buckets, from the append-only movements."""
    engine = create_engine(url)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    query = text("""
        SELECT s.code, b.state, m.quantity, CASE WHEN m.to_bucket_id = b.bucket_id THEN 1 ELSE -1 END
        FROM inv_movements m
        JOIN inv_balances b ON b.bucket_id IN (m.from_bucket_id, m.to_bucket_id)
        JOIN org_sites s ON s.id = b.site_id
        JOIN cat_items i ON i.id = m.item_id
        WHERE i.sku = :sku AND b.is_virtual = :virtual
    """)
    with engine.connect() as connection:
        for site, state, minor, sign in connection.execute(query, {"sku": sku, "virtual": False}):
            sums[(site, state)] += sign * Decimal(minor) / 10**6
    engine.dispose()
    return {k: v for k, v in sums.items() if v != 0}


@pytest.mark.slow
def test_demo_then_atp_by_site_equals_the_sums_of_the_items_movements(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    summary = run(url, "demo", "--items", "60", "--days", "45", "--json")
    assert summary["movements"] > 1000
    report = run(url, "atp", SKU, "--by", "site", "--json")
    from_atp = {
        (group["key"], state): Decimal(quantity)
        for group in report["groups"] for state, quantity in group["by_state"].items() if Decimal(quantity) != 0
    }
    assert from_atp == movement_sums_by_site_and_state(url, SKU)
    assert len({site for site, _ in from_atp}) >= 3
    for group in report["groups"]:
        expected = (Decimal(group["available"]) - Decimal(group["unreserved_commitments"])
                    + Decimal(group["scheduled_receipts"]))
        assert Decimal(group["atp"]) == expected
    verify = CliRunner().invoke(cli, ["--database-url", url, "stock", "verify"])
    assert verify.exit_code == 0


def test_cli_bad_input_prints_one_line_naming_the_field_and_exits_non_zero(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    assert CliRunner().invoke(cli, ["--database-url", url, "init"]).exit_code == 0
    cases = [
        (["stock", "post", "NOPE", "1", "--from", "@supplier", "--to", "@customer"], 3, "lines[0].sku"),
        (["stock", "post", "NOPE", "0", "--from", "@supplier", "--to", "@customer"], 3, "lines[0].sku"),
        (["stock", "post", "NOPE", "abc", "--from", "@supplier", "--to", "@customer"], 2, "quantity"),
        (["atp", "NOPE"], 3, "sku"),
        (["stock", "reserve", "NOPE", "1", "--site", "X", "--ttl", "soon"], 2, "ttl"),
        (["item", "add", "--sku", "G1", "--name-zh", "测", "--name-en", "t", "--category", "c",
          "--base-unit", "支", "--barcode", "6901234567893"], 2, "barcode"),
    ]
    for args, code, field in cases:
        result = CliRunner().invoke(cli, ["--database-url", url, *args])
        assert result.exit_code == code, (args, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and field in lines[0], (args, result.output)


def test_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = CliRunner().invoke(cli, ["--database-url", url, "stock", "balance"])
    assert result.exit_code != 0 and "jxc init" in result.output
