"""Whatever a content file holds, no page carries markup that runs: titles and list
entries are escaped, Markdown bodies are cleaned against an allowlist."""

import pytest
from htmlcheck import executable_markup, html_pages, parse
from sitebuild import build

from gongshi_site.markup import render

TITLE_PAYLOAD = "<script>alert(1)</script>候选名单公示"
ENTRY_PAYLOAD = "<img src=x onerror=alert(1)>示例公司"
BODY_PAYLOAD = """[点我](javascript:alert(1))

<script>alert(2)</script>

<a onclick="alert(3)" href="/notices/">链接</a>

<p style="color:red" onmouseover="alert(4)">段落</p>

<iframe src="https://evil.example/"></iframe>

[再点](  JaVaScRiPt:alert(5))
"""


@pytest.fixture
def hostile_site(content, tmp_path):
    notice = content / "notices/41.md"
    text = notice.read_text(encoding="utf-8")
    text = text.replace(
        '"title": "2024年度示例区区长质量奖候选名单公示"', f'"title": "{TITLE_PAYLOAD}"'
    )
    text = text.replace('"name": "【示例】示例软件科技有限公司"', f'"name": "{ENTRY_PAYLOAD}"')
    text = text.rstrip("\n") + "\n\n" + BODY_PAYLOAD
    notice.write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    finished = build(content, output)
    assert finished.returncode == 0, finished.stderr
    return output


def test_no_page_carries_executable_markup(hostile_site):
    problems = {
        str(page.path.relative_to(hostile_site)): executable_markup(page)
        for page in html_pages(hostile_site)
    }
    assert {path: found for path, found in problems.items() if found} == {}


def test_payloads_are_shown_as_text(hostile_site):
    page = parse(hostile_site / "notices/41/index.html")
    (heading,) = page.find("h1")
    assert heading.text == TITLE_PAYLOAD
    names = [element.text for element in page.find("th") if element.attrs.get("scope") == "row"]
    assert ENTRY_PAYLOAD in names
    raw = (hostile_site / "notices/41/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "alert(2)" not in raw  # a script's content goes with it


def test_body_keeps_allowed_markup_and_drops_the_rest():
    html = render(
        BODY_PAYLOAD + "\n\n## 标题\n\n**粗体** [站内](/reporting/) [邮件](mailto:a@example.gov.cn)"
    )
    assert '<a href="/notices/" rel="noopener noreferrer">链接</a>' in html
    assert "<h2>标题</h2>" in html and "<strong>粗体</strong>" in html
    assert 'href="mailto:a@example.gov.cn"' in html
    for forbidden in ("javascript", "onclick", "onmouseover", "style=", "<script", "<iframe"):
        assert forbidden not in html.lower()
