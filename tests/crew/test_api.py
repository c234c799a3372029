"""Crew API: members with qualifications, assignments with legality, what-if, suggestions,
schedule and iCal feed, availability, experience, and what a crew user may see (BOLA)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from crew import services
from crew.models import CrewAssignment, CrewMember, LegalityRuleSet, TypeRating
from flights.models import TripEvent
from flights.services.status import flight_status_change
from jetops.critical import operator_context
from jetops.models import ActivityAction, ActivityLog
from jetops.services import user_update
from tests.builders import bearer, book, future, make_crew, qualified
from tests.concurrency import race
from tests.role_matrix import matrix_check, role_matrix

pytestmark = pytest.mark.django_db


def crew_body(**overrides):
    done = (timezone.localdate() - timedelta(days=10)).isoformat()
    body = {
        "employee_id": "E100",
        "name": "Casey Captain",
        "position": "captain",
        "date_of_birth": "1984-05-01",
        "home_base": "kteb",
        "contact_info": {"email": "casey@crew.example", "phone": "+12125550100"},
        "emergency_contact": {"name": "Sam", "phone": "+12125550111"},
        "qualifications": {
            "licenses": [{"kind": "atp", "number": "1234567", "authority": "FAA", "issued_on": "2010-01-01"}],
            "ratings": [{"aircraft_type": "c25b", "role": "PIC"}],
            "medical": {"class": 1, "exam_date": done},
            "recurrent_training": [
                {"kind": k, "completed_on": done}
                for k in (
                    "knowledge_test",
                    "competency_check",
                    "instrument_proficiency_check",
                    "line_check",
                    "recurrent_training",
                )
            ],
        },
    }
    body.update(overrides)
    return body


# ---------------------------------------------------------------- members


@pytest.mark.parametrize(
    "change",
    [
        {"emergency_contact": "call mum"},
        {"emergency_contact": {"name": "Sam"}},
        {"emergency_contact": {"name": "Sam", "phone": "+12125550111", "relation": "mum"}},
        {"contact_info": ["casey@crew.example"]},
        {"contact_info": {"email": "not an e-mail"}},
        {"contact_info": {"fax": "+12125550100"}},
    ],
)
def test_contacts_take_the_seed_shape_only(ops_user, change):
    response = bearer(ops_user).post("/api/v1/crew", crew_body(**change), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(change)
    assert not CrewMember.objects.exists()


def test_contacts_stored_before_the_shape_was_enforced_still_read(ops_user):
    member = make_crew("E9", contact_info={"mail": "e9@crew.example"}, emergency_contact="call mum")

    response = bearer(ops_user).get(f"/api/v1/crew/{member.pk}")

    assert response.status_code == 200
    assert (response.json()["contact_info"], response.json()["emergency_contact"]) == (
        {"mail": "e9@crew.example"},
        "call mum",
    )


def test_create_crew_member_with_the_four_qualification_keys(ops_user):
    response = bearer(ops_user).post("/api/v1/crew", crew_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body["qualifications"]) == {"licenses", "ratings", "medical", "recurrent_training"}
    assert body["qualifications"]["ratings"] == [{"aircraft_type": "C25B", "role": "PIC"}]
    assert body["qualifications"]["medical"]["class"] == 1
    assert body["home_base"] == "KTEB"
    member = CrewMember.objects.get()
    assert member.training.count() == 5
    assert member.history.latest().history_user == ops_user
    # expiries are computed: the medical of a 42-year-old first-class holder runs 6 months
    medical = next(e for e in body["expiries"] if e["key"] == "medical")
    assert medical["rule"] == "14 CFR 61.23(d)"
    assert medical["valid_through"] is not None
    assert body["nearest_expiry"]["key"] in {e["key"] for e in body["expiries"]}


def test_emergency_contact_is_encrypted_at_rest(ops_user):
    from django.db import connection

    bearer(ops_user).post("/api/v1/crew", crew_body(), format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT emergency_contact FROM crew_crewmember")
        raw = cursor.fetchone()[0]
    assert "Sam" not in raw
    assert "+12125550111" not in raw


def test_bad_qualifications_are_refused_and_nothing_is_written(ops_user):
    body = crew_body()
    body["qualifications"]["medical"] = {"class": 4, "exam_date": "2026-01-01"}
    body["qualifications"]["unknown"] = []
    response = bearer(ops_user).post("/api/v1/crew", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not CrewMember.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"medical": {"class": 1, "exam_date": "2099-01-01"}}, "exam_date"),
        ({"medical": {"class": 1, "exam_date": "1970-01-01"}}, "exam_date"),  # before birth (1984)
        ({"recurrent_training": [{"kind": "line_check", "completed_on": "2099-01-01"}]}, "completed_on"),
    ],
)
def test_impossible_qualification_dates_are_refused(ops_user, change, field):
    body = crew_body()
    body["qualifications"].update(change)
    response = bearer(ops_user).post("/api/v1/crew", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CrewMember.objects.exists()


def test_flight_attendants_hold_no_type_ratings(ops_user):
    response = bearer(ops_user).post("/api/v1/crew", crew_body(position="flight_attendant"), format="json")
    assert response.status_code == 400
    assert not CrewMember.objects.exists()


def test_duplicate_rating_types_are_refused_atomically(ops_user):
    body = crew_body()
    body["qualifications"]["ratings"] = [
        {"aircraft_type": "C25B", "role": "PIC"},
        {"aircraft_type": "C25B", "role": "SIC"},
    ]
    response = bearer(ops_user).post("/api/v1/crew", body, format="json")
    assert response.status_code == 400
    assert not CrewMember.objects.exists()


def test_patch_replaces_one_qualification_set(ops_user):
    member = make_crew("E1")
    response = bearer(ops_user).patch(
        f"/api/v1/crew/{member.pk}",
        {"qualifications": {"ratings": [{"aircraft_type": "C68A", "role": "SIC"}]}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["qualifications"]["ratings"] == [{"aircraft_type": "C68A", "role": "SIC"}]
    assert member.training.count() == 5  # untouched


def test_replaced_rows_name_who_removed_them_outside_a_request(ops_user):
    member = make_crew("E1")
    services.crew_member_update(
        member=member, actor=ops_user, qualifications={"ratings": [{"aircraft_type": "C68A", "role": "SIC"}]}
    )
    removed = TypeRating.history.filter(history_type="-").get()
    assert removed.history_user == ops_user


def test_link_user_must_hold_the_crew_role(ops_user, admin_user, client_a_user, crew_user):
    member = make_crew("E1")
    bad = bearer(ops_user).patch(f"/api/v1/crew/{member.pk}", {"user": client_a_user.pk}, format="json")
    assert bad.status_code == 400
    assert "user" in bad.json()["errors"]
    super_admin = bearer(ops_user).patch(f"/api/v1/crew/{member.pk}", {"user": admin_user.pk}, format="json")
    assert super_admin.status_code == 400
    good = bearer(ops_user).patch(f"/api/v1/crew/{member.pk}", {"user": crew_user.pk}, format="json")
    assert good.status_code == 200


def test_list_filters(ops_user, crew_factory):
    crew_factory("E1", name="Ann", base="KTEB")
    crew_factory("E2", name="Bob", position="first_officer", base="KHPN")
    crew_factory("E3", name="Cat", position="flight_attendant", recent_landings=None)
    api = bearer(ops_user)

    def names(query):
        response = api.get(f"/api/v1/crew?{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names("position=first_officer") == ["Bob"]
    assert names("base=khpn") == ["Bob"]
    assert names("type_rating=C25B") == ["Ann", "Bob"]
    assert names("search=cat") == ["Cat"]
    assert bearer(ops_user).get("/api/v1/crew?expiring_within=abc").status_code == 400


def test_expiring_within_uses_computed_expiries(ops_user):
    soon = timezone.localdate() - timedelta(days=200)  # first-class medical at 46 lapsed ~6 months on
    make_crew(
        "E1",
        name="Old medical",
        qualifications=qualified() | {"medical": {"medical_class": 1, "exam_date": soon}},
    )
    make_crew("E2", name="Fresh")
    response = bearer(ops_user).get("/api/v1/crew?expiring_within=30")
    assert [r["name"] for r in response.json()["results"]] == ["Old medical"]
    assert response.json()["results"][0]["nearest_expiry"]["state"] == "red"


@pytest.mark.parametrize("count", [3, 12])
def test_crew_list_query_count_does_not_grow(ops_user, count, django_assert_max_num_queries):
    for i in range(count):
        make_crew(f"E{i}")
    api = bearer(ops_user)
    with django_assert_max_num_queries(16):
        response = api.get("/api/v1/crew?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == count


# ---------------------------------------------------------------- assignments


@pytest.fixture
def flight(client_a, jet):
    return book(client_a, jet)


def test_assign_legal_crew(ops_user, flight, django_capture_on_commit_callbacks):
    captain = make_crew("E1")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bearer(ops_user).post(
            f"/api/v1/flights/{flight.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "PIC"
    assert response.json()["overridden"] is False
    assignment = CrewAssignment.objects.get()
    assert assignment.assigned_by == ops_user
    event = TripEvent.objects.get(kind="crew")
    assert event.detail["action"] == "assigned"
    assert [m.to for m in mail.outbox] == [["e1@crew.example"]]
    listed = bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/crew").json()
    assert [row["crew_member"] for row in listed] == [captain.pk]


def test_illegal_assignment_is_refused_with_the_rule_named(ops_user, flight):
    no_rating = make_crew("E1", qualifications=qualified(aircraft_type="GLF6"))
    response = bearer(ops_user).post(
        f"/api/v1/flights/{flight.pk}/crew", {"crew_member": no_rating.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "crew_illegal"
    rules = [v["rule"] for v in body["violations"]]
    assert "14 CFR 61.31(a)" in rules
    assert set(body["violations"][0]) == {"rule", "detail", "values"}
    assert not CrewAssignment.objects.exists()


def test_expired_medical_blocks(ops_user, flight):
    old = timezone.localdate() - timedelta(days=400)
    member = make_crew("E1", qualifications=qualified() | {"medical": {"medical_class": 1, "exam_date": old}})
    response = bearer(ops_user).post(
        f"/api/v1/flights/{flight.pk}/crew", {"crew_member": member.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    assert "14 CFR 61.23(d)" in [v["rule"] for v in response.json()["violations"]]


def test_overlapping_assignment_is_a_violation(ops_user, client_a, jet, midsize):
    captain = make_crew(
        "E1",
        qualifications=qualified()
        | {"ratings": [{"aircraft_type": "C25B", "role": "PIC"}, {"aircraft_type": "C68A", "role": "PIC"}]},
    )
    services.experience_add(
        member=captain,
        actor=None,
        date=timezone.localdate(),
        aircraft_type="C68A",
        takeoffs=3,
        landings=3,
        source="simulator",
    )
    first = book(client_a, jet, at=future(10, 14))
    second = book(client_a, midsize, dep="KHPN", arr="KBOS", at=future(10, 15))
    api = bearer(ops_user)
    assert (
        api.post(
            f"/api/v1/flights/{first.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
        ).status_code
        == 201
    )
    response = api.post(
        f"/api/v1/flights/{second.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    overlap = next(v for v in response.json()["violations"] if v["rule"] == "JetOps: no overlapping duty")
    assert overlap["values"]["flight"] == first.pk


def test_one_pilot_limit_applies_to_a_single_pilot_aircraft(ops_user, client_a, profile):
    from tests.builders import make_aircraft

    single = make_aircraft(tail_number="N1SP", min_crew=1, current_location="KTEB")
    captain = make_crew("E1")
    api = bearer(ops_user)
    # 9 h of flying in one day: legal for two pilots (10 h), not for one (8 h).
    long_leg = book(client_a, single, dep="KTEB", arr="KDJT", at=future(10, 6), arrival_at=future(10, 15))
    response = api.post(
        f"/api/v1/flights/{long_leg.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    rules = {v["rule"]: v for v in response.json()["violations"]}
    assert "14 CFR 135.267(b)(1)" in rules


def test_override_needs_permission_reason_and_step_up(ops_user, cs_user, flight):
    no_rating = make_crew("E1", qualifications=qualified(aircraft_type="GLF6"))
    body = {"crew_member": no_rating.pk, "role": "PIC", "override_reason": "Ferry under special permit"}
    assert bearer(cs_user).post(f"/api/v1/flights/{flight.pk}/crew", body, format="json").status_code == 403
    stale = bearer(ops_user, otp=False).post(f"/api/v1/flights/{flight.pk}/crew", body, format="json")
    assert stale.status_code == 403
    assert stale.json()["code"] == "otp_required"
    response = bearer(ops_user).post(f"/api/v1/flights/{flight.pk}/crew", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["overridden"] is True
    assert response.json()["override_reason"] == "Ferry under special permit"
    assert "14 CFR 61.31(a)" in [v["rule"] for v in response.json()["violations"]]
    event = TripEvent.objects.get(kind="crew")
    assert event.detail["overridden"] is True
    row = ActivityLog.objects.get(action=ActivityAction.LEGALITY_OVERRIDE)
    assert (row.user, row.ip, row.subject_id) == (ops_user, "127.0.0.1", str(response.json()["id"]))
    assert "14 CFR 61.31(a)" in row.detail["violations"]


@override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
def test_override_from_outside_the_allow_list_is_refused(ops_user, flight):
    no_rating = make_crew("E1", qualifications=qualified(aircraft_type="GLF6"))
    body = {"crew_member": no_rating.pk, "role": "PIC", "override_reason": "Ferry under special permit"}
    api = bearer(ops_user)
    refused = api.post(f"/api/v1/flights/{flight.pk}/crew", body, format="json", REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 403
    assert refused.json()["code"] == "ip_not_allowed"
    assert not CrewAssignment.objects.exists()
    assert not ActivityLog.objects.filter(action=ActivityAction.LEGALITY_OVERRIDE).exists()
    done = api.post(f"/api/v1/flights/{flight.pk}/crew", body, format="json", REMOTE_ADDR="10.1.1.1")
    assert done.status_code == 201, done.json()
    assert ActivityLog.objects.get(action=ActivityAction.LEGALITY_OVERRIDE).ip == "10.1.1.1"


def test_seat_rules(ops_user, flight):
    captain, other, attendant = make_crew("E1"), make_crew("E2"), make_crew("E3", position="flight_attendant")
    api = bearer(ops_user)
    url = f"/api/v1/flights/{flight.pk}/crew"
    assert api.post(url, {"crew_member": captain.pk, "role": "PIC"}, format="json").status_code == 201
    taken = api.post(url, {"crew_member": other.pk, "role": "PIC"}, format="json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "seat_taken"
    again = api.post(url, {"crew_member": captain.pk, "role": "SIC"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_assigned"
    wrong = api.post(url, {"crew_member": attendant.pk, "role": "SIC"}, format="json")
    assert wrong.status_code == 400
    unknown = api.post(url, {"crew_member": 999999, "role": "SIC"}, format="json")
    assert unknown.status_code == 400
    assert (
        api.post(
            "/api/v1/flights/999999/crew", {"crew_member": captain.pk, "role": "SIC"}, format="json"
        ).status_code
        == 404
    )


def test_crew_of_a_flight_that_left_cannot_change(ops_user, flight):
    captain, other = make_crew("E1"), make_crew("E2", position="first_officer")
    assignment = services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    flight_status_change(flight=flight, status="departed", actor=None)
    api = bearer(ops_user)
    added = api.post(
        f"/api/v1/flights/{flight.pk}/crew", {"crew_member": other.pk, "role": "SIC"}, format="json"
    )
    assert added.status_code == 409
    assert added.json()["code"] == "flight_closed"
    removed = api.delete(f"/api/v1/flights/{flight.pk}/crew/{assignment.pk}")
    assert removed.status_code == 409
    assert removed.json()["code"] == "flight_closed"
    assert CrewAssignment.objects.filter(flight=flight).count() == 1


def test_schedule_change_rechecks_the_crew(ops_user, flight):
    from tests.builders import make_aircraft

    latitude = make_aircraft(tail_number="N268LT", aircraft_type="C68A", current_location="KTEB")
    captain = make_crew("E1")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    response = bearer(ops_user).patch(
        f"/api/v1/flights/{flight.pk}", {"aircraft_id": latitude.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assignment = CrewAssignment.objects.get()
    assert "14 CFR 61.31(a)" in [v["rule"] for v in assignment.violations]
    event = TripEvent.objects.get(kind="crew", detail__action="recheck")
    assert event.detail["illegal"][0]["crew_member"] == captain.pk


def test_remove_assignment(ops_user, flight):
    captain = make_crew("E1")
    assignment = services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    response = bearer(ops_user).delete(f"/api/v1/flights/{flight.pk}/crew/{assignment.pk}")
    assert response.status_code == 204
    assert not CrewAssignment.objects.exists()
    assert TripEvent.objects.filter(kind="crew", detail__action="removed").exists()


def test_legality_what_if_answers_one_result_per_rule(ops_user, flight):
    captain = make_crew("E1")
    response = bearer(ops_user).post(
        f"/api/v1/crew/{captain.pk}/legality", {"flights": [flight.pk], "role": "PIC"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["legal"] is True
    rules = [r["rule"] for r in body["results"]]
    assert len(rules) == len(set(rules))
    for expected in (
        "14 CFR 135.267(a)(1)",
        "14 CFR 135.267(b)(2)",
        "14 CFR 135.267(d)",
        "14 CFR 135.263(b)",
        "14 CFR 61.23(d)",
    ):
        assert expected in rules
    assert all(r["status"] in {"ok", "warn", "block"} for r in body["results"])
    assert not CrewAssignment.objects.exists()
    bad = bearer(ops_user).post(
        f"/api/v1/crew/{captain.pk}/legality", {"flights": [999999], "role": "PIC"}, format="json"
    )
    assert bad.status_code == 400


def test_rule_parameters_are_data_with_effective_dates(ops_user, client_a, jet):
    captain = make_crew("E1")
    flight = book(client_a, jet, at=future(10, 6), arrival_at=future(10, 15))
    LegalityRuleSet.objects.create(
        name="Stricter", effective_from=timezone.localdate(), parameters={"two_pilot_flight_hours": 8}
    )
    body = (
        bearer(ops_user)
        .post(f"/api/v1/crew/{captain.pk}/legality", {"flights": [flight.pk], "role": "PIC"}, format="json")
        .json()
    )
    window = next(r for r in body["results"] if r["rule"] == "14 CFR 135.267(b)(2)")
    assert window["status"] == "block"


def test_suggestions_rank_legal_qualified_crew(ops_user, flight):
    near = make_crew("E1", name="Near", base="KTEB")
    far = make_crew("E2", name="Far", base="KLAX")
    make_crew("E3", name="Unrated", qualifications=qualified(aircraft_type="GLF6"))
    response = bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/crew/suggestions")
    assert response.status_code == 200, response.json()
    seats = {s["role"]: s["candidates"] for s in response.json()["seats"]}
    assert set(seats) == {"PIC", "SIC"}
    assert [c["crew_member"] for c in seats["PIC"]] == [near.pk, far.pk]
    assert seats["PIC"][0]["positioning_nm"] == 0
    assert bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/crew/suggestions?role=XX").status_code == 400


# ---------------------------------------------------------------- schedule, availability, experience


def test_schedule_and_ical_feed(ops_user, anon, flight):
    captain = make_crew("E1")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    response = bearer(ops_user).get(
        f"/api/v1/crew/{captain.pk}/schedule?from={future(9).isoformat()}&to={future(12).isoformat()}".replace(
            "+", "%2B"
        )
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    kinds = [i["type"] for i in body["items"]]
    assert "flight" in kinds
    assert "duty" in kinds
    assert body["totals"]["flight_hours"] > 0
    assert body["totals"]["duty_hours"] > body["totals"]["flight_hours"]
    feed = anon.get(f"/api/v1/crew/calendar/{captain.calendar_token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert flight.flight_number in feed.content.decode()
    assert anon.get("/api/v1/crew/calendar/wrong-token.ics").status_code == 404


def test_calendar_token_can_be_rotated(ops_user, anon):
    captain = make_crew("E1")
    old = captain.calendar_token
    response = bearer(ops_user).post(f"/api/v1/crew/{captain.pk}/calendar-token")
    assert response.status_code == 200
    assert anon.get(f"/api/v1/crew/calendar/{old}.ics").status_code == 404
    captain.refresh_from_db()
    assert anon.get(f"/api/v1/crew/calendar/{captain.calendar_token}.ics").status_code == 200


def test_calendar_feed_stops_when_the_login_or_the_member_is_deactivated(crew_user, admin_user, anon):
    member = make_crew("E1", user=crew_user)
    url = f"/api/v1/crew/calendar/{member.calendar_token}.ics"
    assert anon.get(url).status_code == 200
    user_update(user=crew_user, actor=admin_user, is_active=False)
    assert anon.get(url).status_code == 404
    user_update(user=crew_user, actor=admin_user, is_active=True)
    assert anon.get(url).status_code == 200
    services.crew_member_update(member=member, actor=None, is_active=False)
    assert anon.get(url).status_code == 404


def test_calendar_feed_of_a_member_without_login(anon):
    member = make_crew("E1")
    assert anon.get(f"/api/v1/crew/calendar/{member.calendar_token}.ics").status_code == 200


def test_crew_user_rotates_only_their_own_calendar_url(crew_user, cs_user):
    mine, other = make_crew("E1", user=crew_user), make_crew("E2")
    api = bearer(crew_user)
    assert api.post(f"/api/v1/crew/{mine.pk}/calendar-token").status_code == 200
    assert api.post(f"/api/v1/crew/{other.pk}/calendar-token").status_code == 404
    assert bearer(cs_user).post(f"/api/v1/crew/{other.pk}/calendar-token").status_code == 404  # not visible
    old = other.calendar_token
    other.refresh_from_db()
    assert other.calendar_token == old


def test_availability_blocks_assignment_and_refuses_overlaps(ops_user, flight):
    captain = make_crew("E1")
    api = bearer(ops_user)
    start = flight.departure_at - timedelta(hours=12)
    body = {
        "crew_member": captain.pk,
        "kind": "vacation",
        "start": start.isoformat(),
        "end": (start + timedelta(days=3)).isoformat(),
    }
    assert api.post("/api/v1/crew/availability", body, format="json").status_code == 201
    overlap = api.post("/api/v1/crew/availability", {**body, "kind": "day_off"}, format="json")
    assert overlap.status_code == 409
    assert overlap.json()["code"] == "availability_overlap"
    response = api.post(
        f"/api/v1/flights/{flight.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    assert "JetOps: crew availability" in [v["rule"] for v in response.json()["violations"]]
    listed = api.get(
        "/api/v1/crew/availability?from=" + (start - timedelta(days=1)).isoformat().replace("+", "%2B")
    )
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


def test_day_off_over_an_assigned_flight_is_refused(ops_user, flight):
    captain = make_crew("E1")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    body = {
        "crew_member": captain.pk,
        "kind": "day_off",
        "start": (flight.departure_at - timedelta(hours=2)).isoformat(),
        "end": (flight.departure_at + timedelta(hours=20)).isoformat(),
    }
    response = bearer(ops_user).post("/api/v1/crew/availability", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "crew_assigned"
    assert response.json()["flights"] == [flight.flight_number]


def test_sickness_over_an_assigned_flight_is_recorded_and_reported(
    ops_user, flight, django_capture_on_commit_callbacks
):
    captain = make_crew("E1")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    body = {
        "crew_member": captain.pk,
        "kind": "sick",
        "start": (flight.departure_at - timedelta(hours=2)).isoformat(),
        "end": (flight.departure_at + timedelta(hours=20)).isoformat(),
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bearer(ops_user).post("/api/v1/crew/availability", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["affected_flights"] == [flight.flight_number]
    assert TripEvent.objects.filter(kind="crew", detail__action="unavailable", flight=flight).exists()
    assert flight.flight_number in mail.outbox[-1].subject


def test_experience_counts_toward_recency(ops_user, flight):
    captain = make_crew("E1", recent_landings=None)
    api = bearer(ops_user)
    url = f"/api/v1/flights/{flight.pk}/crew"
    refused = api.post(url, {"crew_member": captain.pk, "role": "PIC"}, format="json")
    assert "14 CFR 135.247(a)(1)" in [v["rule"] for v in refused.json()["violations"]]
    record = {
        "date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "aircraft_type": "c25b",
        "takeoffs": 3,
        "landings": 3,
        "night_takeoffs": 0,
        "night_landings": 0,
        "approaches": 2,
        "source": "previous_employer",
    }
    created = api.post(f"/api/v1/crew/{captain.pk}/experience", record, format="json")
    assert created.status_code == 201, created.json()
    assert api.post(url, {"crew_member": captain.pk, "role": "PIC"}, format="json").status_code == 201
    future_record = {**record, "date": (timezone.localdate() + timedelta(days=3)).isoformat()}
    assert api.post(f"/api/v1/crew/{captain.pk}/experience", future_record, format="json").status_code == 400


def test_night_flight_needs_night_recency(ops_user, client_a, jet):
    """61.57(b): 03:00 UTC at Teterboro is night; day landings do not make a pilot current."""
    captain = make_crew("E1")
    night = book(client_a, jet, at=future(10, 3))
    api = bearer(ops_user)
    url = f"/api/v1/flights/{night.pk}/crew"
    refused = api.post(url, {"crew_member": captain.pk, "role": "PIC"}, format="json")
    assert refused.status_code == 409
    assert [v["rule"] for v in refused.json()["violations"]] == ["14 CFR 61.57(b)"]
    services.experience_add(
        member=captain,
        actor=None,
        date=timezone.localdate() - timedelta(days=2),
        aircraft_type="C25B",
        takeoffs=3,
        landings=3,
        night_takeoffs=3,
        night_landings=3,
        source="simulator",
    )
    assert api.post(url, {"crew_member": captain.pk, "role": "PIC"}, format="json").status_code == 201


def test_flown_night_legs_count_as_night_experience(client_a, jet):
    from crew import adapter

    captain = make_crew("E1", recent_landings=None)
    past = timezone.now().replace(hour=3, minute=0, second=0, microsecond=0) - timedelta(days=3)
    flight = book(client_a, jet, at=future(10, 14))
    services.crew_assign(
        flight=flight,
        member=captain,
        role="PIC",
        actor=None,
        override_reason="test set-up",
        meta=operator_context("tests"),
    )
    for status, at in (
        ("departed", past),
        ("arrived", past + timedelta(hours=2, minutes=40)),
        ("completed", None),
    ):
        flight_status_change(flight=flight, status=status, actor=None, at=at)
    (event,) = adapter.experience_by_member([captain.pk], timezone.localdate())[captain.pk]
    assert (event.takeoffs, event.night_takeoffs, event.night_landings) == (1, 1, 1)


def test_assignments_report_totals_per_crew_member(ops_user, flight):
    captain = make_crew("E1")
    make_crew("E2")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    window = f"from={future(9).isoformat()}&to={future(12).isoformat()}".replace("+", "%2B")
    response = bearer(ops_user).get(f"/api/v1/crew/assignments?{window}")
    assert response.status_code == 200, response.json()
    rows = {r["crew_member"]: r for r in response.json()["results"]}
    assert rows[captain.pk]["totals"]["flights"] == 1
    assert rows[captain.pk]["totals"]["flight_hours"] > 0
    assert rows[captain.pk]["assignments"][0]["flight_number"] == flight.flight_number


# ---------------------------------------------------------------- crew self-service and BOLA


def test_crew_user_sees_only_their_own_record_schedule_and_flights(crew_user, client_a, jet):
    mine = make_crew("E1", user=crew_user)
    other = make_crew("E2")
    my_flight = book(client_a, jet, at=future(10, 14))
    other_flight = book(client_a, jet, dep="KDJT", arr="KTEB", at=future(12, 14))
    services.crew_assign(flight=my_flight, member=mine, role="PIC", actor=None)
    services.crew_assign(flight=other_flight, member=other, role="PIC", actor=None)
    api = bearer(crew_user)
    assert [r["id"] for r in api.get("/api/v1/crew").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/crew/{mine.pk}").status_code == 200
    assert api.get(f"/api/v1/crew/{other.pk}").status_code == 404
    assert api.get(f"/api/v1/crew/{other.pk}/schedule").status_code == 404
    assert api.patch(f"/api/v1/crew/{other.pk}", {"name": "x"}, format="json").status_code == 404
    assert api.get(f"/api/v1/crew/{mine.pk}/schedule").status_code == 200
    assert api.get(f"/api/v1/flights/{my_flight.pk}").status_code == 200
    assert api.get(f"/api/v1/flights/{other_flight.pk}").status_code == 404
    assert api.get(f"/api/v1/flights/{other_flight.pk}/crew").status_code == 404
    flights = api.get("/api/v1/flights").json()["results"]
    assert [f["id"] for f in flights] == [my_flight.pk]
    rows = api.get("/api/v1/crew/assignments").json()["results"]
    assert [r["crew_member"] for r in rows] == [mine.pk]
    # no writes on someone else's record, no assignments, no what-ifs
    assert api.post(f"/api/v1/crew/{other.pk}/duties", {}, format="json").status_code == 404
    assert (
        api.post(
            f"/api/v1/flights/{my_flight.pk}/crew", {"crew_member": mine.pk, "role": "SIC"}, format="json"
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"/api/v1/crew/{mine.pk}/legality", {"flights": [my_flight.pk], "role": "PIC"}, format="json"
        ).status_code
        == 403
    )


def test_crew_do_not_see_a_flights_billing_information(crew_user, ops_user, client_a_user, client_a, jet):
    """Billing is the client account's business: crew read their flight without it, staff who
    read client accounts and the account's own portal user with it."""
    billing = {"po_number": "PO-7731", "cost_center": "Board travel"}
    flight = book(client_a, jet, billing_info=billing)
    services.crew_assign(flight=flight, member=make_crew("E1", user=crew_user), role="PIC", actor=None)
    crew = bearer(crew_user)
    assert crew.get(f"/api/v1/flights/{flight.pk}").json()["billing_info"] is None
    assert [f["billing_info"] for f in crew.get("/api/v1/flights").json()["results"]] == [None]
    for reader in (ops_user, client_a_user):
        assert bearer(reader).get(f"/api/v1/flights/{flight.pk}").json()["billing_info"] == billing


