"""Time the Pelican build of a content/ directory phase by phase, with the memory of its
whole process tree, beside Hugo on the same files at the same moment (the machine is
shared, so ratios mean more than seconds). For docs/adr/0008-build-performance.md.

    python tests/bench/site_phases.py /tmp/c20k --runs 3 [--search] [--warm] [--hugo]

Each run builds into a fresh directory. Memory is the peak, over samples every 0.2 s, of
the summed proportional set size (PSS) of the build and all its processes, so pages the
forked processes share are counted once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PYTHON = REPOSITORY / ".venv" / "bin" / "python"
HUGO_LAYOUT = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Title }} - {{ .Site.Title }}</title></head><body>
<nav>{{ range .Site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<dl><dt>文号</dt><dd>{{ .Params.document_number }}</dd><dt>发布机构</dt><dd>{{ .Params.issuing_body }}</dd></dl>
{{ .Content }}
<table>{{ range .Params.entries }}<tr><td>{{ .name }}</td><td>{{ .credit_code }}</td><td>{{ .region }}</td></tr>{{ end }}</table>
</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
"""


def tree_pss(root: int) -> int:
    """Summed PSS in kB of `root` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def measured(command, env=None, cwd=REPOSITORY) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_pss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{stderr.decode()[-3000:]}")
    return {
        "wall": round(wall, 2),
        "cpu": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "peak_pss_mb": round(peak[0] / 1024),
        "maxrss_mb": round(after.ru_maxrss / 1024),
    }


def pelican_run(
    content: Path, scratch: Path, search: bool, cache: Path | None, repository: Path = REPOSITORY
) -> dict:
    build = Path(tempfile.mkdtemp(dir=scratch))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    env["GONGSHI_BUILD_DATE"] = "2024-06-12"
    env["GONGSHI_BUILD_TIMINGS"] = str(build / "timings.json")
    if search:
        env["GONGSHI_SEARCH_DIR"] = str(build / "search")
    if cache:
        env["GONGSHI_CACHE_DIR"] = str(cache)
    command = [PYTHON, "-m", "pelican", content, "-o", build / "output"]
    command += ["-s", "site/pelicanconf.py", "-q"]
    result = measured(command, env, cwd=repository)
    if (build / "timings.json").is_file():  # a build from before the phases were timed
        timings = json.loads((build / "timings.json").read_text())
        result["phases"] = timings["seconds"]
        result["job_cpu_seconds"] = timings.get("job_cpu_seconds", {})
    shutil.rmtree(build)
    return result


def hugo_site(content: Path, scratch: Path) -> Path:
    site = scratch / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_LAYOUT)
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    (site / "config.toml").write_text(
        'baseURL = "http://127.0.0.1/"\ntitle = "质量奖公示公开平台"\n'
        "paginate = 50\ndisableKinds = ['taxonomy', 'term']\n"
    )
    for folder in ("notices", "decisions", "revocations", "calls"):
        if (content / folder).is_dir():
            shutil.copytree(content / folder, site / "content" / folder)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", action="store_true", help="build the search index too")
    parser.add_argument("--warm", action="store_true", help="also time warm (cached) builds")
    parser.add_argument("--hugo", action="store_true", help="time Hugo after each run")
    parser.add_argument("--before-runs", type=int, default=3)
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. git archive of main) to time too"
    )
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="site-phases-"))
    runs: dict[str, list] = {"before": [], "cold": [], "warm": [], "hugo": []}
    site = hugo_site(arguments.content, scratch) if arguments.hugo else None
    for _ in range(arguments.runs):
        cache = scratch / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        if arguments.before and len(runs["before"]) < arguments.before_runs:
            runs["before"].append(
                pelican_run(arguments.content, scratch, arguments.search, None, arguments.before)
            )
        runs["cold"].append(pelican_run(arguments.content, scratch, arguments.search, cache))
        if arguments.warm:
            runs["warm"].append(pelican_run(arguments.content, scratch, arguments.search, cache))
        if site:
            shutil.rmtree(site / "public", ignore_errors=True)
            runs["hugo"].append(measured(["hugo", "--quiet", "-s", site], cwd=site))
        print(json.dumps({name: results[-1:] for name, results in runs.items()}), file=sys.stderr)
    summary = {}
    for name, results in runs.items():
        if not results:
            continue
        summary[name] = {
            key: statistics.median(result[key] for result in results)
            for key in ("wall", "cpu", "peak_pss_mb", "maxrss_mb")
        }
        if "phases" in results[0]:
            summary[name]["phases"] = {
                phase: statistics.median(result["phases"][phase] for result in results)
                for phase in results[0]["phases"]
            }
    if "hugo" in summary:
        for name in ("before", "cold", "warm"):
            if name in summary:
                summary[name]["wall_vs_hugo"] = round(
                    summary[name]["wall"] / summary["hugo"]["wall"], 2
                )
    print(json.dumps({"runs": runs, "median": summary}, indent=2, ensure_ascii=False))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
