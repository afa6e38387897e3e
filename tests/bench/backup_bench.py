"""Backup benchmark: the size and time of `manage.py backup` on the demo data and the time
of a restore into an empty database, as medians of a few runs.

    .venv/bin/python tests/bench/backup_bench.py [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongshi .venv/bin/python tests/bench/backup_bench.py

Each run goes through manage.py in a subprocess, as `make backup` and `make restore` do;
the times include starting Django (about a second)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from instance import Instance, new_database_url

PASSPHRASE = "基准测试用监督组口令-backup"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="gongshi-backup-bench-") as scratch:
        scratch = Path(scratch)
        origin = Instance(scratch / "origin", new_database_url(scratch, "origin"))
        try:
            origin.manage("migrate", "--no-input", "-v0")
            origin.manage("load_demo")
            origin.manage("supervision_keys", "init", SUPERVISION_PASSPHRASE=PASSPHRASE)
            origin.manage("build_site", "--now")
            backups, restores, sizes = [], [], []
            for run in range(runs):
                out = scratch / f"backups-{run}"
                started = time.monotonic()
                origin.manage("backup", "--output-dir", str(out))
                backups.append(time.monotonic() - started)
                [archive] = out.glob("*.tar")
                sizes.append(archive.stat().st_size)
                target = Instance(scratch / f"restored-{run}", new_database_url(scratch, f"r{run}"))
                try:
                    started = time.monotonic()
                    target.manage("restore", str(archive))
                    restores.append(time.monotonic() - started)
                finally:
                    target.drop()
        finally:
            origin.drop()
    print(f"database: {origin.database_url.split(':', 1)[0]}, runs: {runs}")
    print(f"archive size: {statistics.median(sizes) / 1024 / 1024:.2f} MB")
    print(
        f"backup:  median {statistics.median(backups):.1f} s  (runs {', '.join(f'{t:.1f}' for t in backups)})"
    )
    print(
        f"restore: median {statistics.median(restores):.1f} s  (runs {', '.join(f'{t:.1f}' for t in restores)})"
    )


if __name__ == "__main__":
    main()
