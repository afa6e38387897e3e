"""Audit the locked dependencies for known vulnerabilities with pip-audit, and say plainly
what was found, or that the audit could not be done.

    python tools/audit.py [-r requirements.lock] [--service pypi|osv] [--osv-url URL]

Exit status: 0 every package was checked and none has a known vulnerability; 1 at least
one has (each named with its version, advisory and the fixed versions); 2 the audit did
not run or could not check every package (no vulnerability service reachable, or it knows
nothing of a package). pip-audit itself exits 0 when the service knows none of the
packages (pypi.org's per-version JSON API answering 404): that silent pass is why this
wrapper exists. GONGSHI_AUDIT_SERVICE and GONGSHI_AUDIT_OSV_URL (an OSV mirror inside a
closed network) set the defaults of --service and --osv-url.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

VULNERABLE, INCOMPLETE = 1, 2


@dataclass
class Audit:
    """pip-audit's JSON answer, sorted into what matters here."""

    vulnerable: list[dict] = field(default_factory=list)  # dependency entries with vulns
    not_checked: list[dict] = field(default_factory=list)  # entries with a skip_reason
    checked: int = 0

    @classmethod
    def from_json(cls, document: dict) -> Audit:
        audit = cls()
        for dependency in document.get("dependencies", []):
            if "skip_reason" in dependency:
                audit.not_checked.append(dependency)
                continue
            audit.checked += 1
            if dependency.get("vulns"):
                audit.vulnerable.append(dependency)
        return audit


def report(audit: Audit, service: str) -> tuple[int, list[str]]:
    """The exit status and the lines that say why."""
    lines = []
    for dependency in audit.vulnerable:
        for vuln in dependency["vulns"]:
            aliases = [alias for alias in vuln.get("aliases", []) if alias != vuln["id"]]
            named = vuln["id"] + (f" ({', '.join(aliases)})" if aliases else "")
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            description = " ".join((vuln.get("description") or "").split())[:160]
            lines.append(
                f"VULNERABLE: {dependency['name']} {dependency['version']}: {named}; "
                f"fixed in {fixed}. {description}".rstrip()
            )
    total = audit.checked + len(audit.not_checked)
    if audit.not_checked:
        if not audit.checked:
            reason = audit.not_checked[0]["skip_reason"]
            lines.append(
                f"AUDIT INCOMPLETE: none of the {total} locked packages could be checked "
                f"against the '{service}' vulnerability service (first reason: {reason})."
            )
        else:
            lines.append(
                f"AUDIT INCOMPLETE: {len(audit.not_checked)} of {total} locked packages "
                f"could not be checked against the '{service}' vulnerability service:"
            )
            lines += [f"  {item['name']}: {item['skip_reason']}" for item in audit.not_checked]
    if audit.vulnerable:
        count = sum(len(item["vulns"]) for item in audit.vulnerable)
        lines.append(f"{count} known vulnerabilities in {len(audit.vulnerable)} packages.")
        return VULNERABLE, lines
    if audit.not_checked:
        return INCOMPLETE, lines
    lines.append(
        f"{audit.checked} locked packages checked against '{service}': no known vulnerabilities."
    )
    return 0, lines


def run_pip_audit(
    requirements: Path, service: str, osv_url: str | None, pip_audit: str
) -> tuple[dict | None, str]:
    """pip-audit's JSON document, or None and why it gave none."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "audit.json"
        command = [
            pip_audit,
            "--requirement", str(requirements),
            "--no-deps", "--disable-pip",  # the lock pins every package; nothing to resolve
            "--progress-spinner", "off",
            "--format", "json", "--output", str(output),
            "--vulnerability-service", service,
        ]  # fmt: skip
        if osv_url:
            command += ["--osv-url", osv_url]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return None, "pip-audit did not finish within 15 minutes"
        try:
            return json.loads(output.read_text(encoding="utf-8")), ""
        except (OSError, ValueError):
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            return None, f"pip-audit exited with status {result.returncode}: {last}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--requirement", type=Path, default=Path("requirements.lock"))
    parser.add_argument(
        "--service",
        default=os.environ.get("GONGSHI_AUDIT_SERVICE", "pypi"),
        choices=["pypi", "osv"],
    )
    parser.add_argument("--osv-url", default=os.environ.get("GONGSHI_AUDIT_OSV_URL") or None)
    parser.add_argument(
        "--pip-audit",
        default=shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or "pip-audit",
    )
    arguments = parser.parse_args(argv)

    document, failure = run_pip_audit(
        arguments.requirement, arguments.service, arguments.osv_url, arguments.pip_audit
    )
    if document is None:
        print(
            f"AUDIT COULD NOT RUN: the '{arguments.service}' vulnerability service gave no "
            f"answer ({failure}). No package of {arguments.requirement} was checked.",
            file=sys.stderr,
        )
        return INCOMPLETE
    status, lines = report(Audit.from_json(document), arguments.service)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
