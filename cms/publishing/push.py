"""Push each build of the public site to object storage, the origin of a CDN.

Configured by GONGSHI_SITE_PUSH_URL (s3://bucket/prefix, off when empty); the worker
pushes after a build went live locally, still holding the build lock. In the bucket:

    <prefix>/…                               the site, at the paths it is served at
    <prefix>/.gongshi/site.json              the manifest: generation, build, every file's
                                             SHA-256; written last
    <prefix>/.gongshi/withdrawn.map          an nginx `map` of withdrawn paths (410 Gone)
    <prefix>/.gongshi/search/<gen>-<build>/… that build's search index (never overwritten)
    <prefix>/.gongshi/search/latest.json     which index is current, every file's SHA-256;
                                             what search servers pull (gongshi_site.pull)

Only files whose content changed since the pushed manifest are uploaded, in an order
that never lets a reader follow a link to a missing file: attachments and theme files
first, then the documents' own pages, then listings and the other pages, then the home
page, feeds, open data and sitemap; then the search index; deletions after everything
is uploaded; the manifest last. A push that fails half-way leaves the previous manifest
in place, so the next push compares against it and uploads everything again that may
be missing. The generation is the build's number (builds run one at a time, in order,
under the build lock): a push never replaces a newer generation with an older one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gongshi_site import shared_dirs
from gongshi_site.objectstore import S3Store, StoreError

logger = logging.getLogger(__name__)

MANIFEST = ".gongshi/site.json"
WITHDRAWN_MAP = ".gongshi/withdrawn.map"
SEARCH_PREFIX = ".gongshi/search/"
SEARCH_LATEST = SEARCH_PREFIX + "latest.json"
KEEP_SEARCH_BUILDS = 3  # the current index and two before it, for search servers mid-pull

TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT,
    ".atom": "application/atom+xml" + TEXT,
    ".rss": "application/rss+xml" + TEXT,
    ".xml": "application/xml" + TEXT,
    ".json": "application/json" + TEXT,
    ".csv": "text/csv" + TEXT,
    ".txt": "text/plain" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
# Pages, feeds and data change with every publish: a CDN keeps them a minute at most.
# Theme files keep their names across releases; attachments keep theirs while a document
# lives, and a replaced file gets a new name from the CMS.
CHANGING = "public, max-age=60"
THEME = "public, max-age=3600"
ATTACHMENT = "public, max-age=86400"
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
DOCUMENT_PAGE = re.compile(r"^(notices|calls|decisions|revocations)/\d+/")


class PushFailed(Exception):
    """The push did not complete; the previous manifest is still the pushed site."""


@dataclass
class PushResult:
    uploaded: int
    deleted: int
    unchanged: int
    skipped: bool = False  # a newer generation was pushed already


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def cache_control(path: str) -> str:
    if path.startswith("theme/"):
        return THEME
    if path.startswith("attachments/"):
        return ATTACHMENT
    return CHANGING


def upload_tier(path: str) -> int:
    """Earlier tiers are linked from later ones and go up first."""
    if path.startswith(("attachments/", "theme/")) or content_type(path).startswith(
        ("image/", "font/")
    ):
        return 0
    if DOCUMENT_PAGE.match(path):
        return 1
    if path == "index.html" or path.startswith(("feeds/", "data/")) or "/" not in path:
        return 3  # the home page, feeds, open data, sitemap, withdrawn.json, 404.html
    return 2


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_tree(root: Path, gone: set[str] = frozenset()) -> dict[str, dict]:
    """Every file under `root` by its path, with SHA-256 and size (and `gone` for the
    pages of withdrawn items, which the web server answers with 410)."""
    files = {}
    for file in sorted(shared_dirs.files(root)):  # a build's directories are symlinks
        if file.is_file():
            path = file.relative_to(root).as_posix()
            entry = {"sha256": sha256_of(file), "size": file.stat().st_size}
            if path in gone:
                entry["gone"] = True
            files[path] = entry
    return files


def withdrawn_pages(output_dir: Path) -> list[str]:
    """The URL paths (`/notices/12/`) of the withdrawn items this build lists."""
    try:
        items = json.loads((output_dir / "withdrawn.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted(item["path"] for item in items)


def nginx_map(paths: list[str]) -> str:
    """`map $uri $gongshi_gone { include …; }` lines: both forms nginx may see."""
    lines = ["# Withdrawn items: answer 410 Gone (written by every push; docs/scaling.md)"]
    for path in paths:
        lines.append(f'"{path}" 1;')
        lines.append(f'"{path}index.html" 1;')
    return "\n".join(lines) + "\n"


def push_build(
    store: S3Store, generation: int, name: str, output_dir: Path, search_dir: Path | None
) -> PushResult:
    """Push one build's `output_dir` (and its search index) to `store`."""
    try:
        return _push(store, generation, name, Path(output_dir), search_dir)
    except StoreError as error:
        raise PushFailed(str(error)) from error


