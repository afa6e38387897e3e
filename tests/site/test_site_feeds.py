"""The feeds, built with the real Pelican from the fixture content and read back with a
real feed parser (feedparser) and with the rules themselves (feedcheck.py)."""

import re
from datetime import datetime, timedelta, timezone

import feedparser
import pytest
from feedcheck import history_links, is_archive, problems
from sitebuild import build

from gongshi_site.feed_entries import Category, FeedEntry
from gongshi_site.feeds import FeedInvalid, plain_text, prepare, xml_text
from gongshi_site.model import Attachment

BASE = "http://127.0.0.1:8001"  # pelicanconf's GONGSHI_FEED_BASE_URL by default
CHINA = timezone(timedelta(hours=8))
KINDS = ("calls", "notices", "decisions", "revocations", "corrections")


def uuid_urn(item_id: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-0000000000{item_id}"


def parse(output, path):
    return feedparser.parse((output / path.lstrip("/")).read_bytes())


def ids(output, path):
    return [entry.id for entry in parse(output, path).entries]


def entry(output, path, entry_id):
    return next(item for item in parse(output, path).entries if item.id == entry_id)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def built(content, tmp_path, *extra):
    output = tmp_path / "output"
    finished = build(content, output, extra_arguments=extra)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output


def test_every_feed_exists_in_both_formats_and_keeps_the_rules(built_site):
    documents = sorted((built_site / "feeds").rglob("*.*"))
    names = {path.relative_to(built_site).as_posix() for path in documents}
    expected = {
        f"feeds/{scope}{name}.{format}"
        for scope in ("", "programmes/shili-city/", "programmes/shili-district/")
        for name in ("all", *KINDS)
        for format in ("atom", "rss")
    }
    assert names == expected  # no archives: the fixture is smaller than a feed
    for path in documents:
        assert problems(path.read_bytes()) == [], path
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.version == ("atom10" if path.suffix == ".atom" else "rss20")
        assert parsed.feed.language == "zh-CN" if path.suffix == ".rss" else True
        self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
        assert self_link == BASE + "/" + path.relative_to(built_site).as_posix()


def test_entries_are_documents_and_major_corrections_never_minor_changes(built_site):
    atom = parse(built_site, "/feeds/all.atom")
    documents = {uuid_urn(n) for n in (31, 32, 33, 34, 35, 41)}
    corrections = [item for item in atom.entries if item.id not in documents]
    assert {item.id for item in atom.entries} >= documents
    assert uuid_urn(36) not in {item.id for item in atom.entries}  # withdrawn: never
    # notices/33.md has one major change and one minor one after its first publication.
    assert len(corrections) == 1
    correction = corrections[0]
    assert correction.title == "更正：2023年度示例市市长质量奖获奖建议名单公示"
    assert correction.summary == "更正第2名的统一社会信用代码"
    assert correction.link == f"{BASE}/notices/33/#changes-heading"
    assert correction.published == correction.updated == "2023-10-10T16:20:00+08:00"
    assert [t.term for t in correction.tags] == ["shili-city", "corrections", "2023"]
    assert "修改错别字" not in (built_site / "feeds/all.atom").read_text(encoding="utf-8")
    # ...and the corrected notice's own entry shows the correction as an update.
    notice = entry(built_site, "/feeds/all.atom", uuid_urn(33))
    assert notice.published == "2023-10-09T09:00:00+08:00"
    assert notice.updated == "2023-10-10T16:20:00+08:00"
    assert "更正（2023-10-10 16:20）：更正第2名的统一社会信用代码" in notice.summary
    assert ids(built_site, "/feeds/corrections.atom") == [correction.id]
    assert ids(built_site, "/feeds/programmes/shili-district/corrections.rss") == []


def test_a_revocation_is_an_entry_and_updates_its_decision(built_site):
    revocation = entry(built_site, "/feeds/revocations.atom", uuid_urn(35))
    assert revocation.link == f"{BASE}/revocations/35/"
    assert f'href="{BASE}/decisions/34/"' in revocation.content[0].value
    decision = entry(built_site, "/feeds/programmes/shili-city/decisions.atom", uuid_urn(34))
    assert decision.published == "2023-11-21T10:00:00+08:00"
    assert decision.updated == "2024-03-15T15:00:00+08:00"  # the revocation's publication
    assert "已撤销：【示例】示例精密机械有限公司的2023年度示例市市长质量奖" in decision.summary
    assert f'href="{BASE}/revocations/35/"' in decision.content[0].value
    # The award stays listed, marked revoked.
    assert "【示例】示例精密机械有限公司" in decision.content[0].value
    rss = entry(built_site, "/feeds/decisions.rss", uuid_urn(34))
    assert rss.guidislink is False and rss.updated == "2024-03-15T15:00:00+08:00"


def test_a_notice_is_in_the_feed_with_its_window_before_the_period_opens(built_site):
    # notices/41.md went public on 2024-06-07 for a period from 06-10 to 06-14.
    notice = entry(built_site, "/feeds/notices.rss", uuid_urn(41))
    assert "公示期：2024年6月10日至2024年6月14日（5个工作日）" in notice.summary
    assert notice.published == "Fri, 07 Jun 2024 17:30:00 +0800"


def test_entry_content_title_link_categories_and_document_number(built_site):
    notice = entry(built_site, "/feeds/all.atom", uuid_urn(33))
    assert notice.title == "2023年度示例市市长质量奖获奖建议名单公示"
    assert notice.link == f"{BASE}/notices/33/"
    assert notice.author == "示例市标准化和质量强市领导小组办公室"
    assert [(t.term, t.label) for t in notice.tags] == [
        ("shili-city", "示例市市长质量奖"),
        ("notices", "公示"),
        ("2023", "2023年"),
    ]
    assert notice.dc_identifier == "示质办〔2023〕12号"
    html = notice.content[0].value
    assert "【示例】示例果业集团有限公司" in html and "示质办〔2023〕12号" in html
    assert "<script" not in html and "修改错别字" not in html


def test_feedgen_traps(built_site):
    # add_entry() prepends by default: entries must come newest first.
    atom = parse(built_site, "/feeds/all.atom")
    published = [datetime.fromisoformat(item.published) for item in atom.entries]
    assert published == sorted(published, reverse=True) and len(published) == 7
    # RSS channel <link> is the last link set: it must be the page, not the feed itself.
    rss = (built_site / "feeds/programmes/shili-city/notices.rss").read_text(encoding="utf-8")
    assert f"<link>{BASE}/notices/programme/shili-city/</link>" in rss
    # Atom enclosures keep rel, type and length.
    enclosure = next(
        link
        for link in entry(built_site, "/feeds/all.atom", uuid_urn(33)).links
        if link.rel == "enclosure"
    )
    assert enclosure.type == "application/pdf" and enclosure.length == "118"
    assert enclosure.href.startswith(f"{BASE}/attachments/7/")
    rss_enclosure = entry(built_site, "/feeds/all.rss", uuid_urn(33)).enclosures[0]
    assert rss_enclosure.type == "application/pdf" and rss_enclosure.length == "118"
    # A date without a time zone is refused, with the item named.
    naive = _entry(published=datetime(2024, 6, 7, 17, 30))
    with pytest.raises(FeedInvalid) as refused:
        prepare([naive], BASE)
    assert refused.value.errors == [
        "notices/41（测试）：缺少带时区的发布时间（datetime.datetime(2024, 6, 7, 17, 30)）"
    ]


def _entry(**fields) -> FeedEntry:
    moment = datetime(2024, 6, 7, 17, 30, tzinfo=CHINA)
    values = {
        "id": uuid_urn(41),
        "kind": "notices",
        "programme": "shili-district",
        "title": "测试",
        "url": "/notices/41/",
        "published": moment,
        "updated": moment,
        "author": "示例区市场监督管理局",
        "summary": "摘要",
        "content_html": "<p>正文</p>",
        "categories": (Category("notices", "公示", "/subscribe/"),),
        "document_number": "",
        "attachments": (),
        "source": "notices/41（测试）",
    }
    return FeedEntry(**{**values, **fields})


def test_a_link_that_cannot_be_made_absolute_names_the_item():
    broken = Attachment("附件", "attachments/41/a.pdf", "http://[broken/a.pdf", 1, "0" * 64)
    with pytest.raises(FeedInvalid) as refused:
        prepare([_entry(url="http://:80/", attachments=(broken,))], BASE)
    assert refused.value.errors == [
        "notices/41（测试）：链接无法转为绝对地址：'http://:80/'",
        "notices/41（测试）：附件链接无法转为绝对地址：'http://[broken/a.pdf'",
    ]


def test_a_build_without_an_absolute_address_for_feeds_stops(content, tmp_path):
    finished = build(
        content, tmp_path / "output", extra_arguments=("-e", 'GONGSHI_FEED_BASE_URL="127.0.0.1"')
    )
    assert finished.returncode == 1
    assert "订阅源需要站点的公开地址" in finished.stderr
    assert not (tmp_path / "output" / "index.html").exists()


def test_an_item_without_a_date_fails_the_build_naming_it(content, tmp_path):
    _edit(content / "notices/41.md", '"first_published_at": "2024-06-07T17:30:00+08:00",\n', "")
    finished = build(content, tmp_path / "output")
    assert finished.returncode == 1
    assert re.search(r"notices/41\.md.*first_published_at", finished.stderr)
    assert not (tmp_path / "output" / "feeds").exists()


def test_hostile_text_gives_well_formed_feeds(content, tmp_path):
    title = "<b>异议</b> & 公示 😀 𪚥𠀀 “引号” ]]>"
    _edit(
        content / "notices/41.md",
        '"title": "2024年度示例区区长质量奖候选名单公示"',
        f'"title": "{title}"',
    )
    _edit(
        content / "notices/41.md",
        "公示期为2024年6月10日至6月14日。",
        "公示期\x01为\x0b2024年\x1f6月\ufffe10日 <script>alert(1)</script>"
        "<img src=x onerror=alert(1)> [链接](javascript:alert(1)) & < > 😀 𪚥。",
    )
    output = built(content, tmp_path)
    for path in (output / "feeds").rglob("*.*"):
        assert problems(path.read_bytes()) == [], path
    for path in ("/feeds/all.atom", "/feeds/notices.rss"):
        notice = entry(output, path, uuid_urn(41))
        assert notice.title == plain_text(title)
        html = notice.content[0].value
        assert "公示期为2024年6月10日" in html and "😀 𪚥" in html
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]", html)
        assert "<script" not in html and "onerror" not in html and "javascript:" not in html


