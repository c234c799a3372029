"""Market pricing rules through the API (docs/rules.md#dynamic-pricing-market-rules):
who may list, add and change them, refusals, filters and query-count guards; and quotes
showing the rule lines to clients without the staff-only figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance import services
from finance.models import AircraftOperatingCost, PricingRegion, PricingRule
from flights.models import Quote
from flights.quoting import booked_shares
from tests.builders import bearer, book, future, make_aircraft

pytestmark = pytest.mark.django_db

URL = "/api/v1/pricing/rules"
LAST_MINUTE = {
    "name": "Last minute",
    "kind": "lead_time",
    "percent": "12.00",
    "max_lead_hours": 48,
    "valid_from": "2026-01-01",
}


def region(name: str, **lists: Any) -> PricingRegion:
    return services.pricing_row_save(row=PricingRegion(name=name, **lists), actor=None)


def rule(**fields: Any) -> PricingRule:
    fields.setdefault("valid_from", date(2026, 1, 1))
    return services.pricing_rule_create(actor=None, **fields)


def test_finance_adds_and_switches_off_a_rule_with_history(finance_user):
    api = bearer(finance_user)
    response = api.post(URL, LAST_MINUTE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["percent"] == "12.00"
    assert body["is_enabled"] is True
    created = PricingRule.objects.get()
    assert created.history.get().history_user == finance_user

    response = api.patch(f"{URL}/{created.pk}", {"is_enabled": False}, format="json")
    assert response.status_code == 200
    assert response.json()["is_enabled"] is False
    latest = PricingRule.objects.get().history.first()
    assert latest.history_user == finance_user
    assert latest.is_enabled is False


@pytest.mark.parametrize(
    ("persona", "list_status", "create_status"),
    [
        ("finance_user", 200, 201),
        ("admin_user", 200, 201),
        ("cs_user", 200, 403),  # client services read the finance tables
        ("ops_user", 403, 403),
        ("maintenance_user", 403, 403),
        ("crew_user", 403, 403),
        ("client_a_user", 403, 403),
    ],
)
def test_rules_are_staff_data_only_finance_writes(request, persona, list_status, create_status):
    existing = rule(name="Far advance", kind="lead_time", percent=Decimal("-5"), min_lead_hours=2160)
    api = bearer(request.getfixturevalue(persona))

    assert api.get(URL).status_code == list_status
    assert api.post(URL, LAST_MINUTE, format="json").status_code == create_status
    changed = api.patch(f"{URL}/{existing.pk}", {"is_enabled": False}, format="json")
    assert changed.status_code == (200 if create_status == 201 else {200: 403}.get(list_status, 404))
    if create_status == 403:
        assert list(PricingRule.objects.values_list("name", "is_enabled")) == [("Far advance", True)]


def test_anonymous_is_refused(anon):
    assert anon.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No destination", "kind": "route", "percent": "5", "region": None}, "region"),
        ({"name": "Too low", "kind": "lead_time", "percent": "-100.01"}, "percent"),
        (
            {
                "name": "Backwards",
                "kind": "lead_time",
                "percent": "5",
                "valid_from": "2026-05-02",
                "valid_to": "2026-05-01",
            },
            "valid_to",
        ),
        ({"name": "No threshold", "kind": "demand", "percent": "5"}, "threshold_percent"),
        ({"name": "Negative margin", "kind": "minimum_margin", "percent": "-1"}, "percent"),
        (
            {
                "name": "Empty band",
                "kind": "lead_time",
                "percent": "5",
                "min_lead_hours": 48,
                "max_lead_hours": 48,
            },
            "max_lead_hours",
        ),
        ({**LAST_MINUTE, "operating_cost": "1"}, "operating_cost"),
    ],
)
def test_bad_rules_are_400_on_the_field_and_write_nothing(finance_user, body, field):
    response = bearer(finance_user).post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not PricingRule.objects.exists()


def test_list_filters_by_kind_switch_and_date(finance_user):
    rule(name="Demand", kind="demand", percent=Decimal("10"), threshold_percent=Decimal("70"))
    rule(name="Old promo", kind="lead_time", percent=Decimal("-5"), valid_to=date(2026, 2, 1))
    rule(name="Off", kind="lead_time", percent=Decimal("5"), is_enabled=False)
    api = bearer(finance_user)

    def names(query: str) -> list[str]:
        return [row["name"] for row in api.get(f"{URL}?{query}").json()["results"]]

    assert names("kind=demand") == ["Demand"]
    assert names("is_enabled=false") == ["Off"]
    assert sorted(names("in_force_on=2026-03-01")) == ["Demand", "Off"]
    assert sorted(names("in_force_on=2026-02-01")) == ["Demand", "Off", "Old promo"]


@pytest.mark.parametrize("size", [3, 40])
def test_list_query_count_is_constant(size, finance_user, django_assert_max_num_queries):
    north, south = region("North", countries=["CA"]), region("South", countries=["MX"])
    for index in range(size):
        rule(name=f"Route {index}", kind="route", percent=Decimal("3"), region=north, to_region=south)
    api = bearer(finance_user)
    with django_assert_max_num_queries(5):  # user, role permissions, count, page
        response = api.get(f"{URL}?page_size=100")
    assert response.json()["count"] == size
    assert response.json()["results"][0]["to_region_name"] == "South"


# ------------------------------------------------------------------------ quotes


def quote_body(client_id: int, days: int = 10) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "legs": [
            {
                "departure_airport": "KTEB",
                "arrival_airport": "KPBI",
                "departure_datetime": future(days, 14).isoformat(),
                "passengers": 2,
            }
        ],
    }


def test_client_sees_the_rule_lines_but_not_the_operating_cost(client_a_user, cs_user, client_a, jet):
    florida = region("Florida", subdivisions=["US/Florida"])
    new_york = region("New York area", airports=["KTEB", "KHPN"])
    rule(name="Snowbirds", kind="route", percent=Decimal("6"), region=new_york, to_region=florida)
    rule(name="Minimum margin", kind="minimum_margin", percent=Decimal("25"))
    services.pricing_row_save(
        row=AircraftOperatingCost(aircraft=jet, cost_per_block_hour=Decimal("9000.00")), actor=None
    )

    response = bearer(client_a_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json")

    assert response.status_code == 201, response.json()
    option = response.json()["candidates"][0]
    lines = {line["kind"]: line for line in option["lines"]}
    flight_time = Decimal(lines["flight_time"]["amount"])
    assert Decimal(lines["route"]["amount"]) == (flight_time * Decimal("0.06")).quantize(Decimal("0.01"))
    assert lines["route"]["description"].startswith("Snowbirds: +6 % of ")
    assert lines["minimum_margin"]["description"].startswith("Minimum margin: minimum price ")
    assert set(lines["minimum_margin"]) == {"kind", "description", "amount"}
    assert "9,000" not in response.content.decode()  # no operating cost anywhere the client reads
    assert "operating" not in response.content.decode()
    assert option["warnings"] == []

    staff = bearer(cs_user).get(f"/api/v1/quotes/{response.json()['id']}").json()
    warnings = staff["candidates"][0]["warnings"]
    assert any(w.startswith("Minimum margin: operating cost ") for w in warnings)


def test_switching_a_rule_off_gives_the_price_without_it(cs_user, finance_user, client_a, jet):
    api = bearer(cs_user)
    plain = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    last_minute = rule(name="Everything", kind="lead_time", percent=Decimal("10"))
    with_rule = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    bearer(finance_user).patch(f"{URL}/{last_minute.pk}", {"is_enabled": False}, format="json")
    off = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()

    def total(body: dict[str, Any]) -> Decimal:
        return Decimal(body["candidates"][0]["total"]["amount"])

    assert total(with_rule) > total(plain)
    assert total(off) == total(plain)
    assert [line["kind"] for line in off["candidates"][0]["lines"]] == [
        line["kind"] for line in plain["candidates"][0]["lines"]
    ]


def test_demand_reads_the_share_of_the_category_booked_around_the_departure(cs_user, client_a, jet):
    other = make_aircraft(tail_number="N101JA", current_location="KTEB")
    book(client_a, other, at=future(10, 9))  # one of two light jets busy the morning of the departure
    rule(name="Busy light jets", kind="demand", percent=Decimal("10"), threshold_percent=Decimal("50"))

    near = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk, days=10), format="json")
    far = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk, days=20), format="json")

    near_lines = {line["kind"]: line for line in near.json()["candidates"][0]["lines"]}
    assert near_lines["demand"]["description"].endswith("(50 % of the category booked within 48 h)")
    assert "demand" not in {line["kind"] for line in far.json()["candidates"][0]["lines"]}


def test_booked_share_window_is_half_open(profile, client_a):
    light = make_aircraft(tail_number="N100JA")
    make_aircraft(tail_number="N101JA")
    flight = book(client_a, light, at=future(10, 9))
    window = timedelta(hours=48)
    ends_at_start = flight.busy_until + window  # the flight ends exactly where the window starts
    starts_at_end = flight.departure_at - window  # the flight starts exactly where it ends

    shares = booked_shares([ends_at_start, ends_at_start - timedelta(minutes=1), starts_at_end], window)

    assert shares[("light", ends_at_start)] == Decimal("0.00")
    assert shares[("light", ends_at_start - timedelta(minutes=1))] == Decimal("50.00")
    assert shares[("light", starts_at_end)] == Decimal("0.00")


def test_quote_queries_do_not_grow_with_history(cs_user, client_a, jet):
    florida = region("Florida", subdivisions=["US/Florida"], countries=[])
    rule(name="Peak", kind="peak_dates", percent=Decimal("10"), region=florida)
    rule(name="Demand", kind="demand", percent=Decimal("10"), threshold_percent=Decimal("10"))
    rule(name="Margin", kind="minimum_margin", percent=Decimal("10"))
    other = make_aircraft(tail_number="N101JA", current_location="KTEB")
    api = bearer(cs_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                api.post("/api/v1/flights/quote", quote_body(client_a.pk, days=30), format="json").status_code
                == 201
            )
        return len(captured)

    def booked(days: range) -> None:
        for day in days:
            there, back = ("KTEB", "KDJT") if day % 2 == 0 else ("KDJT", "KTEB")
            book(client_a, other, at=future(day, 9), dep=there, arr=back)

    booked(range(2, 4))
    queries()  # the first quote also starts the year's number sequence
    few = queries()
    booked(range(4, 16))
    assert queries() == few
    assert Quote.objects.count() == 3
