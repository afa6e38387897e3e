"""What each page read, noted by the full build (page_reads.py): the worker that loads the
state after it renders no page, and knows exactly what it would have learnt by rendering
every page itself."""

from __future__ import annotations

import logging
import shutil
from types import SimpleNamespace

import pytest
from incremental_support import full_build, open_state
from sitebuild import BUILD_DATE, FIXTURE_CONTENT, PELICANCONF

from gongshi_site import atomic, page_reads


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    build = tmp_path_factory.mktemp("noted") / "build"
    shutil.copytree(FIXTURE_CONTENT, build / "content")
    full_build(build / "content", build)
    return build


def rendered_state(build):
    """The state learnt the old way: every page rendered once in memory."""
    from gongshi_site.incremental import SiteState, open_generator

    generator = open_generator(
        PELICANCONF, build / "content", build / "output", {"GONGSHI_BUILD_DATE": BUILD_DATE}
    )
    return SiteState.load(generator, build / "output", build / "search", state_dir=None)


def assert_same_state(noted, rendered):
    assert noted.pages.reads == rendered.pages.reads
    assert noted.pages.fingerprints == rendered.pages.fingerprints
    assert noted.model.values == rendered.model.values
    assert noted.index.digests == rendered.index.digests
    assert noted.index.suggestions.words() == rendered.index.suggestions.words()
    assert noted.index.suggestions.suggestions() == rendered.index.suggestions.suggestions()


def test_the_state_read_from_the_build_is_the_state_rendering_learns(built):
    noted, rendered = open_state(built / "content", built), rendered_state(built)
    pages = len(rendered.pages.fingerprints)
    assert pages > 30 and rendered.pages_rendered_at_load == pages
    assert noted.pages_rendered_at_load == 0
    records = rendered.index.made_at_load
    assert records > 5 and noted.index.made_at_load == 0
    assert_same_state(noted, rendered)
    # Every share wrote its file, and the search index its own; a read many pages made
    # is one object in the state.
    assert sorted(path.name for path in (built / atomic.STATE).iterdir()) == [
        "pages-1.marshal",
        "pages-2.marshal",
        "search.marshal",
    ]
    site_reads = [
        read for reads in noted.pages.reads.values() for read in reads if read[0] == ("site",)
    ]
    assert len({id(read) for read in site_reads}) == len(set(site_reads)) < len(site_reads)


def test_pages_a_build_did_not_note_are_rendered_when_loading(built, tmp_path):
    """A share's file missing (a build of older code, a file that could not be written)
    or of another version: its pages are rendered, the others read."""
    build = tmp_path / "build"
    shutil.copytree(built, build, symlinks=True)
    reads = build / atomic.STATE
    every_page = page_reads.read(reads)
    (reads / "pages-2.marshal").unlink()
    kept = page_reads.read(reads)
    missing = set(every_page) - set(kept)
    assert missing and kept
    state = open_state(build / "content", build)
    assert state.pages_rendered_at_load == len(missing)
    assert_same_state(state, rendered_state(build))

    (reads / "pages-1.marshal").write_bytes(b"\x00not marshal of this version")
    assert page_reads.read(reads) == {}


def test_a_share_whose_reads_marshal_cannot_keep_writes_no_file(tmp_path, caplog):
    page = SimpleNamespace(save_as="index.html", url="", title="首页")
    with caplog.at_level(logging.WARNING):
        page_reads.write(tmp_path, 1, [(page, frozenset({(("site",), object())}))])
    assert list(tmp_path.iterdir()) == []
    assert "Not noted in" in caplog.text
