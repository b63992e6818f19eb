"""``jxc signals template|import|demand``: sales events from a file to demand history, on a fresh SQLite file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jxc.access import services as access
from jxc.bootstrap import App, bootstrap
from jxc.cli.main import app as cli
from jxc.config import Settings
from tests.conftest import TEST_SECRET, ref
from tests.factories import item, network

HEADINGS = ["event_id", "occurred_at", "channel", "site", "sku", "quantity", "unit_price", "promotion"]


@pytest.fixture
def local(tmp_path: Path) -> tuple[str, App]:
    """A fresh embedded database the CLI and the test share."""
    url = f"sqlite:///{tmp_path / 'jxc.sqlite'}"
    return url, bootstrap(Settings(database_url=url, secret_key=TEST_SECRET))


def jxc(url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output


def sales_file(path: Path, rows: list[list[Any]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def user(app: App, role: str, **scope: Any) -> str:
    name = ref(role[:4]).lower()
    with app.uow() as uow:
        access.add_user(uow, username=name, password="long enough pw", roles=(role,), **scope)
    return name


def test_sales_go_from_a_file_to_demand_history_and_a_second_import_counts_nothing(
    local: tuple[str, App], tmp_path: Path,
) -> None:
    url, app = local
    net = network(app)
    sku = item(app)
    rows = [[ref("EV"), "2025-12-30 09:10", "pos", net.store, sku, "2", "3.50", "否"],
            [ref("EV"), "2025-12-30 09:40", "online", net.store, sku, "3", "3.00", "是"],
            [ref("EV"), "2025-12-31T01:00:00Z", "", net.store, sku, "1", "3.50", ""]]
    data = sales_file(tmp_path / "sales.csv", rows)

    out = jxc(url, "signals", "import", str(data))
    assert "accepted 3 new event(s), 0 duplicate(s)" in out
    report = json.loads(jxc(url, "signals", "import", str(data), "--json"))
    assert (report["accepted"], report["duplicates"], report["imported"], report["errors"]) == (0, 3, 3, [])

    demand = json.loads(jxc(url, "signals", "demand", sku, net.store, "--json"))
    assert [(p["period"], p["quantity"], p["promo_quantity"], p["events"]) for p in demand["points"]] == [
        ("2025-12-30", "5", "3", 2), ("2025-12-31", "1", "0", 1)]
    hourly = json.loads(jxc(url, "signals", "demand", sku, net.store, "--by", "hour", "--json"))
    assert [p["quantity"] for p in hourly["points"]] == ["5", "1"]  # 09:00 Shanghai, then 09:00 on the 31st
    shown = jxc(url, "signals", "demand", sku, net.store, "--by", "hour")
    assert "2025-12-30 09:00" in shown and "total 6 in 2 period(s)" in shown


def test_a_refused_file_exits_2_with_its_errors_by_row_and_column(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    net = network(app)
    sku = item(app)
    data = sales_file(tmp_path / "bad.csv", [[ref("EV"), "2025-12-30 09:10", "", net.store, sku, "2", "3.50", ""],
                                             [ref("EV"), "2025-12-30 09:20", "", net.store, "NOPE", "1", "3.50", ""]])
    errors = tmp_path / "errors.xlsx"
    out = jxc(url, "signals", "import", str(data), "--errors-out", str(errors), code=2)
    assert "accepted 0 new event(s)" in out and "2 row(s) refused" in out and "unknown item NOPE" in out
    listed = [r for r in load_workbook(errors).active.iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2], r[3]) for r in listed] == [(3, "物料编码 / SKU", "NOPE", "item.not_found")]
    assert json.loads(jxc(url, "signals", "demand", sku, net.store, "--json"))["points"] == []

    out = jxc(url, "signals", "import", str(data), "--valid-only")
    assert "accepted 1 new event(s)" in out and "1 row(s) refused" in out


def test_the_template_and_access_checks(local: tuple[str, App], tmp_path: Path) -> None:
    url, app = local
    net = network(app)
    other = network(app)
    sku = item(app)
    jxc(url, "signals", "template", "-o", str(tmp_path / "sales.xlsx"))
    assert load_workbook(tmp_path / "sales.xlsx").sheetnames[0] == "销售事件 Sales events"
    jxc(url, "signals", "template", "-o", str(tmp_path / "sales.csv"))
    assert (tmp_path / "sales.csv").read_text(encoding="utf-8-sig").startswith("事件编号 / Event ID *,")

    clerk = user(app, "store_clerk", organisations=[net.org])
    keeper = user(app, "warehouse_keeper", organisations=[net.org])
    mine = sales_file(tmp_path / "mine.csv", [[ref("EV"), "2025-12-30 09:10", "", net.store, sku, "1", "3", ""]])
    theirs = sales_file(tmp_path / "theirs.csv", [[ref("EV"), "2025-12-30 09:10", "", other.store, sku, "1", "3", ""]])
    assert "accepted 1" in jxc(url, "--as", clerk, "signals", "import", str(mine))
    assert "access.out_of_scope" in jxc(url, "--as", clerk, "signals", "import", str(theirs), code=5)
    assert "access.denied" in jxc(url, "--as", keeper, "signals", "import", str(mine), code=5)
    jxc(url, "--as", clerk, "signals", "demand", sku, net.store)
    jxc(url, "--as", clerk, "signals", "demand", sku, other.store, code=5)
