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
    cache.add(secret_name, secrets.token_hex(32), SECRET_LIFETIME)
    secret = cache.get(secret_name)
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def exceeded(bucket: str, limit: tuple[int, int]) -> bool:
    """True once `bucket` has been hit `limit[0]` times within its window."""
    count, _window = limit
    return (cache.get(f"supervision:count:{bucket}") or 0) >= count


def hit(bucket: str, limit: tuple[int, int]) -> None:
    name = f"supervision:count:{bucket}"
    _count, window = limit
    if cache.add(name, 1, window):
        return
    try:
        cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, window)
