"""Attachments in the admin, as editors use it: an editor (not only the superuser) uploads
documents of the allow-list by each of Wagtail's three ways (the add view, the multiple
upload, the chooser's upload tab) and chooses them; a hostile file is refused each way
with the reason in Chinese and nothing is stored. A document a page or the public record
uses cannot be deleted, from the admin or a shell, and the admin says why."""

import attachment_samples as samples
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import draft_notice
from two_factor import log_in
from wagtail.documents.models import Document
from wagtail.models import Collection

from cms.base.attachments import DocumentInUse, pages_using

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Uploads into this test's own media directory, not the suite's shared one."""
    settings.MEDIA_ROOT = tmp_path / "media"


HOSTILE = [
    ("名单.html", samples.HTML),
    ("图.svg", samples.SVG),
    ("脚本.js", samples.SCRIPT),
    ("程序改名.pdf", samples.EXE),
    ("名单.js", samples.PDF),
    ("网页改名.docx", samples.HTML),
]


def root() -> int:
    return Collection.get_first_root_node().pk


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add_view(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "collection": root(), "file": upload(name, content)},
    )


def multiple_upload(client, name, content):
    return client.post(
        reverse("wagtaildocs:add_multiple"),
        {"title": name, "collection": root(), "files[]": upload(name, content)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def chooser_upload(client, name, content):
    prefix = "document-chooser-upload"
    return client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            f"{prefix}-title": name,
            f"{prefix}-collection": root(),
            f"{prefix}-file": upload(name, content),
        },
    )


WAYS = [add_view, multiple_upload, chooser_upload]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name, content", samples.allowed()[::3], ids=lambda v: str(v)[:10])
def test_an_editor_uploads_allowed_files_every_way(client, users, way, name, content):
    client.force_login(users["editor"])
    response = way(client, name, content)
    assert response.status_code in (200, 302), response.content[:300]
    document = Document.objects.get(title=name)
    assert document.uploaded_by_user == users["editor"]
    with document.open_file() as stored:
        assert stored.read() == content


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name, content", HOSTILE, ids=lambda v: str(v)[:10])
def test_hostile_files_are_refused_every_way_in_chinese(client, users, way, name, content):
    client.force_login(users["editor"])
    response = way(client, name, content)
    if way is multiple_upload:
        assert response.json()["success"] is False
        text = response.json()["error_message"]
    elif way is chooser_upload:
        assert response.json()["step"] == "reshow_creation_form"
        text = response.json()["htmlFragment"]
    else:
        text = response.text
    assert "不在允许之列" in text or "不是文件名所示的" in text, text[:500]
    assert f"附件“{name}”" in text
    assert not Document.objects.exists()


def test_the_superuser_is_refused_too(client, users):
    client.force_login(users["admin"])
    response = add_view(client, "名单.html", samples.HTML)
    assert response.status_code == 200 and "不在允许之列" in response.text
    assert not Document.objects.exists()


def test_replacing_a_documents_file_is_checked_like_an_upload(client, users):
    document = Document.objects.create(title="名单", file=ContentFile(samples.PDF, "名单.pdf"))
    client.force_login(users["editor"])
    response = client.post(
        reverse("wagtaildocs:edit", args=(document.pk,)),
        {"title": "名单", "collection": root(), "file": upload("名单.pdf", samples.HTML)},
    )
    assert response.status_code == 200 and "HTML 网页" in response.text
    document.refresh_from_db()
    with document.open_file() as stored:
        assert stored.read() == samples.PDF


def test_editors_and_approvers_choose_documents_in_the_chooser(client, users):
    Document.objects.create(title="候选名单", file=ContentFile(samples.PDF, "名单.pdf"))
    for role in ("editor", "approver", "admin"):
        client.logout()
        log_in(client, users[role])
        response = client.get(reverse("wagtaildocs_chooser:choose"))
        assert response.status_code == 200, role
        assert "候选名单" in response.json()["html"], role
    client.logout()
    log_in(client, users["editor"])
    assert client.get(reverse("wagtaildocs:index")).status_code == 200


# --- Deleting a document in use ----------------------------------------------------------
# The refusal rolls the deletion's transaction back: these tests run outside a test-wide
# transaction, as a request or a shell does.
in_own_transactions = pytest.mark.django_db(transaction=True)


@pytest.fixture
def used(edition):
    """Two documents: one a live notice attaches, one its body links; and one unused."""
    attached = Document.objects.create(title="名单（PDF）", file=ContentFile(samples.PDF, "a.pdf"))
    linked = Document.objects.create(title="说明（PDF）", file=ContentFile(samples.PDF, "b.pdf"))
    unused = Document.objects.create(title="草稿（PDF）", file=ContentFile(samples.PDF, "c.pdf"))
    notice = draft_notice(
        edition,
        title="候选名单公示",
        attachments=[("document", attached)],
        body=f'<p>见<a linktype="document" id="{linked.pk}">说明</a>。</p>',
    )
    notice.save_revision().publish()
    return attached, linked, unused, notice


def test_pages_using_a_document_are_found_in_their_content_and_records(used):
    attached, linked, unused, notice = used
    assert pages_using(attached) == ["候选名单公示"]
    assert pages_using(linked) == ["候选名单公示"]
    assert pages_using(unused) == []
    # A later version without the attachment: the published record still holds it.
    notice.attachments = []
    notice.body = "<p>已更正。</p>"
    notice.change_note = "更换附件"
    notice.save_revision().publish()
    assert pages_using(attached) == ["候选名单公示"]


def test_a_draft_using_a_document_keeps_it(edition):
    document = Document.objects.create(title="名单", file=ContentFile(samples.PDF, "a.pdf"))
    draft_notice(edition, title="草拟的公示", attachments=[("document", document)])
    assert pages_using(document) == ["草拟的公示"]
    similar = Document.objects.create(title="另一个", file=ContentFile(samples.PDF, "d.pdf"))
    assert pages_using(similar) == []  # another number that starts the same is not a use


@in_own_transactions
def test_deleting_a_used_document_is_refused_in_the_admin_with_a_sentence(client, users, used):
    attached, linked, unused, _notice = used
    client.force_login(users["admin"])
    confirm = reverse("wagtaildocs:delete", args=(attached.pk,))
    response = client.post(confirm, headers={"referer": f"http://testserver{confirm}"}, follow=True)
    assert response.status_code == 200
    assert "正被《候选名单公示》使用，不能删除" in response.text
    bulk = reverse("wagtail_bulk_action", args=("wagtaildocs", "document", "delete"))
    response = client.post(f"{bulk}?id={linked.pk}&id={unused.pk}", follow=True)
    assert response.status_code == 200 and "不能删除" in response.text
    assert set(Document.objects.values_list("title", flat=True)) == {
        "名单（PDF）",
        "说明（PDF）",
        "草稿（PDF）",
    }, "a refused bulk delete deletes nothing"
    response = client.post(reverse("wagtaildocs:delete", args=(unused.pk,)))
    assert response.status_code == 302
    assert not Document.objects.filter(pk=unused.pk).exists()


@in_own_transactions
def test_the_multiple_uploads_delete_answers_with_the_reason(client, users, used):
    attached, *_ = used
    client.force_login(users["admin"])
    response = client.post(
        reverse("wagtaildocs:delete_multiple", args=(attached.pk,)),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 409
    assert "不能删除" in response.json()["error_message"]
    assert Document.objects.filter(pk=attached.pk).exists()


@in_own_transactions
def test_deleting_a_used_document_in_a_shell_is_refused(used):
    attached, *_ = used
    with pytest.raises(DocumentInUse, match="不能删除"):
        attached.delete()
    with pytest.raises(DocumentInUse):
        Document.objects.filter(pk=attached.pk).delete()
    assert Document.objects.filter(pk=attached.pk).exists()
