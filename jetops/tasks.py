from __future__ import annotations

from functools import partial
from typing import Any

from celery import shared_task
from django.core.management import call_command
from django.db import transaction

from jetops.models import NotificationStatus
from jetops.notifications import TransientNotificationError, deliveries_sweep, delivery_send

# Options of the daily expiry-alert tasks. An SMTP failure (OSError) rolls back that alert's
# row, so a retry sends exactly what is still unsent: thresholds are exact days, and
# tomorrow's run would not catch today's alerts. A worker killed after the send rolls the row
# back too, so these internal alerts (to crew and operations) are delivered at least once.
ALERT_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "time_limit": 300,
    "soft_time_limit": 240,
    "autoretry_for": (OSError,),
    "retry_backoff": 60,
    "max_retries": 6,
}

# Options of the tasks that send client notifications. Retry delays stay below the broker's
# visibility timeout (a message waiting for its retry is held unacknowledged), and the hard
# time limit below NOTIFICATION_STUCK_AFTER_MINUTES (a row still sending after that is
# abandoned, not in progress).
NOTIFY_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientNotificationError,),
    "retry_backoff": 60,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(acks_late=True)
def flush_expired_tokens_task() -> None:
    """Remove expired outstanding/blacklisted refresh tokens (simplejwt's own command)."""
    call_command("flushexpiredtokens")


@shared_task(**NOTIFY_TASK_OPTIONS)
def delivery_send_task(delivery_id: int) -> bool:
    """Send one recorded client notification again (queued by the sweep); True if it is sent."""
    row = delivery_send(delivery_id=delivery_id)
    return row is not None and row.status == NotificationStatus.SENT


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
@transaction.atomic
def deliveries_sweep_task() -> int:
    """Settle client notifications stuck in pending or sending and queue those to send again;
    returns how many were queued."""
    resend = deliveries_sweep()
    for delivery_id in resend:
        transaction.on_commit(partial(delivery_send_task.delay, delivery_id))
    return len(resend)
