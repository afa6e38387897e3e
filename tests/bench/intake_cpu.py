"""CPU time of one report, form and post, in a CMS process on the stack's database.

    deploy/stack/up
    .venv/bin/python tests/bench/intake_cpu.py [--count 200] [--pdf] [--profile]

Runs the production settings with the stack's environment (var/stack/gongshi.env), and
Django's test client as a browser: GET /report/, then POST the form with its CSRF cookie
and form token (CSRF enforced), each from an address of its own (the shipped limits stay).
It prints the process CPU time per GET and per POST and the database queries each made;
--profile prints cProfile's heaviest functions over the posts and gets. What it leaves
out, against the stack bench: nginx, TLS, gunicorn and PostgreSQL's own CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def stack_environment() -> None:
    for line in (REPOSITORY / "var" / "stack" / "gongshi.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            os.environ[name.strip()] = value.strip()
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--pdf", action="store_true", help="attach a 1 MB PDF to each report")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", metavar="FILE", help="also save the profile (pstats)")
    parser.add_argument("--sql", action="store_true", help="print the last GET's and POST's SQL")
    options = parser.parse_args()
    stack_environment()
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pdf_sample import sample_pdf

    from cms.programmes.models import ProgrammePage

    programme = ProgrammePage.objects.live().filter(reporting_channels__live=True).first()
    pdf = sample_pdf() if options.pdf else None
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    get_cpu = post_cpu = 0.0
    get_queries = post_queries = 0
    stored = 0
    handler = None
    first = random.randrange(2, 50)  # another run within the hour uses other addresses
    for number in range(options.count + 5):
        warm = number < 5  # imports, template loading, the first connection
        address = f"127.{first + number // 65536 % 200}.{number // 256 % 256}.{number % 256 or 1}"
        client = Client(
            enforce_csrf_checks=True,
            HTTP_X_REAL_IP=address,
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_HOST="127.0.0.1",
        )
        # One handler for all the browsers, as a gunicorn worker loads its middleware
        # once: a Client of its own would load it again on its first request.
        handler = handler or client.handler
        client.handler = handler
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            if profiler and not warm:
                profiler.enable()
            page = client.get("/report/", secure=True)
            if profiler:
                profiler.disable()
            spent = time.process_time() - start
        assert page.status_code == 200, page.status_code
        get_sql = [query["sql"] for query in queries.captured_queries]
        if not warm:
            get_cpu += spent
            get_queries += len(queries)
        token = re.search(rb'name="form_token" value="([^"]+)"', page.content).group(1).decode()
        data = {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "form_token": token,
            "programme": str(programme.pk),
            "subject": "某单位",
            "text": "举报内容：材料不实。" * 20,
            "anonymous": "on",
        }
        if pdf:
            from django.core.files.uploadedfile import SimpleUploadedFile

            data["evidence"] = SimpleUploadedFile("evidence.pdf", pdf, "application/pdf")
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            if profiler and not warm:
                profiler.enable()
            answer = client.post(
                "/report/",
                data,
                secure=True,
                HTTP_ORIGIN="https://127.0.0.1",
                HTTP_REFERER="https://127.0.0.1/report/",
            )
            if profiler:
                profiler.disable()
            spent = time.process_time() - start
        assert answer.status_code == 200, (answer.status_code, answer.content[-3000:])
        assert "回执码" in answer.content.decode()
        post_sql = [query["sql"] for query in queries.captured_queries]
        stored += 1
        if not warm:
            post_cpu += spent
            post_queries += len(queries)
    count = options.count
    print(
        f"{'1 MB PDF' if pdf else 'text only'}: {count} reports; "
        f"GET /report/ {1000 * get_cpu / count:.1f} ms CPU, {get_queries / count:.1f} queries; "
        f"POST {1000 * post_cpu / count:.1f} ms CPU, {post_queries / count:.1f} queries; "
        f"form + post {1000 * (get_cpu + post_cpu) / count:.1f} ms"
    )
    if options.sql:
        print("GET:", *get_sql, "POST:", *post_sql, sep="\n  ")
    if profiler:
        stats = pstats.Stats(profiler)
        if options.profile_out:
            stats.dump_stats(options.profile_out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
