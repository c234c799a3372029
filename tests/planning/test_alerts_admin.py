"""The weather check (Celery beat task) and the planning admin, through their public paths."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from planning.models import AircraftLoading, FlightPlan, LoadingStation, WeatherAlert
from planning.tasks import weather_alerts_task
from tests.admin_forms import shown
from tests.builders import admin_login, book
from tests.planning.conftest import loaded_jet

pytestmark = pytest.mark.django_db


def test_weather_check_alerts_operations_once(settings: Any, profile: Any, client_a: Any) -> None:
    # given a flight tomorrow into Van Nuys, whose shipped reports open with 2SM BR OVC006 (IFR)
    jet = loaded_jet(tail_number="N302PL", current_location="KLAS")
    flight = book(client_a, jet, days=1, hour=2, dep="KLAS", arr="KVNY")
    # when the hourly check runs twice
    assert weather_alerts_task.delay().get() >= 1
    assert weather_alerts_task.delay().get() == 0
    # then operations got one e-mail per finding, recorded once
    alerts = list(WeatherAlert.objects.filter(flight=flight))
    assert {a.airport_id for a in alerts} == {"KVNY"}
    assert len(mail.outbox) == len(alerts)
    assert mail.outbox[0].to == [settings.OPERATIONS_EMAIL]
    assert flight.flight_number in mail.outbox[0].subject


def test_weather_check_ignores_flights_beyond_48_hours(profile: Any, client_a: Any) -> None:
    book(client_a, loaded_jet(tail_number="N303PL", current_location="KLAS"), days=4, dep="KLAS", arr="KVNY")
    assert weather_alerts_task.delay().get() == 0
    assert not WeatherAlert.objects.exists()


def test_ops_edit_loading_data_and_stations_in_the_admin(client: Any, ops_user: Any, cj3: Any) -> None:
    admin_login(client, ops_user)
    loading = AircraftLoading.objects.get(aircraft=cj3)
    page = client.get(f"/admin/planning/aircraftloading/{loading.pk}/change/")
    data = shown(page)
    data["taxi_fuel_lb"] = "110"
    nose_index = next(i for i in range(20) if data.get(f"stations-{i}-name") == "Nose baggage")
    # a bad envelope is refused on its field, nothing saved
    bad = {**data, "envelope": "[[285, 8500], [291, 13870]]"}
    response = client.post(f"/admin/planning/aircraftloading/{loading.pk}/change/", bad)
    assert response.status_code == 200
    assert "at least three vertices" in response.content.decode()
    # a good change saves through the service, with the history naming the user
    data[f"stations-{nose_index}-max_weight_lb"] = "250"
    response = client.post(f"/admin/planning/aircraftloading/{loading.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    loading.refresh_from_db()
    assert loading.taxi_fuel_lb == 110
    assert loading.history.latest().history_user == ops_user
    nose = LoadingStation.objects.get(loading=loading, name="Nose baggage")
    assert nose.max_weight_lb == 250
    assert nose.history.latest().history_user == ops_user


def test_admin_actions_recompute_and_file_plans(client: Any, ops_user: Any, flight: Any) -> None:
    from planning import services

    services.flight_plan_compute(flight=flight, actor=ops_user)
    plan = FlightPlan.objects.get(flight=flight)
    admin_login(client, ops_user)
    response = client.post(
        "/admin/planning/flightplan/", {"action": "file", "_selected_action": [plan.pk]}, follow=True
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "filed"
    assert plan.filed_by == ops_user
    # filing again is refused with a message naming the flight, nothing changes
    response = client.post(
        "/admin/planning/flightplan/", {"action": "file", "_selected_action": [plan.pk]}, follow=True
    )
    assert (
        f"{flight.flight_number}: The plan of {flight.flight_number} is already filed"
        in response.content.decode()
    )


@pytest.mark.parametrize("count", [1, 6])
def test_plan_and_alert_lists_at_a_fixed_query_count(
    client: Any, ops_user: Any, profile: Any, client_a: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    from planning import services

    jet = loaded_jet(tail_number="N304PL")
    for n in range(count):
        leg = (
            book(client_a, jet, days=3 + 2 * n, dep="KTEB", arr="KDJT")
            if n % 2 == 0
            else book(client_a, jet, days=3 + 2 * n, dep="KDJT", arr="KTEB")
        )
        services.flight_plan_compute(flight=leg, actor=None)
        WeatherAlert.objects.create(
            flight=leg, airport_id="KDJT", category="IFR", forecast_for=leg.arrival_at, detail="test"
        )
    admin_login(client, ops_user)
    for path in ("/admin/planning/flightplan/", "/admin/planning/weatheralert/"):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200
