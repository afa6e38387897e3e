"""Builds that share their unchanged directories (site/gongshi_site/shared_dirs.py):
each kept build stays exactly as it was made, whatever the publishes, full builds,
rollbacks, prunes and killed publishes after it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from incremental_support import as_json, read, tree_digest, write
from ports import free_port
from sitebuild import BUILD_DATE, FIXTURE_CONTENT, REPOSITORY

from gongshi_site import atomic, shared_dirs
from gongshi_site.serve import SiteRequestHandler
from gongshi_site.shared_dirs import store_of

ENVIRONMENT = {"GONGSHI_BUILD_DATE": BUILD_DATE}
PORT = free_port()


def _new_notice(content: Path, item_id: int) -> str:
    """A copy of a fixture notice under a new id, published today, open."""
    document, body = read(content, "notices/33.md")
    moment = "2024-06-11T09:00:00+08:00"
    document = {
        **as_json(document),
        "id": item_id,
        "uuid": f"00000000-0000-4000-8000-{item_id:012d}",
        "title": f"2024年度示例市市长质量奖候选名单公示（{item_id}）",
        "document_number": f"示质办〔2024〕{item_id}号",
        "date_signed": "2024-06-11",
        "first_published_at": moment,
        "last_published_at": moment,
        "start_date": "2024-06-11",
        "end_date": "2024-06-17",
        "attachments": [],
        "changes": [{"published_at": moment, "note": "首次发布", "is_major": True}],
    }
    return write(content, f"notices/{item_id}.md", document, body)


def _write_fixture(content: Path) -> int:
    shutil.copytree(FIXTURE_CONTENT, content, dirs_exist_ok=True)
    return 1


def _full_build(site_dir: Path) -> Path:
    return atomic.build_site(site_dir, _write_fixture, environment=ENVIRONMENT).output


@pytest.fixture
def shared_site(tmp_path):
    """A site directory whose live build is a full build (shared), its state loaded."""
    from cms.publishing import incremental

    site_dir = tmp_path / "site"
    _full_build(site_dir)
    incremental.load_state(site_dir, environment=ENVIRONMENT)
    yield site_dir
    incremental.forget_state()


def _publish_notice(site_dir: Path, number: int):
    from cms.publishing import incremental

    content = site_dir / f"scratch-{number}"
    shutil.copytree(atomic.live_output(site_dir).parent / "content", content)
    name = _new_notice(content, 80 + number)
    published = incremental.publish(
        site_dir, {name: (content / name).read_bytes()}, environment=ENVIRONMENT
    )
    shutil.rmtree(content)
    return published


def _links(tree: Path) -> dict[str, str]:
    """Every directory of a tree (followed) and the store directory it is."""
    store = os.path.realpath(store_of(tree))
    found = {}
    for directory, subdirectories, _files in os.walk(tree, followlinks=True):
        for name in subdirectories:
            path = os.path.join(directory, name)
            assert os.path.isdir(path), f"{path}: a broken link"
            if directory == str(tree):
                assert os.path.islink(path), f"{path}: a real directory at a shared tree's top"
            found[os.path.relpath(path, tree)] = os.path.realpath(path)
            assert found[os.path.relpath(path, tree)].startswith(store + os.sep)
    return found


def _covered(key: str, used: set[str]) -> bool:
    """Whether a build that links the store directories `used` uses `key` (they or a
    directory inside them)."""
    parts = key.split("/")
    return any("/".join(parts[:n]) in used for n in range(2, len(parts) + 1))


def _serve(site_dir: Path):
    handler = partial(SiteRequestHandler, site_dir=site_dir)
    server = ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _get(path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as answer:
        return answer.read()


def test_a_full_build_is_shared_and_readers_see_every_file(shared_site):
    live = atomic.live_output(shared_site)
    assert shared_dirs.is_shared(live)
    links = _links(live)
    store = (shared_site / shared_dirs.STORE).resolve()
    used = shared_dirs.used_by(live)
    assert links and all(_covered(os.path.relpath(t, store), used) for t in links.values())
    assert (live / "notices" / "33" / "index.html").is_file()
    assert len(list(shared_dirs.files(live))) > 100


def test_a_publish_shares_what_it_did_not_change_and_rollback_serves_the_old_bytes(
    shared_site,
):
    old = atomic.live_output(shared_site)
    old_digest, old_links = tree_digest(old), _links(old)
    published = _publish_notice(shared_site, 1)
    new = published.output

    assert tree_digest(old) == old_digest, "the previous build changed"
    assert _links(old) == old_links
    assert (new / "notices" / "81" / "index.html").is_file()
    assert not (old / "notices" / "81").exists()
    new_links = _links(new)
    # The directories the publish did not write are the previous build's, not copies.
    shared = {path for path in old_links if new_links.get(path) == old_links[path]}
    assert "theme" in shared and "winners" in shared
    assert "notices" not in shared  # the new notice's directory entered it
    # and only the directories of the files it wrote or removed were made anew.
    written = {os.path.relpath(path, new) for path in published.report.touched}
    on_the_way = {str(Path(path).parents[n]) for path in written for n in range(path.count("/"))}
    assert set(new_links) - shared <= on_the_way

    server = _serve(shared_site)
    try:
        new_listing = _get("/notices/")
        atomic.make_live(shared_site, old)  # the rollback: one swap of `live`
        assert _get("/notices/") == (old / "notices" / "index.html").read_bytes() != new_listing
        for path in ("notices/33/index.html", "index.html", "feeds/all.atom"):
            assert _get(f"/{path}") == (old / path).read_bytes()
    finally:
        server.shutdown()
        server.server_close()
    assert tree_digest(old) == old_digest


def test_pruning_never_breaks_a_kept_build(shared_site):
    """Publishes, a full build and a rollback, each followed by a prune: every build
    still kept is complete, its links resolve and its bytes are those it was made with,
    and the store keeps only the directories a kept build uses."""
    from cms.publishing import incremental

    made = {
        atomic.live_output(shared_site).parent.name: tree_digest(atomic.live_output(shared_site))
    }

    def check():
        incremental.wait_for_background()
        atomic.empty_trash(shared_site)
        kept = sorted((shared_site / "builds").iterdir())
        used = set()
        for build in kept:
            _links(build / "output")
            assert tree_digest(build / "output") == made[build.name], build.name
            used |= shared_dirs.used_by(build / "output")
        for spare in (shared_site / "spare").glob("*/output"):  # the next publish's fork
            used |= shared_dirs.used_by(spare)
        store = shared_site / shared_dirs.STORE
        for key in used:
            assert (store / key).is_dir(), key
        # Nothing else stays in the store but the directories holding those.
        holding = {"/".join(k.split("/")[:n]) for k in used for n in range(1, k.count("/") + 1)}
        for directory, subdirectories, _files in os.walk(store):
            for name in subdirectories:
                key = os.path.relpath(os.path.join(directory, name), store)
                assert key in holding or _covered(key, used), f"{key}: kept, unused"
        assert atomic.live_output(shared_site).parent in kept

    for number in range(atomic.KEEP_BUILDS + 1):
        output = _publish_notice(shared_site, number).output
        made[output.parent.name] = tree_digest(output)
        check()
    incremental.forget_state()
    full = _full_build(shared_site)  # shares nothing with the builds before it
    made[full.parent.name] = tree_digest(full)
    check()
    incremental.load_state(shared_site, environment=ENVIRONMENT)
    for number in range(10, 13):
        output = _publish_notice(shared_site, number).output
        made[output.parent.name] = tree_digest(output)
        check()
    # Roll back to the oldest kept build, then publish on top of it (a full build: the
    # worker's state is for another build) and prune: the rolled-back build stays whole.
    oldest = sorted((shared_site / "builds").iterdir())[0]
    atomic.make_live(shared_site, oldest / "output")
    atomic.prune(shared_site, keep=oldest)
    check()
    assert (oldest / "output" / "index.html").is_file()


KILLED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from gongshi_site import shared_dirs
from cms.publishing import incremental

site_dir, name, data = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).read_bytes()
environment = {"GONGSHI_BUILD_DATE": sys.argv[4]}
incremental.load_state(site_dir, environment=environment)
incremental.wait_for_background()
copied = shared_dirs._copy_entries
calls = []

def copy_then_die(*arguments):
    copied(*arguments)
    calls.append(arguments)
    if len(calls) == 3:  # midway through materialising the new build's directories
        os.kill(os.getpid(), signal.SIGKILL)

shared_dirs._copy_entries = copy_then_die
incremental.publish(site_dir, {name: data}, environment=environment)
"""


def test_a_killed_publish_leaves_live_as_it_was(tmp_path):
    site_dir = tmp_path / "site"
    live = _full_build(site_dir)
    before = tree_digest(live)
    links = _links(live)
    content = tmp_path / "scratch"
    shutil.copytree(live.parent / "content", content)
    name = _new_notice(content, 90)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    finished = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_PUBLISH,
            str(site_dir),
            name,
            str(content / name),
            BUILD_DATE,
        ],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == -signal.SIGKILL, finished.stderr[-2000:]
    assert atomic.live_output(site_dir) == live
    assert tree_digest(live) == before and _links(live) == links
    (killed,) = [b for b in (site_dir / "builds").iterdir() if b != live.parent]
    store = site_dir / shared_dirs.STORE
    leftovers = set(os.listdir(store)) - {live.parent.name}
    assert leftovers  # the directories it had made its own

    # The next build cleans them up; the build that was live is kept intact.
    _full_build(site_dir)
    assert not killed.exists()
    assert not set(os.listdir(store)) & leftovers
    assert tree_digest(live) == before and _links(live) == links
