"""Fault: nginx reloaded mid-request. A long download in flight while `nginx -s reload`
runs completes intact (the old worker finishes it), and requests made during the reload
all succeed."""

import hashlib
import http.client
import os
import ssl
import subprocess
import threading
import time
from urllib.parse import urlsplit

import pytest
from stack_support import REPOSITORY, STACK, fetch

pytestmark = pytest.mark.stack

SIZE = 48 * 1024 * 1024  # far more than the sockets' buffers hold: nginx is still sending


@pytest.fixture
def large_media_file():
    media = REPOSITORY / "var" / "media"
    media.mkdir(parents=True, exist_ok=True)
    path = media / f"reload-test-{os.getpid()}.bin"
    data = os.urandom(1024 * 1024) * (SIZE // (1024 * 1024))
    path.write_bytes(data)
    yield f"/media/{path.name}", hashlib.sha256(data).hexdigest()
    path.unlink()


def slow_download(site: str, path: str, result: dict) -> None:
    parts = urlsplit(site)
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port, context=ssl._create_unverified_context(), timeout=60
    )
    connection.request("GET", path)
    answer = connection.getresponse()
    digest, received = hashlib.sha256(), 0
    while chunk := answer.read(256 * 1024):
        digest.update(chunk)
        received += len(chunk)
        time.sleep(0.02)  # a slow client: about 12 MB/s, four seconds in all
        result["received"] = received
    result.update(status=answer.status, sha256=digest.hexdigest(), size=received)
    connection.close()


def test_a_download_in_flight_and_requests_during_reload_all_succeed(site, large_media_file):
    path, expected = large_media_file
    download: dict = {}
    downloader = threading.Thread(target=slow_download, args=(site, path, download))
    downloader.start()
    while download.get("received", 0) < SIZE // 8:
        time.sleep(0.05)

    statuses: list[int] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            statuses.append(fetch(site + "/").status)

    clients = [threading.Thread(target=hammer) for _ in range(4)]
    for client in clients:
        client.start()
    time.sleep(0.3)
    reloaded = subprocess.run([str(STACK / "reload")], capture_output=True, text=True)
    assert reloaded.returncode == 0, reloaded.stderr
    assert 0 < download["received"] < SIZE, "the download was in flight during the reload"
    time.sleep(1.5)  # the new workers take over while the old one finishes
    stop.set()
    for client in clients:
        client.join()
    downloader.join(timeout=60)

    assert download["status"] == 200
    assert download["size"] == SIZE and download["sha256"] == expected
    assert statuses and set(statuses) == {200}, statuses
    print(f"{len(statuses)} requests during the reload, all 200")
