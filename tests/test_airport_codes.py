"""Every field and filter that takes an airport resolves codes the same way
(``AirportQuerySet.resolve``) and answers the canonical ICAO code: lower case, IATA, K + IATA,
a former ICAO code; an unknown code is a 400 naming the field (a form error in the admin)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory

from crew.models import CrewMember
from finance.admin import AirportFeeInline
from finance.models import AirportFee, PricingProfile
from fleet.admin import AirportAdmin
from fleet.models import Aircraft, Airport
from flights.models import Flight, Quote
from flights.services.booking import flight_create
from flights.services.quotes import quote_create
from flights.services.status import flight_status_change
from jetops.writes import save_validated
from tests.builders import admin_login, bearer, future, make_aircraft, make_crew
from tests.crew.test_admin import member_form
from tests.crew.test_api import crew_body
from tests.fleet.test_aircraft_api import create_body
from tests.fleet.test_fleet_admin import _form as aircraft_form
from tests.flights.test_occupancy import flight_body, quote_body

pytestmark = pytest.mark.django_db

# (typed, canonical): what a person may type, and the ICAO code stored and answered.
CODES = [
    pytest.param("kbos", "KBOS", id="lower-case"),
    pytest.param("PBI", "KDJT", id="iata"),
    pytest.param("hpn", "KHPN", id="iata-lower-case"),
    pytest.param("KLTW", "K2W6", id="k-plus-iata"),
    pytest.param("KPBI", "KDJT", id="former-icao"),
]
UNKNOWN = "QQQQ"
UNKNOWN_MESSAGE = "Unknown airport code 'QQQQ'."


def errors(response) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body["errors"]


# ---------------------------------------------------------------- the one function


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_resolve(typed, canonical):
    assert Airport.objects.resolve(typed).icao == canonical
    assert Airport.objects.resolve(f"  {typed} ").icao == canonical


@pytest.mark.parametrize("typed", ["", None, UNKNOWN, "KQQQ", "TOOLONG", 42])
def test_resolve_unknown(typed):
    assert Airport.objects.resolve(typed) is None


# ---------------------------------------------------------------- the model field


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_model_validation_stores_the_canonical_code(typed, canonical):
    aircraft = make_aircraft()
    aircraft.current_location_id = typed
    save_validated(aircraft, None)
    aircraft.refresh_from_db()
    assert aircraft.current_location_id == canonical


def test_model_validation_names_the_field():
    aircraft = make_aircraft()
    aircraft.home_base_id = UNKNOWN
    with pytest.raises(Exception) as info:  # noqa: PT011  (Django's ValidationError)
        save_validated(aircraft, None)
    assert info.value.message_dict == {"home_base": [UNKNOWN_MESSAGE]}  # type: ignore[attr-defined]
    assert Aircraft.objects.get().home_base_id == "KTEB"


# ---------------------------------------------------------------- aircraft API


@pytest.mark.parametrize("field", ["current_location", "home_base"])
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_aircraft_create_and_patch_take_any_code(ops_user, field, typed, canonical):
    api = bearer(ops_user)
    response = api.post("/api/v1/aircraft", create_body(**{field: typed}), format="json")
    assert response.status_code == 201, response.content
    assert response.json()[field] == canonical
    aircraft = make_aircraft()
    response = api.patch(f"/api/v1/aircraft/{aircraft.pk}", {field: typed}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()[field] == canonical
    aircraft.refresh_from_db()
    assert getattr(aircraft, f"{field}_id") == canonical


@pytest.mark.parametrize("field", ["current_location", "home_base"])
def test_aircraft_unknown_code_is_400_naming_the_field(ops_user, field):
    aircraft = make_aircraft()
    response = bearer(ops_user).patch(f"/api/v1/aircraft/{aircraft.pk}", {field: UNKNOWN}, format="json")
    assert errors(response) == {field: [UNKNOWN_MESSAGE]}
    aircraft.refresh_from_db()
    assert getattr(aircraft, f"{field}_id") == "KTEB"


@pytest.mark.parametrize("name", ["current_location", "home_base", "near"])
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_aircraft_filters_take_any_code(ops_user, name, typed, canonical):
    there = make_aircraft(current_location=canonical)
    make_aircraft(current_location="KLAX")
    radius = "&radius_nm=20" if name == "near" else ""
    response = bearer(ops_user).get(f"/api/v1/aircraft?{name}={typed}{radius}")
    assert response.status_code == 200, response.content
    assert [a["tail_number"] for a in response.json()["results"]] == [there.tail_number]


@pytest.mark.parametrize("name", ["current_location", "home_base", "near"])
def test_aircraft_filter_unknown_code_is_400_naming_it(ops_user, name):
    response = bearer(ops_user).get(f"/api/v1/aircraft?{name}={UNKNOWN}")
    assert errors(response) == {name: [UNKNOWN_MESSAGE]}


# ---------------------------------------------------------------- crew API


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_crew_home_base_takes_any_code(ops_user, typed, canonical):
    api = bearer(ops_user)
    response = api.post("/api/v1/crew", crew_body(home_base=typed), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["home_base"] == canonical
    member = make_crew("E200")
    response = api.patch(f"/api/v1/crew/{member.pk}", {"home_base": typed}, format="json")
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.home_base_id == canonical
    listed = api.get(f"/api/v1/crew?base={typed}").json()["results"]
    assert sorted(m["employee_id"] for m in listed) == ["E100", "E200"]


def test_crew_unknown_home_base_is_400_naming_it(ops_user):
    api = bearer(ops_user)
    assert errors(api.post("/api/v1/crew", crew_body(home_base=UNKNOWN), format="json")) == {
        "home_base": [UNKNOWN_MESSAGE]
    }
    assert not CrewMember.objects.exists()
    assert errors(api.get(f"/api/v1/crew?base={UNKNOWN}")) == {"base": [UNKNOWN_MESSAGE]}


# ---------------------------------------------------------------- flights, trips and quotes API


def leg_body(client_id: int, aircraft_id: int, dep: str, arr: str) -> dict[str, Any]:
    return flight_body(client_id, aircraft_id, dep, arr, future(10, 14), future(10, 17))


@pytest.mark.usefixtures("profile")
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_flight_legs_take_any_code(ops_user, client_a, typed, canonical):
    jet = make_aircraft(current_location=canonical)
    api = bearer(ops_user)
    response = api.post("/api/v1/flights", leg_body(client_a.pk, jet.pk, typed, "kteb"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["departure"]["airport"], body["arrival"]["airport"]) == (canonical, "KTEB")
    flight = Flight.objects.get()
    assert flight.departure_airport_id == canonical
    assert [f["id"] for f in api.get(f"/api/v1/flights?airport={typed}").json()["results"]] == [flight.pk]
    change = {"arrival": {"airport": typed.lower(), "datetime": future(10, 17).isoformat()}}
    change["departure"] = {"airport": "kteb", "datetime": future(10, 14).isoformat()}
    jet.current_location = Airport.objects.get(icao="KTEB")
    jet.save()
    response = api.put(f"/api/v1/flights/{flight.pk}", change, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["arrival"]["airport"] == canonical


@pytest.mark.usefixtures("profile")
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_diversion_takes_any_code(ops_user, client_a, typed, canonical):
    jet = make_aircraft(current_location="KTEB")
    flight = flight_create(
        client=client_a,
        aircraft=jet,
        departure_airport=Airport.objects.get(icao="KTEB"),
        arrival_airport=Airport.objects.get(icao="KORD"),
        departure_at=future(1, 14),
        actor=None,
    )
    body = {"status": "diverted", "at": future(1, 16).isoformat(), "diverted_to": UNKNOWN}
    url = f"/api/v1/flights/{flight.pk}/status"
    with time_machine.travel(future(1, 16), tick=False):  # the diversion has happened
        flight_status_change(flight=flight, status="departed", at=flight.departure_at, actor=None)
        assert errors(bearer(ops_user).post(url, body, format="json")) == {"diverted_to": [UNKNOWN_MESSAGE]}
        response = bearer(ops_user).post(url, {**body, "diverted_to": typed}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["diverted_to"] == canonical


@pytest.mark.usefixtures("profile")
def test_flight_unknown_code_is_400_naming_the_field(ops_user, client_a):
    jet = make_aircraft()
    api = bearer(ops_user)
    response = api.post("/api/v1/flights", leg_body(client_a.pk, jet.pk, "KTEB", UNKNOWN), format="json")
    assert errors(response) == {"arrival": {"airport": [UNKNOWN_MESSAGE]}}
    trip = {"client_id": client_a.pk, "aircraft_id": jet.pk, "legs": [leg_body(0, 0, UNKNOWN, "KTEB")]}
    for leg in trip["legs"]:
        del leg["client_id"], leg["aircraft_id"]
    response = api.post("/api/v1/trips", trip, format="json")
    assert errors(response) == {"legs": {"0": {"departure": {"airport": [UNKNOWN_MESSAGE]}}}}
    assert errors(api.get(f"/api/v1/flights?airport={UNKNOWN}")) == {"airport": [UNKNOWN_MESSAGE]}
    assert not Flight.objects.exists()


@pytest.mark.usefixtures("profile")
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_trip_legs_take_any_code(ops_user, client_a, typed, canonical):
    jet = make_aircraft(current_location="KTEB")
    leg = leg_body(0, 0, "kteb", typed)
    del leg["client_id"], leg["aircraft_id"]
    response = bearer(ops_user).post(
        "/api/v1/trips", {"client_id": client_a.pk, "aircraft_id": jet.pk, "legs": [leg]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["flights"][0]["arrival"]["airport"] == canonical


@pytest.mark.usefixtures("profile")
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_quote_legs_take_any_code(cs_user, client_a, typed, canonical):
    make_aircraft(current_location="KTEB")
    body = quote_body(client_a.pk, "teb", typed, future(10, 14))
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201, response.content
    legs = response.json()["legs"]
    assert (legs[0]["departure_airport"], legs[0]["arrival_airport"]) == ("KTEB", canonical)


@pytest.mark.usefixtures("profile")
def test_quote_unknown_code_is_400_naming_the_leg_field(cs_user, client_a):
    body = quote_body(client_a.pk, "KTEB", UNKNOWN, future(10, 14))
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert errors(response) == {"legs": {"0": {"arrival_airport": [UNKNOWN_MESSAGE]}}}
    assert not Quote.objects.exists()


@pytest.mark.usefixtures("profile")
def test_quote_service_resolves_codes_too(client_a):
    make_aircraft(current_location="KTEB")
    legs = [{"departure_airport": "kteb", "arrival_airport": "KPBI", "departure_datetime": future(10, 14)}]
    legs[0]["passengers"] = 2
    quote, _ = quote_create(client=client_a, legs=legs, actor=None)
    assert quote.legs[0]["arrival_airport"] == "KDJT"


# ---------------------------------------------------------------- admin


@pytest.fixture
def admin_client(client, admin_user):
    return admin_login(client, admin_user)


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_admin_aircraft_form_takes_any_code(admin_client, typed, canonical):
    response = admin_client.post("/admin/fleet/aircraft/add/", aircraft_form(current_location=typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Aircraft.objects.get().current_location_id == canonical


def test_admin_aircraft_form_unknown_code_is_a_form_error(admin_client):
    response = admin_client.post("/admin/fleet/aircraft/add/", aircraft_form(home_base=UNKNOWN))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"home_base": [UNKNOWN_MESSAGE]}
    assert not Aircraft.objects.exists()


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_admin_crew_member_form_takes_any_code(admin_client, typed, canonical):
    response = admin_client.post("/admin/crew/crewmember/add/", member_form(home_base=typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CrewMember.objects.get().home_base_id == canonical


def test_admin_crew_member_form_unknown_code_is_a_form_error(admin_client):
    response = admin_client.post("/admin/crew/crewmember/add/", member_form(home_base=UNKNOWN))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"home_base": [UNKNOWN_MESSAGE]}
    assert not CrewMember.objects.exists()


def profile_form(**overrides: str) -> dict[str, str]:
    """The pricing profile add page as posted with the model's defaults, then ``overrides``."""
    defaults = PricingProfile()
    data: dict[str, str] = {"name": "Airport codes"}  # beside the shipped "Standard"
    for field in PricingProfile._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name in ("name", "created_at", "updated_at"):
            continue
        value = getattr(defaults, field.attname)
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
        elif isinstance(value, list | dict):
            data[field.name] = json.dumps(value)
        else:
            data[field.name] = str(value)
    for prefix in ("airport_fees", "permit_fees"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


def fee_row(airport: str) -> dict[str, str]:
    return {
        "airport_fees-TOTAL_FORMS": "1",
        "airport_fees-0-airport": airport,
        "airport_fees-0-landing": "900",
        "airport_fees-0-handling": "500",
        "airport_fees-0-per_passenger": "30",
    }


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_admin_airport_fee_takes_any_code(admin_client, typed, canonical):
    response = admin_client.post("/admin/finance/pricingprofile/add/", profile_form(**fee_row(typed)))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AirportFee.objects.get().airport_id == canonical


def test_admin_airport_fee_unknown_code_is_a_form_error(admin_client):
    profiles = list(PricingProfile.objects.all())
    response = admin_client.post("/admin/finance/pricingprofile/add/", profile_form(**fee_row(UNKNOWN)))
    assert response.status_code == 200
    (formset,) = [
        f for f in response.context["inline_admin_formsets"] if f.opts.__class__ is AirportFeeInline
    ]
    assert formset.formset.errors == [{"airport": [UNKNOWN_MESSAGE]}]
    assert list(PricingProfile.objects.all()) == profiles


@pytest.mark.usefixtures("profile")
@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_admin_quote_form_takes_any_code(admin_client, client_a, typed, canonical):
    make_aircraft(current_location="KTEB")
    departure = future(10, 14)
    data = {
        "client": str(client_a.pk),
        "category": "",
        "notes": "",
        "leg1_from": "teb",
        "leg1_to": typed,
        "leg1_departure_0": departure.date().isoformat(),
        "leg1_departure_1": departure.time().isoformat(),
        "leg1_passengers": "2",
    }
    response = admin_client.post("/admin/flights/quote/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Quote.objects.get().legs[0]["arrival_airport"] == canonical
    data["leg1_to"] = UNKNOWN
    response = admin_client.post("/admin/flights/quote/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["leg1_to"] == [UNKNOWN_MESSAGE]
    assert Quote.objects.count() == 1


@pytest.mark.parametrize(("typed", "canonical"), CODES)
def test_admin_airport_autocomplete_finds_the_airport_a_code_means(admin_user, typed, canonical):
    request = RequestFactory().get("/")
    request.user = admin_user
    found, _ = AirportAdmin(Airport, admin.site).get_search_results(request, Airport.objects.all(), typed)
    assert canonical in set(found.values_list("icao", flat=True))
