"""Every build pushed to object storage (moto's S3 server): what changed only, with its
types and caching, in an order that never links to a missing file, the manifest last;
withdrawn items marked for a 410; a failed push recorded and made good by the next one;
an older build never replacing a newer one."""

import json
from pathlib import Path

import pytest
from factories import draft_notice
from objectstore_support import push_every_build_to, s3_server
from ports import free_port

from cms.programmes.models import EditionPage
from cms.publishing import push, tasks, withdrawals
from cms.publishing.models import SiteBuild
from gongshi_site import shared_dirs
from gongshi_site.objectstore import S3Store, StoreError

pytestmark = pytest.mark.django_db
S3_PORT = free_port()
BUCKET = "gongshi-site"
PREFIX = "public/"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server(S3_PORT) as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty bucket every build pushes to (asked for before the site is built)."""
    return push_every_build_to(settings, s3_endpoint, f"s3://{BUCKET}/{PREFIX.rstrip('/')}")


def remote(client, path: str):
    return client.get_object(Bucket=BUCKET, Key=PREFIX + path)


def manifest(client) -> dict:
    return json.loads(remote(client, push.MANIFEST)["Body"].read())


def local_files(site_dir: Path) -> dict[str, bytes]:
    live = (site_dir / "live").resolve()
    return {p.relative_to(live).as_posix(): p.read_bytes() for p in shared_dirs.files(live)}


def rebuild(reason="测试") -> SiteBuild:
    return tasks.run_build(tasks.request_build(reason).pk)


@pytest.fixture
def recorded(monkeypatch):
    """The paths put and deleted, in order."""
    calls = []
    put, delete = S3Store.put, S3Store.delete

    def recording_put(self, path, *args, **kwargs):
        calls.append(("put", path))
        return put(self, path, *args, **kwargs)

    def recording_delete(self, paths):
        paths = list(paths)
        calls.extend(("delete", path) for path in paths)
        return delete(self, paths)

    monkeypatch.setattr(S3Store, "put", recording_put)
    monkeypatch.setattr(S3Store, "delete", recording_delete)
    return calls


def test_a_build_is_pushed_whole_with_its_types_and_caching(bucket, demo_site_dir):
    build = SiteBuild.objects.get()
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    pushed = manifest(bucket)
    assert pushed["generation"] == build.pk and pushed["build"] == build.output
    files = local_files(demo_site_dir)
    assert set(pushed["files"]) == set(files)
    for path, content_type in [
        ("index.html", "text/html; charset=utf-8"),
        ("notices/index.html", "text/html; charset=utf-8"),
        ("feeds/all.atom", "application/atom+xml; charset=utf-8"),
        ("feeds/all.rss", "application/rss+xml; charset=utf-8"),
        ("data/winners.json", "application/json; charset=utf-8"),
        ("data/winners.csv", "text/csv; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
    ]:
        answer = remote(bucket, path)
        assert answer["ContentType"] == content_type, path
        assert answer["CacheControl"] == push.CHANGING
        assert answer["Body"].read() == files[path]
    # the theme's (fonts/rare.css is made by each build, and cached as such)
    css = next(path for path in files if path.startswith("theme/") and path.endswith(".css"))
    assert remote(bucket, css)["ContentType"] == "text/css; charset=utf-8"
    assert remote(bucket, css)["CacheControl"] == push.THEME

    latest = json.loads(remote(bucket, push.SEARCH_LATEST)["Body"].read())
    assert latest["generation"] == build.pk and "READY" in latest["files"]
    ready = remote(bucket, f"{push.SEARCH_PREFIX}{latest['build']}/READY")
    assert ready["CacheControl"] == push.IMMUTABLE


def test_a_publish_pushes_only_what_changed_linked_pages_first_manifest_last(
    bucket, demo_site_dir, recorded, django_capture_on_commit_callbacks
):
    total = len(local_files(demo_site_dir))
    edition = EditionPage.objects.live().filter(url_path__contains="/yuncheng/").first()
    with django_capture_on_commit_callbacks(execute=True):
        notice = draft_notice(edition, slug="push-order", title="推送顺序测试公示")
        notice.save_revision().publish()
    assert rebuild().status == SiteBuild.Status.SUCCEEDED

    puts = [path for action, path in recorded if action == "put"]
    page = f"notices/{notice.pk}/index.html"
    assert page in puts, "the new notice's page"
    assert len(puts) < total / 2, "unchanged files are not uploaded again"
    assert not any(path.startswith("theme/") for path in puts)
    # The sitemap of the notice's year lists it (sitemap.xml, the index, changes only
    # when a file's newest date does; a new year's listing changes the undated one).
    sitemaps = [path for path in puts if path.startswith("sitemap-")]
    assert sitemaps
    referrers = ("notices/index.html", "data/notices.json", "data/index.json", "feeds/all.atom")
    for referrer in (*referrers, *sitemaps):
        assert puts.index(page) < puts.index(referrer) < puts.index(push.SEARCH_LATEST), referrer
    assert recorded[-1] == ("put", push.MANIFEST)
    assert manifest(bucket)["files"][page]["sha256"] == push.sha256_of(
        demo_site_dir / "live" / page
    )

    # Withdrawn as published in error: its page is marked for a 410, listed in the map
    # nginx includes, and gone from the listings pushed after it.
    recorded.clear()
    notice.refresh_from_db()
    notice.unpublish()
    withdrawals.withdraw(notice, "误发，已撤回核实。")
    assert rebuild().status == SiteBuild.Status.SUCCEEDED
    answer = remote(bucket, page)
    assert answer["Metadata"]["gongshi-status"] == "410"
    assert "误发，已撤回核实。" in answer["Body"].read().decode()
    gone_map = remote(bucket, push.WITHDRAWN_MAP)["Body"].read().decode()
    assert f'"/notices/{notice.pk}/" 1;' in gone_map
    assert manifest(bucket)["withdrawn"] == [f"/notices/{notice.pk}/"]
    assert recorded[-1] == ("put", push.MANIFEST)


def test_a_failed_push_marks_the_build_and_the_next_one_pushes_everything_missing(
    bucket, demo_site_dir, monkeypatch, django_capture_on_commit_callbacks
):
    before = manifest(bucket)
    put = S3Store.put
    budget = {"left": 3}

    def failing_put(self, path, *args, **kwargs):
        if budget["left"] == 0:
            raise StoreError("连接被重置")
        budget["left"] -= 1
        return put(self, path, *args, **kwargs)

    monkeypatch.setattr(S3Store, "put", failing_put)
    edition = EditionPage.objects.live().filter(url_path__contains="/yuncheng/").first()
    with django_capture_on_commit_callbacks(execute=True):
        notice = draft_notice(edition, slug="push-failure", title="推送失败测试公示")
        notice.save_revision().publish()
    failed = rebuild()
    assert failed.status == SiteBuild.Status.FAILED
    assert "推送到对象存储失败" in failed.error and "连接被重置" in failed.error
    assert manifest(bucket) == before, "the pushed site is still the previous one"

    monkeypatch.setattr(S3Store, "put", put)
    retried = rebuild("重试")
    assert retried.status == SiteBuild.Status.SUCCEEDED, retried.error
    pushed = manifest(bucket)
    assert pushed["generation"] == retried.pk
    for path, data in local_files(demo_site_dir).items():
        assert remote(bucket, path)["Body"].read() == data, path


def test_an_older_build_never_replaces_a_newer_one(bucket, tmp_path):
    store = push.configured_store()
    for generation, text in [(7, "新"), (6, "旧")]:
        output = tmp_path / str(generation) / "output"
        output.mkdir(parents=True)
        (output / "index.html").write_text(text, encoding="utf-8")
        result = push.push_build(store, generation, f"b{generation}", output, None)
    assert result.skipped
    assert manifest(bucket)["generation"] == 7
    assert remote(bucket, "index.html")["Body"].read().decode() == "新"


@pytest.mark.parametrize(
    "path, tier",
    [
        ("attachments/3/list.pdf", 0),
        ("theme/css/site.css", 0),
        ("notices/12/index.html", 1),
        ("decisions/4/index.html", 1),
        ("notices/page/2/index.html", 2),
        ("notices/year/2023/index.html", 2),
        ("winners/abc/index.html", 2),
        ("index.html", 3),
        ("feeds/all.atom", 3),
        ("data/winners.csv", 3),
        ("sitemap.xml", 3),
    ],
)
def test_upload_tiers(path, tier):
    assert push.upload_tier(path) == tier


def test_attachments_are_pushed_as_downloads(bucket, tmp_path):
    """The bucket serves them as nginx does: a download whatever the file holds (ADR 23)."""
    import attachment_samples as samples

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("首页", encoding="utf-8")
    samples.write_served(output)
    push.push_build(push.configured_store(), 1, "b1", output, None)
    for path in samples.SERVED:
        assert remote(bucket, path)["ContentDisposition"] == "attachment", path
    assert "ContentDisposition" not in remote(bucket, "index.html")
