"""What the flights app tells a client, by e-mail and SMS: the subject, template and context
of each notification (a quote sent, a booking confirmed, an itinerary changed, a flight's
status, a feedback request), built from fresh rows. ``flights.tasks.client_notify_task`` sends
them (``jetops.notifications.notify``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clients.choices import NotificationEvent
from fleet.models import Airport
from flights.choices import FLOWN_FLIGHT_STATUSES, FlightStatus, LegType
from flights.manifest import local_time_text, utc_time_text
from flights.models import Flight, Quote, Trip

if TYPE_CHECKING:
    from clients.models import Client


@dataclass(frozen=True)
class ClientMessage:
    """What ``client_notify`` needs besides the event and the key."""

    client: Client
    subject: str
    template: str
    context: dict[str, Any]


def _money(amount: Any, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _route(flight: Flight) -> str:
    return f"{flight.departure_airport_id} → {flight.arrival_airport_id}"


def _flights() -> Any:
    return Flight.objects.select_related("trip", "client", "aircraft", "departure_airport", "arrival_airport")


def _leg(flight: Flight) -> dict[str, Any]:
    dep, arr = flight.departure_airport, flight.arrival_airport
    return {
        "flight_number": flight.flight_number,
        "route": _route(flight),
        "departure_airport": f"{dep.icao} {dep.name}",
        "arrival_airport": f"{arr.icao} {arr.name}",
        "departure_local": local_time_text(flight.departure_at, dep),
        "arrival_local": local_time_text(flight.arrival_at, arr),
        "departure_utc": utc_time_text(flight.departure_at),
        "departure_fbo": flight.departure_fbo,
        "arrival_fbo": flight.arrival_fbo,
        "tail_number": flight.aircraft.tail_number,
        "aircraft": f"{flight.aircraft.manufacturer} {flight.aircraft.model}",
        "passengers": flight.passenger_count,
    }


def _quote_sent(quote_id: int) -> ClientMessage | None:
    quote = Quote.objects.select_related("client").filter(pk=quote_id).first()
    if quote is None:
        return None
    requested = quote.legs or []
    airports = Airport.objects.in_bulk(
        {str(leg.get(k, "")) for leg in requested for k in ("departure_airport", "arrival_airport")}
    )
    legs = []
    for leg in requested:
        dep = airports.get(str(leg.get("departure_airport", "")))
        at = datetime.fromisoformat(str(leg["departure_datetime"]))
        legs.append(
            {
                "route": f"{leg.get('departure_airport')} → {leg.get('arrival_airport')}",
                "departure_local": local_time_text(at, dep) if dep else utc_time_text(at),
                "passengers": leg.get("passengers"),
            }
        )
    options = [
        {
            "tail_number": option.aircraft.tail_number,
            "aircraft": f"{option.aircraft.manufacturer} {option.aircraft.model}",
            "category": option.aircraft.get_category_display(),
            "seats": option.aircraft.seating_capacity,
            "total": _money(option.total, option.currency),
            "currency": option.currency,
        }
        for option in quote.options.select_related("aircraft").order_by("rank", "id")
    ]
    return ClientMessage(
        client=quote.client,
        subject=f"Your charter quote {quote.number}",
        template="quote_sent",
        context={
            "quote_number": quote.number,
            "legs": legs,
            "options": options,
            "valid_until": utc_time_text(quote.valid_until),
        },
    )


def _booking_confirmed(trip_id: int) -> ClientMessage | None:
    trip = Trip.objects.select_related("client").filter(pk=trip_id).first()
    if trip is None:
        return None
    flights = list(_flights().filter(trip=trip).order_by("sequence", "departure_at"))
    # Positioning legs are ours, not the client's itinerary.
    revenue = [f for f in flights if f.leg_type == LegType.REVENUE] or flights
    return ClientMessage(
        client=trip.client,
        subject=f"Booking confirmed: trip {trip.number}",
        template="booking_confirmed",
        context={
            "trip_number": trip.number,
            "legs": [_leg(f) for f in revenue],
            "total": _money(trip.total, trip.currency) if trip.total else "",
        },
    )


def _itinerary_changed(flight_id: int) -> ClientMessage | None:
    flight = _flights().filter(pk=flight_id).first()
    if flight is None:
        return None
    return ClientMessage(
        client=flight.client,
        subject=f"Itinerary change: flight {flight.flight_number} {_route(flight)}",
        template="itinerary_changed",
        context={"trip_number": flight.trip.number, "leg": _leg(flight)},
    )


_AIRBORNE_OR_LATER = {
    FlightStatus.DEPARTED,
    FlightStatus.ARRIVED,
    FlightStatus.DIVERTED,
    FlightStatus.COMPLETED,
}
_LANDED_OR_LATER = set(FLOWN_FLIGHT_STATUSES)


def _flight_status(flight_id: int, status: str | None = None) -> ClientMessage | None:
    """The message for the flight reaching ``status`` (the flight's current status when not
    given). A message announces the status it was queued for even when the worker reaches it
    after a later change (boarding, then departed a second later: two distinct e-mails)."""
    flight = _flights().select_related("diverted_to").filter(pk=flight_id).first()
    if flight is None:
        return None
    announced = FlightStatus(status or flight.status)
    where = flight.diverted_to or flight.arrival_airport
    off_block = flight.actual_off_block if announced in _AIRBORNE_OR_LATER else None
    on_block = flight.actual_on_block if announced in _LANDED_OR_LATER else None
    context: dict[str, Any] = {
        "trip_number": flight.trip.number,
        "leg": _leg(flight),
        "status": announced.value,
        "status_label": announced.label,
        "off_block_local": local_time_text(off_block, flight.departure_airport) if off_block else "",
        "on_block_local": local_time_text(on_block, where) if on_block else "",
        "diverted_to": f"{flight.diverted_to.icao} {flight.diverted_to.name}" if flight.diverted_to else "",
    }
    return ClientMessage(
        client=flight.client,
        subject=f"Flight {flight.flight_number} {_route(flight)}: {announced.label.lower()}",
        template="flight_status",
        context=context,
    )


def _feedback_request(flight_id: int) -> ClientMessage | None:
    flight = _flights().filter(pk=flight_id).first()
    if flight is None:
        return None
    return ClientMessage(
        client=flight.client,
        subject=f"How was your flight {flight.flight_number}?",
        template="feedback_request",
        context={
            "trip_number": flight.trip.number,
            "leg": _leg(flight),
            "link_text": f"Sign in to the client portal, open trip {flight.trip.number} and choose "
            f"“Rate flight {flight.flight_number}”.",
        },
    )


_BUILDERS: dict[str, tuple[str, Callable[[int], ClientMessage | None]]] = {
    NotificationEvent.QUOTE_SENT: ("quote_id", _quote_sent),
    NotificationEvent.BOOKING_CONFIRMED: ("trip_id", _booking_confirmed),
    NotificationEvent.ITINERARY_CHANGED: ("flight_id", _itinerary_changed),
    NotificationEvent.FLIGHT_STATUS: ("flight_id", _flight_status),
    NotificationEvent.FEEDBACK_REQUEST: ("flight_id", _feedback_request),
}


def client_message(
    event: str,
    *,
    quote_id: int | None = None,
    trip_id: int | None = None,
    flight_id: int | None = None,
    status: str | None = None,
) -> ClientMessage | None:
    """Subject, template and context for ``event``; None if the object no longer exists.

    ``quote_sent`` needs ``quote_id``; ``booking_confirmed`` ``trip_id``; ``itinerary_changed``,
    ``flight_status`` and ``feedback_request`` ``flight_id``. An unknown event or a missing id
    is a ``ValueError`` (a programming error: retrying would not help).
    """
    if event not in _BUILDERS:
        raise ValueError(f"No client message for event {event!r}.")
    name, build = _BUILDERS[event]
    object_id = {"quote_id": quote_id, "trip_id": trip_id, "flight_id": flight_id}[name]
    if object_id is None:
        raise ValueError(f"Event {event!r} needs {name}.")
    if event == NotificationEvent.FLIGHT_STATUS:
        return _flight_status(object_id, status)
    return build(object_id)
