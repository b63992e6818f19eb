"""Replenishment policy maths (补货策略), as pure functions: service level → safety stock → reorder point → order.

Demand over the *protection interval* P = lead time L + review period R is what stock on hand and on
order must cover. From it and a service target this module derives:

- the safety stock and reorder point for normal demand, for a cycle service level α (probability of
  no stock-out in a replenishment cycle) or a fill rate β (share of demand met from stock);
- the reorder point for Poisson demand (slow and intermittent movers), for α or β;
- the reorder point read off forecast quantiles of demand over P (an empirical distribution);
- the order-up-to level, and one order suggestion rounded to packs, raised to the MOQ and capped by
  shelf life and budget;
- the economic order quantity, and the share of gross margin that holding the stock costs.

Conventions:
- Inputs are ``Decimal``, ``int``, numeric text or ``float`` (a float is read through ``repr``, so
  0.95 means Decimal("0.95"), as :func:`jxc.kernel.quantity.parse_quantity` reads it); bools, NaN
  and infinities are refused. Every number must lie within ±10**12, so the float arithmetic stays
  far from overflow, and the stock quantities an order suggestion works on (position, reorder
  point, MOQ, pack size, …) at most ``QTY_SCALE`` decimals, as stored, so pack arithmetic is exact.
- Quantities and money that leave the module are ``Decimal``. Stock levels (safety stock, reorder
  point, order-up-to level) are rounded *up* to ``QTY_SCALE`` decimals: rounding down could leave a
  millionth of a unit less protection than the target asked for.
- Negative results are returned as the textbook computes them: a cycle service level below 50 %
  gives a negative safety factor, and a fill rate that the order quantity alone delivers gives a
  negative safety stock or a negative reorder point (order only once that many units are
  backordered). Callers that never plan a backorder take ``max(0, …)``.
- Errors are ``InvalidInput("field.invalid", field=…, value=…, reason=…)`` (or ``field.required``)
  naming the argument at fault.

References: E. A. Silver, D. F. Pyke & D. J. Thomas, *Inventory and Production Management in Supply
Chains*, 4th ed. (CRC Press, 2017), the chapters on individual items with probabilistic demand;
S. Axsäter, *Inventory Control*, 3rd ed. (Springer, 2015), the chapters on single-echelon reorder
points.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from itertools import pairwise
from statistics import NormalDist
from typing import Final, TypeAlias, TypeVar

from jxc.kernel.errors import InvalidInput
from jxc.kernel.quantity import QTY_QUANTUM, QTY_SCALE

__all__ = [
    "POISSON_NORMAL_APPROXIMATION_ABOVE",
    "IntervalDemand",
    "NormalPolicy",
    "OrderReason",
    "OrderSuggestion",
    "ServiceKind",
    "ServiceTarget",
    "eoq",
    "holding_cost_share_of_margin",
    "inventory_position",
    "normal_loss",
    "normal_policy",
    "order_up_to",
    "poisson_cdf",
    "poisson_expected_shortage",
    "poisson_reorder_point",
    "protection_interval_demand",
    "quantile_reorder_point",
    "reorder_point",
    "safety_stock_normal",
    "suggest_order",
]

# Internal statistics (z-values, variances, loss functions, Poisson probabilities) are computed in
# float: NormalDist works in float, and a forecast's standard deviation carries nowhere near the 15
# significant digits a float keeps, so Decimal would add cost without adding truth. Results are
# turned back into Decimal at the edge of each public function.

Number: TypeAlias = Decimal | int | float | str
# Mapping keys are invariant: a dict[Decimal, …] must be accepted as it is, not as a Mapping[Number, …]
_Level = TypeVar("_Level", bound=Number)

# Beyond this mean the Poisson CDF uses the normal approximation with continuity correction,
# Φ((s + ½ − λ)/√λ): at λ = 1000 it is within 0.0021 of the exact probability (and closer beyond),
# well inside forecast error, while the exact log-space sums would take thousands of terms per call.
POISSON_NORMAL_APPROXIMATION_ABOVE: Final = 1000

_LIMIT: Final = Decimal(10) ** 12
_ZERO: Final = Decimal(0)
_RATIO_QUANTUM: Final = Decimal("0.000001")
_STANDARD_NORMAL: Final = NormalDist()


def _invalid(field: str, value: object, reason: str) -> InvalidInput:
    return InvalidInput("field.invalid", field=field, value=str(value), reason=reason)


def _number(value: object, field: str) -> Decimal:
    """Read a Decimal, int, float (through ``repr``) or numeric text into a finite Decimal within ±10**12."""
    # bool is an int subclass, and True meaning one unit is never what a caller meant
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise _invalid(field, repr(value), "not a number")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else value)
    except ArithmeticError:  # decimal.InvalidOperation for text that is not a number
        raise _invalid(field, value, "not a number") from None
    if not number.is_finite():
        raise _invalid(field, value, "not a finite number")
    if abs(number) > _LIMIT:
        raise _invalid(field, value, f"outside ±{_LIMIT:E}")
    return number


def _non_negative(value: object, field: str) -> Decimal:
    number = _number(value, field)
    if number < 0:
        raise _invalid(field, value, "must not be negative")
    return number


def _positive(value: object, field: str) -> Decimal:
    number = _number(value, field)
    if number <= 0:
        raise _invalid(field, value, "must be greater than zero")
    return number


def _quantity(value: object, field: str) -> Decimal:
    """A stock quantity as the ledger holds it: within range and at most ``QTY_SCALE`` decimals."""
    number = _number(value, field)
    if number != number.quantize(QTY_QUANTUM, rounding=ROUND_FLOOR):
        raise _invalid(field, value, f"a quantity has at most {QTY_SCALE} decimals")
    return number


def _whole(value: object, field: str) -> int:
    number = _number(value, field)
    if number != number.to_integral_value():
        raise _invalid(field, value, "must be a whole number")
    return int(number)


def _from_float(value: float) -> Decimal:
    # repr is the shortest text that reads back as the same float, so no binary noise leaks out
    return Decimal(repr(value))


def _stock_level(value: Decimal | float) -> Decimal:
    """A protection level at quantity precision, rounded up so it never falls short of the target."""
    number = value if isinstance(value, Decimal) else _from_float(value)
    return number.quantize(QTY_QUANTUM, rounding=ROUND_CEILING)


# --- service targets ------------------------------------------------------------------------------


class ServiceKind(StrEnum):
    """Which service measure a target sets."""

    CYCLE = "cycle"  # α: probability of no stock-out in a replenishment cycle (周期服务水平)
    FILL_RATE = "fill_rate"  # β: share of demand met straight from stock (满足率)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTarget:
    """A service level to plan for, strictly between 0 and 1, e.g. ``ServiceTarget.cycle("0.992")``."""

    kind: ServiceKind
    value: Decimal

    def __post_init__(self) -> None:
        try:
            kind = ServiceKind(self.kind)
        except ValueError:
            raise _invalid("service_kind", self.kind, "expected 'cycle' or 'fill_rate'") from None
        value = _number(self.value, "service_level")
        # 0 and 1 are not service levels one can plan for (1 needs infinite stock), and a value so
        # close to 0 or 1 that a float cannot tell them apart cannot be resolved by the statistics.
        if not 0 < value < 1 or not 0.0 < float(value) < 1.0:
            raise _invalid("service_level", self.value, "must lie strictly between 0 and 1")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "value", value)

    @classmethod
    def cycle(cls, value: Number) -> ServiceTarget:
        """α: the probability that a replenishment cycle ends without a stock-out."""
        return cls(kind=ServiceKind.CYCLE, value=_number(value, "service_level"))

    @classmethod
    def fill_rate(cls, value: Number) -> ServiceTarget:
        """β: the share of demand met from stock on hand."""
        return cls(kind=ServiceKind.FILL_RATE, value=_number(value, "service_level"))

    @property
    def safety_factor(self) -> Decimal:
        """z_α = Φ⁻¹(α), the number of standard deviations a cycle service level asks for."""
        if self.kind is not ServiceKind.CYCLE:
            raise _invalid(
                "service_kind", self.kind, "a safety factor from the level alone needs a cycle target"
            )
        return _from_float(_STANDARD_NORMAL.inv_cdf(float(self.value)))


# --- demand over the protection interval ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class IntervalDemand:
    """Demand over a protection interval of ``days`` days: its mean and standard deviation."""

    mean: Decimal
    std: Decimal
    days: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "mean", _non_negative(self.mean, "demand.mean"))
        object.__setattr__(self, "std", _non_negative(self.std, "demand.std"))
        object.__setattr__(self, "days", _non_negative(self.days, "demand.days"))


def protection_interval_demand(
    demand_mean_per_day: Number,
    demand_std_per_day: Number,
    lead_time_mean_days: Number,
    lead_time_std_days: Number = 0,
    review_period_days: Number = 0,
) -> IntervalDemand:
    """Mean and standard deviation of demand over P = L + R with random daily demand and lead time.

    With daily demand independent from day to day (mean μ_d, std σ_d) and a lead time independent of
    demand (mean μ_L, std σ_L), over P = L + R days (R, the review period, is fixed):

        mean     = μ_d · (μ_L + R)
        variance = (μ_L + R) · σ_d² + μ_d² · σ_L²

    the random-sum formula in Silver, Pyke & Thomas (2017) and Axsäter (2015). With σ_L = 0 it is the
    familiar σ_d · √(L + R).
    """
    mu_d = _non_negative(demand_mean_per_day, "demand_mean_per_day")
    sigma_d = _non_negative(demand_std_per_day, "demand_std_per_day")
    mu_l = _non_negative(lead_time_mean_days, "lead_time_mean_days")
    sigma_l = _non_negative(lead_time_std_days, "lead_time_std_days")
    review = _non_negative(review_period_days, "review_period_days")
    days = mu_l + review
    variance = float(days) * float(sigma_d) ** 2 + float(mu_d) ** 2 * float(sigma_l) ** 2
    return IntervalDemand(mean=mu_d * days, std=_from_float(math.sqrt(variance)), days=days)


# --- normal demand --------------------------------------------------------------------------------


def normal_loss(k: Number) -> float:
    """Standard normal loss function G(k) = E[(Z − k)⁺] = φ(k) − k·(1 − Φ(k)).

    A statistic, not a quantity, so it stays a float. 1 − Φ(k) is taken as Φ(−k), which NormalDist
    computes from erfc and so keeps its accuracy far into the upper tail.
    """
    x = float(_number(k, "k"))
    return _STANDARD_NORMAL.pdf(x) - x * _STANDARD_NORMAL.cdf(-x)


def _safety_factor_for_loss(target_loss: float) -> float:
    """The k with G(k) = target_loss, by bisection (G falls strictly from +∞ to 0)."""
    low = -target_loss - 1.0  # G(k) > −k, so G(low) > target_loss
    high = 1.0
    while normal_loss(high) > target_loss and high < 64.0:  # G(38) already underflows to 0
        high *= 2.0
    for _ in range(2000):
        middle = (low + high) / 2.0
        if middle in (low, high):  # the bracket is as tight as a float can make it
            break
        if normal_loss(middle) > target_loss:
            low = middle
        else:
            high = middle
    # G(high) <= target_loss: of the two ends, the one that meets the fill rate
    return high


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalPolicy:
    """Safety factor k, safety stock k·σ_P and reorder point μ_P + safety stock, for normal demand."""

    safety_factor: Decimal
    safety_stock: Decimal
    reorder_point: Decimal


def normal_policy(
    demand: IntervalDemand, target: ServiceTarget, order_quantity: Number | None = None
) -> NormalPolicy:
    """Safety stock and reorder point for normally distributed demand over the protection interval.

    Cycle service α: k = z_α = Φ⁻¹(α), so P(demand over P ≤ reorder point) = α.

    Fill rate β with order quantity Q (required): k solves σ_P · G(k) = (1 − β) · Q, i.e. the expected
    shortage per cycle is the share of a cycle's demand (Q) the target allows to go unmet. This is the
    usual (s, Q) approximation that drops the second loss term G(k + Q/σ_P), negligible once Q is a
    few σ_P. With σ_P = 0 demand is certain, nothing is short, and k is 0.
    """
    sigma = float(demand.std)
    if target.kind is ServiceKind.CYCLE:
        factor = target.safety_factor
    else:
        if order_quantity is None:
            raise InvalidInput("field.required", field="order_quantity")
        quantity = _positive(order_quantity, "order_quantity")
        if sigma == 0.0:
            factor = _ZERO
        else:
            allowed_shortage = (1.0 - float(target.value)) * float(quantity) / sigma
            if not math.isfinite(allowed_shortage):
                raise _invalid(
                    "demand.std", demand.std, "too small against the order quantity to solve for k"
                )
            factor = _from_float(_safety_factor_for_loss(allowed_shortage))
    safety_stock = _stock_level(float(factor) * sigma)
    return NormalPolicy(
        safety_factor=factor,
        safety_stock=safety_stock,
        reorder_point=_stock_level(demand.mean + safety_stock),
    )


def safety_stock_normal(
    demand: IntervalDemand, target: ServiceTarget, order_quantity: Number | None = None
) -> Decimal:
    """SS = k · σ_P (k = z_α for a cycle target); see :func:`normal_policy`."""
    return normal_policy(demand, target, order_quantity).safety_stock


def reorder_point(
    demand: IntervalDemand, target: ServiceTarget, order_quantity: Number | None = None
) -> Decimal:
    """ROP = μ_P + SS for normal demand; see :func:`normal_policy`."""
    return normal_policy(demand, target, order_quantity).reorder_point


# --- Poisson demand -------------------------------------------------------------------------------


def _log_add(log_a: float, log_b: float) -> float:
    """log(e^a + e^b) without leaving log space."""
    if log_a == -math.inf:
        return log_b
    high, low = (log_a, log_b) if log_a >= log_b else (log_b, log_a)
    return high + math.log1p(math.exp(low - high))


def _poisson_log_pmf(mean: float) -> Iterator[float]:
    """log P(D = k) for k = 0, 1, 2, …, by log p(k) = log p(k−1) + log λ − log k.

    In log space e^(−λ) never underflows (it would as a float beyond λ ≈ 745), and the recurrence
    needs neither factorials nor the gamma function.
    """
    log_mean = math.log(mean)
    log_p = -mean
    k = 0
    while True:
        yield log_p
        k += 1
        log_p += log_mean - math.log(k)


def _enough_terms(mean: float) -> int:
    # far beyond any quantile a float can resolve: the pmf there is below 1e-300
    return int(mean + 40.0 * math.sqrt(mean) + 800)


def _poisson_mean(mean: Number) -> float:
    return float(_non_negative(mean, "mean"))


def _integer_level(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, repr(value), "must be a whole number")
    return value


def poisson_cdf(s: int, mean: Number) -> float:
    """P(D ≤ s) for D ~ Poisson(mean), summed in log space.

    Above ``POISSON_NORMAL_APPROXIMATION_ABOVE`` it is Φ((s + ½ − λ)/√λ), the normal approximation
    with continuity correction.
    """
    level = _integer_level(s, "s")
    lam = _poisson_mean(mean)
    if level < 0:
        return 0.0
    if lam == 0.0:
        return 1.0
    if lam > POISSON_NORMAL_APPROXIMATION_ABOVE:
        return NormalDist(lam, math.sqrt(lam)).cdf(level + 0.5)
    last = min(level, _enough_terms(lam))  # the terms beyond add nothing a float can hold
    log_total = -math.inf
    for k, log_p in enumerate(_poisson_log_pmf(lam)):
        log_total = _log_add(log_total, log_p)
        if k == last:
            break
    return min(1.0, math.exp(log_total))


def poisson_expected_shortage(s: int, mean: Number) -> float:
    """Poisson loss function E[(D − s)⁺] for D ~ Poisson(mean): the expected demand above s.

    Summed so that no two large terms cancel: below the mean as λ − s + Σ_{k≤s} (s − k)·p(k) (since
    E[(D − s)⁺] = E[D − s] + E[(s − D)⁺]); at or above it as the upper tail Σ_{k>s} (k − s)·p(k).
    Above ``POISSON_NORMAL_APPROXIMATION_ABOVE`` it is σ·G((s − λ)/σ) with σ = √λ: the continuity
    corrections of the discrete sum Σ_{j>s} P(D ≥ j) (midpoint rule) and of each P(D ≥ j) cancel.
    A statistic in units of demand, returned as a float for use in further statistics.
    """
    level = _integer_level(s, "s")
    lam = _poisson_mean(mean)
    if level < 0:  # D ≥ 0 > s always, so the shortage is all of D − s
        return lam - level
    if lam == 0.0:
        return 0.0
    if lam > POISSON_NORMAL_APPROXIMATION_ABOVE:
        sigma = math.sqrt(lam)
        return sigma * normal_loss((level - lam) / sigma)
    if level >= _enough_terms(lam):  # every p(k) past here is below 1e-300
        return 0.0
    pmf = _poisson_log_pmf(lam)
    if level < lam:
        below = 0.0
        for k in range(level + 1):
            below += (level - k) * math.exp(next(pmf))
        return lam - level + below
    for _ in range(level + 1):
        next(pmf)
    tail = 0.0
    for k in range(level + 1, level + _enough_terms(lam)):
        term = (k - level) * math.exp(next(pmf))
        tail += term
        # past the mean the terms shrink geometrically, so once one is negligible the rest are too
        if term <= tail * 1e-17:
            break
    return tail


def _poisson_fill_rate(s: int, mean: float, order_quantity: int) -> float:
    """β(s) = 1 − (E[(D − s)⁺] − E[(D − s − Q)⁺]) / Q for an (s, Q) policy (Axsäter 2015)."""
    short = poisson_expected_shortage(s, mean) - poisson_expected_shortage(s + order_quantity, mean)
    return 1.0 - short / order_quantity


def _poisson_cycle_reorder_point(lam: float, alpha: float) -> int:
    if lam > POISSON_NORMAL_APPROXIMATION_ABOVE:
        sigma = math.sqrt(lam)
        s = max(0, math.ceil(lam + _STANDARD_NORMAL.inv_cdf(alpha) * sigma - 0.5))
        # the closed form is exact up to float rounding at the boundary; step onto the smallest s
        while s > 0 and poisson_cdf(s - 1, lam) >= alpha:
            s -= 1
        while poisson_cdf(s, lam) < alpha:
            s += 1
        return s
    log_total = -math.inf
    log_alpha = math.log(alpha)
    for k, log_p in enumerate(_poisson_log_pmf(lam)):
        log_total = _log_add(log_total, log_p)
        if log_total >= log_alpha or k >= _enough_terms(lam):
            return k
    raise AssertionError("unreachable: the pmf generator is endless")  # pragma: no cover


def _poisson_fill_rate_reorder_point(lam: float, beta: float, order_quantity: int) -> int:
    # β(s) rises with s, from 0 at s = −Q (every unit of demand finds the shelf empty) towards 1.
    low = -order_quantity  # β(low) = 0 < β
    high = max(0, math.ceil(lam))
    while _poisson_fill_rate(high, lam, order_quantity) < beta:
        low, high = high, 2 * high + 1
    while high - low > 1:  # invariant: β(low) < β ≤ β(high)
        middle = (low + high) // 2
        if _poisson_fill_rate(middle, lam, order_quantity) >= beta:
            high = middle
        else:
            low = middle
    return high


def poisson_reorder_point(
    interval_mean: Number, target: ServiceTarget, order_quantity: Number | None = None
) -> Decimal:
    """Smallest whole reorder point s meeting the target when demand over P is Poisson(λ·P).

    ``interval_mean`` is λ·P, the expected demand over the protection interval. Cycle service α:
    the smallest s with P(D ≤ s) ≥ α. Fill rate β for an (s, Q) policy with whole order quantity Q
    (required): the smallest s with 1 − (E[(D − s)⁺] − E[(D − s − Q)⁺]) / Q ≥ β; it may be negative
    when Q alone meets β (see the module notes). With no demand at all there is nothing to protect
    and s is 0.
    """
    lam = float(_non_negative(interval_mean, "interval_mean"))
    if target.kind is ServiceKind.FILL_RATE:
        if order_quantity is None:
            raise InvalidInput("field.required", field="order_quantity")
        quantity = _whole(_positive(order_quantity, "order_quantity"), "order_quantity")
        if lam == 0.0:
            return _ZERO
        return Decimal(_poisson_fill_rate_reorder_point(lam, float(target.value), quantity))
    if lam == 0.0:
        return _ZERO
    return Decimal(_poisson_cycle_reorder_point(lam, float(target.value)))


# --- empirical quantiles --------------------------------------------------------------------------


def quantile_reorder_point(quantiles: Mapping[_Level, Number], target: ServiceTarget) -> Decimal:
    """The reorder point read off forecast quantiles of demand over the protection interval.

    ``quantiles`` maps a level in (0, 1) to the demand over P that the forecast says is not exceeded
    with that probability, e.g. {0.5: 40, 0.9: 58, 0.99: 75}. The reorder point for a cycle target α
    is the quantile at α, interpolated linearly between the two given levels around it. Above the
    highest level given the tail is unknown, so this refuses rather than extrapolate; below the
    lowest it returns the lowest quantile given, which is at least the true one (conservative).
    """
    if target.kind is not ServiceKind.CYCLE:
        raise _invalid("service_kind", target.kind, "quantiles give a cycle service level only")
    if not quantiles:
        raise _invalid("quantiles", "{}", "no quantiles given")
    points: list[tuple[Decimal, Decimal]] = []
    for raw_level, raw_quantity in quantiles.items():
        level = _number(raw_level, "quantiles")
        if not 0 < level < 1:
            raise _invalid("quantiles", raw_level, "a quantile level must lie strictly between 0 and 1")
        points.append((level, _non_negative(raw_quantity, f"quantiles[{level}]")))
    points.sort()
    for (lower_level, lower), (upper_level, upper) in pairwise(points):
        if upper_level == lower_level:
            raise _invalid("quantiles", upper_level, "the same level is given twice")
        if upper < lower:
            raise _invalid(
                f"quantiles[{upper_level}]",
                upper,
                f"quantiles must not decrease: {upper} at {upper_level} is below {lower} at {lower_level}",
            )
    alpha = target.value
    highest_level = points[-1][0]
    if alpha > highest_level:
        raise _invalid(
            "quantiles",
            alpha,
            f"service level {alpha} is above the highest quantile level given ({highest_level}); "
            "refusing to extrapolate the tail",
        )
    if alpha <= points[0][0]:
        return _stock_level(points[0][1])
    for (lower_level, lower), (upper_level, upper) in pairwise(points):
        if lower_level <= alpha <= upper_level:
            return _stock_level(lower + (upper - lower) * (alpha - lower_level) / (upper_level - lower_level))
    raise AssertionError("unreachable: alpha lies between the lowest and highest level")  # pragma: no cover


# --- order quantities -----------------------------------------------------------------------------


def inventory_position(
    on_hand: Number,
    in_transit: Number = 0,
    open_orders: Number = 0,
    reserved: Number = 0,
    backorders: Number = 0,
) -> Decimal:
    """Stock a reorder decision counts on: on hand + in transit + open orders − reserved − backorders."""
    return (
        _quantity(_non_negative(on_hand, "on_hand"), "on_hand")
        + _quantity(_non_negative(in_transit, "in_transit"), "in_transit")
        + _quantity(_non_negative(open_orders, "open_orders"), "open_orders")
        - _quantity(_non_negative(reserved, "reserved"), "reserved")
        - _quantity(_non_negative(backorders, "backorders"), "backorders")
    )


def order_up_to(
    reorder_point: Number,
    demand_mean_per_day: Number,
    review_period_days: Number,
    order_quantity: Number | None = None,
) -> Decimal:
    """Order-up-to level S: ROP + μ_d·R under periodic review (R > 0), else ROP + Q (continuous review).

    Under periodic review an order must last until the next review as well, hence the expected demand
    of one review period on top of the reorder point; under continuous review (R = 0) one order of Q.
    """
    rop = _number(reorder_point, "reorder_point")
    mu_d = _non_negative(demand_mean_per_day, "demand_mean_per_day")
    review = _non_negative(review_period_days, "review_period_days")
    if review > 0:
        return _stock_level(rop + mu_d * review)
    if order_quantity is None:
        raise InvalidInput("field.required", field="order_quantity")
    return _stock_level(rop + _positive(order_quantity, "order_quantity"))


class OrderReason(StrEnum):
    """Why a suggestion is what it is; a suggestion lists every reason that applied, in order."""

    ABOVE_REORDER_POINT = "above_reorder_point"  # position > ROP: no order
    BELOW_REORDER_POINT = "below_reorder_point"  # position ≤ ROP: order up to S
    ROUNDED_TO_PACK = "rounded_to_pack"  # the shortfall to S was rounded up to whole packs
    RAISED_TO_MOQ = "raised_to_moq"  # raised to the minimum order quantity
    CAPPED_BY_SHELF_LIFE = "capped_by_shelf_life"  # more would expire unsold (quantity 0: even the MOQ would)
    CAPPED_BY_BUDGET = "capped_by_budget"  # more would exceed the budget (quantity 0: even the MOQ would)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSuggestion:
    """How much to order now, and why. The quantity is a whole number of packs, 0 or at least the MOQ."""

    quantity: Decimal
    reasons: tuple[OrderReason, ...]


# Pack arithmetic divides exactly (Decimal divmod) on quantities ≤ 10**12 at six decimals and money
# of similar size: 60 digits hold every product and quotient involved without rounding.
_PACK_PRECISION: Final = 60


def _packs_up(quantity: Decimal, pack_size: Decimal) -> Decimal:
    """The smallest whole number of packs holding at least ``quantity`` (≥ 0)."""
    with localcontext(prec=_PACK_PRECISION):
        packs, rest = divmod(quantity, pack_size)
        return (packs + (1 if rest else 0)) * pack_size


def _packs_down(quantity: Decimal, pack_size: Decimal) -> Decimal:
    """The largest whole number of packs within ``quantity`` (≥ 0)."""
    with localcontext(prec=_PACK_PRECISION):
        return (quantity // pack_size) * pack_size


def _affordable_packs(budget: Decimal, unit_cost: Decimal, pack_size: Decimal) -> Decimal:
    """The most units, in whole packs, that ``budget`` pays for; exact, so it never overruns by a fen."""
    with localcontext(prec=_PACK_PRECISION):
        return (budget // (unit_cost * pack_size)) * pack_size


def suggest_order(
    position: Number,
    rop: Number,
    up_to: Number,
    moq: Number,
    pack_size: Number,
    max_units_before_expiry: Number | None = None,
    budget: Number | None = None,
    unit_cost: Number | None = None,
) -> OrderSuggestion:
    """One order suggestion for an (s, S) decision on the inventory position.

    ``position`` is :func:`inventory_position`. If it is at or below the reorder point, order up to
    ``up_to``: the shortfall rounded up to whole packs, and at least the MOQ (itself rounded up to
    whole packs, so the result is always both). Then two caps, each floored to whole packs:

    - shelf life: never more than sells before it expires, ``max_units_before_expiry`` (the expected
      demand over the shelf life) minus the position already held;
    - budget: never more than ``budget / unit_cost`` units (``unit_cost`` is required with a budget;
      a zero unit cost sets no cap).

    A cap that leaves less than the MOQ makes the suggestion 0: the supplier will not ship less, and
    the MOQ would expire unsold or overrun the budget.
    """
    held = _quantity(position, "position")
    reorder_at = _quantity(rop, "rop")
    target = _quantity(up_to, "up_to")
    minimum = _quantity(_non_negative(moq, "moq"), "moq")
    pack = _quantity(_positive(pack_size, "pack_size"), "pack_size")
    if target < reorder_at:
        raise _invalid(
            "up_to", up_to, f"the order-up-to level must not be below the reorder point {reorder_at}"
        )
    shelf_life_units = (
        None
        if max_units_before_expiry is None
        else _quantity(
            _non_negative(max_units_before_expiry, "max_units_before_expiry"), "max_units_before_expiry"
        )
    )
    spend_limit = None if budget is None else _non_negative(budget, "budget")
    cost = None if unit_cost is None else _non_negative(unit_cost, "unit_cost")
    if spend_limit is not None and cost is None:
        raise InvalidInput("field.required", field="unit_cost")

    if held > reorder_at:
        return OrderSuggestion(quantity=_ZERO, reasons=(OrderReason.ABOVE_REORDER_POINT,))
    reasons = [OrderReason.BELOW_REORDER_POINT]
    shortfall = target - held
    quantity = _packs_up(shortfall, pack)
    if quantity != shortfall:
        reasons.append(OrderReason.ROUNDED_TO_PACK)
    minimum_in_packs = _packs_up(minimum, pack)
    if 0 < quantity < minimum_in_packs:
        quantity = minimum_in_packs
        reasons.append(OrderReason.RAISED_TO_MOQ)

    caps: list[tuple[Decimal, OrderReason]] = []
    if shelf_life_units is not None:
        caps.append(
            (_packs_down(max(_ZERO, shelf_life_units - held), pack), OrderReason.CAPPED_BY_SHELF_LIFE)
        )
    if spend_limit is not None and cost:
        caps.append((_affordable_packs(spend_limit, cost, pack), OrderReason.CAPPED_BY_BUDGET))
    for cap, reason in caps:
        if quantity > cap:
            quantity = cap if cap >= minimum else _ZERO
            reasons.append(reason)
    return OrderSuggestion(quantity=quantity, reasons=tuple(reasons))


def eoq(annual_demand: Number, order_cost: Number, holding_cost_per_unit_year: Number) -> Decimal:
    """Economic order quantity √(2·D·S / H) (Harris–Wilson), to quantity precision, rounded half up."""
    demand = _non_negative(annual_demand, "annual_demand")
    ordering = _non_negative(order_cost, "order_cost")
    holding = _positive(holding_cost_per_unit_year, "holding_cost_per_unit_year")
    with localcontext(prec=40):  # the root to six decimals, exact for any result within range
        quantity = (2 * demand * ordering / holding).sqrt()
        if quantity > _LIMIT:
            raise _invalid(
                "holding_cost_per_unit_year", holding_cost_per_unit_year, "too small: EOQ out of range"
            )
        return quantity.quantize(QTY_QUANTUM, rounding=ROUND_HALF_UP)


def holding_cost_share_of_margin(
    avg_inventory_value: Number, holding_rate_per_year: Number, gross_margin_per_year: Number
) -> Decimal:
    """Share of a year's gross margin that holding the stock costs: value × rate / margin.

    Used for B/C items: when carrying the safety stock eats a large share of what the item earns, a
    lower service level is the cheaper choice. Six decimals, rounded half up.
    """
    value = _non_negative(avg_inventory_value, "avg_inventory_value")
    rate = _non_negative(holding_rate_per_year, "holding_rate_per_year")
    margin = _positive(gross_margin_per_year, "gross_margin_per_year")
    with localcontext(prec=40):
        share = value * rate / margin
        if share > _LIMIT:
            raise _invalid("gross_margin_per_year", gross_margin_per_year, "too small: share out of range")
        return share.quantize(_RATIO_QUANTUM, rounding=ROUND_HALF_UP)
