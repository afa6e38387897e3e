"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S,
V, Z); the last one is a check character computed from the first seventeen.
"""

from .errors import RuleViolation

# The check character lives in gb32100.py, which the search service imports without Django.
from .gb32100 import ALPHABET as ALPHABET
from .gb32100 import LENGTH as LENGTH
from .gb32100 import VALUES as _VALUE
from .gb32100 import check_character as check_character
from .messages import _
from .text import is_invisible, nfkc, squeeze


def normalise(code: str) -> str:
    """Full-width to half-width, spaces out, upper case: what the editor meant to type."""
    return squeeze("".join(c for c in nfkc(code) if not is_invisible(c))).upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise RuleViolation saying what is wrong with it."""
    value = normalise(code)
    if len(value) != LENGTH:
        raise RuleViolation(
            _("统一社会信用代码应为18位，当前为%(count)d位（GB 32100-2015）。")
            % {"count": len(value)}
        )
    bad = sorted({char for char in value if char not in _VALUE})
    if bad:
        raise RuleViolation(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、S、V、Z，GB 32100-2015）。")
            % {"chars": "、".join(bad)}
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise RuleViolation(
            _(
                "统一社会信用代码校验位错误：第18位应为“%(expected)s”，请核对是否录入有误（GB 32100-2015）。"
            )
            % {"expected": expected}
        )
    return value


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except RuleViolation:
        return False
    return True
