"""The rule model: JSON round trip, and bad JSON refused naming its path."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from jxc.kernel.errors import InvalidInput
from jxc.rules.model import (
    And,
    CalendarTrigger,
    Comparison,
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

VISITS = Comparison(Metric(MetricKind.SIGNAL, site="儿科", series=Series.OUTPATIENT_VISITS), Op.GT, Decimal("15"),
                    is_percent=True, measure=Measure.CHANGE_WOW)
STOCK = Comparison(Metric(MetricKind.STOCK, subject="流感疫苗", state=StockState.ON_HAND), Op.LT, Decimal("200"), "支")
EXPIRING = Comparison(Metric(MetricKind.EXPIRING, subject="SKU1001", days=30), Op.GE, Decimal("12.5"), "箱")

RULES = [
    Rule(MetricChangeTrigger(), And((VISITS, STOCK)), (EmergencyPurchaseOrder(), SkipApprovalLevel(2))),
    Rule(EventTrigger(EventKind.RECEIPT), Or((Not(STOCK), EXPIRING)), (FreezeLot(), OpenQcWorkOrder())),
    Rule(CalendarTrigger(day_of_month=5), None, (SetServiceLevel(Decimal("97.5")), SetSafetyStock(Decimal(500), "件"))),
    Rule(CalendarTrigger(weekday=0), STOCK, (TransferInvitation(), Notify(role="purchasing_manager"))),
    Rule(ScheduleTrigger("0 8 * * 1"), None, (Notify(user="zhang.san"), TagItem("紧俏"),
                                              EmergencyPurchaseOrder(SupplierChoice.FASTEST))),
]


@pytest.mark.parametrize("rule", RULES)
def test_json_round_trip(rule: Rule) -> None:
    data = json.loads(json.dumps(rule.to_json()))
    assert data["version"] == 1
    assert Rule.from_json(data) == rule


def _good() -> dict[str, Any]:
    return json.loads(json.dumps(RULES[0].to_json()))


def _refused(data: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        Rule.from_json(data)
    return caught.value


def test_unknown_version_is_refused() -> None:
    data = _good()
    data["version"] = 2
    error = _refused(data)
    assert (error.code, error.field) == ("rules.unsupported_version", "$.version")


@pytest.mark.parametrize(("path", "mutate", "code"), [
    ("$.trigger.kind", lambda d: d["trigger"].update(kind="lunar"), "rules.unknown_kind"),
    ("$.condition.kind", lambda d: d["condition"].update(kind="xor"), "rules.unknown_kind"),
    ("$.condition.operands[1].op", lambda d: d["condition"]["operands"][1].update(op="~"), "rules.unknown_kind"),
    ("$.condition.operands[0].metric.series", lambda d: d["condition"]["operands"][0]["metric"].update(series="rain"),
     "rules.unknown_kind"),
    ("$.condition.operands[1].value", lambda d: d["condition"]["operands"][1].update(value="lots"), "rules.bad_number"),
    ("$.condition.operands[1].value", lambda d: d["condition"]["operands"][1].update(value=200), "rules.bad_json"),
    ("$.condition.operands[1].unit", lambda d: d["condition"]["operands"][1].update(unit="吨"), "rules.bad_unit"),
    ("$.condition.operands", lambda d: d["condition"].update(operands=d["condition"]["operands"][:1]),
     "rules.too_few_operands"),
    ("$.actions[1].kind", lambda d: d["actions"][1].update(kind="launch_rocket"), "rules.unknown_kind"),
    ("$.actions[1].level", lambda d: d["actions"][1].update(level=0), "rules.bad_level"),
    ("$.actions[1].level", lambda d: d["actions"][1].update(level=True), "rules.bad_json"),
    ("$.actions", lambda d: d.update(actions=[]), "rules.no_actions"),
    ("$.trigger", lambda d: d.pop("trigger"), "rules.bad_json"),
    ("$.condition", lambda d: d.update(condition=None), "rules.condition_required"),
    ("$.condition.operands[0].metric.subject",
     lambda d: d["condition"]["operands"][0]["metric"].update(subject="<script>"), "rules.bad_subject"),
])
def test_bad_json_is_refused_naming_the_path(path: str, mutate: Any, code: str) -> None:
    data = _good()
    mutate(data)
    error = _refused(data)
    assert (error.code, error.field) == (code, path)


def test_not_an_object_is_refused() -> None:
    assert _refused([1, 2]).field == "$"
    assert _refused({"version": 1, "trigger": {"kind": "metric_change"}, "condition": None,
                     "actions": ["x"]}).field == "$.actions[0]"


def test_model_checks_its_own_invariants() -> None:
    with pytest.raises(InvalidInput):
        CalendarTrigger(day_of_month=32)
    with pytest.raises(InvalidInput):
        CalendarTrigger(day_of_month=1, weekday=1)
    with pytest.raises(InvalidInput):
        ScheduleTrigger("every day")
    with pytest.raises(InvalidInput):
        Metric(MetricKind.STOCK)  # a stock metric needs its state
    with pytest.raises(InvalidInput):
        SetServiceLevel(Decimal(100))
    with pytest.raises(InvalidInput):
        Notify()
