"""Reads that turn a flight and its aircraft's loading data into the pure rules' inputs, and
the plan computation the weight-and-balance screen, the plan service and the briefing share
(docs/rules.md#weight-and-balance, docs/rules.md#fuel, docs/rules.md#flight-plan)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from crew.choices import CrewRole
from crew.models import CrewAssignment
from fleet.models import Aircraft, Airport
from flights.models import Flight
from jetops.errors import Conflict
from jetops.geo import great_circle_nm
from jetops.sun import night_along_route
from planning import fpl as fpl_rules
from planning.choices import StationKind
from planning.fuel import FuelPlan, FuelPolicy, minutes_for, plan_fuel, tank_check, total_capacity
from planning.loading import Compartment, Person, SeatStation, kg_to_lb, place, standard_weight
from planning.models import AircraftLoading, AirportRequirement, FlightPlan, LoadingStation, PlanningProfile
from planning.notams import NotamError, parse_notam
from planning.providers import ProviderError, notam_provider, weather_provider
from planning.requirements import Requirement, leg_warnings
from planning.weather import ReportError, parse_metar, parse_taf
from planning.weight_balance import Limits, LoadItem, Result, evaluate, interpolate_arm

DIRECT = "DCT"


def planning_profile() -> PlanningProfile:
    """The settings in force: the newest ``PlanningProfile``, else the defaults (unsaved)."""
    return PlanningProfile.objects.first() or PlanningProfile(name="Part 135 defaults")


@dataclass(frozen=True)
class PlanInputs:
    """What a planner may set; anything left None comes from the stored plan or the defaults."""

    route: str | None = None
    cruise_level_ft: int | None = None
    alternate: Airport | None = None
    second_alternate: Airport | None = None
    extra_fuel_lb: int | None = None
    distance_nm: int | None = None


@dataclass
class Computation:
    """A leg's plan as computed now: route figures, fuel, loading and every check."""

    flight: Flight
    route: str
    cruise_level_ft: int
    distance_nm: int
    true_airspeed_kt: int
    ground_speed_kt: int
    ete_minutes: int
    alternate: Airport | None
    second_alternate: Airport | None
    alternate_minutes: int
    fuel: FuelPlan
    cruise_flow: Decimal
    tank_capacity: Decimal | None
    weight_balance: Result
    crew: int
    passengers: int
    bags: int
    weights: str
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def souls_on_board(self) -> int:
        return self.crew + self.passengers

    @property
    def refusals(self) -> list[dict[str, Any]]:
        """Every blocking finding: loading problems, the tanks, and the weight-and-balance
        checks that failed (each names its limit)."""
        return [p for p in self.problems if p["status"] == "block"] + [
            _check_dict(c) for c in self.weight_balance.blocks
        ]

    @property
    def ok(self) -> bool:
        return not self.refusals

    def fpl_text(self, profile: PlanningProfile) -> str:
        flight, aircraft = self.flight, self.flight.aircraft
        return fpl_rules.fpl_message(
            fpl_rules.FplInput(
                registration=aircraft.tail_number,
                flight_rules="I" if flight.ifr else "V",
                aircraft_type=aircraft.aircraft_type,
                mtow_lb=aircraft.mtow,
                equipment=profile.equipment,
                departure=flight.departure_airport_id,
                off_block=flight.departure_at,
                true_airspeed_kt=self.true_airspeed_kt,
                level=fpl_rules.cruise_level(self.cruise_level_ft) if flight.ifr else "VFR",
                route=self.route,
                destination=flight.arrival_airport_id,
                eet_minutes=self.ete_minutes,
                alternates=tuple(a.icao for a in (self.alternate, self.second_alternate) if a is not None),
                endurance_minutes=self.fuel.endurance_minutes(self.cruise_flow),
                persons_on_board=self.souls_on_board,
                operator=profile.operator_name,
            )
        )

    def fuel_dict(self) -> dict[str, Any]:
        fuel = self.fuel
        return {
            "trip_lb": int(fuel.trip),
            "contingency_lb": int(fuel.contingency),
            "alternate_lb": int(fuel.alternate),
            "final_reserve_lb": int(fuel.final_reserve),
            "final_reserve_minutes": fuel.reserve_minutes,
            "final_reserve_rule": fuel.reserve_rule,
            "extra_lb": int(fuel.extra),
            "takeoff_lb": int(fuel.takeoff),
            "taxi_lb": int(fuel.taxi),
            "block_lb": int(fuel.block),
            "landing_lb": int(fuel.landing),
            "flight_minutes": fuel.flight_minutes,
            "alternate_minutes": fuel.alternate_minutes,
            "endurance_minutes": fuel.endurance_minutes(self.cruise_flow),
            "tank_capacity_lb": None if self.tank_capacity is None else int(self.tank_capacity),
        }

    def weight_balance_dict(self) -> dict[str, Any]:
        wb = self.weight_balance
        return {
            "ok": self.ok,
            "weights": self.weights,
            "crew": self.crew,
            "passengers": self.passengers,
            "bags": self.bags,
            "conditions": {
                c.name: {"weight_lb": str(c.weight.quantize(Decimal("0.1"))), "cg_in": str(c.cg)}
                for c in (wb.zero_fuel, wb.takeoff, wb.landing)
            },
            "items": [
                {
                    "name": i.name,
                    "kind": i.kind,
                    "weight_lb": str(i.weight.quantize(Decimal("0.1"))),
                    "arm_in": str(i.arm.quantize(Decimal("0.01"))),
                    "moment": str(i.moment.quantize(Decimal("1"))),
                }
                for i in wb.items
            ],
            "checks": [*self.problems, *(_check_dict(c) for c in wb.checks)],
        }


