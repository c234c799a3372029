"""A leg to book, and which aircraft could fly it instead when the chosen one cannot. Why an
aircraft cannot (overlapping flights with their turnaround, positioning legs, blackouts, its
status, being elsewhere) is ``fleet.selectors.FleetOccupancy``'s answer, the one every screen
shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fleet.choices import AircraftCategory
from fleet.models import Aircraft, Airport
from fleet.selectors import aircraft_available, aircraft_occupancy
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
    # The engine's block estimate for this aircraft, when the caller has it already (the
    # speed check reuses it rather than pricing the leg again).
    estimated_block_minutes: int | None = None
    departure_fbo: str = ""
    arrival_fbo: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def alternatives(
    *,
    aircraft: Aircraft,
    departure_airport: Airport,
    start: datetime,
    busy_until: datetime,
    passengers: int,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """Aircraft free for the whole of ``[start, busy_until)``, of the same or a larger category
    with enough seats, nearest first by positioning distance from where each will be. A fixed
    number of queries, whatever the size of the fleet."""
    order = [c.value for c in CATEGORY_ORDER]
    categories = order[order.index(aircraft.category) :] if aircraft.category in order else order
    candidates = list(
        aircraft_available(
            Aircraft.objects.filter(category__in=categories, seating_capacity__gte=max(passengers, 1))
            .exclude(pk=aircraft.pk)
            .select_related("current_location"),
            start,
            busy_until,
        )
    )
    occupancy = aircraft_occupancy(candidates, start, busy_until)
    ranked = []
    for other in candidates:
        where = occupancy.position_at(other.pk, start)
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
