"""Names, titles and 文号 as stored: one spelling, whatever invisible characters or
full-width forms were typed or pasted (the check a ban or a verification relies on)."""

import unicodedata

import pytest

from gongshi.rules.text import is_invisible, visible

# (typed, stored): each row a way of spelling 张三 or a company name that looks the same
SPELLINGS = [
    ("张三", "张三"),
    ("张\u200b三", "张三"),  # zero-width space
    ("张\u200c三", "张三"),  # zero-width non-joiner
    ("张\u200d三", "张三"),  # zero-width joiner
    ("\ufeff张三", "张三"),  # byte order mark pasted from a file
    ("张\u2060三", "张三"),  # word joiner
    ("张\u00ad三", "张三"),  # soft hyphen
    ("\u202e三张", "三张"),  # right-to-left override: shown reversed, stored plainly
    ("\u2067张三\u2069", "张三"),  # right-to-left isolate
    ("张\u200e三\u200f", "张三"),  # left-to-right and right-to-left marks
    ("张\ufe0f三", "张三"),  # variation selector
    ("张\u3164三", "张三"),  # Hangul filler, blank on screen
    ("  张三\u3000", "张三"),  # ideographic space, ends trimmed
    ("运城市  示范\u00a0机械", "运城市 示范 机械"),  # runs of spaces made one
    ("ＡＢＣ科技有限公司", "ABC科技有限公司"),  # full-width letters
    ("第１２３号", "第123号"),  # full-width digits
    ("示范（集团）有限公司", "示范（集团）有限公司"),  # full-width brackets stay: official
    ("①号车间", "①号车间"),  # not NFKC: ① stays
    ("e\u0301", "é"),  # composed (NFC)
]


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_one_spelling_of_a_name(typed, stored):
    assert visible(typed) == stored
    assert visible(stored) == stored  # stored names are already in their one spelling


def test_no_format_character_survives():
    every_format_character = "".join(
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"
    )
    assert visible(f"张{every_format_character}三") == "张三"
    assert all(is_invisible(char) for char in every_format_character)
