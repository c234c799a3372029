"""Websocket plumbing: JWT authentication for Channels (AuthMiddlewareStack is session-based;
the portal and the crew app authenticate with their access token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.exceptions import TokenError

from jetops.auth.authentication import JetOpsJWTAuthentication
from jetops.auth.tokens import SCOPE_FULL

websocket_urlpatterns: list[Any] = []


@database_sync_to_async
def _user_for(raw: str) -> Any:
    auth = JetOpsJWTAuthentication()
    try:
        token = auth.get_validated_token(raw.encode())
        if token.get("scope", SCOPE_FULL) != SCOPE_FULL:
            return AnonymousUser()
        return auth.get_user(token)
    except (APIException, TokenError):
        return AnonymousUser()


class JWTAuthMiddleware:
    """Puts ``scope["user"]`` from ``?token=<access>`` or the ``bearer, <access>`` subprotocol."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        raw = ""
        query = parse_qs(scope.get("query_string", b"").decode())
        if query.get("token"):
            raw = query["token"][0]
        else:
            protocols = scope.get("subprotocols") or []
            if len(protocols) == 2 and protocols[0].lower() == "bearer":
                raw = protocols[1]
        scope = dict(scope, user=await _user_for(raw) if raw else AnonymousUser())
        return await self.inner(scope, receive, send)
