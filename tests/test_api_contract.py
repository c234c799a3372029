"""The OpenAPI schema is the API contract: it must generate without warnings or errors, every
seed endpoint must be in it with exactly its path, and every field of the seed's five
collections (Users, Clients, Aircraft, Flights, Crew) must be in the API's request and
response shapes, with the seed's name, JSON type and nested keys.

``SEED`` writes the seed's collections down field by field, with how the API writes each one:
in the collection's own body (``BODY``), only when the document is created (``CREATE``), never
(``SYSTEM``: the API derives or generates it), or through another seed endpoint (``Via``).
The schema tests compare that table with the generated schema; the round-trip tests post a
seed-shaped document and read the same shapes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from clients import services as client_services
from clients.choices import NotificationEvent
from tests.builders import PASSWORD, bearer, make_aircraft, make_crew

SEED_PATHS = [
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/refresh-token",
    "/api/v1/auth/me",
    "/api/v1/auth/change-password",
    "/api/v1/auth/captcha/{uid}",
    "/api/v1/clients",
    "/api/v1/clients/{id}",
    "/api/v1/clients/{id}/bookings",
    "/api/v1/clients/{id}/preferences",
    "/api/v1/aircraft",
    "/api/v1/aircraft/{id}",
    "/api/v1/aircraft/{id}/schedule",
    "/api/v1/aircraft/{id}/maintenance",
    "/api/v1/aircraft/{id}/availability",
    "/api/v1/flights",
    "/api/v1/flights/{id}",
    "/api/v1/flights/quote",
    "/api/v1/flights/{id}/manifest",
    "/api/v1/flights/{id}/status",
    "/api/v1/crew",
    "/api/v1/crew/{id}",
    "/api/v1/crew/{id}/schedule",
    "/api/v1/crew/assignments",
    "/api/v1/crew/availability",
]

BODY, CREATE, SYSTEM = "body", "create", "system"


@dataclass(frozen=True)
class Via:
    """Written through another endpoint, whose request carries ``keys``."""

    method: str
    path: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class F:
    """One seed field: JSON type, nested keys of an object, the item of an array, and how the
    API writes it (``BODY``, ``CREATE``, ``SYSTEM`` or ``Via``; ``also`` adds a ``Via``)."""

    type: str
    keys: dict[str, F] | None = None
    items: F | None = None
    written: str | Via = BODY
    also: Via | None = None


TEXT, INT, BOOL, TIME, DATE = F("string"), F("integer"), F("boolean"), F("string"), F("string")
MONEY = F("object", keys={"amount": TEXT, "currency": TEXT})
TEXTS = F("array", items=TEXT)


@dataclass(frozen=True)
class Collection:
    list: str  # the collection's path (GET list, POST create)
    detail: str  # one document (GET, PUT, PATCH)
    fields: dict[str, F] = field(default_factory=dict)


SEED: dict[str, Collection] = {
    "Users": Collection(
        "/api/v1/users",
        "/api/v1/users/{id}",
        {
            "username": F("string", written=CREATE),
            "name": TEXT,
            "email": TEXT,
            "phone": TEXT,
            "level": INT,
            "role": F("string", written=SYSTEM),  # the most senior role of ``level``
            "active": BOOL,
            "last_login": F("string", written=SYSTEM),
            "created_at": F("string", written=SYSTEM),
            "updated_at": F("string", written=SYSTEM),
        },
    ),
    "Clients": Collection(
        "/api/v1/clients",
        "/api/v1/clients/{id}",
        {
            "client_type": TEXT,
            "company_name": TEXT,
            "contact_person": TEXT,
            "email": TEXT,
            "phone": TEXT,
            "billing_address": F(
                "object",
                keys={k: TEXT for k in ("line1", "line2", "city", "region", "postal_code", "country")},
            ),
            "preferences": F(
                "object",
                keys={
                    "dietary_restrictions": TEXTS,
                    "special_requests": TEXTS,
                    "preferred_aircraft": F("array", items=INT),
                    "notification_preferences": F("object"),
                },
                also=Via("post", "/api/v1/clients/{id}/preferences", ("special_requests",)),
            ),
            "vip_status": TEXT,
            "payment_methods": F(
                "array",
                items=F("object", keys={k: TEXT for k in ("provider", "brand", "last4")}),
                # tokens only, and a step-up: never in the account's own body
                written=Via(
                    "post",
                    "/api/v1/clients/{id}/payment-methods",
                    ("provider", "token", "brand", "last4", "exp_month", "exp_year"),
                ),
            ),
            "emergency_contacts": F("array", items=F("object", keys={"name": TEXT, "phone": TEXT})),
        },
    ),
    "Aircraft": Collection(
        "/api/v1/aircraft",
        "/api/v1/aircraft/{id}",
        {
            "tail_number": TEXT,
            "aircraft_type": TEXT,
            "manufacturer": TEXT,
            "model": TEXT,
            "year": INT,
            "seating_capacity": INT,
            "range_nautical_miles": INT,
            "cruise_speed": INT,
            "current_location": TEXT,
            "hourly_rate": MONEY,
            # set when the aircraft is added; then changed on the timeline
            "status": F(
                "string",
                written=CREATE,
                also=Via("post", "/api/v1/aircraft/{id}/availability", ("status", "reason")),
            ),
            "amenities": TEXTS,
            "interior_config": F("object"),
            "maintenance_schedule": F("object"),
            "insurance_info": F("object"),
        },
    ),
    "Flights": Collection(
        "/api/v1/flights",
        "/api/v1/flights/{id}",
        {
            "flight_number": F("string", written=SYSTEM),  # generated, unique
            "client_id": INT,
            "aircraft_id": INT,
            "crew_assignments": F(
                "array",
                items=F("object", keys={"crew_member": INT, "role": TEXT}),
                written=Via("post", "/api/v1/flights/{flight_pk}/crew", ("crew_member", "role")),
            ),
            "departure": F("object", keys={"airport": TEXT, "datetime": TIME, "fbo": TEXT}),
            "arrival": F("object", keys={"airport": TEXT, "datetime": TIME, "fbo": TEXT}),
            "passengers": F(
                "array",
                items=F("object", keys={"passenger": INT, "seat": TEXT, "weight": TEXT, "bags": INT}),
                also=Via("put", "/api/v1/flights/{id}/manifest", ("passenger", "seat", "weight", "bags")),
            ),
            "flight_plan": F("object"),
            "special_services": F(
                "array",
                items=F("object", keys={"kind": TEXT, "description": TEXT, "vendor": TEXT, "status": TEXT}),
                written=Via(
                    "post", "/api/v1/flights/{id}/services", ("kind", "description", "vendor", "status")
                ),
            ),
            "status": F(
                "string", written=Via("post", "/api/v1/flights/{id}/status", ("status", "reason", "at"))
            ),
            "billing_info": F("object"),
        },
    ),
    "Crew": Collection(
        "/api/v1/crew",
        "/api/v1/crew/{id}",
        {
            "employee_id": TEXT,
            "name": TEXT,
            "position": TEXT,
            "qualifications": F(
                "object",
                keys={
                    "licenses": F(
                        "array",
                        items=F(
                            "object",
                            keys={
                                "kind": TEXT,
                                "number": TEXT,
                                "authority": TEXT,
                                "issued_on": DATE,
                                "expires_on": DATE,
                            },
                        ),
                    ),
                    "ratings": F("array", items=F("object", keys={"aircraft_type": TEXT, "role": TEXT})),
                    "medical": F("object", keys={"class": INT, "exam_date": DATE}),
                    "recurrent_training": F(
                        "array", items=F("object", keys={"kind": TEXT, "completed_on": DATE})
                    ),
                },
            ),
            "availability": F(
                "array",
                items=F("object", keys={"kind": TEXT, "start": TIME, "end": TIME, "remarks": TEXT}),
                written=Via(
                    "post", "/api/v1/crew/availability", ("crew_member", "kind", "start", "end", "remarks")
                ),
            ),
            "contact_info": F("object", keys={"email": TEXT, "phone": TEXT, "address": TEXT}),
            "emergency_contact": F("object", keys={"name": TEXT, "phone": TEXT}),
        },
    ),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--file", str(path), "--fail-on-warn", "--validate")
    return yaml.safe_load(path.read_text())


def test_schema_generates_cleanly_with_seed_paths(schema):
    assert schema["info"]["title"] == "JetOps API"
    missing = [p for p in SEED_PATHS if p not in schema["paths"]]
    assert missing == []


# ---------------------------------------------------------------- reading the schema


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with ``$ref`` and single-branch ``allOf`` followed; for ``oneOf`` (an enum or
    null), the first branch."""
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        elif "oneOf" in node:
            node = node["oneOf"][0]
        else:
            return node


