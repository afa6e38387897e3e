"""The search service: a plain WSGI application over the index built with the site.

    /search/?q=…[&kind=&programme=&year=&level=&status=&sort=&page=]   results page (HTML)
    /search/?…&format=json, /search.json?…                             the same, as JSON
    /verify/?q=…, /verify.json?q=…                                     award verification
                                        (a certificate's code: /verify/ sends to /v/<code>/)

It reads `<site dir>/live` (a symlink to `builds/<name>/output`) on every request, and
opens that build's index (`builds/<name>/search/`) once, the first time it sees it: the
build wrote the index before the symlink was swapped, so the service switches to a new
index in one step and never sees a half-built one. It never opens the CMS's database.

    python -m gongshi.search.service --site-dir var/site --port 8002

In production it runs under gunicorn (`gongshi.search.service:application`, site directory
from GONGSHI_SITE_DIR) behind the web server, which proxies /search and /verify to it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from gongshi.headers import PUBLIC_HEADERS

from . import answers, chinese, engine, render
from .query import MAX_CHARS

logger = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_QUERY_STRING = 4096  # bytes; far more than any form of ours sends
MAX_FIELDS = 20  # parameters; our forms send at most 9
TOO_MANY_FIELDS = f"请求的参数过多（最多{MAX_FIELDS}个），请从搜索框或获奖核验页面重新查询。"
ROUTES = {
    "/search/": ("search", "html"),
    "/search": ("search", "html"),
    "/search.json": ("search", "json"),
    "/verify/": ("verify", "html"),
    "/verify": ("verify", "html"),
    "/verify.json": ("verify", "json"),
}
# The public site's headers (its pages are the site's pages), whoever serves them.
SECURITY_HEADERS = list(PUBLIC_HEADERS)


def china_today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


class LiveIndex:
    """The index of the build `live` points at, reopened only when `live` moves."""

    def __init__(self, site_dir: Path):
        self.site_dir = Path(site_dir)
        self._lock = threading.Lock()
        self._target: str | None = None
        self._index: engine.SearchIndex | None = None
        self._shells: dict[str, str] = {}

    def current(self) -> tuple[engine.SearchIndex | None, dict[str, str]]:
        try:
            target = os.readlink(self.site_dir / "live")
        except OSError:
            return None, {}
        if target == self._target:
            return self._index, self._shells
        with self._lock:
            if target != self._target:
                self._open(target)
        return self._index, self._shells

    def _open(self, target: str) -> None:
        output = (self.site_dir / target).resolve()
        directory = output.parent / "search"
        index, shells = None, {}
        if engine.is_ready(directory):
            index = engine.SearchIndex(directory)
            for section in ("search", "verify"):
                shell = directory / f"shell-{section}.html"
                if shell.is_file():
                    shells[section] = shell.read_text(encoding="utf-8")
        # The previous searcher is left to the garbage collector: a request may still be
        # reading it, and its files stay readable until then even if the build is pruned.
        self._index, self._shells, self._target = index, shells, target


class SearchService:
    """The WSGI application."""

    def __init__(self, site_dir: Path, today: Callable[[], date] = china_today):
        self.live = LiveIndex(site_dir)
        self.today = today

    def __call__(self, environ, start_response):
        try:
            status, headers, body = self.respond(environ)
        except Exception:  # a bug must not show a stack trace to the public
            logger.exception("search request failed")
            status, headers, body = _plain(
                HTTPStatus.INTERNAL_SERVER_ERROR, "搜索服务出现错误，请稍后再试。"
            )
        start_response(f"{status.value} {status.phrase}", headers + SECURITY_HEADERS)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def respond(self, environ) -> tuple[HTTPStatus, list, bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path not in ROUTES:
            return _plain(HTTPStatus.NOT_FOUND, "没有这个页面。搜索：/search/，获奖核验：/verify/")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            status, headers, body = _plain(HTTPStatus.METHOD_NOT_ALLOWED, "只接受 GET 请求。")
            return status, [*headers, ("Allow", "GET, HEAD")], body
        action, form = ROUTES[path]
        raw_query = environ.get("QUERY_STRING", "")
        if raw_query.count("&") >= MAX_FIELDS:  # parse_qsl's own count of fields
            if form == "json" or "format=json" in raw_query:
                return _json(HTTPStatus.BAD_REQUEST, {"message": TOO_MANY_FIELDS})
            return _plain(HTTPStatus.BAD_REQUEST, TOO_MANY_FIELDS)
        if len(raw_query) > MAX_QUERY_STRING:
            params = {"q": "x" * (MAX_CHARS + 1)}  # answered as too long
        else:
            params = dict(parse_qsl(raw_query, keep_blank_values=True, max_num_fields=MAX_FIELDS))
        params = {key: _text(value) for key, value in params.items()}
        if params.get("format") == "json":
            form = "json"
        index, shells = self.live.current()
        if index is None:
            message = "公开站点的搜索索引尚未生成，请稍后再试。"
            if form == "json":
                return _json(HTTPStatus.SERVICE_UNAVAILABLE, {"message": message})
            page = render.unavailable_page(shells.get(action), message)
            return _html(HTTPStatus.SERVICE_UNAVAILABLE, page)
        today = self.today()
        shell = shells.get(action, render.FALLBACK_SHELL)
        if action == "search":
            request = answers.Request.from_params(params)
            answer = answers.search(index, request, today)
            if form == "json":
                return _json(HTTPStatus.OK, answer)
            programmes = index.extra.get("programmes", [])
            return _html(HTTPStatus.OK, render.search_page(shell, answer, request, programmes))
        answer = answers.verify(index, params.get("q", ""), today)
        if form == "json":
            return _json(HTTPStatus.OK, answer)
        if answer["match"] == "credential":  # a certificate's code: that award's own page
            return _redirect(answer["credential"]["url"])
        return _html(HTTPStatus.OK, render.verify_page(shell, answer))


def _text(value: str) -> str:
    """A parameter as text: lone surrogates from bad UTF-8 dropped."""
    return value.encode("utf-8", "replace").decode("utf-8")[:4096]


def _html(status: HTTPStatus, page: str):
    body = page.encode("utf-8")
    return status, [("Content-Type", "text/html; charset=utf-8"), _length(body), _no_store()], body


def _redirect(path: str):
    """303 to a page of this site: `path` is a site path the build made ("/v/…/")."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(path)
    body = path.encode("utf-8")
    return HTTPStatus.SEE_OTHER, [("Location", path), _length(body), _no_store()], body


