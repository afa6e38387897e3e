"""Faults during a build, each made real: a worker killed mid-build, a database restart,
a full disk. Each time the public site keeps serving the last good build, the build is
retried by itself, and the build history says what happened."""

import errno
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django_tasks import default_task_backend
from instance import Instance, new_database_url
from ports import free_port

from cms.publishing import retries, tasks
from cms.publishing.models import SiteBuild
from gongshi_site import atomic

STUB = Path(__file__).with_name("stub_pelicanconf.py")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIVATE_PG_PORT = free_port()


def wait_for(condition, timeout=60, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


class StubInstance(Instance):
    """A separate CMS whose builds run the stub Pelican, held mid-way while `pause` exists."""

    def environment(self, **extra):
        return super().environment(
            GONGSHI_INSTANCE_PELICAN_SETTINGS=str(STUB),
            GONGSHI_INSTANCE_RETRY_DELAY="1",
            STUB_PAUSE_FILE=str(self.pause),
            **extra,
        )

    @property
    def pause(self) -> Path:
        return self.root / "pause"

    def builds(self) -> list[tuple[int, str, str, str]]:
        code = (
            "from cms.publishing.models import SiteBuild\n"
            "for b in SiteBuild.objects.order_by('pk'):\n"
            "    print(repr((b.pk, b.status, b.triggers, b.error)))"
        )
        import ast

        return [ast.literal_eval(line) for line in self.shell(code).splitlines()]

    def last_status(self) -> str | None:
        history = self.builds()
        return history[-1][1] if history else None

    def build_dirs(self) -> list[Path]:
        return sorted((self.site_dir / "builds").iterdir())


def started_instance(root: Path, database_url: str) -> StubInstance:
    instance = StubInstance(root, database_url)
    instance.root.mkdir(parents=True, exist_ok=True)
    instance.manage("migrate", "--no-input", "-v0")
    instance.manage("build_site", "--now", "--reason", "首次构建")
    return instance


def hold_a_build(instance: StubInstance) -> None:
    """Request a build and wait until the worker's Pelican is paused inside it."""
    instance.pause.touch()
    instance.manage("build_site", "--reason", "发布：公示")
    wait_for(lambda: len(instance.build_dirs()) == 2, message="the build to start")
    time.sleep(1)  # Pelican has started and sits in its settings file


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found + [grandchild for child in found for grandchild in children(child)]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- A worker killed in the middle of a build ----------------------------------------------


@pytest.fixture
def instance(tmp_path):
    instance = started_instance(tmp_path / "cms", new_database_url(tmp_path, "faults"))
    yield instance
    instance.drop()


def test_a_worker_killed_mid_build_is_noticed_at_its_restart_and_built_again(instance):
    live_before = instance.live.resolve()
    served = (instance.live / "index.html").read_bytes()
    worker = instance.start("site_worker")
    hold_a_build(instance)

    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its Pelican, as the OOM killer would
    worker.wait()
    assert instance.live.resolve() == live_before
    assert (instance.live / "index.html").read_bytes() == served
    assert instance.last_status() == SiteBuild.Status.RUNNING

    instance.pause.unlink()
    started = time.monotonic()
    restarted = instance.start("site_worker", "--batch")  # as systemd restarts it
    output, _ = restarted.communicate(timeout=120)
    recovery = time.monotonic() - started
    assert "1 个构建曾被中断，已重新排队" in output

    _first, killed, retry = instance.builds()
    assert killed[1] == SiteBuild.Status.FAILED and "构建进程中断" in killed[3]
    assert retry[1] == SiteBuild.Status.SUCCEEDED
    assert retry[2] == f"重试：构建 #{killed[0]} 被中断"
    assert instance.live.resolve() != live_before
    assert len(instance.build_dirs()) == 2, "the cut-off build's directory is gone"
    print(f"\nrecovery after a killed worker: {recovery:.1f} s (worker start to site rebuilt)")


def test_a_killed_pelican_fails_the_build_and_the_worker_retries_it(instance):
    live_before = instance.live.resolve()
    worker = instance.start("site_worker")
    try:
        hold_a_build(instance)
        [pelican] = [pid for pid in children(worker.pid) if b"pelican" in _cmdline(pid)]
        os.kill(pelican, signal.SIGKILL)
        instance.pause.unlink()
        killed_at = time.monotonic()
        wait_for(lambda: instance.last_status() == SiteBuild.Status.SUCCEEDED, timeout=120)
        recovery = time.monotonic() - killed_at
        assert worker.poll() is None
    finally:
        stop(worker)
    _first, killed, retry = instance.builds()
    assert killed[1] == SiteBuild.Status.FAILED
    assert "Pelican 被信号 9 终止" in killed[3] and "秒后自动重试（第 1 次" in killed[3]
    assert retry[2] == f"自动重试：构建 #{killed[0]} 失败"
    assert instance.live.resolve() != live_before
    print(f"\nrecovery after a killed Pelican: {recovery:.1f} s (1 s retry pause)")


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


# --- A database restart ---------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL server of this test's own, to restart at will. As root, initdb and the
    server run as the postgres user, which they require."""

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data = root / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/gongshi_wt8c_faults"

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def init(self):
        self.root.mkdir(parents=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:", str(self.root)], check=True)
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            *extra,
            action,
        )


@pytest.fixture
def private_postgres(tmp_path_factory):
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15's initdb is not installed")
    root = Path(f"/tmp/gongshi-wt8c-pg-{os.getpid()}")
    server = PrivatePostgres(root, PRIVATE_PG_PORT)
    server.init()
    server.pg_ctl("start")
    from instance import create_postgres_database

    create_postgres_database(server.url, "gongshi_wt8c_faults")
    yield server
    server.pg_ctl("stop", "-m", "immediate")
    subprocess.run(["rm", "-rf", str(root)], check=True)


def test_a_database_restart_during_a_build_and_while_the_worker_waits(private_postgres, tmp_path):
    instance = started_instance(tmp_path / "cms", private_postgres.url)
    live_before = instance.live.resolve()
    worker = instance.start("site_worker")
    try:
        hold_a_build(instance)
        private_postgres.pg_ctl("restart", "-m", "fast")  # cuts the worker's connection
        instance.pause.unlink()
        restarted_at = time.monotonic()
        wait_for(lambda: instance.last_status() == SiteBuild.Status.SUCCEEDED, timeout=120)
        during_build = time.monotonic() - restarted_at
        assert worker.poll() is None, "the worker survives"
        assert instance.live.resolve() != live_before
        live_before = instance.live.resolve()

        private_postgres.pg_ctl("stop", "-m", "fast")  # while the worker waits for work
        time.sleep(3)
        assert worker.poll() is None
        private_postgres.pg_ctl("start")
        back_at = time.monotonic()
        instance.manage("build_site", "--reason", "发布：数据库重启后")
        wait_for(lambda: instance.last_status() == SiteBuild.Status.SUCCEEDED, timeout=120)
        while_waiting = time.monotonic() - back_at
        assert worker.poll() is None
        assert instance.live.resolve() != live_before
    finally:
        stop(worker)
    output = worker.stdout.read()
    assert "数据库暂时不可用" in output
    statuses = [build[1] for build in instance.builds()]
    assert statuses == [SiteBuild.Status.SUCCEEDED] * 3, instance.builds()
    print(
        f"\nbuild recorded {during_build:.1f} s after a restart mid-build; "
        f"a build requested after a restart while idle done in {while_waiting:.1f} s"
    )


# --- A full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(settings, tmp_path, edition):
    """The site directory on a 4 MB tmpfs of its own (needs root to mount)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    settings.GONGSHI_SITE_DIR = mount_point / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    SiteBuild.objects.all().delete()
    default_task_backend.clear()
    yield settings.GONGSHI_SITE_DIR
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(directory: Path, leave: int) -> Path:
    """Write a ballast file until the disk has only `leave` bytes free."""
    ballast = directory / "ballast"
    stats = os.statvfs(directory)
    size = max(stats.f_bavail * stats.f_frsize - leave, 0)
    with open(ballast, "wb", buffering=0) as handle:
        try:
            while size > 0:
                size -= handle.write(b"\0" * min(size, 1 << 20))
            if leave == 0:
                while True:
                    handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return ballast


@pytest.mark.parametrize("leave", [0, "content"], ids=["export", "pelican"])
def test_a_full_disk_fails_cleanly_and_the_retry_works_once_space_is_freed(small_disk, leave):
    first = tasks.run_build(tasks.request_build("首次").pk)
    assert first.status == SiteBuild.Status.SUCCEEDED, first.error
    live_before = (small_disk / "live").resolve()
    served = (small_disk / "live" / "index.html").read_bytes()
    content_size = sum(p.stat().st_size + 4096 for p in (live_before.parent / "content").rglob("*"))
    ballast = fill(small_disk, 0 if leave == 0 else content_size + 8192)

    failed = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert failed.status == SiteBuild.Status.FAILED
    assert failed.error.startswith("磁盘空间不足，构建未完成"), failed.error
    assert "将在 30 秒后自动重试（第 1 次，最多 5 次）" in failed.error
    assert [d.name for d in (small_disk / "builds").iterdir()] == [live_before.parent.name]
    assert (small_disk / "live").resolve() == live_before
    assert (small_disk / "live" / "index.html").read_bytes() == served
    [retry] = [
        r for r in default_task_backend.results if r.task.func == tasks.retry_site_build.func
    ]
    assert retry.args == [failed.pk] and retry.task.run_after is not None

    ballast.unlink()
    started = time.monotonic()
    assert tasks.retry_site_build.call(failed.pk) == "requested"
    retried = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert retried.trigger_list == [f"自动重试：构建 #{failed.pk} 失败"]
    assert tasks.run_build(retried.pk).status == SiteBuild.Status.SUCCEEDED
    print(f"\nfull disk: retry build {time.monotonic() - started:.1f} s after the 30 s pause")
    assert (small_disk / "live").resolve() != live_before


# --- Retry policy ---------------------------------------------------------------------------


def test_retries_pause_longer_each_time_and_stop_at_the_cap(settings, db, monkeypatch):
    settings.GONGSHI_BUILD_RETRIES = 3
    assert [retries.delay_before(n) for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]
    default_task_backend.clear()
    SiteBuild.objects.create(triggers="x", status=SiteBuild.Status.SUCCEEDED)
    delays = []
    for _ in range(4):
        failed = SiteBuild.objects.create(
            triggers="x", status=SiteBuild.Status.FAILED, error=atomic.DISK_FULL
        )
        delays.append(tasks.schedule_retry(failed))
    assert delays == [30, 60, 120, None]
    failed.refresh_from_db()
    assert "已连续失败 4 次，不再自动重试" in failed.error


def test_a_database_error_in_the_export_is_explained_and_retried(
    settings, db, tmp_path, monkeypatch
):
    from django.db import OperationalError

    from cms.publishing import export, tasks

    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    default_task_backend.clear()

    def lost_connection():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(export, "collect", lost_connection)
    failed = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert failed.status == SiteBuild.Status.FAILED
    assert failed.error.startswith(retries.DATABASE_DOWN)
    assert "将在 30 秒后自动重试" in failed.error
    assert not list((tmp_path / "site" / "builds").iterdir())


def test_no_retry_for_content_the_editors_must_fix(settings, db, tmp_path, monkeypatch):
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    settings.GONGSHI_PELICAN_SETTINGS = STUB
    monkeypatch.setenv("STUB_CRASH", "1")  # Pelican refuses, as with broken content
    default_task_backend.clear()
    failed = tasks.run_build(tasks.request_build("发布：公示").pk)
    assert failed.status == SiteBuild.Status.FAILED and "自动重试" not in failed.error
    assert not [
        r for r in default_task_backend.results if r.task.func == tasks.retry_site_build.func
    ]


def test_editors_see_the_failure_and_the_retry_in_the_admin(settings, db, tmp_path, client, users):
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    failed = SiteBuild.objects.create(
        triggers="发布：公示",
        status=SiteBuild.Status.FAILED,
        error=f"{atomic.DISK_FULL}\n[Errno 28] No space left on device",
    )
    tasks.schedule_retry(failed)
    client.force_login(users["editor"])
    history = client.get("/admin/site_builds/").content.decode()
    assert "磁盘空间不足，构建未完成" in history and "将在 30 秒后自动重试" in history
    dashboard = client.get("/admin/").content.decode()
    assert f"最近一次构建（#{failed.pk}" in dashboard
    assert "磁盘空间不足" in dashboard and "自动重试（第 1 次，最多 5 次）" in dashboard


# --- The demo's worker ----------------------------------------------------------------------


def test_killing_the_demo_workers_child_processes_leaves_it_working(instance):
    """`make demo` runs the worker with debugging on, where the queue's worker would
    restart itself in a child process on code changes; killed, that child took the demo's
    only worker with it. The worker keeps no child of its own while it waits (the state
    of incremental builds lives in its process, ADR 9)."""
    worker = instance.start("site_worker", GONGSHI_INSTANCE_DEBUG="1")
    try:
        time.sleep(8)  # started, waiting for work
        assert worker.poll() is None
        for pid in children(worker.pid):
            os.kill(pid, signal.SIGKILL)
        time.sleep(3)
        assert worker.poll() is None, "the worker is still there"
        before = instance.live.resolve()
        instance.manage("build_site", "--reason", "发布：公示")
        wait_for(lambda: instance.last_status() == SiteBuild.Status.SUCCEEDED, timeout=120)
        assert instance.live.resolve() != before
        assert children(worker.pid) == []
    finally:
        stop(worker)
