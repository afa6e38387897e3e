"""A site built elsewhere from the CMS's public read API (`make site CMS_URL=…`) carries
the publication log: read from /api/v2/record/, verified with the public key before
anything is built, published as the CMS's own build publishes it, and passed by the
verifier. A tampered, re-signed or truncated log from the API is refused and the live
site stays."""

import json

import pytest
from nacl.signing import SigningKey

from cms.demo.loader import load_demo
from cms.notices.models import PublicityNoticePage
from cms.recordlog import keys
from cms.recordlog.models import RecordEntry
from gongshi.record import heads, merkle, verify
from gongshi_site import atomic, remote

pytestmark = pytest.mark.django_db(transaction=True)


def build(cms_url, site_dir, *arguments) -> int:
    return remote.main(["--cms-url", cms_url, "--site-dir", str(site_dir), *arguments])


def test_a_remote_build_publishes_the_log_and_the_verifier_passes_it(live_server, tmp_path, capsys):
    load_demo()
    site_dir = tmp_path / "site"
    key = heads.public_key_text(keys.load())
    notice = PublicityNoticePage.objects.live().order_by("pk").first()
    assert build(live_server.url, site_dir, "--record-key", key) == 0
    live = site_dir / "live"
    head = json.loads((live / "record" / "head.json").read_text())
    assert head["size"] == RecordEntry.objects.count() > 0
    capsys.readouterr()
    saved = tmp_path / "head.json"
    page = f"--page=/notices/{notice.pk}/"
    assert verify.main([str(live), "--key", key, page, "--save-head", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "核对通过" in out and f"/notices/{notice.pk}/：原文与第" in out

    # a correction published in the CMS: the next remote build (its key now the one the
    # site published) extends the log, and the head saved before is a prefix of it
    notice.change_note = "更正联系电话"
    notice.change_is_major = False
    notice.save_revision().publish()
    assert build(live_server.url, site_dir) == 0
    assert verify.main([str(live), "--key", key, "--head", str(saved), page]) == 0
    out = capsys.readouterr().out
    assert "一致：保存的树头" in out and "一般更正" in out

    # an entry rewritten on its way from the CMS: refused, the live site stays
    before = live.resolve()

    def tampered(url):
        data = remote.http_fetch(url)
        if url.endswith("/api/v2/record/entries/0.json"):
            data = data.replace("首次发布".encode(), "重大更正".encode(), 1)
        return data

    with pytest.raises(atomic.BuildFailed, match="公开记录校验失败"):
        atomic.build_site(
            site_dir,
            lambda directory: remote.write_site_content(
                live_server.url, directory, tampered, public_key=key
            ),
        )
    assert live.resolve() == before


def served(cms_url: str, head: dict | None = None, page: list[bytes] | None = None):
    """The API's answers, with the log's head and first page replaced."""

    def fetch(url):
        if head is not None and url.endswith("/api/v2/record/head.json"):
            return json.dumps(head).encode()
        if page is not None and url.endswith("/api/v2/record/entries/0.json"):
            return json.dumps([entry.decode() for entry in page]).encode()
        return remote.http_fetch(url)

    return fetch


def test_a_forged_or_truncated_log_from_the_api_is_refused(live_server, tmp_path):
    load_demo()
    key = heads.public_key_text(keys.load())
    real = json.loads(remote.http_fetch(live_server.url + "/api/v2/record/head.json"))
    entries = [
        text.encode()
        for text in json.loads(remote.http_fetch(live_server.url + "/api/v2/record/entries/0.json"))
    ]
    assert len(entries) == real["size"] > 2
    heads.check_log(entries, real, key)

    def write(fetch, **options):
        directory = tmp_path / f"content-{len(list(tmp_path.iterdir()))}"
        directory.mkdir()
        return remote.write_site_content(live_server.url, directory, fetch, **options)

    # an entry rewritten and the whole log signed again with another key
    forged = list(entries)
    entry = json.loads(forged[1])
    entry["time"] = "2000-01-01T00:00:00+08:00"
    forged[1] = heads.entry_bytes(entry)
    tree = merkle.Tree.of_entries(forged)
    resigned = heads.sign_head(SigningKey.generate(), tree.size, tree.root(), real["time"])
    fetch = served(live_server.url, resigned, forged)
    with pytest.raises(atomic.BuildFailed, match="不是给定的公钥"):
        write(fetch, public_key=key)
    with pytest.raises(atomic.BuildFailed, match="没有原密钥签署的更换记录"):
        write(fetch, previous_head=real)
    # a first build given no key says whose key it took: its fingerprint, to compare
    said = []
    write(fetch, report=said.append)
    assert heads.key_fingerprint(resigned["public_key"]) in said[0]

    # the rewritten entry under the real head
    with pytest.raises(atomic.BuildFailed, match="记录被改动"):
        write(served(live_server.url, page=forged), public_key=key)

    # a shorter log, properly signed by the real key, after the site published the longer
    shorter = entries[:-1]
    tree = merkle.Tree.of_entries(shorter)
    truncated = heads.sign_head(keys.load(), tree.size, tree.root(), real["time"])
    with pytest.raises(atomic.BuildFailed, match="截短"):
        write(served(live_server.url, truncated, shorter), public_key=key, previous_head=real)

    # the real log passes, with the key and against the head published before
    assert write(served(live_server.url), public_key=key, previous_head=real) > 0


def test_the_record_api_serves_the_log_read_only(client, db):
    load_demo()
    head = client.get("/api/v2/record/head.json")
    assert head.status_code == 200 and head["Content-Type"].startswith("application/json")
    size = head.json()["size"]
    page = client.get("/api/v2/record/entries/0.json").json()
    assert len(page) == min(size, 1000)
    heads.check_log(
        [text.encode() for text in page], head.json(), heads.public_key_text(keys.load())
    )
    assert client.get("/api/v2/record/entries/1.json").status_code == 404
    assert client.post("/api/v2/record/head.json").status_code == 405
    assert RecordEntry.objects.count() == size  # nothing appended by reading
