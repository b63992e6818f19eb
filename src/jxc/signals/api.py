"""Demand signals over HTTP.

- ``POST /signals/sales``: one or many sales events (at most 10,000 per call). Each is idempotent on
  its ``event_id``: a retry answers ``duplicates`` and adds nothing. A bad event refuses the whole
  call, naming it (``events[3].sku``). Needs ``signal.write`` and every event's site in the caller's
  scope (a till's API key is bound to its store).
- ``POST /signals/environment`` / ``GET /signals/environment?series=&scope=``: environmental series
  (weather, foot traffic, social volume, outpatient visits, events) per site or region; a revised
  reading replaces the earlier one. ``signal.write`` / ``signal.read``.
- ``GET /signals/demand?sku=&site=&by=day|hour``: the demand history the events add up to, by the
  site's local day or hour. Needs ``signal.read`` and the site in scope.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.api.deps import AppDep, Quantity, ReadUowDep, requires
from jxc.catalog import services as catalog
from jxc.kernel.errors import Forbidden
from jxc.org import services as org
from jxc.signals import services as signals
from jxc.signals.environment import MAX_READINGS, Reading, Series
from jxc.signals.model import MAX_BATCH, Channel, SalesEvent

router = APIRouter(tags=["signals"])
SignalWriter = Annotated[Principal, Depends(requires("signal.write"))]
SignalReader = Annotated[Principal, Depends(requires("signal.read"))]
Code = Annotated[str, Field(min_length=1, max_length=64)]


class SalesEventIn(BaseModel):
    event_id: str = Field(min_length=1, max_length=100, description="The source's own id: a retry sends the same.")
    occurred_at: AwareDatetime
    channel: Channel = Channel.POS
    site: Code
    sku: Code
    quantity: Quantity = Field(description="Sold quantity in the item's base unit (> 0).")
    unit_price: Quantity = Field(description="Price per unit actually charged, incl. VAT (≥ 0).")
    promotion: bool = False


class SalesBatchIn(BaseModel):
    events: list[SalesEventIn] = Field(min_length=1, max_length=MAX_BATCH)


class IngestReportPublic(BaseModel):
    accepted: int = Field(description="New events stored and added to the demand history.")
    duplicates: int = Field(description="Events already stored under the same id and content (retries).")


class Bucket(StrEnum):
    DAY = "day"
    HOUR = "hour"


class DemandPointPublic(BaseModel):
    period: date | datetime = Field(description="The local day, or the local hour's start (UTC).")
    quantity: Decimal
    promo_quantity: Decimal
    revenue: Decimal
    events: int


class DemandPublic(BaseModel):
    sku: str
    site: str
    by: Bucket
    points: list[DemandPointPublic]


@router.post("/signals/sales", response_model=IngestReportPublic)
def ingest_sales(body: SalesBatchIn, app: AppDep, principal: SignalWriter) -> IngestReportPublic:
    """Sales events from tills, online shops and mini-programs (one or a batch)."""
    events = [SalesEvent(event_id=e.event_id, occurred_at=e.occurred_at, channel=e.channel, site=e.site, sku=e.sku,
                         quantity=e.quantity, unit_price=e.unit_price, promotion=e.promotion) for e in body.events]
    with app.uow() as uow:
        scope = access.site_codes_in_scope(uow, principal)
        if scope is not None:
            for i, event in enumerate(events):
                if event.site not in scope:
                    raise Forbidden("access.out_of_scope", field=f"events[{i}].site", subject=principal.subject,
                                    value=event.site)
        report = signals.ingest_sales(uow, events)
        uow.commit()
    return IngestReportPublic(accepted=report.accepted, duplicates=report.duplicates)


class ReadingIn(BaseModel):
    series: Series
    scope: Code = Field(description="A site code or a region (华东 …).")
    date: date
    hour: int | None = Field(default=None, ge=0, le=23, description="Empty for a daily value.")
    value: Decimal = Field(ge=-(10**9), le=10**9)


class ReadingsIn(BaseModel):
    readings: list[ReadingIn] = Field(min_length=1, max_length=MAX_READINGS)


class StoredPublic(BaseModel):
    stored: int = Field(description="Readings written (a revised reading replaces the earlier value).")


class ReadingPublic(BaseModel):
    series: str
    scope: str
    date: date
    hour: int | None
    value: Decimal
    source: str


@router.post("/signals/environment", response_model=StoredPublic)
def put_environment(body: ReadingsIn, app: AppDep, principal: SignalWriter) -> StoredPublic:
    """Environmental readings (weather, foot traffic, social volume, outpatient visits, events) for sites or regions."""
    readings = [Reading(series=r.series, scope=r.scope, day=r.date, hour=r.hour, value=r.value,
                        source=f"api:{principal.subject}") for r in body.readings]
    with app.uow() as uow:
        stored = signals.ingest_environment(uow, readings)
        uow.commit()
    return StoredPublic(stored=stored)


@router.get("/signals/environment", response_model=list[ReadingPublic])
def get_environment(app: AppDep, principal: SignalReader, uow: ReadUowDep, series: Series,
                    scope: Annotated[str, Query(min_length=1, max_length=64)],
                    since: date | None = None) -> list[ReadingPublic]:
    """One series for one site or region, oldest first."""
    return [ReadingPublic(series=r.series.value, scope=r.scope, date=r.day, hour=r.hour, value=r.value,
                          source=r.source)
            for r in signals.environment(uow, series=series.value, scope=scope, since=since)]


@router.get("/signals/demand", response_model=DemandPublic)
def demand(app: AppDep, principal: SignalReader, uow: ReadUowDep,
           sku: Annotated[str, Query(min_length=1, max_length=64)],
           site: Annotated[str, Query(min_length=1, max_length=64)],
           by: Bucket = Bucket.DAY) -> DemandPublic:
    """The demand history of one item at one site, oldest first (periods without sales are absent)."""
    scope = access.site_codes_in_scope(uow, principal)
    if scope is not None and site not in scope:
        raise Forbidden("access.out_of_scope", field="site", subject=principal.subject, value=site)
    found_item = catalog.get_item(uow, sku)
    found_site = org.get_site(uow, site)
    points = signals.demand_history(uow, item_id=found_item.id, site_id=found_site.id, hourly=by is Bucket.HOUR)
    return DemandPublic(sku=sku, site=site, by=by, points=[DemandPointPublic(**vars(p)) for p in points])
