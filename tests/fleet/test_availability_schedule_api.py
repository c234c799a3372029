"""``/aircraft/{id}/availability``, ``/schedule``, ``/maintenance`` and ``/documents``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fleet import services
from fleet.models import AircraftDocument, AircraftStatusChange, Blackout
from tests.builders import bearer, make_aircraft, utc

pytestmark = pytest.mark.django_db


def url(aircraft, suffix):
    return f"/api/v1/aircraft/{aircraft.pk}/{suffix}"


# --- availability: blackouts ----------------------------------------------------------------


def test_blackout_is_created_with_the_user(ops_user, aircraft):
    body = {
        "start": "2030-03-01T08:00:00Z",
        "end": "2030-03-03T18:00:00Z",
        "kind": "maintenance",
        "reason": "A check",
    }
    response = bearer(ops_user).post(url(aircraft, "availability"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["merged"] is False
    assert data["kind"] == "maintenance"
    assert data["start"] == "2030-03-01T08:00:00Z"
    assert data["created_by"] == "ops"
    blackout = Blackout.objects.get(pk=data["id"])
    assert blackout.history.first().history_user == ops_user


def test_same_kind_overlap_is_merged_not_duplicated(maintenance_user, aircraft):
    client = bearer(maintenance_user)
    first = client.post(
        url(aircraft, "availability"),
        {
            "start": "2030-03-01T08:00:00Z",
            "end": "2030-03-02T08:00:00Z",
            "kind": "maintenance",
            "reason": "Phase 1",
        },
        format="json",
    ).json()
    response = client.post(
        url(aircraft, "availability"),
        {
            "start": "2030-03-01T20:00:00Z",
            "end": "2030-03-04T08:00:00Z",
            "kind": "maintenance",
            "reason": "Phase 2",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["merged"] is True
    assert data["id"] == first["id"]
    assert (data["start"], data["end"]) == ("2030-03-01T08:00:00Z", "2030-03-04T08:00:00Z")
    assert data["reason"] == "Phase 1; Phase 2"
    assert Blackout.objects.filter(aircraft=aircraft).count() == 1
    history = Blackout.objects.get(pk=first["id"]).history.all()
    assert [h.history_type for h in history] == ["~", "+"]
    assert history[0].history_user == maintenance_user


def test_different_kind_overlap_is_409_listing_the_overlaps(ops_user, aircraft):
    existing = services.blackout_add(
        aircraft=aircraft,
        start=utc(2030, 3, 1),
        end=utc(2030, 3, 5),
        kind="maintenance",
        reason="C check",
        actor=None,
    ).blackout
    response = bearer(ops_user).post(
        url(aircraft, "availability"),
        {"start": "2030-03-04T00:00:00Z", "end": "2030-03-06T00:00:00Z", "kind": "owner_use"},
        format="json",
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "blackout_overlap"
    assert body["overlapping"] == [
        {
            "id": existing.pk,
            "kind": "maintenance",
            "start": "2030-03-01T00:00:00+00:00",
            "end": "2030-03-05T00:00:00+00:00",
            "reason": "C check",
        }
    ]
    assert Blackout.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"start": "2030-03-02T00:00:00Z", "end": "2030-03-01T00:00:00Z", "kind": "other"},
        {"start": "yesterday", "end": "2030-03-01T00:00:00Z", "kind": "other"},
        {"start": "2030-03-01T00:00:00Z", "kind": "other"},
        {"start": "2030-03-01T00:00:00Z", "end": "2030-03-02T00:00:00Z", "kind": "holiday"},
        {"start": "2030-03-01T00:00:00Z", "end": "2030-03-02T00:00:00Z", "kind": "other", "colour": "red"},
        {},
        {"status": "grounded"},
        {"status": "aog"},
        {"status": "aog", "reason": "x", "start": "2030-03-01T00:00:00Z"},
    ],
)
def test_bad_availability_bodies_are_400(ops_user, aircraft, body):
    response = bearer(ops_user).post(url(aircraft, "availability"), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"]
    assert not Blackout.objects.exists()
    aircraft.refresh_from_db()
    assert aircraft.status == "available"


# --- availability: status -------------------------------------------------------------------


def test_status_change_records_an_event_and_history(maintenance_user, aircraft):
    response = bearer(maintenance_user).post(
        url(aircraft, "availability"), {"status": "aog", "reason": "Bird strike on approach"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "aog"
    event = AircraftStatusChange.objects.filter(aircraft=aircraft).first()
    assert (event.from_status, event.to_status, event.reason, event.actor) == (
        "available",
        "aog",
        "Bird strike on approach",
        maintenance_user,
    )
    aircraft.refresh_from_db()
    assert aircraft.history.first().history_user == maintenance_user


def test_inactive_status_deactivates_and_back(ops_user, aircraft):
    client = bearer(ops_user)
    assert (
        client.post(url(aircraft, "availability"), {"status": "inactive", "reason": "Sold"}).json()[
            "is_active"
        ]
        is False
    )
    assert client.post(url(aircraft, "availability"), {"status": "available"}).json()["is_active"] is True


def test_same_status_again_records_nothing(ops_user, aircraft):
    client = bearer(ops_user)
    client.post(url(aircraft, "availability"), {"status": "aog", "reason": "Leak"})
    client.post(url(aircraft, "availability"), {"status": "aog", "reason": "Leak"})
    assert AircraftStatusChange.objects.filter(aircraft=aircraft, to_status="aog").count() == 1


def test_client_services_may_not_block_aircraft(cs_user, aircraft):
    response = bearer(cs_user).post(
        url(aircraft, "availability"),
        {"start": "2030-03-01T00:00:00Z", "end": "2030-03-02T00:00:00Z", "kind": "other"},
        format="json",
    )
    assert response.status_code == 403
    assert not Blackout.objects.exists()


# --- schedule -------------------------------------------------------------------------------


def test_schedule_lists_blackouts_and_grounded_periods_in_iso(ops_user, aircraft):
    services.blackout_add(
        aircraft=aircraft,
        start=utc(2030, 1, 10, 6),
        end=utc(2030, 1, 12, 6),
        kind="owner_use",
        reason="Owner trip",
        actor=None,
    )
    services.aircraft_status_change(
        aircraft=aircraft, status="aog", reason="Tyre", actor=None, at=utc(2030, 1, 15, 9)
    )
    services.aircraft_status_change(
        aircraft=aircraft, status="available", reason="Fixed", actor=None, at=utc(2030, 1, 16, 9)
    )
    response = bearer(ops_user).get(
        url(aircraft, "schedule") + "?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["from"], data["to"]) == ("2030-01-01T00:00:00+00:00", "2030-02-01T00:00:00+00:00")
    entries = [(e["kind"], e["start"], e["end"], e["title"]) for e in data["entries"]]
    assert entries == [
        ("blackout", "2030-01-10T06:00:00+00:00", "2030-01-12T06:00:00+00:00", "Owner use: Owner trip"),
        (
            "status",
            "2030-01-15T09:00:00+00:00",
            "2030-01-16T09:00:00+00:00",
            "Aircraft on ground (AOG): Tyre",
        ),
    ]


def test_schedule_defaults_to_the_next_30_days(ops_user, aircraft):
    before = timezone.now()
    data = bearer(ops_user).get(url(aircraft, "schedule")).json()
    start = datetime.fromisoformat(data["from"])
    end = datetime.fromisoformat(data["to"])
    assert before <= start <= timezone.now()
    assert end - start == timedelta(days=30)


def test_schedule_accepts_dates(ops_user, aircraft):
    data = bearer(ops_user).get(url(aircraft, "schedule") + "?from=2030-01-01&to=2030-01-08").json()
    assert data["from"] == "2030-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    "query",
    [
        "?from=2030-01-01T00:00:00Z&to=2031-06-01T00:00:00Z",
        "?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z",
        "?from=soon",
        "?to=2030-13-45",
        "?from=",
    ],
)
def test_schedule_range_validation(ops_user, aircraft, query):
    response = bearer(ops_user).get(url(aircraft, "schedule") + query)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_schedule_of_invisible_or_missing_aircraft_is_404(ops_user):
    assert bearer(ops_user).get("/api/v1/aircraft/424242/schedule").status_code == 404


def test_finance_and_client_services_may_read_schedule_and_maintenance(finance_user, cs_user, aircraft):
    for user in (finance_user, cs_user):
        assert bearer(user).get(url(aircraft, "schedule")).status_code == 200
        assert bearer(user).get(url(aircraft, "maintenance")).status_code == 200


# --- maintenance ----------------------------------------------------------------------------


def test_maintenance_view(maintenance_user, aircraft):
    services.blackout_add(
        aircraft=aircraft, start=utc(2030, 1, 1), end=utc(2030, 1, 3), kind="maintenance", actor=None
    )
    services.blackout_add(
        aircraft=aircraft, start=utc(2030, 2, 1), end=utc(2030, 2, 3), kind="owner_use", actor=None
    )
    services.aircraft_status_change(
        aircraft=aircraft, status="maintenance", reason="Annual", actor=maintenance_user
    )
    services.document_add(
        aircraft=aircraft, actor=None, kind="insurance", number="P-1", expires_on=date(2030, 1, 1)
    )

    response = bearer(maintenance_user).get(url(aircraft, "maintenance"))

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "maintenance"
    assert [b["kind"] for b in data["blackouts"]] == ["maintenance"]
    assert [(s["from"], s["to"], s["actor"]) for s in data["status_history"]] == [
        ("available", "maintenance", "mx"),
        ("", "available", None),
    ]
    assert data["documents"][0]["number"] == "P-1"
    assert data["documents"][0]["state"] == "ok"
    assert data["certificates"]["insurance_expires_on"] == "2030-01-01"


# --- documents ------------------------------------------------------------------------------


def test_documents_create_and_list(ops_user, aircraft):
    client = bearer(ops_user)
    soon = timezone.localdate() + timedelta(days=20)
    response = client.post(
        url(aircraft, "documents"),
        {
            "kind": "registration",
            "number": "FAA-123",
            "issued_on": "2024-01-01",
            "expires_on": soon.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "warning"
    assert response.json()["days_to_expiry"] == 20
    aircraft.refresh_from_db()
    assert aircraft.registration_expires_on == soon
    assert AircraftDocument.objects.get().history.first().history_user == ops_user
    listed = client.get(url(aircraft, "documents")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["number"] == "FAA-123"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "passport"},
        {"kind": "insurance", "issued_on": "2030-01-01", "expires_on": "2029-01-01"},
        {"kind": "insurance", "expires_on": "next year"},
        {"kind": "insurance", "file": "x.pdf"},
    ],
)
def test_bad_document_bodies_are_400(ops_user, aircraft, body):
    response = bearer(ops_user).post(url(aircraft, "documents"), body, format="json")
    assert response.status_code == 400, response.content
    assert not AircraftDocument.objects.exists()


def test_finance_reads_documents_but_cannot_add(finance_user, aircraft):
    client = bearer(finance_user)
    assert client.get(url(aircraft, "documents")).status_code == 200
    assert client.post(url(aircraft, "documents"), {"kind": "other"}, format="json").status_code == 403
    assert not AircraftDocument.objects.exists()


@pytest.mark.parametrize("size", [5, 50])
def test_documents_list_query_count_is_constant(size, ops_user, django_assert_max_num_queries):
    aircraft = make_aircraft()
    for index in range(size):
        services.document_add(aircraft=aircraft, actor=None, kind="other", number=f"D{index}")
    client = bearer(ops_user)
    with django_assert_max_num_queries(6):
        response = client.get(url(aircraft, "documents") + "?page_size=100")
    assert response.json()["count"] == size
