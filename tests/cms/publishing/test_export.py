"""What leaves the CMS for the public site: live, public content only, in the contract's
format, the same whether exported in the CMS or fetched through the public read API."""

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import draft_notice, published_awards, published_decision, published_revocation
from two_factor import log_in
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from cms.demo.loader import load_demo
from cms.govsite.models import IndexNumber
from cms.programmes.models import EditionPage
from cms.publishing import export
from cms.publishing.models import Withdrawal, WithdrawalRequest
from cms.recipients.models import Person
from cms.reporting.models import ReportingChannel
from gongshi import contract
from gongshi_site import remote

pytestmark = pytest.mark.django_db


def exported() -> dict[str, dict]:
    return {str(item.path): item for item in export.collect()}


def published_notice(edition, **fields):
    notice = draft_notice(edition, **fields)
    notice.save_revision().publish()
    notice.refresh_from_db()
    return notice


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_only_live_public_content_leaves_the_cms(edition, programmes):
    live = published_notice(edition, title="已发布的公示", slug="live")
    draft = draft_notice(edition, title="草稿公示", slug="draft")

    corrected = published_notice(edition, title="原标题", slug="corrected")
    corrected.title = "待审核的新标题"
    corrected.save_revision()  # a pending revision is not live

    withdrawn = published_notice(edition, title="已撤下的公示", slug="withdrawn")
    withdrawn.unpublish()

    scheduled = draft_notice(edition, title="定时发布的公示", slug="scheduled")
    scheduled.go_live_at = timezone.now() + timedelta(days=2)
    scheduled.save_revision().publish()  # only schedules it

    hidden_edition = EditionPage(title="未发布的届次", slug="2020", number=1, year=2020, live=False)
    programmes["yuncheng"].add_child(instance=hidden_edition)
    orphan = published_notice(hidden_edition, title="上级未发布的公示", slug="orphan")

    private_edition = EditionPage(title="内部届次", slug="2021", number=2, year=2021)
    programmes["yuncheng"].add_child(instance=private_edition)
    PageViewRestriction.objects.create(page=private_edition, restriction_type="login")
    private = published_notice(private_edition, title="内部公示", slug="private")

    items = exported()
    notices = {
        item.document["title"] for item in items.values() if item.document["kind"] == "notice"
    }
    assert notices == {"已发布的公示", "原标题"}
    assert f"notices/{live.pk}.md" in items
    for absent in (draft, withdrawn, scheduled, orphan, private):
        assert f"notices/{absent.pk}.md" not in items
    assert {item.document["kind"] for item in items.values()} >= {"home", "programme", "notice"}


def test_every_publish_time_was_recorded_by_the_server(programmes):
    from cms.base.models import HomePage

    home = HomePage.objects.get()
    assert home.first_published_at is not None, "the home page is published, not created live"
    document = exported()["home.md"].document
    assert document["first_published_at"] == export.timestamp(home.first_published_at)
    with pytest.raises(ValueError, match="发布时间"):
        export.timestamp(None)


def test_a_demo_export_passes_the_contract_file_by_file(tmp_path):
    load_demo()
    count = export.write(export.collect(), tmp_path)

    kinds = {}
    for path in sorted(tmp_path.rglob("*.md")):
        document, _ = contract.load(path.read_text(encoding="utf-8"), str(path))
        kinds[document["kind"]] = kinds.get(document["kind"], 0) + 1
    assert sum(kinds.values()) == count
    # the demo's draft notice stays in the CMS
    assert kinds == {
        "home": 1,
        "programme": 4,
        "call": 11,
        "notice": 14,
        "decision": 9,
        "revocation": 2,
        "channel": 4,
    }
    decision = next(
        contract.load(p.read_text(encoding="utf-8"), str(p))[0]
        for p in (tmp_path / "decisions").glob("*.md")
    )
    year = decision["edition"]["year"]
    assert all(award["citation"].startswith(f"{year}年度") for award in decision["awards"])


def test_revocation_names_the_award_and_its_decision(edition):
    award = published_decision(edition, "运城示例有限公司", "91140800MA0000001A", edition_date())
    revocation = published_revocation(award, edition_date() + timedelta(days=200))
    document = exported()[f"revocations/{revocation.pk}.md"].document
    assert document["award"] | {"citation": None} == {
        "id": award.pk,
        "decision": award.decision_id,
        "recipient": "运城示例有限公司",
        "recipient_id": "91140800MA0000001A",
        "credit_code": "91140800MA0000001A",
        "level": "运城市市长质量奖",
        "citation": None,
    }
    assert document["award"]["citation"] == "2023年度运城市市长质量奖"
    assert document["grounds"] and document["grounds"][0]["article"]


