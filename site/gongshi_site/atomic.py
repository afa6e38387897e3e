"""Build the public site into a fresh directory and swap it in only when the build worked.

No Django here: the CMS's worker and `make site` on a machine away from the CMS both
build through `build_site()`.

    <site dir>/builds/<name>/content/   what the build read (content/ of this build)
    <site dir>/builds/<name>/output/    what Pelican wrote (and <file>.gz beside text files),
                                        its directories moved to <site dir>/dirs/ and shared
                                        with later builds that do not change them
                                        (shared_dirs.py; output.dirs lists them)
    <site dir>/builds/<name>/search/    the search index the same build wrote (gongshi.search)
    <site dir>/builds/<name>/state/     what a full build noted for the worker that publishes
                                        after it (noted.py); never served
    <site dir>/builds/<name>/withdrawn/<path>/410   one empty marker per item the build's
                                        withdrawn.json lists: nginx answers 410 Gone where one
                                        exists (`live/../withdrawn`), with no reload per build
    <site dir>/live -> builds/<name>/output   what the web server serves
    <site dir>/cache/                   content read by earlier builds, to skip re-reading

The `live` symlink is replaced with rename(2), which is atomic: a reader sees the old
tree or the new one, never a mix. A failed or killed build leaves its directory behind
(cleaned up by the next build) and `live` untouched; a build that fails is removed at
once, so a full disk is not kept full by its own half-written build.

Readers of a build's output follow its symlinks (nginx does; Python code walks it with
shared_dirs.files()). A store directory is never written once a build uses it, so every
kept build stays as it was made, ready to be made live again.
"""

from __future__ import annotations

import errno
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import shared_dirs

REPOSITORY = Path(__file__).resolve().parents[2]
PELICAN_SETTINGS = REPOSITORY / "site" / "pelicanconf.py"
KEEP_BUILDS = 3  # the live one and two before it, to roll back by hand
TRASH = "trash"  # builds dropped, not yet deleted
STATE = "state"  # beside a build's output: what it noted for the worker (page_reads.py)
ERROR_TAIL = 4000  # characters of Pelican's output kept with a failed build
# Files a web server may send compressed: written once per build as <file>.gz beside
# the file (nginx's gzip_static), instead of compressed again on every request.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".atom", ".rss", ".csv", ".svg", ".txt"}
# Larger files are deflated in pieces of this size (gzip_bytes()).
GZIP_PIECE = 1 << 20
# What gzip.compress(mtime=0) writes first: magic, deflate, no flags, no time, OS unknown.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


DISK_FULL = (
    "磁盘空间不足，构建未完成：未完成的构建目录已删除，公开站点保持不变。"
    "请清理站点目录所在的磁盘，构建会自动重试。"
)


