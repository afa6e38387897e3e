"""`make bench`: the product's speed at 1,000, 10,000, 20,000 and 50,000 notices.

For each size it generates a synthetic archive once (tests/bench/corpus.py: a quarter as
many winners as notices, 300 programmes, 15 years; cached in var/bench/ by generator
version and seed), loads it into a fresh CMS database in bulk (tests/bench/bulk_load.py,
checked through the export), and measures through the product's own entry points:

- full build: a build requested and run as the worker runs it (cms.publishing.builds),
  export + Pelican + feeds + search index; wall time and peak memory, cold (fresh site
  dir, Python bytecode recompiled) and warm (a second build into the same site dir);
- publish latency: a notice published in the CMS (a revision published, which requests a
  build), the queued tasks run as the worker runs them, until its page, the listing, the
  home page, the feeds and the search index on disk all show it;
- search: index build time; query median and p95; queries per second from concurrent
  clients against gongshi.search.service:application under gunicorn on loopback;
- CMS: the admin's page explorer (the biggest parent) and search, the public read API
  (the content endpoint's first answer after a publish too); and export.collect() (the
  database side of the build) with its query count;
- Hugo (Debian's) on the same notices, when installed: an anchor.

    make bench                                  # 1,000, 10,000, 20,000 and 50,000 notices
    BENCH_SIZES=1000,10000 make bench           # a quicker run
    .venv/bin/python tests/bench/bench.py --sizes 60 --runs 1 --out /tmp/r.json
    BENCH_SIZES=20000 .venv/bin/python tests/bench/bench.py --cms-only  # the CMS alone
    BENCH_SIZES=20000 .venv/bin/python tests/bench/bench.py --publish-only  # the log's cost

SQLite by default (var/bench/db-<n>.sqlite3); with DATABASE_URL set, PostgreSQL, in a
database named after the one given plus `_bench_<n>`, created afresh. Prints a table and
each cost's growth per tenfold size, and writes var/bench/results.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
import corpus as corpus_module  # noqa: E402

VAR = REPOSITORY / "var" / "bench"
SEED = 20240612
PROGRAMMES, YEARS = 300, 15
TODAY = date(2024, 6, 12)  # the search queries' "today", as in search_bench
QPS_PORT = int(os.environ.get("BENCH_PORT", "9150"))
QPS_CLIENTS, QPS_MAX_REQUESTS, QPS_MAX_SECONDS = 8, 3000, 15.0
CMS_REPEATS = 5
# --quick (the harness's own test): every measure, each taken as briefly as possible.
if os.environ.get("BENCH_QUICK"):
    QPS_MAX_REQUESTS, QPS_MAX_SECONDS, CMS_REPEATS = 100, 2.0, 2


# --- The archive ------------------------------------------------------------------------


def corpus_shape(notices: int) -> dict:
    """The archive of a size: a quarter as many winners, over 300 programmes and 15
    years (a few programmes over 3 years below 1,000 notices, for the harness's test)."""
    programmes = PROGRAMMES if notices >= 1000 else max(2, notices // 20)
    years = YEARS if notices >= 1000 else 3
    return {
        "notices": notices,
        "winners": notices // 4,
        "programmes": programmes,
        "years": years,
        "seed": SEED,
    }


def ensure_corpus(notices: int, var: Path = VAR) -> tuple[Path, dict]:
    """The archive's content/ directory, generated once per generator version and seed."""
    shape = corpus_shape(notices)
    key = (
        f"corpus-v{corpus_module.VERSION}-s{SEED}-n{notices}"
        f"-p{shape['programmes']}-y{shape['years']}"
    )
    directory = var / key
    meta_file = directory / "corpus.json"
    if not meta_file.is_file():
        staging = var / f".{key}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        started = time.perf_counter()
        made = corpus_module.generate(
            staging / "content",
            notices=shape["notices"],
            winners=shape["winners"],
            programmes=shape["programmes"],
            years=shape["years"],
            seed=SEED,
        )
        meta = {
            **shape,
            "generated_seconds": round(time.perf_counter() - started, 2),
            "notices_written": made.notices,
            "winners_written": len(made.winners),
            "revoked": len(made.revoked),
            "winners": made.winners,
            "programme_slugs": [p["slug"] for p in made.programmes],
        }
        (staging / "corpus.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)
    return directory / "content", json.loads(meta_file.read_text("utf-8"))


# --- Child processes (each phase runs in a fresh process: clean memory figures) ---------


def child_environment(notices: int, site_dir: Path, var: Path) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "GONGSHI_BENCH_SITE_DIR": str(site_dir),
        "GONGSHI_BENCH_MEDIA_DIR": str(var / "media"),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(REPOSITORY)]),
        "DATABASE_URL": database_url(notices, var),
    }
    environment.pop("GONGSHI_SITE_URL", None)
    return environment


