"""Stock resources: ATP, balances, overview, movement history; posting movements and reservations.

POSTs take an ``Idempotency-Key`` header, which is the ledger's own idempotency key: the same key
and body returns the original result (``Idempotent-Replayed: true``), another body is a 409.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.api.deps import (
    AppDep,
    IdempotencyKey,
    MovementPoster,
    Quantity,
    ReadUowDep,
    ReservationPoster,
    StockReader,
)
from jxc.api.output import EXPORT_LIMIT, EXPORT_RESPONSES, FORMAT_QUERY, file_response, masked
from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.db.uow import SqlUnitOfWork
from jxc.inventory.atp import RollUp
from jxc.inventory.commands import MoveLine, PostingResult, PostStock
from jxc.inventory.model import Reservation
from jxc.inventory.reservations import Reserve
from jxc.kernel.errors import InvalidInput
from jxc.kernel.money import money
from jxc.org import services as org

router = APIRouter(tags=["stock"])


# --- schemas ----------------------------------------------------------------------------------
class AtpGroupPublic(BaseModel):
    key: str
    by_state: dict[str, Decimal]
    available: Decimal
    unreserved_commitments: Decimal
    scheduled_receipts: Decimal
    atp: Decimal
    sites: list[str]


class AtpReportPublic(BaseModel):
    sku: str
    by: str
    as_of: datetime
    horizon_end: datetime
    groups: list[AtpGroupPublic]


class BalancePublic(BaseModel):
    bucket_id: UUID
    sku: str
    site: str
    state: str
    quantity: Decimal
    lot: str | None
    expiry_date: date | None
    bin: str | None
    serial: str | None
    unit_cost: Decimal | None = Field(default=None, description="The item's standard cost (masked for some roles).")
    value: Decimal | None = Field(default=None, description="quantity × unit_cost, to the fen.")


class BalancePage(BaseModel):
    balances: list[BalancePublic]
    next: UUID | None


class OverviewRowPublic(BaseModel):
    key: str
    name_zh: str | None = Field(default=None, description="The site's name (by=site).")
    name_en: str | None = None
    by_state: dict[str, Decimal]
    total: Decimal
    items: int


class Overview(BaseModel):
    by: str
    states: list[str]
    rows: list[OverviewRowPublic]


class Side(BaseModel):
    site: str
    state: str
    lot: str | None


class MovementPublic(BaseModel):
    id: UUID
    posting_id: UUID
    occurred_at: datetime
    quantity: Decimal
    kind: str
    document_ref: str | None
    from_: Side = Field(serialization_alias="from")
    to: Side


class MovementPage(BaseModel):
    movements: list[MovementPublic]
    next: str | None = Field(description="Pass as `before` for the next (older) page.")


class MoveLineIn(BaseModel):
    sku: str
    quantity: Quantity
    from_site: str
    to_site: str
    unit: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    lot: str | None = None
    production_date: date | None = None
    expiry_date: date | None = None
    serials: list[str] = []
    from_bin: str | None = None
    to_bin: str | None = None
    from_project: str | None = None
    to_project: str | None = None
    eta: datetime | None = None


class PostingIn(BaseModel):
    lines: list[MoveLineIn] = Field(min_length=1, max_length=5000)
    kind: str = "movement"
    occurred_at: datetime | None = None
    document_ref: str | None = None


class PostedMovement(BaseModel):
    id: UUID
    line_no: int
    quantity: Decimal
    from_state: str
    to_state: str
    serial: str | None


class PostingPublic(BaseModel):
    posting_id: UUID
    idempotency_key: str
    replayed: bool
    movements: list[PostedMovement]


class ReserveIn(BaseModel):
    sku: str
    quantity: Quantity
    site: str
    unit: str | None = None
    lot: str | None = None
    ttl_minutes: int = Field(default=24 * 60, ge=1, le=60 * 24 * 90)
    reference: str | None = None


class CloseIn(BaseModel):
    quantity: Quantity | None = None


class ReservationPublic(BaseModel):
    id: UUID
    status: str
    quantity: Decimal
    remaining: Decimal
    expires_at: datetime
    reference: str | None

    @classmethod
    def of(cls, r: Reservation) -> ReservationPublic:
        return cls(id=r.id, status=r.status.value, quantity=r.quantity, remaining=r.remaining,
                   expires_at=r.expires_at, reference=r.reference)


# --- reads ------------------------------------------------------------------------------------
@router.get("/items/{sku}/atp", response_model=AtpReportPublic)
def item_atp(
    sku: str, app: AppDep, principal: StockReader, uow: ReadUowDep,
    by: Annotated[RollUp, Query(description="bucket, site, org, region or network")] = RollUp.SITE,
    horizon_days: Annotated[int, Query(ge=0, le=366)] = 7,
) -> JSONResponse:
    """Available-to-promise (可承诺量) per state, rolled up over the sites the caller may see."""
    report = app.stock.atp(uow, sku=sku, by=by, horizon=timedelta(days=horizon_days),
                           sites=access.site_codes_in_scope(uow, principal))
    return masked(app, principal, "atp", AtpReportPublic.model_validate(report.as_dict()))


@router.get("/items/{sku}/movements", response_model=MovementPage, response_model_by_alias=True)
def item_movements(
    sku: str, app: AppDep, principal: StockReader, uow: ReadUowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[str | None, Query(max_length=100, description="Cursor: `next` of the previous page.")] = None,
) -> JSONResponse:
    """An item's movements touching the caller's sites, newest first."""
    before_at, before_id = _parse_cursor(before)
    lines = app.stock.history(uow, sku=sku, limit=limit, before=before_at, before_id=before_id,
                              sites=access.site_codes_in_scope(uow, principal))
    return masked(app, principal, "movement", MovementPage(
        movements=[
            MovementPublic(
                id=m.id, posting_id=m.posting_id, occurred_at=m.occurred_at, quantity=m.quantity, kind=m.kind,
                document_ref=m.document_ref, from_=Side(site=m.from_site, state=m.from_state, lot=m.from_lot),
                to=Side(site=m.to_site, state=m.to_state, lot=m.to_lot),
            )
            for m in lines
        ],
        next=f"{lines[-1].occurred_at.isoformat()}~{lines[-1].id}" if len(lines) == limit else None,
    ))


def _parse_cursor(value: str | None) -> tuple[datetime | None, UUID | None]:
    """``<time>~<movement id>`` (what ``next`` holds), or a bare time for older clients."""
    if value is None:
        return None, None
    at_text, _, id_text = value.partition("~")
    try:
        at = datetime.fromisoformat(at_text)
        movement_id = UUID(id_text) if id_text else None
    except ValueError:
        raise InvalidInput("field.invalid", field="before", value=value[:40], reason="a `next` cursor") from None
    if at.tzinfo is None:
        raise InvalidInput("time.naive", field="before", value=at_text)
    return at, movement_id


def _balance_rows(app: App, uow: SqlUnitOfWork, principal: Principal, *, limit: int, after: UUID | None,
                  sku: str | None, site: str | None, state: str | None) -> list[BalancePublic]:
    lines = app.stock.balances(uow, sku=sku, site=site, state=state, limit=limit, after=after,
                               sites=access.site_codes_in_scope(uow, principal))
    costs = {s: i.standard_cost for s, i in catalog.items_by_sku(uow, {line.sku for line in lines}).items()}
    rows = []
    for line in lines:
        cost = costs.get(line.sku)
        rows.append(BalancePublic.model_validate(line, from_attributes=True).model_copy(update={
            "unit_cost": cost, "value": None if cost is None else money(line.quantity * cost)}))
    return rows


@router.get("/balances", response_model=BalancePage)
def balances(
    app: AppDep, principal: StockReader, uow: ReadUowDep,
    sku: str | None = None, site: str | None = None, state: str | None = None,
    after: Annotated[UUID | None, Query(description="Cursor: the last bucket_id of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    """Non-zero stock per bucket over the caller's sites, valued at standard cost."""
    rows = _balance_rows(app, uow, principal, limit=limit, after=after, sku=sku, site=site, state=state)
    return masked(app, principal, "balance", BalancePage(
        balances=rows, next=rows[-1].bucket_id if len(rows) == limit else None))


