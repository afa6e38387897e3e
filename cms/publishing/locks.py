"""One build of the public site at a time, across every worker on every machine.

`atomic.site_lock` is an fcntl lock on the local site directory: it keeps two workers on
one machine apart, and nothing more. Workers on several machines share only the
database, so on PostgreSQL a build also holds a session-level advisory lock, taken on a
connection of its own: the build's own queries may commit, roll back or reconnect
without letting the lock go, and a worker that dies loses its connection and with it
the lock, so a killed build never blocks the next one. SQLite is one machine by nature;
the file lock suffices there.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connections

from gongshi_site.atomic import BuildBusy

# pg_advisory_lock takes a bigint; any constant the project does not use elsewhere.
BUILD_LOCK_KEY = 0x67_6F_6E_67_73_68_69  # "gongshi"
REQUEST_LOCK_KEY = BUILD_LOCK_KEY + 1
POLL_SECONDS = 0.25


@contextmanager
def build_lock(wait: float | None = None, alias: str = "default"):
    """Hold the database-wide build lock; `wait` seconds at most (None: as long as it
    takes, 0: not at all), then BuildBusy."""
    if connections[alias].vendor != "postgresql":
        yield
        return
    connection = connections.create_connection(alias)
    try:
        connection.set_autocommit(True)
        with connection.cursor() as cursor:
            deadline = None if wait is None else time.monotonic() + wait
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    raise BuildBusy("另一个构建正在进行（数据库锁）")
                time.sleep(POLL_SECONDS)
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK_KEY])
    finally:
        connection.close()


def serialise_build_requests(alias: str = "default") -> None:
    """Inside a transaction: build requests one at a time until it ends.

    Two publishes on two servers at once would each find no queued build (a row lock
    cannot lock a row that does not exist yet) and queue one each; the second would then
    be claimed after builds requested later, and its number would no longer follow run
    order. On SQLite every writing transaction already starts IMMEDIATE (settings/base.py).
    """
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REQUEST_LOCK_KEY])
