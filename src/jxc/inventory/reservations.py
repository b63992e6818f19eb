"""Two-phase reservations and demand commitments.

reserve  : available → reserved at the site (FEFO/FIFO when no lot is named); opens a reservation
ship     : reserved → customer (or any target) for part or all of what remains
release  : reserved → available for part or all of what remains
expire   : releases every open reservation whose time is up (status ``expired``)

Reserved stock sits in its own state, so it cannot be reserved or sold again: a second
reservation can only draw on what is still ``available`` (checked on locked balances).
Each operation is idempotent on its key and is one transaction with its posting; the ``*_in``
variants (``reserve_in``, ``ship_in``, ``release_in``) run inside the caller's unit of work without
committing, for documents that must commit everything together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from sqlalchemy import bindparam, select, update

from jxc.db.prepared import Prepared
from jxc.db.uow import SqlUnitOfWork
from jxc.inventory import tables as t
from jxc.inventory.commands import MoveLine, PostingResult, PostStock, payload_hash
from jxc.inventory.model import Bucket, Reservation, ReservationLine, ReservationStatus
from jxc.inventory.repository import LedgerRepository
from jxc.inventory.services import Ledger
from jxc.inventory.states import State
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import InvalidInput, NotFound
from jxc.kernel.ids import new_id
from jxc.kernel.quantity import positive_quantity

DEFAULT_TTL = timedelta(hours=24)

# Built once and run on the driver cursor (``jxc.db.prepared``): the shipping path of every
# sales document goes through here.
_RL, _R, _B = t.reservation_lines, t.reservations, t.balances
_SELECT_RESERVATION = Prepared(select(_R).where(_R.c.id == bindparam("rid")))
_SELECT_LINES = Prepared(
    select(_RL.c.quantity, _RL.c.remaining, _B.c.owner_id, _B.c.site_id, _B.c.item_id, _B.c.state, _B.c.bin_id,
           _B.c.lot_id, _B.c.serial, _B.c.project_id)
    .join_from(_RL, _B, _B.c.bucket_id == _RL.c.bucket_id)
    .where(_RL.c.reservation_id == bindparam("rid")).order_by(_RL.c.line_no))
_TAKE_FROM_LINE = Prepared(
    update(_RL).where(_RL.c.reservation_id == bindparam("rid"), _RL.c.line_no == bindparam("n"))
    .values(remaining=_RL.c.remaining - bindparam("taken")))
_RECORD_SHIPPED = Prepared(update(_R).where(_R.c.id == bindparam("rid")).values(shipped=_R.c.shipped + bindparam("add")))
_CLOSE = Prepared(update(_R).where(_R.c.id == bindparam("rid")).values(
    shipped=_R.c.shipped + bindparam("add"), status=bindparam("new_status"), closed_at=bindparam("at")))


@dataclass(frozen=True)
class Reserve:
    idempotency_key: str
    sku: str
    quantity: Decimal | str | int
    site: str
    unit: str | None = None
    lot: str | None = None
    project: str | None = None
    ttl: timedelta = DEFAULT_TTL
    reference: str | None = None
    commitment_id: UUID | None = None


class Reservations:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    # --- use cases ------------------------------------------------------------------------
    def reserve(self, uow: SqlUnitOfWork, command: Reserve) -> Reservation:
        reservation = self.reserve_in(uow, command)
        uow.commit()
        return reservation

    def reserve_in(self, uow: SqlUnitOfWork, command: Reserve) -> Reservation:
        """Reserve inside the caller's unit of work without committing (for composite use cases)."""
        if command.ttl <= timedelta(0):
            raise InvalidInput("field.invalid", field="ttl", value=str(command.ttl), reason="must be positive")
        digest = payload_hash("reserve", command)
        post = PostStock(
            idempotency_key=command.idempotency_key, kind="reserve", document_ref=command.reference,
            lines=(MoveLine(sku=command.sku, quantity=command.quantity, unit=command.unit, from_site=command.site,
                            to_site=command.site, from_state=State.AVAILABLE, to_state=State.RESERVED,
                            lot=command.lot, from_project=command.project),),
        )
        result = self.ledger.post_in(uow, post, digest=digest)
        if result.replayed:
            return self._by_posting(uow, result.posting_id)
        first = result.movements[0]
        quantity = sum((m.quantity for m in result.movements), Decimal(0))
        now = uow.clock.now()
        reservation_id = new_id()
        connection = uow.connection
        if command.commitment_id is not None:
            self._adjust_commitment(uow, command.commitment_id, -quantity)
        connection.execute(t.reservations.insert().values(
            id=reservation_id, item_id=first.item_id, site_id=first.from_site_id, quantity=quantity,
            status=ReservationStatus.OPEN.value, expires_at=now + command.ttl, created_at=now,
            reference=command.reference, commitment_id=command.commitment_id, posting_id=result.posting_id,
            shipped=Decimal(0),
        ))
        connection.execute(t.reservation_lines.insert(), [
            {"reservation_id": reservation_id, "line_no": i + 1, "bucket_id": m.to_bucket_id,
             "quantity": m.quantity, "remaining": m.quantity}
            for i, m in enumerate(result.movements)
        ])
        return self.get(uow, reservation_id)

    def ship(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None = None,
        to_site: str = "@customer", to_state: str | None = None, document_ref: str | None = None,
    ) -> Reservation:
        """Ship part or all of what remains reserved (to a customer by default)."""
        return self._close(
            uow, reservation_id=reservation_id, idempotency_key=idempotency_key, quantity=quantity,
            to_site=to_site, to_state=to_state, kind="ship", document_ref=document_ref,
        )

    def release(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None = None,
    ) -> Reservation:
        return self._close(
            uow, reservation_id=reservation_id, idempotency_key=idempotency_key, quantity=quantity,
            to_site=None, to_state=State.AVAILABLE, kind="release",
        )

    def ship_in(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None = None,
        document_ref: str | None = None, known: Reservation | None = None,
    ) -> tuple[Reservation, PostingResult]:
        """Ship to ``@customer`` inside the caller's unit of work (no commit); also returns the posting.

        ``known``: the reservation as the caller read it in this same transaction (saves reading it again).
        """
        return self._close_in(
            uow, reservation_id=reservation_id, idempotency_key=idempotency_key, quantity=quantity,
            to_site="@customer", to_state=None, kind="ship", document_ref=document_ref, known=known,
        )

    def release_in(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None = None,
        document_ref: str | None = None,
    ) -> Reservation:
        """Release inside the caller's unit of work (no commit)."""
        reservation, _ = self._close_in(
            uow, reservation_id=reservation_id, idempotency_key=idempotency_key, quantity=quantity,
            to_site=None, to_state=State.AVAILABLE, kind="release", document_ref=document_ref,
        )
        return reservation

    def reservable(self, uow: SqlUnitOfWork, *, item_id: UUID, site_id: UUID) -> Decimal:
        """What a reservation naming no lot could take now: unexpired ``available`` stock outside projects."""
        today = uow.clock.now().date()
        candidates = uow.repository(LedgerRepository).stock_candidates(
            item_id=item_id, site_id=site_id, state=State.AVAILABLE, project_id=None,
        )
        return sum((c.quantity for c in candidates if not (c.expiry_date and c.expiry_date < today)), Decimal(0))

    def expire(self, factory: Callable[[], SqlUnitOfWork], *, now: datetime | None = None) -> list[UUID]:
        """Release every open reservation whose expiry has passed; returns their ids."""
        with factory().reader() as uow:  # finding them takes no write slot; each release is its own unit
            moment = require_aware(now, field="now") if now else uow.clock.now()
            due = [
                row.id for row in uow.connection.execute(
                    select(t.reservations.c.id).where(
                        t.reservations.c.status == ReservationStatus.OPEN.value, t.reservations.c.expires_at <= moment
                    )
                )
            ]
        expired = []
        for reservation_id in due:
            with factory() as uow:
                reservation = self.get(uow, reservation_id)
                if reservation.status is not ReservationStatus.OPEN:
                    continue
                self._close(
                    uow, reservation_id=reservation_id, idempotency_key=f"reservation:{reservation_id}:expire",
                    quantity=None, to_site=None, to_state=State.AVAILABLE, kind="expire",
                )
                expired.append(reservation_id)
        return expired

    def get(self, uow: SqlUnitOfWork, reservation_id: UUID) -> Reservation:
        row = _SELECT_RESERVATION.run(uow.connection, {"rid": reservation_id}).first()
        if row is None:
            raise NotFound("reservation.not_found", field="reservation", value=str(reservation_id))
        lines = _SELECT_LINES.run(uow.connection, {"rid": reservation_id}).rows
        return Reservation(
            id=row.id, item_id=row.item_id, site_id=row.site_id, quantity=row.quantity,
            status=ReservationStatus(row.status), expires_at=row.expires_at, created_at=row.created_at,
            reference=row.reference, commitment_id=row.commitment_id,
            lines=tuple(
                ReservationLine(
                    bucket=Bucket(owner_id=r.owner_id, site_id=r.site_id, item_id=r.item_id, state=r.state,
                                  bin_id=r.bin_id, lot_id=r.lot_id, serial=r.serial, project_id=r.project_id),
                    quantity=r.quantity, remaining=r.remaining,
                )
                for r in lines
            ),
        )

    # --- commitments ----------------------------------------------------------------------
    def commit_demand(
        self, uow: SqlUnitOfWork, *, item_id: UUID, site_id: UUID, quantity: Decimal | str, due_at: datetime,
        reference: str | None = None,
    ) -> UUID:
        """Record promised demand (e.g. an accepted order line) that ATP must net off until reserved."""
        qty = positive_quantity(quantity)
        commitment_id = new_id()
        uow.connection.execute(t.commitments.insert().values(
            id=commitment_id, item_id=item_id, site_id=site_id, quantity=qty, unreserved=qty,
            due_at=require_aware(due_at, field="due_at"), status="open", reference=reference,
            created_at=uow.clock.now(),
        ))
        uow.commit()
        return commitment_id

    # --- internals ------------------------------------------------------------------------
    def _by_posting(self, uow: SqlUnitOfWork, posting_id: UUID) -> Reservation:
        row = uow.connection.execute(
            select(t.reservations.c.id).where(t.reservations.c.posting_id == posting_id)
        ).first()
        if row is None:
            raise NotFound("reservation.not_found", field="reservation", value=str(posting_id))
        return self.get(uow, row.id)

    def _adjust_commitment(self, uow: SqlUnitOfWork, commitment_id: UUID, delta: Decimal) -> None:
        c = t.commitments
        found = uow.connection.execute(select(c.c.unreserved).where(c.c.id == commitment_id)).first()
        if found is None:
            raise NotFound("commitment.not_found", field="commitment_id", value=str(commitment_id))
        new_value = max(Decimal(0), found.unreserved + delta)
        uow.connection.execute(update(c).where(c.c.id == commitment_id).values(unreserved=new_value))

    def _close(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None,
        to_site: str | None, to_state: str | None, kind: str, document_ref: str | None = None,
    ) -> Reservation:
        reservation, _ = self._close_in(
            uow, reservation_id=reservation_id, idempotency_key=idempotency_key, quantity=quantity,
            to_site=to_site, to_state=to_state, kind=kind, document_ref=document_ref,
        )
        uow.commit()
        return reservation

    def _close_in(
        self, uow: SqlUnitOfWork, *, reservation_id: UUID, idempotency_key: str, quantity: Decimal | str | None,
        to_site: str | None, to_state: str | None, kind: str, document_ref: str | None = None,
        known: Reservation | None = None,
    ) -> tuple[Reservation, PostingResult]:
        digest = payload_hash(kind, [str(reservation_id), None if quantity is None else str(quantity), to_site, to_state])
        repo = uow.repository(LedgerRepository)
        existing = repo.postings_by_key([idempotency_key]).get(idempotency_key)
        if existing is not None:
            replayed = self.ledger._replay(uow, existing, digest)  # raises on a different payload
            return self.get(uow, reservation_id), replayed
        reservation = known if known is not None and known.id == reservation_id else self.get(uow, reservation_id)
        amount = reservation.remaining if quantity is None else positive_quantity(quantity)
        parts = reservation.take(amount)
        site_codes = self.ledger.sites.by_id(uow, [reservation.site_id])
        site_code = site_codes[reservation.site_id].code
        item = self.ledger.items.by_id(uow, [reservation.item_id])[reservation.item_id]
        lots = repo.lots_by_id([line.bucket.lot_id for line, _ in parts if line.bucket.lot_id is not None])
        bins = self.ledger.sites.bin_codes(uow, [line.bucket.bin_id for line, _ in parts if line.bucket.bin_id])
        projects = self.ledger.sites.project_codes(
            uow, [line.bucket.project_id for line, _ in parts if line.bucket.project_id]
        )
        lines = tuple(
            MoveLine(
                sku=item.sku, quantity=qty, from_site=site_code, to_site=to_site or site_code,
                from_state=State.RESERVED, to_state=to_state,
                lot=lots[line.bucket.lot_id].lot_no if line.bucket.lot_id else None,
                serials=(line.bucket.serial,) if line.bucket.serial else (),
                from_bin=bins.get(line.bucket.bin_id) if line.bucket.bin_id else None,
                to_bin=bins.get(line.bucket.bin_id) if line.bucket.bin_id and to_site is None else None,
                from_project=projects.get(line.bucket.project_id) if line.bucket.project_id else None,
            )
            for line, qty in parts
        )
        posted = self.ledger.post_new_in(  # the key was looked up above
            uow, PostStock(idempotency_key=idempotency_key, kind=kind, lines=lines, document_ref=document_ref),
            digest=digest,
        )
        line_numbers = {line.bucket.id: i + 1 for i, line in enumerate(reservation.lines)}
        taken: dict[UUID, Decimal] = {}
        for line, qty in parts:
            _TAKE_FROM_LINE.run(uow.connection, {"rid": reservation_id, "n": line_numbers[line.bucket.id],
                                                 "taken": qty})
            taken[line.bucket.id] = taken.get(line.bucket.id, Decimal(0)) + qty
        shipped = amount if kind == "ship" else Decimal(0)
        left = reservation.remaining - amount
        status = reservation.status
        if left == 0:
            already_shipped = reservation.quantity - reservation.remaining
            status = {
                "expire": ReservationStatus.EXPIRED,
                "ship": ReservationStatus.SHIPPED,
            }.get(kind, ReservationStatus.SHIPPED if already_shipped > 0 else ReservationStatus.RELEASED)
            _CLOSE.run(uow.connection, {"rid": reservation_id, "add": shipped, "new_status": status.value,
                                        "at": uow.clock.now()})
        else:
            _RECORD_SHIPPED.run(uow.connection, {"rid": reservation_id, "add": shipped})
        if kind != "ship" and reservation.commitment_id is not None:
            self._adjust_commitment(uow, reservation.commitment_id, amount)
        # What was just written, without reading it back.
        after = replace(reservation, status=status, lines=tuple(
            replace(line, remaining=line.remaining - taken.get(line.bucket.id, Decimal(0))) for line in reservation.lines))
        return after, posted
