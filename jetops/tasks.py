from __future__ import annotations

from typing import Any

from celery import shared_task
from django.core.management import call_command

from jetops.celery_monitoring import heartbeat_record

# Options of the daily expiry-alert tasks. An SMTP failure (OSError) rolls back that alert's
# row, so a retry sends exactly what is still unsent: thresholds are exact days, and
# tomorrow's run would not catch today's alerts.
ALERT_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "time_limit": 300,
    "soft_time_limit": 240,
    "autoretry_for": (OSError,),
    "retry_backoff": 60,
    "max_retries": 6,
}


@shared_task(acks_late=True)
def flush_expired_tokens_task() -> None:
    """Remove expired outstanding/blacklisted refresh tokens (simplejwt's own command)."""
    call_command("flushexpiredtokens")


@shared_task(ignore_result=True)
def heartbeat_task() -> None:
    """Run by a worker every ``HEARTBEAT_SECONDS`` (beat sends it): proves a worker is
    taking tasks. ``/healthz`` and ``/metrics`` report its age."""
    heartbeat_record("worker")
