"""What the government-website rules ask of every page (国办发〔2017〕47号, 国办秘函
〔2019〕19号): the footer and meta tags from 网站信息, nothing made up where it is unset;
the catalogue block with its 索引号; both dates in listings; a site map for people."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitebuild import FIXTURE_CONTENT, PELICANCONF, PUBLISHCONF, build

NOTICE = "notices/32/index.html"


def built(tmp_path: Path, content: Path = FIXTURE_CONTENT, site_url: str | None = None) -> Path:
    output = tmp_path / "output"
    settings = PUBLISHCONF if site_url else PELICANCONF
    finished = build(content, output, settings=settings, site_url=site_url)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output


def meta_tags(html: str) -> dict[str, str]:
    class Meta(HTMLParser):
        found: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "meta" and "name" in attributes:
                self.found[attributes["name"]] = attributes["content"]

    parser = Meta()
    parser.found = {}
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("govsite"), site_url="https://zlj.example.gov.cn")


def test_a_document_carries_the_annex_meta_tags(site):
    tags = meta_tags((site / NOTICE).read_text(encoding="utf-8"))
    assert tags["SiteName"] == "质量奖公示公开平台"
    assert tags["SiteDomain"] == "zlj.example.gov.cn"
    assert tags["SiteIDCode"] == "1100000000"
    assert tags["ColumnName"] == "公示公告"
    assert tags["ColumnType"] == "信息公开"
    assert tags["ArticleTitle"] and tags["ArticleTitle"] in tags.get("ArticleTitle")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", tags["PubDate"])
    assert tags["ContentSource"]
    assert tags["Keywords"].startswith("示例市市长质量奖,公示公告,")
    assert tags["Description"] == tags["description"]
    assert tags["Url"] == "https://zlj.example.gov.cn/notices/32/"


def test_other_pages_carry_the_site_and_column_tags_only(site):
    home = meta_tags((site / "index.html").read_text(encoding="utf-8"))
    assert {"SiteName", "SiteDomain", "SiteIDCode", "Url"} <= home.keys()
    assert not {"ColumnName", "ArticleTitle", "PubDate", "ContentSource"} & home.keys()
    statistics = meta_tags((site / "statistics/index.html").read_text(encoding="utf-8"))
    assert statistics["ColumnName"] == "数据统计" and "ArticleTitle" not in statistics


def test_the_footer_shows_the_settings_with_their_links(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    footer = html[html.index('<footer class="site-footer">') :]
    for shown in (
        "主办单位：示例市人民政府办公室",
        "承办单位：示例市市场监督管理局",
        "联系电话：0000-12345678",
        'href="mailto:zlj@example.gov.cn"',
        "通信地址：示例市示例路1号",
        "网站标识码：1100000000",
        '<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备00000000号-1</a>',
        'href="https://beian.mps.gov.cn/#/query/webSearch?code=11000000000000"',
        'href="https://bszs.conac.cn/sitename?method=show&amp;id=EXAMPLE"',
        '<a href="/sitemap/">网站地图</a>',
    ):
        assert shown in footer


def _with_identity(tmp_path: Path, **identity) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    home = content / "home.md"
    document, end = json.JSONDecoder().raw_decode(home.read_text(encoding="utf-8"))
    document["identity"] = {**document["identity"], **identity}
    body = home.read_text(encoding="utf-8")[end:]
    home.write_text(json.dumps(document, ensure_ascii=False, indent=2) + body, encoding="utf-8")
    return content


def test_unset_settings_show_nothing_invented(tmp_path):
    empty = {
        name: ""
        for name in (
            "sponsor",
            "organiser",
            "phone",
            "email",
            "address",
            "icp_number",
            "police_number",
            "police_url",
            "site_id_code",
            "conac_url",
        )
    }
    output = built(tmp_path, _with_identity(tmp_path, **empty, party_government=False))
    for page in ("index.html", NOTICE, "sitemap/index.html"):
        html = (output / page).read_text(encoding="utf-8")
        for invented in (
            "主办单位",
            "承办单位",
            "联系电话",
            "ICP",
            "公网安备",
            "网站标识码",
            "党政机关",
            "site-identity",
            "beian",
        ):
            assert invented not in html, (page, invented)
        tags = meta_tags(html)
        assert "SiteIDCode" not in tags and "SiteDomain" not in tags and "Url" not in tags


def test_the_party_mark_is_drawn_only_where_it_applies(tmp_path):
    output = built(tmp_path, _with_identity(tmp_path, party_government=False))
    html = (output / "index.html").read_text(encoding="utf-8")
    assert "党政机关" not in html and "conac" not in html
    assert "主办单位：示例市人民政府办公室" in html  # the rest is shown


def test_a_link_that_is_not_a_web_address_stops_the_build(tmp_path):
    content = _with_identity(tmp_path, conac_url="javascript:alert(1)")
    finished = build(content, tmp_path / "refused")
    assert finished.returncode != 0
    assert "identity.conac_url" in finished.stderr


def test_the_catalogue_block_lists_the_index_number_beside_the_other_facts(site):
    html = (site / NOTICE).read_text(encoding="utf-8")
    block = html[html.index('<dl class="doc-meta">') : html.index("</dl>")]
    for label in ("索引号", "文号", "发布机构", "成文日期", "发布日期"):
        assert f"<dt>{label}</dt>" in block
    assert "11990000MB0000000J/2023-00032" in block
    summary = json.JSONDecoder().raw_decode(
        (FIXTURE_CONTENT / "notices/32.md").read_text(encoding="utf-8")
    )[0]["summary"]
    if summary:
        assert "<dt>内容概述</dt>" in block and summary in block


@pytest.mark.parametrize("listing", ["notices/index.html", "decisions/index.html", "index.html"])
def test_listings_show_the_publication_date_beside_the_date_signed(site, listing):
    html = (site / listing).read_text(encoding="utf-8")
    items = re.findall(r'<li>\s*<a class="document-list__title".*?</li>', html, re.S)
    assert items
    for item in items:
        assert "成文日期" in item and "发布日期" in item


def test_the_site_map_is_a_page_for_people_and_sitemap_xml_stays(site):
    html = (site / "sitemap/index.html").read_text(encoding="utf-8")
    assert "<h1>网站地图</h1>" in html
    for link in (
        "/notices/",
        "/decisions/",
        "/winners/",
        "/programmes/",
        "/statistics/",
        "/data/",
        "/reporting/",
        "/report/",
        "/report/status/",
        "/search/",
        "/verify/",
        "/subscribe/",
        "/sitemap.xml",
    ):
        assert f'href="{link}"' in html, link
    for programme in re.findall(r'href="(/programmes/[a-z0-9-]+/)"', html):
        assert (site / programme.lstrip("/") / "index.html").is_file()
    # sitemap.xml is an index; the page for people is among the undated pages.
    assert "https://zlj.example.gov.cn/sitemap-undated.xml" in (site / "sitemap.xml").read_text()
    crawlers = (site / "sitemap-undated.xml").read_text(encoding="utf-8")
    assert "https://zlj.example.gov.cn/sitemap/" in crawlers


def test_two_items_with_one_index_number_stop_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    other = content / "notices/33.md"
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace("2023-00033", "2023-00032"), encoding="utf-8")
    finished = build(content, tmp_path / "output")
    assert finished.returncode != 0
    assert "索引号 11990000MB0000000J/2023-00032 与其他文件重复" in finished.stderr
