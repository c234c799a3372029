"""Role × endpoint matrix of the flights API (flights, trips, quotes, concierge, a client's
bookings), run by ``tests.role_matrix``. The ``client`` persona is the portal user of the
account that owns the flight; the ``crew`` persona is not on it, so its rows are a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from clients import services as client_services
from clients.models import Client
from jetops.models import User
from tests.builders import book, future, make_aircraft
from tests.role_matrix import STAFF, Row, matrix_check, role_matrix

pytestmark = pytest.mark.django_db

READERS = dict.fromkeys((*STAFF, "client"), 200)


def new_flight(_: str, objects: dict[str, Any]) -> dict[str, Any]:
    """The way home from where the booked flight leaves the aircraft."""
    departure = future(30, 14)
    return {
        "client_id": objects["client"],
        "aircraft_id": objects["aircraft"],
        "departure": {"airport": "KDJT", "datetime": departure.isoformat()},
        "arrival": {"airport": "KTEB", "datetime": (departure + timedelta(hours=2, minutes=40)).isoformat()},
    }


MATRIX: list[Row] = [
    ("get", "/api/v1/flights", None, {**READERS, "crew": 200}),
    ("get", "/api/v1/flights/{flight}", None, {**READERS, "*": 404}),
    ("post", "/api/v1/flights", new_flight, dict.fromkeys(("admin", "ops", "client_services"), 201)),
    (
        "post",
        "/api/v1/flights/{flight}/status",
        {"status": "boarding"},
        # the status workflow is Operations': Client Services do not move flights
        {"admin": 200, "ops": 200, "crew": 404},
    ),
    ("get", "/api/v1/flights/{flight}/manifest", None, {**READERS, "*": 404}),
    (
        "put",
        "/api/v1/flights/{flight}/manifest",
        [],
        {**dict.fromkeys(("admin", "ops", "client_services", "client"), 200), "crew": 404},
    ),
    ("get", "/api/v1/flights/{flight}/services", None, {**READERS, "*": 404}),
    (
        "post",
        "/api/v1/flights/{flight}/services",
        {"kind": "catering", "description": "Matrix"},
        {**dict.fromkeys(("admin", "ops", "client_services"), 201), "crew": 404},
    ),
    ("get", "/api/v1/trips", None, READERS),
    ("get", "/api/v1/trips/{trip}", None, {**READERS, "*": 404}),
    (
        "post",
        "/api/v1/trips/{trip}/concierge",
        {"subject": "Matrix request"},
        {**dict.fromkeys(("admin", "ops", "client_services", "client"), 201), "crew": 404},
    ),
    ("get", "/api/v1/quotes", None, READERS),
    ("get", "/api/v1/concierge", None, READERS),
    (
        "get",
        "/api/v1/clients/{client}/bookings",
        None,
        {**dict.fromkeys(("admin", "ops", "finance", "client_services", "client"), 200), "*": 404},
    ),
    ("get", "/api/v1/flights/424242", None, {"*": 404}),
]


@pytest.fixture
def objects(profile: Any) -> dict[str, Any]:
    account = client_services.client_create(actor=None, contact_person="Matrix Client", email="mc@x.example")
    aircraft = make_aircraft(tail_number="N707JA")
    flight = book(account, aircraft)
    return {"client": account.pk, "aircraft": aircraft.pk, "flight": flight.pk, "trip": flight.trip_id}


@role_matrix(MATRIX)
def test_flights_role_matrix(row, persona, objects):
    def own_account(persona: str, user: User) -> None:
        if persona == "client":
            account = Client.objects.get(pk=objects["client"])
            client_services.portal_user_link(client=account, user=user, actor=None)

    matrix_check(row, persona, objects, prepare=own_account)
