"""Publishing in under a second: a build that exports and writes only what changed.

The worker keeps, in its own process, the state of the live build (the Pelican
generator with the model, what every page read: site/gongshi_site/incremental.py).
A build whose triggers name the pages that changed exports just those pages (and the
pages whose export depends on them), writes them into a new build directory that shares
the live build's unchanged files and directories (gongshi_site/shared_dirs.py), updates
the site and the search index there,
and swaps `live` exactly as a full build does (site/gongshi_site/atomic.py).

Anything inconsistent (no state for the live build, code, theme or settings changed, a
build date going backwards, a change to a programme, a channel or the home page) raises
NeedsFullBuild, and the caller runs a full build. A new day is an incremental build:
the pages of the documents whose status it changes, and what shows the date
(gongshi_site/incremental_day.py). `publish()` needs no Django: `make bench` calls it with the
changed files directly.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gongshi_site import atomic, shared_dirs
from gongshi_site.incremental import Report, SiteState, open_generator
from gongshi_site.incremental_limits import NeedsFullBuild
from gongshi_site.linked_tree import link_tree, remove_file, replace_file
from gongshi_site.settings import parse_build_date

logger = logging.getLogger(__name__)

# What an incremental build's output depends on besides content: a change to any of
# these files (a deployment) makes the remembered state stale.
REPOSITORY = atomic.REPOSITORY
CODE = [
    REPOSITORY / "site",
    REPOSITORY / "themes",
    REPOSITORY / "gongshi",
]

__all__ = ["NeedsFullBuild", "Published", "forget_state", "load_state", "publish"]


@dataclass
class Published:
    """One incremental build: the new build's name and output, and what it did."""

    name: str
    output: Path
    seconds: float  # until `live` pointed at it
    cpu_seconds: float  # of this process, until then
    report: Report


@dataclass
class _Remembered:
    build: Path  # the build directory the state describes
    code: str
    settings: tuple
    state: SiteState


_remembered: _Remembered | None = None
# The next publish's build, made after each build (outside the publish's critical path):
# a link_tree() copy of content/ (a directory per kind, one file per document: linked
# file by file), and a fork of the output (gongshi_site/shared_dirs.py) whose directories
# the last publish wrote in are made its own already (/notices/ holds an entry per
# notice). (the build it copies, its directory)
_spare: tuple[Path, Path] | None = None
_background: threading.Thread | None = None  # what runs after the last publish
_last_made: list[str] = []  # the directories of the output the last publish wrote in


def code_version() -> str:
    """A digest of the names, sizes and modification times of the code and theme files."""
    digest = hashlib.blake2b(digest_size=16)
    for root in CODE:
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
            for name in sorted(files):
                stat = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


# The build date is not a setting an incremental build must keep: a later day is
# followed (SiteState.update), an earlier one refused.
_FOLLOWED = {"GONGSHI_BUILD_DATE"}


def _settings_key(settings_file: Path, environment: dict) -> tuple:
    kept = {name: value for name, value in (environment or {}).items() if name not in _FOLLOWED}
    return (str(settings_file), tuple(sorted(kept.items())))


def load_state(
    site_dir: Path, *, settings_file: Path = atomic.PELICAN_SETTINGS, environment: dict | None
) -> SiteState:
    """Remember the live build: its content read and assembled, and what each page read,
    as the full build noted it (a build an incremental publish made has no such note:
    its pages are rendered once in memory, tens of seconds for a large archive)."""
    global _remembered
    live = atomic.live_output(Path(site_dir))
    if live is None:
        raise NeedsFullBuild("还没有可用的构建")
    wait_for_background()  # it may be linking a copy of the state's build
    _drop_state()
    build = live.parent
    environment = dict(environment or {})
    # Read through the content cache the full build has just filled (atomic.py).
    reading = {"GONGSHI_CACHE_DIR": str(Path(site_dir) / "cache"), **environment}
    generator = open_generator(settings_file, build / "content", live, reading)
    state = SiteState.load(
        generator,
        live,
        build / "search" if (build / "search").is_dir() else None,
        state_dir=build / atomic.STATE,
    )
    _remembered = _Remembered(
        build, code_version(), _settings_key(settings_file, environment), state
    )
    _out_of_the_collectors_way()
    _in_background(prepare_spare, site_dir)
    return state


def prepare_spare(site_dir: Path) -> None:
    """Link a copy of the remembered build's content/ for the next publish, and fork its
    output with the directories the last publish changed made its own already."""
    global _spare
    spares = Path(site_dir) / "spare"
    if _spare is not None:
        shared_dirs.forget(_spare[1] / "output")
    shutil.rmtree(spares, ignore_errors=True)
    _spare = None
    remembered = _remembered  # read once: the state may be dropped meanwhile
    if remembered is None:
        return
    directory = spares / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    directory.mkdir(parents=True)  # first: pruning keeps the store directories it names
    link_tree(remembered.build / "content", directory / "content")
    if shared_dirs.is_shared(remembered.build / "output"):
        shared_dirs.fork(remembered.build / "output", directory / "output")
        shared_dirs.make_own(directory / "output", _last_made)
    _spare = (remembered.build, directory)


def _take_spare(build_dir: Path) -> bool:
    """Move the spare copy into place as `build_dir`, if it copies the remembered build."""
    global _spare
    spare, _spare = _spare, None
    if spare is None or spare[0] != _remembered.build or not spare[1].is_dir():
        return False
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    os.rename(spare[1], build_dir)
    if (build_dir / "output").is_dir():
        shared_dirs.moved(spare[1] / "output", build_dir / "output")
    return True


