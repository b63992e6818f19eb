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
    category: str | None  # the item's department (category), or a category prefix ending in "/"
    abc: str | None
    target: ServiceTarget
    site_kind: str | None = None  # store, warehouse or channel (an online shop, a mini-program)
    site: str | None = None

    def applies(self, *, abc: str, category: str | None, site_kind: str | None, site: str | None) -> bool:
        category_ok = self.category is None or self.category == category or (
            self.category.endswith("/") and (category or "").startswith(self.category))
        return (category_ok and (self.abc is None or self.abc == abc)
                and (self.site_kind is None or self.site_kind == site_kind) and (self.site is None or self.site == site))


@dataclass(frozen=True)
class PlanningSettings:
    targets: dict[str, ServiceTarget]
    overrides: tuple[Override, ...]
    review_days: Decimal
    interval_minutes: int
    history_days: int
    holding_rate: Decimal = Decimal("0.20")  # cost of holding stock, per year, as a share of its value
    max_holding_share: dict[str, Decimal] | None = None  # by class: holding cost ≤ this share of gross margin

    def target_for(self, *, abc: str, category: str | None, site_kind: str | None = None,
                   site: str | None = None) -> ServiceTarget:
        """The first override that applies (file order: put the most specific first), else the class's target."""
        for rule in self.overrides:
            if rule.applies(abc=abc, category=category, site_kind=site_kind, site=site):
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
        kind = rule.get("site_kind")
        if kind is not None and kind not in ("store", "warehouse", "channel"):
            raise InvalidInput("field.invalid", field=f"override[{i}].site_kind", value=str(kind),
                               reason="store, warehouse or channel")
        unknown = set(rule) - {"category", "class", "target", "site_kind", "site"}
        if unknown:
            raise InvalidInput("field.invalid", field=f"override[{i}].{sorted(unknown)[0]}", value="",
                               reason="category, class, site_kind, site, target")
        overrides.append(Override(category=rule.get("category"), abc=abc, site_kind=kind, site=rule.get("site"),
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
    try:
        holding_rate = Decimal(str(data.get("holding_rate", "0.20")))
        caps = {c: Decimal(str(v)) for c, v in data.get("max_holding_share_of_margin", {}).items()}
    except InvalidOperation:
        raise InvalidInput("field.invalid", field="max_holding_share_of_margin", value="", reason="numbers") from None
    if not 0 <= holding_rate <= 1 or any(c not in CLASSES or not 0 < v <= 1 for c, v in caps.items()):
        raise InvalidInput("field.invalid", field="max_holding_share_of_margin", value=str(caps),
                           reason="class = share between 0 and 1; holding_rate between 0 and 1")
    return PlanningSettings(targets=targets, overrides=tuple(overrides), review_days=review,
                            interval_minutes=interval, history_days=history, holding_rate=holding_rate,
                            max_holding_share=caps or None)


def default_settings() -> PlanningSettings:
    return parse_settings(resources.files("jxc.replenishment").joinpath("targets.toml").read_text(encoding="utf-8"))


__all__ = ["CLASSES", "Override", "PlanningSettings", "default_settings", "parse_settings"]
