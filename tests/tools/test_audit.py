"""`make audit` (tools/audit.py): the real pip-audit against a local stand-in for OSV's API
that answers with a recorded advisory (the facts of CVE-2021-31542 from Django 3.2.1's
release notes), the wrapper's verdicts on pip-audit's JSON, and its fallback to the offline
PyPA advisory snapshot (tools/advisories) when the online service cannot check."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import advisories
import audit
import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

CLOSED = "http://127.0.0.1:9/v1/query"  # the discard port: nothing listens
SNAPSHOT_DATE = advisories.describe()["commit_date"][:10]

DJANGO_3_2_0 = json.loads(
    (Path(__file__).with_name("fixtures") / "osv-django-3.2.0.json").read_text(encoding="utf-8")
)


class FakeOSV(advisories.OSVHandler):
    """POST /v1/query: the recorded advisory for django 3.2.0, nothing for anything else;
    answered with `status`, to stand for an online service that fails."""

    status = 200

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        package, version = query["package"]["name"], query["version"]
        self.send(self.status, DJANGO_3_2_0 if (package, version) == ("django", "3.2.0") else {})


@pytest.fixture(autouse=True)
def no_audit_settings(monkeypatch):
    """The machine's own GONGSHI_AUDIT_* settings must not steer these tests."""
    for name in ("SERVICE", "OSV_URL", "OFFLINE", "ONLINE_ONLY"):
        monkeypatch.delenv(f"GONGSHI_AUDIT_{name}", raising=False)


