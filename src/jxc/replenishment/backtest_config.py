"""Settings of the replenishment backtest: targets by ABC class, review periods, the static rule.

:class:`BacktestConfig` holds them; :func:`parse_targets` reads ``A=0.992,B=0.98,C=0.95`` and
:func:`config_from_mapping` a TOML table of field names, checking each value. Errors are
``InvalidInput`` naming the setting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

from jxc.kernel.errors import InvalidInput
from jxc.replenishment.forecasters import ForecasterFactory, SmoothingForecaster

__all__ = ["CLASSES", "DEFAULT_TARGETS", "MATCH_SCOPES", "BacktestConfig", "config_from_mapping", "parse_targets"]

DEFAULT_TARGETS: Final = {"A": 0.992, "B": 0.98, "C": 0.95}
CLASSES: Final = ("A", "B", "C")
MATCH_SCOPES: Final = ("class", "item", "overall")


@dataclass(frozen=True, slots=True)
class BacktestConfig:
    targets: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    dynamic_review_days: int = 1
    static_review_days: int = 7
    static_buffer_days: float = 7.0  # days of mean demand (rule "days") or k (rule "sigma")
    static_rule: str = "days"
    static_window_days: int = 91  # 0: the warm-up mean, fixed once
    warmup_days: int = 91
    lead_time_mean: float = 5.0
    lead_time_sd: float = 1.5
    holding_rate: float = 0.20
    default_unit_cost: float = 1.0
    default_unit_price: float = 1.3
    seed: int = 7
    observe: str = "demand"  # what the policies learn from: "demand", or "sales" (censored on stock-outs)
    match: bool = True
    match_scopes: tuple[str, ...] = ("class", "item", "overall")  # the first is the headline
    same_cadence: bool = False
    forecaster: ForecasterFactory = SmoothingForecaster

    def __post_init__(self) -> None:
        for name in CLASSES:
            value = self.targets.get(name)
            if value is None or not 0 < value < 1:
                raise InvalidInput("field.invalid", field="targets", value=str(dict(self.targets)),
                                   reason=f"class {name} needs a fill-rate target strictly between 0 and 1")
        for name in ("dynamic_review_days", "static_review_days", "warmup_days"):
            if getattr(self, name) < 1:
                raise InvalidInput("field.invalid", field=name, value=str(getattr(self, name)), reason="at least 1")
        if not self.match_scopes or any(scope not in MATCH_SCOPES for scope in self.match_scopes):
            raise InvalidInput("field.invalid", field="match_scopes", value=",".join(self.match_scopes),
                               reason="one or more of " + ", ".join(MATCH_SCOPES))
        if self.observe not in ("demand", "sales"):
            raise InvalidInput("field.invalid", field="observe", value=self.observe, reason="'demand' or 'sales'")
        if self.static_rule not in ("days", "sigma"):
            raise InvalidInput("field.invalid", field="static_rule", value=self.static_rule,
                               reason="'days' or 'sigma'")
        for name in ("lead_time_mean", "lead_time_sd", "holding_rate", "default_unit_cost", "default_unit_price",
                     "static_window_days"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="a number ≥ 0")
        if self.lead_time_mean < 1:
            raise InvalidInput("field.invalid", field="lead_time_mean", value=str(self.lead_time_mean),
                               reason="at least 1 day")


def parse_targets(text: str) -> dict[str, float]:
    """``"A=0.992,B=0.98,C=0.95"`` → fill-rate targets by class (classes left out keep the default)."""
    targets = dict(DEFAULT_TARGETS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip().upper()
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or name not in CLASSES or not 0 < number < 1:
            raise InvalidInput("field.invalid", field="targets", value=text,
                               reason="e.g. A=0.992,B=0.98,C=0.95 (fill rates strictly between 0 and 1)")
        targets[name] = number
    return targets


def config_from_mapping(values: Mapping[str, Any], base: BacktestConfig | None = None) -> BacktestConfig:
    """A config from a TOML table: the field names of :class:`BacktestConfig` (not ``forecaster``)."""
    base = base or BacktestConfig()
    known = {f.name: f for f in fields(BacktestConfig) if f.name != "forecaster"}
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise InvalidInput("field.invalid", field=name, value=str(value), reason="not a backtest setting")
        current = getattr(base, name)
        if name == "targets":
            if not isinstance(value, Mapping):
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="a table A=…, B=…, C=…")
            value = parse_targets(",".join(f"{k}={v}" for k, v in value.items()))
        elif name == "match_scopes":
            if isinstance(value, str):
                value = tuple(v.strip() for v in value.split(",") if v.strip())
            elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                value = tuple(value)
            else:
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="a list of scopes")
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="true or false")
        elif isinstance(current, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="a whole number")
        elif isinstance(current, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput("field.invalid", field=name, value=str(value), reason="a number")
            value = float(value)
        elif not isinstance(value, str):
            raise InvalidInput("field.invalid", field=name, value=str(value), reason="text")
        changes[name] = value
    return replace(base, **changes)
