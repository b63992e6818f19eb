"""Replenishment over HTTP: planning runs, suggestions with their reasons, approval into draft
purchase orders, supplier offers and comparison, surge alerts.

- ``POST /replenishment/runs``: replan now (all series with recent demand, or ``sites``/``skus``);
  ``replenishment.plan``.
- ``GET /replenishment/suggestions?status=open``: suggestions at the caller's sites, with every
  figure behind each (forecast, safety stock, reorder point, order-up-to, on hand, in transit,
  reserved, open orders) and the best 3 suppliers; ``replenishment.read``.
- ``POST /replenishment/suggestions/approve`` ``{ids, quantities?}`` → draft purchase orders (one per
  organisation, site and supplier); ``replenishment.plan`` and writing purchase orders at each site.
- ``POST /replenishment/suggestions/dismiss`` ``{ids}``.
- ``PUT /replenishment/offers`` (a supplier's price, lead time, MOQ, pack for an item) and
  ``GET /replenishment/offers/{sku}`` (the suppliers ranked, ``?urgent=true`` for a surge).
- ``GET /replenishment/alerts``: sales surges with their 3 candidate suppliers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.api.deps import AppDep, Quantity, ReadUowDep, requires
from jxc.catalog import services as catalog
from jxc.documents import queries as documents
from jxc.documents.codec import encode
from jxc.kernel.errors import Forbidden
from jxc.org import services as org
from jxc.replenishment import services as replenishment

router = APIRouter(tags=["replenishment"])
Reader = Annotated[Principal, Depends(requires("replenishment.read"))]
Planner = Annotated[Principal, Depends(requires("replenishment.plan"))]
Code = Annotated[str, Field(min_length=1, max_length=64)]


class RunIn(BaseModel):
    sites: list[Code] | None = None
    skus: list[Code] | None = Field(default=None, max_length=10_000)


class RunPublic(BaseModel):
    run_id: UUID
    series: int
    suggestions: int
    alerts: int


class SuggestionPublic(BaseModel):
    id: UUID
    status: str
    kind: str = Field(description="regular, or emergency (raised by a sales surge)")
    sku: str
    site: str
    supplier: str | None
    quantity: Decimal
    created_at: datetime
    purchase_order: str | None
    reasons: list[str]
    figures: dict[str, Any]
    alternatives: list[dict[str, Any]]
    abc_class: str


class SuggestionPage(BaseModel):
    suggestions: list[SuggestionPublic]


class DecisionIn(BaseModel):
    ids: list[UUID] = Field(min_length=1, max_length=1000)
    quantities: dict[UUID, Quantity] | None = Field(default=None, description="Changed quantities by suggestion id.")


class ApprovedPublic(BaseModel):
    purchase_orders: list[str]


class OfferIn(BaseModel):
    supplier: Code
    sku: Code
    unit_price: Quantity = Field(ge=0)
    lead_time_days: Decimal = Field(ge=0, le=365)
    lead_time_sd_days: Decimal = Field(default=Decimal(0), ge=0, le=365)
    moq: Quantity = Field(default=Decimal(0), ge=0)
    pack_size: Quantity = Field(default=Decimal(1), gt=0)


class RankedPublic(BaseModel):
    supplier: str
    unit_price: Decimal
    lead_time_days: Decimal
    effective_lead_days: Decimal = Field(description="Quoted lead time plus the supplier's mean lateness.")
    on_time_rate: Decimal | None
    moq: Decimal
    pack_size: Decimal
    score: Decimal


def _scope_ids(uow: Any, principal: Principal) -> list[UUID] | None:
    codes = access.site_codes_in_scope(uow, principal)
    return None if codes is None else [s.id for s in org.sites_by_code(uow, codes).values()]


def _public(view: replenishment.SuggestionView) -> SuggestionPublic:
    body = view.body
    return SuggestionPublic(
        id=view.id, status=view.status, kind=view.kind, sku=view.sku, site=view.site, supplier=view.supplier,
        quantity=view.quantity, created_at=view.created_at, purchase_order=view.purchase_order,
        reasons=list(body.get("reasons", [])), figures=dict(body.get("figures", {})),
        alternatives=list(body.get("alternatives", [])), abc_class=str(body.get("class", "")))


@router.post("/replenishment/runs", response_model=RunPublic)
def run(body: RunIn, app: AppDep, principal: Planner) -> RunPublic:
    """Replan now; the scheduler does the same every interval for the series whose signals changed."""
    with app.uow() as uow:
        scope = access.site_codes_in_scope(uow, principal)
        sites = body.sites
        if scope is not None:
            outside = [s for s in (sites or []) if s not in scope]
            if outside:
                raise Forbidden("access.out_of_scope", field="sites", subject=principal.subject, value=outside[0])
            sites = sites or sorted(scope)
        report = replenishment.plan(uow, app.planner, actor=principal.subject, sites=sites, skus=body.skus)
        uow.commit()
    return RunPublic(run_id=report.run_id, series=report.series, suggestions=report.suggestions, alerts=report.alerts)


@router.get("/replenishment/suggestions", response_model=SuggestionPage)
def suggestions(app: AppDep, principal: Reader, uow: ReadUowDep,
                status: Annotated[str, Query(pattern="^(open|approved|dismissed|superseded)$")] = "open",
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> JSONResponse:
    """Suggestions at the caller's sites, newest first, each with its reasons and figures."""
    views = replenishment.list_suggestions(uow, status=status, sites=_scope_ids(uow, principal), limit=limit)
    page = SuggestionPage(suggestions=[_public(v) for v in views]).model_dump(mode="json")
    page["suggestions"] = [app.policy.mask(principal, "suggestion", s) for s in page["suggestions"]]
    return JSONResponse(page)


