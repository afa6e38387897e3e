"""Measurements of the production stack (deploy/stack/up must be running):

    python tests/bench/stack_bench.py [--duration 10] [--burst 20] [--kills 3]

1. requests per second through nginx (wrk, median of 3 runs): public pages, a feed,
   search; and the cost of the 410 check (the same page with the check taken out of
   the rendered configuration, then put back);
2. publishes in a burst: how many builds the queue ran for them, and how long until the
   site showed every one;
3. recovery after the worker is killed (kill -9) in the middle of a build: the
   supervisor restarts it as systemd would; time until the site shows the change;
4. the confidential intake: submissions per second, text only and with a 1 MB PDF, and
   proof that nothing was lost (stack_intake.py); exits non-zero if anything was.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import subprocess
import sys
import time

from stack_intake import intake
from stack_support import REPOSITORY, STACK, fetch, stack_url, wait_for

STACK_VAR = REPOSITORY / "var" / "stack"
SEARCH = "/search/?q=%E8%B4%A8%E9%87%8F%E5%A5%96"  # 质量奖


def wrk(url: str, duration: int, runs: int = 3, gzip: bool = True) -> float:
    """Median requests per second of `runs` wrk runs (2 threads, 32 connections)."""
    results = []
    headers = ["-H", "Accept-Encoding: gzip"] if gzip else []
    for _ in range(runs):
        finished = subprocess.run(
            ["wrk", "-t2", "-c32", f"-d{duration}s", *headers, url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        if "Non-2xx" in finished.stdout:
            raise SystemExit(f"errors from {url}:\n{finished.stdout}")
        results.append(float(re.search(r"Requests/sec:\s+([\d.]+)", finished.stdout)[1]))
    return statistics.median(results)


def throughput(site: str, duration: int) -> None:
    print("== requests per second through nginx (wrk -t2 -c32, median of 3)")
    for name, path in [
        ("home page", "/"),
        ("notices listing", "/notices/"),
        ("a notice", "/notices/12/"),
        ("feed all.atom", "/feeds/all.atom"),
        ("search 质量奖", SEARCH),
    ]:
        print(f"  {name:18} {wrk(site + path, duration):8.0f} req/s", flush=True)
    # Compression is done per request: what it costs on the largest page.
    plain = wrk(site + "/", duration, gzip=False)
    print(f"  {'home, no gzip':18} {plain:8.0f} req/s", flush=True)

    print("== the 410 check's cost (same page, check taken out of the rendered config;")
    print("   runs interleaved, so the machine's other load falls on both alike)")
    conf = STACK_VAR / "nginx" / "gongshi.conf"
    shipped = conf.read_text()
    without = re.sub(r"\n\s*if \(-f \$document_root/\.\./withdrawn[^}]*}", "", shipped)
    assert without != shipped
    rates: dict[str, list[float]] = {"with": [], "without": []}
    try:
        for _ in range(4):
            for name, text in (("with", shipped), ("without", without)):
                conf.write_text(text)
                subprocess.run([str(STACK / "reload")], check=True)
                time.sleep(1)
                rates[name].append(wrk(site + "/notices/", duration, runs=1))
    finally:
        conf.write_text(shipped)
        subprocess.run([str(STACK / "reload")], check=True)
    with_check, without_check = (statistics.median(rates[name]) for name in ("with", "without"))
    change = (with_check - without_check) / without_check * 100
    print(f"  with {with_check:.0f} req/s, without {without_check:.0f} req/s ({change:+.1f}%)")
    spread = [f"{min(values):.0f}–{max(values):.0f}" for values in rates.values()]
    print(f"  spread of single runs: with {spread[0]}, without {spread[1]}")


def shell(code: str, background: bool = False):
    command = [str(STACK / "manage"), "shell", "-c", code]
    if background:
        return subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.PIPE, text=True)
    finished = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, check=True)
    return finished.stdout.strip().splitlines()


PUBLISH = """
import secrets
from django.db import transaction
from cms.demo.loader import DRAFT_MARK
from cms.notices.models import PublicityNoticePage
from cms.publishing.models import SiteBuild
draft = PublicityNoticePage.objects.filter(title__contains=DRAFT_MARK).order_by("pk").first()
print("builds-before", SiteBuild.objects.count())
for number in range({count}):
    token = secrets.token_hex(3)
    copy = draft.copy(update_attrs={{"title": f"压测{{token}}", "slug": f"bench-{{token}}"}},
                      keep_live=False)
    copy.save_revision().publish()  # each publish asks for a build, as an approval does
    print("published", copy.pk, flush=True)
