"""Highlighted snippets: the passage of a result's text around what the query matched.

Found on the stored text itself rather than by re-analysing it with the index's
analyzers: a result page needs a dozen snippets, and cutting whole documents into words
and pinyin for each of them would cost more than the search. The text is normalised
character by character (full width, case, traditional characters) so that what matched
in the index is found here too. Everything is escaped; only <mark> is added.
"""

from __future__ import annotations

import unicodedata
from html import escape

from . import chinese

CONTEXT = 40  # characters shown before the first match
LENGTH = 120  # characters of a snippet


def _normalised_chars(text: str) -> str:
    """The text normalised one character at a time, so offsets stay those of `text`
    (each character mapped through a table of those seen so far, in C)."""
    if not _SEEN.issuperset(text):
        for char in set(text) - _SEEN:
            normal = unicodedata.normalize("NFKC", char).lower()
            if len(normal) != 1:
                normal = char.lower()[:1] or " "
            if normal != char:
                _CHANGED[ord(char)] = normal
            _SEEN.add(char)
    view = text.translate(_CHANGED)
    simplified = chinese.normalise(view) if view.isascii() is False else view
    return simplified if len(simplified) == len(view) else view


_SEEN: set[str] = set()  # characters whose normalised form is known
_CHANGED: dict[int, str] = {}  # code point -> its normalised character, where different


def spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where the needles occur in text, as merged (start, end) offsets."""
    view = _normalised_chars(text)
    found = []
    for needle in {needle for needle in needles if needle}:
        start = view.find(needle)
        while start != -1:
            found.append((start, start + len(needle)))
            start = view.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, needles: list[str]) -> str:
    """All of `text`, escaped, with every match in <mark>."""
    return _marked(text, spans(text, needles), 0, len(text))


def snippet(text: str, needles: list[str]) -> str:
    """About LENGTH characters of `text` around its first match (or its start),
    escaped, matches in <mark>, … where cut."""
    text = " ".join(text.split())
    found = spans(text, needles)
    start = max(0, found[0][0] - CONTEXT) if found else 0
    end = min(len(text), start + LENGTH)
    start = max(0, min(start, end - LENGTH))
    html = _marked(text, found, start, end)
    return ("…" if start > 0 else "") + html + ("…" if end < len(text) else "")


def _marked(text: str, found: list[tuple[int, int]], start: int, end: int) -> str:
    out, position = [], start
    for match_start, match_end in found:
        match_start, match_end = max(match_start, start), min(match_end, end)
        if match_start >= match_end:
            continue
        out.append(escape(text[position:match_start]))
        out.append(f"<mark>{escape(text[match_start:match_end])}</mark>")
        position = match_end
    out.append(escape(text[position:end]))
    return "".join(out)
