"""Sunrise, sunset and the night of 14 CFR 61.57(b) at a place, from ``astral``.

Pure (no Django, no clock). 61.57(b) night currency counts takeoffs and landings "during the
period beginning 1 hour after sunset and ending 1 hour before sunrise"; Part 1 "night"
(end of evening to beginning of morning civil twilight) is a different period, not this one.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from astral import Observer
from astral.sun import elevation, sunrise, sunset

NIGHT_MARGIN = timedelta(hours=1)
HORIZON_DEGREES = -0.833  # refraction and the sun's radius: the usual sunrise/sunset altitude
ROUTE_STEP = timedelta(minutes=5)


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


def _along(lat1: float, lon1: float, lat2: float, lon2: float, fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way along the great circle between two points."""
    phi1, lam1, phi2, lam2 = map(math.radians, (lat1, lon1, lat2, lon2))
    # Central angle (haversine), then spherical linear interpolation of the unit vectors.
    h = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lam2 - lam1) / 2) ** 2
    delta = 2 * math.asin(math.sqrt(min(1.0, max(0.0, h))))
    if delta < 1e-12:
        return lat1, lon1
    a = math.sin((1 - fraction) * delta) / math.sin(delta)
    b = math.sin(fraction * delta) / math.sin(delta)
    x = a * math.cos(phi1) * math.cos(lam1) + b * math.cos(phi2) * math.cos(lam2)
    y = a * math.cos(phi1) * math.sin(lam1) + b * math.cos(phi2) * math.sin(lam2)
    z = a * math.sin(phi1) + b * math.sin(phi2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _dark(observer: Observer, instant: datetime) -> bool:
    return elevation(observer, instant, with_refraction=False) < HORIZON_DEGREES


@lru_cache(maxsize=4096)
def night_along_route(
    off_block: datetime,
    on_block: datetime,
    route: tuple[float, float, float, float],
    step: timedelta = ROUTE_STEP,
) -> bool:
    """True when any moment from ``off_block`` to ``on_block`` falls in the 61.57(b) night
    period at the aircraft's position, flying the great circle from ``route``'s first point
    (latitude, longitude) to its second at an even pace.

    Both ends are judged with ``is_night_for_currency`` at the airports. In between, the
    route is sampled every ``step``: the aircraft is in the night period at a point when the
    sun is below the horizon there at that moment and an hour before and an hour after,
    which is "at least 1 h after sunset and 1 h before sunrise" at that point (no day is
    shorter than two hours outside the polar regions). A night period shorter than
    ``step`` that touches the route only between two samples can be missed.
    """
    dep_lat, dep_lon, arr_lat, arr_lon = route
    if is_night_for_currency(off_block, dep_lat, dep_lon) or is_night_for_currency(
        on_block, arr_lat, arr_lon
    ):
        return True
    span = on_block - off_block
    samples = max(1, math.ceil(span / step))
    for n in range(1, samples):
        fraction = n / samples
        instant = off_block + span * fraction
        lat, lon = _along(dep_lat, dep_lon, arr_lat, arr_lon, fraction)
        observer = Observer(latitude=lat, longitude=lon)
        if all(_dark(observer, t) for t in (instant, instant - NIGHT_MARGIN, instant + NIGHT_MARGIN)):
            return True
    return False
