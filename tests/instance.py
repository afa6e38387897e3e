"""A separate instance of the CMS (its own database, media and site directory) driven
through manage.py in subprocesses, as an operator drives one: for the backup, restore,
fault and upgrade tests, which need processes to kill and databases to start empty."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gongshi_site import shared_dirs

REPOSITORY = Path(__file__).resolve().parents[1]
TESTS = REPOSITORY / "tests"
BUILD_DATE = "2024-06-12"  # as the golden test: the built site does not depend on today


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def new_database_url(tmp_path: Path, label: str) -> str:
    """A new empty database: a SQLite file in tmp_path, or a new PostgreSQL database beside
    the one DATABASE_URL names when the suite runs on PostgreSQL."""
    server = postgres_url()
    if server is None:
        return f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
    parts = urlsplit(server)
    name = f"{parts.path.lstrip('/') or 'gongshi'}_{label}_{uuid.uuid4().hex[:8]}"
    create_postgres_database(server, name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def create_postgres_database(url: str, name: str) -> None:
    with _admin_connection(url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Instance:
    root: Path
    database_url: str

    @property
    def media_root(self) -> Path:
        return self.root / "media"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def live(self) -> Path:
        return self.site_dir / "live"

    def environment(self, **extra) -> dict:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
        environment.update(
            DJANGO_SETTINGS_MODULE="instance_settings",
            PYTHONPATH=os.pathsep.join([str(TESTS), str(REPOSITORY)]),
            DATABASE_URL=self.database_url,
            GONGSHI_INSTANCE_MEDIA_ROOT=str(self.media_root),
            GONGSHI_INSTANCE_SITE_DIR=str(self.site_dir),
            GONGSHI_BUILD_DATE=BUILD_DATE,
        )
        environment.update(extra)
        return environment

    def command(self, *arguments) -> list[str]:
        return [sys.executable, str(REPOSITORY / "manage.py"), *arguments]

    def manage(self, *arguments, check=True, timeout=300, **extra) -> subprocess.CompletedProcess:
        finished = subprocess.run(
            self.command(*arguments),
            cwd=REPOSITORY,
            env=self.environment(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and finished.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(arguments)} failed ({finished.returncode}):\n"
                f"{finished.stdout}\n{finished.stderr}"
            )
        return finished

    def shell(self, code: str, **extra) -> str:
        return self.manage("shell", "-v0", "-c", code, **extra).stdout

    def start(self, *arguments, **extra) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*arguments),
            cwd=REPOSITORY,
            env=self.environment(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def drop(self) -> None:
        if postgres_url() and self.database_url.startswith("postgres"):
            drop_postgres_database(self.database_url)


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Every file missing, extra or different between two built sites; [] if identical."""

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in shared_dirs.files(root)}

    before, after = files(expected), files(actual)
    return [
        f"{'missing' if name not in after else 'extra' if name not in before else 'differs'}: {name}"
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]