def forget_state() -> None:
    global _spare
    wait_for_background()
    _drop_state()
    if _spare is not None:
        shared_dirs.forget(_spare[1] / "output")
    _spare = None


def _drop_state() -> None:
    global _remembered
    _remembered = None
    gc.unfreeze()  # what the state held can be collected again


def _out_of_the_collectors_way() -> None:
    """The state of a large archive is millions of objects, which the cyclic garbage
    collector would walk again and again, seconds at a time during a publish: what is
    alive now is moved out of its sight until the state is dropped."""
    gc.freeze()


def _current_state(site_dir: Path, settings_file: Path, environment: dict) -> SiteState:
    live = atomic.live_output(site_dir)
    if _remembered is None or live is None or live.parent != _remembered.build:
        raise NeedsFullBuild("工作进程没有当前构建的状态")
    if _remembered.settings != _settings_key(settings_file, environment):
        raise NeedsFullBuild("构建设置已更改")
    if _remembered.code != code_version():
        raise NeedsFullBuild("程序或主题已更新")
    if (
        parse_build_date(environment.get("GONGSHI_BUILD_DATE"))
        < _remembered.state.config.build_date
    ):
        raise NeedsFullBuild("构建日期早于当前构建的日期，需要完整构建")
    return _remembered.state


def publish(
    site_dir: Path,
    changes: dict[str, bytes | None],
    *,
    settings_file: Path = atomic.PELICAN_SETTINGS,
    environment: dict | None = None,
) -> Published:
    """Make `changes` ({path under content/: the file's bytes, or None to delete it})
    public by an incremental build of the live build, and swap `live`.

    Raises NeedsFullBuild (nothing was changed) or atomic.BuildFailed (`live` unchanged,
    the state forgotten: the next build is a full one)."""
    global _remembered
    site_dir = Path(site_dir)
    environment = dict(environment or {})
    started, started_cpu = time.monotonic(), time.process_time()
    wait_for_background()  # the spare copy it links, if still at it
    with atomic.site_lock(site_dir):
        state = _current_state(site_dir, settings_file, environment)
        name = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        previous = _remembered.build
        build_dir = site_dir / "builds" / name
        try:
            if not _take_spare(build_dir):
                link_tree(previous / "content", build_dir / "content")
            if not (build_dir / "output").is_dir():
                # A shared tree is forked in milliseconds (its directories made own as
                # the publish writes in them); a plain one (a build made before
                # shared_dirs.py) is linked file by file, and shared by finish(), once.
                link_tree(previous / "output", build_dir / "output")
            for path, data in changes.items():
                target = build_dir / "content" / path
                if data is None:
                    remove_file(target, build_dir / "content")
                else:
                    replace_file(target, data)
            report = state.update(
                build_dir / "content",
                list(changes),
                build_dir / "output",
                build_dir / "search" if state.search is not None else None,
                linked=True,
                build_date=parse_build_date(environment.get("GONGSHI_BUILD_DATE")),
            )
            if not (build_dir / "output" / "index.html").is_file():
                raise atomic.BuildFailed("构建没有生成首页 index.html")
            # What the full build derives from its output, for the files this one changed.
            output = build_dir / "output"
            written = []
            for path in map(Path, sorted(report.touched)):
                if not path.is_relative_to(output):
                    continue
                if path.exists():
                    written.append(path)
                else:  # its .gz too, and the directories left empty
                    remove_file(path.with_name(path.name + ".gz"), output)
            atomic.compress_all(written)
            atomic.write_withdrawn_markers(output, build_dir / "withdrawn")
            atomic.ensure_complete(output)
            made = shared_dirs.finish(output)
        except NeedsFullBuild:
            _drop_state()
            shared_dirs.forget(build_dir / "output")
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        except Exception as error:
            _drop_state()
            shared_dirs.forget(build_dir / "output")
            shutil.rmtree(build_dir, ignore_errors=True)
            if isinstance(error, atomic.BuildFailed):
                raise
            raise atomic.BuildFailed(f"增量构建失败：{error}") from error
        atomic.make_live(site_dir, build_dir / "output")
        _remembered.build = build_dir
        _last_made[:] = made
        seconds = time.monotonic() - started  # public from here on
        cpu_seconds = time.process_time() - started_cpu
        atomic.prune(site_dir, keep=build_dir)
    _out_of_the_collectors_way()
    # Deleting the dropped build and linking the next spare content/ take time for a
    # large site: a thread does them while the worker reports the publish done.
    _in_background(_after_publish, site_dir)
    return Published(name, build_dir / "output", seconds, cpu_seconds, report)


def _after_publish(site_dir: Path) -> None:
    atomic.empty_trash(site_dir)
    prepare_spare(site_dir)


def _in_background(function, *arguments) -> None:
    global _background
    wait_for_background()

    def run():
        try:
            function(*arguments)
        except Exception:  # the next publish links its own copy, the next prune retries
            logger.exception("Work after a publish failed")

    _background = threading.Thread(target=run, name="gongshi-after-publish", daemon=True)
    _background.start()


def wait_for_background() -> None:
    """Until the work started after the last publish is done."""
    if _background is not None:
        _background.join()
