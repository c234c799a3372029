"""Client preferences: their shape and defaults (pure; no ORM).

``preferences`` = {
  "dietary_restrictions": [str],            e.g. ["vegetarian", "no nuts"]
  "special_requests": [str],                e.g. ["Sparkling water chilled"]
  "preferred_aircraft": [aircraft id],      checked against the fleet by the service
  "notification_preferences": {channel: {event: bool}}   channels email/sms/push
}
Unknown keys are refused at every level so a typo never silently does nothing.
"""

from __future__ import annotations

from typing import Any

from clients.choices import NotificationChannel, NotificationEvent

PREFERENCE_KEYS = (
    "dietary_restrictions",
    "special_requests",
    "preferred_aircraft",
    "notification_preferences",
)
MAX_ITEMS = 50
MAX_SHORT_TEXT = 200
TEXT_LISTS = ("dietary_restrictions", "special_requests")


def default_notification_preferences() -> dict[str, dict[str, bool]]:
    """E-mail for every event; SMS for flight status only; push off until an app registers."""
    return {
        NotificationChannel.EMAIL: dict.fromkeys(NotificationEvent.values, True),
        NotificationChannel.SMS: {e: e == NotificationEvent.FLIGHT_STATUS for e in NotificationEvent.values},
        NotificationChannel.PUSH: dict.fromkeys(NotificationEvent.values, False),
    }


def default_preferences() -> dict[str, Any]:
    return {
        "dietary_restrictions": [],
        "special_requests": [],
        "preferred_aircraft": [],
        "notification_preferences": default_notification_preferences(),
    }


def preferences_validate(data: Any, *, partial: bool = True) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return ``(cleaned, errors)``. ``cleaned`` holds only the keys given (``partial``) or
    every key with defaults filled in."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return {}, {"non_field_errors": ["Preferences must be an object."]}
    cleaned: dict[str, Any] = {} if partial else default_preferences()
    for key in sorted(set(data) - set(PREFERENCE_KEYS)):
        errors[key] = [f"Unknown preference; allowed: {', '.join(PREFERENCE_KEYS)}."]
    for key in TEXT_LISTS:
        if key in data:
            texts, problem = _texts_validate(data[key])
            if problem:
                errors[key] = [problem]
            else:
                cleaned[key] = texts
    if "preferred_aircraft" in data:
        value = data["preferred_aircraft"]
        if (
            not isinstance(value, list)
            or len(value) > MAX_ITEMS
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        ):
            errors["preferred_aircraft"] = ["A list of aircraft ids."]
        else:
            cleaned["preferred_aircraft"] = list(dict.fromkeys(value))
    if "notification_preferences" in data:
        value, problems = _notifications_validate(data["notification_preferences"])
        if problems:
            errors["notification_preferences"] = problems
        else:
            cleaned["notification_preferences"] = value
    return cleaned, errors


def _texts_validate(value: Any) -> tuple[list[str], str]:
    """A list of at most ``MAX_ITEMS`` non-blank texts of at most ``MAX_SHORT_TEXT``
    characters each, stripped; ``(texts, "")`` or ``([], problem)``."""
    if not isinstance(value, list) or not all(
        isinstance(v, str) and 0 < len(v.strip()) <= MAX_SHORT_TEXT for v in value
    ):
        return [], f"A list of texts of 1 to {MAX_SHORT_TEXT} characters each."
    if len(value) > MAX_ITEMS:
        return [], f"At most {MAX_ITEMS} items."
    return [v.strip() for v in value], ""


def _notifications_validate(value: Any) -> tuple[dict[str, dict[str, bool]], list[str]]:
    if not isinstance(value, dict):
        return {}, ["An object of channel → {event: true|false}."]
    problems: list[str] = []
    result = default_notification_preferences()
    for channel, events in value.items():
        if channel not in NotificationChannel.values:
            problems.append(f"Unknown channel {channel!r}; allowed: {', '.join(NotificationChannel.values)}.")
            continue
        if not isinstance(events, dict):
            problems.append(f"{channel}: an object of event → true|false.")
            continue
        for event, enabled in events.items():
            if event not in NotificationEvent.values:
                problems.append(
                    f"{channel}: unknown event {event!r}; allowed: {', '.join(NotificationEvent.values)}."
                )
            elif not isinstance(enabled, bool):
                problems.append(f"{channel}.{event}: true or false.")
            else:
                result[channel][event] = enabled
    return result, problems


def wants(preferences: dict[str, Any], channel: str, event: str) -> bool:
    """Whether the client wants ``event`` notifications on ``channel``."""
    table = preferences.get("notification_preferences") or default_notification_preferences()
    return bool(table.get(channel, {}).get(event, default_notification_preferences()[channel][event]))