def test_client_user_cannot_reach_crew(client_a_user, client_a, jet):
    member = make_crew("E1")
    flight = book(client_a, jet)
    api = bearer(client_a_user)
    assert api.get("/api/v1/crew").status_code == 403
    assert api.get(f"/api/v1/crew/{member.pk}").status_code in (403, 404)
    assert api.get(f"/api/v1/flights/{flight.pk}/crew/suggestions").status_code == 403


# ---------------------------------------------------------------- role × endpoint matrix

STAFF_OK = {"admin": 200, "ops": 200}
STAFF_CREATE = {"admin": 201, "ops": 201}
MATRIX = [
    ("get", "/api/v1/crew", None, {**STAFF_OK, "crew": 200}),
    (
        "post",
        "/api/v1/crew",
        lambda persona, _: crew_body(employee_id=f"N-{persona}"),
        {"admin": 201, "ops": 201},
    ),
    ("get", "/api/v1/crew/{member}", None, {**STAFF_OK, "*": 404}),
    ("patch", "/api/v1/crew/{member}", {"notes": "x"}, {**STAFF_OK, "*": 404}),
    ("get", "/api/v1/crew/{member}/schedule", None, {**STAFF_OK, "*": 404}),
    (
        "post",
        "/api/v1/crew/{member}/legality",
        lambda _, objects: {"flights": [objects["flight"]], "role": "PIC"},
        {**STAFF_OK, "*": 404},
    ),
    ("get", "/api/v1/crew/assignments", None, {**STAFF_OK, "crew": 200}),
    ("get", "/api/v1/crew/availability", None, {**STAFF_OK, "crew": 200}),
    (
        "get",
        "/api/v1/flights/{flight}/crew",
        None,
        {**STAFF_OK, "crew": 404},
    ),
    ("get", "/api/v1/flights/{flight}/crew/suggestions", None, STAFF_OK),
]


