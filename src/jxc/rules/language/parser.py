"""Rule text → :class:`jxc.rules.model.Rule`, with lark LALR grammars (``zh.lark``, ``en.lark``).

The grammars share ``common.lark``; the loader joins the texts (read with importlib.resources).
Every failure is ``InvalidInput`` with ``field="text"`` and the character ``position`` of the
offending word; the parser never evaluates anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import Lexer

from jxc.kernel.errors import InvalidInput
from jxc.rules.language.tokens import tokenize, unknown_word
from jxc.rules.model import (
    Action,
    And,
    CalendarTrigger,
    Comparison,
    Condition,
    EmergencyPurchaseOrder,
    EventKind,
    EventTrigger,
    FreezeLot,
    Measure,
    Metric,
    MetricChangeTrigger,
    MetricKind,
    Not,
    Notify,
    Op,
    OpenQcWorkOrder,
    Or,
    Rule,
    ScheduleTrigger,
    Series,
    SetSafetyStock,
    SetServiceLevel,
    SkipApprovalLevel,
    StockState,
    SupplierChoice,
    TagItem,
    TransferInvitation,
    Trigger,
)

LANGS = ("zh", "en")
MAX_NESTING = 32


class _TokenList(Lexer):
    """The 'lexer' lark sees: the tokens were already cut by :func:`tokenize`."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Any:  # type: ignore[override]
        yield from data


@cache
def _parser(lang: str) -> Lark:
    package = resources.files("jxc.rules.language")
    grammar = package.joinpath("common.lark").read_text("utf-8") + "\n" + package.joinpath(f"{lang}.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenList)


def detect(text: str) -> str:
    """English rules start with a Latin letter (When/If/On/Every); anything else is read as zh."""
    stripped = text.lstrip()
    return "en" if stripped[:1].isascii() and stripped[:1].isalpha() else "zh"


def parse(text: str, lang: str | None = None) -> Rule:
    if not isinstance(text, str):
        raise InvalidInput("rules.not_text", field="text", value=type(text).__name__)
    lang = lang or detect(text)
    if lang not in LANGS:
        raise InvalidInput("rules.unknown_language", field="lang", value=lang)
    tokens = tokenize(text, lang)
    nesting = [t for t in tokens if t.type in ("LPAR", "NOT")]
    if len(nesting) > MAX_NESTING:  # each level of nesting needs a bracket or a 非/not: this bounds the depth
        culprit = nesting[MAX_NESTING]
        raise InvalidInput("rules.too_deep", field="text", value=text[culprit.start_pos:culprit.end_pos],
                           position=culprit.start_pos)
    try:
        tree = _parser(lang).parse(tokens)
    except UnexpectedToken as error:
        raise _positioned(error, text, lang) from None
    except UnexpectedInput as error:  # pragma: no cover - the token list lexer raises only UnexpectedToken
        raise InvalidInput("rules.unexpected_word", field="text", value="", position=len(text)) from error
    try:
        rule: Rule = _Builder(text).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, InvalidInput):
            raise error.orig_exc from None
        raise
    return rule


def _positioned(error: UnexpectedToken, text: str, lang: str) -> InvalidInput:
    token = error.token
    expected = sorted(str(e) for e in error.expected)
    if token.type == "$END" or token.start_pos is None:
        return InvalidInput("rules.incomplete", field="text", value="", position=len(text), expected=expected)
    surface = text[token.start_pos:token.end_pos]
    if token.type == "WORD":
        return unknown_word(surface, token.start_pos, lang)
    return InvalidInput("rules.unexpected_word", field="text", value=surface, position=token.start_pos,
                        expected=expected)


@dataclass(frozen=True)
class _Value:
    number: Decimal
    unit: str | None
    is_percent: bool


def _nodes(children: list[Any]) -> list[Any]:
    return [c for c in children if not isinstance(c, Token)]


def _tokens(children: list[Any], *kinds: str) -> list[Token]:
    return [c for c in children if isinstance(c, Token) and c.type in kinds]


