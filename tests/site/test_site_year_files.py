"""The sitemap and the open data split by year, valid at any size; a publish rewrites
the files of the year it changes and the indexes, nothing else."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from incremental_support import full_build, open_state, tree_digest
from sitebuild import FIXTURE_CONTENT, PUBLISHCONF, build
from test_site_incremental import (
    date_change,
    deleted_revocation,
    new_open_notice,
    notice_in_a_new_year,
    revocation,
)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://zlj.example.gov.cn"


def read_sitemaps(output: Path, limit: int) -> dict[str, list[str]]:
    """{sitemap path: its URLs} of every sitemap the index lists, each checked against
    the protocol: absolute <loc>s, at most `limit` URLs, W3C dates."""
    index = ET.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [child.tag for child in index] == [f"{SITEMAP}sitemap"] * len(index)
    sitemaps = {}
    for entry in index:
        location = entry.findtext(f"{SITEMAP}loc")
        assert location.startswith(SITE_URL + "/sitemap-"), location
        path = location.removeprefix(SITE_URL)
        root = ET.parse(output / path.lstrip("/")).getroot()
        assert root.tag == f"{SITEMAP}urlset"
        urls = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
        assert 0 < len(urls) <= limit, path
        dates = [url.findtext(f"{SITEMAP}lastmod") for url in root] + [
            entry.findtext(f"{SITEMAP}lastmod")
        ]
        for day in filter(None, dates):
            date.fromisoformat(day)
        if entry.findtext(f"{SITEMAP}lastmod"):  # the index dates a sitemap by its newest page
            assert entry.findtext(f"{SITEMAP}lastmod") == max(filter(None, dates[:-1]))
        sitemaps[path] = urls
    return sitemaps


def test_the_sitemap_is_an_index_of_year_files_within_the_limit(tmp_path):
    """Built twice with the real Pelican, with the protocol's limit and with a limit of
    3 URLs: the same URLs, each once, in files of no more than 3, named by year."""
    sitemaps = {}
    for limit in (50_000, 3):
        output = tmp_path / str(limit)
        finished = build(
            FIXTURE_CONTENT,
            output,
            settings=PUBLISHCONF,
            site_url=SITE_URL,
            extra_environment={"GONGSHI_SITEMAP_LIMIT": str(limit)},
        )
        assert finished.returncode == 0, finished.stderr + finished.stdout
        sitemaps[limit] = read_sitemaps(output, limit)
        robots = (output / "robots.txt").read_text(encoding="ascii").splitlines()
        assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots
    whole = sitemaps[50_000]
    assert sorted(whole) == ["/sitemap-2023.xml", "/sitemap-2024.xml", "/sitemap-undated.xml"]
    assert f"{SITE_URL}/notices/41/" in whole["/sitemap-2024.xml"]  # signed 2024-06
    assert f"{SITE_URL}/winners/" in whole["/sitemap-undated.xml"]
    split = sitemaps[3]
    assert len(split) > len(whole)
    assert "/sitemap-undated-2.xml" in split
    everything = [url for urls in split.values() for url in urls]
    assert len(everything) == len(set(everything))
    assert sorted(everything) == sorted(url for urls in whole.values() for url in urls)
    for path, urls in split.items():
        group = re.fullmatch(r"/sitemap-(\w+?)(?:-\d+)?\.xml", path).group(1)
        assert set(urls) <= set(whole[f"/sitemap-{group}.xml"]), path


def test_a_generated_corpus_past_the_limit_is_split_into_parts():
    """Thousands of pages over many years, with a limit of 100 URLs a file."""
    from gongshi_site.pages import Page
    from gongshi_site.settings import SiteSettings
    from gongshi_site.sitemap import sitemap_files

    class Dated:  # what the sitemap reads of a document
        def __init__(self, year: int):
            self.year = year

    pages = [
        Page(
            url=f"/notices/{number}/",
            template="document",
            title="",
            document=Dated(2010 + number % 7),
            lastmod=date(2010 + number % 7, 1 + number % 12, 1 + number % 28),
        )
        for number in range(2_450)
    ]
    pages += [Page(url=f"/winners/{n}/", template="winner", title="") for n in range(130)]
    pages.append(Page(url="/404.html", template="404", title="", in_sitemap=False))
    config = SiteSettings(
        content_path=Path("content"),
        output_path=Path("output"),
        site_url=SITE_URL,
        site_name="",
        build_date=date(2024, 6, 12),
        page_size=50,
        feed_base_url=SITE_URL,
        feed_size=50,
    )
    files = sitemap_files(pages, config, limit=100)
    index = ET.fromstring(files["/sitemap.xml"])
    listed = [entry.findtext(f"{SITEMAP}loc").removeprefix(SITE_URL) for entry in index]
    assert sorted(listed) == sorted(set(files) - {"/sitemap.xml"})
    assert listed[:2] == ["/sitemap-undated.xml", "/sitemap-undated-2.xml"]
    # 350 pages a year: four parts each, the first keeping the year's plain name.
    assert [name for name in listed if "2013" in name] == [
        "/sitemap-2013.xml",
        "/sitemap-2013-2.xml",
        "/sitemap-2013-3.xml",
        "/sitemap-2013-4.xml",
    ]
    seen = []
    for name in listed:
        urls = [url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(files[name])]
        assert 0 < len(urls) <= 100
        assert urls == sorted(urls)
        seen += urls
    assert sorted(seen) == sorted(SITE_URL + page.url for page in pages if page.in_sitemap)


def data_files(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (output / "data").iterdir()}


def test_the_open_data_index_lists_every_file_with_its_size_and_hash(built_site):
    files = data_files(built_site)
    index = json.loads(files["index.json"])
    assert index["status_as_of"] == "2024-06-12"
    listed = {entry["url"].removeprefix("/data/"): entry for entry in index["files"]}
    assert set(listed) == set(files) - {"index.json", "index.html"}
    for name, entry in listed.items():
        assert entry["size"] == len(files[name])
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
    assert [(entry["dataset"], entry["year"]) for entry in index["files"]] == [
        ("notices", None),
        ("winners", None),
        ("winners-csv", None),
        ("notices", 2023),
        ("winners", 2023),
        ("winners-csv", 2023),
        ("notices", 2024),
    ]
    assert listed["notices-2024.json"]["count"] == 1


def test_the_years_hold_what_the_whole_archive_holds(built_site):
    files = data_files(built_site)
    whole = json.loads(files["notices.json"])["notices"]
    years = [
        notice
        for name in sorted(files, reverse=True)
        if name.startswith("notices-")
        for notice in json.loads(files[name])["notices"]
    ]
    assert years == whole  # newest first in both
    for notice in years:
        assert notice["date_signed"][:4] in {"2023", "2024"}
    rows = {
        name: list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))
        for name in ("winners.csv", "winners-2023.csv")
    }
    assert rows["winners-2023.csv"] == rows["winners.csv"]
    assert files["winners-2023.csv"].startswith(b"\xef\xbb\xbf")


@pytest.fixture
def unsplit_build(tmp_path, monkeypatch):
    """The fixture built in full with the whole-archive files switched off, as a site
    past the limit is; its state loaded."""
    monkeypatch.setenv("GONGSHI_OPEN_DATA_WHOLE_LIMIT", "0")
    build_dir = tmp_path / "builds" / "0"
    shutil.copytree(FIXTURE_CONTENT, build_dir / "content")
    full_build(build_dir / "content", build_dir)
    return build_dir, open_state(build_dir / "content", build_dir)


# Each case: the publishes, and for each the files of data/ it rewrites or removes.
CASES = {
    "a notice": [(new_open_notice, {"notices-2024.json"})],
    # Signed in 2024, it revokes an award of a 2023 decision: 2023's winners; taken down
    # again, they are as they were.
    "a revocation, then deleted": [
        (revocation, {"winners-2023.json", "winners-2023.csv"}),
        (deleted_revocation, {"winners-2023.json", "winners-2023.csv"}),
    ],
    # A new year: the open data page lists its files too; re-dated, they go.
    "a new year, then re-dated": [
        (notice_in_a_new_year, {"notices-2022.json", "index.html"}),
        (date_change, {"notices-2022.json", "notices-2023.json", "index.html"}),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_a_publish_rewrites_its_year_and_the_index_only(tmp_path, unsplit_build, case):
    from gongshi_site.linked_tree import link_tree

    first, state = unsplit_build
    assert not (first / "output/data/winners.csv").exists()
    previous, before = first, data_files(first / "output")
    for number, (change, rewritten) in enumerate(CASES[case], start=1):
        build_dir = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build_dir / "content")
        report = state.update(
            build_dir / "content",
            change(build_dir / "content"),
            build_dir / "output",
            build_dir / "search",
        )
        after = data_files(build_dir / "output")
        touched = {
            Path(name).name
            for name in report.touched
            if Path(name).parent == build_dir / "output" / "data"
        }
        differing = {
            name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
        }
        assert touched == differing == rewritten | {"index.json"}, change.__name__
        for name in (previous / "output" / "data").iterdir():  # the others: the same files
            if name.name not in touched:
                assert (build_dir / "output/data" / name.name).stat().st_ino == name.stat().st_ino
        expected = tmp_path / "full" / str(number)
        shutil.copytree(build_dir / "content", expected / "content")
        full_build(expected / "content", expected)
        assert tree_digest(expected / "output") == tree_digest(build_dir / "output")
        previous, before = build_dir, after
    if case.startswith("a revocation"):
        assert before["winners-2023.csv"] == data_files(first / "output")["winners-2023.csv"]
    if case.startswith("a new year"):
        assert "notices-2022.json" not in before
