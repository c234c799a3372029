"""What the web processes know about Celery, for ``/healthz`` and ``/metrics``: the last
heartbeat of a worker and of beat, task outcomes counted by every worker, and the length of
each queue read from the broker.

Everything goes through the cache (Redis in production), which every web process, worker and
beat share, so any web process answers for all of them.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)

HEARTBEAT_TASK = "jetops.tasks.heartbeat_task"
HEARTBEAT_SECONDS = 30
"""Beat sends the heartbeat task this often (``CELERY_BEAT_SCHEDULE``)."""
STALE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS
"""A heartbeat older than this means the worker (or beat) is not running."""
PROCESSES = ("worker", "beat")
OUTCOMES = ("succeeded", "failed", "retried")


def _heartbeat_key(process: str) -> str:
    return f"celery:heartbeat:{process}"


def _outcome_key(task: str, outcome: str) -> str:
    return f"celery:tasks:{task}:{outcome}"


def heartbeat_record(process: str) -> None:
    """Note that ``process`` ("worker" or "beat") is alive now."""
    cache.set(_heartbeat_key(process), time.time(), timeout=None)


def heartbeat_ages() -> dict[str, float | None]:
    """Seconds since each process's last heartbeat (None: never seen)."""
    found = cache.get_many([_heartbeat_key(p) for p in PROCESSES])
    now = time.time()
    ages: dict[str, float | None] = {}
    for process in PROCESSES:
        at = found.get(_heartbeat_key(process))
        ages[process] = round(max(0.0, now - float(at)), 1) if at is not None else None
    return ages


def task_outcome_count(task: str, outcome: str) -> None:
    """Add one to ``task``'s ``outcome`` counter. A cache failure is logged, never raised:
    counting must not fail the task."""
    key = _outcome_key(task, outcome)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # noqa: BLE001  (monitoring is best effort)
        log.warning("could not count task outcome %s of %s", outcome, task, exc_info=True)


def task_outcomes(tasks: list[str]) -> dict[tuple[str, str], int]:
    """(task, outcome) → count, for the given task names."""
    keys = {_outcome_key(t, o): (t, o) for t in tasks for o in OUTCOMES}
    found = cache.get_many(list(keys))
    return {pair: int(found.get(key) or 0) for key, pair in keys.items()}


def queue_lengths(app: Any, *, timeout: float = 2.0) -> dict[str, int]:
    """Messages waiting in each of the app's queues, read from the broker (a queue the
    broker does not know yet is empty). Raises when the broker cannot be reached."""
    from kombu.exceptions import ChannelError

    lengths: dict[str, int] = {}
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        channel = conn.default_channel
        for name in app.amqp.queues:
            try:
                lengths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except ChannelError:
                lengths[name] = 0
    return lengths


# ---------------------------------------------------------------- signal handlers (jetops.celery)


def on_task_publish(sender: str | None = None, **_kwargs: Any) -> None:
    """``before_task_publish``: only beat sends the heartbeat task, so sending it is beat's
    heartbeat."""
    if sender == HEARTBEAT_TASK:
        heartbeat_record("beat")


def on_task_success(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_count(sender.name, "succeeded")


def on_task_failure(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_count(sender.name, "failed")


def on_task_retry(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_count(sender.name, "retried")
