"""Builds of the public site: requested by publishing, run in the background, coalesced,
atomic, and recorded for the editors."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks import default_task_backend
from factories import draft_notice

from cms.publishing import export, tasks
from cms.publishing.models import ScheduledBuild, SiteBuild
from gongshi import contract
from gongshi_site import atomic

pytestmark = pytest.mark.django_db
STUB = Path(__file__).with_name("stub_pelicanconf.py")


@pytest.fixture
def stub_site(settings, tmp_path, edition):
    """An empty build history and queue, after the programmes and an edition are live."""
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    SiteBuild.objects.all().delete()
    default_task_backend.clear()
    return settings.GONGSHI_SITE_DIR


@contextmanager
def time_machine(moment):
    """Wagtail's publish_scheduled compares with timezone.now(); move it, not the clock."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def build_tasks(task=tasks.run_site_build):
    """What was queued for the worker by this app (Wagtail queues search indexing too)."""
    return [result for result in default_task_backend.results if result.task.func == task.func]


def live_index(site_dir: Path) -> bytes:
    return (site_dir / "live" / "index.html").read_bytes()


def test_a_burst_of_publishes_costs_one_build(
    stub_site, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for slug in ("a", "b", "c"):
            draft_notice(edition, slug=slug, title=f"公示{slug}").save_revision().publish()
    build = SiteBuild.objects.get()
    assert build.status == SiteBuild.Status.QUEUED
    assert build.trigger_list == ["发布：公示a", "发布：公示b", "发布：公示c"]
    assert len(build_tasks()) == 1  # one task for the worker

    tasks.run_build(build.pk)
    with django_capture_on_commit_callbacks(execute=True):
        draft_notice(edition, slug="d", title="公示d").save_revision().publish()
    assert SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED).count() == 1


def test_a_scheduled_page_is_published_by_the_queue_and_built_then(
    stub_site, edition, django_capture_on_commit_callbacks
):
    # Its period runs from going live: a fixed start in the past would be refused.
    notice = draft_notice(edition, start_rule="on_publication", start_date=None, end_date=None)
    due = timezone.now() + timedelta(hours=3)
    notice.go_live_at = due
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert not SiteBuild.objects.exists(), "nothing to build until it goes live"
    [run] = build_tasks(tasks.publish_scheduled_pages)
    assert run.task.run_after == due

    with time_machine(due + timedelta(minutes=1)):
        tasks.publish_scheduled_pages.call()
    notice.refresh_from_db()
    assert notice.live
    assert SiteBuild.objects.get().trigger_list == [f"发布：{notice.title}"]


def test_a_build_replaces_the_live_site_only_when_it_succeeds(stub_site, edition, monkeypatch):
    first = tasks.run_build(tasks.request_build("首次").pk)
    assert first.status == SiteBuild.Status.SUCCEEDED, first.error
    assert first.item_count >= 3 and first.duration is not None
    before = live_index(stub_site)
    live_before = (stub_site / "live").resolve()

    monkeypatch.setenv("STUB_CRASH", "1")
    crashed = tasks.run_build(tasks.request_build("崩溃").pk)
    assert crashed.status == SiteBuild.Status.FAILED
    assert "stub crash" in crashed.error
    assert (stub_site / "live").resolve() == live_before and live_index(stub_site) == before
    monkeypatch.delenv("STUB_CRASH")

    items = list(export.collect())
    broken = next(item for item in items if item.document["kind"] == "programme")
    broken.document["title"] = ""
    monkeypatch.setattr(export, "collect", lambda: iter(items))
    refused = tasks.run_build(tasks.request_build("坏内容").pk)
    assert refused.status == SiteBuild.Status.FAILED
    assert f"content/{broken.path}：字段 title：不能为空" in refused.error
    assert (stub_site / "live").resolve() == live_before


