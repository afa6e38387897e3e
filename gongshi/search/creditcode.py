"""Reading a 统一社会信用代码 typed into the search box or the verification page.

A code is matched exactly, and only once its check character is right: a code with a
wrong last character is most often a typo, and answering "not found" to it would read as
"this company never won". The check character itself is GB 32100-2015's
(gongshi/rules/gb32100.py, shared with the CMS's validation).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gongshi.rules.gb32100 import ALPHABET, LENGTH, check_character

# What a person may have meant as a credit code: 18 letters and digits, possibly with
# spaces or hyphens from copying (normalised away before this is tried).
_LOOKS_LIKE_A_CODE = re.compile(r"^[0-9A-Z]{18}$")


@dataclass(frozen=True)
class CreditCode:
    """A query read as a credit code: `code` normalised; `problem` says, in Chinese, why it
    cannot be one (then nothing is searched for it), or is "" for a valid code."""

    code: str
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem


def normalise(text: str) -> str:
    """Full-width to half-width, spaces and hyphens out, upper case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()


def read(text: str) -> CreditCode | None:
    """The query as a credit code, or None when it does not look like one at all."""
    code = normalise(text)
    if not _LOOKS_LIKE_A_CODE.match(code) or not any(char.isdigit() for char in code[:8]):
        return None
    bad = sorted({char for char in code if char not in ALPHABET})
    if bad:
        return CreditCode(
            code,
            f"“{code}”不是有效的统一社会信用代码：含有不使用的字符 {'、'.join(bad)}"
            "（统一社会信用代码不使用 I、O、S、V、Z，GB 32100-2015）。",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCode(
            code,
            f"“{code}”的校验位不正确：按 GB 32100-2015，第18位应为“{expected}”。"
            "请核对是否抄错；本站不按校验位错误的代码查询。",
        )
    return CreditCode(code)


__all__ = ["LENGTH", "CreditCode", "normalise", "read"]
