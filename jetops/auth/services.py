"""Authentication flows: login (captcha, lock-out, 2FA), refresh rotation with family
revocation on reuse, logout, password change, 2FA enrolment and step-up.

Every flow writes an ``ActivityLog`` row. Refusals raise ``AuthRefused``, a domain error
(``jetops.errors``) carrying the machine code, the body fields beside it and the status the
auth API answers with; views turn it into the error shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from jetops.activity import RequestMeta, activity_record
from jetops.auth import otp as otp_lib
from jetops.auth.captcha import captcha_consume
from jetops.auth.defence import login_state
from jetops.auth.tokens import (
    TokenPair,
    access_issue,
    enrolment_token_issue,
    parse_family,
    token_pair_issue,
)
from jetops.errors import DomainError
from jetops.models import ActivityAction, ActivityOutcome, EncryptedTOTPDevice, RefreshFamily, User
from jetops.writes import save_recorded

_OTP_TOKEN_SALT = "jetops.auth.otp-login"  # noqa: S105  (a namespace, not a secret)


class AuthRefused(DomainError):
    """An authentication flow's refusal (``jetops.errors``): its ``code`` and ``detail``, the
    ``details`` the answer carries beside them (a retry delay, the next step's token), and
    the ``status`` the auth API answers with, which is part of each flow's contract (401: not
    signed in, 403: locked out or not allowed, 409: the account's state refuses it, 400: a
    wrong code)."""

    def __init__(self, status: int, code: str, detail: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(detail, code, **(details or {}))
        self.status = status


@dataclass(frozen=True)
class LoginResult:
    user: User
    tokens: TokenPair | None = None
    enrolment_token: str | None = None


def _fail(
    username: str,
    meta: RequestMeta,
    reason: str,
    refusal: AuthRefused,
    user: User | None = None,
    *,
    counts: bool = True,
) -> AuthRefused:
    activity_record(
        action=ActivityAction.LOGIN,
        outcome=ActivityOutcome.FAILURE if counts else ActivityOutcome.DENIED,
        user=user,
        username=username,
        reason=reason,
        meta=meta,
    )
    return refusal


def _check_gate(username: str, meta: RequestMeta, captcha_uid: str | None, answer: str | None) -> None:
    state = login_state(username, meta.ip)
    if state.locked_until is not None:
        retry = max(1, int((state.locked_until - timezone.now()).total_seconds()))
        raise _fail(
            username,
            meta,
            "locked",
            AuthRefused(
                403,
                "account_locked",
                "Too many failed attempts: this account is locked for a while.",
                {"retry_after": retry},
            ),
            counts=False,
        )
    if state.captcha_required and not captcha_consume(captcha_uid, answer):
        raise _fail(
            username,
            meta,
            "captcha" if captcha_uid or answer else "captcha_missing",
            AuthRefused(
                401,
                "captcha_required",
                "Solve the captcha (GET /api/v1/auth/captcha/{uid}) and send captcha_uid and captcha_answer.",
            ),
            counts=bool(captcha_uid or answer),
        )


def _succeed(user: User, meta: RequestMeta, *, otp_verified: bool, method: str) -> LoginResult:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
    activity_record(
        action=ActivityAction.LOGIN,
        outcome=ActivityOutcome.SUCCESS,
        user=user,
        meta=meta,
        detail={"method": method, "otp": otp_verified},
    )
    return LoginResult(user=user, tokens=token_pair_issue(user, otp_at=now if otp_verified else None))


def otp_login_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "sv": user.token_version}, salt=_OTP_TOKEN_SALT)


def auth_login(
    *,
    username: str,
    password: str,
    meta: RequestMeta,
    captcha_uid: str | None = None,
    captcha_answer: str | None = None,
    otp: str | None = None,
) -> LoginResult:
    """Password login. Refuses with ``account_locked``, ``captcha_required``,
    ``invalid_credentials`` or ``otp_required`` (+ ``otp_token``; ``reason: otp_invalid`` when a
    code was sent but is wrong or replayed). A staff user with no device gets an enrolment-only
    token instead of a pair."""
    _check_gate(username, meta, captcha_uid, captcha_answer)
    user = authenticate(username=username, password=password)
    if user is None:
        raise _fail(
            username,
            meta,
            "bad_credentials",
            AuthRefused(401, "invalid_credentials", "Wrong username or password."),
        )
    assert isinstance(user, User)  # noqa: S101  (AUTH_USER_MODEL)
    if otp_lib.otp_enabled(user):
        if not otp:
            activity_record(
                action=ActivityAction.LOGIN,
                outcome=ActivityOutcome.DENIED,
                user=user,
                reason="otp_required",
                meta=meta,
            )
            raise AuthRefused(
                401,
                "otp_required",
                "Enter the code from your authenticator app.",
                {"otp_token": otp_login_token(user), "otp_token_ttl": settings.OTP_TOKEN_TTL_SECONDS},
            )
        if not otp_lib.otp_verify(user, otp):
            raise _fail(
                username,
                meta,
                "otp_invalid",
                AuthRefused(
                    401,
                    "otp_required",
                    "The code is wrong or was already used: enter a current code.",
                    {"reason": "otp_invalid", "otp_token": otp_login_token(user)},
                ),
                user,
            )
        return _succeed(user, meta, otp_verified=True, method="password+otp")
    if otp_lib.otp_required(user):
        activity_record(
            action=ActivityAction.LOGIN,
            outcome=ActivityOutcome.SUCCESS,
            user=user,
            reason="otp_enrolment_only",
            meta=meta,
        )
        return LoginResult(user=user, enrolment_token=enrolment_token_issue(user))
    return _succeed(user, meta, otp_verified=False, method="password")


def auth_login_otp(*, otp_token: str, otp: str, meta: RequestMeta) -> LoginResult:
    """Second step of a two-step login: the ``otp_token`` from ``otp_required`` plus a code."""
    try:
        data = signing.loads(otp_token, salt=_OTP_TOKEN_SALT, max_age=settings.OTP_TOKEN_TTL_SECONDS)
        user = User.objects.get(pk=int(data["u"]), is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist) as exc:
        raise AuthRefused(401, "otp_token_invalid", "The login step expired: sign in again.") from exc
    if data.get("sv") != user.token_version:
        raise AuthRefused(401, "otp_token_invalid", "The login step expired: sign in again.")
    state = login_state(user.username, meta.ip)
    if state.locked_until is not None:
        raise _fail(
            user.username,
            meta,
            "locked",
            AuthRefused(403, "account_locked", "Too many failed attempts: this account is locked."),
            user,
            counts=False,
        )
    if not otp_lib.otp_verify(user, otp):
        raise _fail(
            user.username,
            meta,
            "otp_invalid",
            AuthRefused(
                401,
                "otp_required",
                "The code is wrong or was already used: enter a current code.",
                {"reason": "otp_invalid"},
            ),
            user,
        )
    return _succeed(user, meta, otp_verified=True, method="password+otp")


def _blacklist(jti: str, user: User, raw: str, expires: datetime) -> None:
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={"user": user, "token": raw, "expires_at": expires, "created_at": timezone.now()},
    )
    BlacklistedToken.objects.get_or_create(token=outstanding)


def auth_refresh(*, refresh: str, meta: RequestMeta) -> TokenPair:
    """Rotate a refresh token. Reusing an already-rotated token revokes its whole family."""
    outcome = _refresh_rotate(refresh, meta)
    if isinstance(outcome, AuthRefused):
        # Raised only after the transaction committed, so the family stays revoked.
        raise outcome
    return outcome


@transaction.atomic
def _refresh_rotate(refresh: str, meta: RequestMeta) -> TokenPair | AuthRefused:
    invalid = AuthRefused(401, "token_not_valid", "The refresh token is invalid or expired.")
    try:
        payload = token_backend.decode(refresh, verify=True)  # type: ignore[arg-type]
    except (TokenError, TokenBackendError) as exc:
        raise invalid from exc
    if payload.get("token_type") != "refresh":
        raise invalid
    family_id = parse_family(payload.get("fam"))
    if family_id is None or not str(payload.get("user_id", "")).isdigit():
        raise invalid
    family = (
        RefreshFamily.objects.select_for_update()
        .select_related("user")
        .filter(pk=family_id, user_id=int(payload["user_id"]))
        .first()
    )
    if family is None:
        raise invalid
    user = family.user
    if family.revoked_at is not None or payload.get("sv") != user.token_version or not user.is_active:
        raise AuthRefused(401, "token_revoked", "This session was revoked: sign in again.")
    jti = str(payload.get("jti", ""))
    if BlacklistedToken.objects.filter(token__jti=jti).exists():
        family.revoked_at = timezone.now()
        family.revoked_reason = "reuse"
        family.save(update_fields=["revoked_at", "revoked_reason"])
        activity_record(
            action=ActivityAction.REFRESH_REUSE,
            outcome=ActivityOutcome.DENIED,
            user=user,
            meta=meta,
            detail={"family": str(family.id)},
        )
        return AuthRefused(
            401,
            "token_reused",
            "This refresh token was already used: the session has been revoked for safety.",
        )
    _blacklist(jti, user, refresh, datetime.fromtimestamp(payload["exp"], tz=UTC))
    return token_pair_issue(user, otp_at=payload.get("otp"), family=family)


def _revoke_all(user: User, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    RefreshFamily.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


@transaction.atomic
def auth_logout(*, user: User, meta: RequestMeta) -> None:
    """Revoke every refresh token of the user and the access tokens at once."""
    _revoke_all(user, "logout")
    activity_record(action=ActivityAction.LOGOUT, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta)


def auth_change_password(
    *, user: User, old_password: str, new_password: str, otp_at: int | None, meta: RequestMeta
) -> TokenPair:
    """Change the password, revoke every other token, return a new pair for this session."""
    if not user.check_password(old_password):
        activity_record(
            action=ActivityAction.PASSWORD_CHANGE,
            outcome=ActivityOutcome.FAILURE,
            user=user,
            reason="wrong_old_password",
            meta=meta,
        )
        raise ValidationError({"old_password": ["The current password is wrong."]})
    if old_password == new_password:
        raise ValidationError({"new_password": ["Choose a password different from the current one."]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        save_recorded(user, user)
        _revoke_all(user, "password_change")
        activity_record(
            action=ActivityAction.PASSWORD_CHANGE, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta
        )
        return token_pair_issue(user, otp_at=otp_at)


@transaction.atomic
def otp_enrol(*, user: User, meta: RequestMeta) -> dict[str, str]:
    """Start enrolment: a new unconfirmed TOTP device; returns its otpauth URI and QR code."""
    if otp_lib.otp_enabled(user):
        raise AuthRefused(409, "otp_already_enabled", "Two-factor authentication is already on.")
    device = otp_lib.totp_device_create(user)
    activity_record(action=ActivityAction.OTP_ENROL, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta)
    uri = device.config_url
    return {"otpauth_uri": uri, "qr_png": otp_lib.qr_png_data_uri(uri)}


def otp_confirm(*, user: User, code: str, meta: RequestMeta) -> tuple[list[str], TokenPair]:
    """Confirm enrolment with a first code: the device becomes active, recovery codes are
    issued (shown once) and a fresh token pair with a current OTP verification is returned."""
    device = otp_lib.totp_verify_pending(user, code)
    if device is None:
        activity_record(
            action=ActivityAction.OTP_CONFIRM,
            outcome=ActivityOutcome.FAILURE,
            user=user,
            meta=meta,
        )
        raise AuthRefused(400, "otp_invalid", "The code is wrong, expired, or no enrolment is pending.")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = otp_lib.recovery_codes_issue(user)
        activity_record(
            action=ActivityAction.OTP_CONFIRM, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta
        )
        return codes, token_pair_issue(user, otp_at=timezone.now())


def otp_disable(*, user: User, code: str, meta: RequestMeta) -> None:
    """Turn 2FA off (needs a current code); refused for staff when 2FA is mandatory."""
    if settings.OTP_REQUIRED_FOR_STAFF and user.is_staff:
        raise AuthRefused(403, "otp_mandatory", "Two-factor authentication is mandatory for staff.")
    if not otp_lib.otp_enabled(user):
        raise AuthRefused(409, "otp_not_enabled", "Two-factor authentication is not on.")
    if not otp_lib.otp_verify(user, code, allow_recovery=False):
        activity_record(
            action=ActivityAction.OTP_DISABLE, outcome=ActivityOutcome.FAILURE, user=user, meta=meta
        )
        raise AuthRefused(400, "otp_invalid", "The code is wrong or was already used.")
    with transaction.atomic():
        EncryptedTOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        activity_record(
            action=ActivityAction.OTP_DISABLE, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta
        )


def otp_recovery_codes_regenerate(*, user: User, code: str, meta: RequestMeta) -> list[str]:
    if not otp_lib.otp_enabled(user):
        raise AuthRefused(409, "otp_not_enabled", "Two-factor authentication is not on.")
    if not otp_lib.otp_verify(user, code, allow_recovery=False):
        raise AuthRefused(400, "otp_invalid", "The code is wrong or was already used.")
    with transaction.atomic():
        codes = otp_lib.recovery_codes_issue(user)
        activity_record(
            action=ActivityAction.OTP_RECOVERY_CODES, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta
        )
        return codes


def auth_step_up(*, user: User, code: str, family_id: str | None, meta: RequestMeta) -> str:
    """Verify a fresh code and return an access token whose OTP verification is now."""
    if not otp_lib.otp_enabled(user):
        raise AuthRefused(
            403, "otp_not_enabled", "Enrol two-factor authentication to perform this operation."
        )
    if not otp_lib.otp_verify(user, code):
        activity_record(action=ActivityAction.STEP_UP, outcome=ActivityOutcome.FAILURE, user=user, meta=meta)
        raise AuthRefused(400, "otp_invalid", "The code is wrong or was already used.")
    activity_record(action=ActivityAction.STEP_UP, outcome=ActivityOutcome.SUCCESS, user=user, meta=meta)
    return access_issue(user, otp_at=timezone.now(), family_id=family_id)
