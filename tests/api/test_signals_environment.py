"""Environmental series per site or region: file and API providers, revisions replace, bad rows named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from jxc.bootstrap import App
from jxc.kernel.errors import InvalidInput, NotFound
from jxc.signals import services as signals
from jxc.signals.environment import CsvProvider, Reading, Series
from tests.factories import network


def test_a_file_of_readings_is_stored_and_a_revision_replaces_the_value(app: App, tmp_path: Path) -> None:
    net = network(app, region="华东")
    path = tmp_path / "env.csv"
    path.write_text("series,scope,date,hour,value\n"
                    f"temperature,{net.store},2026-01-05,,3.5\n"
                    f"foot_traffic,{net.store},2026-01-05,12,420\n"
                    "outpatient_visits,华东,2026-01-05,,1850\n", encoding="utf-8")
    with app.uow() as uow:
        assert signals.ingest_environment(uow, CsvProvider(path).readings()) == 3
        uow.commit()
    with app.uow() as uow:
        signals.ingest_environment(uow, [Reading(series=Series.TEMPERATURE, scope=net.store, day=date(2026, 1, 5),
                                                 hour=None, value=Decimal("4.0"), source="corrected")])
        uow.commit()
    with app.uow() as uow:
        [temperature] = signals.environment(uow, series="temperature", scope=net.store)
        [traffic] = signals.environment(uow, series="foot_traffic", scope=net.store)
    assert (temperature.value, temperature.source, temperature.hour) == (Decimal("4.0"), "corrected", None)
    assert (traffic.value, traffic.hour) == (Decimal(420), 12)


@pytest.mark.parametrize(("line", "field"), [
    ("rainfall,S,2026-01-05,,1", "row 2, column series"),
    ("rain,S,2026-13-05,,1", "row 2, column date"),
    ("rain,S,2026-01-05,25,1", "readings[0].hour"),
    ("rain,S,2026-01-05,,-2", "readings[0].value"),
    ("rain,S,2026-01-05,,abc", "row 2, column value"),
])
def test_a_bad_row_refuses_the_file_naming_it(app: App, tmp_path: Path, line: str, field: str) -> None:
    net = network(app)
    path = tmp_path / "env.csv"
    path.write_text("series,scope,date,hour,value\n" + line.replace(",S,", f",{net.store},") + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info, app.uow() as uow:
        signals.ingest_environment(uow, CsvProvider(path).readings())
    assert info.value.field == field


def test_an_unknown_scope_is_refused(app: App) -> None:
    with pytest.raises(NotFound) as info, app.uow() as uow:
        signals.ingest_environment(uow, [Reading(series=Series.RAIN, scope="NOWHERE", day=date(2026, 1, 5), hour=None,
                                                 value=Decimal(1))])
    assert info.value.field == "readings[0].scope"


def test_readings_over_http(app: App, as_role: Callable[..., httpx.Client]) -> None:
    net = network(app)
    clerk = as_role(roles=("store_clerk",), organisations=[net.org])
    sent = clerk.post("/signals/environment", json={"readings": [
        {"series": "foot_traffic", "scope": net.store, "date": "2026-01-06", "hour": 19, "value": "510"}]})
    assert sent.status_code == 200 and sent.json() == {"stored": 1}
    read = clerk.get("/signals/environment", params={"series": "foot_traffic", "scope": net.store}).json()
    assert [(r["date"], r["hour"], r["value"]) for r in read] == [("2026-01-06", 19, "510")]
