"""With REDIS_URL set (CI) the tests run on Redis for the cache and the channel layer, as
production does; each test process keeps to its own keys and starts every test with none."""

from __future__ import annotations

import os
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from tests.conftest import clear_test_keys

on_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


def test_cache_and_channel_layer_follow_redis_url(settings: Any) -> None:
    cache_backend = settings.CACHES["default"]["BACKEND"]
    layer_backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert cache_backend == "django.core.cache.backends.redis.RedisCache"
        assert layer_backend == "channels_redis.core.RedisChannelLayer"
    else:
        assert cache_backend == "django.core.cache.backends.locmem.LocMemCache"
        assert layer_backend == "channels.layers.InMemoryChannelLayer"


def test_each_test_process_has_its_own_key_prefix(settings: Any) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert f"jetops-test-{worker}-{os.getpid()}" == settings.TEST_KEY_PREFIX


@on_redis
def test_keys_carry_the_process_prefix(settings: Any) -> None:
    server = redis.Redis.from_url(settings.REDIS_URL)
    cache.set("probe", 1)
    async_to_sync(get_channel_layer().group_add)("probe-group", "probe-channel")

    ours = {key.decode() for key in server.scan_iter(match=f"{settings.TEST_KEY_PREFIX}:*")}

    assert f"{settings.TEST_KEY_PREFIX}:1:probe" in ours
    assert f"{settings.TEST_KEY_PREFIX}:asgi:group:probe-group" in ours


@on_redis
def test_clearing_between_tests_spares_other_processes_keys(settings: Any) -> None:
    server = redis.Redis.from_url(settings.REDIS_URL)
    other_worker = f"{settings.TEST_KEY_PREFIX}0:1:probe"  # a process whose prefix extends ours
    server.set(other_worker, 1, ex=60)
    cache.set("probe", 1)

    clear_test_keys()

    assert cache.get("probe") is None
    assert server.get(other_worker) == b"1"
    server.delete(other_worker)


def test_a_test_starts_with_an_empty_cache() -> None:
    """The autouse fixture cleared what earlier tests left (the next test checks this one's)."""
    assert cache.get("left-by-a-test") is None
    cache.set("left-by-a-test", 1, 300)


def test_a_later_test_starts_with_an_empty_cache_too() -> None:
    assert cache.get("left-by-a-test") is None
    cache.set("left-by-a-test", 1, 300)
