"""The flights admin: staff quote an itinerary on the add page (through ``quote_create``); the
concierge queue and special services are written by their services."""

from __future__ import annotations

import re

import pytest

from clients import services as client_services
from fleet.models import Airport
from flights.models import ConciergeRequest, Flight, Quote
from flights.services.booking import flight_create
from flights.services.quotes import quote_create
from tests.admin_forms import shown
from tests.builders import admin_login, book, future

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


def test_concierge_request_done_in_the_admin_records_when(ops_client, ops_user, client_a, jet):
    trip = book(client_a, jet).trip
    added = ops_client.post(
        "/admin/flights/conciergerequest/add/",
        {"trip": trip.pk, "subject": "Flowers on arrival", "detail": "White lilies"},
    )
    request = ConciergeRequest.objects.get()
    assert added.status_code == 302
    assert (request.raised_by, request.status, request.resolved_at) == (ops_user, "open", None)

    done = ops_client.post(
        f"/admin/flights/conciergerequest/{request.pk}/change/", {"status": "done", "assignee": ops_user.pk}
    )

    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.assignee) == ("done", ops_user)
    assert request.resolved_at is not None
    assert request.history.latest().history_user == ops_user


def test_special_service_rows_are_written_by_the_service(ops_client, client_a, jet):
    client_services.client_preferences_update(
        client=client_a, preferences={"dietary_restrictions": ["vegan"]}, actor=None
    )
    flight = book(client_a, jet)
    page = shown(ops_client.get(f"/admin/flights/flight/{flight.pk}/change/"))

    response = ops_client.post(
        f"/admin/flights/flight/{flight.pk}/change/",
        {
            **page,
            "special_services-TOTAL_FORMS": "1",
            "special_services-0-kind": "catering",
            "special_services-0-status": "requested",
            "special_services-0-cost": "120.00",
            "special_services-0-currency": "USD",
            "special_services-0-flight": str(flight.pk),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    service = flight.special_services.get()
    assert service.description == "Dietary: vegan"  # what special_service_save adds for catering


def test_client_services_cannot_cancel_trips_in_the_admin(client, cs_user, client_a, jet):
    flight = flight_create(
        client=client_a,
        aircraft=jet,
        departure_airport=Airport.objects.get(icao="KTEB"),
        arrival_airport=Airport.objects.get(icao="KDJT"),
        departure_at=future(10, 14),
        actor=None,
    )
    cs_client = admin_login(client, cs_user)
    changelist = cs_client.get("/admin/flights/trip/")
    assert changelist.status_code == 200
    assert b"cancel_trips" not in changelist.content
    response = cs_client.post(
        "/admin/flights/trip/", {"action": "cancel_trips", "_selected_action": [flight.trip_id]}, follow=True
    )
    assert response.status_code == 200
    assert Flight.objects.get().status == "scheduled"


def test_operations_cancel_trips_in_the_admin(client, ops_user, client_a, jet):
    flight = flight_create(
        client=client_a,
        aircraft=jet,
        departure_airport=Airport.objects.get(icao="KTEB"),
        arrival_airport=Airport.objects.get(icao="KDJT"),
        departure_at=future(10, 14),
        actor=None,
    )
    ops_client = admin_login(client, ops_user)
    ops_client.post("/admin/flights/trip/", {"action": "cancel_trips", "_selected_action": [flight.trip_id]})
    assert Flight.objects.get().status == "cancelled"


def test_quote_and_option_pages_show_the_pricing_warnings(ops_client, client_a, jet):
    """No facilities-tax amount on file: the warning is on the quote page (each option's row)
    and on the option's page, read-only."""
    jet.mtow = 13870
    jet.save()
    legs = [
        {
            "departure_airport": "KTEB",
            "arrival_airport": "MYNN",
            "departure_datetime": future(10, 14),
            "passengers": 2,
        }
    ]
    quote, _left_out = quote_create(client=client_a, legs=legs, actor=None)
    option = quote.options.get()
    [warning] = option.warnings
    assert warning.startswith("no international facilities tax entered for ")
    pages = (f"/admin/flights/quote/{quote.pk}/change/", f"/admin/flights/quoteoption/{option.pk}/change/")
    for url in pages:
        page = ops_client.get(url).content.decode()
        assert warning in page, url
        assert not [name for name in re.findall(r'name="([^"]+)"', page) if name.endswith("warnings")]


DEEP_JSON = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.mark.parametrize(
    ("role", "page", "field"),
    [
        ("ops", "flights/flight", "billing_info"),
        ("ops", "fleet/aircraft", "interior_config"),
        ("services", "clients/client", "emergency_contacts"),
    ],
)
def test_deeply_nested_json_in_an_admin_form_is_a_form_error(
    client, ops_user, cs_user, client_a, jet, role, page, field
):
    flight = book(client_a, jet)
    row = {"flights/flight": flight, "fleet/aircraft": jet, "clients/client": client_a}[page]
    browser = admin_login(client, ops_user if role == "ops" else cs_user)
    url = f"/admin/{page}/{row.pk}/change/"
    before = type(row).objects.get(pk=row.pk)

    response = browser.post(url, {**shown(browser.get(url)), field: DEEP_JSON})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == ["This JSON is nested deeper than 64 levels."]
    after = type(row).objects.get(pk=row.pk)
    assert getattr(after, field) == getattr(before, field)
    assert after.history.count() == before.history.count()


@pytest.mark.parametrize("role", ["services", "ops", "admin"])
@pytest.mark.parametrize("page", ["flights/flight", "flights/trip", "clients/client"])
def test_staff_cannot_delete_bookings_or_clients_in_the_admin(
    client, cs_user, ops_user, admin_user, client_a, jet, role, page
):
    flight = book(client_a, jet)
    row = {"flights/flight": flight, "flights/trip": flight.trip, "clients/client": client_a}[page]
    browser = admin_login(client, {"services": cs_user, "ops": ops_user, "admin": admin_user}[role])
    url = f"/admin/{page}/{row.pk}/delete/"
    if role == "admin" and page == "clients/client":
        # The Super Admin may: the client's bookings protect it, and the page says so.
        response = browser.post(url, {"post": "yes"})
        assert response.status_code == 200
        assert b"<title>Cannot delete client" in response.content
    else:
        assert browser.get(url).status_code == 403
        assert browser.post(url, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
    assert Flight.objects.filter(pk=flight.pk).exists()
