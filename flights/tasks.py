"""Celery tasks of the flights app: client notifications and the quote-expiry sweep.

Tasks take ids, load fresh rows and call one service. ``flights.services`` enqueues
``client_notify_task`` with ``transaction.on_commit``; running it twice is harmless because
``clients.notifications.client_notify`` is idempotent per ``key``. What each notification says is
built by ``flights.messages``.
"""

from __future__ import annotations

import logging

from celery import shared_task

from clients.notifications import client_notify
from flights.messages import client_message
from flights.services.quotes import quotes_expire
from jetops.models import NotificationStatus
from jetops.tasks import NOTIFY_TASK_OPTIONS

logger = logging.getLogger(__name__)


@shared_task(**NOTIFY_TASK_OPTIONS)
def client_notify_task(
    event: str,
    key: str,
    quote_id: int | None = None,
    trip_id: int | None = None,
    flight_id: int | None = None,
    status: str | None = None,
) -> int:
    """Notify the client of a quote, trip or flight event; returns how many of the key's
    messages are sent (now or by an earlier run). Transient send failures (SMTP 4xx,
    connection lost) are retried with exponential backoff (1 min … 1 h, 5 times); what was
    sent is never sent again."""
    message = client_message(event, quote_id=quote_id, trip_id=trip_id, flight_id=flight_id, status=status)
    if message is None:
        logger.warning("Notification %s dropped: its %s no longer exists.", key, event)
        return 0
    deliveries = client_notify(
        event=event,
        key=key,
        client=message.client,
        subject=message.subject,
        template=message.template,
        context=message.context,
    )
    return sum(1 for d in deliveries if d.status == NotificationStatus.SENT)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def quotes_expire_task() -> int:
    """Mark open quotes past their validity as expired; returns how many."""
    return quotes_expire()
