"""`make bench` end to end at a tiny size: every measure is taken and sane. Timings are
not judged here (a shared test machine is no benchmark); their presence and sense are."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_benchmark_measures_everything_at_a_tiny_size(tmp_path):
    out = tmp_path / "results.json"
    environment = {**os.environ, "BENCH_PORT": "9151"}
    environment.pop("DATABASE_URL", None)
    arguments = ["--sizes", "60", "--runs", "1", "--quick", "--var", str(tmp_path / "var")]
    subprocess.run(
        [sys.executable, str(HERE / "bench.py"), *arguments, "--out", str(out)],
        env=environment,
        check=True,
        timeout=900,
    )
    results = json.loads(out.read_text("utf-8"))
    (size,) = results["sizes"]
    summary = results["summary"]["60"]

    assert size["corpus"]["notices_written"] == 60 and size["corpus"]["winners_written"] == 15
    assert size["cms"]["verify_problem_count"] == 0
    assert size["cms"]["loaded"]["PublicityNoticePage"] == 60
    for name, value in summary.items():
        if name.startswith("Hugo") and value is None:
            continue  # Hugo is optional
        assert isinstance(value, int | float) and value > 0, name
    assert size["build_cold"][0]["items"] == size["cms"]["collect_items"] > 60
    assert 0 < size["build_cold"][0]["peak_tree_mb"] < 4096
    assert all(size["publish"]["checks"].values()), size["publish"]["checks"]
    assert all(size["publish"]["incremental"])  # as the worker publishes (ADR 9)
    load = size["search"]["load"]
    assert load["requests"] > 0 and load["failures"] == 0
    assert size["search"]["records"] > 60
    for name in ("admin_explore", "admin_search", "api_pages_notices", "api_content_first"):
        assert size["cms"][name]["status"] == [200], name
    # The export's queries do not grow with the pages: far fewer than one per item.
    assert size["cms"]["collect_queries"] < size["cms"]["collect_items"]
    assert "full build cold (s)" in results["table"]
