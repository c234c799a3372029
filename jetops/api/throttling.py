"""Throttles (cache-backed: Redis in production). Login is limited per client IP and per
username, on top of the captcha and lock-out defence, because each attempt costs a slow hash."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from jetops.activity import client_ip

# KEYS: this window's counter, the previous window's; ARGV: the counter's lifetime (s), the
# weight of the previous window, the rate. Counters are plain integers, as the cache stores them.
_WINDOW_SCRIPT = """
local drawn = redis.call('INCR', KEYS[1])
if drawn == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if drawn + previous * tonumber(ARGV[2]) <= tonumber(ARGV[3]) then
  return {drawn, previous, 1}
end
redis.call('DECR', KEYS[1])
return {drawn - 1, previous, 0}
"""


class AtomicRateThrottle(SimpleRateThrottle):
    """A sliding-window counter whose counting is atomic.

    DRF's ``SimpleRateThrottle`` reads a list of request times, appends one and writes it back:
    concurrent requests read the same list, so a burst got ~15 % over the rate. Here each fixed
    window (``duration`` long) has one counter, raised with ``cache.add`` + ``cache.incr``
    (atomic on Redis and on the local-memory cache): every request draws a distinct count, and
    one is admitted while its count plus the previous window's count, weighted by how much of
    that window the sliding window still covers, stays within the rate. A refused request hands
    its count back, so only admitted requests are counted, as DRF does. On Redis the whole
    decision is one script (one round trip per request, atomic).
    """

    num_requests: int
    duration: int
    count = 0
    previous = 0
    elapsed = 0.0

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, elapsed = divmod(self.now, self.duration)
        self.elapsed = elapsed
        current_key, previous_key = f"{self.key}:{window:.0f}", f"{self.key}:{window - 1:.0f}"
        weight = 1 - elapsed / self.duration
        backend = caches[DEFAULT_CACHE_ALIAS] if self.cache is cache else self.cache
        if isinstance(backend, RedisCache):
            return self._allow_on_redis(backend, current_key, previous_key, weight)
        # Each counter is read as the previous one during the next window.
        self.cache.add(current_key, 0, 2 * self.duration)
        try:
            drawn = self.cache.incr(current_key)
        except ValueError:  # expired between add and incr
            self.cache.add(current_key, 1, 2 * self.duration)
            drawn = 1
        self.previous = int(self.cache.get(previous_key, 0))
        if drawn + self.previous * weight <= self.num_requests:
            self.count = drawn
            return True
        with contextlib.suppress(ValueError):
            self.cache.decr(current_key)
        self.count = drawn - 1
        return False

    def _allow_on_redis(
        self, backend: RedisCache, current_key: str, previous_key: str, weight: float
    ) -> bool:
        """The same decision in one round trip: a script Redis runs atomically draws the
        count, reads the previous window's and hands the count back if refused."""
        keys = [backend.make_and_validate_key(k) for k in (current_key, previous_key)]
        client = backend._cache.get_client(keys[0], write=True)
        drawn, previous, admitted = client.eval(
            _WINDOW_SCRIPT, 2, *keys, 2 * self.duration, repr(weight), self.num_requests
        )
        self.count, self.previous = int(drawn), int(previous)
        return bool(admitted)

    def wait(self) -> float:
        """Seconds until one more request would be admitted (assuming no other arrives)."""
        free = self.num_requests - self.count - 1
        if free >= 0 and self.previous:
            # Room in this window once enough of the previous one has slid out.
            return max(0.0, self.duration * (1 - free / self.previous) - self.elapsed)
        # This window is full: the next one opens with it as its previous.
        until_next = self.duration - self.elapsed
        if not self.count:
            return until_next
        return until_next + max(0.0, self.duration * (1 - (self.num_requests - 1) / self.count))


class UserThrottle(AtomicRateThrottle, UserRateThrottle):
    scope = "user"


class QuoteThrottle(UserThrottle):
    """Quote requests per user (``THROTTLE_QUOTE``): each prices the itinerary on every
    candidate aircraft and stores hundreds of rows, on top of the general per-user rate."""

    scope = "quote"


class AnonThrottle(AtomicRateThrottle, AnonRateThrottle):
    scope = "anon"

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"


class LoginIPThrottle(AtomicRateThrottle):
    scope = "login_ip"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class LoginUsernameThrottle(AtomicRateThrottle):
    scope = "login_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        if not isinstance(username, str) or not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.lower()[:150]}
