"""文号 as GB/T 9704-2012 (党政机关公文格式) writes them: 运政发〔2023〕14号, the year
between hexagonal brackets 〔〕. Plain Python without Django, so that the search service
reads a 文号 typed loosely the way the CMS stores it (document_number.py wraps it with
the editors' messages).
"""

import re

from .text import ascii_digits, visible

PATTERN = re.compile(r"^(?P<issuer>[^\s〔〕\[\]()（）【】]+)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")

# How people type one when they do not have the brackets at hand: 运政发2023 14号,
# 运政发2023第14号, 运政发[2023]14号, 运政发（2023）14号, 衡政发2024-9号, 运政发〔2023〕第14号.
# The issuer is Chinese characters (an abbreviation such as 运政发, 衡政办发, 金政), the
# year four digits from 1949 on, the serial a number with or without 第 and 号.
_LOOSE = re.compile(
    r"^(?P<issuer>[\u3400-\u9fff]{1,12}?)\s*"
    r"[\[(（【〈<［〔]?\s*(?P<year>19[4-9]\d|2\d{3})\s*[\])）】〉>］〕]?\s*"
    r"(?:[-－—–_/年]\s*)?第?\s*(?P<serial>\d{1,5})\s*号?$"
)


def canonical(issuer: str, year: str | int, serial: str | int) -> str:
    return f"{issuer}〔{year}〕{int(serial)}号"


def read_loose(text: str) -> str | None:
    """The 文号 someone meant, written as GB/T 9704 writes it, or None when `text` does
    not read as one (a query such as 运城2023 is not: its "issuer" has no 发, 办, 字 or
    函-like ending, and nothing says which document it is)."""
    value = ascii_digits(visible(text))
    if PATTERN.match(value):
        return value
    match = _LOOSE.match(value)
    if match is None or not _looks_like_issuer(match["issuer"]):
        return None
    return canonical(match["issuer"], match["year"], match["serial"])


# The last character of an issuer's abbreviation in most 文号: 发 (运政发), 办 (衡政办),
# 函 (国办函), 字, 令, 通, 政 (金政), 规, 文.
_ISSUER_ENDINGS = set("发办函字令通政规文")


def _looks_like_issuer(issuer: str) -> bool:
    return len(issuer) >= 2 and issuer[-1] in _ISSUER_ENDINGS
