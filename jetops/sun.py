"""Sunrise, sunset and the night of 14 CFR 61.57(b) at a place, from ``astral``.

Pure (no Django, no clock). 61.57(b) night currency counts takeoffs and landings "during the
period beginning 1 hour after sunset and ending 1 hour before sunrise"; Part 1 "night"
(end of evening to beginning of morning civil twilight) is a different period, not this one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from astral import Observer
from astral.sun import elevation, sunrise, sunset

NIGHT_MARGIN = timedelta(hours=1)
HORIZON_DEGREES = -0.833  # refraction and the sun's radius: the usual sunrise/sunset altitude


@lru_cache(maxsize=8192)
def _day_events(latitude: float, longitude: float, day: date) -> tuple[tuple[datetime, str], ...]:
    """The sunrise and sunset of one UTC date at a place (cached: airports and days repeat)."""
    observer = Observer(latitude=latitude, longitude=longitude)
    events = []
    for name, when in (("rise", sunrise), ("set", sunset)):
        try:
            events.append((when(observer, day, tzinfo=UTC), name))
        except ValueError:  # the sun does not rise or set that day (polar day or night)
            continue
    return tuple(events)


def _events(latitude: float, longitude: float, instant: datetime) -> list[tuple[datetime, str]]:
    """Sunrises and sunsets within a day or so either side of ``instant``, in order."""
    day = instant.astimezone(UTC).date()
    found = {
        e
        for offset in (-2, -1, 0, 1, 2)
        for e in _day_events(latitude, longitude, day + timedelta(days=offset))
    }
    return sorted(found)


def is_night_for_currency(instant: datetime, latitude: float, longitude: float) -> bool:
    """True when ``instant`` (aware) lies between 1 h after sunset and 1 h before sunrise at
    the place. Where the sun neither rises nor sets around ``instant`` (polar day or night),
    it is night when the sun is below the horizon."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    events = _events(latitude, longitude, instant)
    before = [(t, name) for t, name in events if t <= instant]
    after = [(t, name) for t, name in events if t > instant]
    if not before or not after:
        return elevation(Observer(latitude=latitude, longitude=longitude), instant) < HORIZON_DEGREES
    (last, last_name), (following, following_name) = before[-1], after[0]
    if last_name != "set" or following_name != "rise":
        return False  # between a sunrise and a sunset: day
    return last + NIGHT_MARGIN <= instant <= following - NIGHT_MARGIN
