"""Crew background jobs (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from crew.services import expiry_alerts_send
from jetops.tasks import ALERT_TASK_OPTIONS


@shared_task(**ALERT_TASK_OPTIONS)
def crew_expiry_alerts_task() -> int:
    """E-mail each crew member and operations about qualifications (medical, checks,
    recency, licences) expiring in exactly 60/30/7 days (``CREW_EXPIRY_ALERT_DAYS``), and
    once about those that expired. Idempotent: safe to run several times a day."""
    return expiry_alerts_send()
