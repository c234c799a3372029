"""TOTP devices and recovery codes (django-otp), with row locks so a code works only once even
under concurrent requests (django-otp refuses a time step at or below the last one used)."""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jetops.models import User

RECOVERY_DEVICE_NAME = "recovery"


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


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
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None and code.isdigit() and device.verify_token(code):
        return True
    if allow_recovery:
        recovery = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
            .first()
        )
        if recovery is not None and recovery.verify_token(code.lower()):
            return True
    return False


@transaction.atomic
def totp_verify_pending(user: User, code: str) -> TOTPDevice | None:
    """Check a code against the user's unconfirmed (being enrolled) device."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not code or not code.strip().isdigit():
        return None
    return device if device.verify_token(code.strip()) else None


def totp_device_create(user: User) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def recovery_codes_issue(user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set; returns them (shown once)."""
    StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def qr_png_data_uri(uri: str) -> str:
    image = qrcode.make(uri)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
