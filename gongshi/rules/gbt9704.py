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
# year four digits from 1949 on, the serial a number; something must mark it as a 文号:
# brackets around the year, 第 before the serial or 号 after it (运城2023 is no 文号).
_LOOSE = re.compile(
    r"^(?P<issuer>[\u3400-\u9fff]{2,12}?)\s*"
    r"(?P<open>[\[(（【〈<［〔]?)\s*(?P<year>19[4-9]\d|2\d{3})\s*(?P<close>[\])）】〉>］〕]?)\s*"
    r"(?:[-－—–_/年]\s*)?(?P<nth>第?)\s*(?P<serial>\d{1,5})\s*(?P<hao>号?)$"
)


def canonical(issuer: str, year: str | int, serial: str | int) -> str:
    return f"{issuer}〔{year}〕{int(serial)}号"


def read_loose(text: str) -> str | None:
    """The 文号 someone meant, written as GB/T 9704 writes it, or None when `text` does
    not read as one."""
    value = ascii_digits(visible(text))
    if PATTERN.match(value):
        return value
    match = _LOOSE.match(value)
    if match is None or not (match["open"] or match["close"] or match["nth"] or match["hao"]):
        return None
    return canonical(match["issuer"], match["year"], match["serial"])
