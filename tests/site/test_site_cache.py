"""The content cache saves work and never changes output: cold and warm builds give the
same tree, a changed file is read again, and a damaged or outdated cache is ignored
(site/gongshi_site/cache.py)."""

import json
import marshal

from sitebuild import FIXTURE_CONTENT, build, tree_differences

from gongshi_site.cache import FILE_NAME, ContentCache, file_digest


def _build(tmp_path, name, content, cache):
    output = tmp_path / name
    timings = tmp_path / f"{name}.json"
    environment = {"GONGSHI_BUILD_TIMINGS": str(timings)}
    if cache:
        environment["GONGSHI_CACHE_DIR"] = str(cache)
    finished = build(content, output, extra_environment=environment)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output, json.loads(timings.read_text())


def test_cold_and_warm_builds_give_the_same_tree(tmp_path):
    cache = tmp_path / "cache"
    reference, _ = _build(tmp_path, "uncached", FIXTURE_CONTENT, None)
    cold, cold_report = _build(tmp_path, "cold", FIXTURE_CONTENT, cache)
    warm, warm_report = _build(tmp_path, "warm", FIXTURE_CONTENT, cache)

    assert cold_report["from_cache"] == 0
    assert warm_report["from_cache"] == warm_report["files"] > 5
    assert tree_differences(reference, cold) == []
    assert tree_differences(reference, warm) == []


def test_a_changed_file_is_read_again(tmp_path, content):
    cache = tmp_path / "cache"
    _build(tmp_path, "first", content, cache)
    notice = content / "notices" / "32.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(
        text.rstrip("\n") + "\n\n补充说明：**公示期间**接受监督。\n", encoding="utf-8"
    )

    warm, report = _build(tmp_path, "warm", content, cache)
    fresh, _ = _build(tmp_path, "fresh", content, None)

    assert report["from_cache"] == report["files"] - 1
    assert tree_differences(fresh, warm) == []
    assert "<strong>公示期间</strong>" in (warm / "notices" / "32" / "index.html").read_text()


def test_a_damaged_cache_is_ignored_and_written_again(tmp_path):
    cache = tmp_path / "cache"
    reference, _ = _build(tmp_path, "reference", FIXTURE_CONTENT, None)
    cache.mkdir()
    (cache / FILE_NAME).write_bytes(b"\x00not marshal at all")

    output, report = _build(tmp_path, "damaged", FIXTURE_CONTENT, cache)

    assert report["from_cache"] == 0
    assert tree_differences(reference, output) == []
    assert marshal.loads((cache / FILE_NAME).read_bytes())["files"]


def test_a_cache_of_other_code_or_other_bytes_is_not_used(tmp_path):
    document, digest = {"kind": "home"}, file_digest(b"{}")
    stale = ContentCache(tmp_path)
    stale.version = "older code"
    stale.put("home.md", digest, document, "", "")
    stale.save()
    assert ContentCache(tmp_path).get("home.md", digest) is None

    current = ContentCache(tmp_path)
    current.put("home.md", digest, document, "body", "<p>body</p>")
    current.save()
    again = ContentCache(tmp_path)
    assert again.get("home.md", file_digest(b"{ }")) is None
    assert again.get("home.md", digest) == (document, "body", "<p>body</p>")


def test_a_cache_that_is_not_a_table_of_entries_is_ignored(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(marshal.dumps({"version": "x", "files": [1, 2]}))
    cache = ContentCache(tmp_path)
    (tmp_path / FILE_NAME).write_bytes(marshal.dumps({"version": cache.version, "files": 3}))
    assert ContentCache(tmp_path).get("home.md", "abc") is None
