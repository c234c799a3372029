"""JWT issuing. Every token carries ``sv`` (the user's token version: logout, password change
and deactivation bump it), ``otp`` (epoch of the last TOTP verification, or null) and
``scope``; refresh/access pairs also carry ``fam`` (their refresh family)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from jetops.models import RefreshFamily, User

SCOPE_FULL = "full"
SCOPE_OTP_ENROLMENT = "otp_enrolment"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def _stamp(token: Any, user: User, otp_at: int | None, scope: str) -> None:
    token["sv"] = user.token_version
    token["otp"] = otp_at
    token["scope"] = scope


def token_pair_issue(
    user: User, *, otp_at: datetime | int | None, family: RefreshFamily | None = None
) -> TokenPair:
    """A fresh refresh/access pair in ``family`` (a new family when None)."""
    family = family or RefreshFamily.objects.create(user=user)
    otp_epoch = int(otp_at.timestamp()) if isinstance(otp_at, datetime) else otp_at
    refresh = RefreshToken.for_user(user)
    refresh["fam"] = str(family.id)
    _stamp(refresh, user, otp_epoch, SCOPE_FULL)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def access_issue(user: User, *, otp_at: datetime | None, family_id: str | None) -> str:
    """A lone access token (step-up): same family as the caller's tokens."""
    token = AccessToken.for_user(user)
    if family_id:
        token["fam"] = family_id
    _stamp(token, user, int(otp_at.timestamp()) if otp_at else None, SCOPE_FULL)
    return str(token)


def enrolment_token_issue(user: User) -> str:
    """An access token good only for 2FA enrolment (staff who must enrol before anything)."""
    token = AccessToken.for_user(user)
    _stamp(token, user, None, SCOPE_OTP_ENROLMENT)
    return str(token)


def parse_family(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
