"""Market rules in the admin: finance staff add, filter and switch off rules, and keep the
regions' peak calendars, through ``finance.services`` (history names them); refusals show
on the form and write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from finance import services
from finance.models import PeakPeriod, PricingRegion, PricingRule
from tests.builders import admin_login

pytestmark = pytest.mark.django_db

RULES = "/admin/finance/pricingrule/"
REGIONS = "/admin/finance/pricingregion/"


@pytest.fixture
def finance_client(client, finance_user):
    return admin_login(client, finance_user)


def rule_form(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Last minute",
        "kind": "lead_time",
        "is_enabled": "on",
        "priority": "50",
        "percent": "12",
        "category": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "region": "",
        "to_region": "",
        "threshold_percent": "",
        "min_lead_hours": "0",
        "max_lead_hours": "48",
        **fields,
    }


def test_finance_adds_a_rule_in_the_admin_with_history(finance_client, finance_user):
    response = finance_client.post(f"{RULES}add/", rule_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = PricingRule.objects.get()
    assert (rule.kind, rule.percent, rule.max_lead_hours) == ("lead_time", Decimal("12.00"), 48)
    assert rule.history.get().history_user == finance_user


def test_route_rule_without_regions_is_refused_on_the_form(finance_client):
    response = finance_client.post(f"{RULES}add/", rule_form(name="Route", kind="route"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "region" in errors
    assert "to_region" in errors
    assert not PricingRule.objects.exists()


def test_rules_switch_off_by_action_and_filter_by_kind_and_date(finance_client, finance_user):
    today = timezone.localdate()
    on = services.pricing_rule_create(
        actor=None,
        name="Busy",
        kind="demand",
        percent=Decimal("8"),
        threshold_percent=Decimal("70"),
        valid_from=today,
    )
    ended = services.pricing_rule_create(
        actor=None,
        name="Old promo",
        kind="lead_time",
        percent=Decimal("-5"),
        valid_from=date(2020, 1, 1),
        valid_to=date(2020, 12, 31),
    )

    listed = finance_client.get(f"{RULES}?kind__exact=demand")
    assert [row.name for row in listed.context["cl"].result_list] == ["Busy"]
    in_force = finance_client.get(f"{RULES}?in_force=now")
    assert [row.name for row in in_force.context["cl"].result_list] == ["Busy"]
    gone = finance_client.get(f"{RULES}?in_force=ended")
    assert [row.name for row in gone.context["cl"].result_list] == ["Old promo"]

    response = finance_client.post(RULES, {"action": "switch_off", "_selected_action": [on.pk, ended.pk]})
    assert response.status_code == 302
    assert list(PricingRule.objects.order_by("name").values_list("is_enabled", flat=True)) == [False, False]
    on.refresh_from_db()
    assert on.history.first().history_user == finance_user


def test_region_with_its_peak_calendar_inline(finance_client, finance_user):
    body = {
        "name": "Ski resorts",
        "airports": '["KASE", "KEGE"]',
        "countries": "[]",
        "subdivisions": "[]",
        "peak_periods-TOTAL_FORMS": "1",
        "peak_periods-INITIAL_FORMS": "0",
        "peak_periods-0-name": "Ski holidays",
        "peak_periods-0-first_day": "2026-12-19",
        "peak_periods-0-last_day": "2027-01-03",
    }
    response = finance_client.post(f"{REGIONS}add/", body)
    assert response.status_code == 302, response.content[:3000]
    period = PeakPeriod.objects.get()
    assert (period.region.name, period.first_day, period.last_day) == (
        "Ski resorts",
        date(2026, 12, 19),
        date(2027, 1, 3),
    )
    assert period.history.get().history_user == finance_user

    backwards = {**body, "name": "Beaches", "airports": '["KPBI"]', "peak_periods-0-last_day": "2026-12-01"}
    response = finance_client.post(f"{REGIONS}add/", backwards)
    assert response.status_code == 200
    assert PricingRegion.objects.count() == 1
    assert PeakPeriod.objects.count() == 1


def test_region_needs_a_place_and_well_formed_codes(finance_client):
    response = finance_client.post(
        f"{REGIONS}add/",
        {
            "name": "Nowhere",
            "airports": '["teb"]',
            "countries": "[]",
            "subdivisions": "[]",
            "peak_periods-TOTAL_FORMS": "0",
            "peak_periods-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "airports" in response.context["adminform"].form.errors
    assert not PricingRegion.objects.exists()


def test_operations_cannot_open_the_rules(client, ops_user):
    assert admin_login(client, ops_user).get(RULES).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_rules_changelist_query_count_is_constant(size, finance_client, django_assert_max_num_queries):
    north = services.pricing_row_save(row=PricingRegion(name="North", countries=["CA"]), actor=None)
    south = services.pricing_row_save(row=PricingRegion(name="South", countries=["MX"]), actor=None)
    for index in range(size):
        services.pricing_rule_create(
            actor=None,
            name=f"Route {index}",
            kind="route",
            percent=Decimal("3"),
            region=north,
            to_region=south,
            valid_from=date(2026, 1, 1),
        )
    with django_assert_max_num_queries(12):
        response = finance_client.get(RULES)
    assert len(response.context["cl"].result_list) == size
