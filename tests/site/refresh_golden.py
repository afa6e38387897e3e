"""Rebuild tests/site/expected/ from tests/site/fixture_content/, after an intended change
to the site's output. Review the diff (git diff tests/site/expected) before committing.

    .venv/bin/python tests/site/refresh_golden.py
"""

import shutil
import sys
import tempfile
from pathlib import Path

from sitebuild import BUILD_DATE, EXPECTED_OUTPUT, FIXTURE_CONTENT, THEME_OUTPUT, build


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "output"
        finished = build(FIXTURE_CONTENT, output)
        if finished.returncode != 0:
            sys.stderr.write(finished.stderr + finished.stdout)
            return finished.returncode
        shutil.rmtree(EXPECTED_OUTPUT, ignore_errors=True)
        shutil.copytree(output, EXPECTED_OUTPUT)
        shutil.rmtree(EXPECTED_OUTPUT / THEME_OUTPUT)  # compared with themes/ directly
    count = sum(1 for path in EXPECTED_OUTPUT.rglob("*") if path.is_file())
    print(f"{EXPECTED_OUTPUT}: {count} files, built for {BUILD_DATE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
