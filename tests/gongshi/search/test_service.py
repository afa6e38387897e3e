"""The search service over a site built the way production builds it (export directory,
the real Pelican in a subprocess, atomic swap): bad input, its pages, and switching to a
new index atomically."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from search_corpus import REVOKED, XUJI, write_corpus

from gongshi.search.service import SearchService
from gongshi_site import atomic

TODAY = date(2024, 6, 12)


def build(site_dir: Path, change=None) -> atomic.BuildResult:
    def write_content(directory: Path) -> int:
        write_corpus(directory)
        if change:
            change(directory)
        return 1

    return atomic.build_site(
        site_dir, write_content, timeout=120, environment={"GONGSHI_BUILD_DATE": "2024-06-12"}
    )


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    build(site_dir)
    return site_dir


@pytest.fixture(scope="module")
def app(site_dir):
    return SearchService(site_dir, today=lambda: TODAY)


def call(app, path: str, params: dict | None = None, method="GET", raw_query=None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": raw_query if raw_query is not None else urlencode(params or {}),
    }
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(app(environ, start_response)).decode("utf-8")
    return answer["status"], answer["headers"], body


def test_the_build_writes_the_index_beside_the_output_not_in_it(site_dir):
    live = (site_dir / "live").resolve()
    assert (live.parent / "search" / "READY").is_file()
    assert not (live / "search").exists() and not (live / "verify").exists()
    # the header's search box and verification link are on every static page
    home = (live / "index.html").read_text(encoding="utf-8")
    assert 'action="/search/"' in home and 'href="/verify/"' in home


def test_results_page_in_the_sites_theme_without_script(app):
    status, headers, body = call(app, "/search/", {"q": "许继"})
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>搜索：许继 - " in body and 'class="site-header"' in body
    assert "<mark>许继</mark>电源股份有限公司" in body
    assert "<script>" not in body and " style=" not in body
    assert body.count("<h1>") == 1


def test_json_answers(app):
    for path, params in (
        ("/search.json", {"q": XUJI}),
        ("/search/", {"q": XUJI, "format": "json"}),
    ):
        status, headers, body = call(app, path, params)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        answer = json.loads(body)
        assert answer["results"][0]["credit_code"] == XUJI and answer["total"] >= 1


def test_verify_valid_expired_revoked_and_not_found(app):
    valid = json.loads(call(app, "/verify.json", {"q": "许继电源股份有限公司"})[2])
    assert valid["match"] == "exact"
    assert [a["status"] for a in valid["winners"][0]["awards"]] == ["valid"]
    expired = json.loads(call(app, "/verify.json", {"q": "示例市旧时光陶瓷有限公司"})[2])
    assert expired["winners"][0]["awards"][0]["status_since"] == "2023-11-20"
    revoked = json.loads(call(app, "/verify.json", {"q": REVOKED})[2])
    award = revoked["winners"][0]["awards"][0]
    assert award["status"] == "revoked" and award["revocation"]["url"] == "/revocations/33/"

    status, _, page = call(app, "/verify/", {"q": "示例市造假电子有限公司"})
    assert status == 200 and "已撤销：于2020年3月2日被撤销" in page
    assert "发生重大质量安全事故" in page and 'href="/revocations/33/"' in page

    status, _, page = call(app, "/verify/", {"q": "从未获奖科技有限公司"})
    assert status == 200 and "没有找到" in page and "2018年度、2023年度" in page
    assert "不能据此认定" in page and 'href="/reporting/"' in page
    assert "假" not in page.split("核验结果")[1].replace("真假", "")  # never "fake"


BAD = [
    {"q": ""},
    {"q": "许" * 2000},
    {"q": 'AND OR NOT * ? : " ( ) [ ] { } ~ ^'},
    {"q": "\x00\x01\x1b[31m\x7f许继"},
    {"q": "'; DROP TABLE awards; --"},
    {"q": "<script>alert(1)</script>"},
    {"q": '"unbalanced'},
    "q=%ED%A0%80%FF%FE",  # not UTF-8, sent as is
    "q=%E8%AE%B8&q=%E7%BB%A7&page=1&page=2",  # repeated parameters
    {"q": "许继", "page": "abc"},
    {"q": "许继", "page": "99999999"},
    {"q": "许继", "size": "100000"},
    {"q": "许继", "status": "<b>", "kind": "x", "year": "1", "sort": "random"},
    {"q": "91411000MA0000001X"},
]


@pytest.mark.parametrize("params", BAD)
@pytest.mark.parametrize("path", ["/search/", "/search.json", "/verify/", "/verify.json"])
def test_bad_input_gets_an_answer_never_an_error(app, path, params):
    if isinstance(params, str):
        status, _, body = call(app, path, raw_query=params)
    else:
        status, _, body = call(app, path, params)
    assert status == 200, body
    assert "Traceback" not in body
    if not path.endswith(".json"):
        assert "<script>alert" not in body  # escaped: &lt;script&gt;
    else:
        answer = json.loads(body)
        assert len(answer.get("results", answer.get("winners", []))) <= 50


def test_bad_input_messages(app):
    long = json.loads(call(app, "/search.json", {"q": "许" * 2000})[2])
    assert "过长" in long["message"] and long["results"] == []
    empty = json.loads(call(app, "/search.json", {"q": ""})[2])
    assert "请输入" in empty["message"]
    paged = json.loads(call(app, "/search.json", {"q": "许继", "page": "999"})[2])
    assert paged["page"] == 50 and any("前50页" in note for note in paged["notes"])
    odd = json.loads(call(app, "/search.json", {"q": "许继", "status": "<b>"})[2])
    assert any("不认识的状态" in note for note in odd["notes"])
    _, _, page = call(app, "/search/", {"q": "<script>alert(1)</script>"})
    assert "&lt;script&gt;" in page


def test_what_the_service_refuses(app):
    assert call(app, "/search/", {"q": "x"}, method="POST")[0] == 405
    assert call(app, "/admin/")[0] == 404
    status, _, body = call(app, "/search.json", raw_query="q=" + "a" * 10_000)
    assert status == 200 and "过长" in json.loads(body)["message"]


@pytest.mark.parametrize("path", ["/search/", "/search.json", "/verify/", "/verify.json"])
@pytest.mark.parametrize("count", [21, 50, 1000])
def test_more_than_twenty_parameters_get_a_400_in_chinese(app, path, count):
    raw = "&".join(f"p{n}=x" for n in range(count - 1)) + "&q=%E8%AE%B8%E7%BB%A7"
    status, _headers, body = call(app, path, raw_query=raw)
    assert status == 400, body
    message = json.loads(body)["message"] if path.endswith(".json") else body
    assert "请求的参数过多（最多20个）" in message
    status, _, body = call(app, path, raw_query=raw + "&format=json")
    assert status == 400 and "参数过多" in json.loads(body)["message"]
    status, _, _ = call(app, path, raw_query="&".join(f"p{n}=x" for n in range(19)) + "&q=x")
    assert status == 200  # twenty are answered


def test_before_any_build_it_says_search_is_not_ready(tmp_path):
    status, _, body = call(SearchService(tmp_path), "/search/", {"q": "许继"})
    assert status == 503 and "尚未生成" in body


def test_a_new_build_switches_the_index_atomically(tmp_path):
    site_dir = tmp_path / "site"
    build(site_dir)
    app = SearchService(site_dir, today=lambda: TODAY)
    # Asked twice: the second answer is the old index's remembered one.
    for _ in range(2):
        assert json.loads(call(app, "/search.json", {"q": "新增获奖"})[2])["total"] == 0
    old_index, _ = app.live.current()

    def add_winner(directory: Path) -> None:
        path = directory / "decisions" / "32.md"
        path.write_text(
            path.read_text(encoding="utf-8").replace("王示范", "新增获奖王示范"), encoding="utf-8"
        )

    # A build that fails half-way leaves the old site and index in service...
    def break_it(directory: Path) -> None:
        (directory / "decisions" / "32.md").write_text("{not json", encoding="utf-8")

    with pytest.raises(atomic.BuildFailed):
        build(site_dir, break_it)
    assert app.live.current()[0] is old_index

    # ...a finished one is served from the next request, index and site together.
    result = build(site_dir, add_winner)
    answer = json.loads(call(app, "/search.json", {"q": "新增获奖"})[2])
    assert answer["total"] >= 1 and answer["results"][0]["title"] == "新增获奖王示范"
    new_index, _ = app.live.current()
    assert new_index is not old_index and new_index.directory == result.output.parent / "search"

    # An index directory that was never finished (no READY) is never opened.
    unfinished = site_dir / "builds" / "unfinished"
    (unfinished / "output").mkdir(parents=True)
    (unfinished / "search").mkdir()
    os.replace(_symlink(site_dir, "builds/unfinished/output"), site_dir / "live")
    status, _, _ = call(app, "/search.json", {"q": "许继"})
    assert status == 503


def _symlink(site_dir: Path, target: str) -> Path:
    staging = site_dir / ".test-live"
    staging.symlink_to(target)
    return staging
