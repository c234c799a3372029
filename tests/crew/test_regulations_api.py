"""The regulatory corrections of the legality engine, tried through the API as the people
who use it: operations asking ``POST /crew/{id}/legality`` and assigning crew, crew members
reporting their flying and who flew their legs. Each test is named after its rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from crew import adapter, services
from crew.models import CrewAssignment, DutyPeriod
from flights.models import Flight
from flights.services.status import flight_status_change
from jetops.critical import operator_context
from tests.builders import bearer, book, future, make_aircraft, make_crew, qualified

pytestmark = pytest.mark.django_db


def legality(user, member, flights, role="PIC"):
    response = bearer(user).post(
        f"/api/v1/crew/{member.pk}/legality",
        {"flights": [f.pk for f in flights], "role": role},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["legal"], {r["rule"]: r for r in body["results"]}


def blocked(results):
    return {rule for rule, r in results.items() if r["status"] == "block"}


def flown(flight, actor=None):
    for status in ("departed", "arrived", "completed"):
        at = {"departed": flight.departure_at, "arrived": flight.arrival_at}.get(status)
        flight_status_change(flight=flight, status=status, actor=actor, at=at)


# ---------------------------------------------------------------- 135.267(b)


def test_135_267_b_ferry_only_duty_in_the_look_back_blocks_a_revenue_leg(ops_user, client_a, jet):
    # given: the captain ferries KTEB-KDJT 21:00-01:00 UTC, a duty of its own (10.5 h of rest
    # follow before the next report)
    captain = make_crew("E1")
    day = future(10, 0)
    ferry = book(
        client_a,
        jet,
        at=day - timedelta(hours=3),
        arrival_at=day + timedelta(hours=1),
        leg_type="positioning",
    )
    services.crew_assign(flight=ferry, member=captain, role="PIC", actor=None)
    # 13:00-19:00 UTC: 6 h, the rest of the 10 h a two-pilot crew may fly; a minute more is
    # over (on a second aircraft of the type, as the first one is booked)
    exactly = book(
        client_a,
        jet,
        dep="KDJT",
        arr="KTEB",
        at=day + timedelta(hours=13),
        arrival_at=day + timedelta(hours=19),
    )
    over = book(
        client_a,
        make_aircraft(current_location="KDJT"),
        dep="KDJT",
        arr="KTEB",
        at=day + timedelta(hours=13),
        arrival_at=day + timedelta(hours=19, minutes=1),
    )

    # when
    legal_exactly, at_limit = legality(ops_user, captain, [exactly])
    legal_over, above = legality(ops_user, captain, [over])

    # then
    window = at_limit["14 CFR 135.267(b)(2)"]
    assert legal_exactly is True
    assert (window["status"], window["values"]["flight_hours"], window["values"]["limit_hours"]) == (
        "warn",
        10.0,
        10.0,
    )
    assert legal_over is False
    assert blocked(above) == {"14 CFR 135.267(b)(2)"}
    assert above["14 CFR 135.267(b)(2)"]["values"]["flight_hours"] == 10.0167
    assert not CrewAssignment.objects.filter(flight__in=[exactly, over]).exists()


def test_135_267_b_other_commercial_flying_is_placed_at_its_block_times(crew_user, ops_user, client_a, jet):
    # given: a revenue leg 13:00-15:40 UTC (2 h 40 min; its look-back starts 15:40 the day
    # before), and a crew member who flew for another operator from 15:40 the day before, in
    # a duty reported at 06:00 that day (where the flying used to be placed: out of sight)
    captain = make_crew("E1", user=crew_user)
    day = future(10, 0)
    revenue = book(
        client_a, jet, at=day + timedelta(hours=13), arrival_at=day + timedelta(hours=15, minutes=40)
    )
    block_out = day - timedelta(hours=8, minutes=20)

    def report_flying(minutes):
        block_in = block_out + timedelta(minutes=minutes)
        return bearer(crew_user).post(
            f"/api/v1/crew/{captain.pk}/duties",
            {
                "kind": "other_commercial",
                "report_at": (day - timedelta(hours=18)).isoformat(),
                "release_at": day.isoformat(),
                "aircraft_type": "C25B",
                "flights": [{"block_out": block_out.isoformat(), "block_in": block_in.isoformat()}],
            },
            format="json",
        )

    # when: 7 h 20 min flown, then 7 h 21 min
    at_limit = report_flying(7 * 60 + 20)
    legal_at_limit, results_at_limit = legality(ops_user, captain, [revenue])
    DutyPeriod.objects.all().delete()
    over = report_flying(7 * 60 + 21)
    legal_over, results_over = legality(ops_user, captain, [revenue])

    # then
    assert (at_limit.status_code, over.status_code) == (201, 201)
    assert at_limit.json()["flights"] == [
        {
            "block_out": block_out.isoformat().replace("+00:00", "Z"),
            "block_in": (block_out + timedelta(minutes=440)).isoformat().replace("+00:00", "Z"),
        }
    ]
    assert (legal_at_limit, results_at_limit["14 CFR 135.267(b)(2)"]["values"]["flight_hours"]) == (
        True,
        10.0,
    )
    assert (legal_over, results_over["14 CFR 135.267(b)(2)"]["values"]["flight_hours"]) == (False, 10.0167)
    assert "14 CFR 135.267(b)(2)" in blocked(results_over)


def test_recorded_flights_must_lie_inside_their_duty(crew_user):
    captain = make_crew("E1", user=crew_user)
    report = future(-3, 6)
    body = {
        "kind": "other_commercial",
        "report_at": report.isoformat(),
        "release_at": (report + timedelta(hours=8)).isoformat(),
        "aircraft_type": "C25B",
        "flights": [
            {
                "block_out": (report + timedelta(hours=7)).isoformat(),
                "block_in": (report + timedelta(hours=9)).isoformat(),
            }
        ],
    }
    api = bearer(crew_user)
    outside = api.post(f"/api/v1/crew/{captain.pk}/duties", body, format="json")
    reversed_times = api.post(
        f"/api/v1/crew/{captain.pk}/duties",
        body | {"flights": [{"block_out": body["flights"][0]["block_in"], "block_in": report.isoformat()}]},
        format="json",
    )
    office = api.post(
        f"/api/v1/crew/{captain.pk}/duties",
        body
        | {"kind": "office", "flights": [{"block_out": report.isoformat(), "block_in": report.isoformat()}]},
        format="json",
    )

    assert outside.status_code == 400
    assert outside.json()["errors"] == {
        "flights": ["Every flight lies inside the duty, from report to release."]
    }
    assert reversed_times.status_code == 400
    assert office.status_code == 400
    assert not DutyPeriod.objects.exists()


def test_135_267_b_limit_follows_the_pilots_assigned(ops_user, client_a, profile):
    # given: a single-pilot aircraft and a 9 h leg
    single = make_aircraft(min_crew=1, range_nautical_miles=3000)
    captain = make_crew("E1")
    first_officer = make_crew("E2", position="first_officer")
    leg = book(client_a, single, at=future(10, 12), arrival_at=future(10, 21))

    # when / then: flown alone, the one-pilot 8 h limit; with a second pilot, 10 h
    alone_legal, alone = legality(ops_user, captain, [leg])
    assert (alone_legal, blocked(alone)) == (False, {"14 CFR 135.267(b)(1)"})
    services.crew_assign(
        flight=leg,
        member=first_officer,
        role="SIC",
        actor=None,
        override_reason="test set-up",
        meta=operator_context("tests"),
    )
    crewed_legal, crewed = legality(ops_user, captain, [leg])
    assert crewed_legal is True
    assert crewed["14 CFR 135.267(b)(2)"]["values"]["flight_hours"] == 9.0


# ---------------------------------------------------------------- 61.57(b)


def test_61_57_b_overnight_transatlantic_leg_needs_night_currency_even_with_both_ends_in_daylight(
    ops_user, client_a, profile, time_machine
):
    # given: 1 June 2027; on 21 June a G650 leaves JFK at 23:00 UTC (19:00 EDT, before
    # sunset) and is on block in Frankfurt at 06:30 UTC (08:30 CEST, after sunrise): both
    # ends in daylight, the middle of the Atlantic in the night period
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=UTC))
    gulfstream = make_aircraft(
        aircraft_type="GLF6",
        range_nautical_miles=7000,
        cruise_speed=488,
        current_location="KJFK",
        seating_capacity=14,
    )
    captain = make_crew("E1", qualifications=qualified("GLF6"), recent_landings="GLF6")
    leg = book(
        client_a,
        gulfstream,
        dep="KJFK",
        arr="EDDF",
        at=datetime(2027, 6, 21, 23, 0, tzinfo=UTC),
        arrival_at=datetime(2027, 6, 22, 6, 30, tzinfo=UTC),
    )

    # when: the captain has day landings only
    legal, results = legality(ops_user, captain, [leg])

    # then
    assert legal is False
    assert blocked(results) == {"14 CFR 61.57(b)"}
    assert "night takeoff and landing currency in GLF6" in results["14 CFR 61.57(b)"]["detail"]
    services.experience_add(
        member=captain,
        actor=None,
        date=timezone.localdate() - timedelta(days=2),
        aircraft_type="GLF6",
        takeoffs=3,
        landings=3,
        night_takeoffs=3,
        night_landings=3,
        source="simulator",
    )
    assert legality(ops_user, captain, [leg])[0] is True


# ---------------------------------------------------------------- 135.273


def out_and_back(client_a, jet, duty_hours):
    """KTEB-KDJT 06:00-12:00 UTC and back from 14:00: one duty from 05:00 of ``duty_hours``."""
    day = future(10, 0)
    out = book(client_a, jet, at=day + timedelta(hours=6), arrival_at=day + timedelta(hours=12))
    back_on_block = day + timedelta(hours=5 + duty_hours, minutes=-30)
    back = book(client_a, jet, dep="KDJT", arr="KTEB", at=day + timedelta(hours=14), arrival_at=back_on_block)
    return out, back


def test_135_273_b_4_a_single_attendant_cannot_be_assigned_a_16_hour_duty(ops_user, client_a, jet):
    # given: two legs making a 16 h duty (report 05:00, release 21:00 UTC)
    out, back = out_and_back(client_a, jet, 16)
    first, second = make_crew("F1", position="flight_attendant"), make_crew("F2", position="flight_attendant")
    api = bearer(ops_user)

    def assign(flight, member):
        return api.post(
            f"/api/v1/flights/{flight.pk}/crew", {"crew_member": member.pk, "role": "FA"}, format="json"
        )

    # when: one attendant on both legs
    assert assign(out, first).status_code == 201
    refused = assign(back, first)

    # then
    assert refused.status_code == 409
    assert [v["rule"] for v in refused.json()["violations"]] == ["14 CFR 135.273(b)(4)"]
    assert not CrewAssignment.objects.filter(flight=back).exists()
    # planned to carry two attendants, the flight gives each of them the extra one
    assert api.patch(f"/api/v1/flights/{back.pk}", {"flight_attendants": 2}, format="json").status_code == 200
    api.patch(f"/api/v1/flights/{out.pk}", {"flight_attendants": 2}, format="json")
    assert [assign(f, m).status_code for f, m in ((back, first), (out, second), (back, second))] == [201] * 3
    assert [a.violations for a in CrewAssignment.objects.filter(flight=back)] == [[], []]


def test_135_273_b_1_a_single_attendant_may_work_14_hours(ops_user, client_a, jet):
    out, back = out_and_back(client_a, jet, 14)
    attendant = make_crew("F1", position="flight_attendant")
    services.crew_assign(flight=out, member=attendant, role="FA", actor=None)

    legal, results = legality(ops_user, attendant, [back], role="FA")

    assert legal is True
    assert results["14 CFR 135.273(b)(1)"]["values"]["duty_hours"] == 14.0


# ---------------------------------------------------------------- 61.57(a): the pilot flying


def recency_of(member):
    return adapter.experience_by_member([member.pk], timezone.localdate()).get(member.pk, [])


def test_61_57_a_recency_counts_for_the_pilot_flying(crew_user, ops_user, client_a, jet):
    # given: a leg flown three days ago by a captain and a first officer
    captain = make_crew("E1", recent_landings=None)
    first_officer = make_crew("E2", position="first_officer", recent_landings=None, user=crew_user)
    past = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=3)
    leg = book(client_a, jet, at=future(10, 14))
    pic = services.crew_assign(
        flight=leg,
        member=captain,
        role="PIC",
        actor=None,
        override_reason="test set-up",
        meta=operator_context("tests"),
    )
    sic = services.crew_assign(
        flight=leg,
        member=first_officer,
        role="SIC",
        actor=None,
        override_reason="test set-up",
        meta=operator_context("tests"),
    )
    Flight.objects.filter(pk=leg.pk).update(
        departure_at=past, arrival_at=past + timedelta(hours=2), busy_until=past + timedelta(hours=3)
    )
    leg.refresh_from_db()
    flown(leg)

    # then: by default the PIC flew it
    assert [e.landings for e in recency_of(captain)] == [1]
    assert recency_of(first_officer) == []

    # when: the first officer records in self-service that they flew it
    url = f"/api/v1/flights/{leg.pk}/crew/{sic.pk}/pilot-flying"
    response = bearer(crew_user).post(url)

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["pilot_flying"] is True
    assert [e.landings for e in recency_of(first_officer)] == [1]
    assert recency_of(captain) == []
    assert CrewAssignment.objects.get(pk=sic.pk).history.latest().history_user == crew_user
    # the crew member cannot record it on another pilot's assignment (not visible: 404)
    assert bearer(crew_user).post(f"/api/v1/flights/{leg.pk}/crew/{pic.pk}/pilot-flying").status_code == 404
    # operations can give it back to the captain
    assert bearer(ops_user).post(f"/api/v1/flights/{leg.pk}/crew/{pic.pk}/pilot-flying").status_code == 200
    assert list(CrewAssignment.objects.filter(flight=leg, pilot_flying=True)) == [pic]
    assert [e.landings for e in recency_of(captain)] == [1]


def test_pilot_flying_is_recorded_only_for_a_pilot_of_a_flown_leg(ops_user, client_a, jet):
    captain = make_crew("E1")
    attendant = make_crew("F1", position="flight_attendant")
    leg = book(client_a, jet)
    pic = services.crew_assign(flight=leg, member=captain, role="PIC", actor=None)
    fa = services.crew_assign(flight=leg, member=attendant, role="FA", actor=None)
    api = bearer(ops_user)

    not_flown = api.post(f"/api/v1/flights/{leg.pk}/crew/{pic.pk}/pilot-flying")
    Flight.objects.filter(pk=leg.pk).update(status="completed")
    not_a_pilot = api.post(f"/api/v1/flights/{leg.pk}/crew/{fa.pk}/pilot-flying")

    assert (not_flown.status_code, not_flown.json()["code"]) == (409, "flight_not_flown")
    assert not_a_pilot.status_code == 400
    assert not CrewAssignment.objects.filter(pilot_flying=True).exists()


# ---------------------------------------------------------------- IFR: 135.297 and 61.57(c)


def instrument_tasks_logged(member):
    """Six approaches, holding and tracking four days ago: 61.57(c) current."""
    services.experience_add(
        member=member,
        actor=None,
        date=timezone.localdate() - timedelta(days=4),
        aircraft_type="C25B",
        approaches=6,
        holding=1,
        intercepting_tracking=1,
        source="simulator",
    )


def without(kind):
    quals = qualified()
    quals["recurrent_training"] = [t for t in quals["recurrent_training"] if t["kind"] != kind]
    return quals


def test_135_297_applies_to_the_pic_of_an_ifr_flight_only(ops_user, client_a, jet):
    # given: a captain without an instrument proficiency check, current on instruments by
    # tasks logged
    captain = make_crew("E1", qualifications=without("instrument_proficiency_check"))
    instrument_tasks_logged(captain)
    body = {
        "client_id": client_a.pk,
        "aircraft_id": jet.pk,
        "departure": {"airport": "KTEB", "datetime": future(10, 14).isoformat()},
        "arrival": {"airport": "KDJT", "datetime": future(10, 17).isoformat()},
        "ifr": False,
    }
    api = bearer(ops_user)

    # when: the flight is booked as VFR
    created = api.post("/api/v1/flights", body, format="json")
    assert created.status_code == 201, created.json()
    leg = Flight.objects.get(pk=created.json()["id"])
    vfr_legal, vfr = legality(ops_user, captain, [leg])
    assigned = api.post(
        f"/api/v1/flights/{leg.pk}/crew", {"crew_member": captain.pk, "role": "PIC"}, format="json"
    )
    # then it becomes IFR: the assignment is judged again
    changed = api.patch(f"/api/v1/flights/{leg.pk}", {"ifr": True}, format="json")

    # then
    assert (created.status_code, created.json()["ifr"]) == (201, False)
    assert (vfr_legal, vfr["14 CFR 135.297"]["values"]) == (True, {"applicable": False})
    assert assigned.status_code == 201
    assert (changed.status_code, changed.json()["ifr"]) == (200, True)
    (assignment,) = CrewAssignment.objects.filter(flight=leg)
    assert [v["rule"] for v in assignment.violations] == ["14 CFR 135.297"]


def test_61_57_c_instrument_currency_is_enforced_for_ifr_flights(ops_user, client_a, jet):
    # given: a first officer with no instrument tasks and no proficiency check
    first_officer = make_crew(
        "E2",
        position="first_officer",
        qualifications=without("instrument_proficiency_check")
        | {"ratings": [{"aircraft_type": "C25B", "role": "SIC"}]},
    )
    ifr = book(client_a, jet)
    vfr = book(client_a, make_aircraft(), ifr=False)

    # when
    ifr_legal, ifr_results = legality(ops_user, first_officer, [ifr], role="SIC")
    vfr_legal, _ = legality(ops_user, first_officer, [vfr], role="SIC")

    # then
    assert (ifr_legal, blocked(ifr_results)) == (False, {"14 CFR 135.245(a)"})
    assert vfr_legal is True
    instrument_tasks_logged(first_officer)
    assert legality(ops_user, first_officer, [ifr], role="SIC")[0] is True


def test_the_database_keeps_flights_in_flying_duties_and_one_pilot_flying(client_a, jet):
    captain, first_officer = make_crew("E1"), make_crew("E2", position="first_officer")
    leg = book(client_a, jet)
    pic = services.crew_assign(flight=leg, member=captain, role="PIC", actor=None)
    sic = services.crew_assign(flight=leg, member=first_officer, role="SIC", actor=None)
    start = future(-2, 6)
    flights = [{"block_out": start.isoformat(), "block_in": (start + timedelta(hours=1)).isoformat()}]

    with pytest.raises(IntegrityError), transaction.atomic():
        DutyPeriod.objects.create(
            crew_member=captain,
            kind="office",
            report_at=start,
            release_at=start + timedelta(hours=2),
            flights=flights,
        )
    CrewAssignment.objects.filter(pk=pic.pk).update(pilot_flying=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CrewAssignment.objects.filter(pk=sic.pk).update(pilot_flying=True)
    assert DutyPeriod.objects.count() == 0


def test_a_duty_reported_with_a_lower_case_type_is_stored_upper_case(crew_user, ops_user):
    captain = make_crew("E9", user=crew_user)
    day = future(20, 0)
    response = bearer(crew_user).post(
        f"/api/v1/crew/{captain.pk}/duties",
        {
            "kind": "other_commercial",
            "report_at": (day - timedelta(hours=10)).isoformat(),
            "release_at": day.isoformat(),
            "aircraft_type": "c25b",
            "flights": [
                {
                    "block_out": (day - timedelta(hours=8)).isoformat(),
                    "block_in": (day - timedelta(hours=6)).isoformat(),
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aircraft_type"] == "C25B"
    assert DutyPeriod.objects.get(pk=response.json()["id"]).aircraft_type == "C25B"
    refused = bearer(crew_user).post(
        f"/api/v1/crew/{captain.pk}/duties",
        {
            "kind": "other_commercial",
            "report_at": day.isoformat(),
            "release_at": day.isoformat(),
            "aircraft_type": "c25b!",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "aircraft_type" in refused.json()["errors"]
