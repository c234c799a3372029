"""The fleet admin: pages load, writes go through the services (history with the user)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fleet import services
from fleet.models import Aircraft, AircraftDocument, AircraftStatusChange, Blackout
from tests.builders import PASSWORD, aircraft_data, enrol_totp, make_aircraft, totp_now, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client, admin_user) -> Client:
    device = enrol_totp(admin_user)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": admin_user.username,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": totp_now(device),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return client


@pytest.fixture
def fleet(db):
    aircraft = make_aircraft(tail_number="N100JA")
    services.document_add(
        aircraft=aircraft,
        actor=None,
        kind="insurance",
        number="P-1",
        expires_on=timezone.localdate() + timedelta(5),
    )
    services.blackout_add(
        aircraft=aircraft,
        start=timezone.now() + timedelta(days=1),
        end=timezone.now() + timedelta(days=2),
        kind="maintenance",
        actor=None,
    )
    return aircraft


@pytest.mark.parametrize(
    "path",
    [
        "/admin/fleet/aircraft/",
        "/admin/fleet/aircraft/add/",
        "/admin/fleet/aircraft/{pk}/change/",
        "/admin/fleet/aircraft/{pk}/history/",
        "/admin/fleet/aircraft/?status__exact=available&category__exact=light",
        "/admin/fleet/aircraft/?q=n100",
        "/admin/fleet/airport/",
        "/admin/fleet/airport/?q=teterboro",
        "/admin/fleet/airport/KTEB/change/",
        "/admin/fleet/airport/KTEB/history/",
        "/admin/fleet/blackout/",
        "/admin/fleet/blackout/add/",
        "/admin/fleet/aircraftdocument/",
        "/admin/fleet/aircraftdocument/?expiry=60",
        "/admin/fleet/aircraftdocument/?expiry=expired",
        "/admin/fleet/aircraftdocument/add/",
        "/admin/fleet/aircraftstatuschange/",
        "/admin/fleet/aircraftdocumentalert/",
        "/admin/autocomplete/?app_label=fleet&model_name=aircraft&field_name=current_location&term=tet",
    ],
)
def test_admin_pages_load(staff_client, fleet, path):
    response = staff_client.get(path.format(pk=fleet.pk))
    assert response.status_code == 200, response.content[:3000]


def test_changelist_shows_traffic_light_and_location(staff_client, fleet):
    content = staff_client.get("/admin/fleet/aircraft/").content.decode()
    assert "N100JA" in content
    assert "KTEB" in content
    assert "#dc2626" in content  # insurance expires in 5 days: red
    assert "4,200.00 USD" in content


@pytest.mark.parametrize("size", [5, 50])
def test_changelist_query_count_is_constant(staff_client, size, django_assert_max_num_queries):
    for _ in range(size):
        make_aircraft()
    with django_assert_max_num_queries(12):
        assert staff_client.get("/admin/fleet/aircraft/").status_code == 200


def _form(aircraft=None, **overrides):
    data = aircraft_data(tail_number="n777ja", current_location="KTEB", home_base="KTEB")
    data.update(
        {
            "status": "available",
            "status_reason": "",
            "currency": "USD",
            "positioning_rate": "3400",
            "daily_minimum_hours": "0",
            "amenities": '["wifi"]',
            "interior_config": "{}",
            "maintenance_schedule": "{}",
            "insurance_info": "{}",
            "photos": "[]",
            "taxi_minutes": "12",
            "routing_factor": "1.05",
            "wind_allowance_knots": "0",
            "registration_country": "US",
            "total_hours": "0",
            "total_cycles": "0",
            "min_crew": "2",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "blackouts-TOTAL_FORMS": "0",
            "blackouts-INITIAL_FORMS": "0",
        }
    )
    data.update(overrides)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_admin_add_goes_through_the_service(staff_client, admin_user):
    form = _form(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "registration",
            "documents-0-number": "REG-1",
            "documents-0-expires_on": "2031-01-01",
            "blackouts-TOTAL_FORMS": "1",
            "blackouts-0-kind": "owner_use",
            "blackouts-0-start_0": "2030-01-01",
            "blackouts-0-start_1": "08:00:00",
            "blackouts-0-end_0": "2030-01-02",
            "blackouts-0-end_1": "08:00:00",
        }
    )
    response = staff_client.post("/admin/fleet/aircraft/add/", form)
    assert response.status_code == 302, response.content.decode()[:5000]
    aircraft = Aircraft.objects.get(tail_number="N777JA")
    assert aircraft.history.first().history_user == admin_user
    assert AircraftStatusChange.objects.get(aircraft=aircraft).actor == admin_user
    assert str(aircraft.registration_expires_on) == "2031-01-01"
    assert Blackout.objects.get(aircraft=aircraft).created_by == admin_user


def test_admin_status_change_needs_a_reason_and_records_an_event(staff_client, admin_user, aircraft):
    url = f"/admin/fleet/aircraft/{aircraft.pk}/change/"
    base = _form(tail_number="N100JA")
    response = staff_client.post(url, {**base, "status": "aog"})
    assert response.status_code == 200  # the form again
    assert "Say why" in response.content.decode()
    aircraft.refresh_from_db()
    assert aircraft.status == "available"

    response = staff_client.post(
        url, {**base, "status": "aog", "status_reason": "Bird strike", "model": "CJ3+"}
    )
    assert response.status_code == 302, response.content.decode()[:5000]
    aircraft.refresh_from_db()
    assert (aircraft.status, aircraft.model) == ("aog", "CJ3+")
    event = AircraftStatusChange.objects.filter(aircraft=aircraft).first()
    assert (event.to_status, event.reason, event.actor) == ("aog", "Bird strike", admin_user)


def test_admin_ground_action(staff_client, admin_user, aircraft):
    response = staff_client.post(
        "/admin/fleet/aircraft/", {"action": "ground_aog", "_selected_action": [aircraft.pk]}
    )
    assert response.status_code == 302
    aircraft.refresh_from_db()
    assert aircraft.status == "aog"
    assert AircraftStatusChange.objects.filter(aircraft=aircraft).first().actor == admin_user


def test_admin_refuses_overlapping_blackout_of_another_kind(staff_client, aircraft):
    services.blackout_add(
        aircraft=aircraft, start=utc(2030, 1, 1), end=utc(2030, 1, 5), kind="aog", actor=None
    )
    response = staff_client.post(
        "/admin/fleet/blackout/add/",
        {
            "aircraft": aircraft.pk,
            "kind": "owner_use",
            "start_0": "2030-01-02",
            "start_1": "00:00:00",
            "end_0": "2030-01-03",
            "end_1": "00:00:00",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "The period overlaps blackouts of another kind" in response.content.decode()
    assert "Overlaps aog 2030-01-01T00:00:00+00:00" in response.content.decode()
    assert Blackout.objects.count() == 1


def test_admin_document_add_syncs_the_aircraft(staff_client, admin_user, aircraft):
    response = staff_client.post(
        "/admin/fleet/aircraftdocument/add/",
        {
            "aircraft": aircraft.pk,
            "kind": "airworthiness",
            "number": "AW-1",
            "expires_on": "2032-02-02",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    aircraft.refresh_from_db()
    assert str(aircraft.airworthiness_expires_on) == "2032-02-02"
    assert AircraftDocument.objects.get().history.first().history_user == admin_user


def test_aircraft_cannot_be_deleted_in_admin(staff_client, aircraft):
    assert staff_client.get(f"/admin/fleet/aircraft/{aircraft.pk}/delete/").status_code == 403
