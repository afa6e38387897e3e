"""What the index holds: one record per award and per published document.

The site's build turns its model into these records (site/gongshi_site/
search_records.py), so the index says what the pages say and holds nothing else: the
build only ever sees what was exported, and the export only what is published. Each
record carries the normalised text the analyzers cut (chinese.py) and, as `data`, what
a result shows (title, URL, dates...), as JSON.

An award's status is not stored: it depends on the day. Its last day of validity and
the day its revocation was signed are, and the service applies the rule on the day it
answers (gongshi/rules/validity.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from . import chinese

# Kinds of record, and how a result names them.
KINDS = {
    "award": "获奖",
    "notice": "公示",
    "call": "申报通知",
    "decision": "表彰决定",
    "revocation": "撤销决定",
}
FAR_FUTURE = 99991231  # day number of "no end" (never expires, not revoked)
EXCERPT_CHARS = 3000  # of a document's text kept for snippets
PHRASES_SEPARATOR = "\x00"  # between names and text in a record's phrases column

# Legal forms at the end of an organisation's name: common to most names, so they must
# neither decide nor drown a match (许继电源有限公司 finds 许继电源股份有限公司).
LEGAL_FORMS = (
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "总厂",
    "厂",
)


def day_number(day: date | None, default: int = FAR_FUTURE) -> int:
    """A day as an integer index whoosh ranges over: 2024-06-12 is 20240612."""
    return day.year * 10000 + day.month * 100 + day.day if day else default


def core_name(text: str) -> str:
    """A name reduced to what identifies it: normalised, without punctuation or spaces,
    without its legal form (【示例】许继电源股份有限公司 → 示例许继电源)."""
    core = "".join(unit for unit, _, _ in chinese.units(chinese.normalise(text)))
    stripped = core not in LEGAL_FORMS  # a name that is only a legal form stays whole
    while stripped:
        stripped = False
        for form in LEGAL_FORMS:
            if core.endswith(form) and len(core) - len(form) >= 2:
                core, stripped = core[: -len(form)], True
                break
    return core


def legal_form(text: str) -> str:
    """The legal form a name or query ends with, or ""."""
    normalised = "".join(unit for unit, _, _ in chinese.units(chinese.normalise(text)))
    core = core_name(text)
    return normalised[len(core) :] if normalised.startswith(core) else ""


def plain_text(html: str) -> str:
    """The text of sanitised HTML, block elements on lines of their own."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{2,}", "\n", "".join(parser.parts)).strip()


class _TextParser(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "li", "tr", "br", "hr", "blockquote", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


@dataclass
class Record:
    """One thing a search can find."""

    key: str  # unique in the index, e.g. award:301, notice:32
    kind: str  # a key of KINDS
    names: list[str]  # what it is called: a winner's names, latest first; a title
    text: list[str]  # everything else that should find it
    day: date  # the day it is sorted by: a document's (or award's decision's) signing
    data: dict  # what a result shows, JSON
    summary: str = ""  # ranks by its words too (bodies only by characters: faster builds)
    programme: str = ""
    level: str = ""
    year: int | None = None
    codes: list[str] = field(default_factory=list)
    document_numbers: list[str] = field(default_factory=list)
    valid_until: date | None = None  # awards only
    revoked_on: date | None = None  # awards only

    def fields(self) -> dict:
        """The values of the index's fields (engine.SCHEMA)."""
        names = "\n".join(chinese.normalise(name) for name in self.names)
        text = "\n".join(chinese.normalise(part) for part in self.text if part)
        values = {
            "key": self.key,
            "kind": self.kind,
            "name": names,
            "text": text,
            "words": f"{names}\n{chinese.normalise(self.summary)}",
            "pinyin": names,
            "initials": names,
            "code": " ".join(code.upper() for code in self.codes if code),
            # Each once, in the record's order: the same record gives the same fields in
            # every process (a set's order follows each process's string hashing).
            "exact": ",".join(filter(None, dict.fromkeys(map(core_name, self.names)))),
            "docnum": ",".join(filter(None, dict.fromkeys(map(core_name, self.document_numbers)))),
            "programme": self.programme,
            "level": self.level,
            "date": day_number(self.day),
            "data": json.dumps(self.data, ensure_ascii=False),
            # Names and text as indexed, for checking quoted phrases (engine._Phrase)
            "phrases": (names.replace(PHRASES_SEPARATOR, " ") + PHRASES_SEPARATOR + text).encode(),
        }
        if self.year is not None:
            values["year"] = self.year
        if self.kind == "award":
            values["valid_until"] = day_number(self.valid_until)
            values["revoked_on"] = day_number(self.revoked_on)
        return {name: value for name, value in values.items() if value != ""}


def suggestions(records: list[Record]) -> dict[str, str]:
    """Words of names and titles by their pinyin ("yuncheng": "运城"), for "did you
    mean" when a query finds nothing: the most frequent word for each reading."""
    return SuggestionCounts.of(records).suggestions()


class SuggestionCounts:
    """The counts behind suggestions(), kept up to date a record at a time: an
    incremental build adds and removes the records a publish changed."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}  # reading -> {word: records}
        self._best: dict[str, str] = {}
        self._words: dict[str, list[tuple[str, str]]] = {}  # record key -> its words

    @classmethod
    def of(cls, records: list[Record]) -> SuggestionCounts:
        counted = cls()
        for record in records:
            counted.add(record)
        return counted

    def add(self, record: Record) -> None:
        self.add_words(record.key, suggestion_words(record))

    def add_words(self, key: str, words: list[tuple[str, str]]) -> None:
        """A record's words as suggestion_words() made them (kept from another count)."""
        self.remove(key)
        self._words[key] = words
        self._count(words, 1)

    def words(self) -> dict[str, list[tuple[str, str]]]:
        """Each record's words, by record key."""
        return dict(self._words)

    def remove(self, key: str) -> None:
        self._count(self._words.pop(key, []), -1)

    def suggestions(self) -> dict[str, str]:
        return dict(sorted(self._best.items()))

    def _count(self, words: list[tuple[str, str]], step: int) -> None:
        for key, word in words:
            by_word = self._counts.setdefault(key, {})
            count = by_word.get(word, 0) + step
            if count:
                by_word[word] = count
            else:
                del by_word[word]
        for key in {key for key, _word in words}:
            by_word = self._counts[key]
            if by_word:
                # The most frequent; of as frequent ones, the first in code point order.
                self._best[key] = max(sorted(by_word), key=lambda word: by_word[word])
            else:
                del self._counts[key], self._best[key]


def suggestion_words(record: Record) -> list[tuple[str, str]]:
    """(pinyin, word) of each word of a record's names that suggestions() counts."""
    found = []
    for name in record.names:
        whole = [core_name(name)] if record.kind == "award" else []
        for word in [*whole, *chinese.words(chinese.normalise(name))]:
            if len(word) < 2 or not chinese.is_han(word):
                continue
            key = "".join(chinese.readings(unit)[0] for unit, _, _ in chinese.units(word))
            found.append((key, word))
    return found
