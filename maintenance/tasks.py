"""Maintenance background jobs (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from jetops.tasks import ALERT_TASK_OPTIONS
from maintenance.services import maintenance_alerts_send


@shared_task(**ALERT_TASK_OPTIONS)
def maintenance_alerts_task() -> int:
    """E-mail operations about items due soon or overdue, MEL deferrals ending or expired,
    parts below their minimum stock and vendor certificates expiring — each once per
    threshold (``MaintenanceAlert``). Idempotent: safe to run several times a day."""
    return maintenance_alerts_send()
