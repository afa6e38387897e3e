"""What issue 18 made of the tree, kept: the code is imported by name (installed packages,
pytest's `pythonpath`), never by editing `sys.path`; and no module outside the tests grows
past what a newcomer reads in one sitting."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SOURCES = ("gongshi", "cms", "site", "tools", "deploy", "tests")
MAX_LINES = 600


def python_files(*tops: str) -> list[Path]:
    return sorted(path for top in tops for path in (REPOSITORY / top).rglob("*.py"))


def test_nothing_edits_the_import_path():
    edits = [
        path.relative_to(REPOSITORY).as_posix()
        for path in python_files(*SOURCES)
        if path.name != "conftest.py"
        and path != Path(__file__).resolve()
        and "sys.path" in path.read_text(encoding="utf-8")
    ]
    assert edits == []


def test_no_module_outside_the_tests_is_over_600_lines():
    long = {
        path.relative_to(REPOSITORY).as_posix(): lines
        for path in python_files(*SOURCES[:-1])
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_checks_see_the_files_they_check():
    assert len(python_files("gongshi")) > 20 and len(python_files("cms")) > 100
