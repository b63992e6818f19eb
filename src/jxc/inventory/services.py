"""Ledger use cases: post movements (one or in bulk), define states.

Flow of a posting: idempotency check → resolve codes to ids (items, sites, bins, projects,
lots) → build movements (allocating FEFO/FIFO when the caller names no lot or serial) →
check ledger rules → apply to the locked balances → append posting + movements and update
projections in the same transaction. Any error before commit leaves nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from jxc.db.uow import SqlUnitOfWork
from jxc.inventory.commands import (
    ImportReport,
    MoveLine,
    MovementRecord,
    PostingResult,
    PostStock,
    ShapeKey,
    fingerprint_with,
    posting_fingerprint,
    shape_of,
    shape_text,
)
from jxc.inventory.model import (
    Bucket,
    ItemFacts,
    Lot,
    Movement,
    SiteFacts,
    Tracking,
    allocate,
    check_movement,
    expiry_from,
    validate_lot_dates,
)
from jxc.inventory.pipeline import BatchWriter, collection_paused, start_writer
from jxc.inventory.ports import ItemDirectory, SiteDirectory
from jxc.inventory.repository import LedgerRepository, PostingRow
from jxc.inventory.state_store import StateStore
from jxc.inventory.states import State
from jxc.inventory.writer import Entry, Lane, PostingWriter, WriteSet, minor
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import IdempotencyConflict, InvalidInput, JxcError, NotFound
from jxc.kernel.ids import new_id, new_id_hex
from jxc.kernel.quantity import QTY_SCALE, parse_quantity, positive_quantity

_SCALE = 10**QTY_SCALE

Progress = Callable[[int], None]


class Ledger:
    """The stock ledger's write side. Built once by bootstrap with its directories."""

    def __init__(self, *, items: ItemDirectory, sites: SiteDirectory, states: StateStore) -> None:
        self.items = items
        self.sites = sites
        self.states = states

    # --- public use cases -----------------------------------------------------------------
    def post(self, uow: SqlUnitOfWork, command: PostStock) -> PostingResult:
        """Post one atomic, idempotent set of movements and commit.

        Optimistic about the key (the till path's common case is a new key): the unique index on
        the key decides, and only a failure pays for the look-up that tells replay from conflict.
        """
        digest = posting_fingerprint(command)
        key = _require_key(command.idempotency_key)
        try:
            result = self._post_new(uow, command, digest=digest)
            uow.commit()
            return result
        except (IntegrityError, JxcError):
            # A replayed key can fail validation against today's stock (the sale already happened)
            # before it reaches the unique index: whichever way it failed, a known key replays.
            uow.rollback()
            uow.connection.begin()
            existing = uow.repository(LedgerRepository).postings_by_key([key])
            if key not in existing:
                raise
            return self._replay(uow, existing[key], digest)

    def lot_number(self, uow: SqlUnitOfWork, lot_id: UUID) -> str:
        """The lot number (批次号) of a lot id, as movement records name lots by id."""
        return uow.repository(LedgerRepository).lots_by_id([lot_id])[lot_id].lot_no

    def post_in(self, uow: SqlUnitOfWork, command: PostStock, *, digest: str) -> PostingResult:
        """Post inside the caller's unit of work without committing (for composite use cases)."""
        repo = uow.repository(LedgerRepository)
        key = _require_key(command.idempotency_key)
        existing = repo.postings_by_key([key]).get(key)
        if existing is not None:
            return self._replay(uow, existing, digest)
        return self._post_new(uow, command, digest=digest)

    def post_new_in(self, uow: SqlUnitOfWork, command: PostStock, *, digest: str) -> PostingResult:
        """``post_in`` for a caller that has just looked the key up itself and found nothing
        (the unique index on the key still refuses a duplicate)."""
        _require_key(command.idempotency_key)
        return self._post_new(uow, command, digest=digest)

    def _post_new(self, uow: SqlUnitOfWork, command: PostStock, *, digest: str) -> PostingResult:
        """Resolve, check and write a posting whose key is believed new (the database has the last word)."""
        repo = uow.repository(LedgerRepository)
        resolver = _Resolver(self, uow, repo, [command], allocate=True)
        writer = resolver.writer()
        movements, posting = resolver.build(command, writer, digest=digest)
        writer.flush()
        return PostingResult(
            posting_id=posting.id, idempotency_key=command.idempotency_key, replayed=False,
            movements=tuple(_record(m) for m in movements),
        )

    def import_postings(
        self, uow_factory: Callable[[], SqlUnitOfWork], commands: Iterable[PostStock], *,
        batch_size: int = 5000, progress: Progress | None = None, parallel: bool = True,
    ) -> ImportReport:
        """Bulk path: many postings per transaction, every bucket named (no allocation).

        Batches are pipelined: while a forked writer process writes and commits one batch,
        this process resolves, fingerprints and checks the next against the balances as the
        earlier batches leave them (see ``pipeline``). Each batch commits on its own; a batch
        that fails writes nothing and stops the import, and re-running the import replays what
        was committed, so an interrupted import resumes. The balances a batch is checked against
        are read outside its write transaction; the database's non-negative CHECK stays the
        last guard against a concurrent writer.
        """
        totals = [0, 0, 0]
        state = _ImportState()
        with collection_paused():
            return self._import(uow_factory, commands, batch_size, progress, parallel, totals, state)

    def _import(
        self, uow_factory: Callable[[], SqlUnitOfWork], commands: Iterable[PostStock], batch_size: int,
        progress: Progress | None, parallel: bool, totals: list[int], state: _ImportState,
    ) -> ImportReport:
        writer: BatchWriter | None = None
        sent = 0
        try:
            for chunk in _chunks(commands, batch_size):
                prepared = self._prepare_batch(uow_factory, chunk, totals, state)
                if writer is None:
                    writer = start_writer(uow_factory, parallel=parallel and len(chunk) >= batch_size)
                writer.wait()
                if progress is not None and sent:
                    progress(sent)
                writer.send(prepared)
                sent = len(chunk)
                state.in_flight = dict(state.last_keys)
                if prepared.has_serials:
                    # Serial checks read committed stock: let this batch land before the next is checked.
                    writer.wait()
                    state.in_flight = {}
            if writer is not None:
                writer.wait()
                if progress is not None and sent:
                    progress(sent)
        finally:
            if writer is not None:
                writer.close()
        return ImportReport(postings=totals[0], movements=totals[1], replayed=totals[2])

    # --- internals ------------------------------------------------------------------------
    def _prepare_batch(
        self, uow_factory: Callable[[], SqlUnitOfWork], commands: Sequence[PostStock], totals: list[int],
        state: _ImportState,
    ) -> WriteSet:
        """Resolve and check one batch against balances as the earlier batches leave them."""
        with uow_factory().reader() as uow:
            repo = uow.repository(LedgerRepository)
            existing = repo.digests_by_key([_require_key(c.idempotency_key) for c in commands])
            seen: dict[str, str] = {}
            keys: list[tuple[str, str]] = []
            resolver = _Resolver(self, uow, repo, commands, allocate=False, shapes=state.shapes, lots=state.lots,
                                 bins=state.bins)
            writer = resolver.writer(known=state.known, lanes=state.lanes)
            known_shapes = state.shapes
            for command in commands:
                shapes = []
                for line in command.lines:
                    shape_key = shape_of(line)
                    shape = known_shapes.get(shape_key)
                    if shape is None:
                        shape = known_shapes[shape_key] = _Shape(text=shape_text(shape_key))
                    shapes.append(shape)
                digest = fingerprint_with(command, [shape.text for shape in shapes])
                key = command.idempotency_key
                earlier_digest = existing.get(key) or seen.get(key) or state.in_flight.get(key)
                if earlier_digest is not None:
                    if earlier_digest != digest:
                        raise IdempotencyConflict("idempotency.key_reused", field="idempotency_key", value=key)
                    totals[2] += 1
                    continue
                seen[key] = digest
                keys.append((key, digest))
                if not resolver.try_fast(command, shapes, writer, digest=digest):
                    resolver.build(command, writer, digest=digest)
                totals[1] += len(writer.entries[-1])
                totals[0] += 1
            state.last_keys = keys
            return writer.settle(lock=False)

    def _replay(self, uow: SqlUnitOfWork, existing: PostingRow, digest: str) -> PostingResult:
        if existing.payload_hash != digest:
            raise IdempotencyConflict("idempotency.key_reused", field="idempotency_key", value=existing.idempotency_key)
        rows = uow.repository(LedgerRepository).movements_of(existing.id)
        return PostingResult(
            posting_id=existing.id, idempotency_key=existing.idempotency_key, replayed=True,
            movements=tuple(
                MovementRecord(**row._mapping) for row in rows
            ),
        )


