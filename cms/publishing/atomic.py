"""Build the public site into a fresh directory and swap it in only when the build worked.

No Django here: the CMS's worker and `make site` on a machine away from the CMS both
build through `build_site()`.

    <site dir>/builds/<name>/content/   what the build read (content/ of this build)
    <site dir>/builds/<name>/output/    what Pelican wrote
    <site dir>/builds/<name>/search/    the search index the same build wrote (cms.search)
    <site dir>/live -> builds/<name>/output   what the web server serves

The `live` symlink is replaced with rename(2), which is atomic: a reader sees the old
tree or the new one, never a mix. A failed or killed build leaves its directory behind
(cleaned up by the next build) and `live` untouched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PELICAN_SETTINGS = REPOSITORY / "site" / "pelicanconf.py"
KEEP_BUILDS = 3  # the live one and two before it, to roll back by hand
ERROR_TAIL = 4000  # characters of Pelican's output kept with a failed build


class BuildFailed(Exception):
    """The build did not produce a site; `live` was left as it was."""


class BuildBusy(Exception):
    """Another build holds the site directory."""


@dataclass
class BuildResult:
    name: str
    output: Path
    item_count: int
    seconds: float


def live_output(site_dir: Path) -> Path | None:
    link = Path(site_dir) / "live"
    return link.resolve() if link.exists() else None


@contextmanager
def site_lock(site_dir: Path, wait: bool = True):
    """One build at a time per site directory, across processes."""
    site_dir = Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    with open(site_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildBusy(str(site_dir)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_site(
    site_dir: Path,
    write_content: Callable[[Path], int],
    *,
    settings_file: Path = PELICAN_SETTINGS,
    timeout: float = 600,
    environment: dict | None = None,
) -> BuildResult:
    """Export with `write_content(content_dir)` (returns the item count), run Pelican, and
    make the result live. Raises BuildFailed with the reason, leaving `live` unchanged."""
    site_dir = Path(site_dir)
    started = time.monotonic()
    with site_lock(site_dir):
        name = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        build_dir = site_dir / "builds" / name
        content_dir, output_dir = build_dir / "content", build_dir / "output"
        content_dir.mkdir(parents=True)
        try:
            count = write_content(content_dir)
        except Exception as error:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise BuildFailed(f"导出失败：{error}") from error
        # The search index is written by the same Pelican run, beside the output and
        # before the swap: the search service follows `live` to it, so it switches with
        # the site and never sees a half-built index.
        environment = {**(environment or {}), "GONGSHI_SEARCH_DIR": str(build_dir / "search")}
        run_pelican(content_dir, output_dir, settings_file, timeout, environment)
        if not (output_dir / "index.html").is_file():
            shutil.rmtree(build_dir, ignore_errors=True)
            raise BuildFailed("构建没有生成首页 index.html")
        _point_live_at(site_dir, output_dir)
        _prune(site_dir, keep=output_dir.parent)
        return BuildResult(name, output_dir, count, time.monotonic() - started)


def run_pelican(content_dir, output_dir, settings_file, timeout, environment=None) -> None:
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content_dir),
        "-o",
        str(output_dir),
        "-s",
        str(settings_file),
        "--fatal",
        "errors",
        "-q",
    ]
    env = {**os.environ, **(environment or {})}
    try:
        finished = subprocess.run(
            command, cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise BuildFailed(f"构建超时（超过{timeout:.0f}秒），已中止") from None
    if finished.returncode != 0:
        output = (finished.stderr or "") + (finished.stdout or "")
        reason = f"Pelican 退出码 {finished.returncode}"
        if finished.returncode < 0:
            reason = f"Pelican 被信号 {-finished.returncode} 终止"
        raise BuildFailed(f"{reason}\n{output[-ERROR_TAIL:]}".strip())


def make_live(site_dir: Path, output_dir: Path) -> None:
    """Swap `live` to a finished build's output (incremental.py; prune() after)."""
    _point_live_at(site_dir, output_dir)


def prune(site_dir: Path, keep: Path) -> None:
    _prune(site_dir, keep)


def _point_live_at(site_dir: Path, output_dir: Path) -> None:
    staging = site_dir / f".live-{os.getpid()}"
    if staging.is_symlink() or staging.exists():
        staging.unlink()
    staging.symlink_to(output_dir.relative_to(site_dir))
    os.replace(staging, site_dir / "live")


def _prune(site_dir: Path, keep: Path) -> None:
    """Drop builds older than the last KEEP_BUILDS, and any failed leftovers."""
    builds = sorted((site_dir / "builds").iterdir())
    live = live_output(site_dir)
    kept = 0
    for build in reversed(builds):
        complete = (build / "output" / "index.html").is_file()
        if build == keep or (live and build == live.parent):
            kept += 1
            continue
        if complete and kept < KEEP_BUILDS:
            kept += 1
            continue
        shutil.rmtree(build, ignore_errors=True)
