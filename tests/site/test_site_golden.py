"""The fixture site, built for a fixed day, is byte for byte the checked-in tree.

After an intended change to the output: .venv/bin/python tests/site/refresh_golden.py
"""

import difflib

from sitebuild import EXPECTED_OUTPUT, THEME_OUTPUT, THEME_STATIC, tree_differences

SHOWN_DIFF_LINES = 60


def test_fixture_builds_to_the_expected_tree(built_site):
    differences = tree_differences(EXPECTED_OUTPUT, built_site, skip=THEME_OUTPUT)
    message = ["the built site differs from tests/site/expected/:", *differences]
    changed = [line.split(" ", 1)[1].strip() for line in differences if line.startswith("differs")]
    if changed:
        message.append(f"first difference, in {changed[0]}:")
        message.extend(_diff(EXPECTED_OUTPUT / changed[0], built_site / changed[0]))
    message.append("if the change is intended: .venv/bin/python tests/site/refresh_golden.py")
    assert not differences, "\n".join(message)


def test_the_theme_files_are_copied_unchanged(built_site):
    assert tree_differences(THEME_STATIC, built_site / THEME_OUTPUT) == []


def _diff(expected, actual) -> list[str]:
    try:
        before = expected.read_text(encoding="utf-8").splitlines()
        after = actual.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return ["(binary file)"]
    lines = difflib.unified_diff(before, after, "expected", "built", lineterm="")
    return list(lines)[:SHOWN_DIFF_LINES]
