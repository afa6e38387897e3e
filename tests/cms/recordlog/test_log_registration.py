"""The build reaches the publication log only through the log's registration
(cms.recordlog's AppConfig.ready, ADR 0039): registered at start-up, and a build that finds
it missing fails and publishes nothing, full or incremental, rather than skip the log."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from factories import draft_open_notice

from cms.publishing import builds, incremental, tasks
from cms.publishing.models import SiteBuild
from cms.recordlog import export as record_export
from gongshi_site import atomic

pytestmark = pytest.mark.django_db


@pytest.fixture
def incremental_builds(settings):
    settings.GONGSHI_INCREMENTAL_BUILDS = True
    yield
    incremental.forget_state()


def test_the_log_app_registers_its_export_with_the_build(monkeypatch):
    assert builds.publication_log() is record_export
    call_command("check")
    monkeypatch.setattr(builds, "_publication_log", None)
    with pytest.raises(SystemCheckError, match=r"publishing\.E001"):
        call_command("check")


def test_a_full_build_without_the_log_fails_and_publishes_nothing(demo_site_dir, monkeypatch):
    live_before = (demo_site_dir / "live").resolve()
    outputs_before = sorted((demo_site_dir / "builds").iterdir())
    monkeypatch.setattr(builds, "_publication_log", None)

    build = tasks.run_build(tasks.request_build("测试：无公开记录").pk)

    assert build.status == SiteBuild.Status.FAILED
    assert builds.NO_PUBLICATION_LOG in build.error
    assert "自动重试" not in build.error  # a deployment fault: a retry would fail the same way
    assert (demo_site_dir / "live").resolve() == live_before
    assert sorted((demo_site_dir / "builds").iterdir()) == outputs_before


def test_a_first_build_without_the_log_publishes_no_site(settings, db, tmp_path, monkeypatch):
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    monkeypatch.setattr(builds, "_publication_log", None)

    build = tasks.run_build(tasks.request_build("测试：无公开记录").pk)

    assert build.status == SiteBuild.Status.FAILED
    assert builds.NO_PUBLICATION_LOG in build.error
    assert atomic.live_output(tmp_path / "site") is None


def test_a_publish_without_the_log_is_not_published_incrementally_either(
    incremental_builds, demo_site_dir, monkeypatch, django_capture_on_commit_callbacks
):
    live_before = (demo_site_dir / "live").resolve()
    notice = draft_open_notice("unlogged", "未记录的候选名单公示")
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    queued = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert queued.changed_pages == [notice.pk]  # a build that could have been incremental
    monkeypatch.setattr(builds, "_publication_log", None)

    build = tasks.run_build(queued.pk)

    assert build.status == SiteBuild.Status.FAILED and not build.incremental
    assert builds.NO_PUBLICATION_LOG in build.error
    assert (demo_site_dir / "live").resolve() == live_before
    assert not (live_before / "notices" / str(notice.pk)).exists()
