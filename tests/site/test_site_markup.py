"""Bodies convert exactly as a fresh Markdown parser converts them, whether they take the
shortcut for plain paragraphs or the one parser reset between bodies
(site/gongshi_site/markup.py, docs/adr/0008-build-performance.md)."""

import random

import markdown
import pytest

from gongshi_site import markup

ALPHABET = list("质量奖公示评审组织。，；：、“”（）《》％") + list("aZ09 ,%/") + [
    "\u3000", "\u00a0", "\n", "\n\n", "\t", "*", "_", "#", "-", "+", ".", "1. ", "> ",
    "<b>", "&", "&amp;", "[a](b)", "`", "|", "!", "\\", "    ", "===", "  \n", ":", "~",
]  # fmt: skip


def _fresh(text: str) -> str:
    if not text.strip():
        return ""
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", markup._FitHeadingsExtension()],
        output_format="html",
    )
    return markup.sanitise(html)


@pytest.mark.parametrize(
    "text",
    [
        "段落一。\n\n段落二，ISO 9001 认证，满意度95%，GB/T 19580。",
        "一行\n接着一行",
        "\u3000首行缩进的段落。",
        "1. 第一\n2. 第二",
        "# 标题\n\n正文",
        "a & b < c",
        "**加粗** 与 [链接](https://example.gov.cn/)",
        "段落\n\n\n\n多个空行",
        "结尾两个空格  ",
    ],
)
def test_a_body_converts_as_a_fresh_parser_converts_it(text):
    assert markup.render(text) == _fresh(text)


def test_random_bodies_convert_as_a_fresh_parser_converts_them():
    rng = random.Random(7)
    shortcut = 0
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 30))).strip("\n")
        if markup._plain_paragraphs(text) is not None:
            shortcut += 1
        assert markup.render(text) == _fresh(text), repr(text)
    assert 100 < shortcut < 2900  # both ways were taken