def test_people_are_exported_as_their_person_never_their_name(edition):
    """Two people of one name: two recipient ids, neither derived from the name."""
    first = Person.objects.create(name="张三", distinction="甲公司")
    second = Person.objects.create(name="张三", distinction="乙公司")
    awards = published_awards(
        edition,
        [{"recipient": "张三", "person": first}, {"recipient": "张三", "person": second}],
        edition_date(),
    )
    document = exported()[f"decisions/{awards[0].decision_id}.md"].document
    ids = [award["recipient_id"] for award in document["awards"]]
    assert ids == [first.public_id, second.public_id] and ids[0] != ids[1]
    assert all(
        award["recipient"] == "张三" and award["credit_code"] == "" for award in document["awards"]
    )
    assert "甲公司" not in json.dumps(document, ensure_ascii=False)  # the distinction is not public


def edition_date():
    from datetime import date

    return date(2023, 12, 1)


def test_rich_text_reaches_content_harmless(edition):
    notice = published_notice(
        edition,
        title="<script>alert('标题')</script>公示",
        body=(
            '<p>正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a>'
            '<a href="https://www.gov.cn/">政府网</a></p>'
        ),
    )
    item = exported()[f"notices/{notice.pk}.md"]
    assert item.body == "正文链接[政府网](<https://www.gov.cn/>)"
    # a title is data: kept as typed, escaped by the site's templates
    assert item.document["title"] == "<script>alert('标题')</script>公示"


def test_attachments_travel_with_their_checksum(edition, tmp_path):
    data = b"%PDF-1.4\n" + "公示附件内容".encode()
    document = Document.objects.create(title="公示名单（PDF）", file=ContentFile(data, "list.pdf"))
    notice = draft_notice(edition, attachments=[("document", document)])
    notice.save_revision().publish()

    export.write(export.collect(), tmp_path)
    text = (tmp_path / "notices" / f"{notice.pk}.md").read_text(encoding="utf-8")
    meta, _ = contract.load(text, f"notices/{notice.pk}.md")
    [attachment] = meta["attachments"]
    assert attachment["title"] == "公示名单（PDF）"
    assert attachment["sha256"] == hashlib.sha256(data).hexdigest()
    assert (tmp_path / attachment["file"]).read_bytes() == data


def test_channels_are_exported_once_live(programmes):
    channel = ReportingChannel(
        programme=programmes["yuncheng"],
        name="运城市市长质量奖监督组",
        phone="0359-0000000",
        report_contents="被举报对象、事实和证据",
        procedure="受理后10个工作日内答复",
        confidentiality_promise="对举报人信息严格保密",
        live=False,
    )
    channel.save()
    assert f"channels/{channel.pk}.md" not in exported()
    channel.save_revision().publish()
    document = exported()[f"channels/{channel.pk}.md"].document
    assert document["programme"] == "yuncheng" and document["phone"] == "0359-0000000"


def test_an_unpublished_item_leaves_a_public_reason(client, users, edition):
    notice = published_notice(edition, title="误发的公示", slug="mistake")
    log_in(client, users["approver"])
    url = reverse("wagtailadmin_pages:unpublish", args=(notice.pk,))

    refused = client.post(url, {"withdrawal_reason": "  "})
    assert refused.status_code == 302
    notice.refresh_from_db()
    assert notice.live, "no reason, no unpublishing"

    client.post(url, {"withdrawal_reason": "误发了未经审定的名单，已撤回核实。"})
    notice.refresh_from_db()
    assert notice.live, "one approver only asks"
    request = WithdrawalRequest.objects.get(page=notice)
    second = Client()
    log_in(second, users["approver2"])
    second.post(reverse("withdrawal_request_confirm", args=(request.pk,)))
    notice.refresh_from_db()
    assert not notice.live
    withdrawal = Withdrawal.objects.get(page=notice)
    assert withdrawal.requested_by == users["approver"]
    assert withdrawal.confirmed_by == users["approver2"]

    document = exported()[f"withdrawn/{notice.pk}.md"].document
    assert document["withdrawn_kind"] == "notice"
    # Its 索引号 stays with it in the catalogue, on the 410 page too.
    assert document["index_number"] == IndexNumber.objects.get(page_id=notice.pk).number
    assert document["reason"] == "误发了未经审定的名单，已撤回核实。"
    assert document["title"] == "误发的公示"
    assert f"notices/{notice.pk}.md" not in exported()

    notice.save_revision().publish()  # published again: no longer withdrawn
    assert f"withdrawn/{notice.pk}.md" not in exported()


