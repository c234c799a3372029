"""The admin site: staff sign in with password + TOTP, under the API's lock-out and activity log.

Kept apart from ``jetops.admin`` because ``django.contrib.auth.admin`` registers onto the default
site when imported, which loads this class: the two must not import each other.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice

from jetops.activity import activity_record, request_meta
from jetops.auth.defence import login_state
from jetops.auth.otp import recovery_code_digest
from jetops.models import ActivityAction, ActivityOutcome, EncryptedTOTPDevice


class JetOpsAdminLoginForm(OTPAdminAuthenticationForm):
    """Admin sign-in: password + TOTP, with the same lock-out and activity log as the API.

    django-otp asks the user to pick a device before it checks a code; a user with a single
    authenticator app (the usual case) signs in in one step: that device is taken unless
    another one (e.g. recovery codes, checked by their hash) is chosen.
    """

    def _chosen_device(self, user: Any) -> Any:
        chosen = super()._chosen_device(user)
        if chosen is not None:
            return chosen
        authenticators = list(EncryptedTOTPDevice.objects.devices_for_user(user, confirmed=True))
        return authenticators[0] if len(authenticators) == 1 else None

    def _verify_token(self, user: Any, token: str, device: Any = None) -> Any:
        # Recovery codes are stored hashed (``jetops.auth.otp``): compare the hash.
        if isinstance(device, StaticDevice):
            token = recovery_code_digest(device.pk, token)
        return super()._verify_token(user, token, device)

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "")[:150]
        meta = request_meta(self.request) if self.request else None
        if login_state(username, meta.ip if meta else None).locked_until is not None:
            activity_record(
                action=ActivityAction.LOGIN,
                outcome=ActivityOutcome.DENIED,
                username=username,
                reason="locked",
                meta=meta,
                detail={"via": "admin"},
            )
            raise ValidationError("Too many failed attempts: this account is locked for a while.")
        try:
            data = super().clean()
        except ValidationError:
            # A bare password check (no OTP field yet) is the first step of the form, not a
            # failure; a wrong password or a wrong code is.
            activity_record(
                action=ActivityAction.LOGIN,
                outcome=ActivityOutcome.FAILURE,
                username=username,
                reason="admin_form",
                meta=meta,
                detail={"via": "admin"},
            )
            raise
        user = self.get_user()
        activity_record(
            action=ActivityAction.LOGIN,
            outcome=ActivityOutcome.SUCCESS,
            user=user,
            meta=meta,
            detail={"via": "admin", "otp": True},
        )
        return data


class JetOpsAdminSite(OTPAdminSite):
    site_header = "JetOps back office"
    site_title = "JetOps"
    index_title = "Operations, clients, fleet, crew and finance"
    login_form = JetOpsAdminLoginForm
