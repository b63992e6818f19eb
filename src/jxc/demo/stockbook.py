"""The simulation's own stock book, so the history never asks the ledger for more than a bucket holds.

The bulk import does no allocation: every line names its lot or serials, and a real bucket may
never go below zero. So the simulation keeps, per (site, item), the available lots in FEFO
order (earliest expiry first; arrival order breaks ties and orders untracked stock), and takes
from them exactly as it posts.

Invariants: a ``Shelf``'s ``total`` is the sum of its lots; no lot holds zero or less; a
serial-tracked shelf holds one entry whose quantity equals its number of serials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

_NEVER = date.max


@dataclass(slots=True)
class LotStock:
    lot: str | None
    expiry: date | None
    qty: int
    serials: list[str] | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """What one removal took from one lot (or the untracked remainder, or a set of serials)."""

    lot: str | None
    expiry: date | None
    qty: int
    serials: tuple[str, ...] = ()


@dataclass(slots=True)
class Shelf:
    """One item's available stock at one site."""

    lots: list[LotStock] = field(default_factory=list)
    total: int = 0

    def add(self, lot: str | None, expiry: date | None, qty: int, serials: tuple[str, ...] = ()) -> None:
        if qty <= 0:
            raise ValueError("a shelf only takes positive quantities")
        self.total += qty
        for entry in self.lots:
            if entry.lot == lot:  # same lot (or untracked/serial stock): merge
                entry.qty += qty
                if entry.serials is not None:
                    entry.serials.extend(serials)
                return
        key = expiry or _NEVER
        position = len(self.lots)
        for index, entry in enumerate(self.lots):
            if (entry.expiry or _NEVER) > key:
                position = index
                break
        self.lots.insert(position, LotStock(lot, expiry, qty, list(serials) if serials else None))

    def usable(self, usable_from: date | None = None) -> int:
        """Quantity in lots that do not expire before ``usable_from``."""
        if usable_from is None:
            return self.total
        return sum(e.qty for e in self.lots if e.expiry is None or e.expiry >= usable_from)

    def take(self, qty: int, *, usable_from: date | None = None) -> list[Pick]:
        """Take up to ``qty`` in FEFO order, skipping lots expiring before ``usable_from``.

        Returns what was taken (possibly less than asked, possibly nothing).
        """
        picks: list[Pick] = []
        left = qty
        index = 0
        while left > 0 and index < len(self.lots):
            entry = self.lots[index]
            if usable_from is not None and entry.expiry is not None and entry.expiry < usable_from:
                index += 1
                continue
            taken = min(entry.qty, left)
            serials: tuple[str, ...] = ()
            if entry.serials is not None:
                serials = tuple(entry.serials[:taken])
                del entry.serials[:taken]
            picks.append(Pick(entry.lot, entry.expiry, taken, serials))
            entry.qty -= taken
            left -= taken
            if entry.qty == 0:
                del self.lots[index]
            else:
                index += 1
        self.total -= qty - left
        return picks

    def remove_expired(self, today: date) -> list[Pick]:
        """Take out every lot that expired before ``today`` (for the write-off)."""
        expired = [e for e in self.lots if e.expiry is not None and e.expiry < today]
        if not expired:
            return []
        self.lots = [e for e in self.lots if not (e.expiry is not None and e.expiry < today)]
        self.total -= sum(e.qty for e in expired)
        return [Pick(e.lot, e.expiry, e.qty, tuple(e.serials or ())) for e in expired]

    def first_lot(self, *, at_least: int, usable_from: date) -> LotStock | None:
        """The first lot (FEFO) holding ``at_least`` and not expiring before ``usable_from``."""
        for entry in self.lots:
            if entry.qty >= at_least and (entry.expiry is None or entry.expiry >= usable_from):
                return entry
        return None
