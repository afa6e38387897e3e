"""Two-factor authentication in tests: approvers and the supervision group must use it,
so the `users` fixture gives them an authenticator with a known key, and `log_in` signs a
test client in as someone who has typed the code."""

from __future__ import annotations

import time
from binascii import unhexlify

# The key of RFC 6238's test vectors (hex), never a real account's.
KNOWN_KEY = "3132333435363738393031323334353637383930"


def add_authenticator(user, key: str = KNOWN_KEY):
    """A confirmed TOTP device for `user` with `key`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="身份验证器", key=key, confirmed=True)


def code_for(key: str = KNOWN_KEY, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `key` now. A code is accepted once, one
    step (30 s) early at most: a second sign-in within the same step uses steps_ahead=1."""
    from django_otp.oath import TOTP

    generator = TOTP(unhexlify(key))
    generator.time = time.time() + 30 * steps_ahead
    return f"{generator.token():06d}"


def log_in(client, user) -> None:
    """Sign `client` in as `user`, past the second step where the user has a device."""
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    client.force_login(user)
    device = next(iter(devices_for_user(user)), None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