def database_url(notices: int, var: Path) -> str:
    given = os.environ.get("DATABASE_URL")
    if not given or given.startswith("sqlite"):
        return f"sqlite:///{var / f'db-{notices}.sqlite3'}"
    parts = urllib.parse.urlsplit(given)
    name = parts.path.lstrip("/") or "gongshi"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench_{notices}"))


def fresh_database(notices: int, var: Path) -> None:
    url = database_url(notices, var)
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_child(phase: str, arguments: list[str], environment: dict, timeout=3600) -> dict:
    """Run `bench.py <phase> ...` in a fresh interpreter; returns the JSON it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__)), phase, *arguments, "--json", str(out)]
    started = time.perf_counter()
    finished = subprocess.run(command, env=environment, timeout=timeout, cwd=REPOSITORY)
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"bench phase {phase} failed (exit {finished.returncode})")
    result = json.loads(out.read_text("utf-8"))
    out.unlink()
    result["process_seconds"] = wall
    return result


def _django():
    import django

    django.setup()


def _resident_mb() -> float | None:
    """This process's resident memory now (the worker's, in the publish phase); None
    where /proc is not (it is Linux's)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return None


def _peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"cms_process_mb": own, "children_mb": children, "peak_tree_mb": own + children}


def _run_queued_tasks(max_rounds: int = 10) -> int:
    """Run what the CMS put on the queue, as the worker would (`task.call`); tasks
    enqueued while running (a follow-up build) run too. Returns how many ran."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    ran = 0
    for _ in range(max_rounds):
        queued = list(backend.results)
        backend.clear()
        if not queued:
            break
        for result in queued:
            if result.task.run_after is not None:
                continue  # date-driven and scheduled work: not part of this publish
            result.task.call(*result.args, **result.kwargs)
            ran += 1
    return ran


def phase_cms(notices: int, corpus_dir: Path, runs: int, load_only: bool = False) -> dict:
    """Migrate, load in bulk, verify through the export, time export.collect() and (unless
    `load_only`) the admin's and the API's answers."""
    _django()
    import bulk_load
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result = {"migrate_seconds": time.perf_counter() - started}
    started = time.perf_counter()
    result["loaded"] = bulk_load.load(corpus_dir)
    result["load_seconds"] = time.perf_counter() - started
    result |= _measure_collect(corpus_dir, runs)
    if not load_only:
        result |= _measure_cms()
    result |= _peak_mb()
    return result


def _measure_collect(corpus_dir: Path, runs: int) -> dict:
    import bulk_load
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.publishing import export

    seconds, queries = [], 0
    items = []
    for _ in range(max(1, runs)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            items = list(export.collect())
            seconds.append(time.perf_counter() - started)
        queries = len(captured)
    problems = bulk_load.verify(corpus_dir, items)
    profiler = cProfile.Profile()
    profiler.enable()
    list(export.collect())
    profiler.disable()
    return {
        "collect_seconds": seconds,
        "collect_queries": queries,
        "collect_items": len(items),
        "verify_problems": problems[:20],
        "verify_problem_count": len(problems),
        "collect_profile": _profile_lines(profiler),
    }


def _profile_lines(profiler, limit: int = 18) -> list[str]:
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(limit)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines() if line.strip()]
    return [line for line in lines if "/" in line or "ncalls" in line][:limit]


def _measure_cms() -> dict:
    """Median answer times of the admin and the API through Django's test client."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from cms.decisions.models import Award

    admin = User.objects.create_superuser("bench-admin", "bench@example.com", "x")
    client = Client()
    client.force_login(admin)
    biggest = (
        Page.objects.annotate(children=Count("pk"))
        .order_by("-numchild")
        .values_list("pk", "numchild")
        .first()
    )
    fragment = (Award.objects.order_by("pk").values_list("recipient", flat=True).first() or "")[2:6]
    urls = {
        "admin_explore": f"/admin/pages/{biggest[0]}/",
        "admin_search": f"/admin/pages/search/?q={urllib.parse.quote(fragment)}",
        "api_pages_notices": "/api/v2/pages/?type=notices.PublicityNoticePage",
        "api_pages_notices_last": "/api/v2/pages/?type=notices.PublicityNoticePage&limit=100"
        "&offset={last}",
        "api_pages_decisions": "/api/v2/pages/?type=decisions.AwardDecisionPage&fields=awards",
        "api_content_first": "/api/v2/content/?offset=0&limit=100",
        "api_content_last": "/api/v2/content/?offset={last}&limit=100",
    }
    result = {"cms_biggest_parent_children": biggest[1]}
    for name, url in urls.items():
        if "{last}" in url:
            listing = url.replace("{last}", "0")
            total = json.loads(client.get(listing).content)["meta"]["total_count"]
            url = url.format(last=max(0, total - 100))
        times, statuses = [], set()
        first = None
        for attempt in range(CMS_REPEATS + 1):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            statuses.add(response.status_code)
            if attempt == 0:
                first = elapsed  # the first answer after a publish (caches cold)
            else:
                times.append(elapsed)
        result[name] = {
            "url": url,
            "first_ms": first,
            "median_ms": statistics.median(times),
            "queries": len(captured),
            "status": sorted(statuses),
        }
    result["api_content_after_publish"] = _measure_content_after_publish(
        client, result["api_content_last"]["url"]
    )
    return result