def test_a_remote_build_exports_the_same_tree_through_the_public_api(client, tmp_path):
    load_demo()
    document = Document.objects.create(title="附件", file=ContentFile(b"%PDF-1.4 demo", "a.pdf"))
    notice = export.PublicityNoticePage.objects.live().first()
    notice.attachments = [("document", document)]
    notice.save_revision().publish()

    def fetch(url):
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        return b"".join(response.streaming_content) if response.streaming else response.content

    local, fetched = tmp_path / "local", tmp_path / "remote"
    local.mkdir(), fetched.mkdir()
    count = export.write(export.collect(), local)
    assert remote.write_from_api("http://testserver", fetched, fetch) == count
    assert tree(fetched) == tree(local)
    assert any(name.startswith("attachments/") for name in tree(local))


def test_a_tampered_attachment_fails_a_remote_export(client, edition, tmp_path):
    document = Document.objects.create(
        title="附件", file=ContentFile("%PDF-1.4 原件".encode(), "a.pdf")
    )
    draft_notice(edition, attachments=[("document", document)]).save_revision().publish()

    def fetch(url):
        if "/documents/" in url:
            return b"tampered"
        return client.get(url.removeprefix("http://testserver")).content

    with pytest.raises(contract.ContractError, match="SHA-256"):
        remote.write_from_api("http://testserver", tmp_path, fetch)


def test_the_content_endpoint_pages_and_refuses_bad_parameters(client, edition):
    published_notice(edition)
    whole = client.get("/api/v2/content/").json()
    assert whole["meta"] == {"total_count": len(whole["items"]), "schema": 2}
    second = client.get("/api/v2/content/?offset=1&limit=1").json()
    assert second["items"] == whole["items"][1:2]
    for query in ("limit=0", "limit=101", "offset=-1", "offset=x"):
        response = client.get(f"/api/v2/content/?{query}")
        assert response.status_code == 400 and "message" in response.json()


def test_the_export_reads_a_fixed_number_of_queries_however_many_pages(edition, programmes):
    """Each kind of page and of row below pages is read once for all of them."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from factories import published_decision, published_revocation

    from cms.notices.models import PublicityEntry

    def add_pages(count: int, first: int) -> None:
        for number in range(first, first + count):
            notice = draft_notice(edition, slug=f"n{number}", title=f"公示{number}")
            notice.entries = [PublicityEntry(name=f"企业{number}", category="organisation")]
            notice.body = f'<p>见<a href="https://www.gov.cn/">政府网</a>第{number}号</p>'
            notice.save_revision().publish()
            year = 2000 + number
            edition_of_year = EditionPage(
                title=f"{year}年度", slug=str(year), number=number + 10, year=year
            )
            programmes["yuncheng"].add_child(instance=edition_of_year)
            edition_of_year.save_revision().publish()
            award = published_decision(
                edition_of_year, f"获奖企业{number}", "91140800MA0000001A", date(year, 12, 1)
            )
            published_revocation(award, date(year + 1, 6, 1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            items = list(export.collect())
        assert items
        return len(captured)

    add_pages(2, 0)
    queries()  # the first also fills Django's content type cache
    few = queries()
    add_pages(6, 2)
    assert queries() == few <= 25


def test_a_partial_export_reads_the_pages_it_exports_not_the_tree(edition):
    """What an incremental build exports for a publish: the same bytes as the full
    export, read in as many queries with 3 notices as with 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = published_notice(edition, slug="target", title="被链接的公示")
    linking = published_notice(
        edition, slug="linking", body=f'<p>见<a linktype="page" id="{target.pk}">公示</a></p>'
    )

    def partial() -> tuple[dict, int]:
        with CaptureQueriesContext(connection) as captured:
            files = export.partial_export([linking.pk])
        return files, len(captured)

    files, few = partial()
    assert (
        files[f"notices/{linking.pk}.md"] == exported()[f"notices/{linking.pk}.md"].text().encode()
    )
    assert f"(</notices/{target.pk}/>)" in files[f"notices/{linking.pk}.md"].decode()
    for number in range(27):
        published_notice(edition, slug=f"more-{number}")
    assert partial()[1] == few
