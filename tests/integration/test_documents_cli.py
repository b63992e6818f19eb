"""``jxc po|so|doc|approval|voucher|period``: purchase to sale from the command line, on a fresh SQLite file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.accounting.export import HEADER, README_SHEET, VOUCHER_SHEET
from jxc.bootstrap import App, bootstrap
from jxc.catalog import services as catalog
from jxc.cli.main import app as cli
from jxc.config import Settings
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network


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


def test_purchase_to_sale_from_the_command_line(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    net = network(app)
    sku = item(app)
    supplier, customer = ref("SUP"), ref("CUS")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
        catalog.register_customer(uow, code=customer, name="城东超市")
    director = user(app, "purchasing_director")
    manager = user(app, "regional_manager", organisations=[net.org])
    clerk = user(app, "store_clerk", organisations=[net.org])

    po = as_json(url, "po", "create", "--org", net.org, "--supplier", supplier, "--site", net.warehouse,
                 "--line", f"{sku}:100:10.00")
    assert (po["status"], Decimal(po["amount"])) == ("draft", Decimal("1130.00"))
    jxc(url, "--as", clerk, "po", "create", "--org", net.org, "--supplier", supplier, "--site", net.warehouse,
        "--line", f"{sku}:1:1", code=5)  # a clerk sells, never buys

    request = as_json(url, "doc", "submit", net.org, po["number"])["approval"]
    assert [r["id"] for r in as_json(url, "approval", "inbox", "--as", director)] == [str(request["id"])]
    jxc(url, "approval", "approve", str(request["id"]), "--as", director)
    receipt = as_json(url, "po", "receive", net.org, po["number"], "--line", "1:100", "--no-qc")
    assert receipt["type"] == "goods_receipt"

    so = as_json(url, "so", "create", "--org", net.org, "--site", net.warehouse, "--customer", customer,
                 "--line", f"{sku}:30:25.00")
    request = as_json(url, "doc", "submit", net.org, so["number"])["approval"]
    jxc(url, "--as", manager, "approval", "approve", str(request["id"]))
    shipment = as_json(url, "so", "ship", net.org, so["number"], "--line", "1:29")

    listed = {d["number"]: d["status"] for d in as_json(url, "doc", "list", "--org", net.org)}
    assert listed == {po["number"]: "done", receipt["number"]: "done", so["number"]: "partially_done",
                      shipment["number"]: "done"}
    assert as_json(url, "doc", "show", net.org, po["number"])["executions"][0]["number"] == receipt["number"]
    masked = as_json(url, "--as", manager, "doc", "show", net.org, po["number"])
    assert masked["lines"][0]["unit_price"] == "***" and masked["vouchers"] is None

    vouchers = as_json(url, "voucher", "list", "--org", net.org)
    assert sorted(v["document_ref"] for v in vouchers) == sorted([receipt["number"], shipment["number"]])
    for voucher in vouchers:
        assert sum(Decimal(line["debit"]) for line in voucher["lines"]) == sum(
            Decimal(line["credit"]) for line in voucher["lines"]) == Decimal(voucher["total"])
    out = tmp_path / "vouchers.xlsx"
    jxc(url, "voucher", "export", "--org", net.org, "--format", "xlsx", "-o", str(out))
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [VOUCHER_SHEET, README_SHEET]
    rows = list(book[VOUCHER_SHEET].iter_rows(values_only=True))
    assert tuple(rows[0]) == HEADER
    debit, credit = HEADER.index("借方金额"), HEADER.index("贷方金额")
    assert sum(Decimal(str(r[debit])) for r in rows[1:]) == sum(Decimal(str(r[credit])) for r in rows[1:]) > 0

    period = receipt["doc_date"][:7]
    assert as_json(url, "period", "close", net.org, period)["closed_through"] == period
    assert "period.closed" in jxc(url, "so", "ship", net.org, so["number"], "--line", "1:1", code=4)
    jxc(url, "period", "reopen", net.org, period, "--reason", "late invoice")
    assert as_json(url, "so", "ship", net.org, so["number"], "--line", "1:1")["status"] == "done"
