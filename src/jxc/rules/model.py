"""Business rules as data: a versioned, JSON-serialisable syntax tree (pure: standard library + kernel).

A rule is ``trigger → condition → actions``. The controlled natural language in
:mod:`jxc.rules.language` parses to and renders from this tree; storage and evaluation use the
JSON form (``Rule.to_json()`` / ``Rule.from_json()``), which carries ``"version": 1`` so a later
shape can be told apart. Numbers are ``Decimal`` (kept as strings in JSON). Every check raises
``InvalidInput`` naming the JSON path (``$.condition.operands[1].op``) or the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from jxc.kernel.errors import InvalidInput

_T = TypeVar("_T")

VERSION = 1
MAX_SUBJECT = 40
MAX_TAG = 20
MAX_CRON = 60
UNITS = ("支", "件", "箱", "kg", "瓶", "天", "℃")

_SUBJECT = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*(?: [\u4e00-\u9fffA-Za-z0-9]+)*")
_TAG = re.compile(r"[\u4e00-\u9fffA-Za-z0-9_-]+")
_ROLE = re.compile(r"[a-z][a-z_]{0,39}")
_USER = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")  # no leading, trailing or double dot
_CRON_FIELD = re.compile(r"[0-9*/,-]+")


class EventKind(StrEnum):
    SALE = "sale"
    RECEIPT = "receipt"
    TELEMETRY = "telemetry"
    ANNOTATION = "annotation"


class MetricKind(StrEnum):
    STOCK = "stock"
    ATP = "atp"
    DAYS_OF_COVER = "days_of_cover"
    FORECAST = "forecast"
    EXPIRING = "expiring_within_days"
    SUPPLIER_ON_TIME = "supplier_on_time"
    SIGNAL = "signal"


class StockState(StrEnum):
    ON_HAND = "on_hand"
    AVAILABLE = "available"
    IN_TRANSIT = "in_transit"


class Series(StrEnum):
    OUTPATIENT_VISITS = "outpatient_visits"
    FOOT_TRAFFIC = "foot_traffic"
    TEMPERATURE = "temperature"
    SOCIAL_VOLUME = "social_volume"


class Measure(StrEnum):
    LEVEL = "level"
    CHANGE_WOW = "change_wow"  # 周环比, week over week
    CHANGE_POP = "change_pop"  # 环比, period over period
    CHANGE_YOY = "change_yoy"  # 同比, year over year


class Op(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ = "="
    NE = "!="


class SupplierChoice(StrEnum):
    BEST = "best"
    FASTEST = "fastest"


def _bad(path: str, code: str = "rules.invalid", **params: Any) -> InvalidInput:
    return InvalidInput(code, field=path, **params)


def check_subject(text: str, path: str) -> None:
    if len(text) > MAX_SUBJECT or not _SUBJECT.fullmatch(text):
        raise _bad(path, "rules.bad_subject", value=text)


# --- triggers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricChangeTrigger:
    """Evaluate whenever a metric the condition reads changes (the default for 当… / When …)."""


@dataclass(frozen=True)
class EventTrigger:
    event: EventKind


@dataclass(frozen=True)
class ScheduleTrigger:
    cron: str

    def __post_init__(self) -> None:
        fields = self.cron.split(" ")
        if len(self.cron) > MAX_CRON or len(fields) != 5 or not all(_CRON_FIELD.fullmatch(f) for f in fields):
            raise _bad("cron", "rules.bad_cron", value=self.cron)


@dataclass(frozen=True)
class CalendarTrigger:
    """Exactly one of ``day_of_month`` (1–31) and ``weekday`` (0 = Monday … 6 = Sunday)."""

    day_of_month: int | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        if (self.day_of_month is None) == (self.weekday is None):
            raise _bad("calendar", "rules.bad_calendar", value="exactly one of day_of_month, weekday")
        if self.day_of_month is not None and not 1 <= self.day_of_month <= 31:
            raise _bad("day_of_month", "rules.bad_calendar", value=self.day_of_month)
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise _bad("weekday", "rules.bad_calendar", value=self.weekday)


Trigger = MetricChangeTrigger | EventTrigger | ScheduleTrigger | CalendarTrigger


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """What a comparison reads; ``subject`` is an item name/SKU as written, ``site`` a department."""

    kind: MetricKind
    subject: str | None = None
    site: str | None = None
    state: StockState | None = None  # stock only
    days: int | None = None  # expiring_within_days only
    series: Series | None = None  # signal only

    def __post_init__(self) -> None:
        if (self.state is not None) != (self.kind is MetricKind.STOCK):
            raise _bad("state", "rules.bad_metric", value=self.state)
        if (self.days is not None) != (self.kind is MetricKind.EXPIRING):
            raise _bad("days", "rules.bad_metric", value=self.days)
        if self.days is not None and not 1 <= self.days <= 3650:
            raise _bad("days", "rules.bad_metric", value=self.days)
        if (self.series is not None) != (self.kind is MetricKind.SIGNAL):
            raise _bad("series", "rules.bad_metric", value=self.series)
        if self.subject is not None:
            check_subject(self.subject, "subject")
        if self.site is not None:
            check_subject(self.site, "site")


@dataclass(frozen=True)
class Comparison:
    metric: Metric
    op: Op
    value: Decimal
    unit: str | None = None
    is_percent: bool = False
    measure: Measure = Measure.LEVEL

    def __post_init__(self) -> None:
        if not self.value.is_finite():
            raise _bad("value", "rules.bad_number", value=self.value)
        if self.unit is not None and (self.is_percent or self.unit not in UNITS):
            raise _bad("unit", "rules.bad_unit", value=self.unit)


@dataclass(frozen=True)
class And:
    operands: tuple[Condition, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2:
            raise _bad("operands", "rules.too_few_operands", value=len(self.operands))


@dataclass(frozen=True)
class Or:
    operands: tuple[Condition, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2:
            raise _bad("operands", "rules.too_few_operands", value=len(self.operands))


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Comparison | And | Or | Not


# --- actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyPurchaseOrder:
    supplier: SupplierChoice | None = None


@dataclass(frozen=True)
class SkipApprovalLevel:
    level: int

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 9:
            raise _bad("level", "rules.bad_level", value=self.level)


@dataclass(frozen=True)
class SetServiceLevel:
    percent: Decimal

    def __post_init__(self) -> None:
        if not (self.percent.is_finite() and Decimal(0) < self.percent < Decimal(100)):
            raise _bad("percent", "rules.bad_service_level", value=self.percent)


@dataclass(frozen=True)
class SetSafetyStock:
    quantity: Decimal
    unit: str | None = None

    def __post_init__(self) -> None:
        if not (self.quantity.is_finite() and self.quantity >= 0):
            raise _bad("quantity", "rules.bad_number", value=self.quantity)
        if self.unit is not None and self.unit not in UNITS:
            raise _bad("unit", "rules.bad_unit", value=self.unit)


@dataclass(frozen=True)
class FreezeLot:
    pass


@dataclass(frozen=True)
class OpenQcWorkOrder:
    pass


@dataclass(frozen=True)
class TransferInvitation:
    pass


@dataclass(frozen=True)
class Notify:
    """Exactly one of ``role`` (a role key, e.g. ``purchasing_manager``) and ``user`` (a login)."""

    role: str | None = None
    user: str | None = None

    def __post_init__(self) -> None:
        if (self.role is None) == (self.user is None):
            raise _bad("notify", "rules.bad_recipient", value="exactly one of role, user")
        if self.role is not None and not _ROLE.fullmatch(self.role):
            raise _bad("role", "rules.bad_recipient", value=self.role)
        if self.user is not None and (len(self.user) > 40 or not _USER.fullmatch(self.user)):
            raise _bad("user", "rules.bad_recipient", value=self.user)


@dataclass(frozen=True)
class TagItem:
    tag: str

    def __post_init__(self) -> None:
        if len(self.tag) > MAX_TAG or not _TAG.fullmatch(self.tag):
            raise _bad("tag", "rules.bad_tag", value=self.tag)


Action = (EmergencyPurchaseOrder | SkipApprovalLevel | SetServiceLevel | SetSafetyStock | FreezeLot
          | OpenQcWorkOrder | TransferInvitation | Notify | TagItem)


@dataclass(frozen=True)
class Rule:
    trigger: Trigger
    condition: Condition | None
    actions: tuple[Action, ...]
    version: int = VERSION

    def __post_init__(self) -> None:
        if self.version != VERSION:
            raise _bad("$.version", "rules.unsupported_version", value=self.version)
        if not self.actions:
            raise _bad("$.actions", "rules.no_actions")
        if isinstance(self.trigger, MetricChangeTrigger) and self.condition is None:
            raise _bad("$.condition", "rules.condition_required")

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "trigger": _trigger_to_json(self.trigger),
            "condition": None if self.condition is None else _condition_to_json(self.condition),
            "actions": [_action_to_json(a) for a in self.actions],
        }

    @classmethod
    def from_json(cls, data: Any) -> Rule:
        return _rule_from_json(data)


# --- JSON -------------------------------------------------------------------------------------


def _num(value: Decimal) -> str:
    return format(value, "f")


def _trigger_to_json(t: Trigger) -> dict[str, Any]:
    if isinstance(t, MetricChangeTrigger):
        return {"kind": "metric_change"}
    if isinstance(t, EventTrigger):
        return {"kind": "event", "event": t.event.value}
    if isinstance(t, ScheduleTrigger):
        return {"kind": "schedule", "cron": t.cron}
    return {"kind": "calendar", "day_of_month": t.day_of_month, "weekday": t.weekday}


def _metric_to_json(m: Metric) -> dict[str, Any]:
    return {"kind": m.kind.value, "subject": m.subject, "site": m.site,
            "state": None if m.state is None else m.state.value, "days": m.days,
            "series": None if m.series is None else m.series.value}


def _condition_to_json(c: Condition) -> dict[str, Any]:
    if isinstance(c, Comparison):
        return {"kind": "comparison", "metric": _metric_to_json(c.metric), "op": c.op.value,
                "value": _num(c.value), "unit": c.unit, "is_percent": c.is_percent, "measure": c.measure.value}
    if isinstance(c, And):
        return {"kind": "and", "operands": [_condition_to_json(o) for o in c.operands]}
    if isinstance(c, Or):
        return {"kind": "or", "operands": [_condition_to_json(o) for o in c.operands]}
    return {"kind": "not", "operand": _condition_to_json(c.operand)}


def _action_to_json(a: Action) -> dict[str, Any]:
    if isinstance(a, EmergencyPurchaseOrder):
        return {"kind": "emergency_purchase_order", "supplier": None if a.supplier is None else a.supplier.value}
    if isinstance(a, SkipApprovalLevel):
        return {"kind": "skip_approval_level", "level": a.level}
    if isinstance(a, SetServiceLevel):
        return {"kind": "set_service_level", "percent": _num(a.percent)}
    if isinstance(a, SetSafetyStock):
        return {"kind": "set_safety_stock", "quantity": _num(a.quantity), "unit": a.unit}
    if isinstance(a, FreezeLot):
        return {"kind": "freeze_lot"}
    if isinstance(a, OpenQcWorkOrder):
        return {"kind": "open_qc_work_order"}
    if isinstance(a, TransferInvitation):
        return {"kind": "transfer_invitation"}
    if isinstance(a, Notify):
        return {"kind": "notify", "role": a.role, "user": a.user}
    return {"kind": "tag_item", "tag": a.tag}


class _Reader:
    """Reads one JSON object, naming the path of anything wrong with it."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise _bad(path, "rules.bad_json", value=type(data).__name__, reason="expected an object")
        self.data = data
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def get(self, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise _bad(self.at(key), "rules.bad_json", value=None, reason="missing")
        value = self.data[key]
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise _bad(self.at(key), "rules.bad_json", value=value, reason="wrong type")
        return value

    def enum(self, key: str, enum: type[StrEnum], *, optional: bool = False) -> Any:
        raw = self.get(key, str, optional=optional)
        if raw is None:
            return None
        try:
            return enum(raw)
        except ValueError:
            raise _bad(self.at(key), "rules.unknown_kind", value=raw) from None

    def decimal(self, key: str) -> Decimal:
        raw = self.get(key, str)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise _bad(self.at(key), "rules.bad_number", value=raw) from None
        if not value.is_finite():
            raise _bad(self.at(key), "rules.bad_number", value=raw)
        return value

    def kind(self, allowed: tuple[str, ...]) -> str:
        kind = self.get("kind", str)
        if kind not in allowed:
            raise _bad(self.at("kind"), "rules.unknown_kind", value=kind)
        return str(kind)


def _build(path: str, make: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Construct a node, re-pointing its own validation error at the JSON path."""
    try:
        return make(*args, **kwargs)
    except InvalidInput as error:
        if error.field is not None and error.field.startswith("$"):
            raise
        raise InvalidInput(error.code, field=f"{path}.{error.field}" if error.field else path,
                           **error.params) from None


def _trigger_from_json(data: Any, path: str) -> Trigger:
    r = _Reader(data, path)
    kind = r.kind(("metric_change", "event", "schedule", "calendar"))
    if kind == "metric_change":
        return MetricChangeTrigger()
    if kind == "event":
        return EventTrigger(r.enum("event", EventKind))
    if kind == "schedule":
        return _build(path, ScheduleTrigger, r.get("cron", str))
    return _build(path, CalendarTrigger, r.get("day_of_month", int, optional=True),
                  r.get("weekday", int, optional=True))


def _metric_from_json(data: Any, path: str) -> Metric:
    r = _Reader(data, path)
    return _build(path, Metric, r.enum("kind", MetricKind), r.get("subject", str, optional=True),
                  r.get("site", str, optional=True), r.enum("state", StockState, optional=True),
                  r.get("days", int, optional=True), r.enum("series", Series, optional=True))


def _condition_from_json(data: Any, path: str, depth: int = 0) -> Condition:
    if depth > 50:
        raise _bad(path, "rules.too_deep")
    r = _Reader(data, path)
    kind = r.kind(("comparison", "and", "or", "not"))
    if kind == "comparison":
        return _build(path, Comparison, _metric_from_json(r.get("metric", Mapping), r.at("metric")),
                      r.enum("op", Op), r.decimal("value"), r.get("unit", str, optional=True),
                      bool(r.get("is_percent", bool, optional=True)),
                      r.enum("measure", Measure, optional=True) or Measure.LEVEL)
    if kind == "not":
        return Not(_condition_from_json(r.get("operand", Mapping), r.at("operand"), depth + 1))
    items = r.get("operands", list)
    operands = tuple(_condition_from_json(o, f"{r.at('operands')}[{i}]", depth + 1) for i, o in enumerate(items))
    if kind == "and":
        return _build(path, And, operands)
    return _build(path, Or, operands)


_ACTIONS = ("emergency_purchase_order", "skip_approval_level", "set_service_level", "set_safety_stock",
            "freeze_lot", "open_qc_work_order", "transfer_invitation", "notify", "tag_item")


def _action_from_json(data: Any, path: str) -> Action:
    r = _Reader(data, path)
    kind = r.kind(_ACTIONS)
    if kind == "emergency_purchase_order":
        return EmergencyPurchaseOrder(r.enum("supplier", SupplierChoice, optional=True))
    if kind == "skip_approval_level":
        return _build(path, SkipApprovalLevel, r.get("level", int))
    if kind == "set_service_level":
        return _build(path, SetServiceLevel, r.decimal("percent"))
    if kind == "set_safety_stock":
        return _build(path, SetSafetyStock, r.decimal("quantity"), r.get("unit", str, optional=True))
    if kind == "freeze_lot":
        return FreezeLot()
    if kind == "open_qc_work_order":
        return OpenQcWorkOrder()
    if kind == "transfer_invitation":
        return TransferInvitation()
    if kind == "notify":
        return _build(path, Notify, r.get("role", str, optional=True), r.get("user", str, optional=True))
    return _build(path, TagItem, r.get("tag", str))


def _rule_from_json(data: Any) -> Rule:
    r = _Reader(data, "$")
    version = r.get("version", int)
    if version != VERSION:
        raise _bad("$.version", "rules.unsupported_version", value=version)
    trigger = _trigger_from_json(r.get("trigger", Mapping), "$.trigger")
    raw_condition = r.get("condition", Mapping, optional=True)
    condition = None if raw_condition is None else _condition_from_json(raw_condition, "$.condition")
    actions = tuple(_action_from_json(a, f"$.actions[{i}]") for i, a in enumerate(r.get("actions", list)))
    return _build("$", Rule, trigger, condition, actions, version)
