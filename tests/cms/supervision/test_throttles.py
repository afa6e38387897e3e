"""The intake's limits hold under concurrency and cannot be turned against complainants
(cms/supervision/throttle.py, ADR 0026): 16 clients at once never store more reports than
the hour has left, and a correct receipt answers even after bad guesses have locked its
address, its lookup id and the global bucket."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
from django.core.cache import cache, caches
from django.test import Client
from intake_client import publish_channel, report_data, submit
from ports import free_port

from cms.supervision import throttle
from cms.supervision.models import Case, GroupKey

CLIENTS = 16
REDIS_PORT = free_port()  # a Redis of this run's own, never a shared one


@pytest.fixture
def redis_cache(settings):
    """A Redis of the test's own, as production shares one between web processes."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", REDIS_PORT), 0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        settings.CACHES = {
            "default": {
                "BACKEND": "cms.base.redis_cache.ReusedClientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/0",
            }
        }
        caches["default"].clear()
        yield caches["default"]
    finally:
        process.terminate()
        process.wait(10)


def all_at_once(work, count=CLIENTS) -> list:
    """`work(i)` in `count` threads released together."""
    start = Barrier(count)

    def run(index):
        start.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_of_16_concurrent_takes_exactly_the_uses_left_pass(backend, request, settings):
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    from django.core.cache import cache as current

    current.clear()
    limit = (5, 3600)
    for _ in range(2):  # two used this hour: three left
        assert throttle.take("submit:someone", limit)
    for round_ in range(20):
        allowed = all_at_once(lambda _: throttle.take("submit:someone", limit))
        assert allowed.count(True) == (3 if round_ == 0 else 0)
        for _refused in range(allowed.count(False)):
            throttle.give_back("submit:someone")
    assert current.get("supervision:count:submit:someone") == 5


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    # SQLite's in-memory test database is one connection shared by the live server's
    # threads: concurrent savepoints break there, not in the intake. CI runs it on PostgreSQL.
    reason="needs PostgreSQL (DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_16_concurrent_submissions_store_no_more_than_the_hour_has_left(
    live_server, programmes, settings
):
    from django.conf import settings as live_settings

    programme = programmes["yuncheng"]
    publish_channel(programme)
    GroupKey.generate("并发测试口令-correct horse")
    cache.clear()
    settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT = (5, 3600)
    assert live_settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT == (5, 3600)
    # Two reports already this hour, from the same address the 16 clients share.
    for _ in range(2):
        assert submit(Client(REMOTE_ADDR="127.0.0.1"), programme).status_code == 200

    def one(index):
        session = requests.Session()
        page = session.get(f"{live_server.url}/report/", timeout=60).text
        tokens = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[
                1
            ],
            "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
        }
        data = {**tokens, **report_data(programme, text=f"并发提交第{index}份")}
        response = session.post(
            f"{live_server.url}/report/",
            data=data,
            headers={"Referer": f"{live_server.url}/report/"},
            timeout=120,
        )
        return response.status_code

    answers = all_at_once(one)
    stored = Case.objects.count() - 2
    assert stored <= 3, answers
    assert answers.count(200) == stored
    assert set(answers) <= {200, 429, 503}, answers
    assert answers.count(429) >= CLIENTS - 3


def status(client, receipt):
    page = client.get("/report/status/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client.post("/report/status/", {"csrfmiddlewaretoken": token, "receipt": receipt})


@pytest.fixture
def filed(programmes, settings):
    """A report filed by a citizen at 203.0.113.7; its receipt, without dashes."""
    cache.clear()
    GroupKey.generate("回执测试口令-correct horse")
    programme = programmes["yuncheng"]
    publish_channel(programme)
    complainant = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    response = submit(complainant, programme)
    return re.search(r'id="receipt-code">([0-9A-Z-]+)<', response.content.decode())[1]


@pytest.mark.django_db
def test_a_correct_receipt_answers_after_its_address_is_locked(filed, settings):
    settings.GONGSHI_RECEIPT_FAILURES_PER_CLIENT = (3, 3600)
    # Someone sharing the complainant's address (a campus, a carrier's NAT) guesses.
    guesser = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    answers = [status(guesser, f"ZZZZZZZZ{n:024d}").status_code for n in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    complainant = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    response = status(complainant, filed)
    assert response.status_code == 200
    assert "举报" in response.content.decode()


@pytest.mark.django_db
def test_a_correct_receipt_answers_after_the_global_bucket_is_locked(filed, settings):
    settings.GONGSHI_RECEIPT_FAILURES_GLOBAL = (20, 3600)
    for address in range(20):  # twenty addresses, one guess each, each at another lookup id
        guesser = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"198.51.100.{address}")
        assert status(guesser, f"{address:08d}" + "1" * 24).status_code == 404
    late = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.200")
    assert status(late, "99999999" + "1" * 24).status_code == 429
    assert (
        status(Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.1"), filed).status_code == 200
    )


@pytest.mark.django_db(transaction=True)
def test_16_concurrent_wrong_guesses_are_all_counted(live_server, filed, settings):
    settings.GONGSHI_RECEIPT_FAILURES_PER_LOOKUP = (100, 3600)
    lookup = filed.replace("-", "")[:8]

    def guess(index):
        session = requests.Session()
        page = session.get(f"{live_server.url}/report/status/", timeout=60).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        response = session.post(
            f"{live_server.url}/report/status/",
            data={"csrfmiddlewaretoken": token, "receipt": f"{lookup}{index:024d}"},
            headers={"Referer": f"{live_server.url}/report/status/"},
            timeout=120,
        )
        return response.status_code

    answers = all_at_once(guess)
    # All from one address: exactly its limit are told "wrong", the rest "too many".
    allowed = settings.GONGSHI_RECEIPT_FAILURES_PER_CLIENT[0]
    assert sorted(answers) == [404] * allowed + [429] * (CLIENTS - allowed)
    assert cache.get(f"supervision:count:receipt-lookup:{lookup}") == CLIENTS
    assert cache.get("supervision:count:receipt-all") == CLIENTS
