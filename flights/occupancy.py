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

from fleet.models import Aircraft
from fleet.occupancy import OccupancyEntry, register_occupancy
from flights.choices import ACTIVE_FLIGHT_STATUSES, FlightStatus, LegType
from flights.models import Flight

PROVIDER = "flights"


def busy_aircraft(start: datetime, end: datetime) -> QuerySet[Any]:
    """Ids of aircraft with an active flight overlapping ``[start, end)`` (a subquery)."""
    return Flight.objects.active().overlapping(start, end).values("aircraft_id")


def _entries(flights: QuerySet[Flight]) -> Iterator[OccupancyEntry]:
    # A fleet's days of flights, read without their plans and billing details (never shown).
    related = flights.select_related("trip", "departure_airport", "arrival_airport", "diverted_to")
    for flight in related.defer("flight_plan", "billing_info"):
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
            origin=flight.departure_airport,
            destination=flight.diverted_to or flight.arrival_airport,
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
    departing at or after ``end``, however far (one query, whatever the history)."""
    active = Flight.objects.active().exclude(pk__in=exclude)
    # One row per aircraft, each side a subquery that stops at the first flight it meets
    # (the aircraft/departure index, read backwards or forwards), however long the history.
    nearest = (
        Aircraft.objects.filter(pk__in=aircraft_ids)
        .order_by()
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
    )
    # A union, not ``pk IN (…) OR pk IN (…)``: PostgreSQL cannot serve an OR of two
    # subqueries from the primary key and filters every flight instead.
    return _entries(Flight.objects.filter(pk__in=nearest.values("before").union(nearest.values("after"))))


def register() -> None:
    register_occupancy(PROVIDER, busy=busy_aircraft, entries=flight_entries, neighbours=flight_neighbours)
