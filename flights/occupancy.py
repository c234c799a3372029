"""Flights as an occupancy provider of the fleet (``fleet.occupancy``), registered by
``FlightsConfig.ready()``: a flight occupies its aircraft from off-block to the end of its
turnaround (``busy_until``), positioning legs included, and takes it to its arrival airport
(or where it diverted to). Cancelled flights occupy nothing; completed ones are history,
shown on the schedule but never in the way (the aircraft's location has moved with them)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from fleet.models import Aircraft, Airport
from fleet.occupancy import OccupancyEntry, register_occupancy
from flights.choices import ACTIVE_FLIGHT_STATUSES, FlightStatus, LegType
from flights.models import Flight

PROVIDER = "flights"


def busy_aircraft(start: datetime, end: datetime) -> QuerySet[Any]:
    """Ids of aircraft with an active flight overlapping ``[start, end)`` (a subquery)."""
    return Flight.objects.active().overlapping(start, end).values("aircraft_id")


# What an entry shows: a fleet's days of flights are read without their plans and billing.
ENTRY_FIELDS = (
    "aircraft",
    "leg_type",
    "departure_at",
    "arrival_at",
    "busy_until",
    "flight_number",
    "status",
    "trip__number",
    "departure_airport",
    "arrival_airport",
    "diverted_to",
)


def _entries(flights: QuerySet[Flight]) -> Iterator[OccupancyEntry]:
    rows = list(flights.select_related("trip").only(*ENTRY_FIELDS))
    # The airports once each (a few dozen), not joined three times per flight.
    airports = Airport.objects.in_bulk(
        {
            code
            for f in rows
            for code in (f.departure_airport_id, f.arrival_airport_id, f.diverted_to_id)
            if code
        }
    )
    for flight in rows:
        positioning = flight.leg_type == LegType.POSITIONING
        route = f"{flight.departure_airport_id}–{flight.arrival_airport_id}"
        yield OccupancyEntry(
            aircraft_id=flight.aircraft_id,
            kind="positioning" if positioning else "flight",
            start=flight.departure_at,
            end=flight.busy_until,
            title=f"{flight.flight_number} {route}" + (" (positioning)" if positioning else ""),
            ref=flight.pk,
            detail={
                "flight_number": flight.flight_number,
                "trip": flight.trip.number,
                "status": flight.status,
                "leg_type": flight.leg_type,
                "departure_airport": flight.departure_airport_id,
                "arrival_airport": flight.arrival_airport_id,
                "arrival_at": flight.arrival_at.isoformat(),
                "diverted_to": flight.diverted_to_id,
            },
            origin=airports[flight.departure_airport_id],
            destination=airports[flight.diverted_to_id or flight.arrival_airport_id],
            blocks=flight.status in ACTIVE_FLIGHT_STATUSES,
        )


def flight_entries(
    aircraft_ids: Collection[int], start: datetime, end: datetime, exclude: Collection[Any]
) -> Iterator[OccupancyEntry]:
    """The flights of these aircraft overlapping ``[start, end)`` but cancelled ones."""
    flights = (
        Flight.objects.filter(aircraft_id__in=aircraft_ids)
        .exclude(status=FlightStatus.CANCELLED)
        .exclude(pk__in=exclude)
        .overlapping(start, end)
    )
    return _entries(flights)


def flight_neighbours(
    aircraft_ids: Collection[int], start: datetime, end: datetime, exclude: Collection[Any]
) -> Iterator[OccupancyEntry]:
    """Per aircraft, its last active flight departing before ``start`` and its first one
    departing at or after ``end``, however far (two queries, whatever the history)."""
    active = Flight.objects.active().exclude(pk__in=exclude)
    # One row per aircraft, each side a subquery that stops at the first flight it meets
    # (the aircraft/departure index, read backwards or forwards), however long the history.
    nearest = (
        Aircraft.objects.filter(pk__in=aircraft_ids)
        .annotate(
            before=Subquery(
                active.filter(aircraft_id=OuterRef("pk"), departure_at__lt=start)
                .order_by("-departure_at")
                .values("pk")[:1]
            ),
            after=Subquery(
                active.filter(aircraft_id=OuterRef("pk"), departure_at__gte=end)
                .order_by("departure_at")
                .values("pk")[:1]
            ),
        )
        .values_list("before", "after")
    )
    ids = {pk for pair in nearest for pk in pair if pk is not None}
    return _entries(Flight.objects.filter(pk__in=ids))


def register() -> None:
    register_occupancy(PROVIDER, busy=busy_aircraft, entries=flight_entries, neighbours=flight_neighbours)
