"""The whole pipeline with the real site: demo content published in the CMS, built by the
worker's code path with the real Pelican project, read as a citizen would."""

from datetime import date, timedelta

import pytest
from factories import draft_notice

from cms.decisions.models import Award
from cms.notices.models import PublicityNoticePage
from cms.programmes.models import EditionPage
from cms.publishing import tasks
from cms.publishing.models import SiteBuild
from cms.revocations.models import RevocationPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(demo_site_dir):
    return demo_site_dir / "live"


def page(live, path: str) -> str:
    return (live / path.strip("/") / "index.html").read_text(encoding="utf-8")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_built_demo_site_shows_what_is_published_and_only_that(demo_site):
    for notice in PublicityNoticePage.objects.all():
        target = demo_site / "notices" / str(notice.pk) / "index.html"
        assert target.exists() == notice.live, notice.title
        if notice.live:
            assert notice.document_number in target.read_text(encoding="utf-8")

    # a revocation marks the award on its decision and its winner's page, never hides it
    revocation = RevocationPage.objects.live().first()
    award = revocation.award
    decision = page(demo_site, f"/decisions/{award.decision_id}/")
    assert "已撤销" in decision and f"/revocations/{revocation.pk}/" in decision
    assert chinese_date(revocation.date_signed) in decision
    winner = page(demo_site, f"/winners/{award.credit_code}/")
    assert "已撤销" in winner and f"/revocations/{revocation.pk}/" in winner
    assert award.recipient in page(demo_site, "/winners/")

    # every live award is in the open data
    winners = (demo_site / "data" / "winners.json").read_text(encoding="utf-8")
    for award in Award.objects.filter(decision__live=True):
        assert award.recipient in winners


def test_a_new_publish_reaches_its_page_the_listings_and_the_home_page(demo_site):
    today = date.today()
    notice = draft_notice(
        EditionPage.objects.live().last(),
        title="新发布的候选名单公示",
        slug="new",
        start_date=today,
        end_date=today + timedelta(days=9),
    )
    notice.save_revision().publish()
    queued = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert tasks.run_build(queued.pk).status == SiteBuild.Status.SUCCEEDED

    assert "新发布的候选名单公示" in page(demo_site, f"/notices/{notice.pk}/")
    assert "新发布的候选名单公示" in page(demo_site, "/notices/")
    assert "新发布的候选名单公示" in page(demo_site, "/")
