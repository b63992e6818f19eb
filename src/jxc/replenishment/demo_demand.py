"""Demand histories for the backtest: seeded demo scenarios, and a real public series.

:func:`demo_rows` writes daily demand in the backtest's CSV format (docs/backtest.md) for scenarios
from docs of the market jxc serves (shared/scenarios.md), at two stores with a fixed seed:

- ``fresh`` (community fresh supermarket, scenario 22): daily staples with weekend peaks (+40–50 %
  on Saturday and Sunday), a slow yearly swing and some growth; fast local supply, lead time 1–3 days
  given per row; packs of 6 or 10;
- ``hospital`` (hospital calendar, scenario 3; unreliable supply, scenario 7): high-value consumables
  that top hospitals order on the 5th of each month (about 60 % of a month's volume that day, a
  trickle the rest), imported: 7 days nominal lead time, and in 43 % of orders a port delay of 2.8
  days on average, given per row; MOQ 10, packs of 10;
- ``promo`` (channel promotions, scenario 9): pet food with a planned 7-day promotion every 5–7
  weeks that sells 2.5× (``promo`` column); lead time from the default distribution;
- ``slow`` (the B/C long tail, scenario 6): intermittent movers, a sale every few days of 1–4 units.

:func:`tea_rows` writes hourly demand (``hour`` column) for scenario 1, the double-peak lemon tea:
weekday lunch and weekend evening peaks. An exogenous ``temperature`` column rides along to show
that extra columns are accepted and ignored by the default forecaster.

:func:`wineind_rows` turns a *real* series into the same format: ``wineind``, Australian wine sales
by wine makers in bottles ≤ 1 litre, monthly, January 1980 – August 1994 (176 months; R's
``forecast`` package), as shipped inside the ``pmdarima`` package (no download). Each month's total
is spread over its days by a seeded multinomial draw (every bottle equally likely to sell on any
day of the month), which keeps the monthly totals exact; cost 6.00 and price 9.00 a bottle are
assumed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import numpy as np

__all__ = ["DEMO_COLUMNS", "demo_rows", "tea_rows", "wineind_rows", "write_csv"]

DEMO_COLUMNS: Final = ("date", "item", "site", "qty", "promo", "lead_time_days", "unit_cost", "unit_price",
                       "moq", "pack_size", "temperature")
SCENARIOS: Final = ("fresh", "hospital", "promo", "slow")
_WEEKEND_PEAK: Final = np.array([0.85, 0.85, 0.9, 0.95, 1.05, 1.45, 1.5])  # Monday … Sunday


def _negative_binomial(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    """Counts with the given means and variance mean + mean²/dispersion (gamma-Poisson)."""
    rate = rng.gamma(dispersion, np.maximum(mean, 1e-12) / dispersion)
    counts: np.ndarray = rng.poisson(rate).astype(np.float64)
    return counts


def _temperature(days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    season = 16.0 - 12.0 * np.cos(2 * math.pi * (days - 15) / 365.25)
    return np.round(season + rng.normal(0.0, 2.5, len(days)), 1)


def demo_rows(*, seed: int = 7, start: date = date(2024, 1, 1), days: int = 730,
              sites: Sequence[tuple[str, float]] = (("SH-01", 1.0), ("BJ-02", 0.7)),
              scenarios: Sequence[str] = SCENARIOS) -> list[dict[str, str]]:
    """Daily demand rows for ``scenarios`` at ``sites`` (code, scale), sorted by item-site then date."""
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios {sorted(unknown)}; choose from {SCENARIOS}")
    rng = np.random.default_rng(seed)
    day_numbers = np.arange(days, dtype=np.float64)
    dates = [start + timedelta(days=int(d)) for d in range(days)]
    weekday = np.array([d.weekday() for d in dates])
    mday = np.array([d.day for d in dates])
    temperature = _temperature(day_numbers + start.timetuple().tm_yday, rng)
    rows: list[dict[str, str]] = []

    def emit(item: str, site: str, qty: np.ndarray, *, cost: float, price: float, moq: float = 0, pack: float = 1,
             promo: np.ndarray | None = None, lead: np.ndarray | None = None) -> None:
        for d in range(days):
            rows.append({
                "date": dates[d].isoformat(), "item": item, "site": site, "qty": str(int(qty[d])),
                "promo": "" if promo is None else str(int(promo[d])),
                "lead_time_days": "" if lead is None else str(int(lead[d])),
                "unit_cost": f"{cost:.2f}", "unit_price": f"{price:.2f}",
                "moq": f"{moq:g}", "pack_size": f"{pack:g}", "temperature": f"{temperature[d]:.1f}",
            })

    for site, scale in sites:
        if "fresh" in scenarios:
            for k in range(8):
                base = rng.uniform(15, 80) * scale
                growth = 1.0 + rng.uniform(0.0, 0.3) * day_numbers / 365.0
                yearly = 1.0 + 0.12 * np.sin(2 * math.pi * (day_numbers + rng.uniform(0, 365)) / 365.25)
                mean = base * growth * yearly * _WEEKEND_PEAK[weekday]
                cost = round(float(rng.uniform(3, 12)), 2)
                lead = np.clip(np.rint(rng.normal(2.0, 0.6, days)), 1, 4)
                emit(f"FRESH-{k + 1:02d}", site, _negative_binomial(rng, mean, 12.0), cost=cost,
                     price=round(cost * 1.35, 2), pack=float(rng.choice([6, 10])), lead=lead)
        if "hospital" in scenarios:
            for k in range(6):
                monthly = rng.uniform(60, 300) * scale
                mean = np.where(mday == 5, 0.6 * monthly, 0.4 * monthly / 29.5)
                delayed = rng.random(days) < 0.43
                lead = 7 + np.where(delayed, np.ceil(rng.exponential(2.8, days)), 0)
                cost = round(float(rng.uniform(80, 600)), 2)
                emit(f"HOSP-{k + 1:02d}", site, _negative_binomial(rng, mean, 15.0), cost=cost,
                     price=round(cost * 1.25, 2), moq=10, pack=10, lead=lead)
        if "promo" in scenarios:
            for k in range(4):
                base = rng.uniform(20, 60) * scale
                promo = np.zeros(days, dtype=bool)
                day = int(rng.integers(14, 42))
                while day < days:
                    promo[day : day + 7] = True
                    day += int(rng.integers(35, 50))
                mean = base * (1.0 + 0.25 * day_numbers / 365.0) * np.where(promo, 2.5, 1.0) \
                    * np.array([0.95, 0.95, 1.0, 1.0, 1.05, 1.05, 1.0])[weekday]
                cost = round(float(rng.uniform(20, 60)), 2)
                emit(f"PROMO-{k + 1:02d}", site, _negative_binomial(rng, mean, 10.0), cost=cost,
                     price=round(cost * 1.4, 2), pack=12, promo=promo)
        if "slow" in scenarios:
            for k in range(10):
                rate = rng.uniform(0.05, 0.5) * scale
                sale = rng.random(days) < rate
                qty = np.where(sale, rng.integers(1, 5, days), 0).astype(np.float64)
                cost = round(float(rng.uniform(5, 50)), 2)
                emit(f"SLOW-{k + 1:02d}", site, qty, cost=cost, price=round(cost * 1.5, 2))
    return rows


def tea_rows(*, seed: int = 11, start: date = date(2024, 3, 4), days: int = 182,
             site: str = "SH-TEA") -> list[dict[str, str]]:
    """Hourly demand (10:00–21:00) of two lemon teas: weekday lunch and weekend evening peaks."""
    rng = np.random.default_rng(seed)
    hours = np.arange(10, 22)
    weekday_shape = np.array([0.6, 0.8, 2.4, 3.1, 1.6, 0.7, 0.6, 0.7, 0.9, 1.0, 0.8, 0.5])  # lunch at 12–13
    weekend_shape = np.array([0.5, 0.6, 0.9, 1.0, 0.9, 0.9, 1.0, 1.3, 2.6, 3.1, 2.7, 1.4])  # evening 18–20
    rows = []
    for item, base, cost in (("TEA-LEMON", 9.0, 4.5), ("TEA-PEACH", 4.0, 5.0)):
        for d in range(days):
            day = start + timedelta(days=d)
            shape = weekend_shape if day.weekday() >= 5 else weekday_shape
            qty = _negative_binomial(rng, base * shape, 8.0)
            for h, q in zip(hours, qty, strict=True):
                rows.append({"date": day.isoformat(), "item": item, "site": site, "hour": str(h),
                             "qty": str(int(q)), "unit_cost": f"{cost:.2f}", "unit_price": f"{cost * 3:.2f}",
                             "lead_time_days": "1"})
    return rows


def wineind_rows(*, seed: int = 7, item: str = "WINE-AU", site: str = "AU") -> list[dict[str, str]]:
    """The real ``wineind`` series (pmdarima) spread over days; see the module notes."""
    try:
        from pmdarima.datasets import load_wineind
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the real series needs the pmdarima package: pip install pmdarima") from exc
    monthly = np.asarray(load_wineind(), dtype=np.int64)
    rng = np.random.default_rng(seed)
    rows = []
    year, month = 1980, 1
    for total in monthly:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        length = (following - first).days
        spread = rng.multinomial(int(total), np.full(length, 1.0 / length))
        for d, qty in enumerate(spread):
            rows.append({"date": (first + timedelta(days=d)).isoformat(), "item": item, "site": site,
                         "qty": str(int(qty)), "unit_cost": "6.00", "unit_price": "9.00"})
        year, month = following.year, following.month
    return rows


def write_csv(rows: Iterable[dict[str, str]], path: Path | str) -> Path:
    """Write rows (all with the same keys) as a UTF-8 CSV with a header; returns the path."""
    target = Path(path)
    materialised = list(rows)
    columns = list(materialised[0]) if materialised else list(DEMO_COLUMNS)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(materialised)
    return target
