"""Search benchmark: how long the index takes to build and a query to answer, alone and
under concurrent load.

Generates a corpus (tests/bench/corpus.py; 20,000 notices and 5,000 winners by default),
reads and assembles it as the site's build does, builds the index with the build's own
code in a fresh process (so that its peak memory is its own), then

- answers a fixed set of queries (full and partial names, pinyin, initials, credit codes,
  文号, quoted phrases, frequent words, long queries) through the service's answer
  function, snippets included, each asked afresh (a newly opened index, nothing
  remembered) and again, and prints median, p95 and max by class of query;
- serves the index with gunicorn on loopback and sends it queries from N concurrent
  clients (bounded in count and time): queries per second and latency.

    make bench-search
    .venv/bin/python tests/bench/search_bench.py --notices 2000 --winners 500

The measurements are functions returning dicts (measure_build, measure_queries,
measure_load; run() for all of them), for the overall benchmark to call.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
import corpus as corpus_module  # noqa: E402

from gongshi.search import answers, chinese, documents, engine  # noqa: E402

TODAY = date(2024, 6, 12)
LOAD_PORT = 9231  # loopback port of the gunicorn the load test starts


def queries(corpus: corpus_module.Corpus, rng: random.Random) -> dict[str, str]:
    """A fixed mix of what people type, drawn from the corpus with a fixed seed, each
    with its class."""
    picked = rng.sample(corpus.winners, 12)
    found = {}
    for item in picked:
        name = item["recipient"]
        core = documents.core_name(name)
        found[name] = "full name"
        found[core[2:6]] = "fragment"  # across word boundaries
        found["".join(chinese.readings(unit)[0] for unit, _, _ in chinese.units(core[:4]))] = (
            "pinyin"
        )
        initials = "".join(chinese.readings(unit)[0][0] for unit, _, _ in chinese.units(core[:4]))
        found[initials] = "initials"
        found[item["credit_code"]] = "credit code"
    found[corpus.winners[0]["credit_code"][:17] + "0"] = "credit code"  # wrong check character
    for q in [
        '"质量管理体系"',
        "质量管理",
        "卓越绩效",
        "公示",
        "获奖建议名单",
        "精密机械 有限公司",
    ]:
        found[q] = "frequent words"
    for item in picked[:4]:  # long: a name with its award's level, several parts
        found[f"{documents.core_name(item['recipient'])} {item['level']} 获奖 公示"] = "long"
    found['"关于公布" 质量奖 获奖名单'] = "long"
    for q in ["許昌", "yuncheng", "ycs", "海儿", "AND * :"]:
        found[q] = "other"
    return found


def load_pool(corpus: corpus_module.Corpus, rng: random.Random, size: int = 600) -> list[str]:
    """Queries for the load test: the fixed set's kinds over many more names, so that few
    are asked twice (answers are remembered per worker)."""
    pool = []
    for item in rng.sample(corpus.winners, min(size // 3, len(corpus.winners))):
        core = documents.core_name(item["recipient"])
        pool += [item["recipient"], core[2:6], item["credit_code"]]
    return pool + list(queries(corpus, random.Random(7)))


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
        "count": len(ordered),
    }


def _summary(stats: dict) -> str:
    return (
        f"median {stats['median_ms']:6.1f} ms, p95 {stats['p95_ms']:6.1f} ms, "
        f"max {stats['max_ms']:6.1f} ms"
    )


# --- Index build -----------------------------------------------------------------------------


def measure_build(content: Path, index_dir: Path) -> dict:
    """Read and assemble `content`, make the records and build the index into `index_dir`
    (removed first), in a fresh Python process: times in seconds and that process's
    peak memory in MB."""
    engine.remove(index_dir)
    output = subprocess.run(
        [sys.executable, __file__, "--build-only", str(content), str(index_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _build_only(content: Path, index_dir: Path) -> dict:
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    started = time.perf_counter()
    chinese.warm_up()
    warm = time.perf_counter() - started
    started = time.perf_counter()
    site = assemble(read_content(content), TODAY, "bench")
    read = time.perf_counter() - started
    before = _peak_mb()
    started = time.perf_counter()
    records = list(all_records(site))
    suggestions = documents.suggestions(records)
    made = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    count = engine.build(index_dir, records, {"suggestions.json": suggestions})
    indexed, indexed_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "records": count,
        "warm_up_s": round(warm, 2),
        "read_assemble_s": round(read, 2),
        "records_s": round(made, 2),
        "index_s": round(indexed, 2),
        "index_cpu_s": round(indexed_cpu, 2),  # the same on a machine shared or not
        "index_mb": round(sum(p.stat().st_size for p in index_dir.iterdir()) / 1e6, 1),
        "peak_before_index_mb": round(before),
        "peak_mb": round(_peak_mb()),
    }


def _peak_mb() -> float:
    """The process's peak resident memory (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Queries, one at a time -----------------------------------------------------------------


