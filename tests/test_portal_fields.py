"""Role matrix over every write a portal (Client-role) user can reach: only the fields the
endpoint offers the portal are accepted; any other field is a 400 naming it, and nothing is
written.

The endpoints are not listed by hand: they come from the URL conf (through the OpenAPI
generator), and the portal's reach from ``jetops.permissions``. Each reachable write must
declare its portal allow-list (``portal_fields``) and have a sample body here; every field of
its request schema outside the allow-list, and an unknown one, is then sent as the portal
user. A new staff-only field on a portal-writable serializer, or a new portal-writable
endpoint, is therefore caught without editing this file (or fails it until declared).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from clients import services as client_services
from fleet.models import Airport
from flights.models import Feedback, Quote
from flights.services.booking import flight_create
from flights.services.quotes import quote_create, quote_send
from flights.services.status import flight_status_change
from jetops.permissions import PORTAL_REFUSAL, JetOpsPermission, portal_field_errors, user_can
from tests.builders import PASSWORD, bearer, future, make_aircraft

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PROBE = "portal_probe"
# Writes anyone may call without a token (they act for no signed-in user).
PUBLIC_WRITES = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/login/otp"),
    ("POST", "/api/v1/auth/refresh-token"),
    ("POST", "/api/v1/payments/webhook"),  # the gateway's, authenticated by its signature
}


def _quote_body(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "client_id": world["client"].pk,
        "legs": [
            {
                "departure_airport": "KTEB",
                "arrival_airport": "KPBI",
                "departure_datetime": future(30, 14).isoformat(),
                "passengers": 2,
            }
        ],
        "category": "light",
    }


def _passenger_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"first_name": "Nora", "last_name": "Anders", "nationality": "US"}


# (method, schema path) → (path parameters, sample body a portal user may send, whether the
# sample is run as the happy path here; the auth endpoints' happy paths need a live TOTP
# enrolment and are proven in tests/jetops/test_auth.py).
Sample = tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[dict[str, Any]], Any], bool]
PORTAL_WRITES: dict[tuple[str, str], Sample] = {
    ("POST", "/api/v1/flights/quote"): (lambda w: {}, _quote_body, True),
    ("POST", "/api/v1/quotes/{id}/accept"): (lambda w: {"id": w["quote"].pk}, lambda w: {}, True),
    ("POST", "/api/v1/quotes/{id}/decline"): (lambda w: {"id": w["quote"].pk}, lambda w: {}, True),
    ("PUT", "/api/v1/flights/{id}/manifest"): (
        lambda w: {"id": w["flight"].pk},
        lambda w: [{"passenger": w["passenger"].pk, "seat": "1A", "weight": "70.0", "bags": 1}],
        True,
    ),
    ("POST", "/api/v1/flights/{id}/feedback"): (
        lambda w: {"id": w["flown"].pk},
        lambda w: {"rating": 5, "comment": "Smooth."},
        True,
    ),
    ("POST", "/api/v1/trips/{id}/concierge"): (
        lambda w: {"id": w["flight"].trip_id},
        lambda w: {"subject": "Flowers on board", "detail": "White roses."},
        True,
    ),
    ("POST", "/api/v1/clients/{id}/preferences"): (
        lambda w: {"id": w["client"].pk},
        lambda w: {"dietary_restrictions": ["vegetarian"], "special_requests": ["Quiet cabin"]},
        True,
    ),
    ("POST", "/api/v1/clients/{id}/payment-methods"): (
        lambda w: {"id": w["client"].pk},
        lambda w: {
            "provider": "stripe",
            "token": "tok_portal_new",
            "brand": "visa",
            "last4": "4242",
            "exp_month": 12,
            "exp_year": 2040,
            "holder_name": "Alice Anders",
        },
        True,
    ),
    ("DELETE", "/api/v1/clients/{id}/payment-methods/{method_id}"): (
        lambda w: {"id": w["client"].pk, "method_id": w["method"].pk},
        lambda w: {},
        True,
    ),
    ("POST", "/api/v1/clients/{id}/data-requests"): (
        lambda w: {"id": w["client"].pk},
        lambda w: {"kind": "access", "notes": "Everything you hold, please."},
        True,
    ),
    ("POST", "/api/v1/clients/{client_pk}/passengers"): (
        lambda w: {"client_pk": w["client"].pk},
        _passenger_body,
        True,
    ),
    ("PUT", "/api/v1/clients/{client_pk}/passengers/{id}"): (
        lambda w: {"client_pk": w["client"].pk, "id": w["passenger"].pk},
        _passenger_body,
        True,
    ),
    ("PATCH", "/api/v1/clients/{client_pk}/passengers/{id}"): (
        lambda w: {"client_pk": w["client"].pk, "id": w["passenger"].pk},
        lambda w: {"weight_kg": "64.5"},
        True,
    ),
    ("DELETE", "/api/v1/clients/{client_pk}/passengers/{id}"): (
        lambda w: {"client_pk": w["client"].pk, "id": w["passenger"].pk},
        lambda w: {},
        True,
    ),
    ("POST", "/api/v1/auth/logout"): (lambda w: {}, lambda w: {}, False),
    ("POST", "/api/v1/auth/change-password"): (
        lambda w: {},
        lambda w: {"old_password": PASSWORD, "new_password": "Another-Long-Passphrase-7"},
        False,
    ),
    ("POST", "/api/v1/auth/step-up"): (lambda w: {}, lambda w: {"otp": "123456"}, False),
    ("POST", "/api/v1/auth/2fa/enrol"): (lambda w: {}, lambda w: {}, False),
    ("POST", "/api/v1/auth/2fa/confirm"): (lambda w: {}, lambda w: {"otp": "123456"}, False),
    ("POST", "/api/v1/auth/2fa/disable"): (lambda w: {}, lambda w: {"otp": "123456"}, False),
    ("POST", "/api/v1/auth/2fa/recovery-codes"): (lambda w: {}, lambda w: {"otp": "123456"}, False),
}


class Api:
    """The OpenAPI document and, per write operation, the view that serves it."""

    def __init__(self) -> None:
        generator = SchemaGenerator()
        self.schema = generator.get_schema(request=None, public=True)
        self.views: dict[tuple[str, str], Any] = {}
        for path, _regex, method, callback in generator.endpoints:
            if method in WRITE_METHODS:
                view = generator.create_view(callback, method)
                self.views[(method, generator.coerce_path(path, method, view))] = view

    def request_schema(self, method: str, path: str) -> dict[str, Any] | None:
        body = self.schema["paths"][path][method.lower()].get("requestBody")
        return None if body is None else self.resolve(body["content"]["application/json"]["schema"])

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node


@pytest.fixture(scope="module")
def api_doc() -> Api:
    return Api()


def portal_reach(view: Any, method: str, user: Any) -> bool | None:
    """Whether ``user`` passes the view's permission checks for ``method`` (None: a public
    view, outside ``JetOpsPermission``)."""
    request = Request(APIRequestFactory().generic(method, "/"))
    request.user = user
    view.request = request
    checks = [p for p in view.get_permissions() if isinstance(p, JetOpsPermission)]
    if not checks:
        return None
    required = checks[0]._required(request, view)
    return required is None or user_can(user, required)


def action_of(view: Any, method: str) -> str:
    """The key of ``portal_fields``: a viewset's action, or a plain view's method."""
    return getattr(view, "action", None) or method.lower()


def staff_only_paths(
    api: Api, node: dict[str, Any] | None, allowed: tuple[str, ...], prefix: str = ""
) -> list[str]:
    """Every field of a request schema a portal user may not send (dotted paths), found the
    way the allow-list reads: a listed path allows all below it unless longer paths are listed."""
    if node is None:
        return []
    node = api.resolve(node)
    if node.get("type") == "array":
        return staff_only_paths(api, node.get("items"), allowed, prefix)
    found = []
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        if any(a.startswith(f"{path}.") for a in allowed):
            found += staff_only_paths(api, child, allowed, f"{path}.")
        elif path not in allowed:
            found.append(path)
    return found


def with_field(body: Any, parts: list[str], value: Any) -> Any:
    """``body`` with ``value`` at the dotted path (inside a list: in its first item)."""
    body = copy.deepcopy(body)
    node = body
    for part in parts[:-1]:
        node = node[0][part] if isinstance(node, list) else node[part]
    (node[0] if isinstance(node, list) else node)[parts[-1]] = value
    return body


def error_at(body: Any, parts: list[str]) -> dict[str, Any]:
    """The error a refused field gets: nested like the body, a list's first item as ``"0"``."""
    if isinstance(body, list):
        return {"0": error_at(body[0], parts)}
    head, *rest = parts
    return {head: error_at(body[head], rest) if rest else [PORTAL_REFUSAL]}


