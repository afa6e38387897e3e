"""A bounded load test of the online intake: N reports from C concurrent clients against
a real WSGI server, then a check that every one was stored and opens with the group key.

    .venv/bin/python tests/bench/report_load.py --reports 200 --concurrency 8

It runs on its own SQLite file in a temporary directory with the test settings (the
passphrase's argon2id at the production cost unless --fast), so it touches nothing of
the developer's. `make bench-stack` measures the intake on the production stack.
Prints submissions per second; exits non-zero if any report was lost or unreadable.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.cookiejar
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "bench passphrase, not secret"
CHANNEL = ROOT / "tests" / "site" / "fixture_content" / "channels" / "5.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--fast", action="store_true", help="argon2id at its minimum cost")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gongshi-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    django.setup()
    settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT = (10**9, 3600)  # one client sends all
    if not arguments.fast:  # receipts are unstretched in production too (ADR 40)
        settings.GONGSHI_SUPERVISION_PASSPHRASE_KDF = "moderate"
    settings.MEDIA_ROOT = str(workdir / "media")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    programme = prepare()
    url = serve()
    print(f"Server {url}, {arguments.reports} reports, {arguments.concurrency} concurrent clients")

    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.concurrency) as pool:
        results = list(pool.map(lambda n: submit(url, programme, n), range(arguments.reports)))
    elapsed = time.perf_counter() - started
    failed = [result for result in results if not result.startswith("OK")]
    receipts = {result[3:] for result in results if result.startswith("OK")}
    print(
        f"{len(results) - len(failed)} accepted in {elapsed:.1f} s: {len(results) / elapsed:.1f} submissions/s"
    )
    for failure in failed[:5]:
        print("  failed:", failure)
    return verify(arguments.reports, receipts, failed)


def prepare():
    """The shipped programmes, one published channel, the group's key."""
    import json

    from cms.base.models import HomePage
    from cms.programmes.loading import load_programme
    from cms.programmes.models import ProgrammeIndexPage
    from cms.reporting.models import ReportingChannel
    from cms.supervision.models import GroupKey
    from gongshi import contract
    from gongshi.contract import channel as contract_channel
    from gongshi.contract import records

    HomePage.objects.get().add_child(
        instance=ProgrammeIndexPage(title="评选项目", slug="programmes")
    )
    data = ROOT / "cms" / "programmes" / "data"
    programme, _ = load_programme(json.loads(sorted(data.glob("*.json"))[0].read_text("utf-8")))
    # A channel as the CMS exported one (the site fixture's), by the contract's record:
    # all its fields but the programme's slug are the channel's columns of the same name.
    # It takes anonymous reports, which this test sends.
    document, _ = contract.load(CHANNEL.read_text("utf-8"), str(CHANNEL))
    record = records.from_document(contract_channel.Channel, document)
    record = dataclasses.replace(record, anonymous_accepted=True)
    own = records.names(contract_channel.Channel)[1:]
    channel = ReportingChannel(programme=programme, **{name: getattr(record, name) for name in own})
    channel.save()
    channel.save_revision().publish()
    GroupKey.generate(PASSPHRASE)
    return programme


def serve() -> str:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    server = make_server("127.0.0.1", 0, get_wsgi_application(), Threaded, Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def submit(url: str, programme, number: int) -> str:
    """One citizen: open the form, post a report with a small PDF, read the receipt."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        page = opener.open(f"{url}/report/", timeout=120).read().decode()
        fields = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[
                1
            ],
            "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
            "programme": str(programme.pk),
            "subject": f"示例单位{number}",
            "text": f"负载测试举报 #{number}：" + "事实经过。" * 200,
            "anonymous": "on",
        }
        body, content_type = multipart(
            fields, ("evidence", f"{number}.pdf", b"%PDF-1.4\n" + b"x" * 50_000)
        )
        request = urllib.request.Request(
            f"{url}/report/", data=body, headers={"Content-Type": content_type, "Origin": url}
        )
        answer = opener.open(request, timeout=120).read().decode()
        receipt = re.search(r'id="receipt-code">([0-9A-Z-]+)<', answer)
        return f"OK {receipt[1]}" if receipt else f"no receipt for #{number}"
    except Exception as error:  # a lost report is what this counts
        return f"#{number}: {error!r}"


def multipart(fields: dict, file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = "----gongshi-bench"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    name, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{urllib.parse.quote(filename)}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def verify(expected: int, receipts: set[str], failed: list[str]) -> int:
    """Every accepted report is stored once, opens with the group key, and its receipt
    finds it."""
    from cms.supervision import cases, crypto
    from cms.supervision.models import Case, GroupKey

    key = GroupKey.active()
    private_key = crypto.unlock(key.locked, PASSPHRASE)
    stored = list(Case.objects.all())
    texts = {
        crypto.open_json(private_key, case.sealed_report)["text"].split("：")[0] for case in stored
    }
    evidence = sum(case.evidence.count() for case in stored)
    sample = next(iter(receipts), None)
    found = sample is not None and cases.find_by_receipt(crypto.parse_receipt(sample)) is not None
    print(
        f"Stored {len(stored)} cases ({len(texts)} distinct reports, {evidence} evidence files); "
        f"a receipt finds its case: {found}"
    )
    ok = not failed and len(stored) == expected == len(texts) == evidence and found
    print("All reports stored and readable." if ok else "LOST OR UNREADABLE REPORTS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
