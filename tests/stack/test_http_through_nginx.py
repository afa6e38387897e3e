"""What nginx itself answers on the production stack: types, validators, compression,
caching, HTTPS, the 410 of a withdrawn item without a reload, the report intake."""

import os
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from stack_support import REPOSITORY, fetch, stack_shell, wait_for

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.stack


def test_plain_http_is_redirected_to_https(site):
    https = urlsplit(site)
    http_port = int(os.environ.get("GONGSHI_STACK_HTTP_PORT", "9580"))
    answer = fetch(f"http://{https.hostname}:{http_port}/notices/?a=1")
    assert answer.status == 301
    assert answer.headers["location"] == f"{site}/notices/?a=1"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/feeds/all.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/all.rss", "application/rss+xml; charset=utf-8"),
        ("/theme/css/site.css", "text/css; charset=utf-8"),
    ],
)
def test_static_files_have_types_validators_compression_and_short_caching(site, path, content_type):
    answer = fetch(site + path, {"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["content-type"] == content_type
    assert answer.headers["content-encoding"] == "gzip"
    # The build's own .gz copy (gzip_static), not compressed per request: a strong ETag.
    assert not answer.headers["etag"].startswith("W/")
    assert "Accept-Encoding" in answer.headers["vary"]
    assert answer.headers["etag"] and answer.headers["last-modified"]
    assert re.fullmatch(r"public, max-age=\d+", answer.headers["cache-control"])
    assert int(answer.headers["cache-control"].rpartition("=")[2]) <= 3600
    # A cache that asks again with the validator gets a 304 and no body.
    again = fetch(site + path, {"If-None-Match": answer.headers["etag"], "Accept-Encoding": "gzip"})
    assert again.status == 304 and again.body == b""


def test_hashed_static_files_are_kept_a_year_and_the_admin_sees_its_headers(site):
    login = fetch(f"{site}/admin/login/")
    assert login.status == 200
    assert login.headers["x-content-type-options"] == "nosniff"
    hashed = re.findall(r'/static/[^"?]+\.[0-9a-f]{12}\.(?:css|js)', login.text())
    assert hashed, "the admin links its static files by hashed names"
    answer = fetch(site + hashed[0])
    assert answer.status == 200
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_a_withdrawn_item_answers_410_as_soon_as_its_build_is_live(site):
    before = fetch(f"{site}/notices/")
    notice = stack_shell(
        """
import json
from cms.notices.models import PublicityNoticePage
from cms.publishing.withdrawals import withdraw
page = PublicityNoticePage.objects.live().order_by("-pk").last()
page.unpublish()
withdraw(page, "测试：误发布，已撤回。")
print(json.dumps({"id": page.pk, "title": page.title}))
"""
    )
    url = f"{site}/notices/{notice['id']}/"
    gone, seconds = wait_for(lambda: (a := fetch(url)).status == 410 and a, what="the 410")
    print(f"withdrawn → 410 through nginx in {seconds:.1f} s")
    assert "测试：误发布，已撤回。" in gone.text()  # the page says why
    assert gone.headers["content-type"] == "text/html; charset=utf-8"
    for variant in (f"/notices/{notice['id']}", f"/notices/{notice['id']}/index.html"):
        assert fetch(site + variant).status == 410, variant
    assert fetch(f"{site}/notices/").status == 200  # the listing itself is not gone

    # The build rewrote the listing: its validators changed, so caches fetch it again.
    after = fetch(f"{site}/notices/")
    assert after.headers["etag"] != before.headers["etag"]
    assert parsedate_to_datetime(after.headers["last-modified"]) >= parsedate_to_datetime(
        before.headers["last-modified"]
    )
    assert notice["title"] not in after.text()
    stale = fetch(f"{site}/notices/", {"If-None-Match": before.headers["etag"]})
    assert stale.status == 200


def test_missing_pages_get_the_sites_404(site):
    answer = fetch(f"{site}/notices/999999/")
    assert answer.status == 404
    assert "<html" in answer.text()


def test_a_citizen_reports_through_nginx(site, new_page):
    citizen = new_page()
    citizen.goto(f"{site}/reporting/")
    citizen.get_by_role("link", name="在线举报").first.click()
    expect(citizen.get_by_role("heading", name="在线举报", level=1)).to_be_visible()
    assert citizen.url.startswith(f"{site}/report/")
    citizen.get_by_label("评选项目").select_option(label="运城市市长质量奖")
    citizen.get_by_label("被举报单位或个人").fill("【示例】某公司")
    citizen.get_by_label("举报内容").fill(f"经由 nginx 提交的测试举报 {datetime.now():%H%M%S}。")
    citizen.get_by_label("姓名", exact=True).fill("测试")
    citizen.get_by_label("联系电话").fill("13900000000")
    citizen.get_by_role("button", name="加密提交").click()
    expect(citizen.get_by_role("heading", name="举报已加密提交")).to_be_visible()
    receipt = citizen.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"([0-9A-Z]{4}-){7}[0-9A-Z]{4}", receipt)
    # nginx wrote no line about it: the intake's requests are not logged.
    assert "/report/" not in (REPOSITORY / "var" / "stack" / "logs" / "access.log").read_text()
