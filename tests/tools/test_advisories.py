"""tools/advisories.py: the offline PyPA advisory snapshot — refreshing it from a copy of
pypa/advisory-database, deciding which advisories cover a version, and answering OSV's
query API on loopback. Matching runs against real advisories in the committed snapshot."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import advisories
import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

MIRROR = Path("/work/.mirror/pypa+advisory-database/repo")


@pytest.fixture(scope="module")
def index():
    return advisories.load()


def ids(found: list[dict]) -> set[str]:
    return {advisory["id"] for advisory in found}


def test_django_3_2_0_is_covered_by_the_advisories_of_its_time(index):
    found = advisories.query(index, "django", "3.2.0")
    # CVE-2021-31542 (directory traversal in uploads, fixed in 3.2.1), listed as "3.2".
    assert {"PYSEC-2021-7", "PYSEC-2021-98", "PYSEC-2022-1", "PYSEC-2024-47"} <= ids(found)
    traversal = next(item for item in found if item["id"] == "PYSEC-2021-7")
    assert "GHSA-rxjp-mfm9-w4wr" in traversal["aliases"]


def test_a_fixed_release_is_out_of_that_range_but_not_of_later_ones(index):
    found = ids(advisories.query(index, "Django", "3.2.1"))
    assert "PYSEC-2021-7" not in found  # fixed: 3.2.1
    assert "PYSEC-2021-98" in found  # fixed in 3.2.4


def test_a_current_release_has_no_advisory_in_the_snapshot(index):
    assert advisories.query(index, "django", "5.2.19") == []
    assert advisories.query(index, "django", "5.2.8") == []


def test_names_are_compared_normalised(index):
    assert ids(advisories.query(index, "Jinja2", "2.10")) == ids(
        advisories.query(index, "jinja2", "2.10")
    )
    assert advisories.query(index, "jinja2", "2.10")


ADVISORY = {
    "id": "TEST-1",
    "affected": [
        {
            "package": {"name": "example-pkg", "ecosystem": "PyPI"},
            # out of order on purpose: OSV does not promise ordered events
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "2.0"},
                        {"last_affected": "2.3"},
                        {"introduced": "0"},
                        {"fixed": "1.4.2"},
                    ],
                },
                {"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
            ],
            "versions": ["9.9.dev-odd"],
        }
    ],
}


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.1", True),
        ("1.4.1", True),
        ("1.4.2", False),
        ("1.9", False),
        ("2.0", True),
        ("2.3", True),
        ("2.3.1", False),
        ("3.0", False),
        ("9.9.dev-odd", True),  # listed, though no version parser could read it
        ("not-a-version", True),  # unreadable and the ranges cannot rule it out
    ],
)
def test_ranges_with_introduced_fixed_and_last_affected(version, affected):
    assert advisories.affects(ADVISORY, "example-pkg", version) is affected


def test_an_unreadable_range_bound_counts_as_affected_and_withdrawn_as_nothing():
    unreadable = {
        "id": "TEST-2",
        "affected": [
            {
                "package": {"name": "example_pkg", "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "??"}]}],
            }
        ],
    }
    assert advisories.affects(unreadable, "example-pkg", "5.0")
    assert not advisories.affects(
        {**unreadable, "withdrawn": "2024-01-01T00:00:00Z"}, "example-pkg", "5.0"
    )
    assert not advisories.affects(unreadable, "other-pkg", "5.0")


@pytest.fixture(scope="module")
def server():
    running, url = advisories.start()
    yield url.removesuffix("/v1/query")
    running.shutdown()
    running.server_close()


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_server_answers_osv_queries(server):
    package = {"name": "django", "ecosystem": "PyPI"}
    status, document = post(f"{server}/v1/query", {"package": package, "version": "3.2.0"})
    assert status == 200
    traversal = next(item for item in document["vulns"] if item["id"] == "PYSEC-2021-7")
    assert traversal["affected"][0]["ranges"][0]["events"][-1] == {"fixed": "3.2.1"}
    assert traversal["published"] == "2021-05-05T15:15:00Z"
    status, document = post(f"{server}/v1/query", {"package": package, "version": "5.2.19"})
    assert (status, document) == (200, {})


def test_the_server_answers_batches_and_refuses_what_it_cannot_answer(server):
    queries = [
        {"package": {"name": "django", "ecosystem": "PyPI"}, "version": "3.2.0"},
        {"package": {"name": "django", "ecosystem": "PyPI"}, "version": "5.2.19"},
        {"package": {"name": "django", "ecosystem": "npm"}, "version": "3.2.0"},
    ]
    status, document = post(f"{server}/v1/querybatch", {"queries": queries})
    assert status == 200
    first, second, third = document["results"]
    assert "PYSEC-2021-7" in {item["id"] for item in first["vulns"]}
    assert set(first["vulns"][0]) == {"id", "modified"}
    assert second == third == {}
    assert post(f"{server}/v1/query", {"commit": "abc"})[0] == 400
    assert post(f"{server}/v2/query", {})[0] == 404


def lock(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text(
        "".join(f"{name}==1.0 \\\n    --hash=sha256:00\n    # via x\n" for name in names)
    )
    return path


def test_refresh_from_a_checkout_copies_the_locked_packages_only(tmp_path):
    checkout = tmp_path / "advisory-database"
    for folder, file in [("Example_Pkg", "PYSEC-1.yaml"), ("unlocked", "PYSEC-2.yaml")]:
        (checkout / "vulns" / folder).mkdir(parents=True)
        (checkout / "vulns" / folder / file).write_text("id: X\n")
    snapshot = tmp_path / "snapshot"
    (snapshot / "stale").mkdir(parents=True)
    (snapshot / "README.md").write_text("kept")
    described = advisories.refresh(checkout, lock(tmp_path, "example.pkg", "absent"), snapshot)
    assert sorted(path.relative_to(snapshot).as_posix() for path in snapshot.rglob("*.*")) == [
        "README.md",
        "SOURCE.json",
        "example-pkg/PYSEC-1.yaml",
    ]
    assert described["packages"] == {"example-pkg": 1}
    assert described["license"] == "CC-BY-4.0" and described["commit"] is None


@pytest.mark.skipif(not MIRROR.exists(), reason="no local copy of pypa/advisory-database")
def test_refresh_from_a_git_directory_records_the_commit(tmp_path):
    snapshot = tmp_path / "snapshot"
    head = subprocess.run(
        ["git", "-C", str(MIRROR), "log", "-1", "--format=%H %cI"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    advisories.refresh(MIRROR, lock(tmp_path, "Django", "PyYAML", "whoosh"), snapshot)
    source = json.loads((snapshot / "SOURCE.json").read_text())
    assert [source["commit"], source["commit_date"]] == head
    assert set(source["packages"]) == {"django", "pyyaml"}
    original = subprocess.run(
        ["git", "-C", str(MIRROR), "show", "HEAD:vulns/django/PYSEC-2021-7.yaml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (snapshot / "django" / "PYSEC-2021-7.yaml").read_text() == original


def test_the_committed_snapshot_says_where_it_comes_from():
    source = advisories.describe()
    assert source["repository"] == "https://github.com/pypa/advisory-database"
    assert len(source["commit"]) == 40 and source["license"] == "CC-BY-4.0"
    folders = {path.name for path in advisories.SNAPSHOT.iterdir() if path.is_dir()}
    assert folders == set(source["packages"])
    assert set(source["packages"]) <= set(advisories.locked_names(REPOSITORY / "requirements.lock"))
