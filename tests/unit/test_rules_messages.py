"""Every error the rule language raises has its text in both languages, and a parse error renders its word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jxc.kernel.errors import InvalidInput
from jxc.kernel.messages import MESSAGES, bilingual
from jxc.rules.language import parse

RULES_DIR = Path(__file__).resolve().parents[2] / "src" / "jxc" / "rules"


def test_every_rules_code_has_zh_and_en_text() -> None:
    codes = {code for path in RULES_DIR.rglob("*.py") for code in re.findall(r'"(rules\.[a-z_]+)"', path.read_text())}
    assert len(codes) > 15
    assert sorted(code for code in codes if code not in MESSAGES) == []


def test_an_unknown_word_is_named_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as info:
        parse("当流感疫苗库存底于200支时,自动触发紧急采购单")
    texts = bilingual(info.value)
    assert info.value.code == "rules.unknown_word" and "底于" in texts["zh-CN"] and "底于" in texts["en"]
