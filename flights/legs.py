"""The itinerary a client asks a quote for: its legs as the pricing engine reads them, and the
rules a request meets before it is priced (how many legs, known airports, different ends,
departures ahead and in order, passengers). The API's quote serializer reports the problems
per leg; ``flights.services.quotes.quote_create`` refuses them from any other caller."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from fleet.models import Airport, unknown_airport_message


@dataclass(frozen=True)
class RequestedLeg:
    departure: Airport
    arrival: Airport
    departure_at: datetime
    passengers: int


# Each leg multiplies the rows a quote stores (options × lines × history).
MAX_QUOTE_LEGS = 12


def leg_problems(
    legs: Sequence[Mapping[str, Any]], *, now: datetime
) -> tuple[list[RequestedLeg], dict[str, dict[str, list[str]]]]:
    """The legs the client asks for as the pricing engine reads them, and what is wrong with
    the others, by leg index ("0", "1"…) and field: an unknown airport (an ``Airport``, or any
    code a person means: ``AirportQuerySet.resolve``), the same airport at both ends, a time
    without a time zone, in the past or not after the previous leg's, fewer than 1 passenger.
    The API's quote serializer reports these per leg; ``requested_legs`` refuses them."""
    problems: dict[str, dict[str, list[str]]] = {}
    result: list[RequestedLeg] = []
    for index, leg in enumerate(legs):
        wrong: dict[str, list[str]] = {}
        ends: dict[str, Airport | None] = {}
        for name in ("departure_airport", "arrival_airport"):
            value = leg.get(name)
            ends[name] = value if isinstance(value, Airport) else Airport.objects.resolve(value)
            if ends[name] is None:
                wrong[name] = [unknown_airport_message(value)]
        dep, arr = ends["departure_airport"], ends["arrival_airport"]
        if dep is not None and dep == arr:
            wrong["arrival_airport"] = ["Arrival must differ from departure."]
        at = leg.get("departure_datetime")
        if not isinstance(at, datetime) or timezone.is_naive(at):
            wrong["departure_datetime"] = ["An ISO 8601 date-time with a time zone offset."]
        elif at <= now:
            wrong["departure_datetime"] = ["The departure is in the past."]
        elif result and at <= result[-1].departure_at:
            wrong["departure_datetime"] = ["Each leg departs after the previous one."]
        passengers = leg.get("passengers")
        if not isinstance(passengers, int) or passengers < 1:
            wrong["passengers"] = ["At least 1."]
        if wrong:
            problems[str(index)] = wrong
        elif dep is not None and arr is not None and isinstance(at, datetime) and isinstance(passengers, int):
            result.append(RequestedLeg(dep, arr, at, passengers))
    return result, problems


def requested_legs(legs: Sequence[Mapping[str, Any]], *, now: datetime) -> list[RequestedLeg]:
    """The client's legs, refused unless there are 1 to ``MAX_QUOTE_LEGS`` of them and
    ``leg_problems`` finds nothing wrong: each problem names its leg (from 1) and field."""
    if not legs:
        raise ValidationError({"legs": ["At least one leg is required."]})
    if len(legs) > MAX_QUOTE_LEGS:
        raise ValidationError({"legs": [f"At most {MAX_QUOTE_LEGS} legs in one quote."]})
    result, problems = leg_problems(legs, now=now)
    if problems:
        raise ValidationError(
            {
                "legs": [
                    f"Leg {int(index) + 1}, {name}: {line}"
                    for index, wrong in problems.items()
                    for name, lines in wrong.items()
                    for line in lines
                ]
            }
        )
    return result
