"""Forecasting use cases on a unit of work: keep the latest forecast per item-site, read it back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select

from jxc.db.uow import SqlUnitOfWork
from jxc.forecasting import tables as t


@dataclass(frozen=True)
class StoredForecast:
    created_at: datetime
    method: str
    demand_class: str
    mase: Decimal | None
    bias: Decimal | None
    pinball: Decimal | None
    path: list[dict[str, Any]]


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def record(uow: SqlUnitOfWork, *, run_id: UUID, forecasts: Mapping[tuple[UUID, UUID], Mapping[str, Any]],
           method: Mapping[tuple[UUID, UUID], str]) -> None:
    """Replace the stored forecast of each (item, site) with this run's."""
    if not forecasts:
        return
    f = t.fc_forecasts
    now = uow.clock.now()
    for item_id, site_id in forecasts:
        uow.connection.execute(f.delete().where(f.c.item_id == item_id, f.c.site_id == site_id))
    uow.connection.execute(f.insert(), [
        {"item_id": item_id, "site_id": site_id, "run_id": run_id, "created_at": now,
         "method": method[(item_id, site_id)][:120], "demand_class": str(detail.get("demand_class", ""))[:20],
         "mase": _number(detail.get("mase")), "bias": _number(detail.get("bias")),
         "pinball": _number(detail.get("pinball")), "path": list(detail.get("path", []))}
        for (item_id, site_id), detail in forecasts.items()])


def latest(uow: SqlUnitOfWork, *, item_id: UUID, site_id: UUID) -> StoredForecast | None:
    f = t.fc_forecasts
    row = uow.connection.execute(select(f).where(f.c.item_id == item_id, f.c.site_id == site_id)).first()
    if row is None:
        return None
    return StoredForecast(created_at=row.created_at, method=row.method, demand_class=row.demand_class,
                          mase=row.mase, bias=row.bias, pinball=row.pinball, path=list(row.path))


__all__ = ["StoredForecast", "latest", "record"]
