"""The flights admin: staff quote an itinerary on the add page (through ``quote_create``)."""

from __future__ import annotations

import pytest

from flights.models import Quote
from tests.flights.conftest import future
from tests.jetops.test_admin import admin_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(client, ops_user):
    return admin_login(client, ops_user)


def leg(n: int, origin: str, destination: str, days: int) -> dict[str, str]:
    at = future(days, 14)
    return {
        f"leg{n}_from": origin,
        f"leg{n}_to": destination,
        f"leg{n}_departure_0": at.date().isoformat(),
        f"leg{n}_departure_1": at.strftime("%H:%M:%S"),
        f"leg{n}_passengers": "3",
    }


def test_add_page_shows_the_itinerary_form(ops_client, profile):
    response = ops_client.get("/admin/flights/quote/add/")
    assert response.status_code == 200
    assert b'name="leg1_from"' in response.content
    assert b'name="client"' in response.content


def test_staff_quote_a_round_trip_in_the_admin(ops_client, ops_user, client_a, jet):
    body = {
        "client": client_a.pk,
        "category": "",
        "notes": "Round trip",
        **leg(1, "kteb", "KPBI", 10),
        **leg(2, "KPBI", "KTEB", 12),
    }
    response = ops_client.post("/admin/flights/quote/add/", body)
    assert response.status_code == 302, response.content.decode()[-3000:]
    quote = Quote.objects.get()
    assert quote.client == client_a
    assert quote.created_by == ops_user
    assert quote.notes == "Round trip"
    assert [leg["departure_airport"] for leg in quote.legs] == ["KTEB", "KDJT"]
    option = quote.options.get()
    assert sum(line.amount for line in option.lines.all()) == option.total
    assert ops_client.get(f"/admin/flights/quote/{quote.pk}/change/").status_code == 200


def test_bad_itinerary_is_shown_on_the_form_and_nothing_is_stored(ops_client, client_a, jet):
    body = {"client": client_a.pk, **leg(1, "KTEB", "XXXX", 10), "leg2_from": "KPBI"}
    response = ops_client.post("/admin/flights/quote/add/", body)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Quote.objects.exists()