@router.post("/replenishment/suggestions/approve", response_model=ApprovedPublic)
def approve(body: DecisionIn, app: AppDep, principal: Planner) -> ApprovedPublic:
    """Approve suggestions into draft purchase orders (submit them for approval next, as any order)."""
    with app.uow() as uow:
        scope = _scope_ids(uow, principal)
        for view in replenishment.list_suggestions(uow, status=None, limit=100_000, ids=body.ids):
            if scope is not None and view.body.get("site") and org.get_site(uow, view.site).id not in scope:
                raise Forbidden("access.out_of_scope", field="ids", subject=principal.subject, value=str(view.id))
            documents.authorise_write(uow, principal, policy=app.policy, doc_type="purchase_order", site=view.site)
        numbers = replenishment.approve(uow, body.ids, actor=principal.subject, quantities=body.quantities)
        access.record_audit(uow, actor=principal.subject, action="replenishment.approve", resource="suggestions",
                            outcome="ok", detail={"ids": [str(i) for i in body.ids], "orders": numbers}, commit=False)
        uow.commit()
    return ApprovedPublic(purchase_orders=numbers)


@router.post("/replenishment/suggestions/dismiss", response_model=SuggestionPage)
def dismiss(body: DecisionIn, app: AppDep, principal: Planner) -> SuggestionPage:
    with app.uow() as uow:
        scope = _scope_ids(uow, principal)
        views = replenishment.list_suggestions(uow, status=None, limit=100_000, ids=body.ids)
        for view in views:
            if scope is not None and org.get_site(uow, view.site).id not in scope:
                raise Forbidden("access.out_of_scope", field="ids", subject=principal.subject, value=str(view.id))
        replenishment.dismiss(uow, body.ids, actor=principal.subject)
        done = replenishment.list_suggestions(uow, status=None, limit=100_000, ids=body.ids)
        uow.commit()
    return SuggestionPage(suggestions=[_public(v) for v in done])


@router.put("/replenishment/offers", response_model=list[RankedPublic])
def put_offer(body: OfferIn, app: AppDep, principal: Planner) -> list[RankedPublic]:
    """Record what a supplier quotes for an item; answers the item's suppliers ranked."""
    with app.uow() as uow:
        replenishment.set_offer(uow, supplier=body.supplier, sku=body.sku, unit_price=body.unit_price,
                                lead_time_days=body.lead_time_days, lead_time_sd_days=body.lead_time_sd_days,
                                moq=body.moq, pack_size=body.pack_size)
        ranked = _ranked(uow, body.sku, urgent=False)
        uow.commit()
    return ranked


@router.get("/replenishment/offers/{sku}", response_model=list[RankedPublic])
def offers(sku: str, app: AppDep, principal: Reader, uow: ReadUowDep, urgent: bool = False) -> list[RankedPublic]:
    """The item's suppliers, best first by price, lead time (incl. measured lateness) and on-time rate."""
    return _ranked(uow, sku, urgent=urgent)


def _ranked(uow: Any, sku: str, *, urgent: bool) -> list[RankedPublic]:
    item = catalog.get_item(uow, sku)
    return [RankedPublic(supplier=r.offer.supplier, unit_price=r.offer.unit_price,
                         lead_time_days=r.offer.lead_time_days, effective_lead_days=r.effective_lead_days,
                         on_time_rate=r.on_time_rate, moq=r.offer.moq, pack_size=r.offer.pack_size, score=r.score)
            for r in replenishment.supplier_options(uow, item.id, urgent=urgent)]


@router.get("/replenishment/alerts")
def alerts(app: AppDep, principal: Reader, uow: ReadUowDep,
           limit: Annotated[int, Query(ge=1, le=500)] = 100) -> JSONResponse:
    """Sales surges, newest first: sold today vs expected, and the 3 candidate suppliers."""
    scope = access.site_codes_in_scope(uow, principal)
    found = [a for a in replenishment.list_alerts(uow, limit=limit) if scope is None or a["site"] in scope]
    return JSONResponse({"alerts": encode(found)})
