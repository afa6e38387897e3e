"""The confidential intake under load on the production stack (stack_bench.py --only intake).

Each simulated citizen does what a browser does: opens /report/ (its CSRF cookie and
form token), posts a report (text only, or with a 1 MB PDF), reads the receipt. Citizens
run `concurrency` at a time for a fixed count of submissions; the rate is submissions
per second of wall time (form and post together), the latency that of the post.

The intake's own limit (GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT, 5 an hour per address)
and nginx's limit_req on /report/ stay as shipped: each citizen comes from an address of
its own in 127.0.0.0/8 (Linux delivers the whole block on the loopback interface, and
nginx passes the address on in X-Real-IP as it would a real client's), so the bench goes
through the same throttles that production runs, one submission per address.

Afterwards the stack's database is checked from inside (deploy/stack/manage shell): the
cases stored since the run began are exactly the reports sent, each once, each opening
with the supervision group's key (unlocked with the stack's demo passphrase), each with
its attachment of the size sent, and every receipt the citizens got finds its own case.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pdf_sample import sample_pdf
from stack_support import REPOSITORY, STACK, Citizen

STACK_VAR = REPOSITORY / "var" / "stack"

PDF_BYTES = 1024 * 1024
TEXT = "text only"


class Addresses:
    """Source addresses in 127.0.0.0/8, one per citizen, from a random start so that a
    second run within the hour does not reuse the first one's (the limit is hourly)."""

    def __init__(self):
        self._next = random.randrange(1 << 16, (254 << 16) - (1 << 20))
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            self._next += 1
            number = self._next
        return f"127.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


@dataclass
class Run:
    kind: str
    sent: dict[str, str] = field(default_factory=dict)  # marker -> receipt
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0  # server CPU seconds (server_cpu)
    load: float = 0.0  # the machine's load average at the end

    @property
    def cpu_per_submission(self) -> float:
        return self.cpu / len(self.sent) if self.sent else float("nan")

    @property
    def rate(self) -> float:
        return len(self.sent) / self.seconds if self.seconds else 0.0


def submit(site: str, address: str, programme: str, marker: str, pdf: bytes | None):
    """Open the form, post one report; (receipt or None, seconds the post took, problem)."""
    parts = urllib.parse.urlsplit(site)
    citizen = Citizen(parts.hostname, parts.port or 443, address)
    try:
        status, _, page = citizen.request("GET", "/report/")
        if status != 200:
            return None, 0.0, f"form {status}"
        fields = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[
                1
            ],
            "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
            "programme": programme,
            "subject": f"压测单位{marker}",
            "text": f"{marker}：负载测试举报。" + "事实经过、时间地点和证据线索。" * 40,
            "anonymous": "on",
        }
        files = [("evidence", f"{marker}.pdf", pdf)] if pdf is not None else []
        body, content_type = multipart(fields, files)
        started = time.perf_counter()
        status, _, answer = citizen.request(
            "POST",
            "/report/",
            body=body,
            headers={"Content-Type": content_type, "Origin": citizen.origin},
        )
        seconds = time.perf_counter() - started
        receipt = re.search(r'id="receipt-code">([0-9A-Z-]+)<', answer)
        if status != 200 or not receipt:
            problem = re.search(r'id="problems".*?<li>(.*?)</li>', answer, re.S)
            return None, seconds, f"post {status} {problem[1].strip() if problem else ''}"[:200]
        return receipt[1], seconds, ""
    except Exception as error:  # a lost report is what this counts
        return None, 0.0, repr(error)
    finally:
        citizen.close()


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----gongshi-bench-" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def programme_of(site: str, addresses: Addresses) -> str:
    parts = urllib.parse.urlsplit(site)
    citizen = Citizen(parts.hostname, parts.port or 443, addresses.take())
    try:
        _, _, page = citizen.request("GET", "/report/")
    finally:
        citizen.close()
    select = re.search(r'<select name="programme".*?</select>', page, re.S)[0]
    return re.findall(r'<option value="(\d+)"', select)[0]


def _cpu_of(pid: int, children: bool = False) -> float:
    """CPU seconds of a process (and of its reaped children), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: workers reaped
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


def server_cpu() -> dict[int, float]:
    """CPU seconds so far of what serves the intake, per process: the CMS's gunicorn
    (master with its reaped workers, and the live workers), nginx, and the PostgreSQL
    backends connected to the stack's database. The bench's own client is left out: in
    production the citizens' browsers are elsewhere."""
    import psycopg

    roots = [
        int((STACK_VAR / "run" / "gongshi-cms.pid").read_text()),
        int((STACK_VAR / "nginx" / "nginx.pid").read_text()),
    ]
    pids = {root: _cpu_of(root, children=True) for root in roots}
    for root in roots:
        pids.update({child: _cpu_of(child) for child in _children(root)})
    database = json.loads((STACK_VAR / "config.json").read_text())["database_url"]
    with psycopg.connect(database, autocommit=True) as connection:
        backends = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    pids.update({pid: _cpu_of(pid) for (pid,) in backends})
    return pids


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two server_cpu() readings (a process that ended in
    between is counted in its parent's reaped time, or, for a backend, lost: a small
    understatement, as connections live CONN_MAX_AGE)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def load(site, addresses, programme, kind, count, concurrency, pdf) -> Run:
    run = Run(kind)
    tag = secrets.token_hex(4)
    markers = [f"压测{tag}-{number:05d}" for number in range(count)]
    cpu_before = server_cpu()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = pool.map(
            lambda marker: submit(site, addresses.take(), programme, marker, pdf), markers
        )
        for marker, (receipt, seconds, problem) in zip(markers, results, strict=True):
            if receipt:
                run.sent[marker] = receipt
                run.latencies.append(seconds)
            else:
                run.failures.append(f"{marker}: {problem}")
    run.seconds = time.perf_counter() - started
    run.cpu = cpu_between(cpu_before, server_cpu())
    run.load = os.getloadavg()[0]
    run.markers = markers
    return run