def test_a_killed_build_leaves_the_old_site_serving(stub_site, tmp_path):
    atomic.build_site(stub_site, lambda directory: 0, settings_file=STUB)
    served = live_index(stub_site)
    live_before = (stub_site / "live").resolve()

    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from gongshi_site import atomic
        atomic.build_site(Path({str(stub_site)!r}), lambda d: 0, settings_file=Path({str(STUB)!r}))
        """
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script],
        env={**os.environ, "STUB_SLEEP": "60"},
        cwd=atomic.REPOSITORY,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while len(list((stub_site / "builds").iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # Pelican is running by now, asleep in its settings file
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()

    assert (stub_site / "live").resolve() == live_before
    assert live_index(stub_site) == served
    with atomic.site_lock(stub_site, wait=False):
        pass  # the killed build's lock died with it
    atomic.build_site(stub_site, lambda directory: 0, settings_file=STUB)
    assert len(list((stub_site / "builds").iterdir())) == 2, "the cut-off build is cleaned up"


def test_a_build_left_running_by_a_dead_worker_is_marked_and_retried(stub_site):
    cut_off = SiteBuild.objects.create(
        triggers="发布：公示", status=SiteBuild.Status.RUNNING, started_at=timezone.now()
    )
    assert tasks.recover_interrupted_builds() == 1
    cut_off.refresh_from_db()
    assert cut_off.status == SiteBuild.Status.FAILED and "中断" in cut_off.error
    retry = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert retry.trigger_list == [f"重试：构建 #{cut_off.pk} 被中断"]


def test_a_queued_build_whose_task_was_lost_is_enqueued_again_when_the_worker_starts(stub_site):
    lost = SiteBuild.objects.create(triggers="发布：公示")  # no task ever reached the queue
    tasks.recover_interrupted_builds()
    assert [r.args for r in build_tasks()] == [[lost.pk]]
    assert tasks.run_site_build.call(lost.pk) == SiteBuild.Status.SUCCEEDED


def test_a_build_already_taken_by_another_worker_is_skipped(stub_site):
    build = tasks.request_build("发布")
    SiteBuild.objects.filter(pk=build.pk).update(status=SiteBuild.Status.RUNNING)
    assert tasks.run_site_build.call(build.pk) == "skipped"


def test_builds_are_scheduled_for_the_days_the_site_changes_by_itself(
    stub_site, edition, django_capture_on_commit_callbacks
):
    today = date(2023, 9, 20)
    notice = draft_notice(edition, title="候选名单公示")  # 2023-09-28 to 2023-10-10
    notice.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = tasks.schedule_date_driven_builds(today)
    local = [timezone.localtime(s.due_at) for s in scheduled]
    assert [(m.date(), m.hour, m.minute) for m in local] == [
        (date(2023, 9, 28), 0, 1),
        (date(2023, 10, 11), 0, 1),
    ]
    assert [s.reason for s in scheduled] == ["公示期开始：候选名单公示", "公示期结束：候选名单公示"]
    deferred = build_tasks(tasks.run_scheduled_build)
    assert sorted(r.task.run_after for r in deferred) == [s.due_at for s in scheduled]
    assert tasks.schedule_date_driven_builds(today) == []  # nothing twice

    assert tasks.run_scheduled_build.call(scheduled[0].pk) == "requested"
    assert SiteBuild.objects.get().trigger_list == [
        "发布：候选名单公示",
        "公示期开始：候选名单公示",
    ]
    # The new day joins the publish's build and leaves it incremental.
    assert SiteBuild.objects.get().changed_pages == [notice.pk]
    assert not ScheduledBuild.objects.filter(pk=scheduled[0].pk).exists()


def test_the_build_history_and_dashboard_show_a_failure(stub_site, client, users, monkeypatch):
    monkeypatch.setenv("STUB_CRASH", "1")
    failed = tasks.run_build(tasks.request_build("发布：公示").pk)
    client.force_login(users["editor"])
    dashboard = client.get("/admin/").content.decode()
    assert f"最近一次构建（#{failed.pk}" in dashboard and "失败" in dashboard
    history = client.get("/admin/site_builds/").content.decode()
    assert "发布：公示" in history
    inspect = client.get(f"/admin/site_builds/inspect/{failed.pk}/").content.decode()
    assert "stub crash" in inspect
    assert client.get(f"/admin/site_builds/edit/{failed.pk}/").status_code in (302, 403)


def test_the_contract_error_type_is_what_builds_report():
    assert issubclass(contract.ContractError, ValueError)
