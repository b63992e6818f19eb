"""The rule language: zh and en parse to one tree, render back, and refuse bad text at the word."""

from __future__ import annotations

import builtins
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.kernel.errors import InvalidInput
from jxc.rules.language import detect, parse, render
from jxc.rules.model import (
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
)

ZH_EXAMPLE = "当儿科门诊量周环比>15%且流感疫苗库存<200支时,自动触发紧急采购单并绕过二级审批"
EN_EXAMPLE = ("When paediatric outpatient visits rise more than 15% week over week and flu vaccine stock is below "
              "200 doses, create an emergency purchase order and skip approval level 2")


def test_the_example_reads_the_same_in_zh_and_en() -> None:
    zh, en = parse(ZH_EXAMPLE), parse(EN_EXAMPLE)
    assert zh == en
    assert zh == Rule(
        MetricChangeTrigger(),
        And((
            Comparison(Metric(MetricKind.SIGNAL, site="儿科", series=Series.OUTPATIENT_VISITS), Op.GT, Decimal(15),
                       is_percent=True, measure=Measure.CHANGE_WOW),
            Comparison(Metric(MetricKind.STOCK, subject="流感疫苗", state=StockState.ON_HAND), Op.LT, Decimal(200),
                       unit="支"),
        )),
        (EmergencyPurchaseOrder(), SkipApprovalLevel(2)),
    )
    assert detect(ZH_EXAMPLE) == "zh" and detect(EN_EXAMPLE) == "en"


CORPUS_ZH = [
    ZH_EXAMPLE,
    "当库存低于50件时，自动触发紧急采购单",
    "当流感疫苗库存不低于1000支时，通知采购经理",
    "当可用库存小于20箱或在途库存等于0时，发起调拨邀请",
    "当矿泉水可承诺量≤100瓶时，向最快供应商自动触发紧急采购单",
    "当退烧药可售天数<7天时，向最优供应商创建紧急采购单并通知仓库主管",
    "当流感疫苗30天内到期量>100支时，冻结批次并开质检工单",
    "当供应商准时率低于90%时，将服务水平设为97.5%",
    "当客流同比超过20%时，将安全库存设为500件",
    "当气温<-5度时，打上标签「御寒」",
    "当社交热度环比大于300%的时候，通知@zhang.san",
    "当非（库存低于100件）时，通知店长",
    "当（库存<10件或可用库存<5件）且预测销量>200件时，触发紧急采购单，跳过第2级审批",
    "如果一次性口罩库存不足1000件，生成紧急采购单",
    "当blue widget库存小于30瓶时，通知药剂科主任",
    "当SKU1001 30天内到期量不等于0件时，冻结该批次",
    "当药房退烧药库存≤12.5kg时，下紧急采购单",
    "当内科门诊量周环比≥10%并且流感疫苗库存<500支时，绕过三级审批",
    "当外科门诊量至少80时，发起调拨邀请",
    "每次销售时，如果库存低于10件，自动触发紧急采购单",
    "每次收货时，如果流感疫苗7天内到期量>0支，冻结批次并通知仓库主管",
    "每次收到遥测时，如果气温高于30度，开质检工单",
    "每次批注时，打上标签「待复核」",
    "每月5号，将安全库存设为200箱",
    "每月28日，如果供应商准时率<95%，通知采购经理",
    "每周一，将服务水平设为95%",
    "每周日，如果客流周环比<-10%，发起调拨邀请",
    "按计划「0 8 * * 1」，通知@li_si",
    "按计划“30 6 1 * *”，如果库存<1件，触发紧急采购单。",
    "当库存<10件且可用库存<5件且在途库存=0件时，自动触发紧急采购单",
    "当库存<10件或非（客流>100），通知店长",
    "当布洛芬库存小于10箱的时候，通知采购经理",
    "当维生素C库存小于3公斤时，自动触发紧急采购单",
]

