"""TOTP devices and recovery codes (django-otp), with row locks so a code works only once even
under concurrent requests (django-otp refuses a time step at or below the last one used).

Neither secret is readable from a database dump: the TOTP seed is encrypted with the
field-encryption keys (``jetops.models.EncryptedTOTPDevice``), and recovery codes are stored
as a slow salted hash (PBKDF2-SHA256, salted with their device) in django-otp's static tokens,
which django-otp then matches and deletes like plain ones: single use, throttled.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets

import qrcode
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from jetops.models import EncryptedTOTPDevice, User

RECOVERY_DEVICE_NAME = "recovery"
# Codes issued before they were hashed have 40 bits: the stretching keeps them out of reach of
# a dump too. New codes have 80 bits.
RECOVERY_HASH_ITERATIONS = 100_000


def recovery_code_normalise(code: str) -> str:
    return code.replace("-", "").replace(" ", "").strip().lower()


def recovery_code_digest(device_id: int, code: str) -> str:
    """What the database keeps of a recovery code: 80 bits of its salted PBKDF2 hash, in the
    16 characters of django-otp's token column."""
    digest = hashlib.pbkdf2_hmac(
        "sha256",
        recovery_code_normalise(code).encode(),
        f"jetops-recovery:{device_id}".encode(),
        RECOVERY_HASH_ITERATIONS,
    )
    return base64.b32encode(digest[:10]).decode().lower()


def recovery_code_verify(device: StaticDevice, code: str) -> bool:
    """django-otp's single-use check, by hash."""
    return bool(device.verify_token(recovery_code_digest(device.pk, code)))


def otp_enabled(user: User) -> bool:
    return EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_required(user: User) -> bool:
    """2FA is mandatory for staff roles (setting) and for anyone who enrolled."""
    return otp_enabled(user) or (settings.OTP_REQUIRED_FOR_STAFF and user.is_staff)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


@transaction.atomic
def otp_verify(user: User, code: str, *, allow_recovery: bool = True) -> bool:
    """True when ``code`` is a valid, unused TOTP code (or recovery code) of the user."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return False
    device = EncryptedTOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None and code.isdigit() and device.verify_token(code):
        return True
    if allow_recovery:
        recovery = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
            .first()
        )
        if recovery is not None and recovery_code_verify(recovery, code):
            return True
    return False


@transaction.atomic
def totp_verify_pending(user: User, code: str) -> EncryptedTOTPDevice | None:
    """Check a code against the user's unconfirmed (being enrolled) device."""
    device = EncryptedTOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not code or not code.strip().isdigit():
        return None
    return device if device.verify_token(code.strip()) else None


def totp_device_create(user: User) -> EncryptedTOTPDevice:
    EncryptedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return EncryptedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def recovery_codes_issue(user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set; returns them (shown once: only
    their hashes are stored)."""
    StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code_new() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_code_digest(device.pk, c)) for c in codes]
    )
    return codes


def _recovery_code_new() -> str:
    """80 random bits as ``xxxx-xxxx-xxxx-xxxx`` (base32, lower case)."""
    text = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def qr_png_data_uri(uri: str) -> str:
    image = qrcode.make(uri)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