def _check_dict(check: Any) -> dict[str, Any]:
    return {
        "rule": check.rule,
        "condition": check.condition,
        "status": check.status,
        "message": check.message,
        "value": str(check.value),
        "limit": None if check.limit is None else str(check.limit),
    }


def _problem(rule: str, message: str) -> dict[str, Any]:
    return {
        "rule": rule,
        "condition": "loading",
        "status": "block",
        "message": message,
        "value": None,
        "limit": None,
    }


def _loading(aircraft: Aircraft) -> tuple[AircraftLoading, list[LoadingStation]]:
    loading = AircraftLoading.objects.filter(aircraft=aircraft).first()
    missing = [
        label
        for label, value in (
            ("basic empty weight", aircraft.basic_empty_weight),
            ("basic empty arm", aircraft.basic_empty_arm),
            ("fuel burn", aircraft.fuel_burn_per_hour or (loading and loading.burn_profile)),
            ("loading data (CG envelope and stations)", loading),
        )
        if not value
    ]
    if missing:
        raise Conflict(
            f"{aircraft.tail_number} has no {', '.join(missing)}: enter them before planning.",
            "planning_data_missing",
            missing=missing,
        )
    assert loading is not None  # noqa: S101  (the refusal above)
    return loading, list(LoadingStation.objects.filter(loading=loading).order_by("position", "id"))


def _crew(flight: Flight, profile: PlanningProfile) -> list[Person]:
    weight = Decimal(profile.crew_weight_lb)
    order: dict[str, int] = {CrewRole.PIC: 0, CrewRole.SIC: 1, CrewRole.FA: 2}
    assigned = sorted(
        CrewAssignment.objects.filter(flight=flight).values_list("role", flat=True),
        key=lambda r: order.get(r, 3),
    )
    if assigned:
        return [Person(str(role), weight) for role in assigned]
    pilots = ["PIC", "SIC"][: int(flight.aircraft.min_crew)]
    return [Person(p, weight) for p in pilots] + [Person("FA", weight)] * flight.flight_attendants


