"""The flight status workflow: scheduled → boarding → departed → arrived → completed (or
cancelled, or diverted), with the trip's status, the aircraft's hours and position, and the
client's notifications following."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clients.models import Client
from fleet.choices import AircraftStatus
from fleet.models import Aircraft, Airport
from fleet.services import aircraft_status_change
from flights.choices import (
    FlightStatus,
    LegType,
    TripEventKind,
    TripStatus,
)
from flights.hooks import flight_changed
from flights.models import Flight, Trip, TripEvent
from flights.permissions import CHANGE_FLIGHT_STATUS
from flights.services.common import broadcast_status, notify_client, trip_event
from jetops.errors import Conflict
from jetops.models import User
from jetops.permissions import user_can
from jetops.writes import save_recorded, save_validated

# What a status change may change, as the flight-change hooks are told (``flights.hooks``):
# the status and, with it, the actual times, landings and diversion of a flown leg.
STATUS_FIELDS = frozenset({"status", "actual_off_block", "actual_on_block", "landings", "diverted_to"})

# Legal status moves (from → allowed targets). "diverted" is an arrival elsewhere.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    FlightStatus.SCHEDULED: (FlightStatus.BOARDING, FlightStatus.DEPARTED, FlightStatus.CANCELLED),
    FlightStatus.BOARDING: (FlightStatus.SCHEDULED, FlightStatus.DEPARTED, FlightStatus.CANCELLED),
    FlightStatus.DEPARTED: (FlightStatus.ARRIVED, FlightStatus.DIVERTED),
    FlightStatus.ARRIVED: (FlightStatus.COMPLETED,),
    FlightStatus.DIVERTED: (FlightStatus.COMPLETED,),
    FlightStatus.COMPLETED: (),
    FlightStatus.CANCELLED: (),
}


def _trip_status_sync(trip: Trip, actor: User | None) -> None:
    statuses = set(trip.flights.values_list("status", flat=True))
    if statuses <= {FlightStatus.CANCELLED}:
        target = TripStatus.CANCELLED
    elif statuses <= {FlightStatus.COMPLETED, FlightStatus.CANCELLED}:
        target = TripStatus.COMPLETED
    elif statuses & {
        FlightStatus.DEPARTED,
        FlightStatus.ARRIVED,
        FlightStatus.DIVERTED,
        FlightStatus.COMPLETED,
    }:
        target = TripStatus.IN_PROGRESS
    else:
        target = TripStatus.BOOKED
    if trip.status != target:
        trip.status = target
        save_validated(trip, actor)


ACTUAL_TIME_STATUSES = (
    FlightStatus.BOARDING,
    FlightStatus.DEPARTED,
    FlightStatus.ARRIVED,
    FlightStatus.DIVERTED,
    FlightStatus.COMPLETED,
)
"""Statuses whose ``at`` records something that happened, so it cannot be in the future."""


def _check_actual_time(flight: Flight, at: datetime) -> None:
    """An actual time is not ahead of the clock (beyond ``FLIGHT_CLOCK_SKEW_MINUTES``) nor
    before the flight's previous status time."""
    latest = timezone.now() + timedelta(minutes=settings.FLIGHT_CLOCK_SKEW_MINUTES)
    if at > latest:
        raise ValidationError({"at": ["This time is in the future: record what has happened."]})
    previous = (
        TripEvent.objects.filter(flight=flight, kind=TripEventKind.STATUS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if previous is not None and at < previous:
        raise ValidationError({"at": [f"This time is before the previous status ({previous.isoformat()})."]})


def _check_block_time(flight: Flight, off_block: datetime, on_block: datetime) -> None:
    """The block time may not exceed the longer of the aircraft's still-air endurance (range
    at cruise speed, plus taxi) and the flight's planned block time (fuel stops included),
    plus ``FLIGHT_BLOCK_ALLOWANCE_MINUTES`` for reserve fuel and holding."""
    aircraft = flight.aircraft
    endurance = aircraft.range_nautical_miles * 60 // aircraft.cruise_speed + aircraft.taxi_minutes
    limit = max(endurance, flight.estimated_block_minutes) + settings.FLIGHT_BLOCK_ALLOWANCE_MINUTES
    if on_block - off_block > timedelta(minutes=limit):
        raise ValidationError(
            {
                "at": [
                    f"A block time above {limit // 60} h {limit % 60:02d} min is beyond "
                    f"{aircraft.tail_number}'s endurance."
                ]
            }
        )


@transaction.atomic
def flight_status_change(
    *,
    flight: Flight,
    status: str,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
    diverted_to: Airport | None = None,
    landings: int | None = None,
) -> Flight:
    """Move a flight along scheduled → boarding → departed → arrived → completed (or
    cancelled before departure, diverted on arrival elsewhere). Illegal moves are a 409.
    Arrival records the on-block time, moves the aircraft and adds block hours and landings.
    A user ``actor`` needs ``flights.change_flight_status`` on the flight (Operations), from the
    API, the admin's actions or anywhere else; ``None`` is the system."""
    if actor is not None and not user_can(actor, CHANGE_FLIGHT_STATUS, flight):
        raise PermissionDenied("Only operations move a flight through its statuses or cancel it.")
    flight = (
        Flight.objects.select_for_update()
        .select_related("aircraft", "trip", "arrival_airport")
        .get(pk=flight.pk)
    )
    current = flight.status
    if status not in FlightStatus.values:
        raise ValidationError({"status": [f"One of {', '.join(FlightStatus.values)}."]})
    if status not in TRANSITIONS[current]:
        raise Conflict(
            f"A {current} flight cannot become {status}.",
            "illegal_transition",
            allowed=list(TRANSITIONS[current]),
        )
    at = at or timezone.now()
    if status in ACTUAL_TIME_STATUSES:
        _check_actual_time(flight, at)
    if status == FlightStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": ["Say why the flight is cancelled."]})
    if status == FlightStatus.DIVERTED:
        if diverted_to is None:
            raise ValidationError({"diverted_to": ["The airport the flight landed at instead."]})
        if diverted_to == flight.arrival_airport:
            raise ValidationError({"diverted_to": ["That is the planned arrival: use status arrived."]})
    if status == FlightStatus.DEPARTED:
        flight.actual_off_block = at
    if status in (FlightStatus.ARRIVED, FlightStatus.DIVERTED):
        if flight.actual_off_block is None or at <= flight.actual_off_block:
            raise ValidationError({"at": ["The arrival must be after the departure time recorded."]})
        _check_block_time(flight, flight.actual_off_block, at)
        flight.actual_on_block = at
        flight.landings = landings if landings is not None else 1
        flight.diverted_to = diverted_to if status == FlightStatus.DIVERTED else None
        _aircraft_arrived(flight, actor)
    if status == FlightStatus.CANCELLED:
        flight.cancel_reason = reason.strip()
    flight.status = status
    save_validated(flight, actor, reason=reason or None)
    flight_changed(flight=flight, actor=actor, changed=STATUS_FIELDS)
    trip_event(
        flight.trip,
        TripEventKind.STATUS,
        actor,
        flight=flight,
        from_status=current,
        to_status=status,
        at=at,
        reason=reason,
    )
    _trip_status_sync(flight.trip, actor)
    if status == FlightStatus.COMPLETED:
        _flight_completed(flight, actor)
    notify_client("flight_status", f"flight-status:{flight.pk}:{status}", flight_id=flight.pk, status=status)
    broadcast_status(flight)
    return flight


def _aircraft_arrived(flight: Flight, actor: User | None) -> None:
    """Move the aircraft to where the flight landed, add its block time and landings, and
    return it from in flight to available on its status timeline."""
    aircraft = Aircraft.objects.select_for_update().get(pk=flight.aircraft_id)
    minutes = flight.block_minutes_actual or 0
    aircraft.current_location = flight.diverted_to or flight.arrival_airport
    # The row is locked, so plain arithmetic is safe (and history records real numbers).
    aircraft.total_hours += (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))
    aircraft.total_cycles += flight.landings
    save_recorded(aircraft, actor, f"arrival of {flight.flight_number}")
    if aircraft.status == AircraftStatus.IN_FLIGHT:
        aircraft_status_change(
            aircraft=aircraft,
            status=AircraftStatus.AVAILABLE,
            reason=f"arrival of {flight.flight_number}",
            actor=actor,
            at=flight.actual_on_block,
        )


def _flight_completed(flight: Flight, actor: User | None) -> None:
    from flights.models import Feedback

    if flight.leg_type == LegType.REVENUE:
        minutes = flight.block_minutes_actual or flight.estimated_block_minutes
        Client.objects.filter(pk=flight.client_id).update(
            flights_count=F("flights_count") + 1,
            flight_hours=F("flight_hours") + (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1")),
        )
        feedback, created = Feedback.objects.get_or_create(flight=flight)
        if created:
            notify_client("feedback_request", f"feedback:{flight.pk}", flight_id=flight.pk)
