"""The content endpoint keeps each page's export until something it was made from changes:
a publish re-exports only what it changed, and a publish, an unpublish, a draft or a
private section shows (or stays hidden) at once all the same. What it serves, paged, is
always what export.collect() returns."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import draft_notice, published_decision, published_revocation
from wagtail.log_actions import log
from wagtail.models import Page, PageViewRestriction

from cms.programmes.models import EditionPage
from cms.publishing import export, published_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(monkeypatch):
    """The ids of the pages the endpoint exported, in order, across requests (collect()
    exports everything, and a publish's log entry hashes its page from a partial tree:
    neither is counted)."""
    pages = []
    real = export.Exporter.export

    def counted(self, nodes, *, everything=False):
        if not everything and self.tree.whole:
            pages.extend(node.pk for node in nodes)
        return real(self, nodes, everything=everything)

    monkeypatch.setattr(export.Exporter, "export", counted)
    return pages


@pytest.fixture
def tree_reads(monkeypatch):
    """How many times the whole page tree was read."""
    reads = []
    real = export.PageTree.__init__

    def counted(self, whole=True):
        if whole:  # a partial tree (PageTree.around: a publish's log entry) reads a few pages
            reads.append(1)
        real(self, whole=whole)

    monkeypatch.setattr(export.PageTree, "__init__", counted)
    return reads


def paths(client, limit=100) -> dict[str, dict]:
    """Every item the endpoint serves, paging through it `limit` at a time."""
    items, offset = {}, 0
    while True:
        response = client.get(f"/api/v2/content/?offset={offset}&limit={limit}")
        assert response.status_code == 200
        answer = response.json()
        items |= {item["path"]: item["document"] for item in answer["items"]}
        offset += len(answer["items"])
        if not answer["items"] or offset >= answer["meta"]["total_count"]:
            assert len(items) == answer["meta"]["total_count"]
            return items


def collected() -> dict[str, dict]:
    return {str(item.path): item.document for item in export.collect()}


def published_notice(edition, **fields):
    notice = draft_notice(edition, **fields)
    notice.save_revision().publish()
    notice.refresh_from_db()
    return notice


def test_a_publish_exports_only_the_page_it_changed(client, edition, exported, tree_reads):
    notice = published_notice(edition, slug="first")
    first = paths(client)
    assert paths(client) == first and paths(client) == first
    count = len(exported)
    assert count == len([path for path in first if not path.startswith("channels/")])
    assert len(tree_reads) == 1

    other = published_notice(edition, slug="second")
    assert f"notices/{other.pk}.md" in paths(client)
    assert exported[count:] == [other.pk]

    notice.title = "更正后的公示"
    notice.save_revision().publish()
    assert paths(client)[f"notices/{notice.pk}.md"]["title"] == "更正后的公示"
    assert exported[count + 1 :] == [notice.pk]
    assert len(tree_reads) == 1, "the tree is brought up to date from the log"
    assert paths(client) == collected()


def test_drafts_and_unpublished_pages_are_never_served(client, edition):
    live = published_notice(edition, slug="live", title="已发布的公示")
    draft = draft_notice(edition, slug="draft", title="草稿")
    assert f"notices/{live.pk}.md" in paths(client)
    assert f"notices/{draft.pk}.md" not in paths(client)

    live.title = "尚未发布的新标题"
    live.save_revision()  # a draft of a live page: the live version stays public
    assert paths(client)[f"notices/{live.pk}.md"]["title"] == "已发布的公示"

    draft.save_revision()  # saved again, still a draft
    assert f"notices/{draft.pk}.md" not in paths(client)

    withdrawn = published_notice(edition, slug="withdrawn", title="将撤下的公示")
    assert f"notices/{withdrawn.pk}.md" in paths(client)
    withdrawn.unpublish()
    assert f"notices/{withdrawn.pk}.md" not in paths(client)
    assert paths(client) == collected()


def test_an_unpublish_without_a_log_entry_is_still_seen(client, edition):
    """The kept export is keyed on the pages' state too, not only on Wagtail's log."""
    notice = published_notice(edition)
    assert f"notices/{notice.pk}.md" in paths(client)

    Page.objects.filter(pk=notice.pk).update(live=False)
    assert f"notices/{notice.pk}.md" not in paths(client)

    # Beside a logged publish, whose page alone the tree reads again.
    again = published_notice(edition, slug="again")
    assert f"notices/{again.pk}.md" in paths(client)
    published_notice(edition, slug="logged")
    Page.objects.filter(pk=again.pk).update(live=False)
    assert f"notices/{again.pk}.md" not in paths(client)


def test_an_unpublished_or_private_section_hides_every_page_below_it(client, programmes):
    edition = EditionPage(title="2023年度", slug="2023", number=3, year=2023)
    programmes["yuncheng"].add_child(instance=edition)
    edition.save_revision().publish()
    edition.refresh_from_db()
    notice = published_notice(edition)
    assert f"notices/{notice.pk}.md" in paths(client)

    restriction = PageViewRestriction.objects.create(page=edition, restriction_type="login")
    assert f"notices/{notice.pk}.md" not in paths(client)
    restriction.delete()
    assert f"notices/{notice.pk}.md" in paths(client)

    edition.unpublish()
    assert f"notices/{notice.pk}.md" not in paths(client)
    assert paths(client) == collected()


def test_a_change_above_or_beside_a_page_exports_it_again(client, edition, exported):
    """A page's export reads its programme and edition, the pages it links to, and for a
    revocation the decision it revokes: a publish of any of them exports it again."""
    notice = published_notice(edition, slug="notice")
    linking = published_notice(
        edition,
        slug="linking",
        body=f'<p>见<a linktype="page" id="{notice.pk}">公示</a></p>',
    )
    award = published_decision(edition, "运城示例有限公司", "91140800MA0000001A", date(2023, 12, 1))
    revocation = published_revocation(award, date(2024, 6, 1))
    served = paths(client)
    assert served[f"notices/{linking.pk}.md"] == collected()[f"notices/{linking.pk}.md"]

    edition.title = "2023年度（第三届，已更正）"
    edition.save_revision().publish()
    served = paths(client)
    assert served[f"notices/{notice.pk}.md"]["edition"]["title"] == "2023年度（第三届，已更正）"
    assert served == collected()

    notice.refresh_from_db()
    notice.unpublish()
    count = len(exported)
    assert paths(client) == collected()  # the link is dropped from the linking page
    assert linking.pk in exported[count:]

    award.decision.refresh_from_db()
    decision = award.decision
    decision.awards.first().recipient = "不应出现的名称"  # a draft of the decision
    decision.save_revision()
    count = len(exported)
    assert paths(client) == collected()
    assert revocation.pk not in exported[count:]

    programme = edition.get_parent().specific
    programme.title = "运城市市长质量奖（更正）"
    programme.save_revision().publish()
    served = paths(client)
    assert served == collected()
    assert served[f"revocations/{revocation.pk}.md"]["programme"] == programme.slug


def test_a_logged_change_the_versions_miss_is_exported_again(client, edition):
    """A page's row changed without a new revision (a script, a half-finished publish)
    but logged: its kept export is not served again."""
    notice = published_notice(edition)
    paths(client)
    Page.objects.filter(pk=notice.pk).update(title="脚本修改的标题")
    log(instance=notice, action="wagtail.edit")

    assert paths(client)[f"notices/{notice.pk}.md"]["title"] == "脚本修改的标题"


def test_everything_is_exported_again_after_max_age(client, edition, exported, monkeypatch):
    published_notice(edition)
    paths(client)
    count = len(exported)
    paths(client)
    assert len(exported) == count
    monkeypatch.setattr(published_content, "MAX_AGE_SECONDS", -1)
    paths(client)
    assert len(exported) == 2 * count


def test_the_answer_after_a_publish_reads_a_fixed_number_of_queries(client, edition):
    """However many pages there are: the state, the tree, and the changed pages' rows."""

    def queries_after_a_publish(count: int) -> int:
        for number in range(count):
            published_notice(edition, slug=f"n{count}-{number}")
        paths(client)
        published_notice(edition, slug=f"after-{count}")
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/v2/content/?offset=0&limit=100")
        return len(queries)

    assert queries_after_a_publish(3) == queries_after_a_publish(30)
    with CaptureQueriesContext(connection) as warm:
        client.get("/api/v2/content/?offset=0&limit=100")
    assert len(warm) <= 15  # the publication state only