def _passengers(flight: Flight, profile: PlanningProfile) -> tuple[list[Person], int, bool]:
    month = flight.departure_at.month
    standard = standard_weight(
        month,
        summer=Decimal(profile.adult_weight_summer_lb),
        winter=Decimal(profile.adult_weight_winter_lb),
        first=profile.summer_first_month,
        last=profile.summer_last_month,
    )
    people: list[Person] = []
    bags = 0
    actual = False
    for entry in flight.manifest.select_related("passenger").order_by("id"):  # weight on the row or person
        kg = entry.weight_kg if entry.weight_kg is not None else entry.passenger.weight_kg
        use_actual = profile.use_actual_weights and kg is not None
        actual = actual or use_actual
        # Load-sheet rows name the seat, not the person: a stored plan holds no personal data.
        name = f"Passenger {len(people) + 1}" + (f" ({entry.seat})" if entry.seat else "")
        people.append(Person(name, kg_to_lb(kg) if use_actual and kg is not None else standard, entry.seat))
        bags += entry.bags
    # Seats booked but not yet named on the manifest still weigh a standard passenger.
    people += [Person(f"Passenger {n + 1}", standard) for n in range(len(people), flight.passenger_count)]
    return people, bags, actual


def compute(
    flight: Flight, inputs: PlanInputs | None = None, stored: FlightPlan | None = None
) -> Computation:
    """Plan ``flight`` now from its aircraft's data, its manifest and crew, and the planner's
    ``inputs`` (falling back on the ``stored`` plan's choices, then on the defaults: direct
    great circle, the aircraft's cruise level, no alternate). Refuses with a ``Conflict``
    when the aircraft lacks the data to plan; findings (over a limit, out of the envelope,
    too much fuel for the tanks) are in the result, not raised."""
    inputs = inputs or PlanInputs()
    profile = planning_profile()
    aircraft = flight.aircraft
    loading, stations = _loading(aircraft)
    burn = loading.profile(aircraft.fuel_burn_per_hour)
    assert burn is not None  # noqa: S101  (``_loading`` refused an aircraft without one)

    def chosen(name: str, default: Any) -> Any:
        value = getattr(inputs, name)
        if value is not None:
            return value
        return getattr(stored, name) if stored is not None else default

    route = fpl_rules.validate_route(chosen("route", DIRECT))
    dep, arr = flight.departure_airport, flight.arrival_airport
    great_circle = great_circle_nm(dep.latitude, dep.longitude, arr.latitude, arr.longitude)
    if inputs.distance_nm is not None:
        distance = inputs.distance_nm
    elif route == DIRECT:
        distance = round(great_circle)
    elif stored is not None and stored.route == route:
        distance = stored.distance_nm
    else:
        distance = round(great_circle * float(aircraft.routing_factor))
    ground_speed = aircraft.cruise_speed - aircraft.wind_allowance_knots
    ete = minutes_for(distance, ground_speed)
    alternate = chosen("alternate", None)
    second = chosen("second_alternate", None)
    alternate_minutes = (
        minutes_for(
            great_circle_nm(arr.latitude, arr.longitude, alternate.latitude, alternate.longitude),
            ground_speed,
        )
        if alternate is not None
        else 0
    )
    night = False
    if not flight.ifr:
        night = night_along_route(
            flight.departure_at, flight.arrival_at, (dep.latitude, dep.longitude, arr.latitude, arr.longitude)
        )
    fuel = plan_fuel(
        profile=burn,
        policy=FuelPolicy(
            contingency_percent=profile.contingency_percent,
            ifr_reserve_minutes=profile.ifr_reserve_minutes,
            vfr_day_reserve_minutes=profile.vfr_day_reserve_minutes,
            vfr_night_reserve_minutes=profile.vfr_night_reserve_minutes,
        ),
        flight_minutes=ete,
        taxi=Decimal(loading.taxi_fuel_lb),
        ifr=flight.ifr,
        night=night,
        alternate_minutes=alternate_minutes,
        extra=Decimal(chosen("extra_fuel_lb", 0)),
    )
    crew = _crew(flight, profile)
    passengers, bags, actual = _passengers(flight, profile)

    def seats(kind: str) -> list[SeatStation]:
        return [SeatStation(s.name, s.arm, tuple(s.seat_labels())) for s in stations if s.kind == kind]

    placement = place(
        crew=crew,
        passengers=passengers,
        bags_weight=Decimal(bags * profile.bag_weight_lb),
        crew_stations=seats(StationKind.CREW),
        seat_stations=seats(StationKind.SEAT),
        compartments=[
            Compartment(s.name, s.arm, None if s.max_weight_lb is None else Decimal(s.max_weight_lb))
            for s in stations
            if s.kind == StationKind.BAGGAGE
        ],
    )
    problems = [_problem("Seating and baggage", p) for p in placement.problems]
    tanks = [s for s in stations if s.kind == StationKind.FUEL]
    capacity = total_capacity([None if s.max_weight_lb is None else Decimal(s.max_weight_lb) for s in tanks])
    tank_problem = tank_check(fuel.block, capacity)
    if tank_problem:
        problems.append(_problem("Tank capacity", tank_problem))
    # One table for the fuel as a whole: the tanks' arms weighted by capacity at each
    # quantity point (a single tank's table as it is).
    fuel_arms = tanks[0].fuel_arm_table() if len(tanks) == 1 else _combined_table(tanks)
    wb = evaluate(
        empty=LoadItem(
            "Basic empty weight",
            Decimal(aircraft.basic_empty_weight or 0),
            Decimal(aircraft.basic_empty_arm or 0),
            "empty",
        ),
        payload=placement.items,
        takeoff_fuel=fuel.takeoff,
        trip_fuel=fuel.trip,
        fuel_arms=fuel_arms,
        limits=Limits(
            mtow=None if aircraft.mtow is None else Decimal(aircraft.mtow),
            mlw=None if aircraft.mlw is None else Decimal(aircraft.mlw),
            mzfw=None if aircraft.mzfw is None else Decimal(aircraft.mzfw),
            envelope=loading.envelope_points(),
        ),
    )
    return Computation(
        flight=flight,
        route=route,
        cruise_level_ft=chosen("cruise_level_ft", loading.cruise_level_ft),
        distance_nm=distance,
        true_airspeed_kt=aircraft.cruise_speed,
        ground_speed_kt=ground_speed,
        ete_minutes=ete,
        alternate=alternate,
        second_alternate=second,
        alternate_minutes=fuel.alternate_minutes,
        fuel=fuel,
        cruise_flow=burn.cruise_flow,
        tank_capacity=capacity,
        weight_balance=wb,
        crew=len(crew),
        passengers=len(passengers),
        bags=bags,
        weights="actual where recorded" if actual else "standard",
        problems=problems,
    )


