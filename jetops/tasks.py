from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def flush_expired_tokens_task() -> None:
    """Remove expired outstanding/blacklisted refresh tokens (simplejwt's own command)."""
    call_command("flushexpiredtokens")
