import shutil

import pytest
from sitebuild import FIXTURE_CONTENT, build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The fixture content built once with the real Pelican, for tests that only read it."""
    output = tmp_path_factory.mktemp("built") / "output"
    finished = build(FIXTURE_CONTENT, output)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output


@pytest.fixture
def content(tmp_path):
    """A copy of the fixture content to break or change."""
    copy = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, copy)
    return copy