def body_schema(schema: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    operation = schema["paths"][path][method]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return resolve(schema, content["schema"]) if content else None


def response_schema(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses = schema["paths"][path][method]["responses"]
    code = next(c for c in ("200", "201") if c in responses)
    node = resolve(schema, responses[code]["content"]["application/json"]["schema"])
    if "results" in node.get("properties", {}):  # a page: the items are the documents
        node = resolve(schema, node["properties"]["results"]["items"])
    return node


def differences(schema: dict[str, Any], where: str, node: dict[str, Any], spec: F) -> list[str]:
    """How ``node`` (a schema) differs from the seed field ``spec``."""
    node = resolve(schema, node)
    if node.get("type") != spec.type:
        return [f"{where}: {node.get('type', 'any')} instead of {spec.type}"]
    found: list[str] = []
    for key, child in (spec.keys or {}).items():
        properties = node.get("properties", {})
        if key not in properties:
            found.append(f"{where}.{key}: missing")
        else:
            found += differences(schema, f"{where}.{key}", properties[key], child)
    if spec.items is not None:
        found += differences(schema, f"{where}[]", node.get("items", {}), spec.items)
    return found


def request_writes(spec: F, method: str) -> bool:
    return spec.written == BODY or (spec.written == CREATE and method == "post")


RESPONSES = [
    (name, method, which)
    for name in SEED
    for method, which in (
        ("get", "list"),
        ("post", "list"),
        ("get", "detail"),
        ("put", "detail"),
        ("patch", "detail"),
    )
]
REQUESTS = [
    (name, method, which)
    for name in SEED
    for method, which in (("post", "list"), ("put", "detail"), ("patch", "detail"))
]


@pytest.mark.parametrize(("collection", "method", "which"), RESPONSES)
def test_responses_carry_every_seed_field_in_its_seed_shape(schema, collection, method, which):
    seed = SEED[collection]
    node = response_schema(schema, method, getattr(seed, which))

    found = [
        problem
        for name, spec in seed.fields.items()
        for problem in (
            differences(schema, name, node["properties"][name], spec)
            if name in node["properties"]
            else [f"{name}: missing"]
        )
    ]

    assert found == []


@pytest.mark.parametrize(("collection", "method", "which"), REQUESTS)
def test_requests_take_every_writable_seed_field_and_no_generated_one(schema, collection, method, which):
    seed = SEED[collection]
    node = body_schema(schema, method, getattr(seed, which))
    assert node is not None, f"{method.upper()} {getattr(seed, which)} documents no request body"
    properties = node["properties"]

    found = []
    for name, spec in seed.fields.items():
        if request_writes(spec, method):
            if name not in properties:
                found.append(f"{name}: missing")
            else:
                found += differences(schema, name, properties[name], spec)
        elif spec.written != CREATE and name in properties and not properties[name].get("readOnly"):
            found.append(f"{name}: writable here, but the API writes it {spec.written}")

    assert found == []


VIAS = [
    (collection, name, via)
    for collection, seed in SEED.items()
    for name, spec in seed.fields.items()
    for via in (spec.written, spec.also)
    if isinstance(via, Via)
]


@pytest.mark.parametrize(("collection", "name", "via"), VIAS, ids=[f"{c}.{n}" for c, n, _ in VIAS])
def test_fields_written_elsewhere_are_taken_by_that_seed_endpoint(schema, collection, name, via):
    node = body_schema(schema, via.method, via.path)

    assert node is not None
    if node.get("type") == "array":  # a list of items (a manifest)
        node = resolve(schema, node["items"])
    assert sorted(set(via.keys) - set(node.get("properties", {}))) == []


# ---------------------------------------------------------------- round trips over the API

KINDS = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}


def shape_differences(where: str, value: Any, spec: F) -> list[str]:
    """How a JSON value differs from the seed field ``spec`` (null passes: an unset value)."""
    if value is None:
        return []
    kind = KINDS[spec.type]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__} instead of {spec.type}"]
    found = []
    for key, child in (spec.keys or {}).items():
        found += shape_differences(f"{where}.{key}", value.get(key), child)
    if spec.items is not None:
        for index, item in enumerate(value):
            found += shape_differences(f"{where}[{index}]", item, spec.items)
    return found


