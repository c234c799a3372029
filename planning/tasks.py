"""Planning background jobs (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from jetops.tasks import ALERT_TASK_OPTIONS
from planning.services import weather_alerts_send


@shared_task(**ALERT_TASK_OPTIONS)
def weather_alerts_task() -> int:
    """E-mail operations when a destination or alternate of a flight in the next 48 h is
    forecast below the operator's minimum or closed. Idempotent: each alert goes once."""
    return weather_alerts_send()
