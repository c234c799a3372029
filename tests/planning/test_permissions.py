"""Who may call each planning endpoint on a flight, per role (the planning rows of the role
matrix, with a flight that has a client, a crew member and a plan), and the role defaults."""

from __future__ import annotations

from typing import Any

import pytest

from jetops.roles import SUPER_ADMIN_LEVEL, Role
from planning import services
from planning.models import FlightPlan
from tests.builders import bearer, make_user

pytestmark = pytest.mark.django_db

PERSONAS: dict[str, int] = {
    "admin": SUPER_ADMIN_LEVEL,
    "ops": int(Role.OPERATIONS_MANAGER),
    "finance": int(Role.FINANCE_MANAGER),
    "maintenance": int(Role.MAINTENANCE_MANAGER),
    "client_services": int(Role.CLIENT_SERVICES),
    "crew": int(Role.CREW),  # on the flight
    "other_crew": int(Role.CREW),  # not on it
    "client": int(Role.CLIENT),  # the flight's client
}

# Staff roles see every flight (the flights permissions) but only Operations and the Super
# Admin hold planning permissions: 403. Crew not on the flight and clients of other accounts
# do not see the flight: 404. The flight's own client sees the flight, not its planning: 403.
MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("get", "weight-balance", {"admin": 200, "ops": 200, "crew": 200, "other_crew": 404}),
    ("get", "plan", {"admin": 200, "ops": 200, "crew": 200, "other_crew": 404}),
    ("post", "plan", {"admin": 200, "ops": 200, "other_crew": 404}),
    ("get", "briefing", {"admin": 200, "ops": 200, "crew": 200, "other_crew": 404}),
    ("post", "plan/file", {"admin": 200, "ops": 200, "other_crew": 404}),
]


@pytest.fixture
def users(flight: Any, crew_user: Any, client_a_user: Any) -> dict[str, Any]:
    from crew import services as crew_services
    from tests.builders import make_crew

    member = make_crew("PM1", user=crew_user)
    crew_services.crew_assign(flight=flight, member=member, role="PIC", actor=None)
    make_crew("PM2", user=make_user("other-crew", int(Role.CREW)))
    services.flight_plan_compute(flight=flight, actor=None)
    found = {
        name: make_user(f"perm-{name}", level)
        for name, level in PERSONAS.items()
        if name not in ("crew", "client")
    }
    found["other_crew"] = make_user("perm-other", int(Role.CREW))
    return {**found, "crew": crew_user, "client": client_a_user}


@pytest.mark.parametrize(("method", "tail", "allowed"), MATRIX)
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_planning_matrix(
    method: str, tail: str, allowed: dict[str, int], persona: str, users: Any, flight: Any
) -> None:
    before = FlightPlan.objects.get(flight=flight).history.count()
    response = getattr(bearer(users[persona]), method)(
        f"/api/v1/flights/{flight.pk}/{tail}", {}, format="json"
    )
    expected = allowed.get(persona, 403)
    assert response.status_code == expected, response.content
    if method == "post" and expected != 200:
        assert FlightPlan.objects.get(flight=flight).history.count() == before


def test_role_defaults_hold_the_planning_permissions(
    ops_user: Any, crew_user: Any, finance_user: Any
) -> None:
    ops = set(bearer(ops_user).get("/api/v1/auth/me").json()["permissions"])
    crew = set(bearer(crew_user).get("/api/v1/auth/me").json()["own_object_permissions"])
    finance = set(bearer(finance_user).get("/api/v1/auth/me").json()["permissions"])
    planning = {"planning.change_flightplan", "planning.file_flightplan", "planning.view_briefing"}
    assert planning <= ops
    assert {p for p in crew if p.startswith("planning.")} == {
        "planning.view_flightplan",
        "planning.view_briefing",
        "planning.view_weight_balance",
        "planning.view_weather",
    }
    assert not {p for p in finance if p.startswith("planning.")}
