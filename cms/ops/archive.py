"""The backup archive: a tar file whose manifest lists every member with its SHA-256.

No Django here. Layout inside `gongshi-backup-<UTC time>.tar`:

    manifest.json                 format, creation time, database engine, migrations,
                                  and {path: {sha256, size}} of every other member
    database/postgresql.dump      pg_dump custom format   (or database/sqlite3.db)
    media/...                     MEDIA_ROOT, when media lives on local disk
    supervision/group-keys.json   the group's public and locked private keys
    content/...                   content/ of the live build
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = "gongshi-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive is unreadable, incomplete, or does not match its manifest."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Member:
    name: str  # the path inside the archive
    source: Path


def collect_tree(prefix: str, root: Path) -> list[Member]:
    """Every regular file under `root`, named `prefix/<relative path>`, in a stable order."""
    root = Path(root)
    if not root.is_dir():
        return []
    members = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                relative = path.relative_to(root).as_posix()
                members.append(Member(f"{prefix}/{relative}", path))
    return members


def write(target: Path, members: list[Member], facts: dict) -> dict:
    """Write the archive to `target` (through a temporary name, so a partial archive never
    carries the final name); returns the manifest."""
    files = {}
    for member in members:
        files[member.name] = {
            "sha256": sha256_of(member.source),
            "size": member.source.stat().st_size,
        }
    manifest = {"format": FORMAT, **facts, "files": files}
    partial = target.with_name(target.name + ".partial")
    manifest_file = target.with_name(target.name + ".manifest")
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            for member in members:
                archive.add(member.source, arcname=member.name, recursive=False)
        os.replace(partial, target)
    finally:
        manifest_file.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    target.with_name(target.name + ".sha256").write_text(
        f"{sha256_of(target)}  {target.name}\n", encoding="ascii"
    )
    return manifest


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r") as archive:
            handle = archive.extractfile(MANIFEST)
            manifest = json.loads(handle.read().decode("utf-8"))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise ArchiveError(f"无法读取备份清单 {MANIFEST}：{error}") from error
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"不认识的备份格式：{manifest.get('format')!r}")
    return manifest


def verify_and_extract(archive_path: Path, destination: Path) -> dict:
    """Check every member against the manifest while extracting into `destination` (an
    empty staging directory); raises ArchiveError on any missing, extra, unsafe or
    altered member. Returns the manifest."""
    manifest = read_manifest(archive_path)
    expected = manifest["files"]
    seen = set()
    destination = Path(destination)
    try:
        with tarfile.open(archive_path, "r") as archive:
            for info in archive:
                if info.name == MANIFEST:
                    continue
                if not _safe(info):
                    raise ArchiveError(f"备份中有不安全的条目：{info.name}")
                if info.name not in expected:
                    raise ArchiveError(f"备份中有清单未列出的文件：{info.name}")
                target = destination / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = archive.extractfile(info)
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[info.name]["sha256"]:
                    raise ArchiveError(f"校验和不符，备份已损坏：{info.name}")
                seen.add(info.name)
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"备份文件不完整或已损坏：{error}") from error
    if missing := sorted(set(expected) - seen):
        raise ArchiveError(f"备份缺少清单列出的文件：{', '.join(missing[:5])}")
    return manifest


def _safe(info: tarfile.TarInfo) -> bool:
    path = PurePosixPath(info.name)
    return info.isfile() and not path.is_absolute() and ".." not in path.parts
