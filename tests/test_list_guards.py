"""Query-count guards for the lists not covered next to their app's other tests: each list
answers in the same number of queries for a few rows and for many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from clients import services as client_services
from crew import services as crew_services
from jetops.activity import activity_record
from jetops.models import ActivityAction, ActivityOutcome
from tests.builders import PASSWORD, bearer, book, future, make_aircraft, make_crew, make_user

pytestmark = pytest.mark.django_db


def users(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        make_user(f"guard-{i}", 0x200)
    return "/api/v1/users"


def activity(n: int, ctx: dict[str, Any]) -> str:
    for _ in range(n):
        activity_record(action=ActivityAction.LOGIN, outcome=ActivityOutcome.FAILURE, username="someone")
    return "/api/v1/activity"


def bookings(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        book(ctx["client"], make_aircraft(), at=future(10 + i, 14))
    return f"/api/v1/clients/{ctx['client'].pk}/bookings"


def payment_methods(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        client_services.payment_method_add(
            client=ctx["client"],
            actor=None,
            provider="stripe",
            token=f"tok_{i}",
            last4="4242",
            exp_month=1,
            exp_year=2035,
        )
    return f"/api/v1/clients/{ctx['client'].pk}/payment-methods"


def data_requests(n: int, ctx: dict[str, Any]) -> str:
    for _ in range(n):
        client_services.data_request_create(client=ctx["client"], kind="access", actor=None)
    return f"/api/v1/clients/{ctx['client'].pk}/data-requests"


def portal_users(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        client_services.portal_user_create(
            client=ctx["corporate"],
            username=f"portal-{i}",
            email=f"p{i}@b.example",
            password=PASSWORD,
            actor=None,
        )
    return f"/api/v1/clients/{ctx['corporate'].pk}/users"


def crew_assignments(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        member = make_crew(f"G{i}")
        crew_services.crew_assign(
            flight=book(ctx["client"], make_aircraft()), member=member, role="PIC", actor=None
        )
    return "/api/v1/crew/assignments?to=" + (future(40)).isoformat().replace("+", "%2B")


def crew_availability(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        crew_services.availability_add(
            member=make_crew(f"V{i}"),
            kind="vacation",
            start=future(3),
            end=future(3) + timedelta(days=2),
            actor=None,
        )
    return "/api/v1/crew/availability"


def flight_crew(n: int, ctx: dict[str, Any]) -> str:
    flight = book(ctx["client"], make_aircraft(seating_capacity=19))
    for i in range(n):
        crew_services.crew_assign(
            flight=flight,
            member=make_crew(f"F{i}", position="flight_attendant", recent_landings=None),
            role="FA",
            actor=None,
        )
    return f"/api/v1/flights/{flight.pk}/crew"


LISTS: list[tuple[Callable[[int, dict[str, Any]], str], int]] = [
    (users, 8),
    (activity, 8),
    (bookings, 10),
    (payment_methods, 8),
    (data_requests, 8),
    (portal_users, 8),
    (crew_assignments, 14),
    (crew_availability, 8),
    (flight_crew, 8),
]


@pytest.mark.parametrize("count", [2, 7])
@pytest.mark.parametrize(("build", "limit"), LISTS, ids=[b.__name__ for b, _ in LISTS])
@pytest.mark.usefixtures("profile")
def test_list_query_count(admin_user, client_a, client_b, django_assert_max_num_queries, build, limit, count):
    url = build(count, {"client": client_a, "corporate": client_b})
    api = bearer(admin_user)
    with django_assert_max_num_queries(limit):
        response = api.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    assert len(rows) >= count
