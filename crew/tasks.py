"""Crew background jobs (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from crew.services import expiry_alerts_send


# An SMTP failure (OSError) rolls back that alert's row, so a retry sends exactly what is
# still unsent: thresholds are exact days, and tomorrow's run would not catch today's alerts.
@shared_task(
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=6,
)
def crew_expiry_alerts_task() -> int:
    """E-mail each crew member and operations about qualifications (medical, checks,
    recency, licences) expiring in exactly 60/30/7 days (``CREW_EXPIRY_ALERT_DAYS``), and
    once about those that expired. Idempotent: safe to run several times a day."""
    return expiry_alerts_send()
