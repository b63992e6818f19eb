"""The replenishment settings file: service targets by ABC class, overrides by department, the loop's cadence."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from jxc.kernel.errors import InvalidInput
from jxc.replenishment.policy import ServiceTarget

CLASSES = ("A", "B", "C")


@dataclass(frozen=True)
class Override:
    category: str | None
    abc: str | None
    target: ServiceTarget


@dataclass(frozen=True)
class PlanningSettings:
    targets: dict[str, ServiceTarget]
    overrides: tuple[Override, ...]
    review_days: Decimal
    interval_minutes: int
    history_days: int

    def target_for(self, *, abc: str, category: str | None) -> ServiceTarget:
        for rule in self.overrides:
            if (rule.category is None or rule.category == category) and (rule.abc is None or rule.abc == abc):
                return rule.target
        return self.targets[abc]


def _fill_rate(value: Any, key: str) -> ServiceTarget:
    try:
        return ServiceTarget.fill_rate(Decimal(str(value)))
    except (InvalidOperation, InvalidInput):
        raise InvalidInput("field.invalid", field=key, value=str(value), reason="a fill rate between 0 and 1") from None


def parse_settings(text: str) -> PlanningSettings:
    """Parse the TOML; a bad entry is ``InvalidInput`` naming its key (``targets.A``, ``override[0].target``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("field.invalid", field="replenishment.toml", value="", reason=str(error)) from None
    if data.get("version") != 1:
        raise InvalidInput("field.invalid", field="version", value=str(data.get("version")), reason="1")
    raw = data.get("targets", {})
    missing = [c for c in CLASSES if c not in raw]
    if missing:
        raise InvalidInput("field.required", field=f"targets.{missing[0]}")
    targets = {c: _fill_rate(raw[c], f"targets.{c}") for c in CLASSES}
    overrides = []
    for i, rule in enumerate(data.get("override", [])):
        abc = rule.get("class")
        if abc is not None and abc not in CLASSES:
            raise InvalidInput("field.invalid", field=f"override[{i}].class", value=str(abc), reason="A, B or C")
        overrides.append(Override(category=rule.get("category"), abc=abc,
                                  target=_fill_rate(rule.get("target"), f"override[{i}].target")))
    try:
        review = Decimal(str(data.get("review_days", 1)))
        interval = int(data.get("interval_minutes", 15))
        history = int(data.get("history_days", 120))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput("field.invalid", field="review_days", value="", reason="numbers") from None
    if review < 0 or interval < 1 or history < 7:
        raise InvalidInput("field.invalid", field="interval_minutes", value=str(interval),
                           reason="review_days ≥ 0, interval_minutes ≥ 1, history_days ≥ 7")
    return PlanningSettings(targets=targets, overrides=tuple(overrides), review_days=review,
                            interval_minutes=interval, history_days=history)


def default_settings() -> PlanningSettings:
    return parse_settings(resources.files("jxc.replenishment").joinpath("targets.toml").read_text(encoding="utf-8"))


__all__ = ["CLASSES", "Override", "PlanningSettings", "default_settings", "parse_settings"]