CORPUS_EN = [
    EN_EXAMPLE,
    "When stock is below 50 pieces, create an emergency purchase order.",
    "When flu vaccine stock is at least 1000 doses, notify the purchasing manager.",
    "When available stock is less than 20 cases or in-transit stock equals 0, send a transfer invitation.",
    "When bottled water ATP <= 100 bottles, create an emergency purchase order from the fastest supplier.",
    "If fever reducer days of cover < 7 days then raise an emergency purchase order from the best supplier "
    "and notify the warehouse supervisor",
    "When flu vaccine expiring within 30 days exceeds 100 doses, freeze the lot and open a QC work order.",
    "When supplier on-time rate falls below 90%, set the service level to 97.5%.",
    "When foot traffic is above 20% year over year, set the safety stock to 500 pieces.",
    "When temperature is below -5 degrees, tag the item \"御寒\".",
    "Whenever social volume rises more than 300% period over period, notify @zhang.san.",
    "When not (stock is below 100 pieces), notify the store manager.",
    "When (stock < 10 pieces or available stock < 5 pieces) and forecast demand > 200 pieces, "
    "create an emergency PO, then skip approval level 2.",
    "If disposable masks stock is under 1000 units, create an emergency purchase order",
    "When blue widget stock is less than 30 bottles, notify the pharmacy director.",
    "When SKU1001 expiring within 30 days does not equal 0 pieces, freeze the lot.",
    "When pharmacy fever reducer stock <= 12.5 kg, place an emergency purchase order.",
    "When internal medicine outpatient visits week over week >= 10% and flu vaccine stock < 500 doses, "
    "bypass approval level 3.",
    "When surgery outpatient visits is at least 80, send a transfer invitation.",
    "On every sale, if stock is below 10 pieces, create an emergency purchase order.",
    "On every receipt, if flu vaccine expiring within 7 days is above 0 doses, freeze the lot and notify "
    "the warehouse supervisor.",
    "On every telemetry reading, if temperature is above 30 degrees, open a QC work order.",
    "On every annotation, tag the item \"待复核\".",
    "On the 5th of every month, set the safety stock to 200 cases.",
    "On the 28th of every month, if supplier on-time rate < 95%, notify the purchasing manager.",
    "Every Monday, set the service level to 95%.",
    "Every Sunday, if foot traffic is below -10% week over week, send a transfer invitation.",
    "On schedule \"0 8 * * 1\", notify @li_si.",
    "On schedule \"30 6 1 * *\", if stock < 1 piece then create an emergency purchase order.",
    "When the stock level is below 10 pieces and available stock < 5 pieces and in-transit stock = 0 pieces, "
    "create an emergency purchase order.",
    "When stock < 10 pieces or not (foot traffic > 100), notify the store manager.",
    "When 布洛芬 stock is below 10 cases, notify the purchasing manager.",
    "When 维生素C stock is below 3 kg, create an emergency purchase order.",
]
CORPUS = CORPUS_ZH + CORPUS_EN


def test_corpus_is_big_and_mirrored() -> None:
    assert len(CORPUS) >= 60
    # each zh sentence has an English counterpart meaning the same rule
    assert len(CORPUS_ZH) == len(CORPUS_EN)
    for zh, en in zip(CORPUS_ZH, CORPUS_EN, strict=True):
        assert parse(zh) == parse(en), (zh, en)


@pytest.mark.parametrize("text", CORPUS)
def test_corpus_parses_and_round_trips(text: str) -> None:
    rule = parse(text)
    for lang in ("zh", "en"):
        rendered = render(rule, lang)
        assert parse(rendered) == rule, rendered
        assert parse(rendered, lang) == rule
        assert render(parse(rendered), lang) == rendered


def test_corpus_covers_every_kind() -> None:
    rules = [parse(t) for t in CORPUS]
    triggers = {type(r.trigger) for r in rules}
    assert triggers == {MetricChangeTrigger, EventTrigger, CalendarTrigger, ScheduleTrigger}
    actions = {type(a) for r in rules for a in r.actions}
    assert actions == {EmergencyPurchaseOrder, SkipApprovalLevel, SetServiceLevel, SetSafetyStock, FreezeLot,
                       OpenQcWorkOrder, TransferInvitation, Notify, TagItem}

    def kinds(c: Condition | None) -> set[type]:
        if c is None:
            return set()
        if isinstance(c, And | Or):
            return {type(c)}.union(*(kinds(o) for o in c.operands))
        if isinstance(c, Not):
            return {Not} | kinds(c.operand)
        return {Comparison}

    assert set().union(*(kinds(r.condition) for r in rules)) == {And, Or, Not, Comparison}
    metrics = {c.metric.kind for r in rules for c in _comparisons(r.condition)}
    assert metrics == set(MetricKind)


