"""Small factories: each test builds its own organisation, sites and items with random codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.cli.admin import initialise
from jxc.inventory.commands import MoveLine, PostingResult, PostStock
from jxc.org import services as org
from tests.conftest import ref

_initialised: set[int] = set()


def ready(app: App) -> App:
    """Seed states and virtual sites once per engine (migrations ran in the fixture)."""
    if id(app.engine) not in _initialised:
        initialise(app)
        _initialised.add(id(app.engine))
    return app


@dataclass
class Network:
    org: str
    warehouse: str
    store: str
    lenient: str  # a site that allows negative stock


def network(app: App, *, region: str = "华东") -> Network:
    ready(app)
    code = ref("ORG")
    with app.uow() as uow:
        org.register_organisation(uow, code=code, name_zh="测试公司", name_en="Test Co", relation="direct")
    sites = []
    for kind, lat, lon, negative in (("warehouse", "31.23", "121.47", False), ("store", "30.27", "120.15", False),
                                     ("store", "31.30", "120.58", True)):
        site = ref("S")
        with app.uow() as uow:
            org.register_site(uow, code=site, name_zh=site, name_en=site, kind=kind, organisation_code=code,
                              region=region, latitude=Decimal(lat), longitude=Decimal(lon), allow_negative=negative)
        sites.append(site)
    return Network(org=code, warehouse=sites[0], store=sites[1], lenient=sites[2])


def item(app: App, *, tracking: str = "none", shelf_life_days: int | None = None, **extra: Any) -> str:
    sku = ref("SKU")
    with app.uow() as uow:
        catalog.register_item(
            uow, sku=sku, name_zh="测试物料", name_en="test item", category="测试", base_unit="支",
            units={"箱": Decimal(24)}, tracking=tracking, shelf_life_days=shelf_life_days, **extra,
        )
    return sku


def post(app: App, *lines: MoveLine, key: str | None = None, **kw: Any) -> PostingResult:
    with app.uow() as uow:
        return app.ledger.post(uow, PostStock(idempotency_key=key or ref("K"), lines=lines, **kw))


def receive(app: App, sku: str, qty: str | int, site: str, **kw: Any) -> PostingResult:
    return post(app, MoveLine(sku=sku, quantity=str(qty), from_site="@supplier", to_site=site, **kw))


def lot_dates(days: int) -> dict[str, date]:
    return {"production_date": date(2026, 1, 1) - timedelta(days=1), "expiry_date": date(2026, 1, 1) + timedelta(days=days)}
