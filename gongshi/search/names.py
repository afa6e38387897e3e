"""Names as verification compares them: whole, without their legal form, without the
administrative region in front.

A winner's name is what it is registered under: 许继电源有限公司 and 许继电源股份有限公司
are two legal persons, so only the whole name (or the credit code) answers "exact";
a name that differs in its legal form or in the region written in front of it
(湖南省衡阳市…, 山西省运城市…, 运城… for 运城市…) is "similar": check the full name.
The regions are the names of GB/T 2260 (regions.json): provinces and prefectures also
as people shorten them (湖南, 运城, 延边), counties only in full (长安 is also a word).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import chinese
from .documents import LEGAL_FORMS, core_name, legal_form

EXACT, CLOSE, CONTAINED = 3, 2, 1

_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_PREFECTURE_SUFFIX = re.compile(r"(地区|盟|市)$")
# The peoples named in autonomous prefectures: 延边朝鲜族自治州 is 延边 for short.
_PEOPLES = re.compile(
    r"(朝鲜|土家|苗|藏|羌|彝|布依|侗|哈尼|壮|傣|景颇|白|傈僳|回|蒙古|柯尔克孜|哈萨克)族?.*自治州$"
)


def full_name(text: str) -> str:
    """A name as compared: normalised (chinese.normalise), punctuation and spaces out."""
    return "".join(unit for unit, _, _ in chinese.units(chinese.normalise(text)))


@cache
def _levels() -> tuple[frozenset[str], ...]:
    data = json.loads(Path(__file__).with_name("regions.json").read_text(encoding="utf-8"))
    provinces = set(data["provinces"])
    provinces |= {_PROVINCE_SUFFIX.sub("", name) for name in data["provinces"]}
    prefectures = set(data["prefectures"])
    for name in data["prefectures"]:
        short = (
            _PEOPLES.sub("", name) if name.endswith("自治州") else _PREFECTURE_SUFFIX.sub("", name)
        )
        prefectures.add(short)
    counties = set(data["counties"])
    return tuple(
        frozenset(name for name in level if len(name) >= 2)
        for level in (provinces, prefectures, counties)
    )


def region_prefix(name: str) -> str:
    """The administrative regions a full name (full_name) starts with, province, then
    prefecture, then county, each optional: 湖南省衡阳市 of 湖南省衡阳市某某有限公司;
    "" when there is none, or when nothing that names an organisation would be left."""
    position = 0
    for level in _levels():
        longest = max(map(len, level))
        for length in range(min(longest, len(name) - position), 1, -1):
            if name[position : position + length] in level:
                position += length
                break
    rest = name[position:]
    if position == 0 or len(core_name(rest)) < 2 or rest in LEGAL_FORMS:
        return ""
    return name[:position]


def without_region(name: str) -> str:
    return name[len(region_prefix(name)) :]


@dataclass(frozen=True)
class Closeness:
    level: int  # EXACT, CLOSE (differs only in legal form or region), CONTAINED
    reason: str = ""  # why it is only similar, in Chinese


def closeness(query: str, name: str) -> Closeness:
    """How a name typed in verification matches a winner's name."""
    typed, known = full_name(query), full_name(name)
    if typed == known:
        return Closeness(EXACT)
    if core_name(typed) == core_name(known):
        return Closeness(CLOSE, _form_reason(query, name))
    typed_rest, known_rest = without_region(typed), without_region(known)
    if typed_rest == known_rest or core_name(typed_rest) == core_name(known_rest):
        reason = "地区名称不同"
        if typed_rest != known_rest:
            reason += "，" + _form_reason(typed_rest, known_rest)
        return Closeness(CLOSE, reason)
    return Closeness(CONTAINED, "名称不完全相同")


def _form_reason(query: str, name: str) -> str:
    typed, known = legal_form(query), legal_form(name)
    if not typed:
        return f"未写明组织形式（获奖者为“{known}”）" if known else "组织形式不同"
    if not known:
        return f"组织形式“{typed}”与获奖者名称不符"
    return f"组织形式不同（“{typed}”与“{known}”是不同的单位）"


def query_without_region(text: str) -> tuple[str, str] | None:
    """A query with the region taken off the words that start with one, and the regions
    taken off (for saying so), or None when no word starts with a region."""
    words, removed = [], []
    for word in text.split():
        prefix = region_prefix(full_name(word)) if not word.startswith(('"', "“", "「")) else ""
        if prefix:
            # the prefix as the word spells it: as many units as the normalised prefix
            spelled = _spelled_prefix(word, len(prefix))
            removed.append(spelled)
            word = word[len(spelled) :].strip()
        if word:
            words.append(word)
    if not removed or not words:
        return None
    return " ".join(words), "、".join(removed)


def _spelled_prefix(word: str, characters: int) -> str:
    """The start of `word` that normalises to `characters` units of a Chinese prefix
    (regions are Chinese characters only: one unit each)."""
    found = chinese.units(chinese.normalise(word))
    end = found[characters - 1][2] if characters <= len(found) else len(word)
    return word[:end]
