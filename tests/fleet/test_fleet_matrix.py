"""Role × endpoint matrix of the fleet API, run by ``tests.role_matrix``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import make_aircraft
from tests.role_matrix import STAFF, Row, matrix_check, role_matrix

pytestmark = pytest.mark.django_db

FLEET_WRITERS = ("admin", "ops", "maintenance")

NEW_AIRCRAFT = {
    "tail_number": "N909JA",
    "aircraft_type": "E55P",
    "manufacturer": "Embraer",
    "model": "Phenom 300E",
    "year": 2022,
    "category": "light",
    "seating_capacity": 8,
    "range_nautical_miles": 2010,
    "cruise_speed": 453,
    "current_location": "KVNY",
    "hourly_rate": {"amount": "4500.00", "currency": "USD"},
}
BLACKOUT = {"start": "2030-05-01T00:00:00Z", "end": "2030-05-02T00:00:00Z", "kind": "owner_use"}

MATRIX: list[Row] = [
    ("get", "/api/v1/aircraft", None, {"*": 200}),
    ("post", "/api/v1/aircraft", NEW_AIRCRAFT, dict.fromkeys(FLEET_WRITERS, 201)),
    ("get", "/api/v1/aircraft/{aircraft}", None, {"*": 200}),
    ("patch", "/api/v1/aircraft/{aircraft}", {"model": "Citation CJ4"}, dict.fromkeys(FLEET_WRITERS, 200)),
    ("get", "/api/v1/aircraft/{aircraft}/schedule", None, dict.fromkeys(STAFF, 200)),
    ("get", "/api/v1/aircraft/{aircraft}/maintenance", None, dict.fromkeys(STAFF, 200)),
    ("get", "/api/v1/aircraft/{aircraft}/documents", None, dict.fromkeys(STAFF, 200)),
    ("post", "/api/v1/aircraft/{aircraft}/documents", {"kind": "other"}, dict.fromkeys(FLEET_WRITERS, 201)),
    ("post", "/api/v1/aircraft/{aircraft}/availability", BLACKOUT, dict.fromkeys(FLEET_WRITERS, 201)),
    (
        "post",
        "/api/v1/aircraft/{aircraft}/availability",
        {"status": "aog", "reason": "Matrix"},
        dict.fromkeys(FLEET_WRITERS, 200),
    ),
    ("get", "/api/v1/aircraft/424242", None, {"*": 404}),
    ("patch", "/api/v1/aircraft/424242", {"model": "X"}, {"*": 404}),
    ("get", "/api/v1/aircraft/424242/schedule", None, {"*": 404}),
]


@pytest.fixture
def objects(db: Any) -> dict[str, Any]:
    return {"aircraft": make_aircraft(tail_number="N808JA").pk}


@role_matrix(MATRIX)
def test_fleet_role_matrix(row, persona, objects):
    matrix_check(row, persona, objects)
