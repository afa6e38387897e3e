"""The worker's incremental builds: a publish names its page, the worker exports only that
page and what depends on it, and the site it makes is the one a full build makes."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from factories import draft_notice

from cms.programmes.models import EditionPage
from cms.publishing import atomic, builds, export, incremental
from cms.publishing.models import SiteBuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def incremental_builds(settings):
    settings.GONGSHI_INCREMENTAL_BUILDS = True
    yield
    incremental.forget_state()


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def full_build_of_the_database(directory: Path) -> Path:
    result = atomic.build_site(
        directory,
        lambda content: export.write(export.collect(), content),
        environment=builds._pelican_environment(),
    )
    return result.output.parent


def run_requested_build(django_capture_on_commit_callbacks, action) -> SiteBuild:
    with django_capture_on_commit_callbacks(execute=True):
        action()
    build = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    return builds.run_build(build.pk)


def assert_same_as_a_full_build(site_dir: Path, tmp_path: Path) -> None:
    incremental_build = atomic.live_output(site_dir).parent
    full = full_build_of_the_database(tmp_path / "full")
    assert digests(incremental_build / "content") == digests(full / "content")
    assert digests(incremental_build / "output") == digests(full / "output")


def test_publishing_and_unpublishing_a_notice_are_incremental_and_exact(
    incremental_builds, demo_site_dir, tmp_path, django_capture_on_commit_callbacks
):
    edition = EditionPage.objects.live().filter(url_path__contains="/yuncheng/").first()
    today = timezone.localdate()
    notice = draft_notice(
        edition,
        slug="incremental",
        title="增量发布的候选名单公示",
        date_signed=today - timedelta(days=1),
        start_date=today,
        end_date=today + timedelta(days=9),
    )

    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: notice.save_revision().publish()
    )
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert build.incremental and build.changed_pages == [notice.pk]
    live = atomic.live_output(demo_site_dir)
    assert notice.title in (live / "notices" / str(notice.pk) / "index.html").read_text()
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "1")

    notice.refresh_from_db()
    build = run_requested_build(django_capture_on_commit_callbacks, notice.unpublish)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert build.incremental
    assert not (atomic.live_output(demo_site_dir) / "notices" / str(notice.pk)).exists()
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "2")


def test_a_change_to_a_programme_gets_a_full_build(
    incremental_builds, demo_site_dir, django_capture_on_commit_callbacks
):
    programme = (
        EditionPage.objects.live()
        .filter(url_path__contains="/yuncheng/")
        .first()
        .get_parent()
        .specific
    )
    programme.summary += "（修订）"

    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: programme.save_revision().publish()
    )
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert not build.incremental
