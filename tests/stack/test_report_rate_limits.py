"""nginx's limit_req in front of the report intake (deploy/nginx/gongshi.conf), attacked
through the stack: one address hammering the complainant's status page, or the form, is
answered 429 by nginx with its Chinese page before the CMS does the work, while a
complainant at another address still looks up a case with the correct receipt, and
nothing writes the hammering address down."""

from __future__ import annotations

import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from stack_support import REPOSITORY, Citizen, loopback_address

pytestmark = pytest.mark.stack

NGINX_REFUSAL = "请求过于频繁"
WRONG_RECEIPT = "0000-0000-" + "-".join(["ABCD"] * 6)


def citizen(site: str, address: str | None = None) -> Citizen:
    parts = urllib.parse.urlsplit(site)
    return Citizen(parts.hostname, parts.port or 443, address or loopback_address())


def form_fields(page: str) -> dict:
    return {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1],
    }


def post(browser: Citizen, path: str, fields: dict):
    return browser.request(
        "POST",
        path,
        body=urllib.parse.urlencode(fields).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": browser.origin,
        },
    )


def submit_report(site: str) -> str:
    """A report through the real form; its receipt."""
    browser = citizen(site)
    status, _, page = browser.request("GET", "/report/")
    assert status == 200
    select = re.search(r'<select name="programme".*?</select>', page, re.S)[0]
    fields = {
        **form_fields(page),
        "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
        "programme": re.findall(r'<option value="(\d+)"', select)[0],
        "subject": "限流测试单位",
        "text": "限流测试：事实经过。",
        "anonymous": "on",
    }
    status, _, answer = post(browser, "/report/", fields)
    assert status == 200, answer[-2000:]
    return re.search(r'id="receipt-code">([0-9A-Z-]+)<', answer)[1]


def look_up(browser: Citizen, receipt: str):
    status, _, page = browser.request("GET", "/report/status/")
    if status != 200:
        return status, page
    status, _, answer = post(
        browser, "/report/status/", {**form_fields(page), "receipt": receipt, "answer": ""}
    )
    return status, answer


def test_hammering_the_status_page_is_refused_by_nginx_not_the_complainant(site):
    receipt = submit_report(site)
    attacker = loopback_address()
    hammer = citizen(site, attacker)
    answers = [look_up(hammer, WRONG_RECEIPT) for _ in range(15)]
    statuses = [status for status, _ in answers]
    refused = [page for status, page in answers if status == 429 and NGINX_REFUSAL in page]
    # Six lookups at once at most (burst 5, 6 a minute): the rest never reach the CMS.
    assert len(refused) >= 8, statuses
    assert statuses.count(404) <= 6, statuses  # the CMS's "回执码不正确"
    status, headers, page = hammer.request("GET", "/report/status/")
    assert status == 429 and NGINX_REFUSAL in page
    assert headers["retry-after"] == "60" and headers["cache-control"] == "no-store"
    assert "default-src 'self'" in headers["content-security-policy"]
    # The hammering address is refused with the correct receipt too; another is not.
    assert look_up(hammer, receipt)[0] == 429
    status, page = look_up(citizen(site), receipt)
    assert status == 200 and "已收到" in page and receipt in page
    # Neither nginx's logs nor the CMS's hold the address that was refused.
    for log in (REPOSITORY / "var" / "stack" / "logs").glob("*.log"):
        assert attacker not in log.read_text(errors="replace"), log.name


def test_hammering_the_report_form_is_refused_by_nginx(site):
    """40 connections at once from one address: at most 21 reach the CMS (burst 20)."""
    attacker = loopback_address()

    def open_form(_):
        return citizen(site, attacker).request("GET", "/report/")

    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(open_form, range(40)))
    statuses = [status for status, _, _ in answers]
    assert 1 <= statuses.count(200) <= 21 + 2, statuses  # + what drained meanwhile
    assert all(NGINX_REFUSAL in page for status, _, page in answers if status == 429)
    assert statuses.count(200) + statuses.count(429) == 40, statuses
    status, _, page = citizen(site).request("GET", "/report/")
    assert status == 200 and 'name="form_token"' in page
