"""Audit the locked dependencies for known vulnerabilities with pip-audit, and say plainly
what was found, or that the audit could not be done.

    python tools/audit.py [-r requirements.lock] [--service pypi|osv] [--osv-url URL]
                          [--offline | --online-only] [--advisories DIR]

Exit status: 0 every package was checked and none has a known vulnerability; 1 at least
one has (each named with its version, advisory and the fixed versions); 2 the audit did
not run or could not check every package. pip-audit itself exits 0 when the service knows
none of the packages (pypi.org's per-version JSON API answering 404): that silent pass is
why this wrapper exists. GONGSHI_AUDIT_SERVICE and GONGSHI_AUDIT_OSV_URL (an OSV mirror
inside a closed network) set the defaults of --service and --osv-url.

When the online service gives no answer or cannot check every package, the wrapper checks
again against the offline PyPA advisory snapshot in tools/advisories (tools/advisories.py
serves it as OSV's API on loopback) and says so, with the snapshot's date: advisories
published since are not covered. --offline (GONGSHI_AUDIT_OFFLINE=1) goes straight to the
snapshot; --online-only (GONGSHI_AUDIT_ONLINE_ONLY=1) refuses it, for sites that must
have fresh data.
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
from datetime import UTC, datetime
from pathlib import Path

import advisories

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
    requirements: Path, service: str, osv_url: str | None, pip_audit: str, env: dict | None = None
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
            result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
        except subprocess.TimeoutExpired:
            return None, "pip-audit did not finish within 15 minutes"
        try:
            return json.loads(output.read_text(encoding="utf-8")), ""
        except (OSError, ValueError):
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            return None, f"pip-audit exited with status {result.returncode}: {last}"


REFRESH = "python tools/advisories.py refresh --from <checkout of pypa/advisory-database>"


def snapshot_notice(why: str, source: dict, snapshot: Path) -> str:
    date = (source.get("commit_date") or source.get("refreshed_at") or "?")[:10]
    try:
        age = (datetime.now(UTC).date() - datetime.fromisoformat(date).date()).days
        age_text = f", {age} days old"
    except ValueError:
        age_text = ""
    try:
        where = snapshot.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        where = snapshot
    commit = (source.get("commit") or "unknown commit")[:7]
    return (
        f"{why}; checked against the offline PyPA advisory snapshot of {date} ({where}, "
        f"commit {commit}{age_text}): advisories published after that date are not covered. "
        f"Refresh it with `{REFRESH}`."
    )


def audit_offline(
    requirements: Path, snapshot: Path, pip_audit: str, why: str
) -> tuple[int, list[str]]:
    """pip-audit against the snapshot, served as OSV's query API on loopback."""
    source = advisories.describe(snapshot)
    if source is None:
        return INCOMPLETE, [
            f"AUDIT COULD NOT RUN: {why}, and there is no offline advisory snapshot at "
            f"{snapshot} (no SOURCE.json). No package of {requirements} was checked. "
            f"Create it with `{REFRESH}`."
        ]
    server, url = advisories.start(snapshot)
    loopback = "127.0.0.1,localhost," + os.environ.get("NO_PROXY", "")
    try:
        document, failure = run_pip_audit(
            requirements, "osv", url, pip_audit, env={**os.environ, "NO_PROXY": loopback}
        )
    finally:
        server.shutdown()
        server.server_close()
    if document is None:
        return INCOMPLETE, [
            f"AUDIT COULD NOT RUN: {why}, and pip-audit failed against the offline snapshot "
            f"too ({failure}). No package of {requirements} was checked."
        ]
    status, lines = report(Audit.from_json(document), "offline PyPA advisory snapshot")
    return status, [snapshot_notice(why, source, snapshot), *lines]


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


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
    parser.add_argument("--advisories", type=Path, default=advisories.SNAPSHOT)
    fallback = parser.add_mutually_exclusive_group()
    fallback.add_argument(
        "--offline",
        action="store_true",
        default=flag("GONGSHI_AUDIT_OFFLINE"),
        help="check against the offline advisory snapshot only",
    )
    fallback.add_argument(
        "--online-only",
        action="store_true",
        default=flag("GONGSHI_AUDIT_ONLINE_ONLY"),
        help="never fall back to the offline advisory snapshot",
    )
    arguments = parser.parse_args(argv)
    if arguments.offline and arguments.online_only:
        parser.error("--offline and --online-only (or their environment variables) conflict")

    status, lines = audit(arguments)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


def audit(arguments: argparse.Namespace) -> tuple[int, list[str]]:
    """The online service's verdict, or the snapshot's when the service could not check."""
    if arguments.offline:
        why = "Offline audit requested (--offline or GONGSHI_AUDIT_OFFLINE)"
        return audit_offline(arguments.requirement, arguments.advisories, arguments.pip_audit, why)
    service = arguments.service
    document, failure = run_pip_audit(
        arguments.requirement, service, arguments.osv_url, arguments.pip_audit
    )
    if document is None:
        online = [
            f"AUDIT COULD NOT RUN: the '{service}' vulnerability service gave no "
            f"answer ({failure}). No package of {arguments.requirement} was checked."
        ]
        why = f"No online vulnerability service reachable ('{service}' gave no answer: {failure})"
        status = INCOMPLETE
    else:
        checked = Audit.from_json(document)
        status, online = report(checked, service)
        if checked.not_checked:
            total = checked.checked + len(checked.not_checked)
            why = (
                f"No online vulnerability service reachable ('{service}' could not check "
                f"{len(checked.not_checked)} of {total} packages; first reason: "
                f"{checked.not_checked[0]['skip_reason']})"
            )
    # A vulnerability found online stands; only an audit that could not check falls back.
    if status != INCOMPLETE or arguments.online_only:
        return status, online
    return audit_offline(arguments.requirement, arguments.advisories, arguments.pip_audit, why)


if __name__ == "__main__":
    sys.exit(main())
