"""The pure planning rules with worked examples (docs/rules.md#weight-and-balance,
docs/rules.md#fuel, docs/rules.md#flight-plan) and their properties."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning import fpl
from planning.fuel import BurnProfile, FuelPolicy, minutes_for, plan_fuel, tank_check
from planning.loading import Compartment, Person, SeatStation, place, standard_weight
from planning.weight_balance import Limits, LoadItem, evaluate, interpolate_arm, point_in_polygon

# A light jet's envelope (arm in, weight lb): forward limit 285 in at 8,500 lb moving to 291 in
# at MTOW, aft limit 311 in at 8,500 lb moving to 309 in at MTOW.
ENVELOPE = ((D(285), D(8500)), (D(291), D(13870)), (D(309), D(13870)), (D(311), D(8500)))
LIMITS = Limits(mtow=D(13870), mlw=D(12750), mzfw=D(10510), envelope=ENVELOPE)
EMPTY = LoadItem("Basic empty weight", D(8540), D(307), "empty")
FUEL_ARMS = ((D(0), D(300)), (D(2000), D(303)), (D(4710), D(306)))


def test_point_in_polygon_counts_the_boundary_as_inside() -> None:
    square = ((D(0), D(0)), (D(10), D(0)), (D(10), D(10)), (D(0), D(10)))
    assert point_in_polygon(D(5), D(5), square)
    assert point_in_polygon(D(0), D(0), square)  # a vertex
    assert point_in_polygon(D(10), D(3), square)  # an edge
    assert not point_in_polygon(D("10.0001"), D(3), square)
    assert not point_in_polygon(D(-1), D(5), square)
    assert not point_in_polygon(D(1), D(1), square[:2])  # not a polygon


def test_point_on_a_sloping_envelope_edge_is_inside() -> None:
    # Forward limit from (285, 8500) to (291, 13870): its midpoint (288, 11185) is allowed.
    assert point_in_polygon(D(288), D(11185), ENVELOPE)
    assert not point_in_polygon(D("287.99"), D(11185), ENVELOPE)


@given(
    x=st.decimals(min_value=-50, max_value=50, places=2),
    y=st.decimals(min_value=-50, max_value=50, places=2),
)
def test_point_in_a_rectangle_matches_the_bounds(x: D, y: D) -> None:
    rect = ((D(-10), D(-20)), (D(30), D(-20)), (D(30), D(40)), (D(-10), D(40)))
    assert point_in_polygon(x, y, rect) == (-10 <= x <= 30 and -20 <= y <= 40)
    assert point_in_polygon(x, y, tuple(reversed(rect))) == point_in_polygon(x, y, rect)


def test_fuel_arm_is_interpolated_and_held_at_the_ends() -> None:
    assert interpolate_arm(FUEL_ARMS, D(1000)) == D("301.5")
    assert interpolate_arm(FUEL_ARMS, D(0)) == D(300)
    assert interpolate_arm(FUEL_ARMS, D(9000)) == D(306)


def _cabin(passengers: int, bags: int) -> list[LoadItem]:
    """One pilot at 131 in; passengers in pairs at 200, 240, 275 in; bags in the nose at 60 in."""
    arms = [D(200), D(200), D(240), D(240), D(275), D(275), D(300)]
    items = [LoadItem("PIC", D(190), D(131), "crew")]
    items += [LoadItem(f"P{n}", D(190), arms[n], "passenger") for n in range(passengers)]
    if bags:
        items.append(LoadItem("Nose baggage", D(30 * bags), D(60), "baggage"))
    return items


def test_worked_example_inside_the_envelope() -> None:
    # Zero fuel: 8,540 + 190 + 4 × 190 + 4 × 30 = 9,610 lb; moment 2,821,070 → CG 293.56 in.
    # Take-off with 3,000 lb of fuel at 304.11 in (the tank table at 3,000 lb): 12,610 lb,
    # CG 296.07 in (limits there 289.59 and 309.53 in). Landing after 1,200 lb of trip fuel:
    # 11,410 lb, CG 295.00 in.
    result = evaluate(
        empty=EMPTY,
        payload=_cabin(4, 4),
        takeoff_fuel=D(3000),
        trip_fuel=D(1200),
        fuel_arms=FUEL_ARMS,
        limits=LIMITS,
    )
    assert result.zero_fuel.weight == D(9610)
    assert result.zero_fuel.moment == D(2821070)
    assert result.zero_fuel.cg == D("293.56")
    assert result.takeoff.weight == D(12610)
    assert result.takeoff.cg == D("296.07")
    assert result.landing.weight == D(11410)
    assert result.landing.cg == D("295.00")
    assert result.ok
    assert [c.rule for c in result.checks] == [
        "MZFW",
        "CG envelope",
        "MTOW",
        "CG envelope",
        "MLW",
        "CG envelope",
    ]


def test_worked_example_over_mtow_names_the_limit() -> None:
    # Seven passengers, seven bags and full tanks: 10,270 + 4,710 = 14,980 lb > 13,870 lb.
    result = evaluate(
        empty=EMPTY,
        payload=_cabin(7, 7),
        takeoff_fuel=D(4710),
        trip_fuel=D(1500),
        fuel_arms=FUEL_ARMS,
        limits=LIMITS,
    )
    assert not result.ok
    (block,) = [c for c in result.blocks if c.rule == "MTOW"]
    assert block.message == "Take-off weight 14,980 lb exceeds MTOW 13,870 lb by 1,110 lb."
    assert block.limit == D(13870)
    assert [c.message for c in result.blocks if c.rule != "MTOW"] == [
        "Take-off CG 295.68 in at 14,980 lb is outside the CG envelope (above its maximum weight).",
        "Landing weight 13,480 lb exceeds MLW 12,750 lb by 730 lb.",
    ]


def test_worked_example_outside_the_envelope_aft() -> None:
    # A pilot and 1,000 lb of cargo in the tail at 400 in: zero fuel 9,730 lb, moment
    # 3,046,670, CG 313.12 in, behind the aft limit (310.54 in at that weight); with 1,500 lb
    # of fuel at 302.25 in, 311.67 in; landing with 900 lb at 301.35 in, 312.12 in.
    payload = [LoadItem("PIC", D(190), D(131), "crew"), LoadItem("Tail cargo", D(1000), D(400), "baggage")]
    result = evaluate(
        empty=EMPTY,
        payload=payload,
        takeoff_fuel=D(1500),
        trip_fuel=D(600),
        fuel_arms=FUEL_ARMS,
        limits=LIMITS,
    )
    assert [c.message for c in result.blocks] == [
        "Zero-fuel CG 313.12 in at 9,730 lb is outside the CG envelope (aft limit).",
        "Take-off CG 311.67 in at 11,230 lb is outside the CG envelope (aft limit).",
        "Landing CG 312.12 in at 10,630 lb is outside the CG envelope (aft limit).",
    ]


def test_forward_of_the_envelope_is_named() -> None:
    # 1,500 lb in the nose at 60 in: zero fuel 10,230 lb, moment 2,736,670, CG 267.51 in,
    # ahead of the forward limit (286.93 in at that weight).
    payload = [LoadItem("PIC", D(190), D(131), "crew"), LoadItem("Nose", D(1500), D(60), "baggage")]
    result = evaluate(
        empty=EMPTY, payload=payload, takeoff_fuel=D(0), trip_fuel=D(0), fuel_arms=FUEL_ARMS, limits=LIMITS
    )
    assert (
        result.blocks[0].message
        == "Zero-fuel CG 267.51 in at 10,230 lb is outside the CG envelope (forward limit)."
    )


def test_zero_fuel_over_mzfw_is_refused() -> None:
    heavy = [LoadItem("Freight", D(2000), D(300), "baggage")]
    result = evaluate(
        empty=EMPTY, payload=heavy, takeoff_fuel=D(1000), trip_fuel=D(500), fuel_arms=FUEL_ARMS, limits=LIMITS
    )
    assert [c.message for c in result.blocks if c.rule == "MZFW"] == [
        "Zero-fuel weight 10,540 lb exceeds MZFW 10,510 lb by 30 lb."
    ]


def test_unknown_limits_are_not_checked() -> None:
    result = evaluate(
        empty=EMPTY,
        payload=[],
        takeoff_fuel=D(0),
        trip_fuel=D(0),
        fuel_arms=FUEL_ARMS,
        limits=Limits(None, None, None),
    )
    assert result.checks == ()
    with pytest.raises(ValueError, match="trip fuel"):
        evaluate(
            empty=EMPTY, payload=[], takeoff_fuel=D(10), trip_fuel=D(20), fuel_arms=FUEL_ARMS, limits=LIMITS
        )


@given(extra=st.integers(min_value=0, max_value=3000), fuel=st.integers(min_value=0, max_value=4710))
def test_adding_weight_never_lightens_the_aircraft(extra: int, fuel: int) -> None:
    base = evaluate(
        empty=EMPTY,
        payload=_cabin(2, 0),
        takeoff_fuel=D(fuel),
        trip_fuel=D(0),
        fuel_arms=FUEL_ARMS,
        limits=LIMITS,
    )
    more = evaluate(
        empty=EMPTY,
        payload=[*_cabin(2, 0), LoadItem("Cargo", D(extra), D(250))],
        takeoff_fuel=D(fuel),
        trip_fuel=D(0),
        fuel_arms=FUEL_ARMS,
        limits=LIMITS,
    )
    assert more.takeoff.weight == base.takeoff.weight + extra
    assert not (base.takeoff.weight > LIMITS.mtow and more.ok)


def test_people_take_their_seat_and_bags_fill_compartments_in_order() -> None:
    stations = [SeatStation("Row 1", D(200), ("1A", "1B")), SeatStation("Row 2", D(240), ("2A", "2B"))]
    compartments = [Compartment("Nose", D(60), D(50)), Compartment("Tail", D(400), D(100))]
    placement = place(
        crew=[Person("PIC", D(190))],
        passengers=[Person("Ann", D(150), "2b"), Person("Bob", D(200))],
        bags_weight=D(120),
        crew_stations=[SeatStation("Cockpit", D(131), ("P1", "P2"))],
        seat_stations=stations,
        compartments=compartments,
    )
    assert [(i.name, i.arm, i.weight) for i in placement.items] == [
        ("PIC", D(131), D(190)),
        ("Ann", D(240), D(150)),
        ("Bob", D(200), D(200)),
        ("Nose", D(60), D(50)),
        ("Tail", D(400), D(70)),
    ]
    assert placement.problems == ()


def test_too_many_people_or_bags_are_named() -> None:
    placement = place(
        crew=[],
        passengers=[Person("A", D(190)), Person("B", D(190))],
        bags_weight=D(200),
        crew_stations=[],
        seat_stations=[SeatStation("Row 1", D(200), ("1A",))],
        compartments=[Compartment("Nose", D(60), D(150))],
    )
    assert placement.problems == (
        "2 passenger for 1 passenger seats: 1 without a seat.",
        "Baggage 200 lb exceeds the baggage compartments' limit 150 lb by 50 lb.",
    )


def test_standard_weight_follows_the_season() -> None:
    kwargs = {"summer": D(190), "winter": D(195), "first": 5, "last": 10}
    assert standard_weight(5, **kwargs) == D(190)
    assert standard_weight(10, **kwargs) == D(190)
    assert standard_weight(11, **kwargs) == D(195)
    assert standard_weight(1, **kwargs) == D(195)


POLICY = FuelPolicy(
    contingency_percent=D(5), ifr_reserve_minutes=45, vfr_day_reserve_minutes=30, vfr_night_reserve_minutes=45
)
# 1,100 lb/h in the first hour (climb), 900 lb/h cruise after it.
PROFILE = BurnProfile(((0, D(1100)), (60, D(900))))


def test_fuel_plan_ifr_with_alternate_and_reserve() -> None:
    # 2 h 30 min: 1,100 + 1.5 × 900 = 2,450 lb trip; 5 % contingency 122.5 → 123 lb;
    # alternate 25 min at 900 lb/h = 375 lb; final reserve 45 min = 675 lb; taxi 100 lb.
    plan = plan_fuel(
        profile=PROFILE,
        policy=POLICY,
        flight_minutes=150,
        taxi=D(100),
        ifr=True,
        night=False,
        alternate_minutes=25,
    )
    assert (plan.trip, plan.contingency, plan.alternate, plan.final_reserve, plan.taxi) == (
        D(2450),
        D(123),
        D(375),
        D(675),
        D(100),
    )
    assert plan.reserve_rule == "14 CFR 135.223(a)(3)"
    assert plan.takeoff == D(3623)
    assert plan.block == D(3723)
    assert plan.landing == D(1173)
    assert plan.endurance_minutes(PROFILE.cruise_flow) == 241


def test_fuel_plan_vfr_day_and_night_reserves() -> None:
    day = plan_fuel(
        profile=PROFILE,
        policy=POLICY,
        flight_minutes=40,
        taxi=D(0),
        ifr=False,
        night=False,
        alternate_minutes=30,
    )
    night = plan_fuel(profile=PROFILE, policy=POLICY, flight_minutes=40, taxi=D(0), ifr=False, night=True)
    assert day.trip == D(734)  # 40/60 × 1,100 = 733.3 → 734
    assert (day.final_reserve, day.reserve_rule, day.alternate) == (D(450), "14 CFR 135.209(a)", D(0))
    assert (night.final_reserve, night.reserve_rule) == (D(675), "14 CFR 135.209(b)")


def test_tanks_and_bad_profiles() -> None:
    assert (
        tank_check(D(5000), D(4710))
        == "Block fuel 5,000 lb exceeds the usable tank capacity 4,710 lb by 290 lb."
    )
    assert tank_check(D(4710), D(4710)) is None
    with pytest.raises(ValueError, match="minute 0"):
        BurnProfile(((5, D(900)),))
    with pytest.raises(ValueError, match="positive"):
        BurnProfile(((0, D(900)), (30, D(0))))
    assert minutes_for(416, 416) == 60
    assert minutes_for(417, 416) == 61


@given(a=st.integers(min_value=1, max_value=900), b=st.integers(min_value=1, max_value=900))
def test_longer_legs_never_need_less_fuel(a: int, b: int) -> None:
    short, long = sorted((a, b))
    first = plan_fuel(profile=PROFILE, policy=POLICY, flight_minutes=short, taxi=D(50), ifr=True, night=False)
    second = plan_fuel(profile=PROFILE, policy=POLICY, flight_minutes=long, taxi=D(50), ifr=True, night=False)
    assert first.block <= second.block


def test_fpl_message_items() -> None:
    text = fpl.fpl_message(
        fpl.FplInput(
            registration="N101JA",
            flight_rules="I",
            aircraft_type="C25B",
            mtow_lb=13870,
            equipment="SDFGRWY/S",
            departure="KTEB",
            off_block=datetime(2026, 6, 15, 13, 30, tzinfo=UTC),
            true_airspeed_kt=416,
            level=fpl.cruise_level(41000),
            route="dct",
            destination="KDJT",
            eet_minutes=135,
            alternates=("KFLL",),
            endurance_minutes=241,
            persons_on_board=5,
            operator="JetOps (demo)",
        )
    )
    assert text == (
        "(FPL-N101JA-IN\n"
        "-C25B/L-SDFGRWY/S\n"
        "-KTEB1330\n"
        "-N0416F410 DCT\n"
        "-KDJT0215 KFLL\n"
        "-DOF/260615 REG/N101JA OPR/JETOPS  DEMO\n"
        "-E/0401 P/005)"
    )


def test_fpl_wake_levels_and_bad_routes() -> None:
    assert [fpl.wake_category(w) for w in (None, 12500, 15432, 15433, 299826, 400000)] == [
        "M",
        "L",
        "L",
        "M",
        "M",
        "H",
    ]
    assert fpl.cruise_level(8500) == "A085"
    assert fpl.cruise_level(18000) == "F180"
    with pytest.raises(ValueError, match="letters, digits"):
        fpl.validate_route("DCT-)")


def test_airport_requirement_warnings() -> None:
    from datetime import time

    from planning.requirements import Requirement, leg_warnings, within

    assert within(time(23, 30), time(23, 0), time(6, 0))
    assert within(time(5, 59), time(23, 0), time(6, 0))
    assert not within(time(6, 0), time(23, 0), time(6, 0))
    assert within(time(8, 0), time(8, 0), time(22, 0))
    assert not within(time(22, 0), time(8, 0), time(22, 0))
    req = Requirement(
        "KASE", ppr_required=True, curfew=(time(23, 0), time(7, 0)), customs=(time(8, 0), time(17, 0))
    )
    assert leg_warnings(req, local=time(6, 30), movement="arrival", international=True) == [
        "KASE requires prior permission (PPR) for the arrival.",
        "KASE: the arrival at 06:30 local falls in the curfew 23:00-07:00.",
        "KASE: the arrival at 06:30 local is outside customs hours 08:00-17:00.",
    ]
    assert leg_warnings(req, local=time(9, 0), movement="arrival", international=False) == [
        "KASE requires prior permission (PPR) for the arrival."
    ]
