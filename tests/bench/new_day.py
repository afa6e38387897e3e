"""The date-driven build of a new day, incremental against full, on a generated archive.

    PYTHONPATH=tests/site .venv/bin/python tests/bench/new_day.py <content dir> <scratch dir> \
        --build-date 2024-06-12 --days 5 [--step 7]

(tests/site on the path for sitebuild's tree comparison, as the golden test compares.)

A full build of <content dir> (e.g. tests/bench/corpus.py's, as `make bench` caches it
under var/bench/) on the build date is made live in <scratch dir>, the worker's state
loaded, then each following day (or every `--step` days: the worker down meanwhile) is
published with no content changed
(cms.publishing.incremental.publish(), as the worker's 00:01 build does), and each one's
time and the files it wrote are noted. Last, a full build of the last day is timed, its
files counted, and compared with the last incremental build (every file but the .gz
copies, which only the worker writes beside its files). Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from cms.publishing import incremental
from gongshi_site import atomic, shared_dirs


def _copy_content(source: Path):
    def write(content: Path) -> int:
        shutil.copytree(source, content, dirs_exist_ok=True)
        return sum(1 for _ in content.rglob("*.md"))

    return write


def _files(output: Path) -> int:
    return sum(1 for path in shared_dirs.files(output) if not path.name.endswith(".gz"))


def measure(content: Path, scratch: Path, build_date: date, days: int, step: int = 1) -> dict:
    site_dir = scratch / "site"
    shutil.rmtree(scratch, ignore_errors=True)
    environment = {"GONGSHI_BUILD_DATE": build_date.isoformat()}
    full = atomic.build_site(site_dir, _copy_content(content), environment=environment)
    output_files = _files(full.output)  # before the publishes prune its build
    started = time.perf_counter()
    incremental.load_state(site_dir, environment=environment)
    incremental.wait_for_background()
    load_seconds = time.perf_counter() - started
    runs = []
    for day in range(1, days + 1):
        incremental.wait_for_background()
        today = build_date + timedelta(days=day * step)
        published = incremental.publish(
            site_dir, {}, environment={"GONGSHI_BUILD_DATE": today.isoformat()}
        )
        report = published.report
        runs.append(
            {
                "day": today.isoformat(),
                "seconds": round(published.seconds, 3),
                "cpu_seconds": round(published.cpu_seconds, 3),
                "changed_items": report.changed_items,
                "pages_rendered": report.pages_rendered,
                "files_touched": len(report.touched),
            }
        )
    incremental.wait_for_background()
    last = atomic.live_output(site_dir)
    # The full build of the last day, in a site directory of its own.
    environment = {"GONGSHI_BUILD_DATE": (build_date + timedelta(days=days * step)).isoformat()}
    compared = atomic.build_site(scratch / "full", _copy_content(content), environment=environment)
    from sitebuild import tree_differences

    problems = [
        problem
        for problem in tree_differences(compared.output, last)
        if not problem.endswith(".gz")
    ]
    incremental.forget_state()
    return {
        "documents": full.item_count,
        "output_files": output_files,
        "full_build_seconds": round(full.seconds, 2),
        "full_build_seconds_last_day": round(compared.seconds, 2),
        "state_load_seconds": round(load_seconds, 2),
        "new_day_median_seconds": statistics.median(run["seconds"] for run in runs),
        "new_day_median_files_touched": statistics.median(run["files_touched"] for run in runs),
        "days": runs,
        "differences_from_a_full_build": problems[:20],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("scratch", type=Path)
    parser.add_argument("--build-date", type=date.fromisoformat, default=date(2024, 6, 12))
    parser.add_argument("--days", type=int, default=5, help="new days published")
    parser.add_argument("--step", type=int, default=1, help="days between them (a gap)")
    arguments = parser.parse_args()
    figures = measure(
        arguments.content, arguments.scratch, arguments.build_date, arguments.days, arguments.step
    )
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