HOSTILE = "<img src=x onerror=alert(1)>&lt;script&gt;alert(2)&lt;/script&gt;<b>公示</b>"
# Where a feed carries text, not HTML: Atom (no namespace prefix in feedgen's output) and
# RSS elements, and the attributes holding text.
TEXT_ELEMENTS = {"title", "subtitle", "summary", "description", "name", "author",
                 "{http://purl.org/dc/elements/1.1/}identifier"}  # fmt: skip
TEXT_ATTRIBUTES = {"label", "title"}


def test_titles_and_summaries_are_plain_text_no_reader_renders(content, tmp_path):
    """Editor text that looks like HTML (a title, a summary, the issuing body, an
    attachment's title, a programme's name) reaches every feed's text elements as text a
    reader shows and never renders, in Atom and in RSS; the content (HTML) is sanitised."""
    import xml.etree.ElementTree as ET

    _edit(content / "notices/41.md", '"title": "2024年度', f'"title": "{HOSTILE}2024年度')
    _edit(content / "notices/41.md", '"summary": "', f'"summary": "{HOSTILE}')
    _edit(content / "notices/41.md", '"issuing_body": "', f'"issuing_body": "{HOSTILE}')
    _edit(
        content / "notices/33.md",
        '{"title": "2023年度获奖建议名单（PDF）"',
        f'{{"title": "{HOSTILE}"',
    )
    _edit(content / "programmes/2.md", '"title": "', f'"title": "{HOSTILE}')
    output = built(content, tmp_path)
    checked = 0
    for path in sorted((output / "feeds").rglob("*")):
        if path.suffix not in (".atom", ".rss"):
            continue
        for element in ET.parse(path).iter():
            local = element.tag.rsplit("}", 1)[-1]
            is_text = element.tag in TEXT_ELEMENTS or local in TEXT_ELEMENTS
            texts = [element.text or ""] if is_text else []
            texts += [element.get(name, "") for name in TEXT_ATTRIBUTES]
            for text in texts:
                assert not set(text) & set("<>&"), (path.name, element.tag, text)
                checked += "onerror" in text
    assert checked > 10
    for path in ("/feeds/all.atom", "/feeds/all.rss"):
        notice = entry(output, path, uuid_urn(41))
        assert notice.title.startswith("＜img src=x onerror=alert(1)＞＆lt;script＆gt;")
        html = notice.content[0].value  # HTML: the same text, escaped
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<img" not in html and "<script" not in html and "<b>" not in html


