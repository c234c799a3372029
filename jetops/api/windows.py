"""Query parameters for time windows, shared by the API's schedule and calendar screens
(an aircraft's schedule, crew availability and rosters): ``?from=&to=`` read the same way
everywhere, with the same defaults, limits and 400 messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from rest_framework.exceptions import ValidationError

SCHEDULE_DEFAULT_DAYS = 30
SCHEDULE_MAX_DAYS = 366


def parse_instant(value: str) -> datetime:
    """An ISO 8601 date-time (naive → UTC) or date (→ midnight UTC); ``ValueError`` if neither."""
    text = value.strip()
    if not text:
        raise ValueError("empty")
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def schedule_window(params: Any) -> tuple[datetime, datetime]:
    """``?from=&to=`` as aware datetimes: default now … now + 30 days, at most 366 days."""
    errors: dict[str, list[str]] = {}
    values: dict[str, datetime | None] = {}
    for name in ("from", "to"):
        raw = params.get(name)
        if raw is None:
            values[name] = None
            continue
        try:
            values[name] = parse_instant(raw)
        except ValueError:
            errors[name] = ["An ISO 8601 date or date-time, e.g. 2026-05-01T00:00:00Z."]
    if errors:
        raise ValidationError(errors)
    start = values["from"] or timezone.now()
    try:
        end = values["to"] or start + timedelta(days=SCHEDULE_DEFAULT_DAYS)
    except OverflowError:
        raise ValidationError({"from": ["Too far in the future."]}) from None
    if end <= start:
        raise ValidationError({"to": ["Must be after from."]})
    if end - start > timedelta(days=SCHEDULE_MAX_DAYS):
        raise ValidationError({"to": [f"The window is at most {SCHEDULE_MAX_DAYS} days."]})
    return start, end