def _measure_content_after_publish(client, last_url: str) -> dict:
    """The content endpoint's first answer after a publish, as a remote build asks for it
    right after one: a notice in the first or the last hundred gets a new revision,
    published, then that hundred is asked for."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.notices.models import PublicityNoticePage

    pages = {"first": "/api/v2/content/?offset=0&limit=100", "last": last_url}
    times, queries, statuses = [], [], set()
    for attempt in range(CMS_REPEATS):
        url = pages["first" if attempt % 2 == 0 else "last"]
        items = json.loads(client.get(url).content)["items"]
        notice_id = next(i["document"]["id"] for i in items if i["document"]["kind"] == "notice")
        notice = PublicityNoticePage.objects.get(pk=notice_id)
        notice.title = f"{notice.title.split('（')[0]}（基准测试更正{attempt}）"
        notice.change_note = "基准测试"
        notice.save_revision().publish()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        queries.append(len(captured))
        served = {i["document"]["id"]: i["document"]["title"] for i in response.json()["items"]}
        if served.get(notice_id) != notice.title:
            raise SystemExit(f"the content endpoint did not serve the publish of {notice_id}")
    return {
        "times_ms": times,
        "median_ms": statistics.median(times),
        "queries": queries,
        "status": sorted(statuses),
    }


def phase_build(notices: int) -> dict:
    """One full build, requested and run as the worker does."""
    _django()
    from cms.publishing import tasks
    from cms.publishing.models import SiteBuild

    started = time.perf_counter()
    build = tasks.request_build("基准测试：全量构建")
    # A request left queued by another process (the loader's publish of the programme
    # index) is joined, not enqueued again: put it on this process's queue as the worker
    # does when it starts.
    tasks.requeue_waiting_builds()
    _run_queued_tasks()
    seconds = time.perf_counter() - started
    build = SiteBuild.objects.get(pk=build.pk)
    if build.status != SiteBuild.Status.SUCCEEDED:
        raise SystemExit(f"build failed: {build.error}")
    return {"seconds": seconds, "items": build.item_count, **_peak_mb()}


def phase_publish(notices: int, runs: int, corpus_meta: dict) -> dict:
    """Publish a new notice `runs` times; time until the public files show each one."""
    _django()
    from django.utils import timezone

    from cms.notices.models import PublicityEntry, PublicityNoticePage
    from cms.programmes.models import EditionPage
    from cms.publishing import builds, incremental, tasks
    from cms.publishing.models import SiteBuild
    from gongshi.search import answers, engine
    from gongshi_site import atomic

    tasks.requeue_waiting_builds()  # as the worker does when it starts
    _run_queued_tasks()
    # What the worker does after its first full build, before any publish can be
    # incremental; timed apart, as it happens once per worker and code version.
    started = time.perf_counter()
    builds.remember_for_incremental_builds()
    incremental.wait_for_background()  # the copy for the first publish
    state_load_seconds = time.perf_counter() - started
    state_loaded_mb = _resident_mb()
    edition = EditionPage.objects.live().order_by("-year", "pk").first()
    latencies, after_publish, was_incremental, checks_seen = [], [], [], {}
    record_seconds = _time_the_log()
    record_steps: dict[str, list[float]] = {}
    for run in range(runs):
        today = timezone.localdate()
        name = f"基准测试第{run}号{os.getpid()}精密机械有限公司"
        notice = PublicityNoticePage(
            title=f"基准测试公示{run}",
            slug=f"bench-{os.getpid()}-{run}",
            kind="candidates",
            issuing_body="基准测试办公室",
            date_signed=today,
            start_date=today,
            working_days=5,
            end_date=today + (date(2000, 1, 8) - date(2000, 1, 1)),
            objection_method="书面提出",
            summary="基准测试",
            live=False,
        )
        notice.entries = [PublicityEntry(name=name, category="organisation")]
        edition.add_child(instance=notice)
        revision = notice.save_revision()
        started = time.perf_counter()
        revision.publish()
        _run_queued_tasks()
        # The worker has run: if the files show the notice now, that is when it became
        # public (what looking costs, opening the search index above all, is not the
        # publish's); otherwise the clock runs until they do.
        public = time.perf_counter()
        deadline = started + 300
        while True:
            live = atomic.live_output(builds.site_dir())
            checks = _shows(live, notice.pk, name, engine, answers)
            if all(checks.values()) or time.perf_counter() > deadline:
                break
            time.sleep(0.02)
            public = None
        latencies.append((public or time.perf_counter()) - started)
        steps = {name: sum(record_seconds[name]) for name in _LOG_STEPS}
        record_seconds["per_publish"].append(sum(steps.values()))
        for name in _LOG_STEPS:
            record_seconds[name].clear()
            record_steps.setdefault(name, []).append(steps[name])
        was_incremental.append(SiteBuild.objects.order_by("-pk").first().incremental)
        checks_seen = checks
        # What the worker does after a publish, in a thread (deleting the oldest build,
        # linking a copy for the next): timed apart, as publishes come minutes apart.
        started = time.perf_counter()
        incremental.wait_for_background()
        after_publish.append(time.perf_counter() - started)
    return {
        "latencies": latencies,
        "after_publish_seconds": after_publish,
        "incremental": was_incremental,
        "state_load_seconds": state_load_seconds,
        "state_loaded_mb": state_loaded_mb,
        "record_seconds": record_seconds["per_publish"],
        "record_steps": record_steps,
        "record_entries": _log_size(),
        "checks": checks_seen,
        **_peak_mb(),
    }


# The publication log's work in a publish (ADR 0031), in its four steps:
# - append: the entry written in the publish's transaction, with the export of the page
#   it hashes (appending.record_publish);
# - sign: the build's signed tree head and its new entry pages (recordlog.export.files);
# - read: the site reading the new entries and checking them against the head it had
#   (gongshi_site.record.read_log, with the consistency check);
# - write: the proofs (record.json) of the items with new entries, the entry pages and
#   the changed documents' document.md (incremental_record.PublishedLog.write).
_LOG_STEPS = ("append", "sign", "read", "write")


def _time_the_log() -> dict[str, list[float]]:
    from cms.recordlog import appending
    from cms.recordlog import export as record_export
    from gongshi_site.incremental_record import PublishedLog

    spent: dict[str, list[float]] = {name: [] for name in (*_LOG_STEPS, "per_publish")}

    def timed(owner, name, step):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[step].append(time.perf_counter() - started)

        setattr(owner, name, wrapper)

    timed(appending, "record_publish", "append")
    timed(record_export, "files", "sign")
    timed(PublishedLog, "read", "read")
    timed(PublishedLog, "write", "write")
    return spent


def _log_size() -> int:
    from cms.recordlog.models import RecordEntry

    return RecordEntry.objects.count()


def _shows(live: Path | None, pk: int, name: str, engine, answers) -> dict:
    if live is None:
        return {"page": False}
    link = f"/notices/{pk}/"

    def contains(relative: str) -> bool:
        path = live / relative
        return path.is_file() and link in path.read_text("utf-8", errors="replace")

    index = engine.SearchIndex(live.parent / "search")
    found = answers.search(index, answers.Request(q=name), TODAY)
    return {
        "page": (live / "notices" / str(pk) / "index.html").is_file(),
        "listing": contains("notices/index.html"),
        "home": contains("index.html"),
        "feed_all": contains("feeds/all.atom"),
        "feed_notices": contains("feeds/notices.atom"),
        "search": bool(found["total"]),
    }


def phase_search(notices: int, corpus_dir: Path, site_dir: Path, runs: int, meta: dict) -> dict:
    """Index build time (the build's own code on the corpus) and query latency on the
    index the product's full build wrote."""
    import random

    import search_bench

    from gongshi.search import answers, chinese, documents, engine
    from gongshi_site import atomic
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    chinese.warm_up()
    site = assemble(read_content(corpus_dir), TODAY, "bench")
    index_seconds = []
    scratch = Path(tempfile.mkdtemp(prefix="gongshi-bench-index-"))
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        records = list(all_records(site))
        engine.remove(scratch / "search")
        engine.build(
            scratch / "search", records, {"suggestions.json": documents.suggestions(records)}
        )
        index_seconds.append(time.perf_counter() - started)
    engine.remove(scratch)

    corpus = corpus_module.Corpus(corpus_dir, winners=meta["winners"])
    query_set = search_bench.queries(corpus, random.Random(7))
    live = atomic.live_output(site_dir)
    latencies = []
    for _ in range(max(3, runs)):  # 3 rounds at least: a single round is too few queries
        index = engine.SearchIndex(live.parent / "search")  # fresh: no remembered answers
        answers.search(index, answers.Request(q="质量"), TODAY)
        for q in query_set:
            started = time.perf_counter()
            answers.search(index, answers.Request(q=q), TODAY)
            latencies.append((time.perf_counter() - started) * 1000)
    return {
        "index_seconds": index_seconds,
        "records": len(records),
        "query_count": len(query_set),
        "queries": list(query_set),
        "query_ms": latencies,
        **_peak_mb(),
    }


# --- Search under load ------------------------------------------------------------------


def measure_qps(site_dir: Path, queries: list[str], workers: int) -> dict:
    """Queries per second from QPS_CLIENTS threads against gunicorn on loopback, bounded
    by QPS_MAX_REQUESTS and QPS_MAX_SECONDS."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    environment = {**os.environ, "GONGSHI_SITE_DIR": str(site_dir)}
    server = subprocess.Popen(
        [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{QPS_PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "gongshi.search.service:application",
        ],
        cwd=REPOSITORY,
        env=environment,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{QPS_PORT}/search.json?q="
    try:
        _wait_for_port(QPS_PORT)
        for q in queries:  # every worker opens the index and warms up on the set
            for _ in range(workers):
                _get(base + urllib.parse.quote(q))
        lock = threading.Lock()
        done, failures, latencies = [0], [0], []
        stop_at = time.perf_counter() + QPS_MAX_SECONDS

        def client(offset: int):
            n = offset
            while time.perf_counter() < stop_at:
                with lock:
                    if done[0] >= QPS_MAX_REQUESTS:
                        return
                    done[0] += 1
                q = queries[n % len(queries)]
                n += 1
                started = time.perf_counter()
                ok = _get(base + urllib.parse.quote(q))
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    failures[0] += 0 if ok else 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(QPS_CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "qps": len(latencies) / elapsed,
        "requests": len(latencies),
        "failures": failures[0],
        "clients": QPS_CLIENTS,
        "workers": workers,
        "seconds": elapsed,
        "latency_median_ms": statistics.median(latencies),
        "latency_p95_ms": _p95(latencies),
    }


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status == 200
    except OSError:
        return False


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not listen on {port}")


# --- Hugo -------------------------------------------------------------------------------

HUGO_CONFIG = (
    'baseURL = "http://example.org/"\ntitle = "基准"\ndisableKinds = ["taxonomy", "term"]\n'
)
HUGO_LAYOUTS = {
    "_default/single.html": "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n",
    "_default/list.html": (
        "<html><body><h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}"
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n'
    ),
    "index.html": (
        '<html><body>{{ range first 20 (where .Site.RegularPages "Section" "notices") }}'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n'
    ),
}


def measure_hugo(corpus_dir: Path, notices: int, runs: int, var: Path) -> dict | None:
    """Time Debian's `hugo` on the same notices as Markdown: an anchor for the table."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = var / f"hugo-{notices}"
    marker = site / ".made-from"
    if not marker.is_file() or marker.read_text() != str(corpus_dir):
        from gongshi import contract

        shutil.rmtree(site, ignore_errors=True)
        (site / "content" / "notices").mkdir(parents=True)
        (site / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
        for relative, text in HUGO_LAYOUTS.items():
            (site / "layouts" / relative).parent.mkdir(parents=True, exist_ok=True)
            (site / "layouts" / relative).write_text(text, "utf-8")
        for path in sorted((corpus_dir / "notices").glob("*.md")):
            document, body = contract.load(path.read_text("utf-8"), str(path))
            front = json.dumps(
                {"title": document["title"], "date": document["first_published_at"]},
                ensure_ascii=False,
            )
            (site / "content" / "notices" / path.name).write_text(f"{front}\n\n{body}\n", "utf-8")
        marker.write_text(str(corpus_dir))
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    seconds = []
    for _ in range(max(1, runs)):
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run([hugo, "--quiet", "-s", str(site)], check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return {"seconds": seconds, "version": version, **_peak_mb()}


# --- One size ---------------------------------------------------------------------------


def measure_size(
    notices: int, runs: int, var: Path, log, *, cms_only: bool = False, publish_only: bool = False
) -> dict:
    """Every measure at one size; `cms_only`: the CMS alone; `publish_only`: the load, one
    full build and the publishes (the publication log's cost per publish)."""
    corpus_dir, meta = ensure_corpus(notices, var)
    log(
        f"[{notices}] archive: {corpus_dir} ({meta['notices_written']} notices, {meta['winners_written']} winners)"
    )
    fresh_database(notices, var)
    sites = var / f"site-{notices}"
    shutil.rmtree(sites, ignore_errors=True)
    environment = child_environment(notices, sites / "cms", var)
    cms_arguments = [str(notices), str(corpus_dir), str(runs)]
    cms = run_child("cms", cms_arguments + ["load-only"] * publish_only, environment)
    log(
        f"[{notices}] loaded in {cms['load_seconds']:.1f} s; export checked: {cms['verify_problem_count']} differences"
    )
    if cms["verify_problem_count"]:
        raise SystemExit(
            "the bulk-loaded CMS does not export the corpus:\n" + "\n".join(cms["verify_problems"])
        )
    corpus_summary = {k: v for k, v in meta.items() if k not in ("winners", "programme_slugs")}
    if cms_only:
        return {"notices": notices, "runs": runs, "corpus": corpus_summary, "cms": cms}

    cold, warm = [], []
    pycache = Path(tempfile.mkdtemp(prefix="gongshi-bench-pycache-"))
    builds = 1 if publish_only else runs
    for run in range(builds):
        site_dir = sites / f"cold-{run}"
        shutil.rmtree(pycache, ignore_errors=True)
        pycache.mkdir()
        environment = child_environment(notices, site_dir, var) | {
            "PYTHONPYCACHEPREFIX": str(pycache)
        }
        cold.append(run_child("build", [str(notices)], environment))
        log(f"[{notices}] cold build {run + 1}/{builds}: {cold[-1]['seconds']:.1f} s")
    for run in range(0 if publish_only else runs):
        warm.append(run_child("build", [str(notices)], environment))
        log(f"[{notices}] warm build {run + 1}/{runs}: {warm[-1]['seconds']:.1f} s")
    shutil.rmtree(pycache, ignore_errors=True)

    publish_runs = 1 if os.environ.get("BENCH_QUICK") else max(5, runs)
    # Publishes as the worker makes them: incremental, from the state it keeps (ADR 9).
    publish = run_child(
        "publish",
        [str(notices), str(publish_runs), str(corpus_dir)],
        {**environment, "GONGSHI_BENCH_INCREMENTAL": "1"},
    )
    log(
        f"[{notices}] publish latency: {statistics.median(publish['latencies']):.2f} s median; {publish['checks']}"
    )
    log(
        f"[{notices}] publication log per publish: {statistics.median(publish['record_seconds']) * 1000:.0f} ms median"
    )
    measured = {
        "notices": notices,
        "runs": runs,
        "corpus": corpus_summary,
        "cms": cms,
        "build_cold": cold,
        "build_warm": warm,
        "publish": publish,
    }
    if publish_only:
        return measured
    search = run_child(
        "search", [str(notices), str(corpus_dir), str(site_dir), str(runs)], environment
    )
    log(f"[{notices}] search index: {statistics.median(search['index_seconds']):.1f} s")
    qps = measure_qps(site_dir, search["queries"], workers=min(4, (os.cpu_count() or 2) + 1))
    log(f"[{notices}] search under load: {qps['qps']:.0f} q/s")
    hugo = measure_hugo(corpus_dir, notices, runs, var)
    return {**measured, "search": {**search, "load": qps}, "hugo": hugo}


# --- Summary ----------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def summary(result: dict) -> dict[str, float | None]:
    """The table's figures of one size: medians (seconds, ms, MB, q/s, %); None for what
    was not measured (Hugo not installed, --cms-only, --publish-only)."""
    median = statistics.median
    cms = result["cms"]
    built = bool(result.get("build_cold"))
    search, hugo = result.get("search"), result.get("hugo")
    publish = result.get("publish")
    logged = bool(publish and publish.get("record_seconds"))

    def step_ms(name: str) -> float | None:
        steps = publish.get("record_steps", {}).get(name) if logged else None
        return median(steps) * 1000 if steps else None

    def answer_ms(name: str, key: str = "median_ms") -> float | None:
        return cms[name][key] if name in cms else None

    return {
        "load into CMS (s)": cms["load_seconds"],
        "export.collect (s)": median(cms["collect_seconds"]),
        "export.collect queries": cms["collect_queries"],
        "full build cold (s)": median(b["seconds"] for b in result["build_cold"])
        if built
        else None,
        "full build warm (s)": median(b["seconds"] for b in result["build_warm"])
        if result.get("build_warm")
        else None,
        "build peak memory (MB)": max(b["peak_tree_mb"] for b in result["build_cold"])
        if built
        else None,
        "publish latency (s)": median(publish["latencies"]) if publish else None,
        "publishes incremental": sum(publish["incremental"]) if publish else None,
        "after a publish, background (s)": median(publish["after_publish_seconds"])
        if publish
        else None,
        "worker state load (s)": publish["state_load_seconds"] if publish else None,
        "worker memory, state loaded (MB)": publish["state_loaded_mb"] if publish else None,
        "worker peak memory (MB)": publish["cms_process_mb"] if publish else None,
        "publication log per publish (s)": median(publish["record_seconds"]) if logged else None,
        "  log: entry appended (ms)": step_ms("append"),
        "  log: head signed, entry pages (ms)": step_ms("sign"),
        "  log: site reads, checks it (ms)": step_ms("read"),
        "  log: proofs, files written (ms)": step_ms("write"),
        "  log: share of the publish (%)": median(
            100 * logged_seconds / latency
            for logged_seconds, latency in zip(
                publish["record_seconds"], publish["latencies"], strict=True
            )
        )
        if logged
        else None,
        "search index build (s)": median(search["index_seconds"]) if search else None,
        "search query median (ms)": median(search["query_ms"]) if search else None,
        "search query p95 (ms)": _p95(search["query_ms"]) if search else None,
        "search q/s (loopback)": search["load"]["qps"] if search else None,
        "admin explore (ms)": answer_ms("admin_explore"),
        "admin search (ms)": answer_ms("admin_search"),
        "API pages (ms)": answer_ms("api_pages_notices"),
        "API pages, last 100 (ms)": answer_ms("api_pages_notices_last"),
        "API content warm (ms)": answer_ms("api_content_last"),
        "API content first (ms)": answer_ms("api_content_first", "first_ms"),
        "API content after a publish (ms)": cms["api_content_after_publish"]["median_ms"]
        if "api_content_after_publish" in cms
        else None,
        "Hugo, notices only (s)": median(hugo["seconds"]) if hugo else None,
    }


def render_table(results: list[dict]) -> str:
    sizes = [r["notices"] for r in results]
    rows = [summary(r) for r in results]
    width = max(len(name) for name in rows[0])
    lines = [f"{'':{width}}" + "".join(f"{n:>12,}" for n in sizes)]
    if len(sizes) > 1:
        lines[0] += "   growth per 10x"
    for name in rows[0]:
        values = [row[name] for row in rows]
        line = f"{name:{width}}" + "".join(
            f"{'—':>12}" if v is None else f"{v:>12,.{0 if v >= 100 else 2}f}" for v in values
        )
        growth = _growth(sizes, values)
        if growth is not None:
            line += f"   ×{growth:.1f}"
        lines.append(line)
    return "\n".join(lines)


def _growth(sizes: list[int], values: list) -> float | None:
    """The cost's growth per tenfold size between the smallest and the largest size
    (10.0 is linear, 1.0 constant)."""
    if len(sizes) < 2 or values[0] in (None, 0) or values[-1] is None:
        return None
    import math

    decades = math.log10(sizes[-1] / sizes[0])
    return (values[-1] / values[0]) ** (1 / decades) if decades else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,10000,20000,50000"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "0")) or None)
    parser.add_argument("--var", type=Path, default=VAR)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quick", action="store_true", help="each measure briefly (tests)")
    parser.add_argument(
        "--cms-only",
        action="store_true",
        help="only the CMS: load, export.collect, the admin and the API (no builds, search, Hugo)",
    )
    parser.add_argument(
        "--publish-only",
        action="store_true",
        help="only the load, one full build and the publishes: the publication log's cost",
    )
    arguments = parser.parse_args()
    if arguments.quick:
        os.environ["BENCH_QUICK"] = "1"
        global QPS_MAX_REQUESTS, QPS_MAX_SECONDS, CMS_REPEATS
        QPS_MAX_REQUESTS, QPS_MAX_SECONDS, CMS_REPEATS = 100, 2.0, 2
    sizes = [int(size.replace("_", "")) for size in arguments.sizes.split(",") if size.strip()]
    arguments.var.mkdir(parents=True, exist_ok=True)
    out = arguments.out or arguments.var / "results.json"

    def log(message: str) -> None:
        print(message, flush=True)

    results = []
    for notices in sizes:
        runs = arguments.runs or (3 if notices <= 10_000 else 1)
        results.append(
            measure_size(
                notices,
                runs,
                arguments.var,
                log,
                cms_only=arguments.cms_only,
                publish_only=arguments.publish_only,
            )
        )
        out.write_text(json.dumps({"sizes": results}, ensure_ascii=False, indent=1), "utf-8")
    table = render_table(results)
    payload = {
        "sizes": results,
        "summary": {str(r["notices"]): summary(r) for r in results},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "table": table,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
    print()
    counts = ", ".join(f"{r['runs']} runs at {r['notices']:,}" for r in results)
    print(f"Medians of {counts}; growth per 10x: 10 is linear, 1 constant.")
    print(table)
    print(f"\nSaved {out}")
    return 0


def child_main(phase: str, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notices", type=int)
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--json", type=Path, required=True)
    arguments = parser.parse_args(argv)
    rest = arguments.rest
    if phase == "cms":
        result = phase_cms(arguments.notices, Path(rest[0]), int(rest[1]), "load-only" in rest)
    elif phase == "build":
        result = phase_build(arguments.notices)
    elif phase == "publish":
        meta = json.loads((Path(rest[1]).parent / "corpus.json").read_text("utf-8"))
        result = phase_publish(arguments.notices, int(rest[0]), meta)
    elif phase == "search":
        meta = json.loads((Path(rest[0]).parent / "corpus.json").read_text("utf-8"))
        result = phase_search(arguments.notices, Path(rest[0]), Path(rest[1]), int(rest[2]), meta)
    else:
        raise SystemExit(f"unknown phase {phase}")
    arguments.json.write_text(json.dumps(result, ensure_ascii=False, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("cms", "build", "publish", "search"):
        sys.exit(child_main(sys.argv[1], sys.argv[2:]))
    sys.exit(main())
