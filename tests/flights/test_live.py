"""Live flight status: the broadcast and the ``/ws/flights/`` websocket (JWT auth, who hears
what). Websocket tests run the consumer through ``jetops.asgi.application`` in one event loop
per test (``async_to_sync``), against the real database (transactional: the consumer reads it
from another thread)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from clients.models import Client
from fleet import services as fleet_services
from fleet.models import Aircraft, Airport
from flights import live
from flights.choices import FlightStatus
from flights.models import Flight, Trip
from flights.services.status import flight_status_change
from jetops.asgi import application
from jetops.auth.tokens import enrolment_token_issue, token_pair_issue
from jetops.models import User

BROWSER_ORIGIN = b"http://localhost"
# The handshake authenticates against the database (and joins groups on Redis in CI): on a
# loaded machine it can take longer than the communicator's default second.
HANDSHAKE_SECONDS = 5

transactional = pytest.mark.django_db(transaction=True)


# ---------------------------------------------------------------- data


def ensure_airports() -> None:
    """Transactional tests empty every table afterwards, the migration-loaded airports too."""
    for icao, name, lat, lon in (
        ("KTEB", "Teterboro Airport", 40.850102, -74.060833),
        ("KMIA", "Miami International Airport", 25.79325, -80.290556),
    ):
        Airport.objects.get_or_create(
            icao=icao,
            defaults={
                "name": name,
                "country": "US",
                "latitude": lat,
                "longitude": lon,
                "time_zone": "America/New_York",
            },
        )


def make_aircraft() -> Aircraft:
    ensure_airports()
    return fleet_services.aircraft_create(
        actor=None,
        tail_number="N302JA",
        aircraft_type="C25B",
        manufacturer="Cessna",
        model="Citation CJ3+",
        year=2019,
        category="light",
        seating_capacity=7,
        range_nautical_miles=2040,
        cruise_speed=416,
        current_location="KTEB",
        hourly_rate=Decimal("4200.00"),
    )


def make_flight(client: Client, aircraft: Aircraft, *, number: str, day: int) -> Flight:
    trip = Trip.objects.create(number=f"T-{number}", client=client, total=Decimal("0"), currency="USD")
    departure = datetime(2026, 6, day, 13, 30, tzinfo=UTC)
    return Flight.objects.create(
        flight_number=number,
        trip=trip,
        client=client,
        aircraft=aircraft,
        departure_airport_id="KTEB",
        arrival_airport_id="KMIA",
        departure_at=departure,
        arrival_at=departure + timedelta(hours=2, minutes=45),
        busy_until=departure + timedelta(hours=3, minutes=30),
    )


@pytest.fixture
def flights(client_a: Client, client_b: Client) -> tuple[Flight, Flight]:
    aircraft = make_aircraft()
    return (
        make_flight(client_a, aircraft, number="JO91001", day=15),
        make_flight(client_b, aircraft, number="JO91002", day=16),
    )


def access(user: User) -> str:
    return token_pair_issue(user, otp_at=timezone.now()).access


# ---------------------------------------------------------------- websocket helpers


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def communicator(
    *,
    path: str = "/ws/flights/",
    query: str = "",
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
    origin: bytes | None = BROWSER_ORIGIN,
) -> WebsocketCommunicator:
    """A websocket to the feed, from a browser on ``origin`` (None: a non-browser client)."""
    origin_header = [(b"origin", origin)] if origin is not None else []
    return WebsocketCommunicator(
        application,
        f"{path}{query}",
        headers=[*origin_header, *(headers or [])],
        subprotocols=subprotocols,
    )


async def close_code(socket: WebsocketCommunicator) -> int:
    """The code of the close that follows the handshake."""
    connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    message = await socket.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    return int(message["code"])


async def broadcast(flight_id: int) -> None:
    await sync_to_async(live.flight_status_broadcast)(flight_id)


def payload(flight: Flight) -> dict[str, Any]:
    return {
        "type": "flight.status",
        "flight": {
            "id": flight.pk,
            "flight_number": flight.flight_number,
            "status": flight.status,
            "departure": {"airport": "KTEB", "datetime": flight.departure_at.isoformat()},
            "arrival": {"airport": "KMIA", "datetime": flight.arrival_at.isoformat()},
            "actual_off_block": None,
            "actual_on_block": None,
            "diverted_to": None,
        },
    }


# ---------------------------------------------------------------- authentication


@transactional
def test_anonymous_is_rejected_with_4401() -> None:
    async def scenario() -> None:
        assert await close_code(communicator()) == 4401

    run(scenario)


@transactional
@pytest.mark.parametrize("path", ["/ws/nope", "/ws/flights/extra/", "/"])
def test_unknown_path_is_closed_with_4404_and_nothing_logged(
    path: str, ops_user: User, caplog: pytest.LogCaptureFixture
) -> None:
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(path=path, subprotocols=["bearer", token])
        connected, subprotocol = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected
        assert subprotocol == "bearer"
        message = await socket.receive_output(timeout=2)
        assert message == {"type": "websocket.close", "code": 4404}

    with caplog.at_level(logging.WARNING):
        run(scenario)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@transactional
def test_invalid_token_is_rejected_with_4401() -> None:
    async def scenario() -> None:
        assert await close_code(communicator(query="?token=not.a.jwt")) == 4401

    run(scenario)


@transactional
def test_revoked_token_is_rejected_like_the_api(client_a_user: User, client_a: Client) -> None:
    # given: a token issued before logout (token version bumped)
    token = access(client_a_user)
    User.objects.filter(pk=client_a_user.pk).update(token_version=F("token_version") + 1)

    async def scenario() -> None:
        assert await close_code(communicator(query=f"?token={token}")) == 4401

    run(scenario)


@transactional
def test_enrolment_only_token_is_rejected(ops_user: User) -> None:
    token = enrolment_token_issue(ops_user)

    async def scenario() -> None:
        assert await close_code(communicator(query=f"?token={token}")) == 4401

    run(scenario)


@transactional
def test_crew_user_has_nothing_to_follow(crew_user: User) -> None:
    token = access(crew_user)

    async def scenario() -> None:
        assert await close_code(communicator(query=f"?token={token}")) == 4403

    run(scenario)


@transactional
def test_authorization_header_is_accepted(ops_user: User, flights: tuple[Flight, Flight]) -> None:
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(headers=[(b"authorization", f"Bearer {token}".encode())])
        connected, subprotocol = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected
        assert subprotocol is None
        await broadcast(flights[0].pk)
        assert await socket.receive_json_from(timeout=2) == payload(flights[0])
        await socket.disconnect()

    run(scenario)


@transactional
def test_non_browser_client_without_origin_is_accepted(
    ops_user: User, flights: tuple[Flight, Flight]
) -> None:
    """A client that sends no Origin is not a browser, so it cannot be made to connect by
    another site: the documented Authorization-header path needs no Origin."""
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(headers=[(b"authorization", f"Bearer {token}".encode())], origin=None)
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected
        await broadcast(flights[0].pk)
        assert await socket.receive_json_from(timeout=2) == payload(flights[0])
        await socket.disconnect()

    run(scenario)


@transactional
def test_anonymous_client_without_origin_is_still_rejected_with_4401() -> None:
    async def scenario() -> None:
        assert await close_code(communicator(origin=None)) == 4401

    run(scenario)


@pytest.mark.parametrize("origin", [b"https://evil.example", b"null", b"http://localhost.evil.example"])
@transactional
def test_foreign_origin_is_refused_even_with_a_valid_token(
    ops_user: User, flights: tuple[Flight, Flight], origin: bytes
) -> None:
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(headers=[(b"authorization", f"Bearer {token}".encode())], origin=origin)
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert not connected

    run(scenario)


@transactional
def test_bearer_subprotocol_is_accepted_and_only_bearer_echoed(
    ops_user: User, flights: tuple[Flight, Flight]
) -> None:
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(subprotocols=["bearer", token])
        connected, subprotocol = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected
        assert subprotocol == "bearer"
        await broadcast(flights[0].pk)
        assert (await socket.receive_json_from(timeout=2))["flight"]["id"] == flights[0].pk
        await socket.disconnect()

    run(scenario)


@transactional
def test_socket_closes_when_the_access_token_expires(ops_user: User, flights: tuple[Flight, Flight]) -> None:
    token = AccessToken(access(ops_user))
    token.set_exp(lifetime=timedelta(seconds=1))
    short_lived = str(token)

    async def scenario() -> None:
        socket = communicator(query=f"?token={short_lived}")
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected
        message = await socket.receive_output(timeout=3)
        assert message == {"type": "websocket.close", "code": 4401}

    run(scenario)


# ---------------------------------------------------------------- who hears what


@transactional
def test_client_hears_own_flights_only(client_a_user: User, flights: tuple[Flight, Flight]) -> None:
    flight_a, flight_b = flights
    token = access(client_a_user)

    async def scenario() -> None:
        socket = communicator(query=f"?token={token}")
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected

        await broadcast(flight_b.pk)
        assert await socket.receive_nothing(timeout=0.3)

        await broadcast(flight_a.pk)
        assert await socket.receive_json_from(timeout=2) == payload(flight_a)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


@transactional
def test_staff_hears_every_flight(ops_user: User, flights: tuple[Flight, Flight]) -> None:
    flight_a, flight_b = flights
    token = access(ops_user)

    async def scenario() -> None:
        socket = communicator(query=f"?token={token}")
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected

        await broadcast(flight_a.pk)
        await broadcast(flight_b.pk)

        received = [await socket.receive_json_from(timeout=2) for _ in range(2)]
        assert received == [payload(flight_a), payload(flight_b)]
        await socket.disconnect()

    run(scenario)


@transactional
def test_status_change_reaches_client_after_commit(
    ops_user: User, client_a_user: User, flights: tuple[Flight, Flight]
) -> None:
    flight_a, _ = flights
    token = access(client_a_user)
    off_block = datetime(2026, 6, 15, 13, 34, tzinfo=UTC)

    async def scenario() -> None:
        socket = communicator(query=f"?token={token}")
        connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
        assert connected

        await sync_to_async(flight_status_change)(
            flight=flight_a, status=FlightStatus.DEPARTED, actor=ops_user, at=off_block
        )

        message = await socket.receive_json_from(timeout=2)
        assert message["flight"]["status"] == "departed"
        assert message["flight"]["actual_off_block"] == off_block.isoformat()
        await socket.disconnect()

    run(scenario)


# ---------------------------------------------------------------- the broadcast itself


class BrokenLayer:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise ConnectionError("redis is down")


@pytest.mark.django_db
def test_broadcast_never_fails_the_caller(
    client_a: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    flight = make_flight(client_a, make_aircraft(), number="JO91003", day=17)
    monkeypatch.setattr(live, "get_channel_layer", BrokenLayer)

    with caplog.at_level(logging.ERROR, logger="flights.live"):
        live.flight_status_broadcast(flight.pk)

    assert caplog.messages == [f"Live status of flight {flight.pk} not broadcast: channel layer unavailable."]


@pytest.mark.django_db
def test_broadcast_of_a_vanished_flight_is_a_no_op(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="flights.live"):
        live.flight_status_broadcast(999_999)

    assert caplog.messages == ["Flight 999999 vanished before its status broadcast."]


@pytest.mark.django_db
def test_broadcast_goes_to_staff_and_the_client_group(client_a: Client) -> None:
    flight = make_flight(client_a, make_aircraft(), number="JO91004", day=18)
    Flight.objects.filter(pk=flight.pk).update(
        status=FlightStatus.DIVERTED,
        actual_off_block=datetime(2026, 6, 18, 13, 40, tzinfo=UTC),
        actual_on_block=datetime(2026, 6, 18, 16, 5, tzinfo=UTC),
        diverted_to_id="KTEB",
    )

    async def scenario() -> list[dict[str, Any]]:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        staff, portal = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(live.STAFF_GROUP, staff)
        await layer.group_add(live.client_group(client_a.pk), portal)
        await sync_to_async(live.flight_status_broadcast)(flight.pk)
        messages = [await asyncio.wait_for(layer.receive(channel), 2) for channel in (staff, portal)]
        await layer.group_discard(live.STAFF_GROUP, staff)
        await layer.group_discard(live.client_group(client_a.pk), portal)
        return messages

    staff_message, portal_message = async_to_sync(scenario)()

    assert staff_message == portal_message
    assert staff_message["flight"] == {
        "id": flight.pk,
        "flight_number": "JO91004",
        "status": "diverted",
        "departure": {"airport": "KTEB", "datetime": "2026-06-18T13:30:00+00:00"},
        "arrival": {"airport": "KMIA", "datetime": "2026-06-18T16:15:00+00:00"},
        "actual_off_block": "2026-06-18T13:40:00+00:00",
        "actual_on_block": "2026-06-18T16:05:00+00:00",
        "diverted_to": "KTEB",
    }