class BuildFailed(Exception):
    """The build did not produce a site; `live` was left as it was. `transient` says
    whether the same build may work when tried again (a full disk, a killed process)
    rather than needing a change to the content."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


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
        try:
            count = _build(build_dir, write_content, settings_file, timeout, environment)
            ensure_complete(build_dir / "output")
            _point_live_at(site_dir, build_dir / "output")
        except BaseException as error:
            shutil.rmtree(build_dir, ignore_errors=True)
            shutil.rmtree(site_dir / shared_dirs.STORE / name, ignore_errors=True)
            if _disk_full(error):
                raise BuildFailed(DISK_FULL, transient=True) from error
            raise
        _prune(site_dir, keep=build_dir)
        return BuildResult(name, build_dir / "output", count, time.monotonic() - started)


def _build(build_dir, write_content, settings_file, timeout, environment) -> int:
    content_dir, output_dir = build_dir / "content", build_dir / "output"
    content_dir.mkdir(parents=True)
    try:
        count = write_content(content_dir)
    except Exception as error:
        if _disk_full(error):
            raise
        raise BuildFailed(f"导出失败：{error}") from error
    # The search index is written by the same Pelican run, beside the output and
    # before the swap: the search service follows `live` to it, so it switches with
    # the site and never sees a half-built index.
    environment = {
        # <site dir>/cache: docs/adr/0008-build-performance.md
        "GONGSHI_CACHE_DIR": str(build_dir.parent.parent / "cache"),
        **(environment or {}),
        "GONGSHI_SEARCH_DIR": str(build_dir / "search"),
        "GONGSHI_STATE_DIR": str(build_dir / STATE),
    }
    run_pelican(content_dir, output_dir, settings_file, timeout, environment)
    if not (output_dir / "index.html").is_file():
        raise BuildFailed("构建没有生成首页 index.html")
    write_withdrawn_markers(output_dir, build_dir / "withdrawn")
    precompress(output_dir)
    ensure_complete(output_dir)  # a directory removed underneath: refused, not half-moved
    shared_dirs.share(output_dir)  # last: the steps above walk a plain tree
    return count


def _disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, BuildFailed) and "No space left on device" in str(error)


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
        raise BuildFailed(f"构建超时（超过{timeout:.0f}秒），已中止", transient=True) from None
    if finished.returncode != 0:
        output = (finished.stderr or "") + (finished.stdout or "")
        reason = f"Pelican 退出码 {finished.returncode}"
        if finished.returncode < 0:
            reason = f"Pelican 被信号 {-finished.returncode} 终止"
        killed = finished.returncode < 0
        raise BuildFailed(f"{reason}\n{output[-ERROR_TAIL:]}".strip(), transient=killed)


def write_withdrawn_markers(output_dir: Path, markers_dir: Path) -> int:
    """Mirror the output's withdrawn.json as a tree of empty files beside the output, for a
    web server that can test a file's existence but not read JSON."""
    try:
        items = json.loads((output_dir / "withdrawn.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        items = []
    except ValueError as error:
        raise BuildFailed(f"withdrawn.json 无法解析：{error}") from error
    markers_dir.mkdir()
    for item in items:
        parts = [part for part in item["path"].split("/") if part]
        if not parts or any(part in (".", "..") for part in parts):
            raise BuildFailed(f"withdrawn.json 中的路径无效：{item['path']}")
        marker = markers_dir.joinpath(*parts, "410")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    return len(items)


def precompress(output_dir: Path) -> int:
    """Write `<file>.gz` beside each compressible file (unless compression saves
    nothing), with the file's own modification time; returns how many."""
    return compress_all(sorted(output_dir.rglob("*")))


def compress_all(paths: list[Path]) -> int:
    """compress() each path, on every core: zlib lets go of the interpreter while it
    compresses, and a build's largest files (open data, feeds) take most of the time."""
    workers = os.cpu_count() or 1
    # Large batches for a whole build; one file at a time for a publish's few files,
    # whose largest would otherwise wait behind the rest in one thread.
    batch = max(1, min(64, len(paths) // (workers * 16)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        packed = sum(pool.map(compress, paths, chunksize=batch))
    _gzip_pieces.next_pass()
    return packed


def compress(path: Path) -> bool:
    """`<path>.gz` for a compressible file, made new (never written through a hard link
    into an earlier build), or removed when the file is gone or gains nothing from it."""
    target = path.with_name(path.name + ".gz")
    shared_dirs.writable(target)
    if target.exists():
        target.unlink()
    if path.suffix not in COMPRESSIBLE or not path.is_file():
        return False
    data = path.read_bytes()
    packed = gzip_bytes(data)
    if len(packed) >= len(data):
        return False
    target.write_bytes(packed)
    stat = path.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return True


def gzip_bytes(data: bytes) -> bytes:
    """gzip of `data` at zlib's level 6. Past GZIP_PIECE bytes, as pigz --independent
    makes it: each GZIP_PIECE of the input deflated on its own and the pieces joined
    into one stream, which any gzip reader reads as usual. A piece is the same bytes
    whatever surrounds it, so a large file written again with a few changes (the open
    data after a publish) deflates again only its changed pieces (kept per process
    between one compress_all() and the next)."""
    if len(data) <= GZIP_PIECE:
        return gzip.compress(data, compresslevel=6, mtime=0)
    starts = range(0, len(data), GZIP_PIECE)
    last = starts[-1]
    body = b"".join(
        _gzip_pieces.get(data[start : start + GZIP_PIECE], final=start == last) for start in starts
    )
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return GZIP_HEADER + body + trailer


class _DeflatedPieces:
    """Raw deflate of pieces, by their digest, kept from the last compress_all() pass."""

    def __init__(self) -> None:
        self._previous: dict[bytes, bytes] = {}
        self._current: dict[bytes, bytes] = {}

    def get(self, piece: bytes, final: bool) -> bytes:
        key = hashlib.blake2b(piece, digest_size=16, person=b"final" if final else b"").digest()
        deflated = self._current.get(key) or self._previous.get(key)
        if deflated is None:
            deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            # A full flush ends the piece on a byte boundary with nothing to refer back
            # to, so the next piece, deflated on its own, follows it in the same stream.
            ending = zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
            deflated = deflater.compress(piece) + deflater.flush(ending)
        self._current[key] = deflated
        return deflated

    def next_pass(self) -> None:
        self._previous, self._current = self._current, {}


_gzip_pieces = _DeflatedPieces()


def make_live(site_dir: Path, output_dir: Path) -> None:
    """Swap `live` to a finished build's output (incremental.py; prune() after)."""
    _point_live_at(site_dir, output_dir)


def prune(site_dir: Path, keep: Path) -> None:
    """As a build does after its swap, but leaving the dropped builds in the trash for
    empty_trash(), which the incremental worker runs after the publish (deleting a
    build of tens of thousands of files takes seconds)."""
    _prune(site_dir, keep, delete=False)


def empty_trash(site_dir: Path) -> None:
    """Delete the builds prune() dropped. Outside the site lock: nothing else uses them."""
    trash = Path(site_dir) / TRASH
    if trash.is_dir():
        for dropped in trash.iterdir():
            shutil.rmtree(dropped, ignore_errors=True)


def ensure_complete(output_dir: Path) -> None:
    """A build's output is checked again just before the swap: what happened since its
    own check (compressing, the 410 markers, a directory removed underneath) must not
    leave `live` pointing at nothing."""
    if not (output_dir / "index.html").is_file():
        raise BuildFailed(
            f"构建目录在切换前已不完整（缺少 {output_dir / 'index.html'}），未切换", transient=True
        )


def _point_live_at(site_dir: Path, output_dir: Path) -> None:
    staging = site_dir / f".live-{os.getpid()}"
    if staging.is_symlink() or staging.exists():
        staging.unlink()
    staging.symlink_to(output_dir.relative_to(site_dir))
    os.replace(staging, site_dir / "live")


def _prune(site_dir: Path, keep: Path, delete: bool = True) -> None:
    """Drop builds older than the last KEEP_BUILDS, and any failed leftovers: each moved
    to the trash with one rename, then the store directories no kept build uses; all
    deleted unless `delete` is false."""
    trash = site_dir / TRASH
    builds = sorted((site_dir / "builds").iterdir())
    live = live_output(site_dir)
    kept = 0
    dropped = []
    for build in reversed(builds):
        complete = shared_dirs.is_complete(build / "output")
        if build == keep or (live and build == live.parent):
            kept += 1
            continue
        if complete and kept < KEEP_BUILDS:
            kept += 1
            continue
        trash.mkdir(exist_ok=True)
        os.rename(build, trash / build.name)
        dropped.append(trash / build.name)
    shared_dirs.collect(site_dir, trash, dropped)
    if delete:
        empty_trash(site_dir)
