"""The public site against 国办发〔2017〕47号 and 国办秘函〔2019〕19号, as a reader sees it
in Debian's Chromium: the footer and meta tags from 网站信息, the 索引号 of a notice just
published, the site map for people, 关怀版 on the report form the CMS serves, a 生僻字
name drawn with a real glyph, the statistics tables at desktop width, and axe-core
finding nothing on the public pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_support import violations
from browser_support import SHOTS, build_site, shot
from django.conf import settings as django_settings

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

RARE = "𠀀"
NO_FONT_HAS_IT = "\U0003134a"  # CJK Extension G: in none of this machine's fonts


def public_pages(demo_site) -> list[str]:
    live = demo_site.dir / "live"
    first = {
        kind: sorted(int(path.name) for path in (live / kind).iterdir() if path.name.isdigit())[0]
        for kind in ("notices", "decisions", "revocations")
    }
    winner = next(path.name for path in (live / "winners").iterdir() if path.is_dir())
    return [
        "/",
        "/notices/",
        f"/notices/{demo_site.open_notice['id']}/",
        f"/notices/{first['notices']}/",
        "/notices/type/candidates/",
        "/calls/",
        "/decisions/",
        f"/decisions/{first['decisions']}/",
        "/revocations/",
        f"/revocations/{first['revocations']}/",
        "/winners/",
        f"/winners/{winner}/",
        "/programmes/",
        "/programmes/yuncheng/",
        "/statistics/",
        "/data/",
        "/reporting/",
        "/subscribe/",
        "/sitemap/",
        "/search/?q=样例",
        "/verify/?q=堃源",
        "/no-such-page/",
    ]


def test_the_footer_and_the_meta_tags_come_from_the_settings(demo_site, demo_url, page):
    page.goto(f"{demo_url}/notices/{demo_site.open_notice['id']}/")
    footer = page.locator("footer.site-footer")
    for shown in (
        "主办单位：【示例】运城市市场监督管理局",
        "承办单位：【示例】运城市质量强市工作领导小组办公室",
        "联系电话：0359-0000000",
        "网站标识码：1408000000",
    ):
        expect(footer).to_contain_text(shown)
    expect(footer.get_by_role("link", name="晋ICP备00000000号-1")).to_have_attribute(
        "href", "https://beian.miit.gov.cn/"
    )
    expect(footer.get_by_role("link", name="晋公网安备14080200000000号")).to_have_attribute(
        "href", "https://beian.mps.gov.cn/#/query/webSearch?code=14080200000000"
    )
    expect(footer).not_to_contain_text("党政机关")  # the demo's setting says it does not apply

    def meta(name):
        return page.locator(f'meta[name="{name}"]').get_attribute("content")

    assert meta("SiteName") == "质量奖公示公开平台"
    assert meta("SiteIDCode") == "1408000000"
    assert meta("ColumnName") == "公示公告" and meta("ColumnType") == "信息公开"
    assert meta("ArticleTitle") == demo_site.open_notice["title"]
    assert meta("ContentSource") and meta("PubDate") and meta("Keywords") and meta("Description")
    footer.scroll_into_view_if_needed()
    footer.screenshot(path=str(SHOTS / "browser-rules-footer.png"))


def test_the_site_map_is_a_page_for_people(demo_url, page):
    page.goto(demo_url)
    page.locator("footer").get_by_role("link", name="网站地图").click()
    expect(page.get_by_role("heading", name="网站地图", level=1)).to_be_visible()
    assert page.url == f"{demo_url}/sitemap/"
    for section in (
        "公示公告",
        "表彰决定",
        "获奖名录",
        "评选项目",
        "数据统计",
        "开放数据",
        "投诉举报",
    ):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    shot(page, "rules-sitemap")
    page.get_by_role("link", name="运城市市长质量奖").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("运城市市长质量奖")
    # sitemap.xml stays for crawlers (fetched, not opened: Chromium's XML viewer styles
    # itself inline, which the site's policy refuses).
    page.goto(f"{demo_url}/sitemap/")
    expect(page.get_by_role("link", name="sitemap.xml")).to_have_attribute("href", "/sitemap.xml")
    crawlers = page.request.get(f"{demo_url}/sitemap.xml")
    assert crawlers.ok and "<sitemapindex" in crawlers.text()
    undated = page.request.get(f"{demo_url}/sitemap-undated.xml")
    assert undated.ok and "<urlset" in undated.text() and "/sitemap/</loc>" in undated.text()


def _glyph(page, text: str, path: Path):
    """A screenshot of `text` alone, large, in the page's font stack."""
    page.evaluate(
        """text => {
            const probe = document.getElementById("glyph-probe") || document.createElement("span");
            probe.id = "glyph-probe";
            probe.textContent = text;
            probe.style.fontSize = "96px";
            probe.style.lineHeight = "1";
            probe.style.background = "#fff";
            probe.style.color = "#000";
            document.querySelector("main h1").after(probe);
        }""",
        text,
    )
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)
    return page.locator("#glyph-probe").screenshot(path=str(path))


