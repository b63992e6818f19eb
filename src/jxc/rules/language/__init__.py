"""Controlled natural language for business rules, zh and en: ``parse(text) -> Rule``, ``render(rule, lang)``.

Grammars: ``common.lark`` + ``zh.lark`` / ``en.lark`` (lark, LALR), fed by the lexicon-driven
tokeniser in :mod:`jxc.rules.language.tokens`; every known word lives in
:mod:`jxc.rules.language.lexicon`.
"""

from jxc.rules.language.parser import detect, parse
from jxc.rules.language.render import render

__all__ = ["detect", "parse", "render"]
