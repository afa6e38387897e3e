"""The benchmark's bulk loader leaves the CMS as the publish path would, as seen by the
export: a generated archive exports file for file, and what the real workflow published
exports the same after a round trip through the loader."""

from datetime import date

import bulk_load
import corpus
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import published_decision, published_revocation

from cms.publishing import export

pytestmark = pytest.mark.django_db


def test_a_loaded_archive_exports_as_generated(tmp_path):
    made = corpus.generate(
        tmp_path / "content", notices=80, winners=8, programmes=2, years=2, revoked_share=0.5
    )
    counts = bulk_load.load(tmp_path / "content")

    assert counts["PublicityNoticePage"] == made.notices == 80
    assert counts["Award"] == len(made.winners) == 8
    assert counts["RevocationPage"] == len(made.revoked) > 0
    with CaptureQueriesContext(connection) as queries:
        items = list(export.collect())
    assert bulk_load.verify(tmp_path / "content", items) == []
    # One query per kind of page and relation, not per page: a bigger archive costs none more.
    assert len(queries) < len(items) / 2


def test_loaded_pages_are_live_with_their_revision_and_change_note(tmp_path):
    from wagtail.models import Page

    from cms.base.models import ChangeNote
    from cms.notices.models import PublicityNoticePage

    corpus.generate(tmp_path / "content", notices=6, winners=2, programmes=1, years=2)
    bulk_load.load(tmp_path / "content")

    notice = PublicityNoticePage.objects.order_by("pk").first()
    assert notice.live and not notice.has_unpublished_changes
    assert notice.live_revision == notice.latest_revision
    assert notice.live_revision.as_object().entries.count() == notice.entries.count() > 0
    assert ChangeNote.objects.get(page=notice).revision == notice.live_revision
    assert notice.get_parent().specific.pk in {e.pk for e in notice.get_ancestors().specific()}
    assert all(not problems for problems in Page.find_problems())  # treebeard's own check


def test_what_the_workflow_published_survives_a_round_trip(edition, tmp_path):
    """Publish through the real path, export, remove it all, load the export in bulk:
    the CMS exports the same documents."""
    from cms.base.models import ChangeNote
    from cms.notices.models import PublicityEntry, PublicityNoticePage
    from cms.programmes.models import ProgrammePage
    from cms.revocations.models import RevocationPage

    notice = PublicityNoticePage(
        title="2023年度候选名单公示",
        slug="candidates",
        kind="candidates",
        issuing_body="运城市市长质量奖评审办公室",
        date_signed=date(2023, 9, 25),
        start_date=date(2023, 9, 28),
        working_days=5,
        end_date=date(2023, 10, 10),
        objection_method="书面提出",
        body="<p>现将候选名单予以公示。</p><p>如有异议，请实名反映。</p>",
        live=False,
    )
    notice.entries = [
        PublicityEntry(name="运城市样例精密机械有限公司", category="organisation", region="运城")
    ]
    edition.add_child(instance=notice)
    notice.save_revision().publish()
    award = published_decision(edition, "运城市样例精密机械有限公司", "", date(2023, 12, 1))
    published_revocation(award, date(2024, 3, 1))

    before = {str(item.path): item for item in export.collect()}
    export.write(before.values(), tmp_path / "content")
    ChangeNote.objects.all().delete()  # they protect the revisions a page takes along
    for revocation in RevocationPage.objects.all():
        revocation.delete()
    for programme in ProgrammePage.objects.all():
        programme.delete()

    bulk_load.load(tmp_path / "content")

    assert bulk_load.verify(tmp_path / "content") == []
    after = {str(item.path): item for item in export.collect()}
    assert after.keys() == before.keys()
    for path, item in before.items():
        if item.document["kind"] != "programme":  # its rules come from fields outside content/
            assert after[path].text() == item.text(), path
