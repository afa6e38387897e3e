"""Build a site the way production does (a real Pelican in a subprocess) and compare
built trees; shared by the tests and refresh_golden.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gongshi_site import shared_dirs

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
FIXTURE_CONTENT = HERE / "fixture_content"
EXPECTED_OUTPUT = HERE / "expected"
PELICANCONF = REPOSITORY / "site" / "pelicanconf.py"
PUBLISHCONF = REPOSITORY / "site" / "publishconf.py"
# A Wednesday inside the fixture's open publicity period (2024-06-10 to 06-14).
BUILD_DATE = "2024-06-12"
# Pelican copies the theme's static files verbatim; the golden tree leaves them out and
# the golden test compares them with themes/gongshi/static/ instead of with a copy.
THEME_OUTPUT = "theme"
THEME_STATIC = REPOSITORY / "themes" / "gongshi" / "static"


def build(
    content: Path,
    output: Path,
    *,
    build_date: str = BUILD_DATE,
    settings: Path = PELICANCONF,
    site_url: str | None = None,
    extra_arguments: tuple[str, ...] = (),
    extra_environment: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run `python -m pelican <content> -o <output> -s <settings>` from the repository."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("GONGSHI_")
    }
    environment["GONGSHI_BUILD_DATE"] = build_date
    # No rare-character font unless a test names one: the golden tree must not depend on
    # the fonts installed (tests/site/test_site_rare_characters.py builds with one).
    environment["GONGSHI_RARE_FONTS"] = ""
    if site_url:
        environment["GONGSHI_SITE_URL"] = site_url
    environment.update(extra_environment or {})
    if settings.is_relative_to(REPOSITORY):
        settings = settings.relative_to(REPOSITORY)
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(settings), *extra_arguments]
    return subprocess.run(
        command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=120
    )


def tree_differences(expected: Path, actual: Path, skip: str | None = None) -> list[str]:
    """Every file that is missing, extra or different, one line each; [] if identical.
    Files under the top-level folder `skip` of either tree are left out."""
    expected_files = _files(expected, skip)
    actual_files = _files(actual, skip)
    problems = [f"missing: {name}" for name in sorted(expected_files - actual_files)]
    problems += [f"extra:   {name}" for name in sorted(actual_files - expected_files)]
    for name in sorted(expected_files & actual_files):
        if (expected / name).read_bytes() != (actual / name).read_bytes():
            problems.append(f"differs: {name}")
    return problems


def _files(root: Path, skip: str | None = None) -> set[str]:
    names = {path.relative_to(root).as_posix() for path in shared_dirs.files(root)}
    return {name for name in names if skip is None or not name.startswith(f"{skip}/")}
