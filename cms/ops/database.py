"""Dump and restore the database: pg_dump's custom format on PostgreSQL, SQLite's online
backup API on SQLite (never a copy of a live file, which may be mid-transaction)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

POSTGRESQL = "postgresql"
SQLITE = "sqlite3"


class DatabaseError(Exception):
    pass


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in (POSTGRESQL, "sqlite"):
        raise DatabaseError(f"不支持备份 {vendor} 数据库")
    return POSTGRESQL if vendor == POSTGRESQL else SQLITE


def dump_name(kind: str) -> str:
    return "database/postgresql.dump" if kind == POSTGRESQL else "database/sqlite3.db"


def dump(target: Path, alias: str = "default") -> None:
    kind = engine(alias)
    if kind == POSTGRESQL:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], alias)
    else:
        source = sqlite3.connect(connections[alias].settings_dict["NAME"])
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()


def is_empty(alias: str = "default") -> bool:
    """No tables at all: a fresh database, before `migrate`."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(dump_file: Path, kind: str, force: bool, alias: str = "default") -> None:
    """Restore all or nothing: one transaction on PostgreSQL, a file swapped in with
    rename(2) on SQLite."""
    if kind != engine(alias):
        raise DatabaseError(f"备份来自 {kind} 数据库，不能恢复到 {engine(alias)} 数据库")
    connections[alias].close()
    if kind == POSTGRESQL:
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            [
                "pg_restore",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                *clean,
                str(dump_file),
            ],
            alias,
            database_flag=True,
        )
        return
    name = Path(connections[alias].settings_dict["NAME"])
    staging = name.with_name(name.name + ".restoring")
    staging.unlink(missing_ok=True)
    source = sqlite3.connect(dump_file)
    copy = sqlite3.connect(staging)
    # Django's CHECK constraints call REGEXP, which SQLite lacks until Django adds it.
    copy.create_function("REGEXP", 2, _regexp, deterministic=True)
    try:
        with copy:
            source.backup(copy)
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise DatabaseError(f"SQLite 完整性检查失败：{verdict}")
    except BaseException:
        copy.close()
        staging.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    os.replace(staging, name)


def _regexp(pattern, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _run(command: list[str], alias: str, database_flag: bool = False) -> None:
    settings = connections[alias].settings_dict
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    options = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            options += [flag, str(settings[key])]
    options += ["--dbname", settings["NAME"]] if database_flag else [settings["NAME"]]
    finished = subprocess.run(
        [command[0], *options, *command[1:]], env=environment, capture_output=True, text=True
    )
    if finished.returncode != 0:
        raise DatabaseError(
            f"{command[0]} 失败（退出码 {finished.returncode}）：{finished.stderr[-2000:]}"
        )
