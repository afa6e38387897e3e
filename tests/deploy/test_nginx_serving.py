"""What the shipped nginx configuration sends, asked of a real nginx: deploy/nginx/
gongshi.conf rendered as deploy/stack renders it (paths and ports only), run as a private
master on this machine over a tiny built site, without the CMS or the search service
behind it. Every attachment is a download under a sandbox, whatever it holds; the site's
pages keep their own policy."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from http.client import HTTPSConnection
from pathlib import Path

import attachment_samples as samples
import pytest
from ports import free_port

from gongshi import headers

REPOSITORY = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")


@pytest.fixture
def nginx(tmp_path, stack):
    """(port, live output directory) of a private nginx serving the shipped server block."""
    config = {
        "https_port": free_port(),
        "http_port": free_port(),
        "cms_port": free_port(),  # nothing listens: only the built site is asked for
        "search_port": free_port(),
    }
    for folder in ("nginx/temp", "logs", "tls"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    stack.self_signed_certificate()
    output = tmp_path / "site" / "builds" / "1" / "output"
    output.mkdir(parents=True)
    (output / "index.html").write_text("<!DOCTYPE html><title>首页</title>", encoding="utf-8")
    (output / "404.html").write_text("<!DOCTYPE html><title>页面不存在</title>", encoding="utf-8")
    (tmp_path / "site" / "withdrawn").mkdir()
    (tmp_path / "site" / "live").symlink_to("builds/1/output")
    shipped = (REPOSITORY / "deploy" / "nginx" / "gongshi.conf").read_text()
    (tmp_path / "nginx" / "gongshi.conf").write_text(stack.rendered(shipped, config))
    (tmp_path / "nginx" / "nginx.conf").write_text(stack.nginx_main_config(config))
    process = subprocess.Popen(
        ["nginx", "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf"),
         "-e", str(tmp_path / "logs" / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", config["https_port"]), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield config["https_port"], output
    finally:
        process.terminate()
        process.wait(timeout=15)


def get(port: int, path: str):
    connection = HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=ssl._create_unverified_context()
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_every_attachment_is_a_download_under_a_sandbox(nginx):
    port, output = nginx
    for path, content in samples.write_served(output).items():
        response, body = get(port, path)
        assert response.status == 200 and body == content, path
        for name, value in headers.ATTACHMENT_HEADERS:
            assert response.headers.get_all(name) == [value], (path, name)
        assert response.headers["Strict-Transport-Security"] == headers.HSTS


def test_the_sites_pages_and_a_missing_attachment_keep_the_sites_policy(nginx):
    port, _output = nginx
    public_csp = dict(headers.PUBLIC_HEADERS)["Content-Security-Policy"]
    for path, status in (("/", 200), ("/attachments/404/missing.pdf", 404)):
        response, body = get(port, path)
        assert response.status == status, path
        assert "Content-Disposition" not in response.headers, path
        assert response.headers.get_all("Content-Security-Policy") == [public_csp], path
    assert "页面不存在".encode() in body