def test_a_tree_brought_up_to_date_from_the_log_is_the_tree_read_again(edition):
    kept = published_notice(edition, slug="kept")
    unpublished = published_notice(edition, slug="unpublished")
    deleted = draft_notice(edition, slug="deleted")  # a published page is never deleted
    tree = export.PageTree()

    unpublished.unpublish()
    created = published_notice(edition, slug="created")
    kept.title = "更正后的公示"
    kept.save_revision().publish()
    deleted_pk = deleted.pk
    deleted.delete()
    assert tree.update([unpublished.pk, created.pk, kept.pk, deleted_pk])

    again = export.PageTree()
    assert tree.item_pages() == again.item_pages()
    assert tree.nodes == again.nodes
    assert (
        tree.aggregates() == again.aggregates() == Page.objects.aggregate(**export.PAGE_AGGREGATES)
    )


def test_a_moved_page_is_served_where_it_went(client, programmes, edition):
    notice = published_notice(edition)
    other = EditionPage(title="2024年度（第四届）", slug="2024", number=4, year=2024)
    programmes["yuncheng"].add_child(instance=other)
    other.save_revision().publish()
    assert paths(client)[f"notices/{notice.pk}.md"]["edition"]["year"] == 2023

    notice.move(other, pos="last-child")

    assert paths(client)[f"notices/{notice.pk}.md"]["edition"]["year"] == 2024
    assert paths(client) == collected()
