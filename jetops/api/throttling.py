"""Throttles (cache-backed: Redis in production). Login is limited per client IP and per
username, on top of the captcha and lock-out defence, because each attempt costs a slow hash."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from jetops.activity import client_ip


class UserThrottle(UserRateThrottle):
    scope = "user"


class QuoteThrottle(UserThrottle):
    """Quote requests per user (``THROTTLE_QUOTE``): each prices the itinerary on every
    candidate aircraft and stores hundreds of rows, on top of the general per-user rate."""

    scope = "quote"


class AnonThrottle(AnonRateThrottle):
    scope = "anon"

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"


class LoginIPThrottle(SimpleRateThrottle):
    scope = "login_ip"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class LoginUsernameThrottle(SimpleRateThrottle):
    scope = "login_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        if not isinstance(username, str) or not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.lower()[:150]}
