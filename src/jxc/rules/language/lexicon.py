"""Every known word of the rule language, zh and en, in one place.

``ZH`` / ``EN`` map a surface form to ``(TERMINAL, canonical value)``; the tokeniser matches the
longest surface form first (English case-insensitively, on word boundaries). ``RENDER_*`` give the
one canonical surface form the renderer writes for each canonical value. Free text (an item name
the lexicon does not know) is allowed only where the grammar has a ``subject``.
"""

from __future__ import annotations

from typing import Final

Entry = tuple[str, str]

# canonical values ------------------------------------------------------------------------------
# METRIC values: "stock:<state>", "signal:<series>", or a MetricKind value.
# ITEM / DEPT values: the zh name (so 流感疫苗 and "flu vaccine" are the same subject).

_ZH_GROUPS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "WHEN": {"": ("当",)},
    "IF": {"": ("如果", "若")},
    "TIME": {"": ("时", "的时候")},
    "AND": {"": ("且", "并且", "而且", "和", "并", "同时")},
    "OR": {"": ("或", "或者")},
    "NOT": {"": ("非", "不", "并非")},
    "METRIC": {
        "stock:on_hand": ("库存", "现有库存"),
        "stock:available": ("可用库存",),
        "stock:in_transit": ("在途库存",),
        "atp": ("可承诺量",),
        "days_of_cover": ("可售天数",),
        "forecast": ("预测销量",),
        "supplier_on_time": ("供应商准时率",),
        "signal:outpatient_visits": ("门诊量",),
        "signal:foot_traffic": ("客流", "客流量"),
        "signal:temperature": ("气温",),
        "signal:social_volume": ("社交热度",),
    },
    "MEASURE": {"change_wow": ("周环比",), "change_pop": ("环比",), "change_yoy": ("同比",)},
    "OP": {
        ">": (">", "＞", "大于", "超过", "高于"),
        ">=": (">=", "≥", "不低于", "不少于", "大于等于", "至少"),
        "<": ("<", "＜", "小于", "低于", "少于", "不足"),
        "<=": ("<=", "≤", "不高于", "不超过", "小于等于", "至多"),
        "=": ("=", "等于"),
        "!=": ("!=", "≠", "不等于"),
    },
    "UNIT": {"支": ("支",), "件": ("件",), "箱": ("箱",), "kg": ("kg", "公斤", "千克"), "瓶": ("瓶",),
             "天": ("天",), "℃": ("℃", "度", "°C")},
    "ITEM": {"流感疫苗": ("流感疫苗",), "退烧药": ("退烧药",), "矿泉水": ("矿泉水",), "一次性口罩": ("一次性口罩",)},
    "DEPT": {"儿科": ("儿科",), "内科": ("内科",), "外科": ("外科",), "药房": ("药房",)},
    "EVENT": {"sale": ("每次销售",), "receipt": ("每次收货",), "telemetry": ("每次收到遥测",),
              "annotation": ("每次批注",)},
    "WEEKDAY": {"0": ("每周一",), "1": ("每周二",), "2": ("每周三",), "3": ("每周四",), "4": ("每周五",),
                "5": ("每周六",), "6": ("每周日", "每周天")},
    "SCHEDULE": {"": ("按计划",)},
    "SUPPLIER": {"best": ("向最优供应商",), "fastest": ("向最快供应商",)},
    "ACT_EPO": {"": ("自动触发紧急采购单", "触发紧急采购单", "创建紧急采购单", "生成紧急采购单", "下紧急采购单")},
    "ACT_SKIP": {"": ("绕过", "跳过")},
    "ACT_SL": {"": ("将服务水平设为", "服务水平设为", "把服务水平调至")},
    "ACT_SS": {"": ("将安全库存设为", "安全库存设为", "把安全库存调至")},
    "ACT_FREEZE": {"": ("冻结批次", "冻结该批次")},
    "ACT_QC": {"": ("开质检工单", "创建质检工单")},
    "ACT_TRANSFER": {"": ("发起调拨邀请",)},
    "ACT_NOTIFY": {"": ("通知",)},
    "ACT_TAG": {"": ("打上标签", "标记为")},
    "ROLE": {"purchasing_manager": ("采购经理",), "warehouse_supervisor": ("仓库主管",),
             "pharmacy_director": ("药剂科主任",), "store_manager": ("店长",)},
    "COMMA": {"": ("，", ",", "；", ";", "、", "然后")},
    "PERIOD": {"": ("。", ".")},
    "LPAR": {"": ("（", "(")},
    "RPAR": {"": ("）", ")")},
}

