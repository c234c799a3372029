"""The recency experience of the operator's flown legs, cached per crew member
(docs/architecture.md#caches).

Reading it means every leg a pilot flew in the last 100 days, with the 61.57(b) night decided
by the sun at each airport: at scale, hundreds of legs per pilot. So each member's events are
kept in the cache (a day at most) and forgotten, once the transaction commits, by the writes
that change them: a flight's status (a leg becomes flown, or is diverted), and the pilot
recorded as flying a leg (``forget_flight_crew``). Experience recorded by hand
(``ExperienceRecord``) is read live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from crew.choices import CrewRole
from crew.expiries import ExperienceEvent
from crew.models import CrewAssignment
from flights.choices import FLOWN_FLIGHT_STATUSES
from jetops.sun import is_night_for_currency

CACHE_SECONDS = 24 * 3600
PILOT_ROLES = (CrewRole.PIC, CrewRole.SIC)

# One row per (day the leg was planned to land, UTC; local day it landed; aircraft type):
# takeoffs, landings, night takeoffs, night landings, summed. Plain integers and a string: a
# page of crew unpickles them fast. The currency rules only ever sum counts by day, and a
# flown leg's night counts never exceed its day counts, so the sums decide as the legs would.
Row = tuple[int, int, str, int, int, int, int]


def _key(member_id: int) -> str:
    return f"crew:flown-experience:v1:{member_id}"


def _flown_read(ids: list[int], since: datetime) -> dict[int, list[Row]]:
    """The legs each member flew landing (as planned) from ``since``, credited to the pilot
    who flew them (the assignment recorded as pilot flying, else the pilot in command: 61.57(a)
    counts the sole manipulator of the controls) with one takeoff and the flight's landings,
    counted as night too when they fell in the 61.57(b) night at their airport."""
    sums: dict[int, dict[tuple[int, int, str], list[int]]] = {pk: {} for pk in ids}
    pilot_flying_recorded = CrewAssignment.objects.filter(flight=OuterRef("flight"), pilot_flying=True)
    flown = (
        CrewAssignment.objects.filter(
            crew_member_id__in=ids,
            role__in=PILOT_ROLES,
            flight__status__in=FLOWN_FLIGHT_STATUSES,
            flight__arrival_at__gte=since,
        )
        .filter(Q(pilot_flying=True) | Q(Q(role=CrewRole.PIC) & ~Exists(pilot_flying_recorded)))
        .values_list(
            "crew_member_id",
            "flight__actual_off_block",
            "flight__departure_at",
            "flight__actual_on_block",
            "flight__arrival_at",
            "flight__aircraft__aircraft_type",
            "flight__landings",
            "flight__departure_airport__latitude",
            "flight__departure_airport__longitude",
            "flight__arrival_airport__latitude",
            "flight__arrival_airport__longitude",
            "flight__diverted_to__latitude",
            "flight__diverted_to__longitude",
        )
    )
    for row in flown:
        member_id, off, departure, on, arrival, aircraft_type, landings = row[:7]
        dep_lat, dep_lon, arr_lat, arr_lon, div_lat, div_lon = row[7:]
        took_off, landed = off or departure, on or arrival
        if div_lat is not None:
            arr_lat, arr_lon = div_lat, div_lon
        landings = max(landings, 1)
        key = (arrival.astimezone(UTC).toordinal(), timezone.localdate(landed).toordinal(), aircraft_type)
        counts = sums[member_id].setdefault(key, [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += landings
        counts[2] += int(is_night_for_currency(took_off, dep_lat, dep_lon))
        counts[3] += landings if is_night_for_currency(landed, arr_lat, arr_lon) else 0
    return {
        pk: [(day, on, kind, c[0], c[1], c[2], c[3]) for (day, on, kind), c in by_day.items()]
        for pk, by_day in sums.items()
    }


def _events(rows: list[Row], since: int) -> list[ExperienceEvent]:
    return [
        ExperienceEvent(
            on=date.fromordinal(on),
            aircraft_type=aircraft_type,
            takeoffs=takeoffs,
            landings=landings,
            night_takeoffs=night_takeoffs,
            night_landings=night_landings,
        )
        for arrival_day, on, aircraft_type, takeoffs, landings, night_takeoffs, night_landings in rows
        if arrival_day >= since
    ]


def flown_experience(member_ids: Iterable[int], since: date) -> dict[int, list[ExperienceEvent]]:
    """Each member's events of the legs landing (as planned) from ``since`` (midnight UTC):
    from the cache when it holds them from that day or earlier, else read and cached."""
    first = since.toordinal()
    ids = list(dict.fromkeys(member_ids))
    cached = cache.get_many([_key(pk) for pk in ids])
    result: dict[int, list[ExperienceEvent]] = {}
    missing = []
    for pk in ids:
        entry = cached.get(_key(pk))
        if entry is None or entry[0] > first:
            missing.append(pk)
        else:
            result[pk] = _events(entry[1], first)
    if missing:
        fresh = _flown_read(missing, datetime.combine(since, datetime.min.time(), tzinfo=UTC))
        cache.set_many({_key(pk): (first, rows) for pk, rows in fresh.items()}, CACHE_SECONDS)
        for pk, rows in fresh.items():
            result[pk] = _events(rows, first)
    return result


def forget(member_ids: Iterable[int]) -> None:
    """Drop the members' cached events now and again once the transaction commits (a read
    between the two sees the old rows and may cache them)."""
    keys = [_key(pk) for pk in member_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def forget_flight_crew(flight_id: int) -> None:
    """A flight's legs changed (its status, times, landings or diversion): its pilots'
    events are read again."""
    forget(
        CrewAssignment.objects.filter(flight_id=flight_id, role__in=PILOT_ROLES).values_list(
            "crew_member_id", flat=True
        )
    )
