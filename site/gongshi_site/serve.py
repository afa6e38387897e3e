"""A small web server for the built site on a laptop (`make demo`); nginx in production.

It resolves `<site dir>/live` on every request, so a new build is served as soon as it
is swapped in; answers 410 Gone for items withdrawn as published in error (listed in the
build's withdrawn.json) and serves the site's 404 page for anything missing. /search
and /verify go to the search service (gongshi.search.service), run in this process so the
demo is one origin; in production the web server proxies them to it.

With --cms-url it forwards /report/ (the CMS's confidential intake) to the CMS, as nginx
does in production, so the site and its form share one origin:

    python -m gongshi_site.serve --site-dir var/site --port 8001 --cms-url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gongshi.headers import ATTACHMENT_HEADERS, PUBLIC_HEADERS
from gongshi.search.chinese import warm_up
from gongshi.search.service import SearchService

SEARCH_PATHS = ("/search/", "/search", "/search.json", "/verify/", "/verify", "/verify.json")
ATTACHMENTS = "/attachments/"  # served as downloads (ADR 23)
PROXIED_PREFIX = "/report"
MAX_PROXIED_BODY = 64 * 1024 * 1024
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


class SiteRequestHandler(SimpleHTTPRequestHandler):
    # The feeds' types, whether or not this machine's /etc/mime.types knows them (nginx's
    # mime.types does).
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".atom": "application/atom+xml; charset=utf-8",
        ".rss": "application/rss+xml; charset=utf-8",
    }

    def __init__(
        self,
        *args,
        site_dir: Path,
        search: SearchService | None = None,
        cms_url: str | None = None,
        **kwargs,
    ):
        self.site_dir = site_dir
        self.live = (site_dir / "live").resolve()
        self.search = search
        self.cms_url = cms_url
        self.proxying = False
        self.attachment = False  # the answer is an attachment's file
        super().__init__(*args, directory=str(self.live), **kwargs)

    def do_GET(self):
        if self._is_proxied():
            return self._proxy()
        if self._is_search():
            return self._run_search()
        return super().do_GET()

    def do_HEAD(self):
        if self._is_proxied():
            return self._proxy()
        if self._is_search():
            return self._run_search()
        return super().do_HEAD()

    def do_POST(self):
        if self._is_proxied():
            return self._proxy()
        return self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def _is_search(self) -> bool:
        return self.search is not None and urlsplit(self.path).path in SEARCH_PATHS

    def _run_search(self) -> None:
        """Hand the request to the search service's WSGI application."""
        parts = urlsplit(self.path)
        environ = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(parts.path),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "wsgi.url_scheme": "http",
        }
        answer = {}

        def start_response(status, headers):
            answer["status"], answer["headers"] = status, headers

        body = b"".join(self.search(environ, start_response))
        code, _, _ = answer["status"].partition(" ")
        self.send_response(int(code))
        for name, value in answer["headers"]:
            self.send_header(name, value)
        super().end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _is_proxied(self) -> bool:
        path = urlsplit(self.path).path
        return bool(self.cms_url) and (
            path == PROXIED_PREFIX or path.startswith(PROXIED_PREFIX + "/")
        )

    def _proxy(self):
        """Forward the request to the CMS and its answer back. The Host header is kept,
        so the CMS sees the site's origin; no X-Forwarded-For is added: the intake
        records no address."""
        declared = self.headers.get("Content-Length", "0").strip()
        if not re.fullmatch(r"[0-9]{1,12}", declared):  # empty, negative, not a number, absurd
            self.close_connection = True
            return self._answer(HTTPStatus.BAD_REQUEST, "请求头 Content-Length 无效。")
        length = int(declared)
        if length > MAX_PROXIED_BODY:
            self.close_connection = True
            return self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "提交的内容过大。")
        body = self.rfile.read(length) if length else None
        headers = {
            name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP
        }
        target = urlsplit(self.cms_url)
        connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            upstream = connection.getresponse()
            data = upstream.read()
        except OSError:
            return self._answer(
                HTTPStatus.BAD_GATEWAY, "在线举报暂时无法访问（CMS 未运行），请稍后再试。"
            )
        finally:
            connection.close()
        self.proxying = True
        self.send_response(upstream.status, upstream.reason)
        for name, value in upstream.getheaders():
            if name.lower() not in HOP_BY_HOP | {"date", "server", "content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return None

    def send_head(self):
        if not (self.live / "index.html").is_file():
            return self._page(
                HTTPStatus.SERVICE_UNAVAILABLE, None, "公开站点正在首次构建，请稍后刷新。"
            )
        path = unquote(urlsplit(self.path).path).rstrip("/") + "/"  # as withdrawn.json lists it
        if path in self._withdrawn():
            return self._page(HTTPStatus.GONE, self.live / path.lstrip("/") / "index.html")
        try:
            found = Path(self.translate_path(self.path))
            exists = found.exists()
        except (OSError, ValueError):  # a name longer than the file system allows, a NUL
            exists = False
        if not exists:
            return self._page(HTTPStatus.NOT_FOUND, self.live / "404.html")
        self.attachment = path.startswith(ATTACHMENTS) and found.is_file()
        return super().send_head()

    def end_headers(self):
        if not self.proxying:  # the CMS sets its own
            self.send_header("Cache-Control", "no-cache")
            # The public site's security headers, as nginx sends them in production.
            for name, value in ATTACHMENT_HEADERS if self.attachment else PUBLIC_HEADERS:
                self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass  # the demo's terminal belongs to the CMS's log

    def _withdrawn(self) -> set[str]:
        """Paths of the items withdrawn as published in error, as the build lists them."""
        try:
            items = json.loads((self.live / "withdrawn.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        return {item["path"] for item in items}

    def _answer(self, status: HTTPStatus, text: str) -> None:
        """A short page written at once (send_head's callers copy the body themselves)."""
        body = self._page(status, None, text)
        if self.command != "HEAD":
            self.wfile.write(body.read())

    def _page(self, status: HTTPStatus, page: Path | None, text: str = ""):
        body = page.read_bytes() if page is not None and page.is_file() else text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="在本机提供公开站点（演示用）。")
    parser.add_argument("--site-dir", type=Path, default=Path("var/site"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--cms-url", help="转发 /report/（在线举报）到此 CMS，如 http://127.0.0.1:8000"
    )
    arguments = parser.parse_args(argv)
    arguments.site_dir.mkdir(parents=True, exist_ok=True)
    site_dir = arguments.site_dir.resolve()
    warm_up()  # jieba's dictionary loads in a second: now, not on the first search
    handler = partial(
        SiteRequestHandler,
        site_dir=site_dir,
        search=SearchService(site_dir),
        cms_url=arguments.cms_url,
    )
    server = ThreadingHTTPServer((arguments.host, arguments.port), handler)
    print(
        f"公开站点：http://{arguments.host}:{arguments.port}/ （{os.fspath(arguments.site_dir)}/live）"
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
