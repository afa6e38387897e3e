"""Rate limits for the public intake without keeping anyone's address.

A client is counted under HMAC(hourly secret, address): the secret is random, lives only
in the cache and expires after two hours, so an old counter cannot be linked back to an
address even by someone holding the server's settings and database. Counters expire with
their window. A production deployment shares the cache between web processes (Redis).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.core.cache import cache

SECRET_LIFETIME = 2 * 3600


def client_tag(request) -> str:
    """An opaque tag for the client during this hour; never the address itself."""
    hour = int(time.time() // 3600)
    secret_name = f"supervision:client-secret:{hour}"
    secret = cache.get(secret_name)
    if secret is None:  # the hour's first client: the first process to add it wins
        cache.add(secret_name, secrets.token_hex(32), SECRET_LIFETIME)
        secret = cache.get(secret_name)
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def take(bucket: str, limit: tuple[int, int]) -> bool:
    """Count one use of `bucket` and say whether it is within `limit` (count, window in
    seconds). One atomic increment that returns the count (cache.add, then cache.incr,
    both atomic in Redis and in the local-memory cache): of N concurrent callers with
    k uses left, exactly k are told yes. There is no separate check before the count,
    so no window in which two callers both see the last free use."""
    allowed, _window = limit
    return _increment(_name(bucket), limit[1]) <= allowed


def give_back(bucket: str) -> None:
    """Return a use taken by `take` that did not happen (refused, failed or over the
    limit), so that it does not count against the client."""
    try:
        cache.decr(_name(bucket))
    except ValueError:  # expired meanwhile: nothing to give back
        pass


def hit(bucket: str, limit: tuple[int, int]) -> int:
    """Count one use of `bucket`; the count within the window."""
    return _increment(_name(bucket), limit[1])


def _name(bucket: str) -> str:
    return f"supervision:count:{bucket}"


def _increment(name: str, window: int) -> int:
    if cache.add(name, 1, window):
        return 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        return 1 if cache.add(name, 1, window) else cache.incr(name)
    if count == 1:
        # Redis's INCR made a key that expired after Django's existence check: no expiry.
        cache.touch(name, window)
    return count
