"""The production server's pieces that can be checked without starting it: the gunicorn
settings read from the environment, the worker's graceful shutdown, and the Redis channel
layer keeping quiet websockets open."""

from __future__ import annotations

import asyncio
import os
import runpy
from pathlib import Path

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_gunicorn_takes_workers_port_and_graceful_timeout_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("GRACEFUL_TIMEOUT", "10")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))  # restored after the test

    conf = runpy.run_path(str(GUNICORN_CONF))

    assert conf["workers"] == 3
    assert conf["bind"] == ["0.0.0.0:9123"]
    assert conf["graceful_timeout"] == 10
    assert conf["worker_class"] == "jetops.asgi_worker.AsgiWorker"
    assert conf["control_socket_disable"] is True
    conf["on_starting"](None)
    assert (tmp_path / "metrics").is_dir()


def test_gunicorn_refuses_a_bad_worker_count(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # restored after the test

    with pytest.raises(ImproperlyConfigured, match="WEB_CONCURRENCY"):
        runpy.run_path(str(GUNICORN_CONF))


def test_worker_closes_connections_within_the_graceful_timeout() -> None:
    from gunicorn.config import Config

    from jetops.asgi_worker import AsgiWorker

    cfg = Config()
    cfg.set("graceful_timeout", 10)
    worker = AsgiWorker(0, os.getppid(), [], None, 30, cfg, cfg.logger_class(cfg))

    assert worker.config.timeout_graceful_shutdown == 9
    assert worker.config.lifespan == "off"
    assert worker.config.proxy_headers is False  # X-Forwarded-For is the app's to judge


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_redis_channel_layer_keeps_waiting_past_the_redis_read_timeout() -> None:
    from jetops import settings as project_settings

    layer = RedisChannelLayer(**project_settings.CHANNEL_LAYERS["default"]["CONFIG"])

    async def listen_quietly() -> None:
        channel = await layer.new_channel()
        try:
            # our own deadline ends the wait, not a Redis read timeout (5 s in redis-py 8)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(layer.receive(channel), timeout=7)
        finally:
            await layer.close_pools()

    asyncio.run(listen_quietly())


def test_postgresql_connections_come_from_a_bounded_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under ASGI every request has a thread of its own: connections kept per thread
    # (CONN_MAX_AGE) piled up under load until PostgreSQL refused clients.
    monkeypatch.setenv("DATABASE_URL", "postgres://jetops@db.invalid:5432/jetops")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "6")

    database = runpy.run_path(str(Path(settings.BASE_DIR) / "jetops" / "settings.py"))["DATABASES"]["default"]

    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == 6
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["ENGINE"] == "django_prometheus.db.backends.postgresql"  # queries in /metrics
