"""Replenishment backtest (补货回测): replay a demand history under the dynamic and the static policy.

``run_backtest(read_demand_csv(path), BacktestConfig())`` simulates every item-site day by day
(:mod:`jxc.replenishment.backtest_sim`) under

- ``dynamic``: jxc's policy — forecast quantiles over lead time + review → fill-rate order-up-to,
  recomputed every ``dynamic_review_days`` (default daily), targets by ABC class;
- ``static``: the rule jxc replaces — trailing mean × (lead time + review) + ``static_buffer_days``
  of buffer, ordered every ``static_review_days`` (default weekly);
- ``static_matched_fill``: the static rule with its buffer searched (bisection) until it reaches the
  fill rate the dynamic policy reached — the fair comparison: inventory at equal service. Buffers
  are matched per group of ``match_scopes[0]``: per ABC class (default; the targets are set by
  class, so each class gets the service the dynamic policy gave it), per item-site (the static rule
  tuned in hindsight item by item, the strongest static baseline there is) or one for everything
  (which lets the static rule trade one class's service for another's: a unit-weighted fill rate
  does not see a starved class of expensive items). The other scopes are reported alongside;
- ``static_matched_inventory``: the buffers at which the static rule holds as much inventory as the
  dynamic policy — its fill rate at equal inventory;
- ``static_at_target`` (JSON ``static_other``): the buffers at which the static rule just reaches the
  *target* fill rates — the comparison when the dynamic policy overshoots its targets;
- optionally (``same_cadence``) ``dynamic_same_cadence``: the dynamic policy reviewing only as often
  as the static one, and the static rule matched to it — what forecasting alone buys, apart from
  what ordering more often buys.

Each yields :class:`PolicyMetrics`: fill rate overall, by ABC class (items by revenue share: A the
first 80 %, B the next 15 %, C the rest) and by time slot (the file's slots, else the weekday);
stock-out days; average inventory value; turnover; holding cost as a share of gross margin; orders.

Defaults when the file gives none: unit cost 1.00 and unit price 1.30 (a 30 % mark-up), lead time
normal with mean 5 and standard deviation 1.5 days (whole days, at least 1), holding cost 20 % of
the inventory value a year, 91 days of warm-up history before the simulation starts. The
simulation runs in floats; reported quantities and money are rounded (see :meth:`PolicyMetrics.as_dict`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Final

import numpy as np

from jxc.kernel.errors import InvalidInput
from jxc.replenishment.backtest_config import (
    CLASSES,
    DEFAULT_TARGETS,
    MATCH_SCOPES,
    BacktestConfig,
    config_from_mapping,
    parse_targets,
)
from jxc.replenishment.backtest_data import DemandData, SeriesData
from jxc.replenishment.backtest_sim import (
    DynamicPolicy,
    LeadTimeModel,
    SimOutcome,
    StaticPolicy,
    draw_lead_times,
    max_lead_time,
    simulate,
)
from jxc.replenishment.forecasters import SeriesContext
from jxc.replenishment.policy import holding_cost_share_of_margin

__all__ = ["CLASSES", "DEFAULT_TARGETS", "MATCH_SCOPES", "BacktestConfig", "BacktestResult", "ItemInfo",
           "PolicyMetrics", "classify", "config_from_mapping", "parse_targets", "run_backtest"]

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_SIMULATED_DAYS: Final = 28
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ItemInfo:
    item: str
    site: str
    abc_class: str
    target: float
    unit_cost: float
    unit_price: float
    lead_time_nominal: float
    lead_time_sd: float
    first_simulated: str
    simulated_days: int


@dataclass(frozen=True, slots=True)
class PolicyMetrics:
    label: str
    review_days: int
    buffer: float | dict[str, float] | None
    fill_rate: float
    fill_rate_by_class: dict[str, float]
    fill_rate_by_slot: dict[str, float]
    demand_units: float
    lost_units: float
    stockout_days: int
    stockout_day_share: float
    avg_inventory_units: float
    avg_inventory_value: float
    turnover_per_year: float
    days_of_inventory: float
    holding_cost_per_year: float
    gross_margin_per_year: float
    holding_cost_share_of_margin: float | None
    orders_placed: int

    def as_dict(self) -> dict[str, Any]:
        """Rounded for people: fill rates to 4 decimals, money to 2, units to 1."""
        return {
            "label": self.label, "review_days": self.review_days,
            "buffer": None if self.buffer is None else round(self.buffer, 3) if isinstance(self.buffer, float)
            else {k: round(v, 3) for k, v in self.buffer.items()},
            "fill_rate": round(self.fill_rate, 4),
            "fill_rate_by_class": {k: round(v, 4) for k, v in self.fill_rate_by_class.items()},
            "fill_rate_by_slot": {k: round(v, 4) for k, v in self.fill_rate_by_slot.items()},
            "demand_units": round(self.demand_units, 1), "lost_units": round(self.lost_units, 1),
            "stockout_days": self.stockout_days, "stockout_day_share": round(self.stockout_day_share, 4),
            "avg_inventory_units": round(self.avg_inventory_units, 1),
            "avg_inventory_value": round(self.avg_inventory_value, 2),
            "turnover_per_year": round(self.turnover_per_year, 2),
            "days_of_inventory": round(self.days_of_inventory, 1),
            "holding_cost_per_year": round(self.holding_cost_per_year, 2),
            "gross_margin_per_year": round(self.gross_margin_per_year, 2),
            "holding_cost_share_of_margin": None if self.holding_cost_share_of_margin is None
            else round(self.holding_cost_share_of_margin, 4),
            "orders_placed": self.orders_placed,
        }


@dataclass(frozen=True, slots=True)
class BacktestResult:
    source: str
    config: BacktestConfig
    items: tuple[ItemInfo, ...]
    skipped: tuple[str, ...]
    slot_labels: tuple[str, ...]
    dates: tuple[np.ndarray, ...]  # simulated dates (datetime64[D]) per item-site
    policies: dict[str, PolicyMetrics]
    outcomes: dict[str, tuple[SimOutcome, ...]]
    target_fill_rate: float
    scopes: dict[str, PolicyMetrics] = field(default_factory=dict)  # static matched on fill, by scope
    extra: dict[str, PolicyMetrics] = field(default_factory=dict)  # static at the targets; same cadence

    def comparison(self) -> dict[str, Any]:
        dyn, static = self.policies["dynamic"], self.policies["static"]
        out: dict[str, Any] = {
            "target_fill_rate": round(self.target_fill_rate, 4),
            "dynamic_meets_target": dyn.fill_rate >= self.target_fill_rate,
            "dynamic_meets_class_targets": {
                c: dyn.fill_rate_by_class[c] >= self.config.targets[c] for c in dyn.fill_rate_by_class},
            "inventory_reduction_vs_static": _reduction(dyn.avg_inventory_value, static.avg_inventory_value),
        }
        matched = self.policies.get("static_matched_fill")
        if matched is not None:
            out["match_scope"] = self.config.match_scopes[0]
            out["inventory_reduction_at_matched_fill"] = _reduction(dyn.avg_inventory_value,
                                                                    matched.avg_inventory_value)
            out["static_matched_fill_rate"] = round(matched.fill_rate, 4)
        at_inventory = self.policies.get("static_matched_inventory")
        if at_inventory is not None:
            out["static_fill_rate_at_dynamic_inventory"] = round(at_inventory.fill_rate, 4)
            out["fill_rate_gain_at_matched_inventory"] = round(dyn.fill_rate - at_inventory.fill_rate, 4)
        at_target = self.extra.get("static_at_target")
        if at_target is not None:
            out["static_at_target_fill_rate"] = round(at_target.fill_rate, 4)
            out["inventory_reduction_vs_static_at_target"] = _reduction(dyn.avg_inventory_value,
                                                                        at_target.avg_inventory_value)
        same = self.policies.get("dynamic_same_cadence")
        if same is not None:
            out["dynamic_same_cadence_fill_rate"] = round(same.fill_rate, 4)
            matched_same = self.extra.get("static_matched_fill_same_cadence")
            if matched_same is not None:
                out["inventory_reduction_at_matched_fill_same_cadence"] = _reduction(
                    same.avg_inventory_value, matched_same.avg_inventory_value)
        if self.scopes:
            out["inventory_reduction_at_matched_fill_by_scope"] = {
                scope: _reduction(dyn.avg_inventory_value, m.avg_inventory_value) for scope, m in self.scopes.items()}
            out["static_matched_fill_rate_by_scope"] = {scope: round(m.fill_rate, 4) for scope, m in self.scopes.items()}
        return out

    def as_dict(self) -> dict[str, Any]:
        config = {f.name: getattr(self.config, f.name) for f in fields(self.config) if f.name != "forecaster"}
        config["targets"] = dict(self.config.targets)
        config["match_scopes"] = list(self.config.match_scopes)
        config["forecaster"] = getattr(self.config.forecaster, "__name__", str(self.config.forecaster))
        return {
            "source": self.source, "config": config,
            "item_sites": len(self.items), "skipped": list(self.skipped),
            "classes": {c: sum(1 for i in self.items if i.abc_class == c) for c in CLASSES},
            "policies": {name: m.as_dict() for name, m in self.policies.items()},
            "static_matched_fill_by_scope": {scope: m.as_dict() for scope, m in self.scopes.items()},
            "static_other": {name: m.as_dict() for name, m in self.extra.items()},
            "comparison": self.comparison(),
            "items": [{"item": i.item, "site": i.site, "class": i.abc_class, "target": i.target,
                       "unit_cost": i.unit_cost, "unit_price": i.unit_price,
                       "lead_time_nominal": i.lead_time_nominal, "lead_time_sd": round(i.lead_time_sd, 3),
                       "first_simulated": i.first_simulated,
                       "simulated_days": i.simulated_days} for i in self.items],
        }


def _reduction(value: float, baseline: float) -> float | None:
    return None if baseline <= 0 else round(1.0 - value / baseline, 4)


def classify(data: DemandData, config: BacktestConfig) -> dict[str, str]:
    """ABC class per item by its share of revenue over the whole file (A: first 80 %, B: next 15 %)."""
    revenue: dict[str, float] = {}
    for s in data.series:
        price = s.unit_price if s.unit_price is not None else config.default_unit_price
        revenue[s.item] = revenue.get(s.item, 0.0) + float(s.daily.sum()) * price
    total = sum(revenue.values())
    classes, before = {}, 0.0
    for item, value in sorted(revenue.items(), key=lambda kv: (-kv[1], kv[0])):
        share = before / total if total > 0 else 1.0
        classes[item] = "A" if share < 0.80 else "B" if share < 0.95 else "C"
        before += value
    return classes


@dataclass(frozen=True, slots=True)
class _Prepared:
    series: SeriesData
    info: ItemInfo
    start: int
    lead_times: np.ndarray
    max_lead: int


def _prepare(data: DemandData, config: BacktestConfig) -> tuple[list[_Prepared], list[str]]:
    classes = classify(data, config)
    prepared, skipped = [], []
    for s in data.series:
        n = len(s.dates)
        if n - config.warmup_days < MIN_SIMULATED_DAYS:
            skipped.append(f"{s.item}@{s.site}: {n} days, fewer than {config.warmup_days} warm-up "
                           f"+ {MIN_SIMULATED_DAYS} simulated")
            continue
        warm = s.lead_time[: config.warmup_days]
        warm = warm[~np.isnan(warm)]
        # what the planner knows before the simulation: the lead times of the warm-up days the file
        # gives (their median is the nominal lead time, their spread the prior's), else the defaults
        nominal = float(np.median(warm)) if len(warm) else config.lead_time_mean
        spread = float(np.std(warm)) if len(warm) >= 2 else config.lead_time_sd
        lead_times = draw_lead_times(s, mean=nominal, sd=spread, seed=config.seed)
        abc = classes[s.item]
        info = ItemInfo(
            item=s.item, site=s.site, abc_class=abc, target=float(config.targets[abc]),
            unit_cost=s.unit_cost if s.unit_cost is not None else config.default_unit_cost,
            unit_price=s.unit_price if s.unit_price is not None else config.default_unit_price,
            lead_time_nominal=nominal, lead_time_sd=spread, first_simulated=str(s.dates[config.warmup_days]),
            simulated_days=n - config.warmup_days,
        )
        max_lead = max(max_lead_time(nominal, spread), int(lead_times.max()))
        prepared.append(_Prepared(s, info, config.warmup_days, lead_times, max_lead))
    return prepared, skipped


def _dynamic(p: _Prepared, config: BacktestConfig, review: int) -> SimOutcome:
    context = SeriesContext(dates=p.series.dates, promo=p.series.promo, max_horizon=p.max_lead + review,
                            horizon=max(1, round(p.info.lead_time_nominal) + review))
    policy = DynamicPolicy(
        forecaster=config.forecaster(context), fill_rate=p.info.target, review_days=review,
        lead_times=LeadTimeModel(p.info.lead_time_nominal, p.info.lead_time_sd, p.max_lead),
    )
    return simulate(p.series, policy, start=p.start, lead_times=p.lead_times, observe=config.observe)


def _static(p: _Prepared, config: BacktestConfig, buffer: float) -> SimOutcome:
    policy = StaticPolicy(lead_time=p.info.lead_time_nominal, buffer=buffer, size=len(p.series.dates),
                          review_days=config.static_review_days, rule=config.static_rule,
                          window=config.static_window_days)
    return simulate(p.series, policy, start=p.start, lead_times=p.lead_times, observe=config.observe)


def _metrics(label: str, review: int, buffer: float | dict[str, float] | None, prepared: list[_Prepared],
             outcomes: tuple[SimOutcome, ...], slot_labels: tuple[str, ...], has_slots: bool,
             holding_rate: float) -> PolicyMetrics:
    demand = met = 0.0
    by_class = {c: [0.0, 0.0] for c in CLASSES}
    by_slot = {label: [0.0, 0.0] for label in slot_labels}
    stockout_days = days_total = orders = 0
    inv_units = inv_value = cogs_year = margin_year = 0.0
    for p, o in zip(prepared, outcomes, strict=True):
        d, m = o.demand.sum(axis=1), o.met.sum(axis=1)
        demand += float(d.sum())
        met += float(m.sum())
        by_class[p.info.abc_class][0] += float(d.sum())
        by_class[p.info.abc_class][1] += float(m.sum())
        if has_slots:
            for k, slot in enumerate(slot_labels):
                by_slot[slot][0] += float(o.demand[:, k].sum())
                by_slot[slot][1] += float(o.met[:, k].sum())
        else:
            weekday = (p.series.dates[o.start:].astype(np.int64) + 3) % 7
            for k, slot in enumerate(slot_labels):
                chosen = weekday == k
                by_slot[slot][0] += float(d[chosen].sum())
                by_slot[slot][1] += float(m[chosen].sum())
        stockout_days += int((m < d - 1e-9).sum())
        days_total += len(d)
        orders += o.orders
        average = float(((o.opening + o.closing) / 2.0).mean())
        inv_units += average
        inv_value += average * p.info.unit_cost
        per_year = 365.0 / len(d)
        cogs_year += float(m.sum()) * p.info.unit_cost * per_year
        margin_year += float(m.sum()) * (p.info.unit_price - p.info.unit_cost) * per_year
    holding = inv_value * holding_rate
    share = float(holding_cost_share_of_margin(f"{inv_value:.6f}", holding_rate, f"{margin_year:.6f}")) \
        if margin_year > 0 else None
    turnover = cogs_year / inv_value if inv_value > 0 else math.inf
    return PolicyMetrics(
        label=label, review_days=review, buffer=buffer,
        fill_rate=met / demand if demand > 0 else 1.0,
        fill_rate_by_class={c: v[1] / v[0] for c, v in by_class.items() if v[0] > 0},
        fill_rate_by_slot={s: v[1] / v[0] for s, v in by_slot.items() if v[0] > 0},
        demand_units=demand, lost_units=demand - met, stockout_days=stockout_days,
        stockout_day_share=stockout_days / days_total if days_total else 0.0,
        avg_inventory_units=inv_units, avg_inventory_value=inv_value, turnover_per_year=turnover,
        days_of_inventory=365.0 / turnover if turnover > 0 else math.inf,
        holding_cost_per_year=holding, gross_margin_per_year=margin_year,
        holding_cost_share_of_margin=share, orders_placed=orders,
    )


def run_backtest(data: DemandData, config: BacktestConfig | None = None, *,
                 progress: Progress | None = None) -> BacktestResult:
    """Simulate both policies (and the matched static ones) on every item-site; see the module notes."""
    config = config or BacktestConfig()
    prepared, skipped = _prepare(data, config)
    if not prepared:
        raise InvalidInput("field.invalid", field="csv", value=data.source,
                           reason=f"no item-site has more than {config.warmup_days} warm-up days + "
                                  f"{MIN_SIMULATED_DAYS} days to simulate")
    slot_labels = data.slots if data.has_slots else WEEKDAYS
    report = progress or (lambda stage, done, total: None)

    def metrics(label: str, review: int, buffer: float | dict[str, float] | None, outcomes: tuple[SimOutcome, ...]) -> PolicyMetrics:
        return _metrics(label, review, buffer, prepared, outcomes, slot_labels, data.has_slots, config.holding_rate)

    def run_all(stage: str, one: Callable[[_Prepared], SimOutcome]) -> tuple[SimOutcome, ...]:
        results = []
        for k, p in enumerate(prepared):
            results.append(one(p))
            report(stage, k + 1, len(prepared))
        return tuple(results)

    policies: dict[str, PolicyMetrics] = {}
    outcomes: dict[str, tuple[SimOutcome, ...]] = {}
    dyn_review = config.dynamic_review_days
    outcomes["dynamic"] = run_all("dynamic", lambda p: _dynamic(p, config, dyn_review))
    policies["dynamic"] = metrics("dynamic", dyn_review, None, outcomes["dynamic"])
    outcomes["static"] = run_all("static", lambda p: _static(p, config, config.static_buffer_days))
    policies["static"] = metrics("static", config.static_review_days, config.static_buffer_days, outcomes["static"])
    scopes: dict[str, PolicyMetrics] = {}
    extra: dict[str, PolicyMetrics] = {}
    if config.same_cadence:
        review = config.static_review_days
        outcomes["dynamic_same_cadence"] = run_all("dynamic, static cadence", lambda p: _dynamic(p, config, review))
        policies["dynamic_same_cadence"] = metrics("dynamic_same_cadence", review, None,
                                                   outcomes["dynamic_same_cadence"])
    if config.match:
        headline = config.match_scopes[0]
        for n, scope in enumerate(config.match_scopes):
            buffers, runs = _match(prepared, outcomes["dynamic"], config, scope, "fill", report)
            label = "static_matched_fill" if n == 0 else f"static_matched_fill_{scope}"
            found = metrics(label, config.static_review_days, buffers, runs)
            scopes[scope] = found
            if n == 0:
                policies[label], outcomes[label] = found, runs
                buffers, runs = _match(prepared, outcomes["dynamic"], config, scope, "inventory", report)
                policies["static_matched_inventory"] = metrics("static_matched_inventory",
                                                               config.static_review_days, buffers, runs)
                outcomes["static_matched_inventory"] = runs
        buffers, runs = _match(prepared, outcomes["dynamic"], config, headline, "target", report)
        extra["static_at_target"] = metrics("static_at_target", config.static_review_days, buffers, runs)
        if config.same_cadence:
            buffers, runs = _match(prepared, outcomes["dynamic_same_cadence"], config, headline, "fill", report)
            extra["static_matched_fill_same_cadence"] = metrics(
                "static_matched_fill_same_cadence", config.static_review_days, buffers, runs)
    demand_by_class = {c: 0.0 for c in CLASSES}
    for p, o in zip(prepared, outcomes["dynamic"], strict=True):
        demand_by_class[p.info.abc_class] += float(o.demand.sum())
    total = sum(demand_by_class.values())
    target = sum(config.targets[c] * v for c, v in demand_by_class.items()) / total if total else 0.0
    return BacktestResult(
        source=data.source, config=config, items=tuple(p.info for p in prepared), skipped=tuple(skipped),
        slot_labels=slot_labels, dates=tuple(p.series.dates[p.start:] for p in prepared),
        policies=policies, outcomes=outcomes, target_fill_rate=target, scopes=scopes, extra=extra,
    )


def _fill(outcomes: list[SimOutcome]) -> float:
    demand = sum(float(o.demand.sum()) for o in outcomes)
    return sum(float(o.met.sum()) for o in outcomes) / demand if demand > 0 else 1.0


def _match_group(items: list[_Prepared], mine: list[SimOutcome], config: BacktestConfig,
                 measure: str) -> tuple[float, list[SimOutcome]]:
    cache: dict[float, list[SimOutcome]] = {}

    def run(buffer: float) -> list[SimOutcome]:
        key = round(buffer, 9)
        if key not in cache:
            cache[key] = [_static(p, config, buffer) for p in items]
        return cache[key]

    def fill(buffer: float) -> float:
        return _fill(run(buffer))

    def inventory(buffer: float) -> float:
        return _inventory(items, run(buffer))

    if measure == "inventory":
        goal, value = _inventory(items, mine), inventory
    else:
        goal, value = (_fill(mine) if measure == "fill" else _target(items, mine)), fill
    low = -(max(p.info.lead_time_nominal for p in items) + config.static_review_days) \
        if config.static_rule == "days" else -6.0
    buffer = _bisect(value, goal, low, config.static_rule, want="at_most" if measure == "inventory" else "at_least")
    return buffer, run(buffer)


def _target(prepared: list[_Prepared], outcomes: list[SimOutcome]) -> float:
    demand = [float(o.demand.sum()) for o in outcomes]
    total = sum(demand)
    return sum(p.info.target * d for p, d in zip(prepared, demand, strict=True)) / total if total else 0.0


def _inventory(prepared: list[_Prepared], outcomes: list[SimOutcome]) -> float:
    return sum(float(((o.opening + o.closing) / 2.0).mean()) * p.info.unit_cost
               for p, o in zip(prepared, outcomes, strict=True))


def _match(prepared: list[_Prepared], dynamic: tuple[SimOutcome, ...], config: BacktestConfig, scope: str,
           measure: str, report: Progress) -> tuple[dict[str, float], tuple[SimOutcome, ...]]:
    """Static buffers, one per group of the scope, matching the dynamic policy's fill rate or inventory.

    ``scope``: one buffer for everything ("overall"), one per ABC class ("class": each class gets the
    fill rate the dynamic policy gave it, as the service targets are set by class), or one per
    item-site ("item": the static rule tuned in hindsight, item by item — the strongest static
    baseline there is). ``measure="fill"``: the smallest buffer reaching the dynamic policy's fill
    rate; ``"target"``: the smallest reaching the target fill rate (the demand-weighted targets of
    the group's items); ``"inventory"``: the largest holding no more inventory value than the
    dynamic policy.
    """
    groups: dict[str, list[int]] = {}
    for k, p in enumerate(prepared):
        name = "all" if scope == "overall" else p.info.abc_class if scope == "class" else f"{p.info.item}@{p.info.site}"
        groups.setdefault(name, []).append(k)
    chosen: list[SimOutcome | None] = [None] * len(prepared)
    buffers: dict[str, float] = {}
    stage = f"static: matching {measure} ({scope})"
    for done, (name, members) in enumerate(groups.items()):
        buffer, runs = _match_group([prepared[k] for k in members], [dynamic[k] for k in members], config, measure)
        buffers[name] = buffer
        for k, outcome in zip(members, runs, strict=True):
            chosen[k] = outcome
        report(stage, done + 1, len(groups))
    return buffers, tuple(o for o in chosen if o is not None)


def _bisect(measure: Callable[[float], float], goal: float, low: float, rule: str, *, want: str) -> float:
    """The buffer at which ``measure`` (rising with the buffer) crosses ``goal``.

    ``want="at_least"``: the smallest buffer found whose measure is ≥ goal; ``"at_most"``: the largest
    whose measure is ≤ goal. Both within 0.01 days (rule "days") or 0.005 k (rule "sigma").
    """
    step, tolerance = (14.0, 0.01) if rule == "days" else (2.0, 0.005)
    high = max(low + step, 0.0)
    if measure(low) >= goal:
        return low
    for _ in range(8):
        if measure(high) >= goal:
            break
        low, high = high, high * 2.0 + step
    else:
        return high
    while high - low > tolerance:
        middle = (low + high) / 2.0
        if measure(middle) >= goal:
            high = middle
        else:
            low = middle
    if want == "at_least":
        return high
    return high if measure(high) <= goal else low
