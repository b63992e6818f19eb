"""The rule language over HTTP: a sentence in, the rule and both languages out; unknown words pointed at."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from jxc.bootstrap import App

EXAMPLE_ZH = "当儿科门诊量周环比>15%且流感疫苗库存<200支时,自动触发紧急采购单并绕过二级审批"
EXAMPLE_EN = ("When paediatric outpatient visits rise more than 15% week over week and flu vaccine stock is below "
              "200 doses, create an emergency purchase order and skip approval level 2")


def test_the_example_reads_the_same_in_both_languages_and_renders_back(
    app: App, http: httpx.Client, as_role: Callable[..., httpx.Client],
) -> None:
    zh = http.post("/rules/parse", json={"text": EXAMPLE_ZH})
    en = http.post("/rules/parse", json={"text": EXAMPLE_EN})
    assert zh.status_code == en.status_code == 200, zh.text + en.text
    assert zh.json()["lang"] == "zh" and en.json()["lang"] == "en"
    assert zh.json()["rule"] == en.json()["rule"]
    assert "周环比" in zh.json()["zh"] and "week over week" in zh.json()["en"]
    again = http.post("/rules/render", json={"rule": zh.json()["rule"]})
    assert again.status_code == 200 and again.json()["zh"] == zh.json()["zh"]
    manager = as_role(roles=("regional_manager",))
    assert manager.post("/rules/parse", json={"text": EXAMPLE_EN}).status_code == 200
    clerk = as_role(roles=("store_clerk",))
    assert clerk.post("/rules/parse", json={"text": EXAMPLE_EN}).status_code == 403


def test_an_unknown_word_is_pointed_at_with_suggestions(http: httpx.Client) -> None:
    text = "当流感疫苗库存底于200支时,自动触发紧急采购单"
    answer = http.post("/rules/parse", json={"text": text})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "rules.unknown_word" and problem["params"]["value"] == "底于"
    assert text[int(problem["params"]["position"]):].startswith("底于") and problem["params"]["suggestions"]
    broken = http.post("/rules/render", json={"rule": {"version": 1, "trigger": {"kind": "nonsense"}}})
    assert broken.status_code == 422 and broken.json()["field"].startswith("$.")
