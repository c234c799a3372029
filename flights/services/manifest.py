"""The passenger manifest of a flight."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from clients.models import Passenger
from flights.choices import (
    FlightStatus,
)
from flights.models import Flight, FlightPassenger
from flights.selectors import passport_warnings
from jetops.errors import Conflict
from jetops.models import User
from jetops.writes import delete_recorded, save_validated


@transaction.atomic
def manifest_set(
    *, flight: Flight, entries: list[dict[str, Any]], actor: User | None
) -> list[dict[str, Any]]:
    """Replace the flight's manifest. Passengers must belong to the flight's client; never more
    than the aircraft's seats. Returns passport warnings (not refusals)."""

    flight = Flight.objects.select_for_update().select_related("aircraft").get(pk=flight.pk)
    if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
        raise Conflict(f"The manifest of a {flight.status} flight is closed.", "flight_closed")
    capacity = flight.aircraft.seating_capacity
    if len(entries) > capacity:
        raise ValidationError(
            {
                "passengers": [
                    f"{len(entries)} passengers exceed the {capacity} seats of {flight.aircraft.tail_number}."
                ]
            }
        )
    ids = [int(e["passenger"]) for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError({"passengers": ["A passenger is listed twice."]})
    passengers = {
        p.pk: p for p in Passenger.objects.filter(pk__in=ids, client_id=flight.client_id, is_active=True)
    }
    missing = [i for i in ids if i not in passengers]
    if missing:
        raise ValidationError(
            {"passengers": [f"Not passengers of this client: {', '.join(map(str, missing))}."]}
        )
    for row in flight.manifest.all():
        delete_recorded(row, actor)
    for entry in entries:
        save_validated(
            FlightPassenger(
                flight=flight,
                passenger=passengers[int(entry["passenger"])],
                seat=entry.get("seat") or "",
                weight_kg=entry.get("weight"),
                bags=entry.get("bags") or 0,
            ),
            actor,
        )
    flight.passenger_count = len(entries)
    save_validated(flight, actor)
    return passport_warnings(flight, [passengers[i] for i in ids], settings.PASSPORT_WARNING_MONTHS)
