"""The feeds through the whole pipeline: pages published, edited and revoked in the CMS,
built by the worker's code path with the real Pelican project, read with feedparser as a
subscriber's reader would."""

from datetime import date, timedelta

import feedparser
import pytest
from factories import draft_notice, published_decision, published_revocation
from feedcheck import problems

from cms.notices.models import PublicityNoticePage
from cms.programmes.models import EditionPage
from cms.publishing import tasks
from cms.publishing.models import SiteBuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(demo_site_dir):
    return demo_site_dir / "live"


def rebuild():
    """Run the builds that publishing queued, as the worker does."""
    queued = SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED)
    for build in queued or [tasks.request_build("测试")]:
        finished = tasks.run_build(build.pk)
        assert finished.status == SiteBuild.Status.SUCCEEDED, finished.error


def read(live, path: str):
    data = (live / path.lstrip("/")).read_bytes()
    assert problems(data) == [], path
    return feedparser.parse(data)


def entries(live, path: str) -> dict:
    return {entry.id: entry for entry in read(live, path).entries}


def urn(page) -> str:
    return f"urn:uuid:{page.translation_key}"


def test_a_published_notice_reaches_its_feeds(live):
    today = date.today()
    notice = draft_notice(
        EditionPage.objects.live().last(),
        title="新发布的候选名单公示",
        slug="new",
        date_signed=today,
        start_date=today + timedelta(days=3),
        end_date=today + timedelta(days=9),
    )
    assert urn(notice) not in entries(live, "/feeds/all.atom")
    notice.save_revision().publish()
    rebuild()

    slug = notice.programme.slug
    for path in ("/feeds/all.atom", "/feeds/notices.rss", f"/feeds/programmes/{slug}/all.atom"):
        entry = entries(live, path)[urn(notice)]
        assert entry.title == "新发布的候选名单公示"
        assert entry.link.endswith(f"/notices/{notice.pk}/")
        start = today + timedelta(days=3)
        assert f"公示期：{start.year}年{start.month}月{start.day}日至" in entry.summary
    assert read(live, "/feeds/all.atom").entries[0].id == urn(notice)  # newest first
    assert urn(notice) not in entries(live, "/feeds/decisions.atom")


def test_nothing_unpublished_reaches_a_feed(live):
    for notice in PublicityNoticePage.objects.filter(live=False):
        for path in ("/feeds/all.atom", "/feeds/all.rss"):
            assert urn(notice) not in entries(live, path)


def test_a_revocation_is_an_entry_and_an_update_of_its_decision(live):
    edition = EditionPage.objects.live().last()
    award = published_decision(
        edition, "【测试】被撤销的公司", "91140800MA0000077X", date.today() - timedelta(days=30)
    )
    rebuild()
    decision = award.decision
    before = entries(live, "/feeds/all.atom")[urn(decision)]

    revocation = published_revocation(award, date.today())
    rebuild()
    after = entries(live, "/feeds/all.atom")
    assert urn(revocation) in after
    assert urn(revocation) in entries(live, "/feeds/revocations.rss")
    updated = after[urn(decision)]  # the same entry, updated
    assert updated.published == before.published
    assert updated.updated > before.updated
    assert "已撤销：【测试】被撤销的公司" in updated.summary
    assert f"/revocations/{revocation.pk}/" in updated.content[0].value
    assert urn(decision) in entries(live, "/feeds/decisions.rss")


def test_a_minor_edit_changes_no_entry_and_a_major_one_adds_a_correction(live):
    notice = PublicityNoticePage.objects.live().first()
    before = entries(live, "/feeds/all.atom")
    corrections_before = (live / "feeds/corrections.atom").read_bytes()

    notice.summary = notice.summary + "（修改标点）"
    notice.change_note = "修改标点"
    notice.change_is_major = False
    notice.save_revision().publish()
    rebuild()
    minor = entries(live, "/feeds/all.atom")
    assert list(minor) == list(before)
    for entry_id, entry in before.items():
        assert (minor[entry_id].published, minor[entry_id].updated) == (
            entry.published,
            entry.updated,
        )
    assert (live / "feeds/corrections.atom").read_bytes() == corrections_before

    notice = PublicityNoticePage.objects.get(pk=notice.pk)
    notice.change_note = "更正第2名的统一社会信用代码"
    notice.change_is_major = True
    notice.save_revision().publish()
    rebuild()
    major = entries(live, "/feeds/all.atom")
    new = set(major) - set(before)
    assert len(new) == 1 and set(before) <= set(major)  # every id kept, one entry added
    correction = major[new.pop()]
    assert correction.summary == "更正第2名的统一社会信用代码"
    assert correction.title == f"更正：{notice.title}"
    assert correction.id in entries(live, "/feeds/corrections.rss")
    assert major[urn(notice)].updated == correction.updated > before[urn(notice)].updated
