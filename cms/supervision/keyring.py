"""The group's private key while a member works: unlocked with the passphrase, kept
wrapped in the session under a random key that only the member's browser holds.

The database session row alone (or a backup of it) opens nothing; the cookie alone opens
nothing; both expire GONGSHI_SUPERVISION_UNLOCK_SECONDS after the unlock, and locking or
logging out forgets both.
"""

from __future__ import annotations

import base64
import time

from django.conf import settings
from nacl.public import PrivateKey

from . import crypto
from .models import GroupKey

SESSION_KEY = "supervision_unlocked"
COOKIE_NAME = "gongshi_supervision_key"
COOKIE_PATH = "/admin/supervision/"


def unlock(request, response, passphrase: str) -> int:
    """Unlock every group key the passphrase opens; returns how many (0: wrong passphrase)."""
    wrapping_key = crypto.new_wrapping_key()
    wrapped = {}
    for key in GroupKey.objects.all():
        try:
            private_key = crypto.unlock(key.locked, passphrase)
        except crypto.EnvelopeError:
            continue
        wrapped[str(key.pk)] = _b64(crypto.wrap_private_key(private_key, wrapping_key))
    if not wrapped:
        return 0
    lifetime = settings.GONGSHI_SUPERVISION_UNLOCK_SECONDS
    request.session[SESSION_KEY] = {"keys": wrapped, "expires": time.time() + lifetime}
    response.set_cookie(
        COOKIE_NAME,
        _b64(wrapping_key),
        max_age=lifetime,
        path=COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return len(wrapped)


def private_keys(request) -> dict[int, PrivateKey]:
    """The unlocked keys by GroupKey id; empty when locked or expired."""
    unlocked = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not unlocked or not cookie or unlocked.get("expires", 0) < time.time():
        return {}
    try:
        wrapping_key = base64.b64decode(cookie, validate=True)
        return {
            int(key_id): crypto.unwrap_private_key(base64.b64decode(wrapped), wrapping_key)
            for key_id, wrapped in unlocked["keys"].items()
        }
    except (ValueError, crypto.EnvelopeError):
        return {}


def seconds_left(request) -> int:
    unlocked = request.session.get(SESSION_KEY) or {}
    return max(0, int(unlocked.get("expires", 0) - time.time()))


def lock(request, response) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