def seed_differences(collection: str, document: dict[str, Any]) -> list[str]:
    """How a document the API answered differs from the seed's collection."""
    return [
        problem
        for name, spec in SEED[collection].fields.items()
        for problem in (
            shape_differences(name, document[name], spec) if name in document else [f"{name}: missing"]
        )
    ]


def later(days: int, hour: int = 14) -> str:
    at = datetime.now(UTC) + timedelta(days=days)
    return at.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def test_users_round_trip_in_the_seed_shape(admin_user):
    admin = bearer(admin_user)
    document = {
        "username": "seed.user",
        "name": "Seed User",
        "email": "seed@example.com",
        "phone": "+12125550123",
        "level": 0x1000,
        "active": True,
    }

    created = admin.post("/api/v1/users", {**document, "password": PASSWORD}, format="json")
    changed = admin.patch(f"/api/v1/users/{created.json()['id']}", {"active": False}, format="json")
    read = admin.get(f"/api/v1/users/{created.json()['id']}").json()

    assert created.status_code == 201, created.json()
    assert seed_differences("Users", created.json()) == []
    assert {name: created.json()[name] for name in document} == document
    assert changed.status_code == 200, changed.json()
    assert seed_differences("Users", read) == []
    assert (read["active"], read["role"]) == (False, "Operations Manager")