def test_xml_text_keeps_what_xml_allows():
    assert xml_text("a\x00b\x08c\td\ne\x0b\x1f\x7f\x85f😀𪚥\ufffe\uffff") == "abc\td\nef😀𪚥"


def test_ids_stay_when_items_are_edited_revoked_or_corrected(content, tmp_path):
    before = built(content, tmp_path / "before")
    ids_before = ids(before, "/feeds/all.atom")
    notice_before = entry(before, "/feeds/all.atom", uuid_urn(41))

    # A minor change: retitled, re-summarised, a minor line in its history.
    notice = content / "notices/41.md"
    _edit(
        notice,
        '"title": "2024年度示例区区长质量奖候选名单公示"',
        '"title": "2024年度示例区区长质量奖候选名单的公示"',
    )
    _edit(
        notice,
        '"last_published_at": "2024-06-07T17:30:00+08:00"',
        '"last_published_at": "2024-06-08T09:00:00+08:00"',
    )
    _edit(
        notice,
        '"note": "首次发布", "is_major": true}',
        '"note": "首次发布", "is_major": true},\n'
        '    {"published_at": "2024-06-08T09:00:00+08:00", "note": "修改标题用字", "is_major": false}',
    )
    minor = built(content, tmp_path / "minor")
    assert ids(minor, "/feeds/all.atom") == ids_before
    after_minor = entry(minor, "/feeds/all.atom", uuid_urn(41))
    assert after_minor.title == "2024年度示例区区长质量奖候选名单的公示"
    assert (after_minor.published, after_minor.updated) == (
        notice_before.published,
        notice_before.updated,
    )
    assert ids(minor, "/feeds/corrections.atom") == ids(before, "/feeds/corrections.atom")

    # A major change: a correction entry of its own, the notice's entry updated.
    _edit(
        notice,
        '"last_published_at": "2024-06-08T09:00:00+08:00"',
        '"last_published_at": "2024-06-11T10:00:00+08:00"',
    )
    _edit(
        notice,
        '"is_major": false}',
        '"is_major": false},\n'
        '    {"published_at": "2024-06-11T10:00:00+08:00", "note": "更正第2名的得分", "is_major": true}',
    )
    major = built(content, tmp_path / "major")
    ids_major = ids(major, "/feeds/all.atom")
    assert set(ids_major) - set(ids_before) == {ids_major[0]}  # one new entry, the newest
    correction = entry(major, "/feeds/all.atom", ids_major[0])
    assert correction.summary == "更正第2名的得分"
    assert ids(major, "/feeds/programmes/shili-district/corrections.atom") == [correction.id]
    corrected = entry(major, "/feeds/all.atom", uuid_urn(41))
    assert corrected.updated == "2024-06-11T10:00:00+08:00"
    assert corrected.published == notice_before.published

    # The same content built again gives the same ids and the same bytes.
    again = built(content, tmp_path / "again")
    for path in (major / "feeds").rglob("*.*"):
        assert (again / path.relative_to(major)).read_bytes() == path.read_bytes(), path