def measure_queries(index_dir: Path, query_set: dict[str, str], rounds: int = 3) -> dict:
    """Each query of `query_set` ({query: class}) asked afresh on a newly opened index and
    asked again, `rounds` times: latency overall and by class, and the slowest."""
    chinese.warm_up()
    cold: dict[str, list[float]] = {q: [] for q in query_set}
    cold_cpu: dict[str, list[float]] = {q: [] for q in query_set}
    cached: list[float] = []
    totals = {}
    for _ in range(rounds):
        # A fresh index each round: answers are remembered per open index.
        index = engine.SearchIndex(index_dir)
        answers.search(index, answers.Request(q="质量"), TODAY)  # the first query loads caches
        for q in query_set:
            started, cpu = time.perf_counter(), time.thread_time()
            answer = answers.search(index, answers.Request(q=q), TODAY)
            cold[q].append((time.perf_counter() - started) * 1000)
            cold_cpu[q].append((time.thread_time() - cpu) * 1000)
            totals[q] = ("约" if answer["total_estimated"] else "") + str(answer["total"])
            started = time.perf_counter()
            answers.search(index, answers.Request(q=q), TODAY)
            cached.append((time.perf_counter() - started) * 1000)
        index.close()
    every = [t for values in cold.values() for t in values]
    by_class = {
        label: _percentiles([t for q, c in query_set.items() if c == label for t in cold[q]])
        for label in dict.fromkeys(query_set.values())
    }
    slowest = sorted(cold.items(), key=lambda item: -statistics.median(item[1]))[:8]
    return {
        "queries": len(query_set),
        "rounds": rounds,
        "afresh": _percentiles(every),
        # CPU time of the answering thread: what a query costs when it has a core to
        # itself, whatever else the machine is doing
        "afresh_cpu": _percentiles([t for values in cold_cpu.values() for t in values]),
        "by_class_cpu": {
            label: _percentiles(
                [t for q, c in query_set.items() if c == label for t in cold_cpu[q]]
            )
            for label in dict.fromkeys(query_set.values())
        },
        "again": _percentiles(cached),
        "by_class": by_class,
        "slowest": [
            {"query": q, "median_ms": round(statistics.median(v), 1), "total": totals[q]}
            for q, v in slowest
        ],
    }


# --- Queries under load ---------------------------------------------------------------------


def measure_load(
    index_dir: Path,
    pool: list[str],
    *,
    clients: int = 8,
    requests: int = 3000,
    seconds: float = 20.0,
    port: int = LOAD_PORT,
    workers: int = 3,
    threads: int = 1,
) -> dict:
    """Serve `index_dir` with gunicorn on 127.0.0.1:`port` (`workers` processes of
    `threads` threads) and send it JSON searches drawn from `pool` from `clients`
    concurrent connections, at most `requests` of them and for at most `seconds`:
    queries per second and latency as the clients saw it.

    One thread a worker: whoosh's readers share a file position between the matchers
    of a searcher, so searches in threads of one process are not known to be safe."""
    site = Path(tempfile.mkdtemp(prefix="gongshi-search-load-"))
    build = site / "builds" / "bench"
    (build / "output").mkdir(parents=True)
    (build / "search").symlink_to(Path(index_dir).resolve())
    (site / "live").symlink_to("builds/bench/output")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "gongshi.search.service:application",
        ],
        cwd=REPOSITORY,
        env={**os.environ, "GONGSHI_SITE_DIR": str(site)},
        start_new_session=True,
    )
    try:
        _wait_until_up(port, workers)
        return _load(pool, clients, requests, seconds, port) | {
            "workers": workers,
            "threads": threads,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        engine.remove(site)


def _wait_until_up(port: int, workers: int) -> None:
    """Until the server answers, and each worker has opened the index (a first search
    per worker, not counted)."""
    deadline = time.monotonic() + 120
    answered = 0
    while answered < workers * 4:
        try:
            _get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), "质量")
            answered += 1
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _get(connection: http.client.HTTPConnection, q: str) -> int:
    connection.request("GET", f"/search.json?q={quote(q)}")
    response = connection.getresponse()
    response.read()
    return response.status


