"""Why an aircraft cannot take a flight: overlapping flights (with the turnaround buffer),
blackouts, its status, or being elsewhere. And which aircraft could instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fleet.choices import UNAVAILABLE_STATUSES, AircraftCategory
from fleet.models import Aircraft, Airport, Blackout
from flights.choices import ACTIVE_FLIGHT_STATUSES
from flights.models import Flight
from jetops.geo import great_circle_nm

CATEGORY_ORDER = [
    AircraftCategory.LIGHT,
    AircraftCategory.MIDSIZE,
    AircraftCategory.SUPER_MIDSIZE,
    AircraftCategory.HEAVY,
    AircraftCategory.ULTRA_LONG_RANGE,
]


@dataclass
class LegPlan:
    """A leg to book: airports, planned off/on-block times and what it carries."""

    departure_airport: Airport
    arrival_airport: Airport
    departure_at: datetime
    arrival_at: datetime
    leg_type: str = "revenue"
    passengers: int = 0
    distance_nm: int = 0
    block_minutes: int = 0
    departure_fbo: str = ""
    arrival_fbo: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _iso(value: datetime) -> str:
    return value.isoformat()


def aircraft_conflicts(
    aircraft: Aircraft,
    start: datetime,
    busy_until: datetime,
    *,
    exclude_flight_ids: tuple[int, ...] = (),
) -> list[dict[str, Any]]:
    """Everything that stops ``aircraft`` from being used in ``[start, busy_until)``."""
    conflicts: list[dict[str, Any]] = []
    if aircraft.status in UNAVAILABLE_STATUSES or not aircraft.is_active:
        conflicts.append(
            {
                "type": "aircraft_status",
                "detail": f"{aircraft.tail_number} is {aircraft.get_status_display().lower()}.",
                "status": aircraft.status,
            }
        )
    overlapping = (
        Flight.objects.filter(aircraft=aircraft, status__in=ACTIVE_FLIGHT_STATUSES)
        .overlapping(start, busy_until)
        .exclude(pk__in=exclude_flight_ids)
        .order_by("departure_at")
    )
    for other in overlapping:
        conflicts.append(
            {
                "type": "flight",
                "detail": f"{aircraft.tail_number} flies {other.flight_number} "
                f"({other.departure_airport_id}-{other.arrival_airport_id}) then.",
                "flight": other.pk,
                "flight_number": other.flight_number,
                "start": _iso(other.departure_at),
                "end": _iso(other.busy_until),
            }
        )
    for blackout in Blackout.objects.filter(aircraft=aircraft, start__lt=busy_until, end__gt=start).order_by(
        "start"
    ):
        conflicts.append(
            {
                "type": "blackout",
                "detail": f"{aircraft.tail_number} is blacked out ({blackout.get_kind_display().lower()}).",
                "blackout": blackout.pk,
                "kind": blackout.kind,
                "start": _iso(blackout.start),
                "end": _iso(blackout.end),
            }
        )
    return conflicts


def aircraft_position(
    aircraft: Aircraft, when: datetime, *, exclude_flight_ids: tuple[int, ...] = ()
) -> Airport:
    """Where ``aircraft`` will be at ``when``: where its last active flight before then lands
    (or diverted to), else its current location."""
    last = (
        Flight.objects.filter(aircraft=aircraft, status__in=ACTIVE_FLIGHT_STATUSES, departure_at__lt=when)
        .exclude(pk__in=exclude_flight_ids)
        .select_related("arrival_airport", "diverted_to")
        .order_by("-departure_at")
        .first()
    )
    if last is None:
        return aircraft.current_location
    return last.diverted_to or last.arrival_airport


def next_departure(
    aircraft: Aircraft, after: datetime, *, exclude_flight_ids: tuple[int, ...] = ()
) -> Flight | None:
    return (
        Flight.objects.filter(aircraft=aircraft, status__in=ACTIVE_FLIGHT_STATUSES, departure_at__gte=after)
        .exclude(pk__in=exclude_flight_ids)
        .select_related("departure_airport")
        .order_by("departure_at")
        .first()
    )


def alternatives(
    *,
    aircraft: Aircraft,
    departure_airport: Airport,
    start: datetime,
    busy_until: datetime,
    passengers: int,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """Available aircraft of the same or a larger category with enough seats, nearest first
    by positioning distance from where each will be."""
    order = [c.value for c in CATEGORY_ORDER]
    categories = order[order.index(aircraft.category) :] if aircraft.category in order else order
    from fleet.selectors import aircraft_available

    candidates = aircraft_available(
        Aircraft.objects.filter(category__in=categories, seating_capacity__gte=max(passengers, 1))
        .exclude(pk=aircraft.pk)
        .select_related("current_location"),
        start,
        busy_until,
    )
    ranked = []
    for other in candidates:
        where = aircraft_position(other, start)
        distance = great_circle_nm(
            where.latitude, where.longitude, departure_airport.latitude, departure_airport.longitude
        )
        ranked.append(
            {
                "aircraft": other.pk,
                "tail_number": other.tail_number,
                "aircraft_type": other.aircraft_type,
                "category": other.category,
                "seating_capacity": other.seating_capacity,
                "position": where.icao,
                "positioning_nm": round(distance),
            }
        )
    ranked.sort(key=lambda row: (row["positioning_nm"], row["aircraft"]))
    return ranked[:limit]


def turnaround(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)
