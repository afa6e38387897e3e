"""Bring the latest search index from object storage onto a search server.

    python -m gongshi_site.pull --from s3://bucket/prefix --site-dir /srv/gongshi-search
    python -m gongshi_site.pull --from https://zlj.example.gov.cn --site-dir … --every 60

Every build's worker pushes the index next to the site (cms/publishing/push.py:
`.gongshi/search/latest.json` names it and lists every file's SHA-256). This fetches the
index named there into a fresh `<site dir>/builds/<build>/search/`, checks every file
against the list and that the index opens, and only then swaps `<site dir>/live` to
`builds/<build>/output` with rename(2), the layout the search service (service.py,
unchanged) reads: it opens the new index on its next request, never a half-copied one.
An index older than the one in place is never switched to. No Django; for s3:// the
endpoint and keys come from --endpoint-url or GONGSHI_SITE_PUSH_ENDPOINT_URL,
GONGSHI_SITE_PUSH_REGION and boto3's own chain (AWS_ACCESS_KEY_ID…).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from gongshi.search import engine

from . import atomic
from .objectstore import StoreError, open_store

logger = logging.getLogger(__name__)
LATEST = ".gongshi/search/latest.json"
PULLED = "pulled.json"  # beside search/: what was pulled, its generation
KEEP = 3  # the live build and two before it: a request may still read an old index


class PullFailed(Exception):
    """The index was not pulled; `live` was left as it was."""


def current_generation(site_dir: Path) -> int:
    try:
        output = (site_dir / "live").resolve()
        return json.loads((output.parent / PULLED).read_text(encoding="utf-8"))["generation"]
    except (OSError, ValueError, KeyError):
        return 0


def pull(store, site_dir: Path) -> str | None:
    """Fetch and switch to the latest index; returns its build name, or None when the one
    in place is already the latest (or newer)."""
    site_dir = Path(site_dir)
    try:
        raw = store.get(LATEST)
    except StoreError as error:
        raise PullFailed(str(error)) from error
    if raw is None:
        raise PullFailed(f"对象存储中还没有搜索索引（{LATEST}）")
    latest = json.loads(raw)
    name, generation = latest["build"], latest["generation"]
    if not name or "/" in name or name.startswith("."):
        raise PullFailed(f"索引名称不合法：{name!r}")
    if generation <= current_generation(site_dir):
        return None
    if "READY" not in latest["files"]:
        raise PullFailed("索引清单中没有 READY：推送不完整")
    builds = site_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    incoming = builds / f".incoming-{name}-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        _fetch(store, f".gongshi/search/{name}/", latest["files"], incoming / "search")
        engine.SearchIndex(incoming / "search").close()  # it opens: whoosh can read it
        (incoming / "output").mkdir()
        (incoming / PULLED).write_text(json.dumps({"generation": generation, "build": name}))
        target = builds / name
        shutil.rmtree(target, ignore_errors=True)  # a pull of it cut off before the switch
        os.replace(incoming, target)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    atomic.make_live(site_dir, target / "output")  # the swap the site's builds use
    _prune(builds, keep=target)
    return name


def _fetch(store, prefix: str, files: dict, directory: Path) -> None:
    directory.mkdir(parents=True)
    for path, expected in files.items():
        if path.startswith("/") or ".." in Path(path).parts:
            raise PullFailed(f"索引文件名不合法：{path!r}")
        try:
            data = store.get(prefix + path)
        except StoreError as error:
            raise PullFailed(str(error)) from error
        if data is None:
            raise PullFailed(f"索引文件缺失：{prefix}{path}")
        if len(data) != expected["size"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise PullFailed(f"索引文件校验失败：{prefix}{path}")
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if not engine.is_ready(directory):
        raise PullFailed("索引不完整（没有 READY）")


def _prune(builds: Path, keep: Path) -> None:
    pulled = sorted(path for path in builds.iterdir() if (path / PULLED).is_file())
    for old in [path for path in pulled if path != keep][: -(KEEP - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从对象存储拉取最新的搜索索引并切换。")
    parser.add_argument("--from", dest="source", required=True, help="s3://桶/前缀 或 https://站点")
    parser.add_argument("--site-dir", type=Path, required=True, help="搜索服务的站点目录")
    parser.add_argument(
        "--endpoint-url", default=os.environ.get("GONGSHI_SITE_PUSH_ENDPOINT_URL") or None
    )
    parser.add_argument("--region", default=os.environ.get("GONGSHI_SITE_PUSH_REGION") or None)
    parser.add_argument(
        "--every", type=float, default=0, help="每隔多少秒再拉取一次（默认只拉取一次）"
    )
    arguments = parser.parse_args(argv)
    options = {}
    if arguments.source.startswith("s3://"):
        options = {"endpoint_url": arguments.endpoint_url, "region": arguments.region}
    store = open_store(arguments.source, **options)
    arguments.site_dir.mkdir(parents=True, exist_ok=True)
    (arguments.site_dir / "builds").mkdir(exist_ok=True)
    while True:
        try:
            name = pull(store, arguments.site_dir.resolve())
        except PullFailed as error:
            print(f"拉取失败，继续使用现有索引：{error}", file=sys.stderr)
            if not arguments.every:
                return 1
        else:
            if name:
                print(f"已切换到索引 {name}")
        if not arguments.every:
            return 0
        time.sleep(arguments.every)


if __name__ == "__main__":
    sys.exit(main())
