"""Fixtures of the search tests: the corpus of tests/search_corpus.py, indexed once."""

from __future__ import annotations

import pytest
from search_corpus import Fixture, build_fixture_index, write_corpus


@pytest.fixture(scope="session")
def search_fixture(tmp_path_factory) -> Fixture:
    root = tmp_path_factory.mktemp("search")
    write_corpus(root / "content")
    build_fixture_index(root / "content", root / "search")
    return Fixture(root / "content", root / "search")


@pytest.fixture(scope="session")
def search_index(search_fixture):
    from gongshi.search.engine import SearchIndex

    return SearchIndex(search_fixture.index_dir)
