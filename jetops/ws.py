"""Websocket plumbing: JWT authentication for Channels (AuthMiddlewareStack is session-based;
the portal and the crew app authenticate with their access token) and the websocket routes.

Imported by ``jetops.asgi`` once Django is set up, so importing app consumers here is safe.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import path, re_path
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.exceptions import TokenError

from flights.consumers import FlightStatusConsumer, bearer_subprotocol
from jetops.auth.authentication import JetOpsJWTAuthentication
from jetops.auth.tokens import SCOPE_FULL

CLOSE_NOT_FOUND = 4404
"""No websocket lives at this path: do not reconnect."""


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Every path no route matches: accepts and closes at once with 4404 (like the feed's own
    refusals, so a browser sees the code), instead of channels' ``URLRouter`` raising."""

    async def connect(self) -> None:
        await self.accept(subprotocol=bearer_subprotocol(self.scope))
        await self.close(code=CLOSE_NOT_FOUND)


websocket_urlpatterns: list[Any] = [
    path("ws/flights/", FlightStatusConsumer.as_asgi()),
    re_path(r"", NotFoundConsumer.as_asgi()),
]

EXPIRY_SCOPE_KEY = "token_expires_at"
"""Scope key: the access token's ``exp`` (epoch seconds); consumers close the socket then,
so a revoked login cannot keep listening past its token's lifetime."""


@database_sync_to_async
def _authenticate(raw: str) -> tuple[Any, int | None]:
    """The user and token expiry for ``raw``, validated exactly like the HTTP API
    (``JetOpsJWTAuthentication``: signature, exp, iss, aud, type, token version, family
    revocation) and refused unless the token has full scope."""
    auth = JetOpsJWTAuthentication()
    try:
        token = auth.get_validated_token(raw.encode())
        if token.get("scope", SCOPE_FULL) != SCOPE_FULL:
            return AnonymousUser(), None
        exp = token.get("exp")
        return auth.get_user(token), int(exp) if isinstance(exp, int | float) else None
    except (APIException, TokenError):
        return AnonymousUser(), None


def raw_token(scope: dict[str, Any]) -> str:
    """The access token from ``?token=<access>``, an ``Authorization: Bearer <access>`` header
    (non-browser clients) or the ``bearer, <access>`` subprotocol pair (browsers cannot set
    headers on a websocket); '' if none."""
    query = parse_qs(scope.get("query_string", b"").decode())
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers") or []:
        if name.lower() == b"authorization":
            try:
                found = JetOpsJWTAuthentication().get_raw_token(value)
            except APIException:
                return ""
            return found.decode() if found else ""
    protocols = scope.get("subprotocols") or []
    if len(protocols) == 2 and protocols[0].lower() == "bearer":
        return str(protocols[1])
    return ""


class JWTAuthMiddleware:
    """Puts ``scope["user"]`` (AnonymousUser unless a valid access token came along) and
    ``scope["token_expires_at"]``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        raw = raw_token(scope)
        user, expires_at = await _authenticate(raw) if raw else (AnonymousUser(), None)
        scope = dict(scope, user=user, **{EXPIRY_SCOPE_KEY: expires_at})
        return await self.inner(scope, receive, send)


class BrowserOriginValidator(OriginValidator):
    """Refuses a websocket whose ``Origin`` is not one of ``ALLOWED_HOSTS`` (cross-site
    websocket hijacking: a browser sends the page's origin and any cookies), but accepts one
    with no ``Origin`` at all. Browsers always send it on a websocket handshake, so its absence
    means a non-browser client (the crew app, a script) that no other site can drive; such a
    client still needs a valid access token. ``Origin: null`` (sandboxed pages, files) is
    refused."""

    def valid_origin(self, parsed_origin: Any) -> bool:
        return parsed_origin is None or bool(self.validate_origin(parsed_origin))


def origin_checked(application: Any) -> BrowserOriginValidator:
    """``application`` behind the origin check, allowing ``ALLOWED_HOSTS`` (channels'
    ``AllowedHostsOriginValidator`` defaults, but with a missing Origin accepted)."""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = ["localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(application, allowed)
