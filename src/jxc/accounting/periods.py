"""Accounting periods (会计期间) and their close (结账), per organisation.

Pure: standard library and ``jxc.kernel`` only; the caller supplies actor and time.

Rules this module keeps:
- a period is a calendar month (the Chinese fiscal year is the calendar year), per organisation;
- closing is monotonic: an organisation's closed periods are always an unbroken run up to its
  latest closed period. The first close of an organisation closes that period and everything
  before it (the books start there); after that only the period right after the latest closed one
  may be closed, so a later period can never be closed while an earlier one is open. Closing an
  already closed period changes nothing (a retry is harmless);
- reopening (反结账) is an explicit call with a non-empty reason and actor, recorded in the book's
  history; it reopens the named period *and every later closed period*, because a later period's
  balances are carried forward from the reopened one;
- :meth:`PeriodBook.check_open` refuses a date in a closed period with ``Conflict("period.closed")``
  naming the organisation and the period.
A :class:`PeriodBook` is immutable: ``close`` and ``reopen`` return a new book.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal

from jxc.kernel.errors import Conflict, InvalidInput


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One month of one organisation's books; orders by organisation, then time."""

    org: str
    year: int
    month: int

    def __post_init__(self) -> None:
        if not self.org or not self.org.strip():
            raise InvalidInput("field.required", field="org")
        if not (1900 <= self.year <= 9999 and 1 <= self.month <= 12):
            raise InvalidInput("period.invalid", field="period", value=f"{self.year}-{self.month}")

    @classmethod
    def of(cls, org: str, on_date: date) -> Period:
        """The period a date falls in."""
        return cls(org, on_date.year, on_date.month)

    @classmethod
    def parse(cls, org: str, label: str) -> Period:
        """``Period.parse("ACME", "2026-12")``."""
        year, _, month = label.partition("-")
        if not (len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
            raise InvalidInput("period.invalid", field="period", value=label)
        return cls(org, int(year), int(month))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Period:
        return Period(self.org, self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.org, self.year - (self.month == 1), (self.month - 2) % 12 + 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodChange:
    """One close or reopen, as recorded in the book's history."""

    action: Literal["close", "reopen"]
    period: Period
    actor: str
    reason: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PeriodBook:
    """Per organisation, the latest closed period (all earlier ones are closed too), plus the history."""

    closed_through: Mapping[str, Period] = field(default_factory=lambda: MappingProxyType({}))
    history: tuple[PeriodChange, ...] = ()

    def latest_closed(self, org: str) -> Period | None:
        return self.closed_through.get(org)

    def is_closed(self, period: Period) -> bool:
        latest = self.closed_through.get(period.org)
        return latest is not None and period <= latest

    def check_open(self, org: str, on_date: date) -> None:
        """Raise ``period.closed`` when ``on_date`` falls in a closed period of ``org``."""
        period = Period.of(org, on_date)
        if self.is_closed(period):
            raise Conflict(
                "period.closed", field="date", value=period.label, org=org, date=on_date.isoformat()
            )

    def close(self, period: Period, *, actor: str, at: datetime | None = None) -> PeriodBook:
        """Close ``period``: an organisation's first close, or the period after its latest closed one."""
        _actor(actor)
        latest = self.closed_through.get(period.org)
        if latest is not None and period <= latest:
            return self  # already closed: closing again is a harmless retry
        if latest is not None and period != latest.next():
            raise Conflict(
                "period.out_of_order",
                field="period",
                value=period.label,
                org=period.org,
                expected=latest.next().label,
            )
        change = PeriodChange(action="close", period=period, actor=actor, at=at)
        return self._with(period.org, period, change)

    def reopen(self, period: Period, *, reason: str, actor: str, at: datetime | None = None) -> PeriodBook:
        """Reopen ``period`` and every later closed period of its organisation, recording why."""
        _actor(actor)
        if not reason or not reason.strip():
            raise InvalidInput("period.reason_required", field="reason", value=period.label)
        if not self.is_closed(period):
            raise Conflict("period.not_closed", field="period", value=period.label, org=period.org)
        change = PeriodChange(action="reopen", period=period, actor=actor, reason=reason.strip(), at=at)
        return self._with(period.org, period.previous(), change)

    def _with(self, org: str, latest: Period, change: PeriodChange) -> PeriodBook:
        closed = {**self.closed_through, org: latest}
        return PeriodBook(closed_through=MappingProxyType(closed), history=(*self.history, change))


def _actor(actor: str) -> None:
    if not actor or not actor.strip():
        raise InvalidInput("field.required", field="actor")