def test_clients_round_trip_in_the_seed_shape(cs_user):
    staff = bearer(cs_user)
    aircraft = make_aircraft()
    document = {
        "client_type": "corporate",
        "company_name": "Seed Holdings",
        "contact_person": "Sam Seed",
        "email": "sam@seed.example",
        "phone": "+14155552671",
        "billing_address": {
            "line1": "1 Main St",
            "line2": "Suite 2",
            "city": "Austin",
            "region": "TX",
            "postal_code": "78701",
            "country": "US",
        },
        "preferences": {
            "dietary_restrictions": ["vegetarian"],
            "special_requests": ["Sparkling water chilled", "No press at the FBO"],
            "preferred_aircraft": [aircraft.pk],
            "notification_preferences": {
                "email": dict.fromkeys(NotificationEvent.values, True),
                "sms": dict.fromkeys(NotificationEvent.values, False),
                "push": dict.fromkeys(NotificationEvent.values, False),
            },
        },
        "vip_status": "vip",
        "emergency_contacts": [{"name": "Kim Seed", "relationship": "spouse", "phone": "+14155552672"}],
    }

    created = staff.post("/api/v1/clients", document, format="json")
    pk = created.json()["id"]
    card = staff.post(
        f"/api/v1/clients/{pk}/payment-methods",
        {
            "provider": "stripe",
            "token": "tok_seed",
            "brand": "Visa",
            "last4": "4242",
            "exp_month": 8,
            "exp_year": 2031,
        },
        format="json",
    )
    preferences = staff.post(
        f"/api/v1/clients/{pk}/preferences", {"special_requests": ["Flowers on board"]}, format="json"
    )
    read = staff.get(f"/api/v1/clients/{pk}").json()

    assert created.status_code == 201, created.json()
    assert {name: created.json()[name] for name in document} == document
    assert card.status_code == 201, card.json()
    assert preferences.json()["special_requests"] == ["Flowers on board"]
    assert seed_differences("Clients", read) == []
    assert read["preferences"] == {**document["preferences"], "special_requests": ["Flowers on board"]}
    assert [(m["provider"], m["brand"], m["last4"]) for m in read["payment_methods"]] == [
        ("stripe", "Visa", "4242")
    ]


def test_aircraft_round_trip_in_the_seed_shape(ops_user):
    ops = bearer(ops_user)
    document = {
        "tail_number": "N777SD",
        "aircraft_type": "GLF6",
        "manufacturer": "Gulfstream",
        "model": "G650ER",
        "year": 2021,
        "seating_capacity": 14,
        "range_nautical_miles": 7500,
        "cruise_speed": 488,
        "current_location": "KTEB",
        "hourly_rate": {"amount": "12500.00", "currency": "USD"},
        "status": "available",
        "amenities": ["wifi", "galley"],
        "interior_config": {"layout": "three zones", "divans": 2},
        "maintenance_schedule": {"program": "CAMP", "next_check": "A-check"},
        "insurance_info": {"insurer": "Global Aerospace", "hull_value": "65000000"},
    }

    created = ops.post("/api/v1/aircraft", {**document, "category": "ultra_long_range"}, format="json")
    pk = created.json()["id"]
    grounded = ops.post(
        f"/api/v1/aircraft/{pk}/availability", {"status": "maintenance", "reason": "A-check"}, format="json"
    )
    read = ops.get(f"/api/v1/aircraft/{pk}").json()

    assert created.status_code == 201, created.json()
    assert {name: created.json()[name] for name in document} == document
    assert grounded.status_code in (200, 201), grounded.json()
    assert seed_differences("Aircraft", read) == []
    assert read["status"] == "maintenance"


