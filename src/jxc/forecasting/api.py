"""Forecasts over HTTP: ``GET /forecasts/{sku}/{site}`` — the demand history, the latest forecast with
its quantile band, and how accurate the chosen model was on its held-out window (MASE, bias, pinball).
Needs ``replenishment.read`` and the site in the caller's scope.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.api.deps import AppDep, ReadUowDep, requires
from jxc.catalog import services as catalog
from jxc.forecasting import services as forecasting
from jxc.kernel.errors import Forbidden
from jxc.org import services as org
from jxc.signals import services as signals

router = APIRouter(tags=["forecasting"])
Reader = Annotated[Principal, Depends(requires("replenishment.read"))]


class ActualPublic(BaseModel):
    date: date
    quantity: Decimal


class ForecastPublic(BaseModel):
    sku: str
    site: str
    actuals: list[ActualPublic]
    forecast_at: datetime | None
    method: str | None
    demand_class: str | None
    mase: Decimal | None
    bias: Decimal | None
    pinball: Decimal | None
    path: list[dict[str, Any]]


@router.get("/forecasts/{sku}/{site}", response_model=ForecastPublic)
def get_forecast(sku: str, site: str, app: AppDep, principal: Reader, uow: ReadUowDep,
                 days: Annotated[int, Query(ge=7, le=730)] = 90) -> ForecastPublic:
    """Daily actuals of the last ``days`` days and the latest forecast (mean and quantiles per day)."""
    scope = access.site_codes_in_scope(uow, principal)
    if scope is not None and site not in scope:
        raise Forbidden("access.out_of_scope", field="site", subject=principal.subject, value=site)
    item, place = catalog.get_item(uow, sku), org.get_site(uow, site)
    since = app.clock.now().date() - timedelta(days=days)
    actuals = [ActualPublic(date=p.period, quantity=p.quantity)
               for p in signals.demand_history(uow, item_id=item.id, site_id=place.id, since=since)
               if isinstance(p.period, date) and not isinstance(p.period, datetime)]
    stored = forecasting.latest(uow, item_id=item.id, site_id=place.id)
    if stored is None:
        return ForecastPublic(sku=sku, site=site, actuals=actuals, forecast_at=None, method=None, demand_class=None,
                              mase=None, bias=None, pinball=None, path=[])
    return ForecastPublic(sku=sku, site=site, actuals=actuals, forecast_at=stored.created_at, method=stored.method,
                          demand_class=stored.demand_class, mase=stored.mase, bias=stored.bias,
                          pinball=stored.pinball, path=stored.path)
