"""The offline PyPA advisory snapshot behind `make audit` when no vulnerability service is
reachable: refresh it from a copy of github.com/pypa/advisory-database, and answer OSV's
query API from it on loopback.

    python tools/advisories.py refresh --from PATH [-r requirements.lock]
    python tools/advisories.py serve [--port 0]
    python tools/advisories.py query NAME VERSION

PATH is a checkout of pypa/advisory-database or its git directory (read with git, at
HEAD). The snapshot, tools/advisories/<name>/*.yaml, holds the advisories of the packages
named in the lock file only, with SOURCE.json saying which commit they come from.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).resolve().parent / "advisories"
DEFAULT_REPOSITORY = "https://github.com/pypa/advisory-database"
# Every scalar a string: the YAML files write versions bare (`- 1.10`), which a
# type-guessing loader would turn into the float 1.1.
Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def normalise(name: str) -> str:
    """PEP 503's normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names(lock: Path) -> list[str]:
    """The normalised names of the packages pinned in a pip-compile lock file."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==", lock.read_text(), re.M)
    return sorted({normalise(name) for name in pins})


# --- refresh ---------------------------------------------------------------------------


class Source:
    """A copy of pypa/advisory-database: a checkout (files) or a git directory (HEAD)."""

    def __init__(self, path: Path):
        self.path = path
        self.is_checkout = (path / "vulns").is_dir()

    def git(self, *arguments: str) -> str:
        return subprocess.run(
            ["git", "-C", str(self.path), *arguments], capture_output=True, text=True, check=True
        ).stdout

    def packages(self) -> dict[str, str]:
        """Normalised name → the folder name under vulns/ (a few keep dots: jw.util)."""
        if self.is_checkout:
            folders = [entry.name for entry in (self.path / "vulns").iterdir() if entry.is_dir()]
        else:
            folders = self.git("ls-tree", "-d", "--name-only", "HEAD:vulns").split()
        return {normalise(folder): folder for folder in folders}

    def advisories(self, folder: str) -> dict[str, str]:
        """File name → YAML text of one package's advisories."""
        if self.is_checkout:
            files = sorted((self.path / "vulns" / folder).glob("*.yaml"))
            return {file.name: file.read_text(encoding="utf-8") for file in files}
        names = self.git("ls-tree", "--name-only", f"HEAD:vulns/{folder}").split()
        return {
            name: self.git("show", f"HEAD:vulns/{folder}/{name}")
            for name in names
            if name.endswith(".yaml")
        }

    def commit(self) -> tuple[str | None, str | None]:
        """HEAD's hash and commit date, when the copy is a git repository."""
        try:
            commit, date = self.git("log", "-1", "--format=%H %cI", "HEAD").split()
        except (subprocess.CalledProcessError, ValueError, OSError):
            return None, None
        return commit, date

    def repository(self) -> str:
        try:
            url = self.git("config", "--get", "remote.origin.url").strip()
        except (subprocess.CalledProcessError, OSError):
            url = ""
        return url or DEFAULT_REPOSITORY


