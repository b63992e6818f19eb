"""Rule → canonical zh or en text; ``parse(render(rule, lang)) == rule`` for every expressible rule."""

from __future__ import annotations

from decimal import Decimal

from jxc.kernel.errors import InvalidInput
from jxc.rules.language.lexicon import RENDER_EN, RENDER_ZH, WEEKDAYS_EN, ZH_NUMERALS
from jxc.rules.model import (
    Action,
    And,
    CalendarTrigger,
    Comparison,
    Condition,
    EmergencyPurchaseOrder,
    EventTrigger,
    FreezeLot,
    Measure,
    Metric,
    MetricChangeTrigger,
    MetricKind,
    Not,
    Notify,
    OpenQcWorkOrder,
    Or,
    Rule,
    ScheduleTrigger,
    SetSafetyStock,
    SetServiceLevel,
    SkipApprovalLevel,
    TagItem,
    TransferInvitation,
)

_ZH_WEEKDAYS = "一二三四五六日"


def render(rule: Rule, lang: str) -> str:
    if lang == "zh":
        return _Zh().rule(rule)
    if lang == "en":
        return _En().rule(rule)
    raise InvalidInput("rules.unknown_language", field="lang", value=lang)


def _num(value: Decimal) -> str:
    return format(value, "f")


def _metric_key(m: Metric) -> tuple[str, str]:
    if m.kind is MetricKind.STOCK:
        assert m.state is not None
        return "METRIC", f"stock:{m.state.value}"
    if m.kind is MetricKind.SIGNAL:
        assert m.series is not None
        return "METRIC", f"signal:{m.series.value}"
    return "METRIC", m.kind.value


