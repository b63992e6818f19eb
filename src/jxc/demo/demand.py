"""When customers buy: hourly profiles, weekday/weekend, seasons and platform promotions.

All times here are local (Asia/Shanghai); the history converts to UTC when it posts.
The lemon-tea scenario is the ``drink`` profile: weekday lunch (11–13 h) and weekend evening
(18–21 h) run at 3.1× the base hour — the ±210 % swing new-tea chains see.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

HOURS = range(24)


def _hours(base: float, spans: Mapping[tuple[int, int], float], *, open_from: int, open_to: int) -> tuple[float, ...]:
    """24 hourly weights: ``base`` while open, overridden by ``spans`` {(from, to): weight} (to exclusive)."""
    weights = [base if open_from <= hour < open_to else 0.0 for hour in HOURS]
    for (start, end), weight in spans.items():
        for hour in range(start, end):
            weights[hour] = weight
    return tuple(weights)


@dataclass(frozen=True)
class Profile:
    """How one demand stream spreads over the day and the week."""

    weekday_hours: tuple[float, ...]
    weekend_hours: tuple[float, ...]
    weekend_factor: float = 1.0  # a weekend day's volume relative to a weekday's
    monthly_fifth_factor: float = 1.0  # hospitals order on the 5th (scenario: 医院每月5号集中订货)
    cumulative_weekday: tuple[float, ...] = field(init=False, repr=False)
    cumulative_weekend: tuple[float, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Cumulative weights once, so drawing an hour is a bisect.
        object.__setattr__(self, "cumulative_weekday", tuple(accumulate(self.weekday_hours)))
        object.__setattr__(self, "cumulative_weekend", tuple(accumulate(self.weekend_hours)))

    def day_factor(self, day: date) -> float:
        factor = self.weekend_factor if day.weekday() >= 5 else 1.0
        if day.day == 5:
            factor = max(factor, 1.0) * self.monthly_fifth_factor
        return factor

    def draw_second(self, rng: random.Random, day: date) -> int:
        """A second of the local day, drawn from the hourly profile."""
        cumulative = self.cumulative_weekend if day.weekday() >= 5 else self.cumulative_weekday
        hour = bisect_right(cumulative, rng.random() * cumulative[-1])
        return min(hour, 23) * 3600 + rng.randrange(3600)


PROFILES: Mapping[str, Profile] = {
    # Lemon tea and other drinks: weekday lunch peak, weekend evening peak.
    "drink": Profile(
        weekday_hours=_hours(1.0, {(11, 13): 3.1, (15, 17): 1.4, (7, 9): 0.7}, open_from=7, open_to=22),
        weekend_hours=_hours(1.0, {(18, 21): 3.1, (12, 14): 1.5, (7, 10): 0.5}, open_from=7, open_to=22),
        weekend_factor=1.1,
    ),
    # Groceries: after-work peak on weekdays, spread over the day at weekends.
    "grocery": Profile(
        weekday_hours=_hours(0.8, {(7, 9): 1.5, (11, 13): 1.3, (17, 20): 2.6}, open_from=7, open_to=22),
        weekend_hours=_hours(1.0, {(9, 12): 1.8, (15, 20): 2.2}, open_from=7, open_to=22),
        weekend_factor=1.3,
    ),
    "pharmacy": Profile(
        weekday_hours=_hours(1.0, {(8, 10): 1.4, (18, 21): 1.6}, open_from=8, open_to=22),
        weekend_hours=_hours(1.0, {(10, 12): 1.4}, open_from=8, open_to=22),
        weekend_factor=0.9,
    ),
    # Online: open all night, live-stream peak in the evening.
    "online": Profile(
        weekday_hours=_hours(0.6, {(0, 2): 0.9, (2, 8): 0.15, (12, 14): 1.3, (20, 24): 2.5}, open_from=0, open_to=24),
        weekend_hours=_hours(0.8, {(0, 2): 1.2, (2, 9): 0.2, (20, 24): 2.8}, open_from=0, open_to=24),
        weekend_factor=1.25,
    ),
    # B2B orders land in office hours on working days.
    "hospital": Profile(
        weekday_hours=_hours(1.0, {(9, 11): 2.0, (14, 16): 1.5}, open_from=8, open_to=18),
        weekend_hours=_hours(1.0, {}, open_from=9, open_to=12),
        weekend_factor=0.1, monthly_fifth_factor=3.0,
    ),
    "contractor": Profile(
        weekday_hours=_hours(1.0, {(8, 10): 2.2}, open_from=7, open_to=18),
        weekend_hours=_hours(1.0, {}, open_from=8, open_to=12),
        weekend_factor=0.3,
    ),
}

# Month (1–12) → demand factor, for families that name a season.
SEASONS: Mapping[str, tuple[float, ...]] = {
    "summer": (0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.5, 1.5, 1.2, 1.0, 0.8, 0.7),
    "flu": (1.2, 0.8, 0.4, 0.2, 0.15, 0.15, 0.2, 0.6, 2.0, 2.6, 2.2, 1.6),
    "winter": (1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.5),
}


def season_factor(season: str | None, month: int) -> float:
    return 1.0 if season is None else SEASONS[season][month - 1]


@dataclass(frozen=True)
class Promotion:
    """A platform sales event: ``warm_up`` days before the peak at ×warm_factor, peak days at ×peak_factor."""

    name: str
    channels: frozenset[str]
    month: int
    peak_days: tuple[int, ...]
    warm_up_from: int
    warm_factor: float = 2.0
    peak_factor: float = 3.0

    def factor(self, day: date) -> float:
        if day.month != self.month:
            return 1.0
        if day.day in self.peak_days:
            return self.peak_factor
        if self.warm_up_from <= day.day < min(self.peak_days):
            return self.warm_factor
        return 1.0


PROMOTIONS: tuple[Promotion, ...] = (
    Promotion("618年中大促", frozenset({"tmall", "douyin"}), 6, (16, 17, 18), warm_up_from=1),
    Promotion("双11", frozenset({"tmall", "douyin"}), 11, (10, 11), warm_up_from=1, warm_factor=1.8),
    Promotion("双12", frozenset({"tmall"}), 12, (12,), warm_up_from=10, warm_factor=1.5, peak_factor=2.0),
    Promotion("抖音好物节", frozenset({"douyin"}), 9, (20, 21, 22), warm_up_from=15, peak_factor=2.5),
)


def promotion_factor(channel: str | None, day: date) -> float:
    if channel is None:
        return 1.0
    factor = 1.0
    for promotion in PROMOTIONS:
        if channel in promotion.channels:
            factor = max(factor, promotion.factor(day))
    return factor


def promotions_between(first: date, last: date) -> list[str]:
    """Names of the promotions with at least one lifted day inside [first, last] (for the summary)."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [p.name for p in PROMOTIONS if any(p.factor(day) > 1.0 for day in days)]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal above 30)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
