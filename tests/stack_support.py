"""Helpers of the tests against the production stack (tests/stack/), importable by name."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
STACK = REPOSITORY / "deploy" / "stack"


def stack_url() -> str | None:
    return os.environ.get("GONGSHI_STACK_URL", "").rstrip("/") or None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.body).decode()
        return self.body.decode()


def fetch(url: str, headers: dict | None = None, method: str = "GET") -> Answer:
    """One request through nginx, without following redirects; the stack's certificate is
    its own self-signed one."""
    context = ssl._create_unverified_context()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect())
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=30) as answer:
            return Answer(answer.status, _lower(answer.headers), answer.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers), error.read())


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


class Citizen:
    """One browser from one address of 127.0.0.0/8 (Linux delivers the whole block on
    the loopback interface; nginx sees it as the client's address): one TLS connection,
    its cookies kept. `request` answers (status, headers, text)."""

    def __init__(self, host: str, port: int, address: str):
        context = ssl._create_unverified_context()  # the stack's own self-signed certificate
        self.connection = http.client.HTTPSConnection(
            host, port, context=context, timeout=120, source_address=(address, 0)
        )
        self.origin = f"https://{host}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None) -> tuple[int, dict, str]:
        headers = {**(headers or {}), "Host": urllib.parse.urlsplit(self.origin).netloc}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        for value in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = answer.read().decode("utf-8", "replace")
        return answer.status, _lower(answer.headers), text

    def close(self):
        self.connection.close()


def loopback_address() -> str:
    """An address of 127.0.0.0/8 other than 127.0.0.1, at random: a client of its own for
    nginx's and the CMS's per-address limits."""
    number = random.randrange(1 << 16, 254 << 16)
    return f"127.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def wait_for(check, timeout: float = 180, interval: float = 1.0, what: str = "the change"):
    """Poll `check()` until it returns something true; returns it and the seconds waited."""
    started = time.monotonic()
    while True:
        result = check()
        if result:
            return result, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what} did not show within {timeout:.0f} seconds")
        time.sleep(interval)


def stack_shell(code: str) -> dict:
    """Run Python in the stack's CMS (manage.py shell with its environment); the code
    prints one JSON object as its last line."""
    finished = subprocess.run(
        [str(STACK / "manage"), "shell", "-c", code],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def new_draft_notice() -> dict:
    """A new draft publicity notice for one test: a copy of the demo's draft under a title
    of its own, as an editor would start it; the people's part happens in the browser."""
    return stack_shell(
        """
import json, secrets
from cms.demo.loader import DRAFT_MARK
from cms.notices.models import PublicityNoticePage
draft = PublicityNoticePage.objects.filter(title__contains=DRAFT_MARK).order_by("pk").first()
token = secrets.token_hex(3)
title = draft.title.replace(DRAFT_MARK, "") + f"（第{token}批）"
copy = draft.copy(
    update_attrs={"title": DRAFT_MARK + title, "slug": f"{draft.slug}-{token}"}, keep_live=False
)
print(json.dumps({"id": copy.pk, "title": title, "draft_title": copy.title,
                  "entries": [entry.name for entry in copy.entries.all()]}))
"""
    )