def _combined_table(tanks: list[LoadingStation]) -> list[tuple[Decimal, Decimal]]:
    """Tanks filled in proportion to their capacity: at each fraction of the total, the
    capacity-weighted mean of each tank's arm at its share (no tank data: the zero point)."""
    if not tanks:
        return [(Decimal(0), Decimal(0))]
    total = sum((Decimal(t.max_weight_lb or 0) for t in tanks), Decimal(0))
    table = []
    for step in range(11):
        fraction = Decimal(step) / Decimal(10)
        moment = Decimal(0)
        for tank in tanks:
            quantity = Decimal(tank.max_weight_lb or 0) * fraction
            moment += quantity * interpolate_arm(tank.fuel_arm_table(), quantity)
        weight = total * fraction
        table.append((weight, moment / weight if weight else _mean_arm(tanks)))
    return table


def _mean_arm(tanks: list[LoadingStation]) -> Decimal:
    return sum((t.fuel_arm_table()[0][1] for t in tanks), Decimal(0)) / len(tanks)


def flight_for_planning(flight_id: int) -> Flight:
    return Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport", "client").get(
        pk=flight_id
    )


NOTAM_MARGIN = timedelta(hours=1)


def airport_weather(airport: Airport, at: datetime) -> dict[str, Any]:
    """The weather and NOTAMs of ``airport`` for the time ``at``, from the configured
    providers: the METAR, the TAF with its lines, the flight category at ``at`` (the TAF's,
    else the METAR's when observed within the hour before ``at``), the NOTAMs (each saying
    whether it is in force within an hour of ``at``) and the closures in force. A provider
    that fails or answers something unreadable is reported in ``errors``; nothing raises."""
    icao = airport.icao
    issued = at.date()
    errors: list[str] = []
    metar = taf = None
    source = ""
    try:
        raw = weather_provider().weather(icao, at)
        source = raw.source
    except ProviderError as exc:
        raw = None
        errors.append(f"Weather unavailable: {exc}")
    if raw is not None and raw.metar:
        try:
            metar = parse_metar(raw.metar, icao, issued)
        except ReportError as exc:
            errors.append(f"METAR: {exc}")
    if raw is not None and raw.taf:
        try:
            taf = parse_taf(raw.taf, icao, issued)
        except ReportError as exc:
            errors.append(f"TAF: {exc}")
    category = taf.category_at(at) if taf is not None else None
    if (
        category is None
        and metar is not None
        and timedelta(0) <= at - metar.observed_at <= timedelta(hours=1)
    ):
        category = metar.category
    notams = []
    try:
        texts = notam_provider().notams(icao, at)
    except ProviderError as exc:
        texts = []
        errors.append(f"NOTAMs unavailable: {exc}")
    for text in texts:
        try:
            notam = parse_notam(text)
        except NotamError as exc:
            errors.append(f"NOTAM: {exc}")
            continue
        notams.append((notam, notam.in_force(at - NOTAM_MARGIN, at + NOTAM_MARGIN)))
    return {
        "airport": icao,
        "name": airport.name,
        "at": at.isoformat(),
        "source": source,
        "category": category,
        "metar": None
        if metar is None
        else {
            "raw": metar.raw,
            "observed_at": metar.observed_at.isoformat(),
            "category": metar.category,
            "wind": metar.wind,
            "visibility": metar.visibility,
            "ceiling_ft": metar.ceiling_ft,
        },
        "taf": None
        if taf is None
        else {
            "raw": taf.raw,
            "issued_at": taf.issued_at.isoformat() if taf.issued_at else None,
            "periods": [
                {
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "kind": p.kind,
                    "category": p.category,
                }
                for p in taf.periods
            ],
        },
        "notams": [
            {
                "number": n.number,
                "text": n.text,
                "starts_at": n.starts_at.isoformat(),
                "ends_at": n.ends_at.isoformat() if n.ends_at else None,
                "flag": n.flag,
                "in_force": in_force,
            }
            for n, in_force in notams
        ],
        "aerodrome_closed": any(n.aerodrome_closed and f for n, f in notams),
        "runway_closed": any(n.runway_closed and f for n, f in notams),
        "errors": errors,
    }


def requirement_warnings(flight: Flight) -> list[str]:
    """The departure and arrival airports' requirements that this leg meets (slot, PPR,
    curfew, customs hours for a leg between two countries), as warnings."""
    from flights.manifest import airport_zone

    dep, arr = flight.departure_airport, flight.arrival_airport
    stored = {r.airport_id: r for r in AirportRequirement.objects.filter(airport__in=[dep.icao, arr.icao])}
    international = dep.country != arr.country
    warnings: list[str] = []
    for airport, at, movement in (
        (dep, flight.departure_at, "departure"),
        (arr, flight.arrival_at, "arrival"),
    ):
        row = stored.get(airport.icao)
        if row is None:
            continue
        requirement = Requirement(
            icao=airport.icao,
            slot_coordinated=row.slot_coordinated,
            ppr_required=row.ppr_required,
            curfew=(row.curfew_start, row.curfew_end) if row.curfew_start and row.curfew_end else None,
            customs=(row.customs_open, row.customs_close) if row.customs_open and row.customs_close else None,
        )
        local = at.astimezone(airport_zone(airport)).time()
        warnings += leg_warnings(requirement, local=local, movement=movement, international=international)
    return warnings
