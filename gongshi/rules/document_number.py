"""文号: the number of an official document, e.g. 运政发〔2023〕14号.

GB/T 9704-2012 (党政机关公文格式) writes the year between hexagonal brackets 〔〕; the
look-alikes editors type instead ([], (), （）, 【】, 〈〉) are refused with the
corrected number suggested, because a document number is quoted, never silently edited.
Invisible characters (zero-width spaces, bidi overrides) and full-width digits are
cleaned first: they are not part of any number.
"""

import re

from .errors import RuleViolation
from .gbt9704 import PATTERN as PATTERN
from .gbt9704 import read_loose
from .messages import _
from .text import ascii_digits, visible

_LOOKALIKE = re.compile(r"[\[(（【〈<［](?P<year>\d{4})[\])）】〉>］]")


def validate(number: str) -> str:
    """Return the document number with ASCII digits, or raise RuleViolation."""
    value = ascii_digits(visible(number))
    if PATTERN.match(value):
        return value
    suggestion = read_loose(value)
    if suggestion is None and _LOOKALIKE.search(value):
        suggestion = _LOOKALIKE.sub(lambda m: f"〔{m['year']}〕", value)
        if not suggestion.endswith("号"):
            suggestion += "号"
    if suggestion is not None:
        raise RuleViolation(
            _("文号的年份应使用六角括号〔〕，例如“%(suggestion)s”（GB/T 9704-2012）。")
            % {"suggestion": suggestion}
        )
    raise RuleViolation(
        _("文号格式应为“发文机关代字〔年份〕序号号”，例如“运政发〔2023〕14号”（GB/T 9704-2012）。")
    )


def year_of(number: str) -> int:
    match = PATTERN.match(ascii_digits(visible(number)))
    if not match:
        raise RuleViolation(_("无法从文号中读出年份。"))
    return int(match["year"])
