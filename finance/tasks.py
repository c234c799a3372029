"""Celery tasks of the finance app: invoice and reminder e-mails, the nightly dunning run,
prepaid balance alerts and the FX refresh. Each takes ids, loads fresh rows and calls one
service; the e-mails are idempotent per key (``jetops.notifications.email_once``), so a
retried task sends nothing twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from finance import services
from jetops.models import NotificationStatus
from jetops.tasks import NOTIFY_TASK_OPTIONS


@shared_task(**NOTIFY_TASK_OPTIONS)
def invoice_send_task(invoice_id: int) -> bool:
    """E-mail an issued invoice (or credit note) with its PDF; True once it is sent."""
    row = services.invoice_send(invoice_id=invoice_id)
    return row is not None and row.status == NotificationStatus.SENT


@shared_task(**NOTIFY_TASK_OPTIONS)
def reminder_send_task(reminder_id: int) -> bool:
    """E-mail one payment reminder; True once it is sent."""
    row = services.reminder_send(reminder_id=reminder_id)
    return row is not None and row.status == NotificationStatus.SENT


@shared_task(**NOTIFY_TASK_OPTIONS)
def prepaid_low_balance_alert_task(account_id: int) -> bool:
    row = services.prepaid_low_balance_alert(account_id=account_id)
    return row is not None and row.status == NotificationStatus.SENT


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def dunning_run_task() -> int:
    """Record today's payment reminders and queue their e-mails; returns how many."""
    reminders = services.dunning_run(today=timezone.localdate())
    for reminder_id in reminders:
        reminder_send_task.delay(reminder_id)
    return len(reminders)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def fx_rates_refresh_task() -> int:
    """Store today's rates from the configured provider (none: nothing)."""
    return services.fx_rates_refresh(day=timezone.localdate())
