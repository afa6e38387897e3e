"""The publication log through the real publish and build: what each public event
appends, the verifier against the built site, and the attacks it must catch."""

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from ports import free_port

from cms.decisions.models import Award
from cms.notices.models import PublicityNoticePage
from cms.publishing import tasks, withdrawals
from cms.publishing.models import SiteBuild
from cms.recordlog import appending
from cms.recordlog.models import AppendOnly, RecordEntry
from gongshi.record import heads, verify

pytestmark = pytest.mark.django_db
PORT = free_port()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(demo_site_dir):
    """The built demo site over HTTP, as a citizen's verifier reaches it."""
    handler = partial(QuietHandler, directory=str(demo_site_dir / "live"))
    server = ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}/", demo_site_dir / "live"
    server.shutdown()
    server.server_close()


def rebuild() -> SiteBuild:
    return tasks.run_build(tasks.request_build("测试").pk)


def revoked_decision_url() -> str:
    award = Award.objects.filter(revocations__live=True).first()
    return f"/decisions/{award.decision_id}/"


def test_the_verifier_proves_the_built_site_and_a_later_build_extends_it(served, tmp_path, capsys):
    url, _live = served
    notice = PublicityNoticePage.objects.live().first()
    saved = tmp_path / "head.json"
    pages = [f"/notices/{notice.pk}/", revoked_decision_url()]
    arguments = [url, "--save-head", str(saved)] + [f"--page={page}" for page in pages]
    assert verify.main(arguments) == 0
    out = capsys.readouterr().out
    assert "签名有效" in out and "核对通过" in out
    assert f"/notices/{notice.pk}/：原文与第" in out
    first = json.loads(saved.read_text())
    assert first["size"] == RecordEntry.objects.count()

    # A correction with its public reason, then a withdrawal with its reason: both are
    # new entries, and the head saved before them is a prefix of the new log.
    notice.change_note = "更正联系电话"
    notice.change_is_major = False
    notice.save_revision().publish()
    entry = RecordEntry.objects.order_by("-index").first()
    assert (entry.event, entry.url) == ("correct_minor", f"/notices/{notice.pk}/")
    assert json.loads(entry.data)["reason"] == "更正联系电话"
    assert json.loads(entry.data)["sha256"] == appending.exported_sha256(notice)
    assert rebuild().status == SiteBuild.Status.SUCCEEDED
    head, lines = verify.verify(url, key=first["public_key"], saved_head=first, pages=pages)
    assert head["size"] == first["size"] + 1
    assert any(line.startswith("一致") for line in lines)

    published_hash = entry.sha256
    notice.refresh_from_db()
    notice.unpublish()
    withdrawals.withdraw(notice, "误发，已撤回核实。")
    withdrawn = RecordEntry.objects.order_by("-index").first()
    assert (withdrawn.event, withdrawn.sha256) == ("withdraw", published_hash)
    assert rebuild().status == SiteBuild.Status.SUCCEEDED
    _head, lines = verify.verify(url, saved_head=first, pages=[f"/notices/{notice.pk}/"])
    assert "误发，已撤回核实。" in lines[-1]


def test_tampering_with_a_page_an_entry_or_a_saved_head_is_detected(served, tmp_path):
    url, live = served
    head, _ = verify.verify(url)
    notice = PublicityNoticePage.objects.live().first()
    page = f"/notices/{notice.pk}/"

    # a document edited on the server after it was logged
    document = live / page.strip("/") / "document.md"
    original = document.read_bytes()
    document.write_bytes(original.replace("公示".encode(), "公告".encode(), 1))
    with pytest.raises(heads.RecordInvalid, match="原文与记录不符"):
        verify.verify(url, pages=[page])
    document.write_bytes(original)

    # an entry rewritten in the published log
    entries = live / "record" / "entries" / "0.json"
    texts = json.loads(entries.read_text())
    forged = json.loads(texts[1])
    forged["time"] = "2000-01-01T00:00:00+08:00"
    texts[1] = heads.entry_bytes(forged).decode()
    kept = entries.read_bytes()
    entries.write_text(json.dumps(texts, ensure_ascii=False))
    with pytest.raises(heads.RecordInvalid, match="记录被改动"):
        verify.verify(url)
    entries.write_bytes(kept)

    # an old head that does not match the log: a forged root, a resigned head
    forged_head = dict(head, root="00" * 32)
    with pytest.raises(heads.RecordInvalid, match="签名无效"):
        verify.verify(url, saved_head=forged_head)
    from nacl.signing import SigningKey

    other = heads.sign_head(SigningKey.generate(), 3, b"\x01" * 32, head["time"])
    with pytest.raises(heads.RecordInvalid, match="没有原密钥签署的更换记录"):
        verify.verify(url, saved_head=other)
    assert verify.verify(url, saved_head=head)[0]["size"] == head["size"]


def test_a_log_rewritten_in_the_database_fails_the_build_and_the_site_stays(demo_site_dir):
    live_before = (demo_site_dir / "live").resolve()
    with connection.cursor() as cursor:  # what the model refuses, done behind its back
        cursor.execute(
            "UPDATE recordlog_recordentry SET data = REPLACE(data, '首次发布', '更正') WHERE \"index\" = 2"
        )
    build = rebuild()
    assert build.status == SiteBuild.Status.FAILED
    assert "公开记录校验失败" in build.error
    assert (demo_site_dir / "live").resolve() == live_before


def test_a_publish_whose_log_write_fails_publishes_nothing(demo_site_dir, monkeypatch):
    notice = PublicityNoticePage.objects.live().first()
    before = RecordEntry.objects.count()
    builds_before = SiteBuild.objects.count()
    notice.change_note = "补充名单"
    revision = notice.save_revision()

    def broken(**kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(appending, "append", broken)
    with pytest.raises(OSError):
        revision.publish()
    notice.refresh_from_db()
    assert notice.live_revision_id != revision.pk
    assert RecordEntry.objects.count() == before
    assert SiteBuild.objects.count() == builds_before
    assert not notice.change_notes.filter(revision=revision).exists()


def test_entries_are_never_changed_or_removed(demo_site_dir):
    entry = RecordEntry.objects.first()
    entry.reason = "改写"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        RecordEntry.objects.filter(index=0).update(event="publish")
    with pytest.raises(AppendOnly):
        RecordEntry.objects.all().delete()


def test_a_mirror_on_disk_verifies_as_the_site_does(demo_site_dir, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(demo_site_dir / "live" / "record", mirror / "record")
    head, _lines = verify.verify(str(mirror))
    assert head["size"] == RecordEntry.objects.count()