@dataclass
class _ImportState:
    """What one bulk import carries from batch to batch."""

    shapes: dict[tuple[object, ...], _Shape] = field(default_factory=dict)  # line shapes → lanes
    known: dict[str, int] = field(default_factory=dict)  # balances as the prepared batches leave them
    lots: dict[tuple[UUID, str], Lot] = field(default_factory=dict)  # lots seen or created so far
    bins: dict[tuple[str, str], UUID] = field(default_factory=dict)  # (site, bin code) → bin id
    lanes: dict[tuple[UUID, UUID], Lane] = field(default_factory=dict)  # bucket pairs → encoded lanes
    in_flight: dict[str, str] = field(default_factory=dict)  # keys of the batch being written → digest
    last_keys: list[tuple[str, str]] = field(default_factory=list)  # (key, digest) of the last batch


def _chunks(commands: Iterable[PostStock], size: int) -> Iterator[list[PostStock]]:
    chunk: list[PostStock] = []
    for command in commands:
        chunk.append(command)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _require_key(key: str) -> str:
    if not key or not key.strip():
        raise InvalidInput("field.required", field="idempotency_key")
    if len(key) > 200:
        raise InvalidInput("field.invalid", field="idempotency_key", value=key[:20] + "…", reason="≤ 200 chars")
    return key


