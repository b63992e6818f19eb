"""``jxc transfer|stocktake open|count|post|po landed-cost``: a transfer, a stocktake and a landed cost
from the command line, on a fresh SQLite file; ``--as`` passes the API's checks."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.bootstrap import App, bootstrap
from jxc.cli.main import app as cli
from jxc.config import Settings
from jxc.documents.services.opening import OpeningLineIn
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network
from tests.integration.document_helpers import balance, opening, supplier


@pytest.fixture
def local(tmp_path: Path) -> tuple[str, App]:
    """A fresh embedded database the CLI and the test share."""
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    return url, bootstrap(Settings(database_url=url, secret_key=TEST_SECRET))


def jxc(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output


def as_json(url: str, *args: str) -> Any:
    return json.loads(jxc(url, *args, "--json"))


def user(app: App, role: str, **scope: Any) -> str:
    name = ref(role[:4]).lower()
    with app.uow() as uow:
        access.add_user(uow, username=name, password="long enough pw", roles=(role,), **scope)
    return name


def approved(url: str, org: str, number: str, approver: str, *, submitter: tuple[str, ...] = ()) -> None:
    request = as_json(url, *submitter, "doc", "submit", org, number)["approval"]
    jxc(url, "--as", approver, "approval", "approve", str(request["id"]))


def test_a_transfer_a_stocktake_and_a_landed_cost_from_the_command_line(local: tuple[str, App]) -> None:
    url, app = local
    net = network(app)
    sku, lost = item(app), item(app)
    carrier, vendor = supplier(app), supplier(app, "华东乳业")
    opening(app, net.org, net.warehouse, OpeningLineIn(sku=sku, quantity=Decimal(100), unit_cost=Decimal("10.00")),
            OpeningLineIn(sku=lost, quantity=Decimal(20), unit_cost=Decimal("12.50")))
    keeper = user(app, "warehouse_keeper", organisations=[net.org])
    manager = user(app, "regional_manager", organisations=[net.org])
    clerk = user(app, "store_clerk", organisations=[net.org])
    director = user(app, "purchasing_director")

    # A transfer: a clerk may not create one; the keeper does, a manager approves, 30 ship, 25 arrive,
    # and the carrier answers for the 5 lost.
    jxc(url, "--as", clerk, "transfer", "create", "--from", net.warehouse, "--to", net.store, "--line", f"{sku}:1",
        code=5)
    order = as_json(url, "--as", keeper, "transfer", "create", "--from", net.warehouse, "--to", net.store,
                    "--line", f"{sku}:30")
    number = order["number"]
    assert (order["type"], order["status"], order["site"]) == ("transfer_order", "draft", net.warehouse)
    approved(url, net.org, number, manager, submitter=("--as", keeper))
    shipped = as_json(url, "--as", keeper, "transfer", "ship", net.org, number, "--line", "1:30", "--key", "K-ship")
    assert shipped["status"] == "partially_done"
    as_json(url, "--as", keeper, "transfer", "ship", net.org, number, "--line", "1:30", "--key", "K-ship")  # once
    assert balance(app, sku, net.store, "in_transit") == 30
    as_json(url, "transfer", "receive", net.org, number, "--line", "1:25")
    jxc(url, "--as", manager, "transfer", "close", net.org, number, "--responsible", "1=carrier", "--carrier",
        carrier, "--reason", "运输途中丢失", code=5)  # a write-off to @transit-loss: not a manager's
    closed = as_json(url, "--as", keeper, "transfer", "close", net.org, number, "--responsible", "1=carrier",
                     "--carrier", carrier, "--reason", "运输途中丢失")
    assert closed["status"] == "done" and Decimal(closed["lines"][0]["shortage"]) == 5
    assert (balance(app, sku, net.warehouse), balance(app, sku, net.store)) == (70, 25)
    shown = as_json(url, "doc", "show", net.org, number)
    assert {v["kind"] for v in shown["vouchers"]} == {"transit_loss.inventory", "loss_charge.carrier"}

    # A stocktake of one item: 18 found of 20, approved, posted with a loss voucher.
    sheet = as_json(url, "--as", keeper, "stocktake", "open", "--site", net.warehouse, "--sku", lost)
    assert [line["sku"] for line in sheet["lines"]] == [lost]
    jxc(url, "--as", clerk, "stocktake", "count", net.org, sheet["number"], "--count", f"{lost}:18", code=5)
    counted = as_json(url, "--as", keeper, "stocktake", "count", net.org, sheet["number"], "--count", f"{lost}:18")
    assert Decimal(counted["lines"][0]["counted_qty"]) == 18
    jxc(url, "stocktake", "post", net.org, sheet["number"], code=4)  # not approved yet: a conflict
    approved(url, net.org, sheet["number"], manager)
    posted = as_json(url, "--as", keeper, "stocktake", "post", net.org, sheet["number"])
    assert posted["status"] == "done" and balance(app, lost, net.warehouse) == 18
    assert [v["kind"] for v in as_json(url, "doc", "show", net.org, sheet["number"])["vouchers"]] == [
        "stocktake_loss"]

    # A landed cost of 300.00 by value on a receipt of 100 × 10.00.
    po = as_json(url, "po", "create", "--org", net.org, "--supplier", vendor, "--site", net.warehouse,
                 "--line", f"{sku}:100:10.00")
    approved(url, net.org, po["number"], director)
    receipt = as_json(url, "po", "receive", net.org, po["number"], "--line", "1:100", "--no-qc")
    landed = as_json(url, "--as", keeper, "po", "landed-cost", net.org, receipt["number"], "--total", "300",
                     "--basis", "value", "--carrier", carrier)
    assert "landed_cost" in [h["action"] for h in landed["history"]]
    booked = {v["kind"]: v for v in as_json(url, "doc", "show", net.org, receipt["number"])["vouchers"]}
    assert sorted((line["account"], Decimal(line["credit"])) for line in booked["landed_cost"]["lines"]) == [
        ("1405", Decimal(0)), ("2202", Decimal(300))]