_EN_GROUPS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "WHEN": {"": ("when", "whenever")},
    "IF": {"": ("if",)},
    "THEN": {"": ("then",)},
    "AND": {"": ("and",)},
    "OR": {"": ("or",)},
    "NOT": {"": ("not", "it is not the case that")},
    "METRIC": {
        "stock:on_hand": ("stock", "stock level", "on-hand stock"),
        "stock:available": ("available stock",),
        "stock:in_transit": ("in-transit stock",),
        "atp": ("atp", "available to promise"),
        "days_of_cover": ("days of cover",),
        "forecast": ("forecast demand", "forecast sales"),
        "supplier_on_time": ("supplier on-time rate", "supplier on time rate"),
        "signal:outpatient_visits": ("outpatient visits",),
        "signal:foot_traffic": ("foot traffic",),
        "signal:temperature": ("temperature",),
        "signal:social_volume": ("social volume", "social buzz"),
    },
    "MEASURE": {"change_wow": ("week over week", "week-over-week"),
                "change_pop": ("period over period", "period-over-period"),
                "change_yoy": ("year over year", "year-over-year")},
    "OP": {
        ">": (">", "is above", "is greater than", "is more than", "exceeds", "rise more than", "rises more than",
              "grow more than", "grows more than", "is over"),
        ">=": (">=", "≥", "is at least", "is not below", "rise at least", "rises at least"),
        "<": ("<", "is below", "is less than", "is under", "falls below", "fall below", "drops below"),
        "<=": ("<=", "≤", "is at most", "is not above"),
        "=": ("=", "equals", "is equal to", "is"),
        "!=": ("!=", "≠", "is not", "does not equal"),
    },
    "UNIT": {"支": ("doses", "dose"), "件": ("pieces", "piece", "pcs", "units"), "箱": ("cases", "case", "boxes"),
             "kg": ("kg", "kilograms"), "瓶": ("bottles", "bottle"), "天": ("days", "day"),
             "℃": ("degrees", "°c")},
    "ITEM": {"流感疫苗": ("flu vaccine", "influenza vaccine"), "退烧药": ("fever reducer",),
             "矿泉水": ("bottled water",), "一次性口罩": ("disposable masks",)},
    "DEPT": {"儿科": ("paediatric", "pediatric", "paediatrics"), "内科": ("internal medicine",),
             "外科": ("surgery",), "药房": ("pharmacy",)},
    "EVENT": {"sale": ("on every sale",), "receipt": ("on every receipt",),
              "telemetry": ("on every telemetry reading",), "annotation": ("on every annotation",)},
    "WEEKDAY": {"0": ("every monday",), "1": ("every tuesday",), "2": ("every wednesday",),
                "3": ("every thursday",), "4": ("every friday",), "5": ("every saturday",),
                "6": ("every sunday",)},
    "SCHEDULE": {"": ("on schedule",)},
    "SUPPLIER": {"best": ("from the best supplier",), "fastest": ("from the fastest supplier",)},
    "ACT_EPO": {"": ("create an emergency purchase order", "raise an emergency purchase order",
                     "create an emergency po", "place an emergency purchase order")},
    "ACT_SKIP": {"": ("skip approval level", "bypass approval level")},
    "ACT_SL": {"": ("set the service level to", "set service level to")},
    "ACT_SS": {"": ("set the safety stock to", "set safety stock to")},
    "ACT_FREEZE": {"": ("freeze the lot", "freeze lot")},
    "ACT_QC": {"": ("open a qc work order", "open a quality check work order")},
    "ACT_TRANSFER": {"": ("send a transfer invitation", "invite transfers")},
    "ACT_NOTIFY": {"": ("notify",)},
    "ACT_TAG": {"": ("tag the item", "tag it")},
    "ROLE": {"purchasing_manager": ("the purchasing manager", "purchasing manager"),
             "warehouse_supervisor": ("the warehouse supervisor", "warehouse supervisor"),
             "pharmacy_director": ("the pharmacy director", "pharmacy director"),
             "store_manager": ("the store manager", "store manager")},
    "COMMA": {"": (",", ";")},
    "PERIOD": {"": (".",)},
    "LPAR": {"": ("(",)},
    "RPAR": {"": (")",)},
}

# English words that carry no meaning in a rule ("the flu vaccine stock").
EN_FILLERS: Final[frozenset[str]] = frozenset({"the", "a", "an"})


def _flatten(groups: dict[str, dict[str, tuple[str, ...]]], fold: bool) -> dict[str, Entry]:
    table: dict[str, Entry] = {}
    for terminal, values in groups.items():
        for value, surfaces in values.items():
            for surface in surfaces:
                key = surface.lower() if fold else surface
                assert key not in table, f"duplicate surface form {surface!r}"
                table[key] = (terminal, value)
    return table


ZH: Final[dict[str, Entry]] = _flatten(_ZH_GROUPS, fold=False)
EN: Final[dict[str, Entry]] = _flatten(_EN_GROUPS, fold=True)


def _first(groups: dict[str, dict[str, tuple[str, ...]]]) -> dict[tuple[str, str], str]:
    return {(t, v): s[0] for t, values in groups.items() for v, s in values.items()}


# (TERMINAL, canonical value) -> the surface form the renderer writes.
RENDER_ZH: Final[dict[tuple[str, str], str]] = _first(_ZH_GROUPS) | {("OP", "!="): "不等于", ("OP", ">"): "大于",
                                                                    ("OP", "<"): "小于", ("OP", "="): "等于",
                                                                    ("OP", ">="): "不低于", ("OP", "<="): "不高于"}
RENDER_EN: Final[dict[tuple[str, str], str]] = _first(_EN_GROUPS) | {
    ("OP", ">"): "is above", ("OP", ">="): "is at least", ("OP", "<"): "is below", ("OP", "<="): "is at most",
    ("OP", "="): "equals", ("OP", "!="): "does not equal", ("NOT", ""): "not",
}

ZH_NUMERALS: Final[str] = "一二三四五六七八九"
WEEKDAYS_EN: Final[tuple[str, ...]] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def known_terms(lang: str) -> list[str]:
    """Every surface form of ``lang`` (for "did you mean" suggestions)."""
    return sorted(ZH if lang == "zh" else EN)