@router.get("/exports/balances", response_class=Response, responses=EXPORT_RESPONSES)
def export_balances(
    app: AppDep, principal: StockReader, uow: ReadUowDep,
    format: Annotated[str, FORMAT_QUERY] = "csv",
    sku: str | None = None, site: str | None = None, state: str | None = None,
) -> Response:
    """The balances list as a file, with the same scope and field rules as the JSON list."""
    rows = _balance_rows(app, uow, principal, limit=EXPORT_LIMIT, after=None, sku=sku, site=site, state=state)
    columns = list(BalancePublic.model_fields)
    return file_response(app, principal, resource="balance", title="balances", columns=columns,
                         rows=[r.model_dump(mode="python") for r in rows], fmt=format)


@router.get("/stock/overview", response_model=Overview)
def overview(
    app: AppDep, principal: StockReader, uow: ReadUowDep,
    by: Annotated[str, Query(pattern="^(site|state)$")] = "site",
) -> JSONResponse:
    """Stock on hand (base units) per site or per state, split by state, over the caller's sites."""
    rows = app.stock.overview(uow, sites=access.site_codes_in_scope(uow, principal))
    grouped: dict[str, dict[str, Decimal]] = {}
    items: dict[str, int] = {}
    for row in rows:
        key = row.site if by == "site" else row.state
        cell = grouped.setdefault(key, {})
        cell[row.state] = cell.get(row.state, Decimal(0)) + row.quantity
        items[key] = max(items.get(key, 0), row.items)
    names = org.sites_by_code(uow, grouped) if by == "site" else {}
    return masked(app, principal, "stock", Overview(
        by=by, states=sorted({row.state for row in rows}),
        rows=[OverviewRowPublic(key=k, name_zh=names[k].name_zh if k in names else None,
                                name_en=names[k].name_en if k in names else None,
                                by_state=v, total=sum(v.values(), Decimal(0)), items=items[k])
              for k, v in sorted(grouped.items())],
    ))


