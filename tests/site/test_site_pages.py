"""Every built page: landmarks, one h1, headings in order, table headers with scope,
working links, no inline script or style (a strict CSP applies), official metadata."""

import re
from itertools import pairwise
from urllib.parse import unquote, urlsplit

import pytest
from htmlcheck import SEARCH_FORM_ACTIONS, executable_markup, html_pages, parse

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(scope="module")
def pages(built_site):
    return html_pages(built_site)


def test_every_page_has_landmarks_language_and_skip_link(pages):
    for page in pages:
        (html,) = page.find("html")
        assert html.attrs["lang"] == "zh-CN", page.path
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find(landmark), (page.path, landmark)
        assert page.find("main")[0].attrs["id"] == "main"
        assert page.find("a")[0].attrs["href"] == "#main", page.path


def test_every_page_has_one_h1_and_no_skipped_heading_level(pages):
    for page in pages:
        levels = [int(element.tag[1]) for element in page.elements if element.tag in HEADINGS]
        assert levels.count(1) == 1 and levels[0] == 1, page.path
        for before, after in pairwise(levels):
            assert after <= before + 1, (page.path, levels)


def test_no_inline_script_style_or_handler(pages):
    for page in pages:
        assert executable_markup(page) == [], page.path
        assert not any("style" in element.attrs for element in page.elements), page.path
        scripts = [element.attrs.get("src") for element in page.find("script")]
        assert scripts == ["/theme/js/care-mode.js", "/theme/js/status.js"], page.path


def test_table_headers_have_scope_and_ids_are_unique(pages):
    for page in pages:
        for header in page.find("th"):
            assert header.attrs.get("scope") in {"col", "row"}, page.path
        ids = [element.attrs["id"] for element in page.elements if element.attrs.get("id")]
        assert len(ids) == len(set(ids)), page.path
        for element in page.elements:
            for reference in (element.attrs.get("aria-labelledby") or "").split():
                assert reference in ids, (page.path, reference)


def test_internal_links_lead_somewhere(pages, built_site):
    """Every link within the site leads to a built file, except the online intake, which
    the CMS serves on this origin (tested in tests/cms/supervision/)."""
    for page in pages:
        for element in page.find("a") + page.find("link"):
            href = element.attrs.get("href") or ""
            if not href.startswith("/"):
                continue
            path = unquote(urlsplit(href).path)
            if path in SEARCH_FORM_ACTIONS:
                continue  # the search service's pages (tests/gongshi/search/test_service.py)
            if path in ("/report/", "/report/status/"):
                continue
            target = built_site / path.lstrip("/")
            if path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (page.path, href)


def test_care_mode_switch_is_hidden_until_the_script_shows_it(pages):
    for page in pages:
        (button,) = [b for b in page.find("button") if b.attrs.get("id") == "care-toggle"]
        assert "hidden" in button.attrs and button.attrs["aria-pressed"] == "false"


def test_document_pages_carry_official_metadata(built_site):
    page = parse(built_site / "notices/41/index.html")
    meta = {
        m.attrs.get("name") or m.attrs.get("property"): m.attrs["content"]
        for m in page.find("meta")
        if "content" in m.attrs
    }
    assert meta["ArticleTitle"] == "2024年度示例区区长质量奖候选名单公示"
    assert meta["PubDate"] == "2024-06-07 17:30"
    assert meta["ContentSource"] == "示例区市场监督管理局"
    assert meta["ColumnName"] == "公示公告"
    assert meta["og:type"] == "article" and meta["og:locale"] == "zh_CN"
    assert meta["og:url"] == "/notices/41/"
    assert meta["og:description"].startswith("经材料评审")
    decision = parse(built_site / "decisions/34/index.html")
    assert any(m.attrs.get("content") == "表彰决定" for m in decision.find("meta"))


def test_open_notice_shows_status_deadline_and_channels(built_site):
    text = (built_site / "notices/41/index.html").read_text(encoding="utf-8")
    assert 'data-publicity-start="2024-06-10" data-publicity-end="2024-06-14"' in text
    assert '<span class="status status--open">公示中</span>' in text
    assert "距公示截止还有2天" in text
    assert 'data-hide-after="2024-06-14"' in text and "0371-0000000" in text
    ended = (built_site / "notices/33/index.html").read_text(encoding="utf-8")
    assert "status--ended" in ended and "data-hide-after" not in ended
    assert "重大更正" in ended and ended.count("重大更正") == 1  # not the first publication


def test_revoked_award_is_bannered_on_decision_and_winner_pages(built_site):
    for path in ("decisions/34/index.html", "winners/91140800MA0000001A/index.html"):
        text = (built_site / path).read_text(encoding="utf-8")
        assert 'class="banner banner--revoked"' in text, path
        assert "申报材料弄虚作假" in text and 'href="/revocations/35/"' in text, path
    register = (built_site / "winners/index.html").read_text(encoding="utf-8")
    assert re.search(r"status--revoked\" href=\"/revocations/35/\">已撤销", register)
    assert "2023年度示例市市长质量奖提名奖" in register


def test_withdrawn_item_answers_at_its_own_url(built_site):
    text = (built_site / "notices/36/index.html").read_text(encoding="utf-8")
    assert "因发布有误，已于2023-09-02 11:00撤回" in text
    assert "误将未经评审委员会审定的名单发布" in text