def _comparisons(c: Condition | None) -> list[Comparison]:
    if c is None:
        return []
    if isinstance(c, Comparison):
        return [c]
    if isinstance(c, Not):
        return _comparisons(c.operand)
    return [x for o in c.operands for x in _comparisons(o)]


REJECTED = [
    # (text, code, the word the error must point at)
    ("当库存底于200支时，自动触发紧急采购单", "rules.unknown_word", "底于"),
    ("当库存<200吨时，自动触发紧急采购单", "rules.unknown_word", "吨"),
    ("当库存<支时，自动触发紧急采购单", "rules.unexpected_word", "支"),
    ("当库存<200支且时，自动触发紧急采购单", "rules.unexpected_word", "时"),
    ("当库存<200支且", "rules.incomplete", ""),
    ("当库存<200支时，起飞", "rules.unknown_word", "起飞"),
    ("当库存<200支时，绕过十级审批", "rules.unknown_word", "十级审批"),
    ("每月40号，通知采购经理", "rules.bad_calendar", "每月40号"),
    ("When stock is belw 200 pieces, freeze the lot", "rules.unknown_word", "belw"),
    ("When stock is below 200 tonnes, freeze the lot", "rules.unknown_word", "tonnes"),
    ("When stock is below pieces, freeze the lot", "rules.unexpected_word", "pieces"),
    ("When stock < 5 pieces and, freeze the lot", "rules.unexpected_word", ","),
    ("When stock < 5 pieces, skip approval level 2.5", "rules.not_whole", "2.5"),
    ("When stock < 5 pieces, set the service level to 120%", "rules.bad_service_level", "120%"),
    ("When stock < 5 pieces, frezee the lot", "rules.unknown_word", "frezee"),
    ("When stock < 5 pieces, tag the item \"a b\"", "rules.bad_tag", "\"a b\""),
    ("When stock < 5 pieces # freeze", "rules.unknown_word", "#"),
    ("", "rules.incomplete", ""),
    ("当" + "（" * 900 + "库存<1件" + "）" * 900 + "时，冻结批次", "rules.too_deep", "（"),
    ("When " + "not " * 400 + "stock < 1 piece, freeze the lot", "rules.too_deep", "not"),
]


