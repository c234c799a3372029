"""Structured logs: one JSON object per line (time, level, logger, message, request id, user
id, and for requests the method, path, status and duration), with the request id of the
HTTP request — or of the Celery task it started — on every line.

The request id comes from the ``X-Request-ID`` header when it is a sane token (a proxy or a
client may set it), or is made here; it is returned in the response header and carried to
Celery tasks in their message headers.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[int | None] = ContextVar("user_id", default=None)

# Fields a log call may pass with ``extra=`` that the JSON line keeps.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "task", "task_id")

access_log = logging.getLogger("jetops.requests")


def request_id_from(value: str | None) -> str:
    """``value`` if it is a usable id (1-128 letters, digits, ``.``, ``_``, ``:``, ``-``),
    else a new random one: a header never puts arbitrary text into the logs."""
    if value and _SANE_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Puts the current request id and user id on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; exceptions go into ``exception`` as text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "user_id": getattr(record, "user_id", user_id_var.get()),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestLogMiddleware:
    """Gives each request its id (``X-Request-ID``), and logs one line when it is answered:
    method, path, status, duration and the user (the API's token user included, which DRF
    sets on the request during the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_id_var.set(user.pk)
            response[REQUEST_ID_HEADER] = request_id
            access_log.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            user_id_var.reset(user_token)
            request_id_var.reset(id_token)


# ---------------------------------------------------------------- Celery (connected in jetops.celery)


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """``before_task_publish``: a task sent while handling a request carries its id."""
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def task_started_set_request_id(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    """``task_prerun``: the task's log lines carry the request id it came with (its own task
    id when nothing started it from a request, e.g. beat)."""
    request = getattr(task, "request", None)
    carried = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    request_id_var.set(request_id_from(carried or task_id))
    user_id_var.set(None)


def task_finished_clear_request_id(**_kwargs: Any) -> None:
    """``task_postrun``: the next task in this worker process starts clean."""
    request_id_var.set(None)