class _Zh:
    def word(self, terminal: str, value: str) -> str:
        return RENDER_ZH[(terminal, value)]

    def rule(self, rule: Rule) -> str:
        actions = "并".join(self.action(a) for a in rule.actions)
        t = rule.trigger
        if isinstance(t, MetricChangeTrigger):
            assert rule.condition is not None
            return f"当{self.cond(rule.condition)}时，{actions}"
        if isinstance(t, EventTrigger):
            head = self.word("EVENT", t.event.value) + "时"
        elif isinstance(t, ScheduleTrigger):
            head = f"按计划「{t.cron}」"
        elif t.day_of_month is not None:
            head = f"每月{t.day_of_month}号"
        else:
            assert t.weekday is not None
            head = f"每周{_ZH_WEEKDAYS[t.weekday]}"
        condition = "" if rule.condition is None else f"如果{self.cond(rule.condition)}，"
        return f"{head}，{condition}{actions}"

    def cond(self, c: Condition) -> str:
        if isinstance(c, Comparison):
            return self.comparison(c)
        if isinstance(c, Not):
            return f"非（{self.cond(c.operand)}）"
        joiner = "且" if isinstance(c, And) else "或"
        return joiner.join(f"（{self.cond(o)}）" if isinstance(o, And | Or) else self.cond(o) for o in c.operands)

    def metric(self, m: Metric) -> str:
        site = "" if m.site is None else RENDER_ZH.get(("DEPT", m.site), m.site)
        subject = "" if m.subject is None else m.subject
        if subject and subject[-1].isascii():
            subject += " "  # "SKU1001 30天内到期量", not "SKU100130天内到期量"
        head = f"{m.days}天内到期量" if m.kind is MetricKind.EXPIRING else self.word(*_metric_key(m))
        return f"{site}{subject}{head}"

    def comparison(self, c: Comparison) -> str:
        measure = "" if c.measure is Measure.LEVEL else self.word("MEASURE", c.measure.value)
        value = _num(c.value) + ("%" if c.is_percent else "" if c.unit is None else c.unit)
        return f"{self.metric(c.metric)}{measure}{self.word('OP', c.op.value)}{value}"

    def action(self, a: Action) -> str:
        if isinstance(a, EmergencyPurchaseOrder):
            prefix = "" if a.supplier is None else self.word("SUPPLIER", a.supplier.value)
            return prefix + self.word("ACT_EPO", "")
        if isinstance(a, SkipApprovalLevel):
            return f"绕过{ZH_NUMERALS[a.level - 1]}级审批"
        if isinstance(a, SetServiceLevel):
            return f"将服务水平设为{_num(a.percent)}%"
        if isinstance(a, SetSafetyStock):
            return f"将安全库存设为{_num(a.quantity)}{a.unit or ''}"
        if isinstance(a, FreezeLot):
            return "冻结批次"
        if isinstance(a, OpenQcWorkOrder):
            return "开质检工单"
        if isinstance(a, TransferInvitation):
            return "发起调拨邀请"
        if isinstance(a, Notify):
            return "通知" + (self.word("ROLE", a.role) if a.role is not None else f"@{a.user}")
        assert isinstance(a, TagItem)
        return f"打上标签「{a.tag}」"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _En:
    def word(self, terminal: str, value: str) -> str:
        return RENDER_EN[(terminal, value)]

    def rule(self, rule: Rule) -> str:
        parts = [self.action(a) for a in rule.actions]
        actions = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        t = rule.trigger
        if isinstance(t, MetricChangeTrigger):
            assert rule.condition is not None
            return f"When {self.cond(rule.condition)}, {actions}."
        if isinstance(t, EventTrigger):
            head = self.word("EVENT", t.event.value)
        elif isinstance(t, ScheduleTrigger):
            head = f'on schedule "{t.cron}"'
        elif isinstance(t, CalendarTrigger) and t.day_of_month is not None:
            head = f"on the {_ordinal(t.day_of_month)} of every month"
        else:
            assert t.weekday is not None
            head = f"every {WEEKDAYS_EN[t.weekday]}"
        condition = "" if rule.condition is None else f"if {self.cond(rule.condition)}, "
        return f"{head[0].upper()}{head[1:]}, {condition}{actions}."

    def cond(self, c: Condition) -> str:
        if isinstance(c, Comparison):
            return self.comparison(c)
        if isinstance(c, Not):
            return f"not ({self.cond(c.operand)})"
        joiner = " and " if isinstance(c, And) else " or "
        return joiner.join(f"({self.cond(o)})" if isinstance(o, And | Or) else self.cond(o) for o in c.operands)

    def metric(self, m: Metric) -> str:
        words = []
        if m.site is not None:
            words.append(RENDER_EN.get(("DEPT", m.site), m.site))
        if m.subject is not None:
            words.append(RENDER_EN.get(("ITEM", m.subject), m.subject))
        if m.kind is MetricKind.EXPIRING:
            words.append(f"expiring within {m.days} days")
        else:
            words.append(self.word(*_metric_key(m)))
        return " ".join(words)

    def comparison(self, c: Comparison) -> str:
        if c.is_percent:
            value = _num(c.value) + "%"
        else:
            value = _num(c.value) + ("" if c.unit is None else " " + self.word("UNIT", c.unit))
        measure = "" if c.measure is Measure.LEVEL else " " + self.word("MEASURE", c.measure.value)
        return f"{self.metric(c.metric)} {self.word('OP', c.op.value)} {value}{measure}"

    def action(self, a: Action) -> str:
        if isinstance(a, EmergencyPurchaseOrder):
            suffix = "" if a.supplier is None else " " + self.word("SUPPLIER", a.supplier.value)
            return "create an emergency purchase order" + suffix
        if isinstance(a, SkipApprovalLevel):
            return f"skip approval level {a.level}"
        if isinstance(a, SetServiceLevel):
            return f"set the service level to {_num(a.percent)}%"
        if isinstance(a, SetSafetyStock):
            unit = "" if a.unit is None else " " + self.word("UNIT", a.unit)
            return f"set the safety stock to {_num(a.quantity)}{unit}"
        if isinstance(a, FreezeLot):
            return "freeze the lot"
        if isinstance(a, OpenQcWorkOrder):
            return "open a QC work order"
        if isinstance(a, TransferInvitation):
            return "send a transfer invitation"
        if isinstance(a, Notify):
            return "notify " + (self.word("ROLE", a.role) if a.role is not None else f"@{a.user}")
        assert isinstance(a, TagItem)
        return f'tag the item "{a.tag}"'
