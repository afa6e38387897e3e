"""The admin's search on a bulk-loaded CMS (tests/bench/bench.py --cms-only leaves one in
var/bench/db-<n>.sqlite3): how long the page search takes with the character-pair
backend (ADR 0029), how many pages it finds, and what Wagtail's own database backend
finds for the same queries on the same pages.

    DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=tests/bench:. \\
    DATABASE_URL=sqlite:///var/bench/db-10000.sqlite3 \\
        .venv/bin/python tests/bench/admin_search_bench.py [--stock] [--reindex]

--reindex rebuilds the index with the configured backend first (timed); --stock swaps in
Wagtail's backend (then --reindex is needed, its index text being uncut). Run it on a
copy of the database: reindexing rewrites the index tables.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.parse

QUERIES = ["候选名单", "公示", "拟奖名单公示", "质量奖", "有限公司", "运政发"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stock", action="store_true")
    parser.add_argument("--reindex", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()

    import django
    from django.conf import settings

    if arguments.stock:
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {"BACKEND": "wagtail.search.backends.database"}
        }
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from cms.decisions.models import Award

    if arguments.reindex:
        started = time.perf_counter()
        call_command("update_index", verbosity=0)
        print(f"reindex: {time.perf_counter() - started:.1f} s")

    admin, _ = User.objects.get_or_create(
        username="bench-search", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    fragments = [
        name[4:8] for name in Award.objects.order_by("pk").values_list("recipient", flat=True)[:3]
    ]
    for q in QUERIES + fragments:
        url = f"/admin/pages/search/?q={urllib.parse.quote(q)}"
        times = []
        for _ in range(arguments.runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        count = response.context["items_count"] if response.context else "?"
        print(f"{q}\t{statistics.median(times):.1f} ms\t{count} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