def row_counts(but: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows in every table of the project, history included (``but`` those models)."""
    local = {"jetops", "clients", "fleet", "flights", "crew", "maintenance", "finance"}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in local and m._meta.label not in but
    }


@pytest.fixture
def world(client_a, client_a_user, request) -> dict[str, Any]:
    """Client A's objects a portal user writes to: a quote staff sent, a scheduled flight, a
    completed one awaiting feedback, a passenger and a card."""
    request.getfixturevalue("jet")  # the light jet the quote is priced on
    legs = [
        {
            "departure_airport": "KTEB",
            "arrival_airport": "KPBI",
            "departure_datetime": future(10, 14),
            "passengers": 2,
        }
    ]
    quote, _ = quote_create(client=client_a, legs=legs, actor=None)
    quote_send(quote=quote, actor=None)
    passenger = client_services.passenger_create(
        client=client_a, actor=None, first_name="Alice", last_name="Anders"
    )
    method = client_services.payment_method_add(
        client=client_a,
        actor=None,
        provider="stripe",
        token="tok_a",
        last4="1111",
        exp_month=1,
        exp_year=2039,
    )

    def booked(days: int) -> Any:
        return flight_create(
            client=client_a,
            aircraft=make_aircraft(),
            departure_airport=Airport.objects.get(icao="KTEB"),
            arrival_airport=Airport.objects.get(icao="KMIA"),
            departure_at=future(days, 9),
            actor=None,
        )

    flown = booked(3)
    with time_machine.travel(flown.departure_at + timedelta(hours=3), tick=False):  # flown by then
        for status in ("departed", "arrived", "completed"):
            at = flown.departure_at if status == "departed" else flown.departure_at + timedelta(hours=3)
            flown = flight_status_change(flight=flown, status=status, actor=None, at=at)
    assert Feedback.objects.filter(flight=flown).exists()
    return {
        "client": client_a,
        "quote": Quote.objects.get(pk=quote.pk),
        "passenger": passenger,
        "method": method,
        "flight": booked(20),
        "flown": flown,
    }


def test_every_portal_write_declares_what_the_portal_may_send(api_doc, client_a_user):
    reachable, public = set(), set()
    for key, view in api_doc.views.items():
        reach = portal_reach(view, key[0], client_a_user)
        if reach is None:
            public.add(key)
        elif reach:
            reachable.add(key)
    assert public == PUBLIC_WRITES
    assert reachable == set(PORTAL_WRITES)
    undeclared = [
        key
        for key in reachable
        if api_doc.request_schema(*key) is not None
        and action_of(api_doc.views[key], key[0]) not in getattr(api_doc.views[key], "portal_fields", {})
    ]
    assert undeclared == []


def test_portal_user_is_refused_every_other_write(api_doc, world, client_a_user):
    """Every write outside the portal's (direct booking, flight edits and status, quote
    sending and overrides, account edits, fleet, crew, users…) is a 403, or a 404 where the
    object is not the portal user's, through the API, and changes nothing."""
    objects = {
        "flights": world["flight"].pk,
        "quotes": world["quote"].pk,
        "trips": world["flight"].trip_id,
        "clients": world["client"].pk,
        "aircraft": world["flight"].aircraft_id,
    }
    portal = bearer(client_a_user)
    staff_writes = sorted(
        key for key, view in api_doc.views.items() if portal_reach(view, key[0], client_a_user) is False
    )
    assert {
        ("POST", "/api/v1/flights"),
        ("PATCH", "/api/v1/flights/{id}"),
        ("POST", "/api/v1/flights/{id}/status"),
        ("POST", "/api/v1/flights/{id}/services"),
        ("POST", "/api/v1/quotes/{id}/send"),
        ("POST", "/api/v1/quotes/{id}/override"),
        ("PATCH", "/api/v1/clients/{id}"),
        ("POST", "/api/v1/trips"),
    } <= set(staff_writes)
    body = {"client_id": world["client"].pk, "status": "cancelled", "discount": "1.00"}
    for method, path in staff_writes:
        url = path.format(
            id=objects.get(path.split("/")[3], 1),
            flight_pk=world["flight"].pk,
            client_pk=world["client"].pk,
            method_id=world["method"].pk,
            service_id=1,
        )
        before = row_counts(but=("jetops.ActivityLog",))  # a refusal is logged
        response = portal.generic(method, url, data=_json(body), content_type="application/json")
        assert response.status_code in (403, 404), (method, path, response.content)
        assert row_counts(but=("jetops.ActivityLog",)) == before, (method, path)


