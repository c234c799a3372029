"""Booking: trips and flights on an aircraft, each leg checked against the aircraft's
occupancy (no double booking, position, speed) with the aircraft row locked; schedule changes
checked again and announced to the client and to the apps built on flights
(``flights.hooks``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clients.models import Client
from fleet.airworthiness import leg_conflicts
from fleet.models import Aircraft, Airport
from fleet.selectors import aircraft_occupancy
from flights.choices import (
    FlightStatus,
    LegType,
    TripEventKind,
)
from flights.conflicts import LegPlan, alternatives
from flights.hooks import booking_checked, flight_changed
from flights.models import Flight, Quote, QuoteOption, Trip
from flights.selectors import flight_arrival_estimate
from flights.services.common import notify_client, profile_turnaround, trip_event
from flights.services.manifest import manifest_set
from jetops.errors import Conflict
from jetops.models import User
from jetops.numbering import next_number
from jetops.writes import save_validated


def _check_block_speed(aircraft: Aircraft, plan: LegPlan) -> None:
    """Refuse an arrival sooner than ``FLIGHT_FASTEST_BLOCK_PERCENT`` of the block time the
    pricing engine estimates for this aircraft: faster than the aircraft can fly."""
    estimate = plan.estimated_block_minutes
    if estimate is None:
        _, _, estimate = flight_arrival_estimate(
            aircraft, plan.departure_airport, plan.arrival_airport, plan.departure_at
        )
    fastest = estimate * settings.FLIGHT_FASTEST_BLOCK_PERCENT / 100
    if (plan.arrival_at - plan.departure_at).total_seconds() / 60 < fastest:
        raise ValidationError(
            {
                "arrival": [
                    f"{aircraft.tail_number} needs about {estimate} minutes block to fly "
                    f"{plan.departure_airport.icao}-{plan.arrival_airport.icao}: "
                    "this arrival is faster than the aircraft can fly."
                ]
            }
        )


def _check_leg(
    aircraft: Aircraft,
    plan: LegPlan,
    *,
    exclude: tuple[int, ...],
    previous: LegPlan | None,
    turnaround: timedelta,
) -> None:
    busy_until = plan.arrival_at + turnaround
    if plan.arrival_at <= plan.departure_at:
        raise ValidationError({"arrival": ["The arrival must be after the departure."]})
    _check_block_speed(aircraft, plan)
    occupancy = aircraft_occupancy([aircraft], plan.departure_at, busy_until, exclude={"flights": exclude})
    conflicts = occupancy.conflicts(aircraft.pk, plan.departure_at, busy_until)
    conflicts += leg_conflicts(aircraft, plan.departure_at, plan.arrival_at, exclude=exclude)
    where = previous.arrival_airport if previous else occupancy.position_at(aircraft.pk, plan.departure_at)
    if where != plan.departure_airport:
        from jetops.geo import great_circle_nm

        distance = great_circle_nm(
            where.latitude, where.longitude, plan.departure_airport.latitude, plan.departure_airport.longitude
        )
        conflicts.append(
            {
                "type": "position",
                "detail": f"{aircraft.tail_number} will be at {where.icao}, "
                f"not {plan.departure_airport.icao}: add a positioning leg.",
                "positioning_leg": {
                    "departure_airport": where.icao,
                    "arrival_airport": plan.departure_airport.icao,
                    "distance_nm": round(distance),
                    "arrive_before": plan.departure_at.isoformat(),
                },
            }
        )
    following = occupancy.next_departure(aircraft.pk, plan.departure_at)
    if (
        following is not None
        and following.origin is not None
        and following.start >= busy_until
        and following.origin != plan.arrival_airport
    ):
        conflicts.append(
            {
                "type": "position",
                "detail": f"{following.title} departs {following.origin.icao} afterwards, "
                f"but this flight ends at {plan.arrival_airport.icao}.",
                "id": following.ref,
                "kind": following.kind,
            }
        )
    if conflicts:
        raise Conflict(
            f"{aircraft.tail_number} cannot fly {plan.departure_airport.icao}-{plan.arrival_airport.icao} "
            f"at {plan.departure_at.isoformat()}.",
            "aircraft_unavailable",
            conflicts=conflicts,
            alternatives=alternatives(
                aircraft=aircraft,
                departure_airport=plan.departure_airport,
                start=plan.departure_at,
                busy_until=busy_until,
                passengers=plan.passengers,
            ),
        )


def _flight_from_plan(
    trip: Trip, aircraft: Aircraft, plan: LegPlan, sequence: int, turnaround: timedelta
) -> Flight:
    return Flight(
        flight_number=next_number("flight", prefix="JO", width=5),
        trip=trip,
        client=trip.client,
        aircraft=aircraft,
        sequence=sequence,
        leg_type=plan.leg_type,
        departure_airport=plan.departure_airport,
        arrival_airport=plan.arrival_airport,
        departure_at=plan.departure_at,
        arrival_at=plan.arrival_at,
        busy_until=plan.arrival_at + turnaround,
        departure_fbo=plan.departure_fbo,
        arrival_fbo=plan.arrival_fbo,
        distance_nm=plan.distance_nm,
        estimated_block_minutes=plan.block_minutes
        or int((plan.arrival_at - plan.departure_at).total_seconds() // 60),
        passenger_count=plan.passengers,
        **plan.extra,
    )


def _booking_conflict(exc: IntegrityError) -> Conflict:
    return Conflict(
        "Another booking took this aircraft for that time first.",
        "aircraft_unavailable",
        conflicts=[{"type": "flight"}],
    )


def trip_book(
    *,
    client: Client,
    aircraft: Aircraft,
    legs: list[LegPlan],
    actor: User | None,
    quote: Quote | None = None,
    option: QuoteOption | None = None,
    notes: str = "",
) -> Trip:
    """Book ``legs`` on ``aircraft`` for ``client`` as one trip. The aircraft row is locked so
    concurrent bookings queue; any conflict (overlap with turnaround, blackout, status,
    position) is a 409 listing it with alternatives. On PostgreSQL the exclusion constraint
    makes an overlap impossible even if this check were bypassed."""
    if client.is_erased:
        raise Conflict("This client's account was erased.", "client_erased")
    turnaround = profile_turnaround()
    try:
        with transaction.atomic():
            aircraft = (
                Aircraft.objects.select_for_update().select_related("current_location").get(pk=aircraft.pk)
            )
            previous: LegPlan | None = None
            for plan in legs:
                _check_leg(aircraft, plan, exclude=(), previous=previous, turnaround=turnaround)
                previous = plan
            trip = Trip(
                number=next_number("trip", prefix="T-"),
                client=client,
                quote=quote,
                quote_option=option,
                total=option.total if option else Decimal("0"),
                currency=option.currency if option else client.billing_currency,
                notes=notes,
                created_by=actor,
            )
            booking_checked(client=client, amount=trip.total, currency=trip.currency)
            save_validated(trip, actor)
            for sequence, plan in enumerate(legs, start=1):
                flight = _flight_from_plan(trip, aircraft, plan, sequence, turnaround)
                save_validated(flight, actor)
            trip_event(
                trip, TripEventKind.BOOKED, actor, flights=[f.flight_number for f in trip.flights.all()]
            )
            notify_client("booking_confirmed", f"booking-confirmed:{trip.pk}", trip_id=trip.pk)
            return trip
    except IntegrityError as exc:
        raise _booking_conflict(exc) from exc


FLIGHT_EDIT_FIELDS = (
    "departure_airport",
    "arrival_airport",
    "departure_at",
    "arrival_at",
    "departure_fbo",
    "arrival_fbo",
    "aircraft",
    "flight_plan",
    "billing_info",
    "passenger_count",
    "ifr",
    "flight_attendants",
)


SCHEDULE_FIELDS = {"departure_airport", "arrival_airport", "departure_at", "arrival_at", "aircraft"}


def flight_update(*, flight: Flight, actor: User | None, **data: Any) -> Flight:
    """Change a scheduled flight; schedule changes are re-checked for conflicts and notify
    the client as an itinerary change."""
    unknown = set(data) - set(FLIGHT_EDIT_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
    try:
        with transaction.atomic():
            flight = Flight.objects.select_for_update().select_related("aircraft").get(pk=flight.pk)
            if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
                raise Conflict(f"A {flight.status} flight cannot be changed.", "flight_closed")
            changed = {k for k, v in data.items() if getattr(flight, k) != v}
            for name, value in data.items():
                setattr(flight, name, value)
            if changed & SCHEDULE_FIELDS:
                turnaround = profile_turnaround()
                aircraft = Aircraft.objects.select_for_update().get(pk=flight.aircraft_id)
                plan = LegPlan(
                    departure_airport=flight.departure_airport,
                    arrival_airport=flight.arrival_airport,
                    departure_at=flight.departure_at,
                    arrival_at=flight.arrival_at,
                    passengers=flight.passenger_count,
                )
                _check_leg(aircraft, plan, exclude=(flight.pk,), previous=None, turnaround=turnaround)
                flight.busy_until = flight.arrival_at + turnaround
            save_validated(flight, actor)
            if changed & SCHEDULE_FIELDS:
                trip_event(
                    flight.trip,
                    TripEventKind.ITINERARY_CHANGED,
                    actor,
                    flight=flight,
                    changed=sorted(changed),
                )
                notify_client(
                    "itinerary_changed",
                    f"itinerary:{flight.pk}:{flight.updated_at.timestamp():.0f}",
                    flight_id=flight.pk,
                )
            if changed:
                flight_changed(flight=flight, actor=actor, changed=frozenset(changed))
            return flight
    except IntegrityError as exc:
        raise _booking_conflict(exc) from exc


def flight_create(
    *,
    client: Client,
    aircraft: Aircraft,
    departure_airport: Airport,
    arrival_airport: Airport,
    departure_at: datetime,
    actor: User | None,
    arrival_at: datetime | None = None,
    trip: Trip | None = None,
    leg_type: str = LegType.REVENUE,
    ifr: bool = True,
    flight_attendants: int = 0,
    departure_fbo: str = "",
    arrival_fbo: str = "",
    flight_plan: dict[str, Any] | None = None,
    billing_info: dict[str, Any] | None = None,
    passengers: list[dict[str, Any]] | None = None,
) -> Flight:
    """Book one flight (a new one-leg trip, or a leg added to ``trip``). Without an arrival
    time, it is estimated like a quote's block time."""
    estimated, distance, block = flight_arrival_estimate(
        aircraft, departure_airport, arrival_airport, departure_at
    )
    plan = LegPlan(
        departure_airport=departure_airport,
        arrival_airport=arrival_airport,
        departure_at=departure_at,
        arrival_at=arrival_at or estimated,
        leg_type=leg_type,
        passengers=len(passengers or []),
        distance_nm=distance,
        block_minutes=block if arrival_at is None else 0,
        estimated_block_minutes=block,
        departure_fbo=departure_fbo,
        arrival_fbo=arrival_fbo,
        extra={
            "flight_plan": flight_plan or {},
            "billing_info": billing_info or {},
            "ifr": ifr,
            "flight_attendants": flight_attendants,
        },
    )
    with transaction.atomic():
        if trip is None:
            trip = trip_book(client=client, aircraft=aircraft, legs=[plan], actor=actor)
            flight = trip.flights.get()
        else:
            if trip.client_id != client.pk:
                raise ValidationError({"trip_id": ["The trip belongs to another client."]})
            turnaround = profile_turnaround()
            try:
                with transaction.atomic():
                    locked = Aircraft.objects.select_for_update().get(pk=aircraft.pk)
                    _check_leg(locked, plan, exclude=(), previous=None, turnaround=turnaround)
                    sequence = (
                        trip.flights.order_by("-sequence").values_list("sequence", flat=True).first() or 0
                    ) + 1
                    flight = _flight_from_plan(trip, locked, plan, sequence, turnaround)
                    save_validated(flight, actor)
            except IntegrityError as exc:
                raise _booking_conflict(exc) from exc
            trip_event(
                trip, TripEventKind.ITINERARY_CHANGED, actor, flight=flight, added=flight.flight_number
            )
            notify_client("itinerary_changed", f"itinerary:{flight.pk}:added", flight_id=flight.pk)
        if passengers:
            manifest_set(flight=flight, entries=passengers, actor=actor)
            flight.refresh_from_db()
        return flight
