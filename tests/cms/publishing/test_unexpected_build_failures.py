"""A build that fails in a way no build step expects still ends: failed, with its error
text, a retry policy and the dashboard's warning, and the public site as it was. Each
kind of failure is made to happen in the worker's own code path (tasks.run_build): a
permission error in the build directory, a site directory that cannot exist, an
exception inside Pelican (the full build's and the incremental build's), a killed
Pelican, the worker stopped in the middle of a build; and a build whose worker is gone
for good shows on the dashboard."""

import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from cms.publishing import builds, export, tasks
from cms.publishing.models import SiteBuild

pytestmark = pytest.mark.django_db
STUB = Path(__file__).with_name("stub_pelicanconf.py")


@pytest.fixture
def site(settings, tmp_path):
    """A site directory with a first good build of the stub site; no retry queued yet."""
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    first = tasks.run_build(tasks.request_build("首次构建").pk)
    assert first.status == SiteBuild.Status.SUCCEEDED, first.error
    default_task_backend.clear()
    return settings.GONGSHI_SITE_DIR


def retries_queued() -> list:
    return [r for r in default_task_backend.results if r.task.func == tasks.retry_site_build.func]


def assert_failed_and_said(build: SiteBuild, *said: str, retried: bool, client, users) -> None:
    build.refresh_from_db()
    assert build.status == SiteBuild.Status.FAILED, build.status
    assert build.finished_at is not None
    for text in said:
        assert text in build.error, build.error
    assert ("将在 30 秒后自动重试（第 1 次" in build.error) is retried, build.error
    assert [r.args for r in retries_queued()] == ([[build.pk]] if retried else [])
    client.force_login(users["editor"])
    dashboard = client.get("/admin/").content.decode()
    assert f"最近一次构建（#{build.pk}" in dashboard and "失败" in dashboard
    assert build.error_summary in dashboard.replace("&quot;", '"').replace("&#x27;", "'")


def test_a_permission_error_in_the_build_directory(site, monkeypatch, client, users):
    live = (site / "live").resolve()
    # As root (CI's container), the file mode is no obstacle: the refusal is injected
    # where the kernel would give it, at the build directory's creation.
    make_directory = Path.mkdir

    def refused(path, *arguments, **keywords):
        if path.is_relative_to(site / "builds"):
            raise PermissionError(13, "Permission denied", str(path))
        return make_directory(path, *arguments, **keywords)

    monkeypatch.setattr(Path, "mkdir", refused)
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert_failed_and_said(
        build, "没有权限读写站点目录", "PermissionError", retried=True, client=client, users=users
    )
    assert (site / "live").resolve() == live


def test_a_site_directory_that_cannot_exist(settings, db, tmp_path, client, users):
    (tmp_path / "a-file").write_text("not a directory")
    settings.GONGSHI_SITE_DIR = tmp_path / "a-file" / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    default_task_backend.clear()
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert_failed_and_said(
        build, "不存在或不是目录", "NotADirectoryError", retried=True, client=client, users=users
    )


def test_a_directory_removed_under_the_build(site, monkeypatch, client, users):
    from gongshi_site import atomic

    live = (site / "live").resolve()
    precompress = atomic.precompress

    def removed_first(output_dir):
        import shutil

        shutil.rmtree(output_dir)  # an administrator's clean-up, a failing mount
        return precompress(output_dir)

    monkeypatch.setattr(atomic, "precompress", removed_first)
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert_failed_and_said(
        build, "构建目录在切换前已不完整", retried=True, client=client, users=users
    )
    assert (site / "live").resolve() == live
    assert sorted(p.name for p in (site / "builds").iterdir()) == [live.parent.name]


def test_an_exception_inside_pelican(site, monkeypatch, client, users):
    monkeypatch.setenv("STUB_CRASH", "1")
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert_failed_and_said(
        build,
        "Pelican 退出码",
        "RuntimeError: stub crash",
        "此类失败重试无益",
        retried=False,
        client=client,
        users=users,
    )


def test_an_exception_in_the_export(site, monkeypatch, client, users):
    def broken():
        raise KeyError("programme")

    monkeypatch.setattr(export, "collect", broken)
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert_failed_and_said(build, "导出失败", retried=False, client=client, users=users)


def test_a_killed_pelican(site, monkeypatch, client, users):
    monkeypatch.setenv("STUB_SLEEP", "30")
    live = (site / "live").resolve()
    killed = []

    def kill_pelican():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for pid in children(os.getpid()):
                if b"pelican" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_pelican)
    killer.start()
    build = tasks.run_build(tasks.request_build("发布：公示").pk)
    killer.join()
    assert killed
    assert_failed_and_said(build, "Pelican 被信号 9 终止", retried=True, client=client, users=users)
    assert (site / "live").resolve() == live


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def test_the_worker_stopped_mid_build_records_it_and_asks_again(site, monkeypatch):
    def stopped(*arguments):
        raise SystemExit(1)  # the queue's worker leaving on its second SIGTERM

    monkeypatch.setattr(export, "collect", stopped)
    requested = tasks.request_build("发布：公示")
    with pytest.raises(SystemExit):
        tasks.run_build(requested.pk)
    requested.refresh_from_db()
    assert requested.status == SiteBuild.Status.FAILED and requested.error == builds.INTERRUPTED
    again = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert again.trigger_list == [f"重试：构建 #{requested.pk} 被中断"]


def test_a_build_running_long_past_its_timeout_shows_on_the_dashboard(db, client, users):
    SiteBuild.objects.create(
        triggers="发布：公示", status=SiteBuild.Status.SUCCEEDED, finished_at=timezone.now()
    )
    stuck = SiteBuild.objects.create(
        triggers="发布：公示",
        status=SiteBuild.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(users["editor"])
    dashboard = client.get("/admin/").content.decode()
    assert f"构建 #{stuck.pk} 自" in dashboard and "工作进程可能已中断" in dashboard
    stuck.started_at = timezone.now()
    stuck.save()
    assert "工作进程可能已中断" not in client.get("/admin/").content.decode()


@pytest.fixture
def incremental_builds(settings):
    from cms.publishing import incremental

    settings.GONGSHI_INCREMENTAL_BUILDS = True
    yield
    incremental.forget_state()


def test_an_exception_inside_the_incremental_pelican_falls_back_to_a_full_build(
    incremental_builds, demo_site_dir, monkeypatch, django_capture_on_commit_callbacks
):
    from cms.notices.models import PublicityNoticePage
    from gongshi_site import incremental_feeds

    def crash(*arguments, **keywords):
        raise RuntimeError("插件出错")

    monkeypatch.setattr(incremental_feeds, "feed_document", crash)
    notice = PublicityNoticePage.objects.live().first()
    notice.title += "（更正）"
    notice.change_note = "更正标题"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert not build.incremental
    page = demo_site_dir / "live" / "notices" / str(notice.pk) / "index.html"
    assert notice.title in page.read_text(encoding="utf-8")