@pytest.fixture
def matrix_objects(client_a, jet):
    member = make_crew("M1")
    return {"member": member.pk, "flight": book(client_a, jet).pk}


@role_matrix(MATRIX)
def test_crew_role_matrix(row, persona, matrix_objects):
    matrix_check(row, persona, matrix_objects)


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_to_one_seat_exactly_one_wins(client_a, profile):
    from tests.builders import make_aircraft

    flight = book(client_a, make_aircraft(tail_number="N901CC"))
    captains = [make_crew(f"C{i}") for i in range(6)]
    outcomes = race(
        [lambda m=m: services.crew_assign(flight=flight, member=m, role="PIC", actor=None) for m in captains]
    )
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert CrewAssignment.objects.filter(flight=flight).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_one_crew_member_on_two_overlapping_flights_at_once_only_one_wins(client_a, profile):
    from tests.builders import make_aircraft

    first = book(client_a, make_aircraft(tail_number="N902CC"))
    second = book(client_a, make_aircraft(tail_number="N903CC"))
    captain = make_crew("C1")
    outcomes = race(
        [
            lambda f=f: services.crew_assign(flight=f, member=captain, role="PIC", actor=None)
            for f in (first, second)
        ]
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    assert CrewAssignment.objects.filter(crew_member=captain).count() == 1


def test_recorded_overrun_owes_the_135_267_e_rest(ops_user, client_a, jet):
    """45 min over the limits (beyond control) → 12 h of rest before the next duty."""
    captain = make_crew("E1")
    flown = book(client_a, jet, at=future(10, 12))
    assignment = services.crew_assign(flight=flown, member=captain, role="PIC", actor=None)
    api = bearer(ops_user)
    url = f"/api/v1/flights/{flown.pk}/crew/{assignment.pk}"
    early = api.patch(url, {"overrun_minutes": 45, "reason": "ATC hold"}, format="json")
    assert early.status_code == 409
    assert early.json()["code"] == "flight_not_flown"
    for status in ("departed", "arrived"):
        flight_status_change(flight=flown, status=status, actor=None)
    flown.refresh_from_db()
    no_reason = api.patch(url, {"overrun_minutes": 45}, format="json")
    assert no_reason.status_code == 400
    recorded = api.patch(url, {"overrun_minutes": 45, "reason": "ATC hold"}, format="json")
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["overrun_minutes"] == 45
    assert api.put(url, {"overrun_minutes": 0}, format="json").status_code == 405
    # the next flight reports 11 h after release: enough after a normal duty, not after this one
    release = flown.actual_on_block + timedelta(minutes=30)
    later = book(client_a, jet, dep="KDJT", arr="KTEB", at=release + timedelta(hours=12))
    response = api.post(
        f"/api/v1/flights/{later.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
    )
    assert response.status_code == 409
    overrun = next(v for v in response.json()["violations"] if v["rule"] == "14 CFR 135.267(e)")
    assert overrun["values"]["required_hours"] == 12
