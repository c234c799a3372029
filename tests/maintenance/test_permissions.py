"""Who may do what in maintenance (jetops/roles.py): maintenance managers write, operations
read, finance, client services and clients see nothing, crew only raise squawks on an
aircraft they are assigned to fly."""

from __future__ import annotations

from typing import Any

import pytest

from crew import services as crew_services
from maintenance import services
from maintenance.models import Squawk, Vendor
from tests.builders import bearer, book, future, make_crew, make_user
from tests.role_matrix import PERSONAS

pytestmark = pytest.mark.django_db

READERS = {"admin": 200, "ops": 200, "maintenance": 200}
LISTS = (
    "programs",
    "tasks",
    "directives",
    "items",
    "items/due",
    "work-orders",
    "squawks",
    "vendors",
    "parts",
    "time-corrections",
    "compliance",
)

MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    *[("get", f"/api/v1/maintenance/{path}", None, READERS) for path in LISTS],
    ("get", "/api/v1/maintenance/vendors/{vendor}", None, {**READERS, "*": 404}),
    ("get", "/api/v1/maintenance/work-orders/costs", None, READERS),
    ("get", "/api/v1/maintenance/squawks/sdr", None, READERS),
    (
        "get",
        "/api/v1/maintenance/records/{aircraft}",
        None,
        {**READERS, "finance": 403, "client_services": 403},
    ),
    ("post", "/api/v1/maintenance/vendors", {"name": "Matrix MRO"}, {"admin": 201, "maintenance": 201}),
    (
        "patch",
        "/api/v1/maintenance/vendors/{vendor}",
        {"phone": "+1 201 555 0100"},
        {"admin": 200, "maintenance": 200, "ops": 403, "*": 404},
    ),
    ("post", "/api/v1/maintenance/programs/preset-91-409", None, {"admin": 201, "maintenance": 201}),
    (
        "post",
        "/api/v1/maintenance/squawks",
        {"aircraft": "{aircraft}", "description": "Matrix squawk", "severity": "deferrable"},
        # crew hold the permission but are not assigned to this aircraft: refused by the service
        {"admin": 201, "maintenance": 201},
    ),
    (
        "get",
        "/api/v1/aircraft/{aircraft}/maintenance",
        None,
        {"admin": 200, "ops": 200, "maintenance": 200, "finance": 200, "client_services": 200},
    ),
]


@pytest.fixture
def objects(db: Any) -> dict[str, Any]:
    from tests.builders import make_aircraft

    vendor = services.vendor_save(actor=None, name="Matrix Vendor")
    return {"vendor": vendor.pk, "aircraft": make_aircraft().pk}


def _fill(body: Any, objects: dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return {k: _fill(v, objects) for k, v in body.items()}
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return objects[body[1:-1]]
    return body


@pytest.mark.parametrize(("method", "path", "body", "allowed"), MATRIX)
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_maintenance_role_matrix(method, path, body, allowed, persona, objects):
    user = make_user(f"matrix-{persona}", PERSONAS[persona])
    response = getattr(bearer(user), method)(path.format(**objects), _fill(body, objects), format="json")
    assert response.status_code == allowed.get(persona, allowed.get("*", 403)), response.content


def test_crew_raise_a_squawk_on_an_aircraft_they_fly(crew_user, client_a, jet):
    member = make_crew("E1", user=crew_user)
    flight = book(client_a, jet, at=future(2, 14))
    crew_services.crew_assign(flight=flight, member=member, role="PIC", actor=None)
    client = bearer(crew_user)
    body = {"aircraft": jet.pk, "description": "Left landing light out", "severity": "deferrable"}
    response = client.post("/api/v1/maintenance/squawks", body, format="json")
    assert response.status_code == 201, response.json()
    squawk = Squawk.objects.get()
    assert squawk.raised_by == crew_user
    assert squawk.history.latest().history_user == crew_user
    # staff-only fields are refused, and crew read nothing
    staff_only = client.post("/api/v1/maintenance/squawks", {**body, "reportable": True}, format="json")
    assert staff_only.status_code == 400
    assert "reportable" in staff_only.json()["errors"]
    assert client.get("/api/v1/maintenance/squawks").status_code == 403
    assert client.get(f"/api/v1/maintenance/squawks/{squawk.pk}").status_code == 404
    assert Squawk.objects.count() == 1


def test_crew_cannot_raise_a_squawk_on_another_aircraft(crew_user, client_a, jet, midsize):
    member = make_crew("E1", user=crew_user)
    crew_services.crew_assign(
        flight=book(client_a, jet, at=future(2, 14)), member=member, role="PIC", actor=None
    )
    body = {"aircraft": midsize.pk, "description": "Seat track broken", "severity": "grounding"}
    response = bearer(crew_user).post("/api/v1/maintenance/squawks", body, format="json")
    assert response.status_code == 403
    assert not Squawk.objects.exists()


def test_operations_read_but_do_not_write(ops_user):
    response = bearer(ops_user).post("/api/v1/maintenance/vendors", {"name": "Ops MRO"}, format="json")
    assert response.status_code == 403
    assert not Vendor.objects.exists()


def test_clients_see_nothing(client_a_user):
    for path in LISTS:
        assert bearer(client_a_user).get(f"/api/v1/maintenance/{path}").status_code == 403