def refresh(source_path: Path, lock: Path, snapshot: Path = SNAPSHOT) -> dict:
    """Replace the snapshot's advisories with the source's for every locked package."""
    source = Source(source_path)
    if not source.is_checkout:
        source.git("rev-parse", "--verify", "HEAD:vulns")  # fails loudly on a wrong path
    available = source.packages()
    commit, date = source.commit()
    snapshot.mkdir(parents=True, exist_ok=True)
    for old in snapshot.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    counts = {}
    for name in locked_names(lock):
        if name not in available:
            continue
        files = source.advisories(available[name])
        (snapshot / name).mkdir()
        for file_name, text in files.items():
            (snapshot / name / file_name).write_text(text, encoding="utf-8")
        counts[name] = len(files)
    description = {
        "repository": source.repository(),
        "commit": commit,
        "commit_date": date,
        "refreshed_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "lock_file": lock.name,
        "packages": counts,
        "license": "CC-BY-4.0",
        "attribution": "PyPA Advisory Database (https://github.com/pypa/advisory-database), "
        "licensed under the Creative Commons Attribution 4.0 International License",
    }
    (snapshot / "SOURCE.json").write_text(
        json.dumps(description, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return description


# --- matching --------------------------------------------------------------------------


def load(snapshot: Path = SNAPSHOT) -> dict[str, list[dict]]:
    """Normalised package name → its advisories (OSV documents)."""
    index: dict[str, list[dict]] = {}
    for file in sorted(snapshot.glob("*/*.yaml")):
        advisory = yaml.load(file.read_text(encoding="utf-8"), Loader=Loader)
        for name in {
            normalise(affected["package"]["name"])
            for affected in advisory.get("affected", [])
            if affected.get("package", {}).get("ecosystem") == "PyPI"
        }:
            index.setdefault(name, []).append(advisory)
    return index


def parse(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict]) -> bool:
    """OSV's ECOSYSTEM range evaluation: walk the events in version order; an introduced
    at or below the version opens, a fixed at or below / last_affected below closes. An
    event whose version cannot be parsed leaves the range undecided: counted affected."""
    ordered = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in event:
                bound = Version("0") if event[kind] == "0" else parse(event[kind])
                if bound is None:
                    return True
                ordered.append((bound, kind))
    affected = False
    for bound, kind in sorted(ordered, key=lambda item: item[0]):
        if kind == "introduced" and version >= bound:
            affected = True
        elif kind == "fixed" and version >= bound:
            affected = False
        elif kind == "last_affected" and version > bound:
            affected = False
        elif version < bound:
            break
    return affected


def affects(advisory: dict, name: str, version: str) -> bool:
    """Whether an advisory covers that version of the package. A version that cannot be
    parsed counts as affected unless it is listed nowhere and no range could hold it: it
    is reported rather than waved through."""
    if advisory.get("withdrawn"):
        return False
    parsed = parse(version)
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or normalise(package.get("name", "")) != name:
            continue
        listed = affected.get("versions", [])
        if version in listed or (parsed and any(parse(item) == parsed for item in listed)):
            return True
        ranges = [item for item in affected.get("ranges", []) if item.get("type") == "ECOSYSTEM"]
        if parsed is None and ranges:
            return True
        if any(in_range(parsed, item.get("events", [])) for item in ranges):
            return True
    return False


def query(index: dict[str, list[dict]], name: str, version: str) -> list[dict]:
    name = normalise(name)
    return [advisory for advisory in index.get(name, []) if affects(advisory, name, version)]


# --- the OSV API on loopback -----------------------------------------------------------


class OSVHandler(BaseHTTPRequestHandler):
    """POST /v1/query and /v1/querybatch, as api.osv.dev answers them, for PyPI only."""

    index: dict[str, list[dict]] = {}

    def answer(self, request: dict) -> list[dict]:
        package = request.get("package") or {}
        if "version" not in request or "name" not in package:
            raise ValueError("a query needs package.name and version (commit and purl: no)")
        if package.get("ecosystem", "PyPI") != "PyPI":
            return []
        return query(self.index, package["name"], str(request["version"]))

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/v1/query":
                vulns = self.answer(body)
                document = {"vulns": vulns} if vulns else {}
            elif self.path == "/v1/querybatch":
                document = {
                    "results": [
                        {"vulns": [{"id": v["id"], "modified": v.get("modified")} for v in found]}
                        if (found := self.answer(item))
                        else {}
                        for item in body.get("queries", [])
                    ]
                }
            else:
                return self.send(404, {"code": 5, "message": "Not found"})
        except (ValueError, TypeError, AttributeError) as error:
            return self.send(400, {"code": 3, "message": str(error)})
        self.send(200, document)

    def send(self, status: int, document: dict):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def start(snapshot: Path = SNAPSHOT, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve the snapshot on 127.0.0.1 in a daemon thread; the server and its query URL."""
    handler = type("SnapshotOSV", (OSVHandler,), {"index": load(snapshot)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1/query"


def describe(snapshot: Path = SNAPSHOT) -> dict | None:
    """SOURCE.json of a snapshot that has one, else None."""
    try:
        return json.loads((snapshot / "SOURCE.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    commands = parser.add_subparsers(dest="command", required=True)
    refreshing = commands.add_parser("refresh", help="copy the locked packages' advisories")
    refreshing.add_argument("--from", dest="source", type=Path, required=True)
    refreshing.add_argument("-r", "--requirement", type=Path, default=Path("requirements.lock"))
    serving = commands.add_parser("serve", help="answer OSV's /v1/query on 127.0.0.1")
    serving.add_argument("--port", type=int, default=0)
    querying = commands.add_parser("query", help="the advisories covering one version")
    querying.add_argument("name")
    querying.add_argument("version")
    arguments = parser.parse_args(argv)

    if arguments.command == "refresh":
        described = refresh(arguments.source, arguments.requirement, arguments.snapshot)
        files = sum(described["packages"].values())
        print(
            f"{files} advisories of {len(described['packages'])} locked packages copied from "
            f"{described['repository']} at {described['commit']} ({described['commit_date']})."
        )
    elif arguments.command == "serve":
        server, url = start(arguments.snapshot, arguments.port)
        print(f"OSV query API for the offline snapshot: {url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            server.shutdown()
    else:
        for advisory in query(load(arguments.snapshot), arguments.name, arguments.version):
            print(advisory["id"], " ".join(advisory.get("aliases", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