def last_case_id() -> int:
    return int(
        _shell(
            "from cms.supervision.models import Case\nprint(Case.objects.order_by('-pk').values_list('pk', flat=True).first() or 0)"
        )
    )


CHECK = """
import json, sys
from cms.supervision import cases, crypto
from cms.supervision.models import Case, Evidence, GroupKey
sent = json.load(open({path!r}))
key = GroupKey.active()
private_key = crypto.unlock(key.locked, {passphrase!r})
stored = list(Case.objects.filter(pk__gt={after}).order_by("pk"))
seen, unreadable, wrong_files = {{}}, 0, 0
for case in stored:
    try:
        report = crypto.open_json(private_key, case.sealed_report)
        crypto.open_json(private_key, case.sealed_identity)
        crypto.open_sealed(private_key, case.sealed_reply_key)
    except crypto.EnvelopeError:
        unreadable += 1
        continue
    marker = report["text"].split("：", 1)[0]
    seen.setdefault(marker, []).append(case.pk)
    expected = sent["attachment"].get(marker)
    files = list(case.evidence.all())
    sizes = [crypto.open_json(private_key, item.sealed_meta)["size"] for item in files]
    contents = [len(crypto.open_sealed(private_key, item.sealed_content)) for item in files]
    if sizes != contents or sizes != ([expected] if expected else []):
        wrong_files += 1
receipts_ok = 0
for marker, receipt in sent["receipts"].items():
    found = cases.find_by_receipt(crypto.parse_receipt(receipt))
    if found and seen.get(marker) == [found[0].pk]:
        receipts_ok += 1
print(json.dumps({{
    "stored": len(stored), "distinct": len(seen), "unreadable": unreadable,
    "duplicates": sum(len(pks) - 1 for pks in seen.values()),
    "unknown": len(set(seen) - set(sent["receipts"])),
    "missing": len(set(sent["receipts"]) - set(seen)),
    "wrong_files": wrong_files, "receipts_ok": receipts_ok,
}}))
"""


def check(runs: list[Run], after: int, passphrase: str, pdf_size: int) -> dict:
    """What the database holds of these runs, from inside the stack."""
    receipts = {marker: receipt for run in runs for marker, receipt in run.sent.items()}
    attachment = {m: pdf_size for run in runs if run.kind != TEXT for m in run.sent}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"receipts": receipts, "attachment": attachment}, handle)
    try:
        code = CHECK.format(path=handle.name, passphrase=passphrase, after=after)
        return json.loads(_shell(code))
    finally:
        Path(handle.name).unlink()


def _shell(code: str) -> str:
    finished = subprocess.run(
        [str(STACK / "manage"), "shell", "-c", code],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )
    return finished.stdout.strip().splitlines()[-1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def intake(site: str, passphrase: str, runs: int, text_count: int, pdf_count: int,
           concurrency: int) -> bool:  # fmt: skip
    """Print the intake rows of the bench table; whether nothing was lost."""
    print(
        f"== the confidential intake through nginx (a citizen per address: form, then post;"
        f" {concurrency} at a time, median of {runs})"
    )
    addresses = Addresses()
    programme = programme_of(site, addresses)
    pdf = sample_pdf()
    after = last_case_id()
    done: list[Run] = []
    for kind, count, attachment in (
        (TEXT, text_count, None),
        ("with a 1 MB PDF", pdf_count, pdf),
    ):
        rows = []
        for _ in range(runs):
            run = load(site, addresses, programme, kind, count, concurrency, attachment)
            done.append(run)
            rows.append(run)
            for failure in run.failures[:3]:
                print(f"    failed: {failure}")
        rate = statistics.median(run.rate for run in rows)
        p50 = statistics.median(statistics.median(run.latencies or [0]) for run in rows)
        p95 = statistics.median(percentile(run.latencies, 0.95) for run in rows)
        single = ", ".join(f"{run.rate:.1f}" for run in rows)
        cpu = statistics.median(run.cpu_per_submission for run in rows)
        loads = ", ".join(f"{run.load:.1f}" for run in rows)
        print(
            f"  {kind:18} {rate:8.1f} submissions/s  p50 {p50 * 1000:5.0f} ms"
            f"  p95 {p95 * 1000:5.0f} ms  (runs: {single}; load average {loads})",
            flush=True,
        )
        print(
            f"  {'':18} server CPU {cpu * 1000:5.1f} ms a submission"
            f" (gunicorn, nginx, PostgreSQL): {os.cpu_count() / cpu:6.0f} a second"
            f" on this machine's {os.cpu_count()} cores when nothing else runs",
            flush=True,
        )
    sent = sum(len(run.markers) for run in done)
    accepted = sum(len(run.sent) for run in done)
    result = check(done, after, passphrase, len(pdf))
    print(
        f"  sent {sent}, receipts {accepted}, stored {result['stored']}"
        f" ({result['distinct']} distinct, {result['duplicates']} duplicated,"
        f" {result['unknown']} not sent, {result['missing']} missing);"
        f" decrypted with the group key: {result['stored'] - result['unreadable']};"
        f" attachments intact: {result['stored'] - result['wrong_files']};"
        f" receipts finding their case: {result['receipts_ok']}"
    )
    whole = sent == accepted == result["stored"] == result["distinct"] == result[
        "receipts_ok"
    ] and not (result["unreadable"] or result["wrong_files"] or result["unknown"])
    print("  nothing lost" if whole else "  REPORTS LOST, DUPLICATED OR UNREADABLE", flush=True)
    return whole
