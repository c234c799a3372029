"""Live flight status over websockets: what a status change pushes, and to whom.

Staff watching every flight listen on ``flights.staff``; a portal user on
``flights.client.<client id>`` for each client account it may see
(``flights.consumers.FlightStatusConsumer`` joins them). ``flights.services`` calls
``flight_status_broadcast`` after the status change commits.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from flights.models import Flight

logger = logging.getLogger(__name__)

STAFF_GROUP = "flights.staff"
MESSAGE_TYPE = "flight.status"


def client_group(client_id: int) -> str:
    """The group of the portal users of one client account."""
    return f"flights.client.{client_id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def flight_status_payload(flight: Flight) -> dict[str, Any]:
    """The flight as the websocket sends it; JSON- and msgpack-safe (times as ISO 8601 UTC)."""
    return {
        "id": flight.pk,
        "flight_number": flight.flight_number,
        "status": flight.status,
        "departure": {"airport": flight.departure_airport_id, "datetime": _iso(flight.departure_at)},
        "arrival": {"airport": flight.arrival_airport_id, "datetime": _iso(flight.arrival_at)},
        "actual_off_block": _iso(flight.actual_off_block),
        "actual_on_block": _iso(flight.actual_on_block),
        "diverted_to": flight.diverted_to_id,
    }


def flight_status_broadcast(flight_id: int) -> None:
    """Push the flight's current status to staff and to its client's portal users.

    Best effort: live updates are a convenience on top of the stored status, so a missing
    flight or an unreachable channel layer is logged and never fails the caller (the status
    change has already committed).
    """
    flight = Flight.objects.filter(pk=flight_id).first()
    if flight is None:
        logger.warning("Flight %s vanished before its status broadcast.", flight_id)
        return
    message = {"type": MESSAGE_TYPE, "flight": flight_status_payload(flight)}
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        send = async_to_sync(layer.group_send)
        for group in (STAFF_GROUP, client_group(flight.client_id)):
            send(group, message)
    except Exception:
        logger.exception("Live status of flight %s not broadcast: channel layer unavailable.", flight_id)