def _json(status: HTTPStatus, data: dict):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = [("Content-Type", "application/json; charset=utf-8"), _length(body), _no_store()]
    return status, headers, body


def _plain(status: HTTPStatus, text: str):
    body = text.encode("utf-8")
    return status, [("Content-Type", "text/plain; charset=utf-8"), _length(body)], body


def _length(body: bytes):
    return ("Content-Length", str(len(body)))


def _no_store():
    # Answers depend on the day and on the build: a cache must ask again.
    return ("Cache-Control", "no-cache")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="公开站点的搜索和获奖核验服务。")
    parser.add_argument("--site-dir", type=Path, default=Path("var/site"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    arguments = parser.parse_args(argv)
    chinese.warm_up()
    app = SearchService(arguments.site_dir.resolve())
    server = make_server(
        arguments.host,
        arguments.port,
        app,
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    print(f"搜索服务：http://{arguments.host}:{arguments.port}/search/")
    server.serve_forever()


def _application():
    """For gunicorn: `gunicorn gongshi.search.service:application`."""
    return SearchService(Path(os.environ.get("GONGSHI_SITE_DIR", "var/site")).resolve())


class _LazyApplication:
    def __init__(self):
        self._app = None

    def __call__(self, environ, start_response):
        if self._app is None:
            self._app = _application()
        return self._app(environ, start_response)


application = _LazyApplication()

if __name__ == "__main__":
    main()