# --- writes -----------------------------------------------------------------------------------
@router.post("/movements", response_model=PostingPublic, status_code=201, responses={200: {
    "model": PostingPublic, "description": "The earlier posting with this Idempotency-Key and body, replayed",
    "headers": {"Idempotent-Replayed": {"description": "Always true", "schema": {"type": "string", "enum": ["true"]}}},
}})
async def post_movements(
    body: PostingIn, key: IdempotencyKey, app: AppDep, principal: MovementPoster, response: Response,
) -> PostingPublic:
    """Post one atomic set of movements (receipts come from @supplier, sales go to @customer)."""
    command = PostStock(
        idempotency_key=key, kind=body.kind, occurred_at=body.occurred_at, document_ref=body.document_ref,
        lines=tuple(MoveLine(**{**line.model_dump(), "serials": tuple(line.serials)}) for line in body.lines),
    )
    sites = {code for line in body.lines for code in (line.from_site, line.to_site)}
    # The unit of work (and SQLite's single write slot) is held for the posting only, not the request.
    with app.uow() as uow:
        access.authorise_posting(uow, principal, policy=app.policy, kind=body.kind, site_codes=sites)
        access.record_audit(uow, actor=principal.subject, action="movement.post", resource=f"posting:{key}",
                            outcome="ok", detail={"kind": body.kind, "lines": len(body.lines)}, commit=False)
        result = app.ledger.post(uow, command)
    if result.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return _posting(result)


@router.post("/reservations", response_model=ReservationPublic, status_code=201)
def reserve(body: ReserveIn, key: IdempotencyKey, app: AppDep, principal: ReservationPoster) -> ReservationPublic:
    """Reserve available stock (FEFO/FIFO when no lot is named)."""
    command = Reserve(idempotency_key=key, sku=body.sku, quantity=body.quantity, site=body.site, unit=body.unit,
                      lot=body.lot, ttl=timedelta(minutes=body.ttl_minutes), reference=body.reference)
    with app.uow() as uow:
        access.authorise_posting(uow, principal, policy=app.policy, kind="reserve", site_codes=[body.site],
                                 action="reservation.post")
        access.record_audit(uow, actor=principal.subject, action="reservation.post", resource=f"reservation:{key}",
                            outcome="ok", detail={"sku": body.sku, "site": body.site}, commit=False)
        return ReservationPublic.of(app.reservations.reserve(uow, command))


@router.post("/reservations/{reservation_id}/ship", response_model=ReservationPublic)
def ship(
    reservation_id: UUID, body: CloseIn, key: IdempotencyKey, app: AppDep, principal: ReservationPoster,
) -> ReservationPublic:
    with app.uow() as uow:
        _authorise_close(app, uow, principal, reservation_id, action="ship", key=key)
        return ReservationPublic.of(app.reservations.ship(
            uow, reservation_id=reservation_id, idempotency_key=key, quantity=body.quantity))


@router.post("/reservations/{reservation_id}/release", response_model=ReservationPublic)
def release(
    reservation_id: UUID, body: CloseIn, key: IdempotencyKey, app: AppDep, principal: ReservationPoster,
) -> ReservationPublic:
    with app.uow() as uow:
        _authorise_close(app, uow, principal, reservation_id, action="release", key=key)
        return ReservationPublic.of(app.reservations.release(
            uow, reservation_id=reservation_id, idempotency_key=key, quantity=body.quantity))


def _authorise_close(app: App, uow: SqlUnitOfWork, principal: Principal, reservation_id: UUID, *,
                     action: str, key: str) -> None:
    """Shipping or releasing a reservation is a write at its site: same scope rules as reserving."""
    reservation = app.reservations.get(uow, reservation_id)
    site = org.sites_by_id(uow, [reservation.site_id])[reservation.site_id]
    access.authorise_posting(uow, principal, policy=app.policy, kind=action, site_codes=[site.code],
                             action="reservation.post")
    access.record_audit(uow, actor=principal.subject, action=f"reservation.{action}",
                        resource=f"reservation:{reservation_id}", outcome="ok", detail={"key": key},
                        commit=False)


def _posting(result: PostingResult) -> PostingPublic:
    return PostingPublic(
        posting_id=result.posting_id, idempotency_key=result.idempotency_key, replayed=result.replayed,
        movements=[PostedMovement(id=m.id, line_no=m.line_no, quantity=m.quantity, from_state=m.from_state,
                                  to_state=m.to_state, serial=m.serial) for m in result.movements],
    )
