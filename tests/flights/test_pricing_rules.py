"""Market rules in the pricing engine (docs/rules.md#dynamic-pricing-market-rules): worked
examples with exact totals for each kind and its boundaries, and properties.

The examples reuse the aircraft of tests/flights/test_pricing.py: KTEB-KPBI is 151 block
minutes at 6,000/h = 15,100.00 of flight time, the only charge; the excise tax is 7.5 %.
So a rule of p % adds 151 x p, and total = charges x 1.075 rounded to the cent.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flights.pricing import (
    ADJUSTMENT_KINDS,
    CHARGE_KINDS,
    NO_MARKET,
    RULE_KINDS,
    LegRequest,
    LineOverride,
    Market,
    MarketRule,
    PeakPeriod,
    Quote,
    Region,
    apply_overrides,
    quote,
)
from tests.flights import pricing_cases
from tests.flights.test_pricing import NOW, PBI, TEB, assert_adds_up, make_aircraft, make_table

D = Decimal
ZERO = D(0)
DEPARTS = datetime(2026, 1, 10, 14, 0, tzinfo=UTC)
_ids = itertools.count(1)

US = Region("United States", countries=frozenset({"US"}))
FLORIDA = Region("Florida", subdivisions=frozenset({("US", "Florida")}))
NEW_YORK_AREA = Region("New York area", airports=frozenset({"KTEB", "KHPN"}))
TEB_NJ = dataclasses.replace(TEB, subdivision="New Jersey")
PBI_FL = dataclasses.replace(PBI, subdivision="Florida")


def rule(kind: str, percent: str, **fields: Any) -> MarketRule:
    fields.setdefault("name", f"{kind} {percent}")
    fields.setdefault("valid_from", date(2025, 1, 1))
    return MarketRule(id=next(_ids), kind=kind, percent=D(percent), **fields)  # type: ignore[arg-type]


def priced(
    *rules: MarketRule,
    departs: datetime = DEPARTS,
    now: datetime = NOW,
    reverse: bool = False,
    aircraft: Any = None,
    **market: Any,
) -> Quote:
    table = make_table(market=Market(rules=rules, **market))
    leg = LegRequest(PBI_FL, TEB_NJ, departs, 2) if reverse else LegRequest(TEB_NJ, PBI_FL, departs, 2)
    aircraft = aircraft or make_aircraft(category="heavy", current_location=PBI_FL if reverse else TEB_NJ)
    result = quote(aircraft, [leg], table, now=now)
    assert_adds_up(result)
    return result


def rule_lines(q: Quote) -> list[tuple[str, Decimal]]:
    return [
        (line.kind, line.amount) for line in q.lines if line.kind in (*ADJUSTMENT_KINDS, "minimum_margin")
    ]


def test_no_rule_is_the_plain_price():
    q = priced()
    assert [(line.kind, line.amount) for line in q.lines] == [
        ("flight_time", D("15100.00")),
        ("fet", D("1132.50")),
    ]
    assert q.total == D("16232.50")
    assert q.inputs["market"] == {}


# ------------------------------------------------------------------------ peak dates


def peak(first: date, last: date, region: Region = US, percent: str = "15") -> MarketRule:
    return rule(
        "peak_dates",
        percent,
        name="US holidays",
        region=region,
        peak_periods=(PeakPeriod("Winter break", first, last),),
    )


def test_peak_dates_add_their_percent_and_name_the_rule_and_the_period():
    q = priced(peak(date(2026, 1, 10), date(2026, 1, 12)))
    assert rule_lines(q) == [("peak_dates", D("2265.00"))]
    line = q.lines[1]
    assert line.description == "US holidays: +15 % of 15,100.00 (KTEB-KPBI on 2026-01-10, Winter break)"
    assert q.subtotal == D("17365.00")
    assert q.amount("fet") == D("1302.38")  # 1,302.375 rounded half up
    assert q.total == D("18667.38")


@pytest.mark.parametrize(
    ("first", "last", "applies"),
    [
        (date(2026, 1, 10), date(2026, 1, 10), True),  # a one-day period: first = last = departure day
        (date(2026, 1, 8), date(2026, 1, 10), True),  # the last day is inclusive
        (date(2026, 1, 10), date(2026, 1, 14), True),  # so is the first
        (date(2026, 1, 5), date(2026, 1, 9), False),  # ended the day before
        (date(2026, 1, 11), date(2026, 1, 20), False),  # starts the day after
    ],
)
def test_peak_period_days_are_inclusive(first: date, last: date, applies: bool):
    q = priced(peak(first, last))
    assert q.total == (D("18667.38") if applies else D("16232.50"))


def test_peak_day_is_the_departure_date_in_the_operators_time_zone():
    # 2026-01-10 23:30 UTC is 2026-01-10 18:30 in New York but 2026-01-11 in Athens
    late = DEPARTS.replace(hour=23, minute=30)
    rules = peak(date(2026, 1, 11), date(2026, 1, 11))
    table = make_table(market=Market(rules=(rules,)))
    aircraft = make_aircraft(category="heavy")
    utc = quote(aircraft, [LegRequest(TEB_NJ, PBI_FL, late, 2)], table, now=NOW)
    from zoneinfo import ZoneInfo

    athens = quote(
        aircraft,
        [LegRequest(TEB_NJ, PBI_FL, late, 2)],
        dataclasses.replace(table, day_boundary_tz=ZoneInfo("Europe/Athens")),
        now=NOW,
    )
    assert rule_lines(utc) == []
    assert rule_lines(athens) == [("peak_dates", D("2265.00"))]


def test_peak_region_matches_either_end_by_airport_country_or_subdivision():
    window = (date(2026, 1, 10), date(2026, 1, 10))
    assert rule_lines(priced(peak(*window, region=FLORIDA))) == [("peak_dates", D("2265.00"))]  # arrival
    assert rule_lines(priced(peak(*window, region=NEW_YORK_AREA))) == [
        ("peak_dates", D("2265.00"))
    ]  # departure
    bahamas = Region("Bahamas", countries=frozenset({"BS"}))
    assert rule_lines(priced(peak(*window, region=bahamas))) == []


# ------------------------------------------------------------------------ demand


def demand(threshold: str, percent: str) -> MarketRule:
    return rule("demand", percent, name=f"Demand {threshold} %", threshold_percent=D(threshold))


@pytest.mark.parametrize(
    ("share", "expected"), [("70", D("1510.00")), ("69.99", None), ("100", D("1510.00"))]
)
def test_demand_threshold_applies_from_equality(share: str, expected: Decimal | None):
    q = priced(demand("70", "10"), demand_window_hours=48, demand={("heavy", DEPARTS): D(share)})
    assert rule_lines(q) == ([("demand", expected)] if expected else [])
    if expected:
        assert (
            q.lines[1].description
            == f"Demand 70 %: +10 % of 15,100.00 ({share} % of the category booked within 48 h)"
        )


def test_demand_tiers_apply_only_the_highest_threshold_met():
    rules = (demand("70", "10"), demand("90", "20"))
    q = priced(*rules, demand={("heavy", DEPARTS): D("95")})
    assert rule_lines(q) == [("demand", D("3020.00"))]
    assert q.total == D("19479.00")  # 18,120.00 x 1.075


def test_demand_of_another_category_or_without_a_figure_does_not_apply():
    q = priced(demand("0", "10"), demand={("light", DEPARTS): D("100")})
    assert rule_lines(q) == []
    assert "no booked-share figure for heavy: demand rules judged without it" in q.warnings


# ------------------------------------------------------------------------ routes


def test_route_is_directional_unless_both_ways():
    one_way = rule("route", "-5", name="New York to Florida", region=NEW_YORK_AREA, to_region=FLORIDA)
    both = dataclasses.replace(one_way, id=next(_ids), both_ways=True)
    assert rule_lines(priced(one_way)) == [("route", D("-755.00"))]
    assert priced(one_way).total == D("15420.88")  # 14,345.00 + 1,075.875 -> 1,075.88
    assert rule_lines(priced(one_way, reverse=True)) == []
    assert rule_lines(priced(both, reverse=True)) == [("route", D("-755.00"))]


# ------------------------------------------------------------------------ lead time


@pytest.mark.parametrize(
    ("lead", "applies"),
    [
        (timedelta(hours=47, minutes=59), True),
        (timedelta(hours=48), False),  # the upper bound is exclusive
        (timedelta(hours=2), True),
    ],
)
def test_last_minute_band_is_half_open(lead: timedelta, applies: bool):
    last_minute = rule("lead_time", "12", name="Last minute", max_lead_hours=48)
    q = priced(last_minute, now=DEPARTS - lead)
    assert rule_lines(q) == ([("lead_time", D("1812.00"))] if applies else [])


@pytest.mark.parametrize(("days", "applies"), [(90, True), (89, False)])
def test_far_advance_starts_at_its_lower_bound_inclusive(days: int, applies: bool):
    far = rule("lead_time", "-5", name="Far advance", min_lead_hours=90 * 24)
    q = priced(far, now=DEPARTS - timedelta(days=days))
    assert rule_lines(q) == ([("lead_time", D("-755.00"))] if applies else [])


# ------------------------------------------------------------------------ minimum margin


def margin(percent: str = "30") -> MarketRule:
    return rule("minimum_margin", percent, name="Minimum margin")


def test_minimum_margin_floors_the_charges_at_cost_plus_margin():
    # cost 5,000/h x 151 min = 12,583.33; x 1.30 = 16,358.33 (16,358.329); charges 15,100.00
    q = priced(margin(), operating_costs={7: D("5000")})
    assert rule_lines(q) == [("minimum_margin", D("1258.33"))]
    assert q.subtotal == D("16358.33")
    assert q.total == D("17585.20")  # FET 1,226.87
    floor = q.lines[1]
    assert floor.description == "Minimum margin: minimum price 16,358.33"
    assert "12,583.33" not in floor.description  # the client never reads the cost
    assert any("operating cost 12,583.33" in warning for warning in q.warnings)
    assert q.inputs["market"]["minimum_margin"]["operating_cost"] == "12583.33"


def test_minimum_margin_adds_nothing_when_the_price_covers_it_exactly():
    # 6,000/h x 151 min = 15,100.00 exactly: cost 5,000 x 1.20 is the price itself.
    q = priced(margin("20"), operating_costs={7: D("5000")})
    assert rule_lines(q) == []
    assert q.total == D("16232.50")


def test_minimum_margin_without_an_operating_cost_warns_staff():
    q = priced(margin())
    assert rule_lines(q) == []
    assert "Minimum margin: no operating cost entered for N707JT, not checked" in q.warnings


def test_minimum_margin_judges_the_price_after_the_other_rules():
    q = priced(rule("lead_time", "-20", name="Promo"), margin(), operating_costs={7: D("5000")})
    # 15,100.00 - 3,020.00 = 12,080.00, floored at 16,358.33
    assert rule_lines(q) == [("lead_time", D("-3020.00")), ("minimum_margin", D("4278.33"))]
    assert q.subtotal == D("16358.33")


# ------------------------------------------------------------------------ stacking, caps, dates


def test_rules_stack_additively_in_priority_order_within_the_cap():
    first = rule("lead_time", "40", name="First", priority=1)
    second = rule("route", "30", name="Second", priority=2, region=NEW_YORK_AREA, to_region=FLORIDA)
    third = rule("lead_time", "5", name="Third", priority=3)
    q = priced(third, second, first, cap_up_percent=D("50"))
    # lines appear in kind order; the priority decides which rule the cap cuts
    assert rule_lines(q) == [("route", D("1510.00")), ("lead_time", D("6040.00"))]
    assert q.subtotal == D("22650.00")  # +50 %, not 1.4 x 1.3
    assert "Second: +10 % of the +30 % it asks (adjustments capped at +50 % / -100 %)" in q.warnings
    assert "Third: 0 % of the +5 % it asks (adjustments capped at +50 % / -100 %)" in q.warnings


def test_down_cap_holds_discounts_and_minus_100_gives_zero_not_negative():
    q = priced(rule("lead_time", "-100", name="Free"), cap_down_percent=D("100"))
    assert rule_lines(q) == [("lead_time", D("-15100.00"))]
    assert q.total == D("0.00")
    capped = priced(rule("lead_time", "-100", name="Free"), cap_down_percent=D("30"))
    assert rule_lines(capped) == [("lead_time", D("-4530.00"))]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "applies"),
    [
        (date(2026, 1, 5), None, True),  # from the quote date on
        (date(2026, 1, 6), None, False),
        (date(2025, 12, 1), date(2026, 1, 5), True),  # through valid_to, inclusive
        (date(2025, 12, 1), date(2026, 1, 4), False),
    ],
)
def test_rule_is_in_force_on_quote_dates_valid_from_through_valid_to(valid_from, valid_to, applies):
    q = priced(rule("lead_time", "10", valid_from=valid_from, valid_to=valid_to))  # quoted 2026-01-05
    assert rule_lines(q) == ([("lead_time", D("1510.00"))] if applies else [])


def test_category_rule_applies_to_that_category_only():
    light_only = rule("lead_time", "10", category="light")
    assert rule_lines(priced(light_only)) == []
    assert rule_lines(priced(light_only, aircraft=make_aircraft(category="light"))) == [
        ("lead_time", D("1510.00"))
    ]


def test_rule_lines_are_discounted_taxed_and_overridable_like_other_charges():
    table = make_table(market=Market(rules=(rule("lead_time", "-10", name="Promo"),)))
    q = quote(
        make_aircraft(), [LegRequest(TEB, PBI, DEPARTS, 2)], table, now=NOW, client_discount_percent=D("10")
    )
    assert [(line.kind, line.amount) for line in q.lines] == [
        ("flight_time", D("15100.00")),
        ("lead_time", D("-1510.00")),
        ("client_discount", D("-1359.00")),
        ("fet", D("917.33")),  # 12,231.00 x 7.5 % = 917.325
    ]
    overridden = apply_overrides(q, [LineOverride("lead_time", D("-2000.00"), "match a competitor")])
    assert overridden.amount("lead_time") == D("-2000.00")
    assert_adds_up(overridden)


def test_invalid_rules_are_refused():
    with pytest.raises(ValueError, match="percent must be within"):
        rule("lead_time", "-100.01")
    with pytest.raises(ValueError, match="margin|percent must be within"):
        rule("minimum_margin", "-1")
    with pytest.raises(ValueError, match="needs a region"):
        rule("peak_dates", "10")
    with pytest.raises(ValueError, match="from and a to region"):
        rule("route", "10", region=US)
    with pytest.raises(ValueError, match="max_lead_hours"):
        rule("lead_time", "10", min_lead_hours=48, max_lead_hours=48)
    with pytest.raises(ValueError, match="cap_down_percent"):
        Market(cap_down_percent=D("100.01"))


# ------------------------------------------------------------------------ every rule off


def switched_off_market() -> Market:
    """One rule of every kind that would apply to any itinerary, all switched off."""
    everywhere = Region("Everywhere", countries=frozenset(place.country for place in pricing_cases.PLACES))
    always = (PeakPeriod("All year", date(2000, 1, 1), date(2100, 1, 1)),)
    rules = (
        rule("peak_dates", "50", region=everywhere, peak_periods=always, enabled=False),
        rule("demand", "50", threshold_percent=ZERO, enabled=False),
        rule("route", "50", region=everywhere, to_region=everywhere, both_ways=True, enabled=False),
        rule("lead_time", "-50", enabled=False),
        rule("minimum_margin", "1000", enabled=False),
    )
    assert {r.kind for r in rules} == set(RULE_KINDS)
    return Market(rules=rules, operating_costs={seed: D("100000") for seed in range(pricing_cases.COUNT)})


def test_every_rule_off_gives_the_price_of_the_engine_before_market_rules_exactly():
    golden = json.loads(pricing_cases.GOLDEN.read_text())
    off = switched_off_market()
    for kwargs, before in zip(pricing_cases.cases(), golden, strict=True):
        aircraft, legs, table = kwargs.pop("aircraft"), kwargs.pop("legs"), kwargs.pop("table")
        for market in (NO_MARKET, off):
            after = quote(aircraft, legs, dataclasses.replace(table, market=market), **kwargs)
            assert pricing_cases.record(after) == before


# ------------------------------------------------------------------------ properties

percents = st.decimals(min_value=-100, max_value=1000, places=2)
any_rule = st.builds(
    lambda kind, percent, priority, enabled, threshold, low, span: rule(
        kind,
        str(abs(percent) if kind == "minimum_margin" else percent),
        priority=priority,
        enabled=enabled,
        region=Region("Anywhere", countries=frozenset({"US", "BS", "CA", "MX"})),
        to_region=Region("US", countries=frozenset({"US"})),
        both_ways=True,
        peak_periods=(PeakPeriod("Peak", date(2026, 1, 1), date(2026, 12, 31)),),
        threshold_percent=D(threshold),
        min_lead_hours=low,
        max_lead_hours=None if span is None else low + span,
    ),
    st.sampled_from(RULE_KINDS),
    percents,
    st.integers(0, 5),
    st.booleans(),
    st.integers(0, 100),
    st.integers(0, 24 * 400),
    st.none() | st.integers(1, 24 * 400),
)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, pricing_cases.COUNT - 1),
    rules=st.lists(any_rule, max_size=6),
    cap_up=st.decimals(min_value=0, max_value=1000, places=2),
    cap_down=st.decimals(min_value=0, max_value=100, places=2),
    share=st.decimals(min_value=0, max_value=100, places=2),
    cost=st.decimals(min_value=0, max_value=50000, places=2),
)
def test_rules_never_make_a_price_negative(seed, rules, cap_up, cap_down, share, cost):
    kwargs = pricing_cases.case(seed)
    aircraft = dataclasses.replace(kwargs.pop("aircraft"), category="heavy")
    legs, table = kwargs.pop("legs"), kwargs.pop("table")
    market = Market(
        rules=tuple(rules),
        cap_up_percent=cap_up,
        cap_down_percent=cap_down,
        demand={("heavy", leg.departure_datetime): share for leg in legs},
        operating_costs={aircraft.id: cost},
    )
    q = quote(aircraft, legs, dataclasses.replace(table, market=market), **kwargs)
    assert_adds_up(q)
    charges = sum((line.amount for line in q.lines if line.kind in CHARGE_KINDS), ZERO)
    assert charges >= 0
    assert q.subtotal >= 0
    assert q.total >= 0
    base = sum(
        (
            line.amount
            for line in q.lines
            if line.kind in ("flight_time", "short_leg_minimum", "positioning", "daily_minimum")
        ),
        ZERO,
    )
    adjustments = sum((line.amount for line in q.lines if line.kind in ADJUSTMENT_KINDS), ZERO)
    assert -base * cap_down / 100 - D("0.01") <= adjustments <= base * cap_up / 100 + D("0.01")
    named = {r.name for r in rules}
    for line in q.lines:
        if line.kind in (*ADJUSTMENT_KINDS, "minimum_margin"):
            assert line.description.split(":")[0] in named


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, pricing_cases.COUNT - 1), rules=st.lists(any_rule, max_size=6))
def test_switching_every_rule_off_gives_the_price_without_rules(seed, rules):
    kwargs = pricing_cases.case(seed)
    aircraft, legs, table = kwargs.pop("aircraft"), kwargs.pop("legs"), kwargs.pop("table")
    off = Market(rules=tuple(dataclasses.replace(r, enabled=False) for r in rules))
    plain = quote(aircraft, legs, table, **kwargs)
    switched_off = quote(aircraft, legs, dataclasses.replace(table, market=off), **kwargs)
    assert switched_off.lines == plain.lines
    assert switched_off.total == plain.total
    assert switched_off.warnings == plain.warnings