@pytest.fixture
def osv():
    """The stand-in's query URL; set FakeOSV.status on the yielded handler to fail it."""
    handler = type("Handler", (FakeOSV,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query", handler
    server.shutdown()
    server.server_close()


def requirements(tmp_path, *pins) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text("\n".join(pins) + "\n")
    return path


def run(capsys, *arguments) -> tuple[int, str]:
    status = audit.main([*arguments])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_known_vulnerable_pin_fails_naming_package_version_and_advisory(osv, tmp_path, capsys):
    url, _ = osv
    pins = requirements(tmp_path, "django==3.2.0", "markdown==3.11.3")
    status, output = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", url)
    assert status == audit.VULNERABLE
    assert "VULNERABLE: django 3.2.0: CVE-2021-31542; fixed in 2.2.21, 3.1.9, 3.2.1." in output
    assert "directory traversal" in output
    assert "markdown" not in output.split("VULNERABLE")[1]


def test_safe_pins_pass(osv, tmp_path, capsys):
    url, _ = osv
    pins = requirements(tmp_path, "django==5.2.8", "markdown==3.11.3")
    status, output = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", url)
    assert status == 0
    assert "2 locked packages checked against 'osv': no known vulnerabilities." in output


def test_a_failing_service_is_a_failure_that_says_the_audit_did_not_run(osv, tmp_path, capsys):
    url, handler = osv
    handler.status = 503
    pins = requirements(tmp_path, "django==5.2.8")
    status, output = run(
        capsys, "-r", str(pins), "--service", "osv", "--osv-url", url, "--online-only"
    )
    assert status == audit.INCOMPLETE
    assert "AUDIT COULD NOT RUN" in output and "No package of" in output
    assert "offline" not in output


def test_an_unreachable_service_is_a_failure_too_when_the_snapshot_is_refused(
    tmp_path, capsys, monkeypatch
):
    pins = requirements(tmp_path, "django==5.2.8")
    status, output = run(
        capsys, "-r", str(pins), "--service", "osv", "--osv-url", CLOSED, "--online-only"
    )
    assert status == audit.INCOMPLETE
    assert "AUDIT COULD NOT RUN" in output and "snapshot" not in output
    monkeypatch.setenv("GONGSHI_AUDIT_ONLINE_ONLY", "1")
    status, _ = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", CLOSED)
    assert status == audit.INCOMPLETE


def test_an_unreachable_service_falls_back_to_the_snapshot_and_says_so(tmp_path, capsys):
    pins = requirements(tmp_path, "django==5.2.8", "markdown==3.11.3")
    status, output = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", CLOSED)
    assert status == 0
    assert "No online vulnerability service reachable ('osv' gave no answer" in output
    assert f"offline PyPA advisory snapshot of {SNAPSHOT_DATE}" in output
    assert "advisories published after that date are not covered" in output
    assert "tools/advisories.py refresh --from" in output
    assert "2 locked packages checked against 'offline PyPA advisory snapshot'" in output


def test_the_fallback_finds_what_the_snapshot_knows(tmp_path, capsys):
    pins = requirements(tmp_path, "django==3.2.0", "markdown==3.11.3")
    status, output = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", CLOSED)
    assert status == audit.VULNERABLE
    assert f"snapshot of {SNAPSHOT_DATE}" in output
    line = next(line for line in output.splitlines() if "PYSEC-2021-7 " in line)
    assert line.startswith("VULNERABLE: django 3.2.0: PYSEC-2021-7 (")  # aliases: any order
    assert "CVE-2021-31542" in line and "GHSA-rxjp-mfm9-w4wr" in line
    assert "fixed in 2.2.21, 3.1.9, 3.2.1." in line


def test_offline_checks_the_snapshot_only(osv, tmp_path, capsys):
    url, _ = osv  # would answer, but is never asked
    pins = requirements(tmp_path, "django==3.2.0")
    status, output = run(capsys, "-r", str(pins), "--service", "osv", "--osv-url", url, "--offline")
    assert status == audit.VULNERABLE
    assert output.startswith(
        "Offline audit requested (--offline or GONGSHI_AUDIT_OFFLINE); checked"
    )
    assert "PYSEC-2024-47 (CVE-2024-27351" in output
    assert "CVE-2021-31542; fixed" not in output  # the stand-in's recorded answer


def test_services_that_cannot_check_every_package_fall_back_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        audit,
        "run_pip_audit",
        lambda *arguments, **options: (
            (ALL_SKIPPED, "") if arguments[1] == "pypi" else REAL_RUN(*arguments, **options)
        ),
    )
    pins = requirements(tmp_path, "django==5.2.8", "whoosh==2.7.4")
    status, output = run(capsys, "-r", str(pins))
    assert status == 0
    assert "'pypi' could not check 2 of 2 packages; first reason: Dependency not found" in output
    assert "2 locked packages checked against 'offline PyPA advisory snapshot'" in output


def test_without_a_snapshot_the_fallback_is_an_incomplete_audit(tmp_path, capsys):
    pins = requirements(tmp_path, "django==5.2.8")
    missing = tmp_path / "no-snapshot"
    status, output = run(
        capsys,
        "-r",
        str(pins),
        "--service",
        "osv",
        "--osv-url",
        CLOSED,
        "--advisories",
        str(missing),
    )
    assert status == audit.INCOMPLETE
    assert "AUDIT COULD NOT RUN" in output and "no offline advisory snapshot at" in output


# pip-audit's JSON when pypi.org's per-version API answers 404 for everything (as recorded
# on the build machine): pip-audit exits 0, the wrapper does not.
ALL_SKIPPED = {
    "dependencies": [
        {
            "name": "django",
            "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.8)",
        },
        {
            "name": "whoosh",
            "skip_reason": "Dependency not found on PyPI and could not be audited: whoosh (2.7.4)",
        },
    ],
    "fixes": [],
}


REAL_RUN = audit.run_pip_audit


def test_packages_the_service_does_not_know_make_the_audit_incomplete():
    status, lines = audit.report(audit.Audit.from_json(ALL_SKIPPED), "pypi")
    assert status == audit.INCOMPLETE
    assert "none of the 2 locked packages could be checked" in lines[0]


def test_a_vulnerability_outweighs_packages_not_checked():
    document = {
        "dependencies": [
            ALL_SKIPPED["dependencies"][1],
            {
                "name": "django",
                "version": "3.2.0",
                "vulns": [
                    {
                        "id": "PYSEC-EXAMPLE",
                        "aliases": ["CVE-2021-31542"],
                        "fix_versions": ["2.2.21", "3.1.9", "3.2.1"],
                        "description": "directory traversal",
                    }
                ],
            },
        ]
    }
    status, lines = audit.report(audit.Audit.from_json(document), "pypi")
    assert status == audit.VULNERABLE
    assert lines[0].startswith("VULNERABLE: django 3.2.0: PYSEC-EXAMPLE (CVE-2021-31542)")
    assert any("1 of 2 locked packages could not be checked" in line for line in lines)
