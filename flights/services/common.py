"""What the flights services share: the trip's event log, the client's notification and the
live status broadcast (both sent once the transaction commits), and the turnaround time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from finance.models import PricingProfile
from flights.models import Flight, Trip, TripEvent
from jetops.models import User
from jetops.writes import save_validated


def trip_event(
    trip: Trip, kind: str, actor: User | None, *, flight: Flight | None = None, **detail: Any
) -> TripEvent:
    """Append an event to the trip's log (booked, itinerary changed, a status move…)."""
    event = TripEvent(
        trip=trip,
        flight=flight,
        kind=kind,
        actor=actor,
        from_status=str(detail.pop("from_status", "")),
        to_status=str(detail.pop("to_status", "")),
        at=detail.pop("at", None) or timezone.now(),
        detail=detail,
    )
    save_validated(event, actor)
    return event


def notify_client(event: str, key: str, **ids: Any) -> None:
    """Enqueue a client notification after the transaction commits (idempotent by key)."""
    from flights.tasks import client_notify_task

    transaction.on_commit(lambda: client_notify_task.delay(event=event, key=key, **ids))


def broadcast_status(flight: Flight) -> None:
    """Push the flight's status to the live screens after the transaction commits."""
    from flights.live import flight_status_broadcast

    flight_id = flight.pk
    transaction.on_commit(lambda: flight_status_broadcast(flight_id))


def profile_turnaround() -> timedelta:
    """The turnaround between two bookings of an aircraft: the active pricing profile's."""
    profile = PricingProfile.objects.filter(is_active=True).first()
    return timedelta(minutes=profile.turnaround_minutes if profile else 45)