def _load(pool: list[str], clients: int, requests: int, seconds: float, port: int) -> dict:
    rng = random.Random(11)
    order = [rng.choice(pool) for _ in range(requests)]
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if not order:
                    return
                q = order.pop()
            started = time.perf_counter()
            try:
                status = _get(connection, q)
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                failures[0] += status != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "failures": failures[0],
        "seconds": round(wall, 1),
        "qps": round(len(latencies) / wall, 1),
        "load_average": round(os.getloadavg()[0], 1),  # others' work on the machine too
        "latency": _percentiles(latencies),
    }


# --- All of it ------------------------------------------------------------------------------


def run(
    work: Path,
    *,
    notices: int = 20_000,
    winners: int = 5_000,
    programmes: int = 300,
    rounds: int = 3,
    clients: int = 8,
    requests: int = 3000,
    seconds: float = 20.0,
    port: int = LOAD_PORT,
    report=print,
) -> dict:
    """Generate a corpus in `work`, then measure_build, measure_queries and measure_load;
    `report(line)` is told as it goes. Returns every figure."""
    content = work / "content"
    started = time.perf_counter()
    corpus = corpus_module.generate(
        content, notices=notices, winners=winners, programmes=programmes
    )
    report(
        f"corpus: {corpus.notices} notices, {len(corpus.winners)} awards, "
        f"{len(corpus.revoked)} revoked, {programmes} programmes "
        f"({time.perf_counter() - started:.1f} s to generate)"
    )
    index_dir = work / "search"
    built = measure_build(content, index_dir)
    report(f"read and assemble content:      {built['read_assemble_s']:6.1f} s")
    report(f"records (analysis inputs):      {built['records_s']:6.1f} s")
    report(
        f"index build (analysis + write): {built['index_s']:6.1f} s, CPU {built['index_cpu_s']:.1f} s "
        f"({built['records']} records, {built['index_mb']:.0f} MB)"
    )
    report(
        f"peak memory of the build process: {built['peak_mb']} MB "
        f"({built['peak_before_index_mb']} MB before the index)"
    )
    query_set = queries(corpus, random.Random(7))
    asked = measure_queries(index_dir, query_set, rounds)
    report(f"queries: {asked['queries']} × {rounds} rounds, each asked afresh and again")
    report(f"latency, asked afresh: {_summary(asked['afresh'])}")
    report(f"latency, asked again:  {_summary(asked['again'])}")
    report(f"  CPU time only:       {_summary(asked['afresh_cpu'])}")
    for label, stats in asked["by_class"].items():
        report(
            f"  {label:15s} {_summary(stats)}  (CPU p95 {asked['by_class_cpu'][label]['p95_ms']:.1f} ms)"
        )
    report("slowest:")
    for slow in asked["slowest"]:
        report(f"  {slow['median_ms']:7.1f} ms  {slow['total']:>8s} hits  {slow['query']}")
    loaded = measure_load(
        index_dir,
        load_pool(corpus, random.Random(5)),
        clients=clients,
        requests=requests,
        seconds=seconds,
        port=port,
    )
    report(
        f"under load ({loaded['clients']} clients, gunicorn {loaded['workers']} workers × "
        f"{loaded['threads']} threads): {loaded['qps']:.0f} queries/s over "
        f"{loaded['requests']} requests in {loaded['seconds']} s, {loaded['failures']} failed, "
        f"load average {loaded['load_average']}; "
        f"{_summary(loaded['latency'])}"
    )
    return {"build": built, "queries": asked, "load": loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--winners", type=int, default=5_000)
    parser.add_argument("--programmes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=3000, help="at most, under load")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most, under load")
    parser.add_argument("--port", type=int, default=LOAD_PORT)
    parser.add_argument("--keep", type=Path, help="write corpus and index here and keep them")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--build-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.build_only:
        print(json.dumps(_build_only(*arguments.build_only)))
        return
    work = arguments.keep or Path(tempfile.mkdtemp(prefix="gongshi-search-bench-"))
    try:
        figures = run(
            work,
            notices=arguments.notices,
            winners=arguments.winners,
            programmes=arguments.programmes,
            rounds=arguments.rounds,
            clients=arguments.clients,
            requests=arguments.requests,
            seconds=arguments.seconds,
            port=arguments.port,
        )
    finally:
        if not arguments.keep:
            engine.remove(work)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
