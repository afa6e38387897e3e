"""Attachments on their way to the public: a document outside the allow-list that is
already in the database (stored before the list existed, as an upgraded installation has
them, or by a shell) never reaches the public site: the export leaves it out, full and
incremental, its links stay as plain text, and the CMS serves it to the staff only. What
the CMS serves at /documents/ is a download under the attachments' sandbox policy."""

from pathlib import PurePosixPath

import attachment_samples as samples
import pytest
from django.core.files.base import ContentFile
from factories import draft_notice
from wagtail.documents.models import Document

from cms.publishing import export, tasks
from cms.publishing.models import SiteBuild
from gongshi import contract
from gongshi.headers import ATTACHMENT_CSP
from gongshi_site import shared_dirs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Uploads into this test's own media directory, not the suite's shared one."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def upgraded(edition):
    """A live notice attaching and linking, beside a real PDF, files stored before the
    allow-list: a page, a script, and a program named .pdf."""
    pdf = Document.objects.create(title="名单（PDF）", file=ContentFile(samples.PDF, "名单.pdf"))
    page = Document.objects.create(title="网页附件", file=ContentFile(samples.HTML, "x.html"))
    script = Document.objects.create(title="脚本", file=ContentFile(samples.SCRIPT, "x.js"))
    renamed = Document.objects.create(title="改名程序", file=ContentFile(samples.EXE, "y.pdf"))
    notice = draft_notice(
        edition,
        title="附件公示",
        attachments=[("document", d) for d in (pdf, page, script, renamed)],
        body=(
            f'<p><a linktype="document" id="{page.pk}">网页说明</a>与'
            f'<a linktype="document" id="{pdf.pk}">名单</a></p>'
        ),
    )
    notice.save_revision().publish()
    return notice, pdf, [page, script, renamed]


def public_file(document) -> str:
    return f"attachments/{document.pk}/{PurePosixPath(document.file.name).name}"


def test_the_export_leaves_out_files_outside_the_list(upgraded, tmp_path):
    notice, pdf, _refused = upgraded
    item = {str(item.path): item for item in export.collect()}[f"notices/{notice.pk}.md"]
    assert [a["file"] for a in item.document["attachments"]] == [public_file(pdf)]
    assert item.body == f"网页说明与[名单](</{public_file(pdf)}>)"
    export.write(export.collect(), tmp_path)
    attached = {
        path.parent.name for path in (tmp_path / "attachments").rglob("*") if path.is_file()
    }
    assert attached == {str(pdf.pk)}


def test_an_incremental_export_leaves_them_out_too(upgraded):
    notice, pdf, _refused = upgraded
    files = export.partial_export([notice.pk])
    assert {path for path in files if path.startswith("attachments/")} == {public_file(pdf)}
    document, _ = contract.load(
        files[f"notices/{notice.pk}.md"].decode(), f"notices/{notice.pk}.md"
    )
    assert len(document["attachments"]) == 1


def test_a_full_build_publishes_none_of_them(upgraded, settings, tmp_path):
    notice, pdf, refused = upgraded
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    build = tasks.run_build(tasks.request_build("升级后首次构建").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    live = (settings.GONGSHI_SITE_DIR / "live").resolve()
    assert sorted(p.parent.name for p in shared_dirs.files(live / "attachments")) == [str(pdf.pk)]
    page = (live / "notices" / str(notice.pk) / "index.html").read_text(encoding="utf-8")
    assert "网页说明" in page
    for document in refused:
        assert f"/attachments/{document.pk}/" not in page
        assert f"/documents/{document.pk}/" not in page


def test_the_cms_serves_them_to_the_staff_only_and_always_as_downloads(client, users, upgraded):
    _notice, pdf, refused = upgraded
    for document in refused:
        answer = client.get(document.url)
        assert answer.status_code == 403 and "不予提供" in answer.content.decode()
    client.force_login(users["editor"])
    answer = client.get(refused[0].url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Content-Security-Policy"] == ATTACHMENT_CSP
    assert answer["X-Content-Type-Options"] == "nosniff"
    client.logout()
    answer = client.get(pdf.url)  # allowed: public, still a download, PDF included
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Content-Security-Policy"] == ATTACHMENT_CSP
    assert b"".join(answer.streaming_content) == samples.PDF


def test_a_command_lists_what_to_replace_after_an_upgrade(upgraded):
    from io import StringIO

    from django.core.management import call_command

    _notice, pdf, refused = upgraded
    output = StringIO()
    call_command("check_attachments", stdout=output)
    text = output.getvalue()
    for document in refused:
        assert f"#{document.pk} {document.title}：" in text
    assert f"#{pdf.pk} " not in text
    assert "使用它的页面：《附件公示》" in text and "共 3 个文档不发布到公开站点" in text
