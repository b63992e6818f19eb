"""``jxc --as USER …``: the CLI shows, exports and posts exactly what USER may (scope and masks)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.bootstrap import App, bootstrap
from jxc.cli.main import app as cli
from jxc.config import Settings
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network, receive


@pytest.fixture
def local(tmp_path: Path) -> tuple[str, App]:
    """A fresh embedded database the CLI and the test share."""
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    return url, bootstrap(Settings(database_url=url, secret_key=TEST_SECRET))


def jxc(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == code, result.output
    return result.stdout


def test_as_a_regional_manager_the_cli_masks_costs_and_keeps_to_the_scope(local: tuple[str, App],
                                                                          tmp_path: Path) -> None:
    url, app = local
    net, far = network(app), network(app, region="西南")
    sku = item(app, standard_cost="41.75")
    receive(app, sku, 5, net.store)
    receive(app, sku, 3, far.store)
    manager = ref("mgr").lower()
    with app.uow() as uow:
        access.add_user(uow, username=manager, password="long enough pw", roles=("regional_manager",),
                        region="华东", home_site=net.store, radius_km=200)

    assert json.loads(jxc(url, "item", "show", sku, "--json"))["standard_cost"] == "41.75"
    shown = json.loads(jxc(url, "--as", manager, "item", "show", sku, "--json"))
    assert shown["standard_cost"] == "***"
    assert "41.75" not in jxc(url, "--as", manager, "item", "show", sku)

    balances = json.loads(jxc(url, "--as", manager, "stock", "balance", "--sku", sku, "--json"))
    assert [b["site"] for b in balances] == [net.store]
    atp = json.loads(jxc(url, "--as", manager, "atp", sku, "--json"))
    assert {g["key"] for g in atp["groups"]} == {net.store}

    out = tmp_path / "items.csv"
    jxc(url, "--as", manager, "item", "export", "--format", "csv", "--out", str(out))
    row = next(r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))) if r["sku"] == sku)
    assert row["standard_cost"] == "***"
    book = tmp_path / "balances.xlsx"
    jxc(url, "--as", manager, "stock", "export", "--sku", sku, "--out", str(book))
    sites = [r[1] for r in list(load_workbook(book, read_only=True).worksheets[0].iter_rows(values_only=True))[1:]]
    assert sites == [net.store]


def test_as_a_clerk_an_adjustment_is_refused_and_audited(local: tuple[str, App]) -> None:
    url, app = local
    net = network(app)
    sku = item(app)
    receive(app, sku, 5, net.store)
    clerk = ref("clerk").lower()
    with app.uow() as uow:
        access.add_user(uow, username=clerk, password="long enough pw", roles=("store_clerk",),
                        home_site=net.store, radius_km=1)
    jxc(url, "--as", clerk, "stock", "post", sku, "1", "--from", net.store, "--to", "@adjustment", code=5)
    with app.uow() as uow:
        refused = [e for e in access.list_audit(uow, actor=f"user:{clerk}") if e.outcome == "refused"]
    assert refused and refused[0].detail["via"] == "cli"
    jxc(url, "--as", clerk, "stock", "move", sku, "1", "--site", net.store, "--to-state", "damaged", code=5)
