"""DRF authentication: simplejwt's RS256 validation (signature, exp, iss, aud, type) plus the
revocation checks simplejwt lacks: the user's token version and the refresh family."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from jetops.auth.tokens import parse_family
from jetops.models import RefreshFamily, User


class JetOpsJWTAuthentication(JWTAuthentication):
    """Loads the user and checks revocation in one query."""

    def get_user(self, validated_token: Any) -> User:  # type: ignore[override]
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if not user_id or not str(user_id).isdigit():
            raise InvalidToken("Token contained no recognizable user identification")
        users = User.objects.filter(pk=int(user_id))
        family = parse_family(validated_token.get("fam"))
        if validated_token.get("fam") and family is None:
            raise InvalidToken("Token family is malformed")
        if family is not None:
            users = users.annotate(
                family_revoked=Exists(
                    RefreshFamily.objects.filter(pk=family, user=OuterRef("pk"), revoked_at__isnull=False)
                )
            )
        user = users.first()
        if user is None or not user.is_active:
            raise AuthenticationFailed("User not found or inactive.", code="user_inactive")
        if validated_token.get("sv") != user.token_version:
            raise AuthenticationFailed("Token has been revoked.", code="token_revoked")
        if getattr(user, "family_revoked", False):
            raise AuthenticationFailed("Token has been revoked.", code="token_revoked")
        return user


class JetOpsJWTScheme(SimpleJWTScheme):
    """OpenAPI: the API's bearer JWT (drf-spectacular finds extensions by subclassing)."""

    target_class = "jetops.auth.authentication.JetOpsJWTAuthentication"
    name = "jwtAuth"
