"""The index built in a child process, or from a file of records, is the index
engine.build writes in the build's own process."""

from __future__ import annotations

import pytest
from search_corpus import TODAY, write_corpus

from cms.search import build, engine
from cms.search.query import parse


@pytest.fixture(scope="module")
def site_and_records(tmp_path_factory):
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    content = tmp_path_factory.mktemp("content")
    write_corpus(content)
    site = assemble(read_content(content), TODAY, "测试")
    return site, list(all_records(site))


def _answers(directory):
    index = engine.SearchIndex(directory)
    try:
        return {
            q: [(hit.data["url"], round(hit.score, 6)) for hit in found.hits]
            for q in ("许继电源", "质量", "yuncheng", "海尔")
            for found in [index.search(parse(q), engine.Filters(), TODAY, limit=50)]
        }
    finally:
        index.close()


def _files(directory):
    """The side files and shells as they are; whoosh's files (named after a random
    segment id) by the answers they give."""
    found = {
        path.name: path.read_bytes()
        for path in sorted(directory.iterdir())
        if "gongshi_" not in path.name and not path.name.endswith(".lock")
    }
    return found, _answers(directory)


def test_a_child_process_builds_the_same_index(site_and_records, tmp_path):
    _, records = site_and_records
    engine.build(tmp_path / "here", records, {"a.json": [1]})
    running = build.start(engine.build, tmp_path / "child", records, {"a.json": [1]})
    assert running.wait() == len(records)
    assert _files(tmp_path / "child") == _files(tmp_path / "here")
    assert sum(map(len, _answers(tmp_path / "here").values())) > 5


def test_from_a_records_file(site_and_records, tmp_path):
    _, records = site_and_records
    engine.build(tmp_path / "here", records, {})
    build.save(tmp_path / "records.pickle", records, {})
    build.main([str(tmp_path / "records.pickle"), str(tmp_path / "from-file")])
    assert _files(tmp_path / "from-file") == _files(tmp_path / "here")


def test_a_failure_in_the_child_is_raised(site_and_records, tmp_path):
    _, records = site_and_records
    (tmp_path / "exists").mkdir()  # engine.build refuses a directory that exists
    running = build.start(engine.build, tmp_path / "exists", records, {})
    with pytest.raises(RuntimeError, match="FileExistsError"):
        running.wait()


def test_the_site_builds_index_step_in_a_child(site_and_records, tmp_path):
    from gongshi_site.search_records import build_index, start_index_build

    site, records = site_and_records
    shell = "<html>{page.url}</html>"
    render = shell.format_map  # stands in for the templates: the page's URL is enough
    running = start_index_build(site, tmp_path / "child", lambda page: render({"page": page}))
    assert build_index(site, tmp_path / "here", lambda page: render({"page": page})) == len(records)
    assert running.wait() == len(records)
    assert _files(tmp_path / "child") == _files(tmp_path / "here")
