"""Throttles count atomically: N concurrent requests over a limit of L let exactly L through
(the cache is Redis when REDIS_URL is set, the local-memory cache otherwise)."""

from __future__ import annotations

import itertools
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache

from jetops.api.throttling import AnonThrottle, LoginIPThrottle, LoginUsernameThrottle, UserThrottle
from tests.builders import bearer

_idents = itertools.count(1)


class YieldingCache:
    """The real cache, letting other threads run before each call, as a busy server would
    between a request's cache round trips."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._real, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.002)
            return attr(*args, **kwargs)

        return call


def fake_request(throttle_class: type) -> SimpleNamespace:
    """A request one throttle of ``throttle_class`` counts under a key no other test uses."""
    n = next(_idents)
    authenticated = throttle_class is UserThrottle
    return SimpleNamespace(
        user=SimpleNamespace(is_authenticated=authenticated, pk=10_000_000 + n),
        META={"REMOTE_ADDR": f"198.51.100.{n % 250}", "HTTP_X_FORWARDED_FOR": ""},
        data={"username": f"throttled-{n}-{time.time_ns()}"},
    )


def throttle(throttle_class: type, rate: str, *, now: float | None = None) -> Any:
    instance = type("Limited", (throttle_class,), {"rate": rate})()
    instance.cache = YieldingCache(cache)
    if now is not None:
        instance.timer = lambda: now
    return instance


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.mark.parametrize(
    "throttle_class", [UserThrottle, AnonThrottle, LoginIPThrottle, LoginUsernameThrottle]
)
def test_concurrent_requests_over_the_limit_are_refused_exactly(throttle_class: type) -> None:
    # given: 40 requests at the same instant against a limit of 10 per minute
    request = fake_request(throttle_class)
    now = (time.time() // 60) * 60 + 1  # early in a window, so the next one is not reached
    barrier = threading.Barrier(40)
    allowed: list[bool] = []

    def one() -> None:
        limiter = throttle(throttle_class, "10/min", now=now)
        barrier.wait()
        allowed.append(limiter.allow_request(request, None))

    # when
    threads = [threading.Thread(target=one) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert allowed.count(True) == 10
    assert allowed.count(False) == 30


def test_refused_requests_do_not_use_up_the_next_window() -> None:
    request = fake_request(UserThrottle)
    start = 600_000.0  # the start of a window

    # given: a full window, and more tries that were refused
    results = [
        throttle(UserThrottle, "10/min", now=start + 1).allow_request(request, None) for _ in range(15)
    ]
    assert results.count(True) == 10

    # when: halfway through the next window, half of the previous one still counts
    later = [throttle(UserThrottle, "10/min", now=start + 90).allow_request(request, None) for _ in range(10)]

    # then
    assert later.count(True) == 5
    # and a window later the previous one has aged out entirely
    fresh = [
        throttle(UserThrottle, "10/min", now=start + 180).allow_request(request, None) for _ in range(12)
    ]
    assert fresh.count(True) == 10
    assert fresh.count(False) == 2


def test_wait_says_when_the_next_request_is_admitted() -> None:
    request = fake_request(UserThrottle)
    start = 600_000.0
    for _ in range(10):
        assert throttle(UserThrottle, "10/min", now=start + 15).allow_request(request, None)
    refused = throttle(UserThrottle, "10/min", now=start + 15)

    assert refused.allow_request(request, None) is False
    wait = refused.wait()

    # the window ends 45 s later; then the 10 of this window weigh 10 × (1 - t/60) and one more
    # request fits once that is at most 9, i.e. 6 s into the next window
    assert wait == pytest.approx(51)
    assert throttle(UserThrottle, "10/min", now=start + 15 + wait - 0.5).allow_request(request, None) is False
    assert throttle(UserThrottle, "10/min", now=start + 15 + wait + 0.5).allow_request(request, None) is True


@pytest.mark.django_db
def test_api_answers_429_in_the_error_shape(ops_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UserThrottle, "rate", "3/min", raising=False)
    client = bearer(ops_user)

    codes = [client.get("/api/v1/auth/me").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/auth/me")
    assert response.json()["code"] == "throttled"
    # the rest of this window, then a third of the next (3 × (1 - t/60) ≤ 2 from t = 20 s)
    assert 20 <= int(response["Retry-After"]) <= 80
