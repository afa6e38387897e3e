"""The demo's web server for the built site: the newest build, 404 and 410 pages."""

import json
import threading
import urllib.error
import urllib.request
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cms.publishing.serve import SiteRequestHandler


def make_build(site_dir, name, home_text, withdrawn=()):
    output = site_dir / "builds" / name / "output"
    (output / "notices" / "7").mkdir(parents=True)
    (output / "index.html").write_text(home_text, encoding="utf-8")
    (output / "404.html").write_text("页面不存在", encoding="utf-8")
    (output / "notices" / "7" / "index.html").write_text("该信息已撤回", encoding="utf-8")
    (output / "withdrawn.json").write_text(
        json.dumps([{"path": path} for path in withdrawn]), encoding="utf-8"
    )
    live = site_dir / "live"
    if live.is_symlink():
        live.unlink()
    live.symlink_to(output.relative_to(site_dir))


@pytest.fixture
def server(tmp_path):
    make_build(tmp_path, "1", "第一版", withdrawn=["/notices/7/"])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteRequestHandler, site_dir=tmp_path))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_it_serves_the_live_build_and_follows_a_swap(server):
    site_dir, base = server
    assert get(base + "/") == (200, "第一版")
    make_build(site_dir, "2", "第二版")
    assert get(base + "/") == (200, "第二版")


def test_missing_pages_get_the_sites_404_and_withdrawn_ones_410(server):
    _, base = server
    assert get(base + "/nowhere/") == (404, "页面不存在")
    assert get(base + "/notices/7/") == (410, "该信息已撤回")
    assert get(base + "/notices/7") == (410, "该信息已撤回")


def test_before_the_first_build_it_says_so(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteRequestHandler, site_dir=tmp_path))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        status, text = get(f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
    assert status == 503 and "首次构建" in text


def test_feeds_are_served_with_their_types(server):
    site_dir, base = server
    feeds = site_dir / "live" / "feeds"
    feeds.mkdir()
    for name in ("all.atom", "all.rss"):
        (feeds / name).write_text("<?xml version='1.0'?><feed/>", encoding="utf-8")
    for name, kind in (("all.atom", "application/atom+xml"), ("all.rss", "application/rss+xml")):
        with urllib.request.urlopen(f"{base}/feeds/{name}") as response:
            assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"


class RecordingCMS(BaseHTTPRequestHandler):
    """Stands in for the CMS behind the proxy and remembers what reached it."""

    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RecordingCMS.received.append((self.command, self.path, dict(self.headers), body))
        self.send_response(403)
        self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        self.send_header("Set-Cookie", "other=1; Path=/")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write("表单已过期".encode())

    def log_message(self, *args):
        pass


def test_report_paths_are_forwarded_to_the_cms_and_nothing_else(tmp_path):
    make_build(tmp_path, "1", "首页")
    cms = ThreadingHTTPServer(("127.0.0.1", 0), RecordingCMS)
    threading.Thread(target=cms.serve_forever, daemon=True).start()
    handler = partial(
        SiteRequestHandler, site_dir=tmp_path, cms_url=f"http://127.0.0.1:{cms.server_address[1]}"
    )
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        body = "举报内容".encode() * 1000
        request = urllib.request.Request(f"{base}/report/?programme=yuncheng", data=body)
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, error.headers, error.read().decode()
        assert (status, text) == (403, "表单已过期")
        assert headers.get_all("Set-Cookie") == ["csrftoken=abc; Path=/", "other=1; Path=/"]
        assert headers["Cache-Control"] == "no-store"
        ((method, path, forwarded, received),) = RecordingCMS.received
        assert (method, path, received) == ("POST", "/report/?programme=yuncheng", body)
        assert forwarded["Host"] == f"127.0.0.1:{site.server_address[1]}"  # the site's origin
        assert not {"X-Forwarded-For", "X-Real-Ip", "Forwarded"} & set(forwarded)
        assert get(base + "/") == (200, "首页")
        assert get(base + "/reporting-not-proxied/")[0] == 404
    finally:
        site.shutdown()
        cms.shutdown()
        cms.server_close()


def test_a_stopped_cms_gets_a_clear_message(tmp_path):
    make_build(tmp_path, "1", "首页")
    unused = ThreadingHTTPServer(("127.0.0.1", 0), RecordingCMS)
    port = unused.server_address[1]
    unused.server_close()  # nothing listens there now
    handler = partial(SiteRequestHandler, site_dir=tmp_path, cms_url=f"http://127.0.0.1:{port}")
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        status, text = get(f"http://127.0.0.1:{site.server_address[1]}/report/")
    finally:
        site.shutdown()
    assert status == 502 and "在线举报暂时无法访问" in text
