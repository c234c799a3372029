"""Planning through the API, as the roles that use it: operations plan and file, crew read
their own flights' weight and balance and plan, clients read none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fleet.services import aircraft_update
from flights.services.manifest import manifest_set
from planning import services
from planning.models import FlightPlan, LoadingStation
from tests.builders import bearer, book, make_aircraft
from tests.planning.conftest import passengers_on

pytestmark = pytest.mark.django_db


def url(flight: Any, tail: str) -> str:
    return f"/api/v1/flights/{flight.pk}/{tail}"


def test_ops_computes_a_plan_with_fuel_weights_and_fpl(ops_user: Any, flight: Any) -> None:
    # when
    response = bearer(ops_user).post(url(flight, "plan"), {"alternate": "KFLL"}, format="json")
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    plan = FlightPlan.objects.get(flight=flight)
    assert body["route"] == "DCT"
    assert body["alternate"] == "KFLL"
    assert body["status"] == "planned"
    # Four passengers at the season's standard weight (190 lb May-October, else 195 lb), four
    # bags at 30 lb, one pilot at 190 lb, on the 8,540 lb empty aircraft.
    assert body["weight_balance"]["passengers"] == 4
    assert body["weight_balance"]["weights"] == "standard"
    standard = 190 if 5 <= flight.departure_at.month <= 10 else 195
    zero_fuel = 8540 + 190 + 4 * standard + 4 * 30
    assert body["weight_balance"]["conditions"]["zero_fuel"]["weight_lb"] == f"{zero_fuel}.0"
    assert plan.takeoff_weight_lb == zero_fuel + body["fuel"]["takeoff_lb"]
    fuel = body["fuel"]
    assert fuel["final_reserve_minutes"] == 45
    assert fuel["final_reserve_lb"] == 675
    assert fuel["alternate_lb"] > 0
    assert fuel["block_lb"] == fuel["takeoff_lb"] + fuel["taxi_lb"] == plan.block_fuel_lb
    assert body["fpl_text"].startswith(
        f"(FPL-{flight.aircraft.tail_number}-IN\n-C25B/L-SDFGRWY/S\n-KTEB1400\n"
    )
    assert "\n-KDJT0" in body["fpl_text"]
    assert " KFLL\n" in body["fpl_text"]
    assert body["souls_on_board"] == 5
    assert plan.history.latest().history_user == ops_user


def test_overweight_loading_is_refused_naming_the_limit(ops_user: Any, flight: Any) -> None:
    # given seven heavy passengers (130 kg) with two bags each, and 1,500 lb extra fuel
    passengers_on(flight, flight.client, 7, weight=Decimal("130"), bags=2)
    # when
    response = bearer(ops_user).post(url(flight, "plan"), {"extra_fuel_lb": 1500}, format="json")
    # then
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "planning_limit"
    rules = [v["rule"] for v in body["violations"]]
    assert "MTOW" in rules
    assert "MZFW" in rules
    mtow = next(v for v in body["violations"] if v["rule"] == "MTOW")
    assert "exceeds MTOW 13,870 lb" in mtow["detail"]
    assert "MTOW 13,870 lb" in body["detail"]
    assert not FlightPlan.objects.filter(flight=flight).exists()


def test_weight_balance_read_shows_the_broken_limit_without_refusing(ops_user: Any, flight: Any) -> None:
    passengers_on(flight, flight.client, 7, weight=Decimal("130"), bags=2)
    response = bearer(ops_user).get(url(flight, "weight-balance"))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert body["weights"] == "actual where recorded"
    blocked = [c for c in body["checks"] if c["status"] == "block"]
    assert {c["rule"] for c in blocked} >= {"MZFW"}
    assert body["limits"] == {"mtow_lb": 13870, "mlw_lb": 12750, "mzfw_lb": 10510}


def test_tail_heavy_loading_is_refused_outside_the_envelope(ops_user: Any, flight: Any) -> None:
    # given a re-weighing that moved the empty CG aft to 310 in, the nose compartment closed
    # (no weight allowed), and two passengers at the back with 20 bags (600 lb in the tail)
    aircraft = flight.aircraft
    aircraft_update(aircraft=aircraft, actor=None, basic_empty_arm=Decimal("310.00"))
    nose = LoadingStation.objects.get(loading__aircraft=aircraft, name="Nose baggage")
    services.loading_station_save(loading=nose.loading, actor=None, station=nose, max_weight_lb=0)
    people = list(flight.manifest.values_list("passenger_id", flat=True))[:2]
    manifest_set(
        flight=flight,
        entries=[{"passenger": p, "seat": s, "bags": 10} for p, s in zip(people, ["4A", "3B"], strict=True)],
        actor=None,
    )
    # when
    response = bearer(ops_user).post(url(flight, "plan"), {}, format="json")
    # then: zero fuel 9,720 lb (winter) at about 311 in, behind the aft limit
    assert response.status_code == 409
    violations = response.json()["violations"]
    assert {v["rule"] for v in violations} == {"CG envelope"}
    assert any("Zero-fuel CG" in v["detail"] and "(aft limit)" in v["detail"] for v in violations)
    assert not FlightPlan.objects.filter(flight=flight).exists()


def test_recompute_keeps_the_planner_choices_and_files_by_hand(ops_user: Any, flight: Any) -> None:
    api = bearer(ops_user)
    first = api.post(
        url(flight, "plan"),
        {"route": "dct  j80 sie", "cruise_level_ft": 39000, "distance_nm": 990},
        format="json",
    )
    assert first.status_code == 200, first.json()
    assert first.json()["route"] == "DCT J80 SIE"
    assert first.json()["distance_nm"] == 990
    assert "-N0416F390 DCT J80 SIE\n" in first.json()["fpl_text"]
    again = api.post(url(flight, "plan"), {"extra_fuel_lb": 200}, format="json")
    assert again.json()["route"] == "DCT J80 SIE"
    assert again.json()["distance_nm"] == 990
    assert again.json()["extra_fuel_lb"] == 200
    filed = api.post(url(flight, "plan/file"))
    assert filed.status_code == 200
    assert filed.json()["status"] == "filed"
    assert filed.json()["filing_method"] == "manual"
    assert filed.json()["filed_by"] == "ops"
    twice = api.post(url(flight, "plan/file"))
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_filed"
    # a recomputed plan must be filed again
    assert api.post(url(flight, "plan"), {}, format="json").json()["status"] == "planned"


def test_bad_planner_input_is_a_400_and_changes_nothing(ops_user: Any, flight: Any) -> None:
    api = bearer(ops_user)
    for body, field in (
        ({"route": "DCT-(X)"}, "route"),
        ({"cruise_level_ft": 99000}, "cruise_level_ft"),
        ({"alternate": "ZZZZ"}, "alternate"),
        ({"alternate": "KDJT"}, "alternate"),  # the destination itself
        ({"extra_fuel_lb": -5}, "extra_fuel_lb"),
        ({"surprise": 1}, "surprise"),
    ):
        response = api.post(url(flight, "plan"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"]
    assert not FlightPlan.objects.filter(flight=flight).exists()


def test_filing_without_a_plan_and_planning_without_data_are_conflicts(ops_user: Any, flight: Any) -> None:
    api = bearer(ops_user)
    assert api.post(url(flight, "plan/file")).json()["code"] == "no_plan"
    bare = book(flight.client, make_aircraft(tail_number="N301PL"), days=12)
    response = api.post(url(bare, "plan"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "planning_data_missing"
    assert "basic empty weight" in response.json()["detail"]


def test_crew_read_their_own_flight_only(
    crew_user: Any, crew_on_flight: Any, flight: Any, ops_user: Any, cj3: Any
) -> None:
    bearer(ops_user).post(url(flight, "plan"), {}, format="json")
    api = bearer(crew_user)
    assert api.get(url(flight, "weight-balance")).status_code == 200
    assert api.get(url(flight, "plan")).status_code == 200
    assert api.post(url(flight, "plan"), {}, format="json").status_code == 403
    assert api.post(url(flight, "plan/file")).status_code == 403
    other = book(flight.client, cj3, days=20, dep="KDJT", arr="KTEB")
    assert api.get(url(other, "weight-balance")).status_code == 404
    assert api.get(url(other, "plan")).status_code == 404


def test_clients_read_no_planning(client_a_user: Any, client_b_user: Any, flight: Any) -> None:
    assert bearer(client_a_user).get(url(flight, "weight-balance")).status_code == 403
    assert bearer(client_a_user).get(url(flight, "plan")).status_code == 403
    assert bearer(client_b_user).get(url(flight, "weight-balance")).status_code == 404
    assert bearer(client_a_user).post(url(flight, "plan"), {}, format="json").status_code == 403
    assert not FlightPlan.objects.filter(flight=flight).exists()
