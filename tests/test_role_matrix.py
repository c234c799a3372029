"""Role × endpoint matrix of the cross-cutting endpoints (users, activity, clients, reports):
who may call what, run by ``tests.role_matrix``. An object the persona cannot see is a 404
whatever the method. Each API area keeps its own matrix next to its tests (fleet, flights,
crew).
"""

from __future__ import annotations

from typing import Any

import pytest

from jetops.roles import HISTORICAL_DELETES, Role
from tests.builders import bearer, make_user
from tests.role_matrix import PERSONAS, Row, matrix_check, role_matrix

pytestmark = pytest.mark.django_db

MATRIX: list[Row] = [
    ("get", "/api/v1/auth/me", None, dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/users", None, {"admin": 200}),
    ("get", "/api/v1/users/{user}", None, {"admin": 200, "*": 404}),
    ("patch", "/api/v1/users/{user}", {"name": "Renamed"}, {"admin": 200, "*": 404}),
    (
        "get",
        "/api/v1/activity",
        None,
        {"admin": 200, "ops": 200, "finance": 200, "client_services": 200},
    ),
    # clients (issue: fleet and clients)
    (
        "get",
        "/api/v1/clients",
        None,
        {"admin": 200, "ops": 200, "finance": 200, "client_services": 200, "client": 200},
    ),
    (
        "post",
        "/api/v1/clients",
        {"contact_person": "Matrix Person", "email": "m@x.example"},
        {"admin": 201, "client_services": 201},
    ),
    (
        "get",
        "/api/v1/clients/{client}",
        None,
        {"admin": 200, "ops": 200, "finance": 200, "client_services": 200, "*": 404},
    ),
    (
        "patch",
        "/api/v1/clients/{client}",
        {"vip_status": "vip"},
        {"admin": 200, "client_services": 200, "ops": 403, "finance": 403, "*": 404},
    ),
    (
        "get",
        "/api/v1/clients/{client}/export",
        None,
        {"admin": 200, "client_services": 200, "ops": 403, "finance": 403, "*": 404},
    ),
    (
        "get",
        "/api/v1/clients/{client}/passengers",
        None,
        {"admin": 200, "ops": 200, "finance": 200, "client_services": 200, "*": 404},
    ),
    (
        "post",
        "/api/v1/clients/{client}/passengers",
        {"first_name": "Matrix", "last_name": "Passenger"},
        {"admin": 201, "client_services": 201, "ops": 403, "finance": 403, "*": 404},
    ),
    # fleet-wide reports: staff only, never a portal user (issue 18)
    *[
        (
            "get",
            path,
            None,
            {"admin": 200, "ops": 200, "finance": 200, "maintenance": 200, "client_services": 200},
        )
        for path in ("/api/v1/quotes/conversion", "/api/v1/flights/feedback-report")
    ],
    # planning (issue 15): airport weather for operations and crew; the flight-level planning
    # endpoints need a flight with crew and a client: tests/planning/test_permissions.py
    ("get", "/api/v1/airports/KTEB/weather", None, {"admin": 200, "ops": 200, "crew": 200}),
]


@pytest.fixture
def objects(db: Any) -> dict[str, Any]:
    from clients.services import client_create

    target = make_user("matrix-target", int(Role.CLIENT))
    account = client_create(actor=None, contact_person="Matrix Client", email="mc@x.example")
    return {"user": target.pk, "client": account.pk}


@role_matrix(MATRIX)
def test_role_matrix(row, persona, objects):
    matrix_check(row, persona, objects)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_only_the_super_admin_may_delete_bookings_and_their_record(persona):
    """Flights and trips are cancelled, quotes expire, clients are erased: no other role holds
    the deletions (``jetops.roles.HISTORICAL_DELETES``), as ``/auth/me`` lists them."""
    user = make_user(f"matrix-{persona}", PERSONAS[persona])
    listed = set(bearer(user).get("/api/v1/auth/me").json()["permissions"])
    expected = set(HISTORICAL_DELETES) if persona == "admin" else set()
    assert listed & set(HISTORICAL_DELETES) == expected
