"""Login defence: when a captcha is required and when an account is locked.

Counts come from the activity log, so they are shared by every web process, survive restarts
and are auditable. A successful login resets the per-username count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from jetops.models import ActivityAction, ActivityLog, ActivityOutcome


@dataclass(frozen=True)
class LoginState:
    captcha_required: bool
    locked_until: datetime | None


def _failures(username: str, since: datetime) -> list[datetime]:
    rows = ActivityLog.objects.filter(action=ActivityAction.LOGIN, username=username, created_at__gte=since)
    last_success = rows.filter(outcome=ActivityOutcome.SUCCESS).aggregate(m=Max("created_at"))["m"]
    failures = rows.filter(outcome=ActivityOutcome.FAILURE)
    if last_success:
        failures = failures.filter(created_at__gt=last_success)
    limit = max(settings.LOGIN_LOCKOUT_FAILURES, settings.LOGIN_CAPTCHA_AFTER_USER_FAILURES)
    return list(failures.order_by("-created_at").values_list("created_at", flat=True)[:limit])


def login_state(username: str, ip: str | None) -> LoginState:
    """Whether the next login for ``username`` from ``ip`` needs a captcha or is locked out.

    Locked: ``LOGIN_LOCKOUT_FAILURES`` failures within ``LOGIN_FAILURE_WINDOW_MINUTES``, until
    ``LOGIN_LOCKOUT_MINUTES`` after the last of them.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    lock = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    times = _failures(username, now - window - lock)
    recent = [t for t in times if t >= now - window]

    locked_until = None
    n = settings.LOGIN_LOCKOUT_FAILURES
    if n and len(times) >= n and times[0] - times[n - 1] <= window and times[0] + lock > now:
        locked_until = times[0] + lock

    mode = settings.LOGIN_CAPTCHA_MODE
    if mode == "always":
        captcha = True
    elif mode == "off":
        captcha = False
    else:
        captcha = len(recent) >= settings.LOGIN_CAPTCHA_AFTER_USER_FAILURES
        if not captcha and ip:
            ip_failures = ActivityLog.objects.filter(
                action=ActivityAction.LOGIN,
                outcome=ActivityOutcome.FAILURE,
                ip=ip,
                created_at__gte=now - window,
            ).count()
            captcha = ip_failures >= settings.LOGIN_CAPTCHA_AFTER_IP_FAILURES
    return LoginState(captcha_required=captcha, locked_until=locked_until)
