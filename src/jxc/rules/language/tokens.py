"""Lexicon-driven tokeniser: cuts zh or en rule text into the terminals the lark grammars declare.

Chinese has no spaces, so segmentation is by known terms: at each position the longest lexicon
entry (or a number / percentage / quoted text / pattern such as 每月5号) wins; characters that start
no known term are collected into a free ``WORD`` (an item name), which the grammar accepts only
where a subject goes. Nothing is downloaded and no model is used.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from lark import Token

from jxc.kernel.errors import InvalidInput
from jxc.rules.language.lexicon import EN, EN_FILLERS, ZH, ZH_NUMERALS, Entry, known_terms

MAX_TEXT = 2000

Special = tuple[re.Pattern[str], str, Callable[[re.Match[str]], str]]


def _group(m: re.Match[str]) -> str:
    return m.group(1)


def _level(m: re.Match[str]) -> str:
    raw = m.group(1)
    return str(ZH_NUMERALS.index(raw) + 1) if raw in ZH_NUMERALS else raw


_NUMBER = r"-?\d{1,12}(?:\.\d{1,6})?"
_COMMON: list[Special] = [
    (re.compile(r"@([A-Za-z0-9_-]{1,40}(?:\.[A-Za-z0-9_-]{1,40}){0,3})"), "USER", _group),
    (re.compile(rf"({_NUMBER})\s*[%％]"), "PERCENT", _group),
    (re.compile(_NUMBER), "NUMBER", lambda m: m.group(0)),
]
_SPECIALS: dict[str, list[Special]] = {
    "zh": [
        (re.compile(r"[「“\"]([^」”\"]{0,60})[」”\"]"), "QUOTED", _group),
        (re.compile(r"每月(\d{1,2})[号日]"), "MONTHDAY", _group),
        (re.compile(r"(\d{1,4})天内(?:到期|过期)(?:的?(?:数量|量))?"), "EXPIRING", _group),
        (re.compile(rf"第?([{ZH_NUMERALS}1-9])级审批"), "LEVEL", _level),
        *_COMMON,
    ],
    "en": [
        (re.compile(r"[\"“]([^\"”]{0,60})[\"”]"), "QUOTED", _group),
        (re.compile(r"on the (\d{1,2})(?:st|nd|rd|th) of every month\b", re.IGNORECASE), "MONTHDAY", _group),
        (re.compile(r"expiring within (\d{1,4}) days?\b", re.IGNORECASE), "EXPIRING", _group),
        *_COMMON,
    ],
}
_TABLES: dict[str, dict[str, Entry]] = {"zh": ZH, "en": EN}
_LONGEST = {lang: max(map(len, table)) for lang, table in _TABLES.items()}
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def suggestions(word: str, lang: str) -> list[str]:
    return difflib.get_close_matches(word.lower() if lang == "en" else word, known_terms(lang), n=3, cutoff=0.4)


def unknown_word(word: str, position: int, lang: str) -> InvalidInput:
    return InvalidInput("rules.unknown_word", field="text", value=word, position=position,
                        suggestions=suggestions(word, lang))


def _known(text: str, pos: int, lang: str) -> tuple[str, str, int] | None:
    table = _TABLES[lang]
    for length in range(min(_LONGEST[lang], len(text) - pos), 0, -1):
        surface = text[pos:pos + length]
        entry = table.get(surface.lower() if lang == "en" else surface)
        if entry is None:
            continue
        end = pos + length
        if _ascii_alnum(surface[-1]) and end < len(text) and _ascii_alnum(text[end]):
            continue  # "kg" must not match the start of "kgs…"; "is" not the start of "issue"
        if surface[0].isalpha() and surface[0].isascii() and pos > 0 and text[pos - 1].isascii() \
                and text[pos - 1].isalpha():
            continue
        return entry[0], entry[1], end
    return None


def tokenize(text: str, lang: str) -> list[Token]:
    """The terminals of ``text``; ``start_pos``/``end_pos`` index the original text."""
    if len(text) > MAX_TEXT:
        raise InvalidInput("rules.too_long", field="text", value=len(text), position=MAX_TEXT)
    tokens: list[Token] = []

    def add(kind: str, value: str, start: int, end: int) -> None:
        if kind == "WORD" and tokens and tokens[-1].type == "WORD":
            last = tokens[-1]
            gap = text[last.end_pos:start]
            if gap == "" or gap.isspace():
                tokens[-1] = Token("WORD", text[last.start_pos:end], start_pos=last.start_pos, end_pos=end)
                return
        tokens.append(Token(kind, value, start_pos=start, end_pos=end))

    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch.isspace():
            pos += 1
            continue
        for pattern, kind, value_of in _SPECIALS[lang]:
            m = pattern.match(text, pos)
            if m:
                add(kind, value_of(m), pos, m.end())
                pos = m.end()
                break
        else:
            known = _known(text, pos, lang)
            if known is not None:
                add(known[0], known[1], pos, known[2])
                pos = known[2]
            elif ch.isascii() and ch.isalpha():
                m = _ASCII_WORD.match(text, pos)
                assert m is not None
                if not (lang == "en" and m.group(0).lower() in EN_FILLERS):
                    add("WORD", m.group(0), pos, m.end())
                pos = m.end()
            elif is_cjk(ch):
                add("WORD", ch, pos, pos + 1)
                pos += 1
            else:
                raise unknown_word(ch, pos, lang)
    return tokens
