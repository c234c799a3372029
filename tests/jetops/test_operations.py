"""Operations: /metrics (who may read it, what it holds), request ids from the HTTP request
into Celery tasks and every log line, the JSON log line, and /healthz's states."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

from jetops.celery import app
from jetops.celery_monitoring import HEARTBEAT_TASK, STALE_AFTER_SECONDS, heartbeat_record
from jetops.logs import JsonFormatter, RequestContextFilter, request_id_var
from jetops.models import User
from jetops.tasks import heartbeat_task
from tests.builders import bearer

METRICS_TOKEN = "m" * 40
SEEN: list[tuple[str | None, str]] = []


@app.task(name="tests.remember_request_id")
def remember_request_id() -> None:
    """Records the request id a task runs under, and logs a line."""
    logging.getLogger("tests.task").info("task ran")
    SEEN.append((request_id_var.get(), "ran"))


@app.task(name="tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- /metrics


@pytest.mark.django_db
def test_metrics_from_localhost_show_requests_per_view_and_celery(client: Client) -> None:
    client.get("/healthz")
    heartbeat_task.delay()  # eager in the tests: runs here, counted like a worker's

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    page = response.content.decode()
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}' in page
    assert (
        'django_http_requests_total_by_view_transport_method_total{method="GET",transport="http",view="healthz"}'
        in page
    )
    if connection.vendor == "postgresql":  # production's engine is the instrumented one
        assert 'django_db_execute_total{alias="default",vendor="postgresql"}' in page
    assert 'jetops_celery_tasks_total{outcome="succeeded",task="jetops.tasks.heartbeat_task"} 1.0' in page
    assert 'jetops_celery_queue_length{queue="celery"} 0.0' in page
    assert "jetops_celery_broker_up 1.0" in page
    assert 'jetops_celery_heartbeat_age_seconds{process="worker"}' in page


@pytest.mark.django_db
def test_metrics_count_failed_tasks(client: Client) -> None:
    always_fails.apply(throw=False)  # run here as a worker would, failure kept in the result

    page = client.get("/metrics").content.decode()

    assert 'jetops_celery_tasks_total{outcome="failed",task="tests.always_fails"} 1.0' in page


@pytest.mark.django_db
def test_metrics_refused_outside_the_allowed_networks(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert b"django_http" not in response.content


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=METRICS_TOKEN)
def test_metrics_token_opens_them_from_anywhere_and_a_wrong_one_does_not(client: Client) -> None:
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer " + "x" * 40)
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")

    assert wrong.status_code == 403
    assert right.status_code == 200
    assert b"jetops_celery_queue_length" in right.content


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="")
def test_no_token_configured_means_no_token_accepted(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 403


# ---------------------------------------------------------------- request ids and log lines


@pytest.mark.django_db
def test_request_id_is_taken_from_the_header_and_returned(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-4f2a.7")

    assert response["X-Request-ID"] == "edge-4f2a.7"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["", "has spaces", "x" * 129, 'quote"and{brace}'])
def test_unusable_request_id_is_replaced_by_a_new_one(client: Client, sent: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


@pytest.mark.django_db
def test_request_log_line_is_one_json_object_with_the_request_fields(
    ops_user: User, caplog: pytest.LogCaptureFixture
) -> None:
    api: APIClient = bearer(ops_user)

    with caplog.at_level(logging.INFO, logger="jetops.requests"):
        api.get("/api/v1/auth/me", HTTP_X_REQUEST_ID="req-json-1")

    (record,) = [r for r in caplog.records if r.name == "jetops.requests"]
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert set(data) == {"time", "level", "logger", "message", "request_id", "user_id"} | {
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert data["request_id"] == "req-json-1"
    assert data["user_id"] == ops_user.pk
    assert (data["method"], data["path"], data["status"]) == ("GET", "/api/v1/auth/me", 200)
    assert data["level"] == "INFO"
    assert data["logger"] == "jetops.requests"
    assert data["time"].endswith("+00:00")
    assert isinstance(data["duration_ms"], float)


def test_json_line_keeps_the_exception_as_text() -> None:
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.LogRecord("jetops.x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
        record.exc_info = __import__("sys").exc_info()
    RequestContextFilter().filter(record)

    data = json.loads(JsonFormatter().format(record))

    assert data["message"] == "failed here"
    assert "ValueError: bad value" in data["exception"]
    assert data["request_id"] is None


@pytest.mark.django_db
def test_request_id_travels_with_the_task_to_the_worker_and_its_log_lines() -> None:
    # the production log handler, on the task's logger
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    task_logger = logging.getLogger("tests.task")
    task_logger.addHandler(handler)
    SEEN.clear()
    app.conf.task_always_eager = False  # through the broker to a real worker (in a thread)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            token = request_id_var.set("req-into-task")  # as RequestLogMiddleware does for a request
            try:
                remember_request_id.delay()
            finally:
                request_id_var.reset(token)
            deadline = time.monotonic() + 10
            while not SEEN and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        app.conf.task_always_eager = True
        task_logger.removeHandler(handler)

    assert SEEN == [("req-into-task", "ran")]
    (line,) = lines.getvalue().splitlines()
    assert json.loads(line)["request_id"] == "req-into-task"
    assert json.loads(line)["message"] == "task ran"


# ---------------------------------------------------------------- /healthz


def _health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_healthz_degraded_when_no_worker_or_beat_was_ever_seen(client: Client) -> None:
    status, body = _health(client)

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == {"ok": False, "seconds_ago": None}
    assert body["checks"]["beat"] == {"ok": False, "seconds_ago": None}
    assert all(body["checks"][name]["ok"] for name in ("database", "cache", "broker"))


@pytest.mark.django_db
def test_healthz_ok_after_beat_sends_the_heartbeat_and_a_worker_runs_it(client: Client) -> None:
    with pytest.warns(UserWarning, match="always_eager"):
        app.send_task(HEARTBEAT_TASK)  # what beat does: publishing is beat's heartbeat
    heartbeat_task.run()  # what a worker does with it

    status, body = _health(client)

    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is True
    assert body["checks"]["worker"]["seconds_ago"] < 5


@pytest.mark.django_db
def test_healthz_degraded_when_the_worker_heartbeat_is_stale(client: Client) -> None:
    heartbeat_record("beat")
    heartbeat_record("worker")
    cache.set("celery:heartbeat:worker", time.time() - STALE_AFTER_SECONDS - 5, timeout=None)

    status, body = _health(client)

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["seconds_ago"] > STALE_AFTER_SECONDS
    assert body["checks"]["beat"]["ok"] is True


@pytest.mark.django_db
def test_healthz_down_and_503_when_the_cache_cannot_be_reached(client: Client) -> None:
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        status, body = _health(client)

    assert status == 503
    assert body["status"] == "down"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "error": "ConnectionError"}