@pytest.mark.parametrize(
    ("method", "path"), sorted(PORTAL_WRITES), ids=[f"{m} {p}" for m, p in sorted(PORTAL_WRITES)]
)
def test_portal_write_refuses_every_staff_field(api_doc, world, client_a_user, method, path):
    params, sample, happy = PORTAL_WRITES[(method, path)]
    view = api_doc.views[(method, path)]
    allowed = getattr(view, "portal_fields", {}).get(action_of(view, method), ())
    body = sample(world)
    url = path.format(**params(world))
    portal = bearer(client_a_user)
    refused = [*staff_only_paths(api_doc, api_doc.request_schema(method, path), allowed), PROBE]
    for field in refused:
        parts = field.split(".")
        sent = with_field(body if body or not isinstance(body, list) else [{}], parts, "1")
        before = row_counts()
        response = portal.generic(method, url, data=_json(sent), content_type="application/json")
        assert response.status_code == 400, (field, response.content)
        assert response.json()["errors"] == error_at(sent, parts), field
        assert row_counts() == before, field
    assert portal_field_errors(body, allowed) == {}
    if happy:
        response = portal.generic(method, url, data=_json(body), content_type="application/json")
        assert response.status_code in (200, 201, 204), response.content


def _json(body: Any) -> str:
    import json

    return json.dumps(body)


def test_allow_list_reads_dotted_paths_through_lists():
    allowed = ("client_id", "legs.departure_airport", "legs.passengers", "preferences")
    body = {
        "client_id": 1,
        "legs": [{"departure_airport": "KTEB", "passengers": 2}, {"passengers": 1, "price": "1.00"}],
        "preferences": {"anything": {"inside": True}},
        "discount": "10.00",
    }
    assert portal_field_errors(body, allowed) == {
        "legs": {"1": {"price": [PORTAL_REFUSAL]}},
        "discount": [PORTAL_REFUSAL],
    }
    assert portal_field_errors([{"seat": "1A"}, {"seat": "1B", "fare": 1}], ("seat",)) == {
        "1": {"fare": [PORTAL_REFUSAL]}
    }
    assert portal_field_errors({}, ()) == {}
    assert portal_field_errors({"x": 1}, ()) == {"x": [PORTAL_REFUSAL]}


def test_staff_record_when_a_data_request_was_received(cs_user, client_a):
    response = bearer(cs_user).post(
        f"/api/v1/clients/{client_a.pk}/data-requests",
        {"kind": "access", "received_on": "2026-01-31"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["received_on"] == "2026-01-31"
    assert response.json()["due_on"] == "2026-02-28"