@pytest.fixture
def bare_browser(browser, tmp_path):
    """Chromium seeing this machine's fonts but those that draw Extension B (Debian's
    fonts-hanazono, which the build subsets): the fonts of most readers' computers."""
    from conftest import CHROMIUM, LAUNCH_ARGS

    directories = [
        str(path)
        for path in sorted(Path("/usr/share/fonts").glob("*/*"))
        if path.is_dir() and "hanazono" not in path.name
    ]
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        + "".join(f"<dir>{directory}</dir>" for directory in directories)
        + f"<cachedir>{tmp_path / 'fontcache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    bare = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=LAUNCH_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    yield bare
    bare.close()


def test_a_rare_name_is_drawn_with_a_real_glyph(demo_site, demo_url, bare_browser):
    """𠀀 (U+20000) is in none of a reader's usual fonts: without the site's font it is
    the fallback box, with it a glyph. (The build subsets Debian's fonts-hanazono.)"""
    if not Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf").exists():
        if os.environ.get("GONGSHI_REQUIRE_BROWSER"):
            pytest.fail("fonts-hanazono is not installed (apt-get install fonts-hanazono)")
        pytest.skip("fonts-hanazono is not installed")
    live = demo_site.dir / "live"
    notice = next(
        path.parent.name
        for path in sorted((live / "notices").glob("*/index.html"))
        if RARE in path.read_text(encoding="utf-8")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    with_font = bare_browser.new_page(locale="zh-CN")
    loaded = []
    with_font.on("response", lambda r: loaded.append(r.url) if "/fonts/rare-" in r.url else None)
    with_font.goto(f"{demo_url}/notices/{notice}/")
    name = with_font.get_by_role("rowheader").filter(has_text=RARE).first
    expect(name).to_be_visible()
    # The name's layout asks for the font (font-display: swap draws it when it arrives).
    with_font.wait_for_function(
        "[...document.fonts].some(f => f.family.includes('Gongshi Rare') && f.status === 'loaded')"
    )
    with_font.wait_for_timeout(200)
    drawn = name.screenshot(path=str(SHOTS / "browser-rules-rare-name.png"))
    real = _glyph(with_font, RARE, SHOTS / "browser-rules-rare-glyph.png")
    assert loaded, "the page did not load the site's rare-character font"

    without_font = bare_browser.new_page(locale="zh-CN")
    without_font.route("**/fonts/rare-*.woff2", lambda route: route.abort())
    without_font.goto(f"{demo_url}/notices/{notice}/")
    cell = without_font.get_by_role("rowheader").filter(has_text=RARE).first
    cell.evaluate("document.fonts.ready")
    # The name in its table cell, as laid out on arrival: with the font it is not the
    # same picture as without it (where the glyph is the box measured below).
    assert cell.screenshot(path=str(SHOTS / "browser-rules-rare-name-fallback.png")) != drawn
    boxed = _glyph(without_font, RARE, SHOTS / "browser-rules-rare-fallback.png")
    missing = _glyph(without_font, NO_FONT_HAS_IT, SHOTS / "browser-rules-missing-glyph.png")
    assert boxed == missing, "without the site's font 𠀀 should be the fallback box"
    assert real != boxed, "with the site's font 𠀀 must be drawn, not the fallback box"


@pytest.mark.parametrize("source", ["demo", "fixture"])
def test_the_statistics_tables_fit_their_column_at_1366_pixels(
    source, demo_url, serve_site, new_page, tmp_path
):
    if source == "demo":
        base = demo_url
    else:  # the golden test's fixture has the complaint figures the demo lacks
        from gongshi_site import atomic

        fixture = Path(__file__).resolve().parents[1] / "site" / "fixture_content"
        output = tmp_path / "site" / "build" / "output"
        settings_file = Path(django_settings.GONGSHI_PELICAN_SETTINGS)
        atomic.run_pelican(
            fixture, output, settings_file, 120, {"GONGSHI_BUILD_DATE": "2024-06-12"}
        )
        (tmp_path / "site" / "live").symlink_to(output)
        base = serve_site(tmp_path / "site")
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/statistics/")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.getAttribute('aria-label') + ': ' + box.scrollWidth + ' > ' + box.clientWidth)"""
    )
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    expect(page.get_by_role("region", name="投诉举报受理情况（表格）")).to_be_visible()
    shot(page, f"rules-statistics-1366-{source}")


