"""Normalising what editors type: invisible characters, full-width letters, stray spaces.

Plain Python without Django: the CMS cleans names, titles and 文号 with it on save, and
the search service reads queries with the same rules.
"""

import unicodedata

_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}

# Full-width Latin letters and digits (Ａ, ｂ, ３) as the ASCII ones they stand for. Only
# these: NFKC would also turn the full-width brackets （） of official names into ASCII
# ones and ① into 1, changing how a name is officially written.
_FULLWIDTH_ALNUM = {
    **_FULLWIDTH_DIGITS,
    **{ord("Ａ") + i: ord("A") + i for i in range(26)},
    **{ord("ａ") + i: ord("a") + i for i in range(26)},
}

# Characters that show nothing, or nothing of their own, besides the format characters
# (category Cf: bidi overrides and isolates, zero-width spaces and joiners, the byte order
# mark, the soft hyphen): variation selectors, the combining grapheme joiner and the
# Hangul fillers, which render as blank.
_INVISIBLE_MARKS = {
    0x034F,
    0x115F,
    0x1160,
    0x3164,
    0xFFA0,
    *range(0xFE00, 0xFE10),
    *range(0xE0100, 0xE01F0),
}


def ascii_digits(value: str) -> str:
    """Full-width digits to ASCII, leaving every other character (〔〕, （）) as typed."""
    return value.translate(_FULLWIDTH_DIGITS)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def squeeze(value: str) -> str:
    """Trim and drop the spaces that copying from a PDF leaves inside a code."""
    return "".join(value.split())


def is_invisible(char: str) -> bool:
    """A character that changes what a text is without showing: format and control
    characters, variation selectors, fillers."""
    return unicodedata.category(char) in ("Cf", "Cc") or ord(char) in _INVISIBLE_MARKS


def visible(value: str) -> str:
    """A name, title or 文号 as it must be stored, so that the same name is spelled one
    way only: invisible characters out (a bidi override or a zero-width space would make
    张三 and 张 U+200B 三 two names), full-width letters and digits as ASCII, canonical
    composition (NFC), every run of spaces one space, ends trimmed."""
    kept = "".join(
        " " if char.isspace() else char
        for char in value
        if char.isspace() or not is_invisible(char)
    )
    return " ".join(unicodedata.normalize("NFC", kept.translate(_FULLWIDTH_ALNUM)).split())