def _push(store, generation, name, output_dir, search_dir) -> PushResult:
    pushed = json.loads(store.get(MANIFEST) or b'{"generation": 0, "files": {}}')
    if pushed["generation"] > generation:
        logger.info("skip push of build %s: generation %s is pushed", generation, pushed)
        return PushResult(0, 0, 0, skipped=True)
    gone_paths = withdrawn_pages(output_dir)
    gone = {path.lstrip("/") + "index.html" for path in gone_paths}
    files = describe_tree(output_dir, gone)
    changed = sorted(
        (path for path, entry in files.items() if pushed["files"].get(path) != entry),
        key=lambda path: (upload_tier(path), path),
    )
    for path in changed:
        metadata = {"sha256": files[path]["sha256"]}
        if files[path].get("gone"):
            metadata["gongshi-status"] = "410"
        store.put(
            path,
            (output_dir / path).read_bytes(),
            content_type=content_type(path),
            cache_control=cache_control(path),
            metadata=metadata,
            # served from the bucket as from nginx: a download (ADR 23)
            content_disposition="attachment" if path.startswith("attachments/") else None,
        )
    if search_dir is not None and (search_dir / "READY").is_file():
        _push_search(store, generation, name, search_dir)
    store.put(
        WITHDRAWN_MAP,
        nginx_map(gone_paths).encode(),
        content_type="text/plain" + TEXT,
        cache_control=NO_CACHE,
    )
    removed = sorted(set(pushed["files"]) - set(files))
    if removed:
        store.delete(removed)
    manifest = {
        "generation": generation,
        "build": name,
        "pushed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "withdrawn": gone_paths,
        "files": files,
    }
    store.put(
        MANIFEST,
        json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode(),
        content_type=CONTENT_TYPES[".json"],
        cache_control=NO_CACHE,
    )
    return PushResult(len(changed), len(removed), len(files) - len(changed))


def _push_search(store, generation: int, name: str, search_dir: Path) -> None:
    """The index into a prefix of its own, then latest.json pointing at it, then the
    prefixes of older indexes beyond the last few. Prefixes start with the generation,
    so they sort in build order whatever the clocks of the workers' machines say."""
    version = f"{generation:012d}-{name}"
    files = describe_tree(search_dir)
    for path in sorted(files, key=lambda path: path == "READY"):  # READY last
        store.put(
            f"{SEARCH_PREFIX}{version}/{path}",
            (search_dir / path).read_bytes(),
            content_type=content_type(path),
            cache_control=IMMUTABLE,
            metadata={"sha256": files[path]["sha256"]},
        )
    latest = {"generation": generation, "build": version, "files": files}
    store.put(
        SEARCH_LATEST,
        json.dumps(latest, ensure_ascii=False, sort_keys=True).encode(),
        content_type=CONTENT_TYPES[".json"],
        cache_control=NO_CACHE,
    )
    stored = [path for path in store.list(SEARCH_PREFIX) if path != SEARCH_LATEST]
    versions = sorted({path[len(SEARCH_PREFIX) :].split("/", 1)[0] for path in stored})
    keep = set(versions[-KEEP_SEARCH_BUILDS:]) | {version}
    stale = [path for path in stored if path[len(SEARCH_PREFIX) :].split("/", 1)[0] not in keep]
    if stale:
        store.delete(stale)


def configured_store() -> S3Store | None:
    """The store GONGSHI_SITE_PUSH_* settings name, or None when pushing is off."""
    from django.conf import settings

    url = getattr(settings, "GONGSHI_SITE_PUSH_URL", "")
    if not url:
        return None
    return S3Store(
        url,
        endpoint_url=getattr(settings, "GONGSHI_SITE_PUSH_ENDPOINT_URL", None),
        region=getattr(settings, "GONGSHI_SITE_PUSH_REGION", None),
        access_key=getattr(settings, "GONGSHI_SITE_PUSH_ACCESS_KEY_ID", None),
        secret_key=getattr(settings, "GONGSHI_SITE_PUSH_SECRET_ACCESS_KEY", None),
    )


def push_configured_build(generation: int, result) -> str:
    """Push a build that just went live, if pushing is configured; the reason it failed,
    for the build's record, or "" when it was pushed (or there is nothing to push to)."""
    try:
        store = configured_store()
    except StoreError as error:
        return f"站点已在本机构建，但推送到对象存储失败（配置错误）：{error}"
    if store is None:
        return ""
    try:
        pushed = push_build(
            store, generation, result.name, result.output, result.output.parent / "search"
        )
    except PushFailed as error:
        return f"站点已在本机构建，但推送到对象存储失败，公众看到的仍是上次推送的版本；下次构建会重新推送。\n{error}"
    logger.info(
        "build %s pushed: %s uploaded, %s deleted, %s unchanged",
        generation,
        pushed.uploaded,
        pushed.deleted,
        pushed.unchanged,
    )
    return ""
