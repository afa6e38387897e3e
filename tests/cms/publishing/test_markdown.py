"""Wagtail's rich text as Markdown: every editor feature kept, nothing else let through."""

import re

import markdown
import pytest

from cms.publishing.markdown import safe_href, to_markdown


def external_only(linktype, attrs):
    return safe_href(attrs.get("href", "")) if not linktype else None


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>一段</p><p>两段</p>", "一段\n\n两段"),
        ("<h2>标题</h2><h3>小标题</h3>", "## 标题\n\n### 小标题"),
        ("<p><b>粗</b>和<i>斜</i></p>", "**粗**和*斜*"),
        ("<ul><li>甲</li><li>乙</li></ul>", "- 甲\n- 乙"),
        ("<ol><li>一</li><li>二</li></ol>", "1. 一\n2. 二"),
        ("<p>第一行<br/>第二行</p>", "第一行  \n第二行"),
        ("<hr/>", "---"),
        ('<p><a href="https://www.gov.cn/">政府网</a></p>', "[政府网](<https://www.gov.cn/>)"),
        ('<p><a href="mailto:jb@example.cn">邮箱</a></p>', "[邮箱](<mailto:jb@example.cn>)"),
        # Text that looks like Markdown stays text.
        ("<p>1. 不是列表</p>", "1\\. 不是列表"),
        ("<p>*星号* [方括号] #井号 &lt;b&gt;</p>", "\\*星号\\* \\[方括号\\] \\#井号 &lt;b\\>"),
        # What the editor cannot make does not pass.
        ('<p><a href="javascript:alert(1)">点我</a></p>', "点我"),
        ('<p><a href="java\nscript:alert(1)">点我</a></p>', "点我"),
        ("<p>前<script>alert(1)</script>后</p>", "前后"),
        ('<p onclick="alert(1)">段落</p>', "段落"),
        ('<p><img src="x" onerror="alert(1)">图</p>', "图"),
        ('<p><a linktype="page" id="3">内部页面</a></p>', "内部页面"),
    ],
)
def test_rich_text_becomes_markdown(html, expected):
    assert to_markdown(html, external_only) == expected


def test_two_lists_in_a_row_stay_two_lists():
    html = markdown.markdown(to_markdown("<ol><li>一</li></ol><ul><li>甲</li></ul>", external_only))
    assert "<ol>" in html and "<ul>" in html


def test_escaped_text_renders_as_the_editor_wrote_it():
    text = "*星号* [方括号](x) 1. <b> &amp; AT&T"
    html = markdown.markdown(to_markdown(f"<p>{text.replace('<', '&lt;')}</p>", external_only))
    assert html == "<p>*星号* [方括号](x) 1. &lt;b&gt; &amp; AT&amp;T</p>"


def test_plain_markup_converts_as_html_parser_would(monkeypatch):
    """Bodies of plain tags skip HTMLParser (_feed_simple): on thousands of such bodies,
    with entities, Markdown-like text and whitespace, the Markdown is the same."""
    import random

    from cms.publishing import markdown as converter

    tags = [
        *(f"<{tag}>" for tag in ("p", "h2", "h3", "h4", "ul", "ol", "li", "b", "i", "em")),
        *(f"</{tag}>" for tag in ("p", "h2", "h3", "h4", "ul", "ol", "li", "b", "i", "em")),
        *("<br>", "<br/>", "<br />", "<hr>", "<hr/>", "<p >", "</li >", "<strong>", "</strong>"),
    ]
    texts = ["公示", "a & b", "&amp;", "&lt;b&gt;", "1. 一", "- 甲", " + 乙", "#号", "x_y*z"]
    texts += ["[a](b)", "\n", "  ", "\t3) 丙", "&#39;", "&nbsp;", "&amp", "&", ">", "`码`"]
    texts += ["\\", "= 等", "12.", "文本\n- 更多", "&copy", "<", "< p>", "<!-- 注释 -->"]
    generator = random.Random(20240612)
    for _ in range(3000):
        html = "".join(
            generator.choice(tags if generator.random() < 0.5 else texts)
            for _ in range(generator.randint(0, 14))
        )
        fast = to_markdown(html, external_only)
        with monkeypatch.context() as patched:
            patched.setattr(converter, "_feed_simple", lambda converter, html: False)
            assert to_markdown(html, external_only) == fast, html


@pytest.mark.parametrize(
    "href",
    [
        "https://example.gov.cn/a?q=<script>alert(1)</script>",
        "https://example.gov.cn/x>y<z",
        "https://example.gov.cn/path\\>tail",
        "https://example.gov.cn/(括号)<b>",
    ],
)
def test_a_link_with_angle_brackets_stays_one_link(href):
    """ "<" and ">" in an address editors type are percent-encoded: the rendered page has
    one link with the whole address and no stray text or markup."""
    html = f'<p>前文<a href="{href.replace("<", "&lt;").replace(">", "&gt;")}">链接</a>后文</p>'
    rendered = markdown.markdown(to_markdown(html, external_only))
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', rendered)
    assert links == [(href.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C"), "链接")]
    assert re.sub(r"<a [^>]*>链接</a>", "", rendered) == "<p>前文后文</p>"


@pytest.mark.parametrize("invisible", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u061c", "\u3000"])
def test_invisible_characters_in_an_address_are_percent_encoded(invisible):
    href = safe_href(f"https://example.gov.cn/?q=运城{invisible}示例")
    assert href is not None and invisible not in href
    assert href.startswith("https://example.gov.cn/?q=运城%") and href.endswith("示例")
