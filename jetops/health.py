"""``/healthz``: can this web process serve (database, cache, Celery broker), and are the
Celery worker and beat alive (their heartbeats)?

HTTP 200 with ``"status": "ok"``, or ``"degraded"`` when a worker or beat heartbeat is
missing or stale (the web process still serves; background work waits); HTTP 503 with
``"status": "down"`` when the database, the cache or the broker cannot be reached, so a
load balancer takes this process out. Every failure is reported in the body, never raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jetops.celery_monitoring import STALE_AFTER_SECONDS, heartbeat_ages


def _check(fn: Callable[[], None]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001  (any failure means "down", reported, not raised)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache read-back failed")


def _broker() -> None:
    from jetops.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _heartbeats() -> dict[str, dict[str, object]]:
    try:
        ages = heartbeat_ages()
    except Exception as exc:  # noqa: BLE001
        return {p: {"ok": False, "error": exc.__class__.__name__} for p in ("worker", "beat")}
    return {
        process: {"ok": age is not None and age <= STALE_AFTER_SECONDS, "seconds_ago": age}
        for process, age in ages.items()
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    serving = all(c["ok"] for c in checks.values())
    celery = _heartbeats()
    if not serving:
        status = "down"
    elif all(c["ok"] for c in celery.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, "checks": {**checks, **celery}}, status=200 if serving else 503)
