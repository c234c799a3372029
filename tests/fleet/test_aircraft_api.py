"""``/api/v1/aircraft``: CRUD, money and airport shapes, portal view, filters, query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fleet import services
from fleet.models import Aircraft, AircraftStatusChange
from tests.builders import bearer, make_aircraft, utc

pytestmark = pytest.mark.django_db

URL = "/api/v1/aircraft"

PORTAL_KEYS = {
    "id",
    "tail_number",
    "aircraft_type",
    "manufacturer",
    "model",
    "year",
    "category",
    "seating_capacity",
    "range_nautical_miles",
    "cruise_speed",
    "amenities",
    "interior_config",
    "photos",
    "status",
    "distance_nm",
}
NEVER_FOR_PORTAL = {
    "hourly_rate",
    "positioning_rate",
    "daily_minimum_hours",
    "insurance_info",
    "insurance_policy",
    "insurance_expires_on",
    "mtow",
    "mlw",
    "mzfw",
    "basic_empty_weight",
    "basic_empty_arm",
    "total_hours",
    "total_cycles",
    "maintenance_schedule",
    "documents",
    "current_location",
    "home_base",
}


def create_body(**overrides):
    body = {
        "tail_number": "n350ja",
        "aircraft_type": "cl35",
        "manufacturer": "Bombardier",
        "model": "Challenger 350",
        "year": 2019,
        "category": "super_midsize",
        "seating_capacity": 9,
        "range_nautical_miles": 3200,
        "cruise_speed": 470,
        "current_location": "kteb",
        "hourly_rate": {"amount": "7200.00", "currency": "USD"},
        "amenities": ["wifi", "full_galley"],
        "mtow": 40600,
        "mlw": 34150,
        "mzfw": 28200,
        "basic_empty_weight": 24800,
    }
    body.update(overrides)
    return body


# --- create / read / update ------------------------------------------------------------------


def test_ops_creates_aircraft_normalised_with_history_and_first_status_event(ops_user):
    # when
    response = bearer(ops_user).post(URL, create_body(), format="json")
    # then
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["tail_number"] == "N350JA"
    assert data["aircraft_type"] == "CL35"
    assert data["current_location"] == "KTEB"
    assert data["home_base"] == "KTEB"  # defaults to the current location
    assert data["hourly_rate"] == {"amount": "7200.00", "currency": "USD"}
    assert data["positioning_rate"] == {"amount": "7200.00", "currency": "USD"}
    assert data["status"] == "available"
    assert data["is_active"] is True
    aircraft = Aircraft.objects.get(pk=data["id"])
    assert [(h.history_type, h.history_user) for h in aircraft.history.all()] == [("+", ops_user)]
    event = AircraftStatusChange.objects.get(aircraft=aircraft)
    assert (event.from_status, event.to_status, event.actor) == ("", "available", ops_user)


def test_retrieve_shows_money_and_airports_as_codes(ops_user, aircraft):
    data = bearer(ops_user).get(f"{URL}/{aircraft.pk}").json()
    assert data["hourly_rate"] == {"amount": "4200.00", "currency": "USD"}
    assert data["current_location"] == "KTEB"
    assert data["routing_factor"] == "1.050"


def test_patch_changes_fields_and_records_the_user(maintenance_user, aircraft):
    response = bearer(maintenance_user).patch(
        f"{URL}/{aircraft.pk}",
        {"current_location": "KBOS", "positioning_rate": {"amount": "3000"}, "total_hours": "2311.5"},
        format="json",
    )
    assert response.status_code == 200, response.content
    aircraft.refresh_from_db()
    assert aircraft.current_location_id == "KBOS"
    assert aircraft.positioning_rate == Decimal("3000.00")
    assert aircraft.total_hours == Decimal("2311.5")
    latest = aircraft.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == maintenance_user


def test_put_replaces_the_aircraft(ops_user, aircraft):
    body = create_body(tail_number="N100JA")
    response = bearer(ops_user).put(f"{URL}/{aircraft.pk}", body, format="json")
    assert response.status_code == 200, response.content
    aircraft.refresh_from_db()
    assert aircraft.model == "Challenger 350"


def test_status_is_not_patched_but_changed_through_availability(ops_user, aircraft):
    response = bearer(ops_user).patch(f"{URL}/{aircraft.pk}", {"status": "aog"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    aircraft.refresh_from_db()
    assert aircraft.status == "available"


def test_no_delete(ops_user, aircraft):
    assert bearer(ops_user).delete(f"{URL}/{aircraft.pk}").status_code == 405
    assert Aircraft.objects.filter(pk=aircraft.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("current_location", "ZZZZ"),
        ("current_location", 42),
        ("home_base", "XXXX"),
        ("tail_number", "HELLO WORLD"),
        ("aircraft_type", "Citation"),
        ("seating_capacity", 0),
        ("hourly_rate", {"amount": "-1", "currency": "USD"}),
        ("hourly_rate", {"amount": "100", "currency": "EUR"}),
        ("hourly_rate", {"amount": "abc"}),
        ("currency", "dollars"),
        ("amenities", "wifi"),
        ("photos", ["not a url"]),
        ("interior_config", ["a", "list"]),
        ("year", 1900),
        ("min_crew", 3),
        ("routing_factor", "0.9"),
        ("unknown_field", 1),
    ],
)
def test_invalid_values_are_400_naming_the_field(ops_user, field, value):
    response = bearer(ops_user).post(URL, create_body(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert not Aircraft.objects.exists()


def test_unknown_icao_message_names_the_code(ops_user):
    response = bearer(ops_user).post(URL, create_body(current_location="zzzz"), format="json")
    assert response.json()["errors"]["current_location"] == ["Unknown airport code 'ZZZZ'."]


def test_weights_must_be_ordered(ops_user):
    response = bearer(ops_user).post(URL, create_body(mlw=50000), format="json")
    assert response.status_code == 400
    assert "MLW cannot exceed MTOW." in str(response.json())


def test_duplicate_tail_number_in_another_case_is_400(ops_user, aircraft):
    response = bearer(ops_user).post(URL, create_body(tail_number="n100ja"), format="json")
    assert response.status_code == 400
    assert "tail_number" in response.json()["errors"]
    assert Aircraft.objects.count() == 1


def test_wrong_body_types_are_400_not_500(ops_user, aircraft):
    client = bearer(ops_user)
    assert client.post(URL, ["a", "list"], format="json").status_code == 400
    assert client.patch(f"{URL}/{aircraft.pk}", {"hourly_rate": [1]}, format="json").status_code == 400
    assert client.post(f"{URL}/{aircraft.pk}/availability", ["x"], format="json").status_code == 400
    assert client.get(f"{URL}/999999").status_code == 404
    assert client.get(f"{URL}/abc").status_code == 404


# --- portal users ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["client_a_user", "crew_user"])
def test_portal_users_see_only_portal_safe_fields(persona, request, aircraft):
    user = request.getfixturevalue(persona)
    client = bearer(user)
    listed = client.get(URL).json()["results"]
    detail = client.get(f"{URL}/{aircraft.pk}").json()
    for data in (listed[0], detail):
        assert set(data) == PORTAL_KEYS
        assert not NEVER_FOR_PORTAL & set(data)


def test_portal_users_do_not_see_inactive_aircraft(client_a_user, ops_user, aircraft):
    services.aircraft_status_change(aircraft=aircraft, status="inactive", reason="Sold", actor=ops_user)
    client = bearer(client_a_user)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{aircraft.pk}").status_code == 404
    assert bearer(ops_user).get(f"{URL}/{aircraft.pk}").status_code == 200


@pytest.mark.parametrize("persona", ["client_a_user", "crew_user", "finance_user", "cs_user"])
def test_read_only_personas_cannot_create_or_edit(persona, request, aircraft):
    client = bearer(request.getfixturevalue(persona))
    before = aircraft.history.count()
    assert client.post(URL, create_body(), format="json").status_code == 403
    assert client.patch(f"{URL}/{aircraft.pk}", {"model": "Hacked"}, format="json").status_code == 403
    assert (
        client.post(f"{URL}/{aircraft.pk}/availability", {"status": "aog", "reason": "x"}).status_code == 403
    )
    aircraft.refresh_from_db()
    assert aircraft.model == "Citation CJ3+"
    assert aircraft.status == "available"
    assert aircraft.history.count() == before
    assert Aircraft.objects.count() == 1


@pytest.mark.parametrize("suffix", ["schedule", "maintenance", "documents"])
def test_portal_users_are_refused_operations_views(client_a_user, crew_user, aircraft, suffix):
    for user in (client_a_user, crew_user):
        response = bearer(user).get(f"{URL}/{aircraft.pk}/{suffix}")
        assert response.status_code == 403, (user, suffix)
        assert set(response.json()) >= {"code", "detail", "errors"}


def test_unauthenticated_is_401(anon, aircraft):
    assert anon.get(URL).status_code == 401


# --- filters --------------------------------------------------------------------------------


def test_filters_status_category_seats_and_search(ops_user):
    make_aircraft(tail_number="N1AA", category="light", seating_capacity=6)
    heavy = make_aircraft(tail_number="N2AA", category="heavy", seating_capacity=14, model="G450")
    grounded = make_aircraft(tail_number="N3AA", category="heavy", seating_capacity=12)
    services.aircraft_status_change(aircraft=grounded, status="aog", reason="Bird strike", actor=None)
    client = bearer(ops_user)

    def tails(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [a["tail_number"] for a in response.json()["results"]]

    assert tails("category=heavy") == ["N2AA", "N3AA"]
    assert tails("status=aog") == ["N3AA"]
    assert tails("status=available&status=aog&min_seats=12") == ["N2AA", "N3AA"]
    assert tails("search=g450") == [heavy.tail_number]
    assert tails("ordering=-seating_capacity") == ["N2AA", "N3AA", "N1AA"]


@pytest.mark.parametrize(
    "query",
    [
        "available_from=2030-01-01T00:00:00Z",
        "available_to=2030-01-01T00:00:00Z",
        "available_from=2030-01-02T00:00:00Z&available_to=2030-01-01T00:00:00Z",
        "available_from=tomorrow&available_to=2030-01-01T00:00:00Z",
        "available_from=2030-01-01T00:00:00Z&available_to=2032-01-01T00:00:00Z",
        "near=ZZZZ",
        "near=KTEB&radius_nm=-5",
        "near=KTEB&radius_nm=far",
        "radius_nm=100",
        "status=flying",
        "min_seats=many",
        "page=99",
    ],
)
def test_bad_filters_are_400_or_404_never_500(ops_user, aircraft, query):
    response = bearer(ops_user).get(f"{URL}?{query}")
    assert response.status_code in (400, 404), response.content
    assert set(response.json()) >= {"code", "detail"}


def test_missing_available_to_names_it(ops_user, aircraft):
    response = bearer(ops_user).get(f"{URL}?available_from=2030-01-01T00:00:00Z")
    assert response.status_code == 400
    assert "available_to" in response.json()["errors"]


def test_availability_window_excludes_blacked_out_grounded_and_keeps_free(ops_user):
    free = make_aircraft(tail_number="N1AA")
    blacked = make_aircraft(tail_number="N2AA")
    grounded = make_aircraft(tail_number="N3AA")
    before = make_aircraft(tail_number="N4AA")
    services.blackout_add(
        aircraft=blacked, start=utc(2030, 1, 5, 10), end=utc(2030, 1, 5, 12), kind="owner_use", actor=None
    )
    # ends exactly when the window starts: half-open intervals do not overlap
    services.blackout_add(
        aircraft=before, start=utc(2029, 12, 31), end=utc(2030, 1, 1), kind="maintenance", actor=None
    )
    services.aircraft_status_change(aircraft=grounded, status="aog", reason="Hydraulic leak", actor=None)

    response = bearer(ops_user).get(
        f"{URL}?available_from=2030-01-01T00:00:00Z&available_to=2030-01-10T00:00:00Z"
    )

    assert response.status_code == 200, response.content
    assert [a["tail_number"] for a in response.json()["results"]] == [free.tail_number, before.tail_number]


def test_near_orders_by_distance_within_radius(ops_user):
    make_aircraft(tail_number="N1AA", current_location="KBOS")  # ~ 170 NM from Teterboro
    make_aircraft(tail_number="N2AA", current_location="KHPN")  # ~ 20 NM
    make_aircraft(tail_number="N3AA", current_location="KLAX")  # ~ 2,100 NM
    make_aircraft(tail_number="N4AA", current_location="KTEB")

    response = bearer(ops_user).get(f"{URL}?near=kteb&radius_nm=300")

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [a["tail_number"] for a in results] == ["N4AA", "N2AA", "N1AA"]
    assert results[0]["distance_nm"] == 0.0
    assert 15 < results[1]["distance_nm"] < 30
    assert 150 < results[2]["distance_nm"] < 200


def test_near_default_radius_is_500_nm_and_explicit_ordering_wins(ops_user):
    make_aircraft(tail_number="N1AA", current_location="KBOS", seating_capacity=9)
    make_aircraft(tail_number="N2AA", current_location="KHPN", seating_capacity=7)
    make_aircraft(tail_number="N3AA", current_location="KLAX")
    client = bearer(ops_user)
    assert [a["tail_number"] for a in client.get(f"{URL}?near=KTEB").json()["results"]] == ["N2AA", "N1AA"]
    ordered = client.get(f"{URL}?near=KTEB&ordering=-seating_capacity").json()["results"]
    assert [a["tail_number"] for a in ordered] == ["N1AA", "N2AA"]


def test_near_and_availability_combine_for_portal_users(client_a_user):
    make_aircraft(tail_number="N1AA", current_location="KHPN")
    busy = make_aircraft(tail_number="N2AA", current_location="KTEB")
    services.blackout_add(
        aircraft=busy, start=utc(2030, 1, 1), end=utc(2030, 1, 2), kind="owner_use", actor=None
    )
    response = bearer(client_a_user).get(
        f"{URL}?near=KTEB&available_from=2030-01-01T06:00:00Z&available_to=2030-01-01T09:00:00Z"
    )
    assert [a["tail_number"] for a in response.json()["results"]] == ["N1AA"]
    assert set(response.json()["results"][0]) == PORTAL_KEYS


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("persona", ["ops_user", "client_a_user"])
def test_list_query_count_is_constant(persona, size, request, django_assert_max_num_queries):
    user = request.getfixturevalue(persona)
    for _ in range(size):
        make_aircraft()
    client = bearer(user)
    with django_assert_max_num_queries(5):  # user, role permissions, count, page
        response = client.get(f"{URL}?page_size=100")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [5, 50])
def test_filtered_list_query_count_is_constant(size, ops_user, django_assert_max_num_queries):
    for index in range(size):
        make_aircraft(current_location=["KTEB", "KHPN", "KBOS"][index % 3])
    client = bearer(ops_user)
    with django_assert_max_num_queries(7):  # + airport, bounding-box candidates
        response = client.get(
            f"{URL}?page_size=100&near=KTEB&available_from=2030-01-01T00:00:00Z&available_to=2030-01-02T00:00:00Z"
        )
    assert response.json()["count"] == size


def test_history_on_update_names_the_acting_user_through_services(ops_user, aircraft):
    services.aircraft_update(aircraft=aircraft, actor=ops_user, hourly_rate=Decimal("4300"))
    assert aircraft.history.first().history_user == ops_user
    assert aircraft.history.first().hourly_rate == Decimal("4300.00")


def test_timestamps_are_iso_with_offset(ops_user, aircraft):
    data = bearer(ops_user).get(f"{URL}/{aircraft.pk}").json()
    parsed = timezone.datetime.fromisoformat(data["created_at"])
    assert parsed.utcoffset() == timedelta(0)


def test_openapi_schema_documents_the_fleet(ops_user):
    response = bearer(ops_user).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("", "/{id}", "/{id}/availability", "/{id}/schedule", "/{id}/maintenance", "/{id}/documents"):
        assert f"/api/v1/aircraft{path}" in paths
    assert "delete" not in paths["/api/v1/aircraft/{id}"]
