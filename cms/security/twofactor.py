"""Two-factor authentication for staff: who must use it, enrolment, and checking a code.

A staff member enrols an authenticator app (TOTP, RFC 6238) and receives ten single-use
backup codes. Members of the groups in GONGSHI_TWO_FACTOR_REQUIRED_GROUPS (the approvers,
who publish, and the supervision group, who read reports) must; everyone else may. The
verified state lives in the session (django-otp's OTPMiddleware); every device throttles
wrong guesses with a doubling delay.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "身份验证器"
BACKUP_DEVICE_NAME = "备用码"
BACKUP_CODE_COUNT = 10


def is_required_for(user) -> bool:
    """Whether the account may not use the admin without a second factor."""
    required = settings.GONGSHI_TWO_FACTOR_REQUIRED_GROUPS
    return user.is_authenticated and user.groups.filter(name__in=required).exists()


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_app(user) -> TOTPDevice:
    """The authenticator being enrolled: kept unconfirmed until a code from it is typed,
    so a reloaded page shows the same secret as the app already holds."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as typed into an app by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image request, no inline style)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10
    )
    return image.to_string(encoding="unicode")


def normalised(code: str) -> str:
    """What people type: spaces and dashes dropped, backup codes in either case."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def confirm_app(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns new backup codes,
    or None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_is_allowed()[0] or not device.verify_token(normalised(code)):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Ten new single-use codes, replacing any earlier ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove(user) -> None:
    """Remove every device (an account that need not use a second factor, by its choice)."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()


@dataclass(frozen=True)
class Check:
    device: object | None  # the device that accepted the code
    wait_seconds: int = 0  # > 0: too many wrong codes, try again after this


@transaction.atomic
def check(user, code: str) -> Check:
    """Check a code against the user's authenticator, then the backup codes (a used backup
    code is deleted). A device that is still throttled after earlier wrong codes is not
    asked at all, and the wait is reported."""
    code = normalised(code)
    wait = 0
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = details.get("locked_until") if details else None
            seconds = int((until - timezone.now()).total_seconds()) + 1 if until else 1
            wait = max(wait, seconds)
            continue
        if device.verify_token(code):
            return Check(device)
    return Check(None, wait)
