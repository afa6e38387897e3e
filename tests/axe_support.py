"""axe-core in the browser tests: the npm package's axe.min.js, vendored under
tests/browser/vendor/axe-core/ (README there: version, licence, how to refresh), run in
a Playwright page. Evaluated through the DevTools protocol, which the pages' Content-
Security-Policy (no inline script) does not apply to."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "browser" / "vendor" / "axe-core" / "axe.min.js"
VERSION = "4.14.1"
SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"


@cache
def _source() -> str:
    data = AXE.read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise AssertionError(f"{AXE} is not axe-core {VERSION} as vendored (sha256 differs)")
    return data.decode("utf-8")


def violations(page) -> list[str]:
    """Every axe-core violation on the page as it is now (all of axe's rules: WCAG 2.x A
    and AA, and its best practices), one line each: rule, impact, the first elements."""
    # Wagtail's admin bundles an axe of its own (its accessibility checker): run ours.
    if page.evaluate("typeof window.axe === 'object' && window.axe.version") != VERSION:
        page.evaluate(_source())
    result = page.evaluate("async () => await window.axe.run(document)")
    found = []
    for violation in result["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        found.append(
            f"{page.url}: {violation['id']} ({violation['impact']}, "
            f"{len(violation['nodes'])}): {violation['help']} — {targets}"
        )
    return found
