"""Business rules over HTTP (so far: the language).

- ``POST /rules/parse`` ``{text, lang?}``: the sentence as a rule (the versioned JSON tree) and that
  rule written back in Chinese and English — what the console shows beside the canvas. An unknown
  word is a 422 problem naming it, with ``params.position`` (its character index) and
  ``params.suggestions``.
- ``POST /rules/render`` ``{rule}``: a rule tree (e.g. edited on the canvas) written in both languages.

Needs ``rule.read``. Nothing is stored yet and nothing is ever evaluated as code.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from jxc.access.model import Principal
from jxc.api.deps import requires
from jxc.rules.language import detect, parse, render
from jxc.rules.model import Rule

router = APIRouter(tags=["rules"])
Reader = Annotated[Principal, Depends(requires("rule.read"))]


class ParseIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000, description="A rule in plain Chinese or English.")
    lang: Literal["zh", "en"] | None = Field(default=None, description="Detected from the text when absent.")


class RenderIn(BaseModel):
    rule: dict[str, Any] = Field(description="A rule tree as POST /rules/parse returns it.")


class RulePublic(BaseModel):
    lang: Literal["zh", "en"] | None = None
    rule: dict[str, Any]
    zh: str
    en: str


@router.post("/rules/parse", response_model=RulePublic)
def parse_rule(body: ParseIn, principal: Reader) -> RulePublic:
    """Understand a sentence; answer the rule and how it reads in both languages."""
    lang = body.lang or detect(body.text)
    rule = parse(body.text, lang)
    return RulePublic(lang=lang, rule=rule.to_json(), zh=render(rule, "zh"), en=render(rule, "en"))  # type: ignore[arg-type]


@router.post("/rules/render", response_model=RulePublic)
def render_rule(body: RenderIn, principal: Reader) -> RulePublic:
    """Write a rule tree in both languages (refused, naming the JSON path, when the tree is not valid)."""
    rule = Rule.from_json(body.rule)
    return RulePublic(rule=rule.to_json(), zh=render(rule, "zh"), en=render(rule, "en"))
