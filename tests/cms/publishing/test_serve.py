"""The demo's web server for the built site: the newest build, 404 and 410 pages."""

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attachment_samples as samples
import pytest

from gongshi.headers import ATTACHMENT_HEADERS, PUBLIC_HEADERS
from gongshi_site.serve import SiteRequestHandler


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


@pytest.fixture
def proxying_server(tmp_path):
    """The demo's server on a one-page build, forwarding /report/ to RecordingCMS; its port."""
    make_build(tmp_path, "1", "首页")
    RecordingCMS.received = []
    cms = ThreadingHTTPServer(("127.0.0.1", 0), RecordingCMS)
    threading.Thread(target=cms.serve_forever, daemon=True).start()
    handler = partial(
        SiteRequestHandler, site_dir=tmp_path, cms_url=f"http://127.0.0.1:{cms.server_address[1]}"
    )
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield site.server_address[1]
    site.shutdown()
    cms.shutdown()
    cms.server_close()


def test_report_paths_are_forwarded_to_the_cms_and_nothing_else(proxying_server):
    base = f"http://127.0.0.1:{proxying_server}"
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
    assert forwarded["Host"] == f"127.0.0.1:{proxying_server}"  # the site's origin
    assert not {"X-Forwarded-For", "X-Real-Ip", "Forwarded"} & set(forwarded)
    assert get(base + "/") == (200, "首页")
    assert get(base + "/reporting-not-proxied/")[0] == 404


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


# --- Attachments: downloads, whatever they hold (ADR 23) ---------------------------------


def test_every_attachment_is_served_as_a_download_under_a_sandbox(server):
    site_dir, base = server
    port = int(base.rsplit(":", 1)[1])
    for path, content in samples.write_served(site_dir / "live").items():
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200 and response.read() == content, path
        for name, value in ATTACHMENT_HEADERS:
            assert response.headers.get_all(name) == [value], (path, name)
        connection.close()
    # the site's pages keep the site's policy; a missing attachment gets the 404 page
    for path in ("/", "/attachments/404/missing.pdf"):
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert "Content-Disposition" not in response.headers, path
        assert (
            response.headers["Content-Security-Policy"]
            == dict(PUBLIC_HEADERS)["Content-Security-Policy"]
        )
        connection.close()


# --- Requests the demo server must survive -----------------------------------------------


def raw_request(port: int, request: bytes, timeout: float = 5) -> bytes:
    """Send `request` as it is and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        started = time.monotonic()
        while chunk := connection.recv(65536):
            answer += chunk
            assert time.monotonic() - started < timeout, "the server is still reading"
        return answer


@pytest.mark.parametrize("segment", ["a" * 256, "名" * 200, "x" * 5000, "%00", "a%00b"])
def test_a_path_the_file_system_cannot_hold_gets_the_404_page(proxying_server, segment):
    answer = raw_request(proxying_server, f"GET /notices/{segment}/ HTTP/1.0\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 404") and "页面不存在".encode() in answer
    assert raw_request(proxying_server, b"GET / HTTP/1.0\r\n\r\n").endswith("首页".encode())


@pytest.mark.parametrize("length", ["-5", "abc", "1e3", "", " ", "99999999999999999999", "+3"])
def test_a_bad_content_length_gets_a_400_not_a_hang(proxying_server, length):
    request = f"POST /report/ HTTP/1.0\r\nContent-Length: {length}\r\n\r\nabc".encode()
    answer = raw_request(proxying_server, request)
    assert answer.startswith(b"HTTP/1.0 400") and "Content-Length 无效".encode() in answer
    assert RecordingCMS.received == []  # nothing reached the CMS
    assert raw_request(proxying_server, b"GET / HTTP/1.0\r\n\r\n").endswith("首页".encode())