"""


def publish_burst(site: str, count: int) -> None:
    print(f"== {count} publishes in a burst")
    started = time.monotonic()
    lines = shell(PUBLISH.format(count=count))
    published_at = time.monotonic()
    before = int(next(line for line in lines if line.startswith("builds-before")).split()[1])
    ids = [line.split()[1] for line in lines if line.startswith("published")]

    def all_shown():
        return all(fetch(f"{site}/notices/{pk}/").status == 200 for pk in ids)

    wait_for(all_shown, timeout=600, interval=0.5, what="every published notice")
    done = time.monotonic()
    builds = shell(
        "from cms.publishing.models import SiteBuild\n"
        f"print(SiteBuild.objects.filter(pk__gt={before}).count())"
    )[-1]
    publishing = published_at - started
    print(f"  {count} publishes took {publishing:.1f} s (one process, in a row)")
    print(f"  builds run for them: {builds}")
    print(f"  first publish → all {count} on the site: {done - started:.1f} s")
    print(f"  last publish → all on the site: {done - published_at:.1f} s")
    print(f"  absorbed: {count / (done - started) * 60:.0f} publishes per minute")


def worker_kill(site: str, runs: int) -> None:
    print(f"== worker killed (kill -9) in the middle of a build, {runs} times")
    builds_dir = STACK_VAR / "site" / "builds"
    times = []
    for _ in range(runs):
        known = set(builds_dir.iterdir())
        publisher = shell(PUBLISH.format(count=1), background=True)
        started = None
        while started is None:
            fresh = set(builds_dir.iterdir()) - known
            if fresh:
                started = time.monotonic()
            time.sleep(0.05)
        time.sleep(1.0)  # Pelican is running now
        live = (STACK_VAR / "site" / "live").resolve().parent
        assert live not in fresh, "the build finished before the kill"
        pid = int((STACK_VAR / "run" / "gongshi-worker.pid").read_text())
        subprocess.run(["kill", "-9", str(pid)], check=True)
        killed = time.monotonic()
        output, _ = publisher.communicate()
        pk = next(line.split()[1] for line in output.splitlines() if line.startswith("published"))
        _, seconds = wait_for(
            lambda pk=pk: fetch(f"{site}/notices/{pk}/").status == 200,
            timeout=300,
            interval=0.25,
            what="the change after the kill",
        )
        times.append(seconds)
        print(f"  killed {killed - started:.1f} s into the build; shown {seconds:.1f} s later")
        time.sleep(3)
    print(f"  recovery, kill → change on the site: median {statistics.median(times):.1f} s")


def stack_module():
    """deploy/stack/stack.py, for what `up` set up (the demo supervision passphrase)."""
    spec = importlib.util.spec_from_file_location("stack", STACK / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--burst", type=int, default=20, help="publishes in the burst")
    parser.add_argument("--kills", type=int, default=3, help="worker kills")
    parser.add_argument("--runs", type=int, default=3, help="intake runs of each kind")
    parser.add_argument("--reports", type=int, default=1000, help="text-only reports a run")
    parser.add_argument("--pdf-reports", type=int, default=200, help="reports with a PDF a run")
    parser.add_argument("--concurrency", type=int, default=32, help="citizens at a time")
    parser.add_argument("--only", choices=["throughput", "burst", "kill", "intake"])
    options = parser.parse_args()
    site = stack_url() or "https://127.0.0.1:9543"
    if options.only in (None, "throughput"):
        throughput(site, options.duration)
    if options.only in (None, "burst"):
        publish_burst(site, options.burst)
    if options.only in (None, "kill"):
        worker_kill(site, options.kills)
    if options.only in (None, "intake"):
        passphrase = stack_module().DEMO_SUPERVISION_PASSPHRASE  # the stack's demo group key
        whole = intake(
            site, passphrase, options.runs, options.reports, options.pdf_reports,
            options.concurrency,
        )  # fmt: skip
        if not whole:
            sys.exit(1)


if __name__ == "__main__":
    main()
