"""Security headers on every response: the CMS's (by path), the demo's site server's and
the search service's, and the nginx snippets that must say the same as
gongshi/headers.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from functools import partial
from http.client import HTTPConnection
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from cms.security.middleware import policy_for
from gongshi import headers

REPOSITORY = Path(__file__).resolve().parents[3]
SNIPPETS = REPOSITORY / "deploy" / "nginx" / "snippets"
ADD_HEADER = re.compile(r'^add_header (\S+) "([^"]*)" always;$', re.MULTILINE)
HIDDEN = re.compile(r"^proxy_hide_header (\S+);$", re.MULTILINE)


def added_headers(snippet: str) -> dict[str, str]:
    text = (SNIPPETS / snippet).read_text(encoding="utf-8")
    found = ADD_HEADER.findall(text)
    assert len(found) == len(dict(found)), "a header is added twice"
    return dict(found)


def test_the_public_nginx_snippet_says_what_headers_py_says():
    assert added_headers("public-headers.conf") == {
        **dict(headers.PUBLIC_HEADERS),
        "Strict-Transport-Security": headers.HSTS,
    }
    hidden = HIDDEN.findall((SNIPPETS / "public-headers.conf").read_text(encoding="utf-8"))
    assert set(hidden) == {name for name, _ in headers.PUBLIC_HEADERS}


def test_the_attachment_nginx_snippet_says_what_headers_py_says():
    assert added_headers("attachment-headers.conf") == {
        **dict(headers.ATTACHMENT_HEADERS),
        "Strict-Transport-Security": headers.HSTS,
    }
    assert headers.ATTACHMENT_HEADERS[0] == ("Content-Disposition", "attachment")
    directives = dict(part.partition(" ")[::2] for part in headers.ATTACHMENT_CSP.split("; "))
    assert directives == {"default-src": "'none'", "frame-ancestors": "'none'", "sandbox": ""}


def test_the_cms_nginx_snippet_adds_only_what_is_the_same_on_every_cms_page():
    snippet = (SNIPPETS / "admin-headers.conf").read_text(encoding="utf-8")
    assert added_headers("admin-headers.conf") == dict(headers.CMS_EDGE_HEADERS)
    assert set(HIDDEN.findall(snippet)) == {name for name, _ in headers.CMS_EDGE_HEADERS}
    # X-Real-IP is set once, by each location's proxy settings; twice would be two headers
    assert not re.search(r"^proxy_set_header", snippet, re.MULTILINE)


def test_the_production_hsts_is_the_one_nginx_sends():
    assert headers.HSTS == f"max-age={365 * 24 * 3600}; includeSubDomains; preload"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_snippets(tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log stderr;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};
    fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};
    server {{
        listen 127.0.0.1:9699;
        location / {{ root {tmp_path}; include {SNIPPETS}/public-headers.conf; }}
        location /search/ {{ proxy_pass http://127.0.0.1:9698; include {SNIPPETS}/public-headers.conf; }}
        location /admin/ {{ proxy_pass http://127.0.0.1:9697; include {SNIPPETS}/admin-headers.conf; }}
        location /attachments/ {{ root {tmp_path}; include {SNIPPETS}/attachment-headers.conf; }}
    }}
}}
"""
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("policy", "inline"),
    [(headers.PUBLIC_CSP, False), (headers.ADMIN_CSP, True)],
)
def test_policies_allow_no_other_origin_no_plugin_and_no_framing(policy, inline):
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "base-uri" in directives
    for value in directives.values():
        assert "http" not in value and "*" not in value  # no other origin
        assert "unsafe-eval" not in value
    assert ("'unsafe-inline'" in directives["script-src"]) is inline


def test_the_cms_chooses_the_policy_by_path(settings):
    assert policy_for("/admin/pages/", None) == headers.ADMIN_CSP
    assert policy_for("/report/", "DENY") == headers.PUBLIC_CSP
    assert policy_for("/report/status/", "DENY") == headers.PUBLIC_CSP
    # Wagtail's preview is framed by its own admin (X-Frame-Options: SAMEORIGIN)
    framed = policy_for("/admin/pages/3/edit/preview/", "SAMEORIGIN")
    assert framed == headers.ADMIN_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "policy", "referrer"),
    [
        ("/admin/login/", headers.ADMIN_CSP, "same-origin"),
        ("/api/v2/pages/", headers.ADMIN_CSP, "same-origin"),
        ("/report/", headers.PUBLIC_CSP, "same-origin"),
        ("/report/status/", headers.PUBLIC_CSP, "same-origin"),
        ("/no-such-page/", headers.ADMIN_CSP, "same-origin"),
    ],
)
def test_every_cms_response_carries_the_headers(client, path, policy, referrer):
    response = client.get(path)
    assert response["Content-Security-Policy"] == policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == referrer
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == headers.PERMISSIONS_POLICY


# --- The demo's site server and the search service ---------------------------------------


@pytest.fixture
def demo_server(tmp_path):
    """gongshi_site.serve on a tiny built site (no search index: the search pages answer
    503, with the same headers)."""
    from gongshi.search.service import SearchService
    from gongshi_site.serve import SiteRequestHandler

    output = tmp_path / "builds" / "one" / "output"
    output.mkdir(parents=True)
    (output / "index.html").write_text("<!DOCTYPE html><title>首页</title>", encoding="utf-8")
    (output / "404.html").write_text("<!DOCTYPE html><title>未找到</title>", encoding="utf-8")
    (tmp_path / "live").symlink_to(output.relative_to(tmp_path))
    handler = partial(SiteRequestHandler, site_dir=tmp_path, search=SearchService(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "path", ["/", "/index.html", "/missing/", "/search/?q=钢管", "/verify.json"]
)
def test_the_demo_server_and_search_service_send_the_public_headers_once(demo_server, path):
    connection = HTTPConnection("127.0.0.1", demo_server, timeout=10)
    connection.request("GET", quote(path, safe="/?=&"))
    response = connection.getresponse()
    response.read()
    for name, value in headers.PUBLIC_HEADERS:
        assert response.headers.get_all(name) == [value], name
    connection.close()


# --- No inline script or style anywhere the public policy applies -------------------------

INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)
PUBLIC_TEMPLATES = [
    *sorted((REPOSITORY / "themes" / "gongshi" / "templates").glob("*.html")),
    *sorted((REPOSITORY / "gongshi" / "search" / "templates").glob("*.html")),
    *sorted(
        (REPOSITORY / "cms" / "supervision" / "jinja2" / "supervision" / "public").glob("*.html")
    ),
]
BUILT_PAGES = sorted((REPOSITORY / "tests" / "site" / "expected").rglob("*.html"))


@pytest.mark.parametrize(
    "path", PUBLIC_TEMPLATES + BUILT_PAGES, ids=lambda path: str(path.relative_to(REPOSITORY))
)
def test_public_pages_have_no_inline_script_style_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE.search(text), INLINE.search(text).group(0)


def test_the_search_fallback_shell_has_nothing_inline():
    from gongshi.search import render

    assert not INLINE.search(render.FALLBACK_SHELL)
    assert not INLINE.search(render.unavailable_page(None, "x"))
