"""Query-count guards on the flights app's lists, at two sizes."""

from __future__ import annotations

from typing import Any

import pytest

from clients import services as client_services
from fleet.models import Airport
from flights.services.booking import flight_create
from flights.services.extras import concierge_request_create
from flights.services.quotes import quote_create
from tests.builders import bearer, future, make_aircraft

pytestmark = pytest.mark.django_db


def _trips(client: Any, count: int) -> None:
    for _ in range(count):
        flight = flight_create(
            client=client,
            aircraft=make_aircraft(),
            departure_airport=Airport.objects.get(icao="KTEB"),
            arrival_airport=Airport.objects.get(icao="KMIA"),
            departure_at=future(10, 14),
            actor=None,
        )
        concierge_request_create(trip=flight.trip, subject="Car at arrival", detail="", actor=None)


@pytest.mark.parametrize("count", [2, 10])
@pytest.mark.parametrize(
    ("url", "limit"),
    [("/api/v1/trips", 10), ("/api/v1/concierge", 8), ("/api/v1/flights", 10)],
)
def test_list_query_counts(ops_user, client_a, profile, django_assert_max_num_queries, count, url, limit):
    _trips(client_a, count)
    api = bearer(ops_user)
    with django_assert_max_num_queries(limit):
        response = api.get(f"{url}?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 6])
def test_quote_list_query_count(cs_user, client_a, profile, django_assert_max_num_queries, count):
    for _ in range(3):
        make_aircraft(mtow=6000)  # exempt from the excise taxes: each option has a warning
    legs = [
        {
            "departure_airport": "KTEB",
            "arrival_airport": "KMIA",
            "departure_datetime": future(9),
            "passengers": 2,
        }
    ]
    for _ in range(count):
        quote_create(client=client_a, legs=legs, actor=None)
    with django_assert_max_num_queries(10):
        response = bearer(cs_user).get("/api/v1/quotes?page_size=50")
    assert response.json()["count"] == count
    # Every option answers its stored warning, with no query per option.
    options = [option for quote in response.json()["results"] for option in quote["candidates"]]
    assert len(options) == 3 * count
    assert all(option["warnings"] for option in options)


@pytest.mark.parametrize("count", [1, 12])
def test_passenger_list_query_count(cs_user, client_a, django_assert_max_num_queries, count):
    for i in range(count):
        client_services.passenger_create(client=client_a, actor=None, first_name=f"P{i}", last_name="X")
    with django_assert_max_num_queries(10):
        response = bearer(cs_user).get(f"/api/v1/clients/{client_a.pk}/passengers?page_size=50")
    assert response.json()["count"] == count


def test_flights_count_is_bounded_then_estimated(ops_user, client_a, profile, monkeypatch):
    """The flights list counts at most EXACT_COUNT_LIMIT rows; past it the count is the
    database's estimate (exact on SQLite, which has none) and ``next`` still ends the list
    where the rows end (docs/architecture.md#pagination)."""
    from django.db import connection

    from jetops.api import pagination

    _trips(client_a, 5)
    api = bearer(ops_user)
    exact = api.get("/api/v1/flights?page_size=2").json()
    assert (exact["count"], exact["count_is_exact"]) == (5, True)

    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 3)
    pages = [api.get(f"/api/v1/flights?page_size=2&page={n}").json() for n in (1, 2, 3)]
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert [p["next"] is not None for p in pages] == [True, True, False]
    assert pages[0]["count_is_exact"] is (connection.vendor != "postgresql")
    assert pages[0]["count"] >= 4
    assert api.get("/api/v1/flights?page_size=2&page=4").status_code == 404
