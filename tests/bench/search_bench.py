"""Search benchmark: how long the index takes to build and a query to answer.

Generates a corpus (tests/bench/corpus.py; 20,000 notices and 5,000 winners by default),
reads and assembles it as the site's build does, builds the index with the build's own
code, then answers a fixed set of queries (full and partial names, pinyin, initials,
credit codes, 文号, quoted phrases, frequent words) through the service's answer
function, snippets included, and prints the median and 95th percentile.

    make bench-search
    .venv/bin/python tests/bench/search_bench.py --notices 2000 --winners 500
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
for path in (str(REPOSITORY), str(REPOSITORY / "site" / "plugins"), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import corpus as corpus_module  # noqa: E402
from gongshi_site.assemble import assemble  # noqa: E402
from gongshi_site.reader import read_content  # noqa: E402
from gongshi_site.search_records import all_records  # noqa: E402

from cms.search import answers, chinese, documents, engine  # noqa: E402

TODAY = date(2024, 6, 12)


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
    for q in ["許昌", "yuncheng", "ycs", "海儿", "AND * :"]:
        found[q] = "other"
    return found


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms, max {ordered[-1]:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--winners", type=int, default=5_000)
    parser.add_argument("--programmes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write corpus and index here and keep them")
    arguments = parser.parse_args()

    work = arguments.keep or Path(tempfile.mkdtemp(prefix="gongshi-search-bench-"))
    content = work / "content"
    started = time.perf_counter()
    corpus = corpus_module.generate(
        content,
        notices=arguments.notices,
        winners=arguments.winners,
        programmes=arguments.programmes,
    )
    print(
        f"corpus: {corpus.notices} notices, {len(corpus.winners)} awards, "
        f"{len(corpus.revoked)} revoked, {arguments.programmes} programmes "
        f"({time.perf_counter() - started:.1f} s to generate)"
    )

    chinese.warm_up()
    started = time.perf_counter()
    site = assemble(read_content(content), TODAY, "bench")
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    records = list(all_records(site))
    suggestions = documents.suggestions(records)
    records_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index_dir = work / "search"
    engine.remove(index_dir)
    engine.build(index_dir, records, {"suggestions.json": suggestions})
    index_seconds = time.perf_counter() - started
    size = sum(path.stat().st_size for path in index_dir.iterdir()) / 1e6
    print(f"read and assemble content:      {read_seconds:6.1f} s")
    print(f"records (analysis inputs):      {records_seconds:6.1f} s")
    print(
        f"index build (analysis + write): {index_seconds:6.1f} s  ({len(records)} records, {size:.0f} MB)"
    )

    print(f"peak memory (whole process):    {_peak_mb():6.0f} MB")

    query_set = queries(corpus, random.Random(7))
    cold: dict[str, list[float]] = {q: [] for q in query_set}
    cached: list[float] = []
    totals = {}
    for _ in range(arguments.rounds):
        # A fresh index each round: answers are remembered per open index.
        index = engine.SearchIndex(index_dir)
        answers.search(index, answers.Request(q="质量"), TODAY)  # the first query loads caches
        for q in query_set:
            started = time.perf_counter()
            answer = answers.search(index, answers.Request(q=q), TODAY)
            cold[q].append((time.perf_counter() - started) * 1000)
            totals[q] = ("约" if answer["total_estimated"] else "") + str(answer["total"])
            started = time.perf_counter()
            answers.search(index, answers.Request(q=q), TODAY)
            cached.append((time.perf_counter() - started) * 1000)
    every = [t for values in cold.values() for t in values]
    print(f"queries: {len(query_set)} × {arguments.rounds} rounds, each asked afresh and again")
    print(f"latency, asked afresh: {_summary(every)}")
    print(f"latency, asked again:  {_summary(cached)}")
    for label in dict.fromkeys(query_set.values()):
        values = [t for q, c in query_set.items() if c == label for t in cold[q]]
        print(f"  {label:15s} {_summary(values)}")
    print("slowest:")
    for q, values in sorted(cold.items(), key=lambda item: -statistics.median(item[1]))[:8]:
        print(f"  {statistics.median(values):7.1f} ms  {totals[q]:>8s} hits  {q}")
    if not arguments.keep:
        engine.remove(work)


def _peak_mb() -> float:
    """The process's peak resident memory (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