def test_the_public_pages_have_no_accessibility_violations(demo_site, demo_url, new_page):
    found = []
    for care in (False, True):
        page = new_page()
        if care:
            page.goto(demo_url)
            page.get_by_role("button", name="关怀版").click()
        for path in public_pages(demo_site):
            page.goto(f"{demo_url}{path}")
            found += violations(page)
    assert found == [], "\n".join(found)


@pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS)
def test_a_new_notice_its_index_number_and_the_report_form_in_care_mode(
    live_server, new_page, serve_site, tmp_path, settings
):
    """A notice published now gets the next 索引号, shown in its catalogue block and found
    by the site's search; 关怀版 switched on there holds on the report form and its status
    page, which the CMS serves inside the same header, navigation and footer."""
    from cms.demo.loader import load_demo
    from cms.govsite.models import IndexNumber
    from cms.notices.models import PublicityNoticePage
    from gongshi.rules.website import parse_index_number

    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    load_demo()
    latest = PublicityNoticePage.objects.live().order_by("-first_published_at").first()
    copy = latest.copy(
        update_attrs={"slug": "rules-new", "title": "【示例】新发布的候选名单公示"},
        keep_live=False,
    )
    copy.save_revision().publish()
    number = IndexNumber.objects.get(page_id=copy.pk).number
    code, year, sequence = parse_index_number(number)
    assert code == "11140800MB0000000H"
    assert sequence == max(row.sequence for row in IndexNumber.objects.filter(year=year))
    build_site(settings.GONGSHI_SITE_DIR)
    site = serve_site(settings.GONGSHI_SITE_DIR, cms_url=live_server.url)

    citizen = new_page()
    citizen.goto(f"{site}/notices/{copy.pk}/")
    catalogue = citizen.locator("dl.doc-meta")
    expect(catalogue.locator("div").filter(has_text="索引号")).to_contain_text(number)
    for label in ("文号", "发布机构", "成文日期", "发布日期", "内容概述"):
        expect(catalogue.get_by_text(label, exact=True)).to_be_visible()
    shot(citizen, "rules-new-notice")
    citizen.get_by_role("search", name="站内搜索").get_by_role("searchbox").fill(number)
    citizen.get_by_role("search", name="站内搜索").get_by_role("button", name="搜索").click()
    expect(citizen.get_by_role("link", name="【示例】新发布的候选名单公示")).to_be_visible()

    citizen.get_by_role("button", name="关怀版").click()
    footer_text = citizen.locator("footer .site-identity").inner_text()
    nav_text = citizen.get_by_role("navigation", name="主导航").inner_text()
    citizen.get_by_role("navigation", name="主导航").get_by_role("link", name="投诉举报").click()
    citizen.get_by_role("link", name="在线举报").first.click()
    expect(citizen.get_by_role("heading", name="在线举报", level=1)).to_be_visible()
    assert citizen.url.startswith(f"{site}/report/")
    for report_page in ("form", "status"):
        if report_page == "status":
            citizen.get_by_role("navigation", name="在线举报").get_by_role(
                "link", name="查询办理进度"
            ).click()
            expect(citizen.get_by_role("heading", name="查询办理进度", level=1)).to_be_visible()
        assert citizen.evaluate("document.documentElement.classList.contains('care-mode')")
        assert citizen.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
        expect(citizen.get_by_role("button", name="关怀版")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert citizen.get_by_role("navigation", name="主导航").inner_text() == nav_text
        assert citizen.locator("footer .site-identity").inner_text() == footer_text
        expect(
            citizen.get_by_role("navigation", name="主导航").get_by_role("link", name="投诉举报")
        ).to_have_attribute("aria-current", "true")
        shot(citizen, f"rules-report-{report_page}-care")
        assert violations(citizen) == []
