"""Back up and restore everything the platform cannot rebuild: the database, media, the
supervision group's keys and the content/ of the live build (docs/backup.md)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from wagtail.models import Site

from cms.publishing import builds
from gongshi_site import atomic

from . import archive, database

KEYS_NAME = "supervision/group-keys.json"


class RestoreRefused(Exception):
    """Nothing was changed: the reason says what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def media_on_local_disk() -> bool:
    return isinstance(default_storage, FileSystemStorage)


def create(directory: Path) -> BackupResult:
    """Write `gongshi-backup-<UTC time>.tar` (and its .sha256) into `directory`."""
    started = time.monotonic()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    moment = datetime.now(UTC)
    target = directory / f"gongshi-backup-{moment:%Y%m%dT%H%M%S%fZ}.tar"
    kind = database.engine()
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
        scratch = Path(scratch)
        dump_file = scratch / "database.dump"
        database.dump(dump_file)
        keys_file = scratch / "group-keys.json"
        keys_file.write_text(json.dumps(_group_keys(), indent=2), encoding="utf-8")
        members = [
            archive.Member(database.dump_name(kind), dump_file),
            archive.Member(KEYS_NAME, keys_file),
        ]
        if media_on_local_disk():
            members += archive.collect_tree("media", Path(settings.MEDIA_ROOT))
        live = atomic.live_output(builds.site_dir())
        if live is not None:
            members += archive.collect_tree("content", live.parent / "content")
        facts = {
            "created_at": moment.isoformat(),
            "database": kind,
            "migrations": _applied_migrations(),
            "media": "included"
            if media_on_local_disk()
            else "object storage, backed up by its own means",
            "live_build": live.parent.name if live else None,
        }
        manifest = archive.write(target, members, facts)
    return BackupResult(target, manifest, time.monotonic() - started)


def restore(archive_path: Path, force: bool = False) -> dict:
    """Restore a backup, all or nothing. Checks the archive against its manifest and the
    target for emptiness before changing anything; returns the manifest."""
    archive_path = Path(archive_path)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as staging:
        staging = Path(staging)
        manifest = archive.verify_and_extract(archive_path, staging)
        if not force:
            if not database.is_empty():
                raise RestoreRefused(
                    "目标数据库不是空的：恢复只写入空数据库（新建一个空库，或加 --force 覆盖现有数据）。"
                )
            if media_on_local_disk() and _has_files(media_root):
                raise RestoreRefused(
                    f"媒体目录 {media_root} 不是空的：请清空它，或加 --force 覆盖。"
                )
        database.restore(
            staging / database.dump_name(manifest["database"]), manifest["database"], force
        )
        # A shared cache still holds the replaced database's sites (their root paths).
        Site.clear_site_root_paths_cache()
        if manifest["media"] == "included" and media_on_local_disk():
            _swap_in(staging / "media", media_root)
        content = staging / "content"
        if content.is_dir():
            _publish_archived_content(content)
    return manifest


def _publish_archived_content(content: Path) -> None:
    """Serve the backed-up public site again at once, before any worker runs: the content/
    of the live build, built as any build is."""

    def copy(directory: Path) -> int:
        shutil.copytree(content, directory, dirs_exist_ok=True)
        return sum(1 for _ in directory.rglob("*.md"))

    atomic.build_site(
        builds.site_dir(),
        copy,
        settings_file=Path(settings.GONGSHI_PELICAN_SETTINGS),
        timeout=settings.GONGSHI_BUILD_TIMEOUT,
        environment=builds._pelican_environment(),
    )


def _swap_in(staged: Path, media_root: Path) -> None:
    staged.mkdir(exist_ok=True)
    replaced = media_root.with_name(f"{media_root.name}.replaced-{time.time_ns()}")
    if media_root.exists():
        media_root.rename(replaced)
    try:
        shutil.move(staged, media_root)
    except BaseException:
        if replaced.exists():
            shutil.rmtree(media_root, ignore_errors=True)
            replaced.rename(media_root)
        raise
    shutil.rmtree(replaced, ignore_errors=True)


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(path.is_file() for path in directory.rglob("*"))


def _group_keys() -> list[dict]:
    """A second copy of what opens the cases: the group's public keys and private keys,
    the latter locked under the passphrase, which is never stored anywhere."""
    from cms.supervision.models import GroupKey

    return [
        {
            "id": key.pk,
            "fingerprint": key.fingerprint,
            "public_key": bytes(key.public_key).hex(),
            "locked_private_key": bytes(key.locked_private_key).hex(),
            "salt": bytes(key.salt).hex(),
            "opslimit": key.opslimit,
            "memlimit": key.memlimit,
            "created_at": key.created_at.isoformat(),
            "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in GroupKey.objects.order_by("pk")
    ]


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    recorder = MigrationRecorder(connections["default"])
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied
