"""Fleet background jobs (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from fleet.services import document_expiry_alerts_send
from jetops.tasks import ALERT_TASK_OPTIONS


@shared_task(**ALERT_TASK_OPTIONS)
def aircraft_document_expiry_alerts_task() -> int:
    """E-mail operations about documents expiring in exactly 60/30/7 days
    (``FLEET_DOCUMENT_ALERT_DAYS``). Idempotent: safe to run several times a day."""
    return document_expiry_alerts_send()
