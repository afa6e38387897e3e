"""Search benchmark of an extended index: a full build's index against the same index
after an incremental publish (gongshi/search/incremental.py: a small new segment,
deleted documents), the latter answered by the bulk scorer ("before": as before ADR 37's
addendum, but with this code's bulk scorer) and by the impact scorer ("after", rescoring
the first segment). To measure another checkout's code on the same indexes, put its
`gongshi` first on PYTHONPATH.

    .venv/bin/python tests/bench/search_extended_bench.py --notices 5000 --rounds 6

The three are asked the benchmark's queries (search_bench.queries) in turn, round after
round, each round on a freshly opened index; CPU time of the answering thread, median
and p95 of each round, and the median of those over the rounds."""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
from pathlib import Path

import corpus as corpus_module
import search_bench
from search_bench import TODAY, measure_build, measure_queries

from gongshi.search import incremental
from gongshi.search.engine import scoring


def _publish(content: Path, base: Path, target: Path, share: float, seed: int) -> int:
    """An incremental publish of `share` of the records: a third changed (their text
    longer), a third added (copies under new keys), a third deleted."""
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    records = list(all_records(assemble(read_content(content), TODAY, "bench")))
    rng = random.Random(seed)
    picked = rng.sample(records, max(3, int(len(records) * share)))
    third = len(picked) // 3
    changed = [dataclasses.replace(r, text=[*r.text, *r.text[:1]]) for r in picked[:third]]
    added = [
        dataclasses.replace(r, key=f"{r.key}-again", data={**r.data, "url": r.data["url"] + "a/"})
        for r in picked[third : 2 * third]
    ]
    deleted = [r.key for r in picked[2 * third :]]
    incremental.update(base, target, deleted=deleted, added=[*changed, *added], extra={}, shells={})
    return len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=5000)
    parser.add_argument("--winners", type=int, default=0, help="default: notices / 4")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--share", type=float, default=0.01, help="of records published")
    parser.add_argument("--work", type=Path, default=None, help="a new directory")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="search-extended-"))
    content, base, extended = work / "content", work / "search", work / "extended"
    corpus = corpus_module.generate(
        content, notices=args.notices, winners=args.winners or args.notices // 4,
        programmes=300,
    )  # fmt: skip
    built = measure_build(content, base)
    scores_mb = (base / scoring.TERM_SCORES).stat().st_size / 1e6
    print(f"built {built['records']} records, {built['index_mb']} MB ({scores_mb:.1f} MB of")
    print(f"term scores), in {built['index_s']} s; in {work}")
    published = _publish(content, base, extended, args.share, 19)
    print(f"published {published} records incrementally", flush=True)
    query_set = search_bench.queries(corpus, random.Random(7))
    holds = scoring._base_holds
    figures: dict[str, list[tuple[float, float]]] = {"base": [], "before": [], "after": []}
    for round_number in range(args.rounds):
        variants = ["base", "before", "after"]
        if round_number % 2:
            variants.reverse()  # alternate which goes first
        for variant in variants:
            scoring._base_holds = (lambda *_: False) if variant == "before" else holds
            directory = base if variant == "base" else extended
            asked = measure_queries(directory, query_set, rounds=1)["afresh_cpu"]
            figures[variant].append((asked["median_ms"], asked["p95_ms"]))
    scoring._base_holds = holds
    for variant, values in figures.items():
        median = statistics.median(m for m, _ in values)
        p95 = statistics.median(p for _, p in values)
        rounds = ", ".join(f"{m:.2f}/{p:.1f}" for m, p in values)
        print(f"{variant:7s} CPU median {median:5.2f} ms, p95 {p95:5.1f} ms  (rounds: {rounds})")


if __name__ == "__main__":
    main()
