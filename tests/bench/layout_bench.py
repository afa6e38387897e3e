"""The cost of making a publish's new build directory, by layout (ADR 42).

    python tests/bench/layout_bench.py <scratch dir> --notices 20000

Writes a tree shaped like a built site of that many notices (a directory of five files
per notice, six per credential and two per winner for a quarter as many, five per
decision for an eighth, 300 programmes, 7,400 feed files in 200 + 300 × 24), then times: linking a copy of
every file (link_tree of a plain tree: what the worker did after each publish), and
sharing it once (shared_dirs.share, at the end of a full build) followed by a fork and
the directories a new notice's publish writes made the build's own.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from gongshi_site import shared_dirs
from gongshi_site.linked_tree import link_tree, replace_file

SHAPE = {"notices": (1, 5), "v": (4, 6), "winners": (4, 2), "decisions": (8, 5)}
PUBLISH_WRITES = [  # a new notice: its page, listings, programme, feeds, open data, home
    "notices/{new}/index.html",
    "notices/{new}/record.json",
    "notices/index.html",
    "notices/year/2024/index.html",
    "notices/type/award/index.html",
    "programmes/7/index.html",
    "feeds/all.atom",
    "feeds/7/index.atom",
    "data/notices-2024.json",
    "sitemap/2024.xml",
    "index.html",
]


def make_tree(root: Path, notices: int) -> int:
    count = 0
    for top, (divisor, files) in SHAPE.items():
        for item in range(notices // divisor):
            directory = root / top / str(item)
            directory.mkdir(parents=True)
            for number in range(files):
                (directory / f"f{number}").write_bytes(b"x")
            count += files
    for programme in range(300):
        (root / "programmes" / str(programme)).mkdir(parents=True)
        (root / "programmes" / str(programme) / "index.html").write_bytes(b"x")
        count += 1
    for name in ("feeds", "data", "sitemap", "notices/year/2024", "notices/type/award"):
        (root / name).mkdir(parents=True, exist_ok=True)
    for number in range(200):  # the site's feeds, and 24 files per programme's
        (root / "feeds" / f"all-archive-{number}.atom").write_bytes(b"x")
    for programme in range(300):
        (root / "feeds" / str(programme)).mkdir()
        for number in range(24):
            (root / "feeds" / str(programme) / f"{number}.atom").write_bytes(b"x")
    (root / "index.html").write_bytes(b"x")
    return count + 7401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scratch", type=Path)
    parser.add_argument("--notices", type=int, default=20000)
    arguments = parser.parse_args()
    site = arguments.scratch.resolve() / f"layout-{arguments.notices}"
    shutil.rmtree(site, ignore_errors=True)
    full = site / "builds" / "0" / "output"
    files = make_tree(full, arguments.notices)
    started = time.perf_counter()
    link_tree(full, site / "builds" / "plain-copy" / "output")
    linked = time.perf_counter() - started
    started = time.perf_counter()
    directories = shared_dirs.share(full)
    shared = time.perf_counter() - started
    started = time.perf_counter()
    new = site / "builds" / "1" / "output"
    link_tree(full, new)
    for path in PUBLISH_WRITES:
        replace_file(new / path.format(new=arguments.notices + 1), b"y")
    shared_dirs.finish(new)
    forked = time.perf_counter() - started
    print(
        f"{arguments.notices} notices, {files} files, {directories} directories: "
        f"link every file {linked:.2f} s; share once (full build) {shared:.2f} s; "
        f"fork and write a publish's {len(PUBLISH_WRITES)} files {forked:.3f} s"
    )
    shutil.rmtree(site)


if __name__ == "__main__":
    main()