def test_archives_are_fixed_chunks_from_the_oldest_entry(content, tmp_path):
    output = built(content, tmp_path / "small", "-e", "GONGSHI_FEED_SIZE=2")
    feeds = output / "feeds"
    # 7 entries, 2 a document: 3 full archives, the newest 2 in the subscription document.
    assert sorted(p.name for p in feeds.glob("all*.atom")) == [
        "all-archive-1.atom",
        "all-archive-2.atom",
        "all-archive-3.atom",
        "all.atom",
    ]
    current = (feeds / "all.atom").read_bytes()
    assert not is_archive(current)
    assert history_links(current) == {"prev-archive": f"{BASE}/feeds/all-archive-3.atom"}
    first = (feeds / "all-archive-1.atom").read_bytes()
    assert is_archive(first)
    assert history_links(first) == {
        "current": f"{BASE}/feeds/all.atom",
        "next-archive": f"{BASE}/feeds/all-archive-2.atom",
    }
    assert history_links((feeds / "all-archive-3.rss").read_bytes()) == {
        "current": f"{BASE}/feeds/all.rss",
        "prev-archive": f"{BASE}/feeds/all-archive-2.rss",
    }
    for path in feeds.rglob("*.*"):
        assert problems(path.read_bytes()) == [], path
    # Every entry is reachable from the subscription document by following prev-archive.
    everything = set(ids(output, "/feeds/all.atom"))
    for number in (1, 2, 3):
        everything |= set(ids(output, f"/feeds/all-archive-{number}.atom"))
    assert everything == set(ids(built(content, tmp_path / "full"), "/feeds/all.atom"))
    assert ids(output, "/feeds/all-archive-1.atom") == [uuid_urn(32), uuid_urn(31)]

    # A new publication changes the subscription document, never a full archive.
    archived = {n: ids(output, f"/feeds/all-archive-{n}.atom") for n in (1, 2, 3)}
    newer = (content / "notices/41.md").read_text(encoding="utf-8")
    newer = newer.replace('"id": 41', '"id": 42').replace("000000000041", "000000000042")
    newer = newer.replace("2024-00041", "2024-00042")
    newer = newer.replace("2024-06-07T17:30:00", "2024-06-09T08:00:00")
    (content / "notices/42.md").write_text(newer, encoding="utf-8")
    grown = built(content, tmp_path / "grown", "-e", "GONGSHI_FEED_SIZE=2")
    assert ids(grown, "/feeds/all.atom")[0] == uuid_urn(42)
    for number, entries in archived.items():
        assert ids(grown, f"/feeds/all-archive-{number}.atom") == entries
    # 8 entries fill a 4th chunk: the two newest, also in the subscription document.
    assert ids(grown, "/feeds/all-archive-4.atom") == ids(grown, "/feeds/all.atom")
    assert not (grown / "feeds/all-archive-5.atom").exists()


