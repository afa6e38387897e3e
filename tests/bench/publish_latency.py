"""Publish latency: one new notice made public by an incremental build of a built site.

    python tests/bench/publish_latency.py <site dir> --runs 10 --build-date 2024-06-12

<site dir> holds a full build (site/gongshi_site/atomic.py's layout, `live` included), e.g.
of a corpus from tests/bench/corpus.py. The state is loaded once (timed apart, as the
worker does after a full build); then each run publishes one new notice, a copy of the
newest with a new id, signed and published as the newest of the archive (with
--backdated, the day before the build date: in a generated archive that runs past it,
this lands among later documents and shifts pages and feed archives), through
cms.publishing.incremental.publish(), and the times of its phases are taken from its
report. Latency is until `live` points at the new build; what the worker does after it
in a thread (deleting the oldest build, linking a copy for the next publish), which a
publish waits for only when publishes come faster, is a phase apart. Prints medians, and
the figures as JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cms.publishing import incremental
from gongshi.contract import dump, load, relative_path
from gongshi_site import atomic

REPOSITORY = Path(__file__).resolve().parents[2]

FIRST_ID = 90_000_000


def newest_dates(content: Path) -> tuple[date, datetime]:
    """The latest signing date and publish time of the archive's notices and calls: the
    generated archive runs past its build date, and what an editor publishes today is
    newer than anything published before (the server records the publish time)."""
    signed, published = date.min, datetime.min.replace(tzinfo=UTC)
    for folder in ("notices", "calls"):
        for path in (content / folder).glob("*.md"):
            document, _body = load(path.read_text(encoding="utf-8"), str(path))
            signed = max(signed, date.fromisoformat(document["date_signed"]))
            published = max(published, datetime.fromisoformat(document["first_published_at"]))
    return signed, published


def new_notice(
    content: Path, number: int, build_date: date, newest: tuple[date, datetime] | None = None
) -> tuple[str, bytes]:
    """A new notice file: the notice with the highest id, renumbered (after it, and after
    FIRST_ID), signed the day before the build date, or with `newest` (newest_dates())
    on that day and published after everything else."""
    latest = max((content / "notices").glob("*.md"), key=lambda path: int(path.stem))
    document, body = load(latest.read_text(encoding="utf-8"), str(latest))
    item_id = max(FIRST_ID, int(latest.stem)) + 1
    day = build_date - timedelta(days=1)
    moment = f"{day.isoformat()}T09:{number % 60:02d}:00+08:00"
    if newest is not None:
        day = newest[0]
        moment = (newest[1] + timedelta(minutes=number)).isoformat()
    if document.get("index_number"):  # unique, as the CMS gives it: the item's id
        prefix, _dash, _sequence = document["index_number"].rpartition("-")
        document["index_number"] = f"{prefix}-{item_id:05d}"
    document.update(
        id=item_id,
        uuid=f"00000000-0000-4000-9000-{item_id:012d}",
        title=f"{document['title']}（第{number}次发布测试）",
        date_signed=day.isoformat(),
        first_published_at=moment,
        last_published_at=moment,
        start_date=build_date.isoformat(),
        end_date=(build_date + timedelta(days=7)).isoformat(),
        attachments=[],
        changes=[{"published_at": moment, "note": "首次发布", "is_major": True}],
    )
    path = relative_path(document).as_posix()
    return path, dump(document, body, path=f"content/{path}").encode("utf-8")


def measure(site_dir: Path, runs: int, build_date: date, newest: bool = True) -> dict:
    """`newest`: each new notice is the newest in every listing and feed, as a notice
    published today is; otherwise signed and published the day before the build date,
    which in a generated archive lands among hundreds of later ones."""
    environment = {"GONGSHI_BUILD_DATE": build_date.isoformat()}
    dates = newest_dates(atomic.live_output(site_dir).parent / "content") if newest else None
    started = time.perf_counter()
    incremental.load_state(site_dir, environment=environment)
    load_seconds = time.perf_counter() - started
    totals, cpu_totals, phases, cpu_phases = [], [], {}, {}
    for number in range(1, runs + 1):
        # What the worker does after each publish, in a thread (deleting the oldest build,
        # linking a copy of the new one): an editor's publish finds it done, unless
        # publishes come faster than it takes; timed apart.
        started = time.perf_counter()
        incremental.wait_for_background()
        phases.setdefault("after the previous publish", []).append(time.perf_counter() - started)
        content = atomic.live_output(site_dir).parent / "content"
        path, data = new_notice(content, number, build_date, dates)
        published = incremental.publish(site_dir, {path: data}, environment=environment)
        totals.append(published.seconds)  # until `live` points at the new build
        cpu_totals.append(published.cpu_seconds)
        for phase, seconds in published.report.phases.items():
            phases.setdefault(phase, []).append(seconds)
        for phase, seconds in published.report.cpu.items():
            cpu_phases.setdefault(phase, []).append(seconds)
        phases.setdefault("pages rendered", []).append(published.report.pages_rendered)
        phases.setdefault("feed documents", []).append(published.report.feed_documents)
    return {
        "state_load_seconds": round(load_seconds, 2),
        "runs": runs,
        "publish_median_seconds": round(statistics.median(totals), 3),
        "publish_seconds": [round(total, 3) for total in totals],
        "publish_cpu_median_seconds": round(statistics.median(cpu_totals), 3),
        "phase_medians": {
            phase: round(statistics.median(values), 3) for phase, values in phases.items()
        },
        "phase_cpu_medians": {
            phase: round(statistics.median(values), 3) for phase, values in cpu_phases.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--build-date", type=date.fromisoformat, default=date(2024, 6, 12))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--backdated",
        action="store_true",
        help="sign and publish each notice the day before the build date, not as the newest",
    )
    arguments = parser.parse_args()
    figures = measure(
        arguments.site_dir, arguments.runs, arguments.build_date, newest=not arguments.backdated
    )
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if arguments.json:
        arguments.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