def _record(m: Movement) -> MovementRecord:
    return MovementRecord(
        id=m.id, line_no=m.line_no, item_id=m.source.item_id, quantity=m.quantity,
        from_bucket_id=m.source_id, to_bucket_id=m.target_id, from_site_id=m.source.site_id,
        to_site_id=m.target.site_id, from_state=m.source.state, to_state=m.target.state,
        lot_id=m.target.lot_id, serial=m.target.serial, occurred_at=m.occurred_at, eta=m.eta,
    )


@dataclass(slots=True)
class _Shape:
    """A line minus its quantity: its canonical text and, once a plain line of this shape has been
    resolved, the lane it runs on (bulk lines repeat shapes over and over)."""

    text: str
    lane: Lane | None = None
    sku: str = ""
    base_unit: str = ""


class _Resolver:
    """Turns commands (codes, units, lot numbers) into movements between buckets (ids)."""

    def __init__(
        self, ledger: Ledger, uow: SqlUnitOfWork, repo: LedgerRepository, commands: Sequence[PostStock],
        *, allocate: bool, shapes: dict[tuple[object, ...], _Shape] | None = None,
        lots: dict[tuple[UUID, str], Lot] | None = None, bins: dict[tuple[str, str], UUID] | None = None,
    ) -> None:
        self.ledger, self.uow, self.repo, self.allocate = ledger, uow, repo, allocate
        lines = [line for c in commands for line in c.lines]
        self.items = ledger.items.by_sku(uow, {line.sku for line in lines})
        self.sites = ledger.sites.by_code(uow, {line.from_site for line in lines} | {line.to_site for line in lines})
        self.sites_by_id = {s.id: s for s in self.sites.values()}
        wanted_lots = [
            (self.items[line.sku].id, line.lot) for line in lines if line.lot is not None and line.sku in self.items
        ]
        self.lots = {} if lots is None else lots
        missing = [pair for pair in wanted_lots if pair not in self.lots]
        if missing:
            self.lots.update(repo.lots_by_number(missing))
        self.machine = ledger.states.machine(uow)
        self.now = uow.clock.now()
        self._bins: dict[tuple[str, str], UUID] = {} if bins is None else bins
        self._shapes: dict[ShapeKey, _Shape] = {} if shapes is None else shapes
        self._checked: set[tuple[UUID, UUID, bool]] = set()
        self._projects: dict[str, UUID] = {}

    def writer(
        self, *, known: dict[str, int] | None = None, lanes: dict[tuple[UUID, UUID], Lane] | None = None,
    ) -> PostingWriter:
        return PostingWriter(
            repo=self.repo, sites=self.sites_by_id, item_codes={i.id: i.sku for i in self.items.values()},
            known={} if known is None else known, lanes={} if lanes is None else lanes,
        )

    # -- lookups with field-naming errors --
    def item(self, line: MoveLine, where: str) -> ItemFacts:
        found = self.items.get(line.sku)
        if found is None:
            raise NotFound("item.not_found", field=f"{where}.sku", value=line.sku)
        return found

    def site(self, code: str, field_name: str) -> SiteFacts:
        found = self.sites.get(code)
        if found is None:
            raise NotFound("site.not_found", field=field_name, value=code)
        return found

    def bin(self, site_code: str, code: str | None) -> UUID | None:
        if code is None:
            return None
        key = (site_code, code)
        if key not in self._bins:
            self._bins[key] = self.ledger.sites.bin_id(self.uow, site_code=site_code, bin_code=code)
        return self._bins[key]

    def project(self, code: str | None) -> UUID | None:
        if code is None:
            return None
        if code not in self._projects:
            self._projects[code] = self.ledger.sites.project_id(self.uow, code)
        return self._projects[code]

    def state(self, code: str, field_name: str) -> str:
        if code not in self.machine:
            self.machine = self.ledger.states.machine(self.uow, refresh=True)
        return self.machine.require(code, field=field_name)

    # -- building --
    def build(self, command: PostStock, writer: PostingWriter, *, digest: str) -> tuple[list[Movement], PostingRow]:
        """Resolve a command into movements (allocating where needed), check them, hand them to the writer."""
        if not command.lines:
            raise InvalidInput("movement.empty", field="lines")
        occurred = require_aware(command.occurred_at, field="occurred_at") if command.occurred_at else self.now
        posting_id = new_id()
        movements: list[Movement] = []
        per_line: list[list[Movement]] = []
        for index, line in enumerate(command.lines):
            per_line.append(self._line(line, f"lines[{index}]", posting_id, occurred, len(movements), writer))
            movements.extend(per_line[-1])
        for movement in movements:
            checked = (movement.source_id, movement.target_id, command.reassign_project)
            if checked not in self._checked:
                check_movement(
                    movement, sites=self.sites_by_id, states=self.machine, reassign_project=command.reassign_project
                )
                self._checked.add(checked)
        posting = PostingRow(
            id=posting_id, idempotency_key=command.idempotency_key, payload_hash=digest, kind=command.kind,
            document_ref=command.document_ref, occurred_at=occurred, recorded_at=self.now,
            line_count=len(command.lines),
        )
        if not command.reassign_project:
            for line, line_movements in zip(command.lines, per_line, strict=True):
                self._remember_shape(line, line_movements, writer)
        writer.add_movements(posting, movements)
        return movements, posting

    def try_fast(
        self, command: PostStock, shapes: Sequence[_Shape], writer: PostingWriter, *, digest: str,
    ) -> bool:
        """Bulk path: when every line runs on a known lane, write it without building objects."""
        lines = command.lines
        if not lines or command.reassign_project:
            return False
        lanes: list[Lane] = []
        for line, shape in zip(lines, shapes, strict=True):
            if shape.lane is None or line.serials:
                return False
            lanes.append(shape.lane)
        occurred = require_aware(command.occurred_at, field="occurred_at") if command.occurred_at else self.now
        when = writer.repo.encoder.when
        occurred_text = when(occurred)
        posting_key = new_id_hex()
        entries: list[Entry] = []
        line_no = 0
        for line, shape, lane in zip(lines, shapes, lanes, strict=True):
            line_no += 1
            quantity = line.quantity
            if type(quantity) is int and quantity > 0 and line.unit is None:
                amount = quantity * _SCALE
            else:
                amount = minor(self._base_quantity(line, shape, line_no - 1))
            entries.append((new_id_hex(), posting_key, line_no, amount, occurred_text, None, lane))
        writer.add_entries(
            (posting_key, command.idempotency_key, digest, command.kind, command.document_ref, occurred_text,
             when(self.now), line_no),
            entries,
        )
        return True

    def _base_quantity(self, line: MoveLine, shape: _Shape, index: int) -> Decimal:
        quantity = positive_quantity(line.quantity, field=f"lines[{index}].quantity")
        if line.unit is not None and line.unit != shape.base_unit:
            quantity = self.ledger.items.to_base(self.uow, sku=shape.sku, quantity=quantity, unit=line.unit)
            quantity = parse_quantity(quantity, field=f"lines[{index}].quantity")
        return quantity

    def _remember_shape(self, line: MoveLine, movements: list[Movement], writer: PostingWriter) -> None:
        # Lines that resolve to exactly one plain movement (no serial, not in transit) repeat in bulk
        # imports; remember the lane so the next identical line skips resolution and checks.
        if self.allocate or line.serials or len(movements) != 1:
            return
        m = movements[0]
        if m.target.serial is not None or State.IN_TRANSIT in (m.source.state, m.target.state):
            return
        item = self.items[line.sku]
        key = shape_of(line)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = _Shape(text=shape_text(key))
        shape.lane, shape.sku, shape.base_unit = writer.lane(m), item.sku, item.base_unit

    def _line(
        self, line: MoveLine, where: str, posting_id: UUID, occurred: datetime, offset: int, writer: PostingWriter,
    ) -> list[Movement]:
        item = self.item(line, where)
        source_site = self.site(line.from_site, f"{where}.from_site")
        target_site = self.site(line.to_site, f"{where}.to_site")
        quantity = positive_quantity(line.quantity, field=f"{where}.quantity")
        if line.unit is not None and line.unit != item.base_unit:
            quantity = self.ledger.items.to_base(self.uow, sku=item.sku, quantity=quantity, unit=line.unit)
            quantity = parse_quantity(quantity, field=f"{where}.quantity")
        from_state, to_state = self._states(line, source_site, target_site, where)
        eta = require_aware(line.eta, field=f"{where}.eta") if line.eta is not None else None
        self._check_tracking(item, line, quantity, where)
        from_project = self.project(line.from_project)
        to_project = self.project(line.to_project) if line.to_project is not None else from_project

        if source_site.is_virtual:
            lot_id = self._incoming_lot(item, line, occurred, writer, where)
            serials: Sequence[str | None] = line.serials or [None]
            if line.serials:
                self._check_serials_outside(item, line.serials, where)
            unit_qty = Decimal(1) if line.serials else quantity
            picks = [
                (Bucket(owner_id=None, site_id=source_site.id, item_id=item.id, state=from_state,
                        lot_id=lot_id, serial=serial, project_id=to_project), unit_qty)
                for serial in serials
            ]
        else:
            picks = self._outgoing(item, line, quantity, source_site, from_state, from_project, where, writer)

        movements = []
        same_site = source_site.id == target_site.id
        to_bin = self.bin(target_site.code, line.to_bin)
        for index, (source, qty) in enumerate(picks):
            if target_site.is_virtual:
                target = Bucket(owner_id=None, site_id=target_site.id, item_id=item.id, state=to_state,
                                lot_id=source.lot_id, serial=source.serial, project_id=source.project_id)
            else:
                target = Bucket(
                    owner_id=source.owner_id if same_site and source.owner_id else target_site.organisation_id,
                    site_id=target_site.id, item_id=item.id, state=to_state,
                    bin_id=to_bin if to_bin is not None else (source.bin_id if same_site else None),
                    lot_id=source.lot_id, serial=source.serial, project_id=to_project,
                )
            movements.append(Movement(
                id=new_id(), posting_id=posting_id, line_no=offset + index + 1, quantity=qty,
                source=source, target=target, occurred_at=occurred,
                eta=eta if to_state == State.IN_TRANSIT else None,
            ))
        return movements

    def _states(self, line: MoveLine, source: SiteFacts, target: SiteFacts, where: str) -> tuple[str, str]:
        if source.is_virtual:
            state = self.state(line.to_state or line.from_state or State.AVAILABLE, f"{where}.to_state")
            return state, state
        from_state = self.state(line.from_state or State.AVAILABLE, f"{where}.from_state")
        if target.is_virtual:
            return from_state, from_state
        return from_state, self.state(line.to_state or from_state, f"{where}.to_state")

    @staticmethod
    def _check_tracking(item: ItemFacts, line: MoveLine, quantity: Decimal, where: str) -> None:
        if item.tracking is not Tracking.LOT and item.tracking is not Tracking.SERIAL and line.lot is not None:
            raise InvalidInput("lot.not_tracked", field=f"{where}.lot", item=item.sku)
        if item.tracking is not Tracking.SERIAL and line.serials:
            raise InvalidInput("serial.not_tracked", field=f"{where}.serials", item=item.sku)
        if item.tracking is Tracking.SERIAL:
            if quantity != quantity.to_integral_value():
                raise InvalidInput("quantity.not_whole", field=f"{where}.quantity", value=str(quantity))
            if line.serials and len(set(line.serials)) != quantity:
                raise InvalidInput(
                    "serial.count", field=f"{where}.serials", quantity=str(quantity), count=len(set(line.serials))
                )

    def _incoming_lot(
        self, item: ItemFacts, line: MoveLine, occurred: datetime, writer: PostingWriter, where: str,
    ) -> UUID | None:
        if item.tracking is Tracking.SERIAL and line.lot is None:
            return None
        if item.tracking is Tracking.NONE:
            return None
        if line.lot is None:
            raise InvalidInput("lot.required", field=f"{where}.lot", item=item.sku)
        validate_lot_dates(line.lot, line.production_date, line.expiry_date)
        expiry = line.expiry_date or expiry_from(line.production_date, item.shelf_life_days)
        existing = self.lots.get((item.id, line.lot))
        if existing is not None:
            if line.expiry_date is not None and existing.expiry_date != line.expiry_date:
                raise InvalidInput(
                    "lot.dates_mismatch", field=f"{where}.expiry_date", value=line.lot,
                    expiry=str(existing.expiry_date), given=str(line.expiry_date),
                )
            return existing.id
        lot = Lot(id=new_id(), item_id=item.id, lot_no=line.lot, production_date=line.production_date,
                  expiry_date=expiry, received_at=occurred)
        self.lots[(item.id, line.lot)] = lot
        writer.new_lots.append(lot)
        return lot.id

    def _known_lot(self, item: ItemFacts, line: MoveLine, where: str) -> UUID | None:
        if line.lot is None:
            return None
        existing = self.lots.get((item.id, line.lot))
        if existing is None:
            raise NotFound("lot.not_found", field=f"{where}.lot", value=line.lot, item=item.sku)
        return existing.id

    def _check_serials_outside(self, item: ItemFacts, serials: Sequence[str], where: str) -> None:
        located = self.repo.serial_locations(item.id, serials)
        for serial in serials:
            if located.get(serial) is not None:
                raise InvalidInput("serial.in_stock", field=f"{where}.serials", value=serial, where=str(located[serial]))

    def _outgoing(
        self, item: ItemFacts, line: MoveLine, quantity: Decimal, site: SiteFacts, state: str,
        project: UUID | None, where: str, writer: PostingWriter,
    ) -> list[tuple[Bucket, Decimal]]:
        lot_id = self._known_lot(item, line, where)
        bin_id = self.bin(site.code, line.from_bin)
        needs_choice = item.tracking is not Tracking.NONE and (
            (item.tracking is Tracking.LOT and lot_id is None) or (item.tracking is Tracking.SERIAL and not line.serials)
        )
        if not self.allocate:
            if needs_choice:
                raise InvalidInput(
                    "lot.required" if item.tracking is Tracking.LOT else "serial.required",
                    field=f"{where}.{'lot' if item.tracking is Tracking.LOT else 'serials'}", item=item.sku,
                )
            serials: Sequence[str | None] = line.serials or [None]
            qty = Decimal(1) if line.serials else quantity
            return [
                (Bucket(owner_id=site.organisation_id, site_id=site.id, item_id=item.id, state=state, bin_id=bin_id,
                        lot_id=lot_id, serial=serial, project_id=project), qty)
                for serial in serials
            ]
        candidates = self.repo.stock_candidates(
            item_id=item.id, site_id=site.id, state=state, project_id=project, lot_id=lot_id, bin_id=bin_id,
            serials=line.serials,
        )
        if line.serials:
            present = {c.bucket.serial for c in candidates}
            for serial in line.serials:
                if serial not in present:
                    raise InvalidInput("serial.not_here", field=f"{where}.serials", value=serial,
                                       where=f"{site.code}/{state}")
        # Explicitly named lots may be picked even when expired (e.g. to scrap them).
        today = self.now.date() if lot_id is None else datetime.min.date()
        if site.allow_negative:
            # Take what is there in removal order; the shortfall drives the plain bucket negative.
            on_hand = sum((c.quantity for c in candidates), Decimal(0))
            picks = allocate(candidates, min(quantity, on_hand), expires=item.expires, today=datetime.min.date(),
                             item_code=item.sku, site_code=site.code, state=state) if on_hand > 0 else []
            if quantity > on_hand:
                plain = Bucket(owner_id=site.organisation_id, site_id=site.id, item_id=item.id, state=state,
                               bin_id=bin_id, lot_id=lot_id, project_id=project)
                picks.append((plain, quantity - on_hand))
        else:
            picks = allocate(
                candidates, quantity, expires=item.expires, today=today, item_code=item.sku, site_code=site.code,
                state=state,
            )
        writer.seed({candidate.bucket.id: candidate.quantity for candidate in candidates})
        return picks


__all__ = ["Ledger", "MoveLine", "PostStock", "PostingResult"]