class _Builder(Transformer[Token, Any]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _at(self, token: Token, make: Any, *args: Any, **kwargs: Any) -> Any:
        """Build a node; a validation error points at ``token`` in the text."""
        try:
            return make(*args, **kwargs)
        except InvalidInput as error:
            raise InvalidInput(error.code, field="text", value=self.text[token.start_pos:token.end_pos],
                               position=token.start_pos, reason=error.field) from None

    def _int(self, token: Token) -> int:
        value = Decimal(token.value)
        if value != value.to_integral_value():
            raise InvalidInput("rules.not_whole", field="text", value=self.text[token.start_pos:token.end_pos],
                               position=token.start_pos)
        return int(value)

    # rules
    def start(self, children: list[Any]) -> Rule:
        return _nodes(children)[0]  # type: ignore[no-any-return]

    def metric_rule(self, children: list[Any]) -> Rule:
        condition, actions = _nodes(children)
        return Rule(MetricChangeTrigger(), condition, actions)

    def triggered_rule(self, children: list[Any]) -> Rule:
        nodes = _nodes(children)
        trigger: Trigger = nodes[0]
        condition: Condition | None = nodes[1] if len(nodes) == 3 else None
        return Rule(trigger, condition, nodes[-1])

    # triggers
    def event(self, children: list[Token]) -> Trigger:
        return EventTrigger(EventKind(children[0].value))

    def monthday(self, children: list[Token]) -> Trigger:
        return self._at(children[0], CalendarTrigger, day_of_month=int(children[0].value))  # type: ignore[no-any-return]

    def weekday(self, children: list[Token]) -> Trigger:
        return CalendarTrigger(weekday=int(children[0].value))

    def schedule(self, children: list[Token]) -> Trigger:
        return self._at(children[1], ScheduleTrigger, children[1].value)  # type: ignore[no-any-return]

    # conditions
    def disj(self, children: list[Any]) -> Condition:
        return Or(tuple(_nodes(children)))

    def conj(self, children: list[Any]) -> Condition:
        return And(tuple(_nodes(children)))

    def neg(self, children: list[Any]) -> Condition:
        return Not(_nodes(children)[0])

    def group(self, children: list[Any]) -> Condition:
        return _nodes(children)[0]  # type: ignore[no-any-return]

    def comparison(self, children: list[Any]) -> Condition:
        metric, value = _nodes(children)
        measures = _tokens(children, "MEASURE")
        if len(measures) > 1:
            raise InvalidInput("rules.duplicate_measure", field="text", position=measures[1].start_pos,
                               value=self.text[measures[1].start_pos:measures[1].end_pos])
        op = _tokens(children, "OP")[0]
        measure = Measure(measures[0].value) if measures else Measure.LEVEL
        return self._at(op, Comparison, metric, Op(op.value), value.number, value.unit,  # type: ignore[no-any-return]
                        value.is_percent, measure)

    def subject(self, children: list[Token]) -> Token:
        return children[0]

    def metric(self, children: list[Any]) -> Metric:
        head = children[-1]
        site = next((c.value for c in children if c.type == "DEPT"), None)
        subject_token = next((c for c in children if c.type in ("ITEM", "WORD")), None)
        subject = None if subject_token is None else subject_token.value
        kwargs: dict[str, Any] = {}
        if head.type == "EXPIRING":
            kind, kwargs["days"] = MetricKind.EXPIRING, int(head.value)
        elif head.value.startswith("stock:"):
            kind, kwargs["state"] = MetricKind.STOCK, StockState(head.value.split(":")[1])
        elif head.value.startswith("signal:"):
            kind, kwargs["series"] = MetricKind.SIGNAL, Series(head.value.split(":")[1])
        else:
            kind = MetricKind(head.value)
        return self._at(subject_token or head, Metric, kind, subject, site, **kwargs)  # type: ignore[no-any-return]

    def value(self, children: list[Token]) -> _Value:
        number = children[0]
        unit = children[1].value if len(children) > 1 else None
        return _Value(Decimal(number.value), unit, number.type == "PERCENT")

    # actions
    def actions(self, children: list[Any]) -> tuple[Action, ...]:
        return tuple(c for c in _nodes(children) if not isinstance(c, _Separator))

    def separator(self, children: list[Any]) -> _Separator:
        return _Separator()

    def epo(self, children: list[Token]) -> Action:
        supplier = _tokens(children, "SUPPLIER")
        return EmergencyPurchaseOrder(SupplierChoice(supplier[0].value) if supplier else None)

    def skip(self, children: list[Token]) -> Action:
        return self._at(children[1], SkipApprovalLevel, self._int(children[1]))  # type: ignore[no-any-return]

    def service_level(self, children: list[Token]) -> Action:
        return self._at(children[1], SetServiceLevel, Decimal(children[1].value))  # type: ignore[no-any-return]

    def safety_stock(self, children: list[Token]) -> Action:
        unit = children[2].value if len(children) > 2 else None
        return self._at(children[1], SetSafetyStock, Decimal(children[1].value), unit)  # type: ignore[no-any-return]

    def freeze(self, children: list[Token]) -> Action:
        return FreezeLot()

    def qc(self, children: list[Token]) -> Action:
        return OpenQcWorkOrder()

    def transfer(self, children: list[Token]) -> Action:
        return TransferInvitation()

    def notify(self, children: list[Token]) -> Action:
        who = children[1]
        return Notify(role=who.value) if who.type == "ROLE" else self._at(who, Notify, user=who.value)

    def tag(self, children: list[Token]) -> Action:
        return self._at(children[1], TagItem, children[1].value)  # type: ignore[no-any-return]


class _Separator:
    pass