def test_pages_announce_their_feeds_and_the_subscribe_page_lists_them(built_site):
    def alternates(path):
        html = (built_site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
        return re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">',
            html,
        )

    for page in built_site.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        assert 'href="/feeds/all.atom"' in html and 'href="/feeds/all.rss"' in html, page
        assert '<a href="/subscribe/">订阅更新</a>' in html, page
    assert alternates("/notices/33/") == [
        "/feeds/all.atom",
        "/feeds/programmes/shili-city/all.atom",
    ]
    assert alternates("/programmes/shili-district/") == [
        "/feeds/all.atom",
        "/feeds/programmes/shili-district/all.atom",
    ]
    assert alternates("/decisions/") == ["/feeds/all.atom", "/feeds/decisions.atom"]
    assert alternates("/revocations/") == ["/feeds/all.atom", "/feeds/revocations.atom"]
    assert alternates("/notices/type/call/") == ["/feeds/all.atom", "/feeds/calls.atom"]
    assert "/feeds/notices.atom" in alternates("/notices/")

    subscribe = (built_site / "subscribe/index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'href="(/feeds/[^"]+)"', subscribe))
    written = {
        "/" + p.relative_to(built_site).as_posix() for p in (built_site / "feeds").rglob("*.*")
    }
    assert listed == written
    assert "什么是订阅（RSS）" in subscribe and "怎样订阅" in subscribe
    assert f"<code>{BASE}/feeds/all.atom</code>" in subscribe


def test_the_rules_catch_what_the_parser_lets_through(built_site):
    rss = (built_site / "feeds/notices.rss").read_text(encoding="utf-8")
    broken = re.sub(r"<description>[^<]*</description>\s*<content", "<content", rss, count=1)
    broken = broken.replace("<pubDate>Fri, 07 Jun 2024 17:30:00 +0800", "<pubDate>2024-06-07", 1)
    broken = broken.replace(f"<link>{BASE}/notices/41/</link>", "<link>/notices/41/</link>", 1)
    assert not feedparser.parse(broken.encode()).bozo
    assert problems(broken.encode()) == [
        f"item {uuid_urn(41)}: no <description>",
        f"item {uuid_urn(41)} pubDate: '2024-06-07' is not a valid date",
        f"item {uuid_urn(41)} link: '/notices/41/' is not an absolute http(s) URL",
    ]


def test_a_feed_with_no_entries_is_dated_by_its_programme_not_by_the_build_date(built_site):
    """shili-district (programmes/3.md, last published 2023-01-05 09:10) has no document
    yet: its feeds are as of that moment, whatever day the site is built (a new day then
    rewrites no empty feed, tests/site/test_site_incremental_day.py)."""
    empty = 0
    for kind in ("all", *KINDS):
        for format in ("atom", "rss"):
            feed = parse(built_site, f"/feeds/programmes/shili-district/{kind}.{format}")
            if feed.entries:
                continue
            empty += 1
            assert feed.feed.updated_parsed[:5] == (2023, 1, 5, 1, 10)  # 09:10 in Beijing
    assert empty >= 2