@pytest.mark.parametrize(("text", "code", "word"), REJECTED)
def test_bad_text_is_refused_at_the_word(text: str, code: str, word: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    error = caught.value
    assert error.code == code
    assert error.field == "text"
    position = error.params["position"]
    assert text[position:position + len(word)] == word
    if word:
        assert error.params["value"] == word


def test_unknown_words_come_with_suggestions() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse("When stock is belw 200 pieces, freeze the lot")
    assert any("below" in s for s in caught.value.params["suggestions"])
    with pytest.raises(InvalidInput) as caught:
        parse("当库存底于200支时，冻结批次")
    suggested = caught.value.params["suggestions"]
    assert 1 <= len(suggested) <= 3 and all(s.endswith("于") for s in suggested)  # 低于/高于/少于…


# --- properties -------------------------------------------------------------------------------

_SUBJECTS = st.sampled_from(["流感疫苗", "退烧药", "矿泉水", "一次性口罩", "维生素C", "blue widget", "SKU1001", "布洛芬"])
_SITES = st.sampled_from(["儿科", "内科", "外科", "药房"])
_UNITS = st.sampled_from(["支", "件", "箱", "kg", "瓶", "天", "℃"])
_NUMBERS = st.builds(lambda n, k: Decimal(n).scaleb(-k), st.integers(-10**6, 10**6), st.integers(0, 3))


@st.composite
def _metrics(draw: Any) -> Metric:
    kind = draw(st.sampled_from(list(MetricKind)))
    extra: dict[str, Any] = {}
    if kind is MetricKind.STOCK:
        extra["state"] = draw(st.sampled_from(list(StockState)))
    elif kind is MetricKind.EXPIRING:
        extra["days"] = draw(st.integers(1, 3650))
    elif kind is MetricKind.SIGNAL:
        extra["series"] = draw(st.sampled_from(list(Series)))
    return Metric(kind, draw(st.none() | _SUBJECTS), draw(st.none() | _SITES), **extra)


@st.composite
def _comparisons_st(draw: Any) -> Comparison:
    percent = draw(st.booleans())
    return Comparison(draw(_metrics()), draw(st.sampled_from(list(Op))), draw(_NUMBERS),
                      None if percent else draw(st.none() | _UNITS), percent, draw(st.sampled_from(list(Measure))))


_CONDITIONS = st.recursive(
    _comparisons_st(),
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=6,
)
_ACTIONS = st.one_of(
    st.builds(EmergencyPurchaseOrder, st.none() | st.sampled_from(list(SupplierChoice))),
    st.builds(SkipApprovalLevel, st.integers(1, 9)),
    st.builds(SetServiceLevel, st.integers(1, 9999).map(lambda n: Decimal(n).scaleb(-2))),
    st.builds(SetSafetyStock, _NUMBERS.map(abs), st.none() | _UNITS),
    st.just(FreezeLot()), st.just(OpenQcWorkOrder()), st.just(TransferInvitation()),
    st.builds(Notify, role=st.sampled_from(["purchasing_manager", "warehouse_supervisor", "store_manager"])),
    st.builds(Notify, user=st.from_regex(r"[A-Za-z0-9_-]{1,8}(\.[A-Za-z0-9_-]{1,8})?", fullmatch=True)),
    st.builds(TagItem, st.from_regex(r"[\u4e00-\u9fa5A-Za-z0-9_-]{1,10}", fullmatch=True)),
)
_TRIGGERS = st.one_of(
    st.builds(EventTrigger, st.sampled_from(list(EventKind))),
    st.builds(lambda d: CalendarTrigger(day_of_month=d), st.integers(1, 31)),
    st.builds(lambda d: CalendarTrigger(weekday=d), st.integers(0, 6)),
    st.sampled_from([ScheduleTrigger("0 8 * * 1"), ScheduleTrigger("*/15 * * * *"), ScheduleTrigger("0 0 1,15 * *")]),
)


@st.composite
def _rules(draw: Any) -> Rule:
    actions = tuple(draw(st.lists(_ACTIONS, min_size=1, max_size=3)))
    if draw(st.booleans()):
        return Rule(MetricChangeTrigger(), draw(_CONDITIONS), actions)
    return Rule(draw(_TRIGGERS), draw(st.none() | _CONDITIONS), actions)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rules())
def test_random_rules_render_and_parse_back(rule: Rule) -> None:
    for lang in ("zh", "en"):
        text = render(rule, lang)
        assert parse(text) == rule, text


def _forbidden(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("eval/exec called")


_ALPHABET = st.sampled_from(list("当时且或非不并库存低于大于支件箱%<>=≥≤，,。.()（）「」\"@-0123456789 abcdefghijklmnopqrstuvwxyz"
                                 "WhenstockisbelowandornotcreatepieceS流感疫苗儿科门诊量周环比绕过二级审批每月号周一#$!?;:~")
                            ) | st.characters(codec="utf-8")
_WORDS = st.sampled_from(["当", "时", "库存", "低于", "200", "支", "且", "或", "非", "（", "）", "，", "15%", "流感疫苗",
                          "When", " stock", " is below", " and", " or", " not", " (", ")", ",", " 200", " pieces",
                          " freeze the lot", "自动触发紧急采购单", "绕过二级审批", "每月5号", "\"", "「", "」"])


@settings(max_examples=400, deadline=None)
@given(text=st.text(_ALPHABET, max_size=60) | st.lists(_WORDS, max_size=15).map("".join))
def test_random_text_fails_only_with_invalid_input(text: str) -> None:
    # patched only around parse: hypothesis itself uses exec
    with patch.object(builtins, "eval", _forbidden), patch.object(builtins, "exec", _forbidden):
        try:
            parse(text)
        except InvalidInput as error:
            assert error.field in ("text", "lang")
            assert isinstance(error.params.get("position", 0), int)