def test_flights_round_trip_in_the_seed_shape(ops_user, client_a):
    ops = bearer(ops_user)
    jet = make_aircraft(current_location="KTEB")
    passenger = client_services.passenger_create(
        client=client_a, actor=None, first_name="Ana", last_name="Seed"
    )
    captain = make_crew("SEED1")
    document = {
        "client_id": client_a.pk,
        "aircraft_id": jet.pk,
        "departure": {"airport": "KTEB", "datetime": later(9), "fbo": "Signature TEB"},
        "arrival": {"airport": "KBOS", "datetime": later(9, hour=15), "fbo": "Signature BOS"},
        "passengers": [{"passenger": passenger.pk, "seat": "1A", "weight": "80.0", "bags": 2}],
        "flight_plan": {"route": "DCT", "alternate": "KPVD"},
        "billing_info": {"po_number": "PO-1"},
    }

    created = ops.post("/api/v1/flights", document, format="json")
    pk = created.json()["id"]
    service = ops.post(
        f"/api/v1/flights/{pk}/services",
        {"kind": "catering", "description": "Sushi", "vendor": "Air Gourmet", "status": "requested"},
        format="json",
    )
    crew = ops.post(f"/api/v1/flights/{pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json")
    boarding = ops.post(f"/api/v1/flights/{pk}/status", {"status": "boarding"}, format="json")
    read = ops.get(f"/api/v1/flights/{pk}").json()

    assert created.status_code == 201, created.json()
    assert {name: created.json()[name] for name in document} == document
    assert (service.status_code, crew.status_code, boarding.status_code) == (201, 201, 200), crew.json()
    assert seed_differences("Flights", read) == []
    assert read["flight_number"].startswith("JO")
    assert [(s["kind"], s["vendor"]) for s in read["special_services"]] == [("catering", "Air Gourmet")]
    assert [(c["crew_member"], c["role"]) for c in read["crew_assignments"]] == [(captain.pk, "PIC")]
    assert read["status"] == "boarding"


def test_crew_round_trip_in_the_seed_shape(ops_user):
    ops = bearer(ops_user)
    done = (datetime.now(UTC).date() - timedelta(days=10)).isoformat()
    document = {
        "employee_id": "SEED7",
        "name": "Casey Seed",
        "position": "captain",
        "qualifications": {
            "licenses": [
                {
                    "kind": "atp",
                    "number": "7654321",
                    "authority": "FAA",
                    "issued_on": "2010-01-01",
                    "expires_on": None,
                }
            ],
            "ratings": [{"aircraft_type": "C25B", "role": "PIC"}],
            "medical": {"class": 1, "exam_date": done},
            "recurrent_training": [{"kind": "line_check", "completed_on": done}],
        },
        "contact_info": {"email": "casey@seed.example", "phone": "+12125550100", "address": "1 Crew Way"},
        "emergency_contact": {"name": "Sam Seed", "phone": "+12125550111"},
    }

    created = ops.post(
        "/api/v1/crew", {**document, "date_of_birth": "1984-05-01", "home_base": "KTEB"}, format="json"
    )
    pk = created.json()["id"]
    start, end = (later(days, hour=0).replace("+00:00", "Z") for days in (20, 21))  # as DRF writes UTC
    period = {"kind": "day_off", "start": start, "end": end, "remarks": "Wedding"}
    off = ops.post("/api/v1/crew/availability", {"crew_member": pk, **period}, format="json")
    read = ops.get(f"/api/v1/crew/{pk}").json()

    assert created.status_code == 201, created.json()
    written = {name: created.json()[name] for name in document}
    written["qualifications"]["medical"].pop("valid_through")  # computed, beside the seed's keys
    assert written == document
    assert off.status_code == 201, off.json()
    assert seed_differences("Crew", read) == []
    assert [{k: a[k] for k in period} for a in read["availability"]] == [period]
