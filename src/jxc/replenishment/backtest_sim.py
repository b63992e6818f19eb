"""The backtest's daily inventory simulation and its two replenishment policies.

One item at one site, day by day. Each simulated day:

1. demand arrives slot by slot and is met from stock on hand while it lasts; what cannot be met is
   lost (no backorders) and the day counts as a stock-out day;
2. the policy is told the day's demand (by default: a distributor records the orders it cannot
   fill) or, with ``observe="sales"``, only its sales and whether a stock-out censored them;
3. orders due that day are received (an order placed at the close of day t with lead time L is
   received at the close of day t + L, so stock and pipeline must cover days t+1 … t+L+R);
4. on a review day the policy names its order-up-to level S, and the order is the shortfall of the
   inventory position (on hand + on order) below S, rounded to packs and raised to the MOQ by
   :func:`jxc.replenishment.policy.suggest_order`.

The lead times the dynamic policy learns are *effective* ones: an order counts as in once
everything ordered up to and including it has arrived in total. With an order every day and
independent lead times, orders overtake each other, and the stock sees the pipeline's lead time,
which varies less than one order's; treating each order's own lead time as the risk (the textbook
random-sum formula) would over-protect.

Both policies start at their own first order-up-to level with nothing on order, after a warm-up
during which they only see history. Lead times are drawn once per item-site and order day, so the
two policies (and every rerun of the static one) meet the same supply: an order placed on the same
day takes the same time.

The policies:

- :class:`DynamicPolicy` (what jxc does): every ``review_days`` (default 1) it asks a forecaster for
  demand quantiles over lead time + review, mixes them over the lead-time distribution it has
  learned from its own receipts (a prior until then; see below), and picks the smallest S whose expected
  shortage per review cycle, E[(D_{L+R} − S)⁺] − E[(D_L − S)⁺], stays within (1 − β) of a cycle's
  expected demand: the periodic-review fill-rate rule (Silver, Pyke & Thomas 2017), computed on the
  forecast's own distribution instead of a normal one.
- :class:`StaticPolicy` (what jxc replaces): every ``review_days`` (default 7) it orders up to
  S = μ·(L + R) + safety stock, with μ the mean daily sales of the trailing ``window`` days
  (``window=0``: the warm-up mean, fixed once), L the nominal lead time, and the safety stock a fixed
  ``buffer`` — ``buffer`` days of mean demand (rule "days"), or ``buffer`` × σ_{L+R} with σ from the
  same trailing sales (rule "sigma", :func:`~jxc.replenishment.policy.protection_interval_demand`).
  No forecast, no calendar, no promotions, no lead-time learning: the textbook static rule.

The simulation works in numpy floats; the order rounding goes through the Decimal maths of
``policy.py`` at six decimals.
"""

from __future__ import annotations

import math
import zlib
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import numpy as np
import numpy.typing as npt

from jxc.replenishment.backtest_data import SeriesData
from jxc.replenishment.forecasters import QUANTILE_GRID, Forecaster
from jxc.replenishment.policy import order_up_to, protection_interval_demand, suggest_order

