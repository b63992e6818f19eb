"""Catalog resources: items (list with a keyset cursor, detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from jxc.api.deps import AppDep, ItemReader, ReadUowDep
from jxc.api.output import EXPORT_LIMIT, EXPORT_RESPONSES, FORMAT_QUERY, file_response, masked
from jxc.catalog import services
from jxc.catalog.model import Item

router = APIRouter(tags=["catalog"])


class ItemPublic(BaseModel):
    sku: str
    name_zh: str
    name_en: str
    category: str
    base_unit: str
    units: dict[str, Decimal]
    barcodes: list[str]
    tracking: str
    shelf_life_days: int | None
    storage_min_c: Decimal | None
    storage_max_c: Decimal | None
    abc_class: str
    attributes: dict[str, str]
    standard_cost: Decimal | None = None

    @classmethod
    def of(cls, item: Item) -> ItemPublic:
        return cls(
            sku=item.sku, name_zh=item.name_zh, name_en=item.name_en, category=item.category,
            base_unit=item.base_unit, units=dict(item.units), barcodes=list(item.barcodes),
            tracking=str(item.tracking), shelf_life_days=item.shelf_life_days, storage_min_c=item.storage_min_c,
            storage_max_c=item.storage_max_c, abc_class=str(item.abc_class), attributes=dict(item.attributes),
            standard_cost=item.standard_cost,
        )


class ItemPage(BaseModel):
    items: list[ItemPublic]
    next: str | None


@router.get("/items", response_model=ItemPage)
def list_items(
    app: AppDep,
    principal: ItemReader,
    uow: ReadUowDep,
    after: Annotated[str | None, Query(description="Last sku of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    category: Annotated[str | None, Query(description="Category or a parent category.")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Text in the sku or either name.")] = None,
) -> JSONResponse:
    """A page of items by sku."""
    items = services.list_items(uow, category=category, after_sku=after, limit=limit, text=q)
    page = ItemPage(items=[ItemPublic.of(i) for i in items], next=items[-1].sku if len(items) == limit else None)
    return masked(app, principal, "item", page)


@router.get("/exports/items", response_class=Response, responses=EXPORT_RESPONSES)
def export_items(
    app: AppDep, principal: ItemReader, uow: ReadUowDep,
    format: Annotated[str, FORMAT_QUERY] = "csv",
    category: Annotated[str | None, Query(description="Category or a parent category.")] = None,
) -> Response:
    """The item list as a file; cost columns follow the same field rules as the JSON list."""
    rows: list[dict[str, object]] = []
    after: str | None = None
    while len(rows) < EXPORT_LIMIT:
        page = services.list_items(uow, category=category, after_sku=after, limit=services.MAX_PAGE, text=None)
        rows.extend(ItemPublic.of(i).model_dump(mode="python") for i in page)
        if len(page) < services.MAX_PAGE:
            break
        after = page[-1].sku
    return file_response(app, principal, resource="item", title="items", columns=list(ItemPublic.model_fields),
                         rows=rows, fmt=format)


@router.get("/items/{sku}", response_model=ItemPublic)
def get_item(sku: str, app: AppDep, principal: ItemReader, uow: ReadUowDep) -> JSONResponse:
    return masked(app, principal, "item", ItemPublic.of(services.get_item(uow, sku)))
