"""What a person typed, read into the parts a search must match.

A query that reads as a 文号 typed loosely (运政发2023 14号) is read as the 文号 itself
(运政发〔2023〕14号, gongshi/rules/gbt9704.py). No query language: AND, OR, NOT, *, ? and : are not operators, so nothing a person types
can make the engine fail or run something expensive. Words separated by spaces must all
match; "a quoted phrase" (straight or curly quotes, 「」) must appear as written. Control
characters are dropped; a query longer than MAX_CHARS is refused with a message, and
only the first MAX_PARTS words are used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from gongshi.rules.gbt9704 import read_loose as read_document_number

from . import chinese, creditcode
from .documents import core_name, legal_form

MAX_CHARS = 100
MAX_PARTS = 6
MAX_UNITS_PER_PART = 30

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
_OPERATORS = {"AND", "OR", "NOT", "&&", "||", "TO"}
_LATIN = re.compile(r"^[a-z]+$")


@dataclass
class Part:
    """One word or phrase of a query, normalised; every part must match."""

    text: str
    quoted: bool = False
    runs: list[list[str]] = field(default_factory=list)  # chinese.phrase_terms
    words: list[str] = field(default_factory=list)  # jieba words, to rank
    pinyin: list[list[str]] = field(default_factory=list)  # syllable sequences to try
    initials: list[str] = field(default_factory=list)  # letters, when it may be initials
    exact: str = ""  # core_name, for exact names and 文号
    han: bool = False  # has Chinese characters: its pinyin is for homophones only


@dataclass
class Query:
    raw: str
    parts: list[Part] = field(default_factory=list)
    code: str | None = None  # a valid credit code: matched exactly, nothing else
    document_number: str = ""  # the 文号 a loosely typed query was read as
    optional_words: list[str] = field(default_factory=list)  # legal forms taken off parts
    problem: str = ""  # why nothing was searched, in Chinese
    notes: list[str] = field(default_factory=list)  # what was changed, in Chinese

    @property
    def empty(self) -> bool:
        return self.code is None and not self.parts

    @property
    def has_homophones(self) -> bool:
        """Whether a Chinese part could also be read as a homophone (海儿 for 海尔)."""
        return any(part.han and part.pinyin for part in self.parts)

    @property
    def text(self) -> str:
        """The query as it was read, for showing back and for "did you mean"."""
        return self.raw


def clean(raw: str) -> str:
    """Control and format characters out, spaces squeezed."""
    kept = "".join(
        " " if char.isspace() else char
        for char in raw
        if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    return " ".join(kept.split())


def parse(raw: str, read_numbers: bool = True) -> Query:
    """`read_numbers`: read a query that looks like a 文号 as one (the default)."""
    text = clean(raw or "")
    parsed = Query(raw=text)
    if not text:
        parsed.problem = "请输入要查找的名称、文号、统一社会信用代码或关键词。"
        return parsed
    if len(text) > MAX_CHARS:
        parsed.problem = (
            f"查询内容过长（{len(text)}个字符）。请输入不超过{MAX_CHARS}个字符的名称、"
            "文号或关键词。"
        )
        return parsed

    code = creditcode.read(text)
    if code is not None:
        if code.valid:
            parsed.code = code.code
        else:
            parsed.problem = code.problem
        return parsed

    # A 文号 typed without its brackets (运政发2023 14号, 运政发2023第14号, 衡政发2024-9号)
    # is looked for as GB/T 9704 writes it, which is how documents carry it.
    number = read_document_number(text) if read_numbers else None
    if number is not None and number != text:
        parsed.notes.append(f"已按文号“{number}”查找。")
        parsed.document_number = text = number

    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _QUOTED.finditer(text):
        pieces.extend((word, False) for word in text[position : match.start()].split())
        phrase = next(group for group in match.groups() if group is not None)
        pieces.append((phrase, True))
        position = match.end()
    pieces.extend((word, False) for word in text[position:].split())

    for piece, quoted in pieces:
        if not quoted and piece in _OPERATORS:
            continue
        part = _part(piece, quoted, parsed)
        if part is None:
            continue
        if len(parsed.parts) == MAX_PARTS:
            parsed.notes.append(f"查询词较多，只按前{MAX_PARTS}个查找。")
            break
        parsed.parts.append(part)
    if parsed.empty and not parsed.problem:
        parsed.problem = "查询内容只有符号，请输入名称、文号、统一社会信用代码或关键词。"
    return parsed


def _part(piece: str, quoted: bool, parsed: Query) -> Part | None:
    code = creditcode.read(piece)
    if code is not None and not code.valid:
        parsed.problem = code.problem
        return None
    normalised = chinese.normalise(piece)
    found = chinese.units(normalised)
    if not found:
        return None
    if len(found) > MAX_UNITS_PER_PART:
        normalised = normalised[: found[MAX_UNITS_PER_PART - 1][2]]
        parsed.notes.append(f"过长的词只按前{MAX_UNITS_PER_PART}个字查找。")
    if not quoted:
        form = legal_form(normalised)
        if form:
            # The legal form ranks, it does not have to match: 许继电源有限公司 finds
            # 许继电源股份有限公司.
            parsed.optional_words.extend(chinese.words(form))
            normalised = (
                normalised[: len(normalised) - len(form)]
                if normalised.endswith(form)
                else core_name(normalised)
            )
    part = Part(
        text=normalised,
        quoted=quoted,
        runs=chinese.phrase_terms(normalised),
        words=[word for word in chinese.words(normalised) if len(word) > 1],
        exact=core_name(piece),
    )
    if not quoted:
        if chinese.is_han(normalised):
            part.han = True
            part.pinyin = chinese.query_pinyin(normalised)
        else:
            latin = "".join(unit for unit, _, _ in chinese.units(normalised))
            if _LATIN.match(latin):
                part.pinyin = chinese.syllable_splits(latin)
                if 2 <= len(latin) <= 12:
                    part.initials = list(latin)
    return part
