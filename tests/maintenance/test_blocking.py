"""Maintenance blocks scheduling through the one availability truth (docs/rules.md
#maintenance): an overdue item, an open grounding squawk or an expired MEL deferral grounds
the aircraft; a booking that would be flown past a limit is a 409 naming the task; a work
order's planned period is a blackout on the schedule; a sign-off lets it fly again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fleet.models import Aircraft
from fleet.selectors import aircraft_available
from flights.models import Flight
from maintenance import services
from maintenance.models import Squawk, TrackedItem
from tests.builders import bearer, future
from tests.flights.test_flights import flight_body

pytestmark = pytest.mark.django_db


def test_booking_past_the_100_hour_limit_is_refused_naming_the_task(
    ops_user, client_a, light_jet, preset_items
):
    # given 1,198.0 h with the 100-hour due at 1,200.0 h: a 2 h 40 min leg passes it
    services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("48.0"), reason="logbook audit")
    # when
    response = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, light_jet.pk), format="json")
    # then
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "aircraft_unavailable"
    limit = next(c for c in body["conflicts"] if c["type"] == "maintenance_limit")
    assert limit["task"] == "100-hour inspection"
    assert limit["due_hours"] == "1200.0"
    assert limit["projected_hours"] == "1200.7"
    assert not Flight.objects.exists()


def test_scheduled_flights_count_toward_the_projection(ops_user, client_a, light_jet, preset_items):
    # 1,150 h now, due at 1,200 h: legs of 2 h 40 min back and forth, booked in order
    client = bearer(ops_user)
    booked = 0
    for day in range(5, 30):
        route = {"dep": "KTEB", "arr": "KDJT"} if day % 2 else {"dep": "KDJT", "arr": "KTEB"}
        body = flight_body(client_a.pk, light_jet.pk, days=day, **route)
        response = client.post("/api/v1/flights", body, format="json")
        if response.status_code != 201:
            break
        booked += 1
    # 18 legs are 48.0 h (1,198.0 h); the 19th would end at 1,200.7 h
    assert booked == 18
    assert response.status_code == 409
    assert any(c["type"] == "maintenance_limit" for c in response.json()["conflicts"])


def test_overdue_annual_grounds_the_aircraft_everywhere(ops_user, client_a, light_jet, preset_items):
    item = preset_items["91.409(a)"]
    TrackedItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    # availability search, quoting and booking share the answer
    window = (future(3), future(3) + timedelta(hours=4))
    assert not aircraft_available(Aircraft.objects.all(), *window).filter(pk=light_jet.pk).exists()
    response = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, light_jet.pk), format="json")
    assert response.status_code == 409
    due = next(c for c in response.json()["conflicts"] if c["type"] == "maintenance_due")
    assert due["task"] == "Annual inspection"
    # the schedule shows it
    schedule = bearer(ops_user).get(f"/api/v1/aircraft/{light_jet.pk}/schedule").json()
    assert any(e["kind"] == "maintenance_due" for e in schedule["entries"])


def test_a_calendar_limit_blocks_only_after_its_last_day(ops_user, client_a, light_jet, preset_items):
    item = preset_items["91.409(a)"]
    last_day = (future(10) + timedelta(days=1)).date()
    TrackedItem.objects.filter(pk=item.pk).update(due_on=last_day)
    client = bearer(ops_user)
    assert (
        client.post(
            "/api/v1/flights", flight_body(client_a.pk, light_jet.pk, days=10), format="json"
        ).status_code
        == 201
    )
    response = client.post("/api/v1/flights", flight_body(client_a.pk, light_jet.pk, days=12), format="json")
    assert response.status_code == 409
    assert {c["type"] for c in response.json()["conflicts"]} >= {"maintenance_due"}


def test_grounding_squawk_grounds_until_closed(ops_user, maintenance_user, client_a, light_jet):
    client = bearer(maintenance_user)
    response = client.post(
        "/api/v1/maintenance/squawks",
        {
            "aircraft": light_jet.pk,
            "description": "Hydraulic leak at the left main gear",
            "severity": "grounding",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    squawk_id = response.json()["id"]
    refused = bearer(ops_user).post("/api/v1/flights", flight_body(client_a.pk, light_jet.pk), format="json")
    assert refused.status_code == 409
    assert any(c["type"] == "squawk" for c in refused.json()["conflicts"])
    closed = client.post(
        f"/api/v1/maintenance/squawks/{squawk_id}/close",
        {"corrective_action": "Replaced the seal."},
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    assert (
        bearer(ops_user)
        .post("/api/v1/flights", flight_body(client_a.pk, light_jet.pk), format="json")
        .status_code
        == 201
    )


def test_expired_mel_deferral_grounds(ops_user, client_a, light_jet):
    squawk = services.squawk_raise(
        aircraft=light_jet,
        actor=None,
        description="Cabin reading light inoperative",
        severity="deferrable",
        discovered_on=timezone.localdate() - timedelta(days=2),
    )
    services.squawk_defer(squawk=squawk, actor=None, mel_item="33-20-01", mel_category="B")
    squawk.refresh_from_db()
    # found two days ago, category B: may fly through tomorrow, grounded from the day after
    assert squawk.deferred_until == timezone.localdate() + timedelta(days=1)
    window_late = (future(3), future(3) + timedelta(hours=4))
    assert not aircraft_available(Aircraft.objects.all(), *window_late).filter(pk=light_jet.pk).exists()
    now = timezone.now()
    assert (
        aircraft_available(Aircraft.objects.all(), now, now + timedelta(hours=1))
        .filter(pk=light_jet.pk)
        .exists()
    )


def test_deferral_already_expired_is_refused(maintenance_user, light_jet):
    squawk = services.squawk_raise(
        aircraft=light_jet,
        actor=None,
        description="Lav light",
        severity="deferrable",
        discovered_on=timezone.localdate() - timedelta(days=4),
    )
    response = bearer(maintenance_user).post(
        f"/api/v1/maintenance/squawks/{squawk.pk}/defer",
        {"mel_item": "33-20-01", "mel_category": "B"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deferral_expired"
    assert Squawk.objects.get(pk=squawk.pk).status == "open"


def test_work_order_blocks_its_period_and_closing_signs_off(
    ops_user, maintenance_user, client_a, light_jet, preset_items
):
    services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("48.0"), reason="logbook audit")
    hundred = preset_items["91.409(b)"]
    client = bearer(maintenance_user)
    start, end = future(2, 8), future(2, 18)
    response = client.post(
        "/api/v1/maintenance/work-orders",
        {
            "aircraft": light_jet.pk,
            "title": "100-hour inspection",
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "items": [hundred.pk],
            "labour_hours": "12.5",
            "labour_cost": "1500.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["number"].startswith("WO-")
    # the planned period is on the schedule and blocks the aircraft
    schedule = bearer(ops_user).get(f"/api/v1/aircraft/{light_jet.pk}/schedule").json()
    assert any(e["kind"] == "work_order" for e in schedule["entries"])
    assert not aircraft_available(Aircraft.objects.all(), start, end).filter(pk=light_jet.pk).exists()
    # a flight after the work order's planned end is not refused for the 100-hour it signs off
    after = bearer(ops_user).post(
        "/api/v1/flights", flight_body(client_a.pk, light_jet.pk, days=5), format="json"
    )
    assert after.status_code == 201, after.json()
    # closing signs the item off at the aircraft's times: next due 1,298.0 h
    closed = client.post(
        f"/api/v1/maintenance/work-orders/{order['id']}/close",
        {"signer_name": "Max Mechanic", "certificate_number": "A&P 3456789 IA"},
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    hundred.refresh_from_db()
    assert hundred.due_hours == Decimal("1298.0")
    record = hundred.compliance.get()
    assert (record.signer_name, record.certificate_number, record.hours) == (
        "Max Mechanic",
        "A&P 3456789 IA",
        Decimal("1198.0"),
    )
    assert record.history.latest().history_user == maintenance_user
    view = bearer(ops_user).get(f"/api/v1/aircraft/{light_jet.pk}/maintenance").json()
    row = next(r for r in view["due_list"] if r["code"] == "91.409(b)")
    assert row["next_due"]["hours"] == "1298.0"
    assert row["status"] == "ok"


def test_work_order_over_a_booked_flight_is_refused(maintenance_user, client_a, light_jet):
    flight = bearer(maintenance_user)  # maintenance may not book; book through the service
    from tests.flights.test_flights import book

    booked = book(client_a, light_jet, at=future(4, 10))
    response = flight.post(
        "/api/v1/maintenance/work-orders",
        {
            "aircraft": light_jet.pk,
            "title": "Wheel change",
            "planned_start": future(4, 8).isoformat(),
            "planned_end": future(4, 16).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "work_order_overlaps_flight"
    assert response.json()["conflicts"][0]["id"] == booked.pk