__all__ = ["DynamicPolicy", "LeadTimeModel", "Policy", "SimOutcome", "StaticPolicy", "draw_lead_times", "simulate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _decimal(value: float) -> Decimal:
    return Decimal(f"{max(0.0, value):.6f}")


def max_lead_time(mean: float, sd: float) -> int:
    """The longest lead time the default distribution draws: mean + 4 sd, at least the mean + 1."""
    return max(1, math.ceil(mean + 4.0 * sd), math.ceil(mean) + 1)


def draw_lead_times(series: SeriesData, *, mean: float, sd: float, seed: int) -> IntArray:
    """A lead time per order day: the file's where it gives one, else normal(mean, sd) in [1, max]."""
    key = zlib.crc32(f"{series.item}\x1f{series.site}".encode())
    rng = np.random.default_rng([seed, key])
    drawn = np.clip(np.rint(rng.normal(mean, sd, len(series.dates))), 1, max_lead_time(mean, sd))
    given = series.lead_time
    return np.where(np.isnan(given), drawn, given).astype(np.int64)


class LeadTimeModel:
    """Lead-time distribution a policy believes: a discretised normal prior plus what it has seen."""

    def __init__(self, mean: float, sd: float, max_days: int, *, prior_weight: float = 5.0) -> None:
        days = np.arange(max_days + 1, dtype=np.float64)
        if sd > 0:
            prior = np.exp(-0.5 * ((days - mean) / sd) ** 2)
        else:
            prior = (days == max(1, round(mean))).astype(np.float64)
        prior[0] = 0.0
        if prior.sum() == 0:
            prior[min(max_days, max(1, round(mean)))] = 1.0
        self._prior = prior / prior.sum() * prior_weight
        self._seen = np.zeros(max_days + 1)
        self.max_days = max_days

    def observe(self, days: int) -> None:
        self._seen[min(max(1, days), self.max_days)] += 1.0

    def pmf(self, *, cutoff: float = 1e-3) -> tuple[IntArray, FloatArray]:
        weights = self._prior + self._seen
        probs = weights / weights.sum()
        support = np.nonzero(probs >= cutoff)[0]
        kept = probs[support]
        return support.astype(np.int64), kept / kept.sum()


class Policy(Protocol):
    review_days: int

    def observe(self, t: int, sales: float, censored: bool) -> None: ...

    def received(self, lead_time: int) -> None: ...

    def order_up_to(self, t: int) -> float: ...


@dataclass
class DynamicPolicy:
    """Forecast quantiles over lead time + review → fill-rate order-up-to level, every review."""

    forecaster: Forecaster
    fill_rate: float
    lead_times: LeadTimeModel
    review_days: int = 1

    def observe(self, t: int, sales: float, censored: bool) -> None:
        self.forecaster.observe(t, sales, censored)

    def received(self, lead_time: int) -> None:
        self.lead_times.observe(lead_time)

    def order_up_to(self, t: int) -> float:
        support, probs = self.lead_times.pmf()
        r = self.review_days
        covers, leads = [], []
        for lead in support:
            covers.append(self.forecaster.quantiles(t, int(lead) + r, QUANTILE_GRID))
            leads.append(self.forecaster.quantiles(t, int(lead), QUANTILE_GRID))
        upper, lower = np.array(covers), np.array(leads)
        return fill_rate_level(upper, lower, probs, self.fill_rate)


def fill_rate_level(upper: FloatArray, lower: FloatArray, probs: FloatArray, fill_rate: float) -> float:
    """Smallest S with Σ_l p_l (E[(U_l − S)⁺] − E[(W_l − S)⁺]) ≤ (1 − β) Σ_l p_l (E[U_l] − E[W_l]).

    ``upper[l]`` are equally likely values of demand over lead time + review for the l-th lead time,
    ``lower[l]`` of demand over the lead time alone (the review cycle's demand is their difference).
    """
    weights = probs[:, None] / upper.shape[1]
    cycle_demand = float((weights * (upper - lower)).sum())
    if cycle_demand <= 0.0:
        return 0.0
    allowed = (1.0 - fill_rate) * cycle_demand
    # E-shortage(S) = Σ ω_i (v_i − S)⁺ over the upper values (ω > 0) and the lower ones (ω < 0): a
    # non-increasing, piecewise linear function of S with breaks at the values. Walk the breaks from
    # the top down to the first one where it exceeds the allowance, then solve on that segment.
    values = np.concatenate([upper.ravel(), lower.ravel()])
    omega = np.concatenate([np.broadcast_to(weights, upper.shape).ravel(),
                            -np.broadcast_to(weights, lower.shape).ravel()])
    order = np.argsort(-values, kind="stable")
    v, w = values[order], omega[order]
    mass = np.cumsum(w)  # Σ ω over the values ≥ v_k
    moment = np.cumsum(w * v)
    shortage = moment - v * mass  # E-shortage at S = v_k
    over = np.nonzero(shortage > allowed + 1e-12)[0]
    if len(over) == 0:
        return 0.0
    k = int(over[0])  # k ≥ 1, as nothing lies above the largest value: shortage(v_0) = 0
    # on [v_k, v_{k-1}] the shortage is moment_{k-1} − S·mass_{k-1}; it equals the allowance at S
    if mass[k - 1] <= 0:
        return float(v[k - 1])
    return float(min(v[k - 1], max(v[k], (moment[k - 1] - allowed) / mass[k - 1])))


@dataclass
class StaticPolicy:
    """Historical mean + a fixed buffer, fixed review cadence (see the module notes)."""

    lead_time: float
    buffer: float
    size: int
    review_days: int = 7
    rule: str = "days"
    window: int = 91
    _sales: FloatArray = field(init=False, repr=False)
    _seen: int = field(default=0, init=False, repr=False)
    _frozen: tuple[float, float] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.rule not in ("days", "sigma"):
            raise ValueError(f"unknown static rule {self.rule!r}: expected 'days' or 'sigma'")
        self._sales = np.zeros(self.size)

    def observe(self, t: int, sales: float, censored: bool) -> None:
        self._sales[t] = sales
        self._seen = t + 1

    def received(self, lead_time: int) -> None:
        """The static rule keeps its nominal lead time."""

    def _moments(self, t: int) -> tuple[float, float]:
        if self.window <= 0:
            if self._frozen is None:
                history = self._sales[: t + 1]
                self._frozen = (float(history.mean()), float(history.std()))
            return self._frozen
        history = self._sales[max(0, t + 1 - self.window) : t + 1]
        return float(history.mean()), float(history.std())

    def order_up_to(self, t: int) -> float:
        mean, std = self._moments(t)
        if self.rule == "days":
            reorder_point = mean * self.lead_time + self.buffer * mean
            level = order_up_to(Decimal(f"{reorder_point:.6f}"), _decimal(mean), self.review_days)
            return max(0.0, float(level))
        demand = protection_interval_demand(_decimal(mean), _decimal(std), _decimal(self.lead_time), 0,
                                            self.review_days)
        return max(0.0, float(demand.mean) + self.buffer * float(demand.std))


@dataclass(frozen=True, slots=True)
class SimOutcome:
    """Day-by-day record of one policy on one item-site; arrays cover the simulated days only."""

    start: int
    demand: FloatArray  # (days, slots)
    met: FloatArray  # (days, slots)
    opening: FloatArray  # stock at the start of the day
    closing: FloatArray  # stock after the day's demand, before receipts
    ordered: FloatArray
    level: FloatArray  # order-up-to level named at each review (NaN on other days)
    orders: int


def simulate(series: SeriesData, policy: Policy, *, start: int, lead_times: IntArray,
             initial_stock: float | None = None, observe: str = "demand") -> SimOutcome:
    """Run ``policy`` on ``series`` from day ``start`` (days before it are history only).

    ``observe="demand"``: the policy learns each day's demand, met or not (orders that are recorded
    when they cannot be filled, as a distributor's or a hospital's are, or sales plus out-of-stock
    requests). ``"sales"``: only what was sold, with a flag on stock-out days (censored demand), as
    a shop without lost-sales records sees it.
    """
    if observe not in ("demand", "sales"):
        raise ValueError(f"observe must be 'demand' or 'sales', not {observe!r}")
    n = len(series.dates)
    if not 1 <= start < n:
        raise ValueError(f"start {start} outside 1…{n - 1}")
    daily = series.daily
    for t in range(start):
        policy.observe(t, float(daily[t]), False)
    on_hand = policy.order_up_to(start - 1) if initial_stock is None else initial_stock
    arrivals = np.zeros(n + int(lead_times.max(initial=1)) + 2)
    # effective lead times: an order placed on day t is "in" once everything ordered up to and
    # including it has been received in total — later orders that overtake a late one count, as
    # stock does not care which order a unit came on (with frequent orders they often cross)
    pending: deque[tuple[int, float]] = deque()
    ordered_total = received_total = 0.0
    on_order = 0.0
    days, slots = n - start, series.demand.shape[1]
    met = np.zeros((days, slots))
    opening, closing = np.zeros(days), np.zeros(days)
    ordered, level = np.zeros(days), np.full(days, np.nan)
    moq, pack = _decimal(series.moq), _decimal(series.pack_size)
    orders = 0
    for i, t in enumerate(range(start, n)):
        opening[i] = on_hand
        for s in range(slots):
            served = min(on_hand, float(series.demand[t, s]))
            met[i, s] = served
            on_hand -= served
        closing[i] = on_hand
        sales = float(met[i].sum())
        if observe == "demand":
            policy.observe(t, float(daily[t]), False)
        else:
            policy.observe(t, sales, sales < float(daily[t]) - 1e-9)
        if arrivals[t]:
            on_hand += arrivals[t]
            on_order -= arrivals[t]
            received_total += arrivals[t]
            while pending and received_total >= pending[0][1] - 1e-9:
                policy.received(t - pending.popleft()[0])
        if i % policy.review_days == 0:
            target = policy.order_up_to(t)
            level[i] = target
            position = on_hand + on_order
            if position <= target:
                suggestion = suggest_order(_decimal(position), _decimal(target), _decimal(target), moq, pack)
                quantity = float(suggestion.quantity)
                if quantity > 0:
                    lead = int(lead_times[t])
                    arrivals[t + lead] += quantity
                    ordered_total += quantity
                    pending.append((t, ordered_total))
                    on_order += quantity
                    ordered[i] = quantity
                    orders += 1
    return SimOutcome(start=start, demand=series.demand[start:].copy(), met=met, opening=opening,
                      closing=closing, ordered=ordered, level=level, orders=orders)
