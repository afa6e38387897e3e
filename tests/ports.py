"""Ports for the servers the tests start themselves (Redis, PostgreSQL, S3, HTTP).

Never a fixed number: CI runs the SQLite and the PostgreSQL suites side by side on one
machine, and two runs of one test must not meet on a port. The kernel picks a port free
now; the server binds it a moment later (another process taking it in between would be a
loud failure to bind, not a quiet mix-up).
"""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
