"""The scale dataset's operational plan, as plain data: each aircraft's timeline of trips
(legs one after another, with turnarounds and positioning legs, never overlapping) and a
crew roster over it (a captain and a first officer per duty, rested before each duty and
within the flight-time limits of 14 CFR 135.267).

No ORM and no clock: ``jetops.scale.seed`` turns the plan into rows. Everything random comes
from the ``random.Random`` passed in, so a seed gives the same plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jetops.geo import great_circle_nm

LEGS_PER_TRIP_WEIGHTS = (40, 35, 15, 10)
"""Relative frequency of trips of 1, 2, 3 and 4 legs (a positioning leg counts)."""

NEAR_CHOICES = 8
"""Most legs go to one of this many nearest airports (charter hops are short)."""

LONG_HOP_SHARE = 0.2
LONG_HOP_MAX_NM = 1800
DAY_OPENS = 7.0
DAY_CLOSES = 19.0
"""Legs fly between these local hours (the time zone is estimated from the longitude), so an
aircraft's day is one crew duty: reporting an hour before, released half an hour after."""


@dataclass(frozen=True)
class Place:
    icao: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Performance:
    """What a leg's block time and an aircraft's reach depend on."""

    cruise_knots: int
    taxi_minutes: int
    routing_factor: float
    range_nm: int


@dataclass(frozen=True)
class PlannedLeg:
    departure: str
    arrival: str
    departure_at: datetime
    arrival_at: datetime
    busy_until: datetime
    distance_nm: int
    block_minutes: int
    positioning: bool


@dataclass(frozen=True)
class PlannedTrip:
    aircraft: int
    legs: tuple[PlannedLeg, ...]
    cancelled: bool


class Network:
    """The airports the dataset flies between, with their distances and nearest neighbours."""

    def __init__(self, places: Sequence[Place]) -> None:
        if len(places) < NEAR_CHOICES + 2:
            raise ValueError(f"The network needs at least {NEAR_CHOICES + 2} airports.")
        self.places = {p.icao: p for p in places}
        self.distance: dict[tuple[str, str], float] = {}
        for a in places:
            for b in places:
                self.distance[a.icao, b.icao] = great_circle_nm(
                    a.latitude, a.longitude, b.latitude, b.longitude
                )
        self.by_distance: dict[str, list[tuple[float, str]]] = {
            a.icao: sorted((self.distance[a.icao, b.icao], b.icao) for b in places if b.icao != a.icao)
            for a in places
        }

    def destination(self, rng: random.Random, origin: str, reach_nm: float) -> str:
        """A destination from ``origin`` within ``reach_nm``: mostly a near airport, sometimes
        a longer hop."""
        reachable = [icao for d, icao in self.by_distance[origin] if d <= reach_nm]
        if not reachable:
            return self.by_distance[origin][0][1]
        if rng.random() < LONG_HOP_SHARE:
            far = [icao for d, icao in self.by_distance[origin] if d <= min(reach_nm, LONG_HOP_MAX_NM)]
            return rng.choice(far or reachable)
        return rng.choice(reachable[:NEAR_CHOICES])

    def local_hour(self, icao: str, at: datetime) -> float:
        offset = round(self.places[icao].longitude / 15)
        return (at.hour + at.minute / 60 + offset) % 24


def _round_up(at: datetime, minutes: int = 5) -> datetime:
    seconds = minutes * 60
    stamp = math.ceil(at.timestamp() / seconds) * seconds
    return datetime.fromtimestamp(stamp, tz=at.tzinfo)


@dataclass(frozen=True)
class FlyingDay:
    """What one crew duty can hold: from the first off-block to the last on-block, and the
    block minutes flown. An aircraft's day never holds more, so each day is one duty."""

    span: timedelta
    flight_minutes: int


class AircraftTimeline:
    """One aircraft's flying, planned forward in time: every leg departs where the previous
    flown leg arrived (a positioning leg is added when a trip starts elsewhere), after the
    previous leg's turnaround and inside the day's operating hours, so no two legs of the
    aircraft ever overlap."""

    def __init__(
        self,
        *,
        index: int,
        performance: Performance,
        home: str,
        network: Network,
        rng: random.Random,
        start: datetime,
        turnaround: timedelta,
        day: FlyingDay,
        cancel_share: float,
    ) -> None:
        self.index = index
        self.day = day
        self.day_first: datetime | None = None  # first off-block of the current flying day
        self.day_minutes = 0
        self.performance = performance
        self.location = home
        self.network = network
        self.rng = rng
        self.free_at = start
        self.turnaround = turnaround
        self.cancel_share = cancel_share
        self.minutes_per_leg = 120.0  # running estimate of operating-hours time per leg
        self.behind = 0  # legs wanted earlier that did not fit, added to the next period

    def _block_minutes(self, departure: str, arrival: str) -> int:
        perf = self.performance
        airborne = self.network.distance[departure, arrival] * perf.routing_factor / perf.cruise_knots * 60
        return max(20, round(airborne + perf.taxi_minutes))

    def _opening(self, departure: str, at: datetime) -> datetime:
        """The next opening of the operating hours at ``departure`` after ``at``."""
        hour = self.network.local_hour(departure, at)
        wait = DAY_OPENS - hour if hour < DAY_OPENS else 24 - hour + DAY_OPENS
        return _round_up(at + timedelta(hours=wait, minutes=self.rng.uniform(0, 30)))

    def _slot(self, departure: str, at: datetime, block_minutes: int) -> datetime:
        """The first departure from ``at`` on whose leg lies inside the operating hours and
        inside one crew's flying day (a leg that does not fit waits for the next day)."""
        hour = self.network.local_hour(departure, at)
        if hour < DAY_OPENS or (
            hour + block_minutes / 60 > DAY_CLOSES and block_minutes / 60 < DAY_CLOSES - DAY_OPENS
        ):
            at = self._opening(departure, at)
        block = timedelta(minutes=block_minutes)
        if self.day_first is not None and at < self.day_first + self.day.span:
            if at + block - self.day_first <= self.day.span and (
                self.day_minutes + block_minutes <= self.day.flight_minutes
            ):
                self.day_minutes += block_minutes
                return at
            at = self._opening(departure, at)
        self.day_first, self.day_minutes = at, block_minutes
        return at

    def leg(self, departure: str, arrival: str, earliest: datetime, *, positioning: bool) -> PlannedLeg:
        block = self._block_minutes(departure, arrival)
        at = self._slot(departure, earliest, block)
        arrival_at = at + timedelta(minutes=block)
        return PlannedLeg(
            departure=departure,
            arrival=arrival,
            departure_at=at,
            arrival_at=arrival_at,
            busy_until=arrival_at + self.turnaround,
            distance_nm=round(self.network.distance[departure, arrival]),
            block_minutes=block,
            positioning=positioning,
        )

    def plan(self, start: datetime, end: datetime, legs_wanted: int) -> list[PlannedTrip]:
        """Trips departing between ``start`` and ``end`` with ``legs_wanted`` legs in all
        (plus any that did not fit last time; fewer if the time runs out), spread over the
        operating hours with random idle gaps. The last trip may end after ``end``."""
        wanted = legs_wanted + self.behind
        self.free_at = max(self.free_at, start)
        trips: list[PlannedTrip] = []
        made = 0
        while made < wanted and self.free_at < end:
            remaining = wanted - made
            operating = (end - self.free_at).total_seconds() / 60 * (DAY_CLOSES - DAY_OPENS) / 24
            slack = operating - remaining * self.minutes_per_leg
            mean_gap = max(1.0, slack / max(1.0, remaining / 2))
            gap = min(self.rng.expovariate(1 / mean_gap), max(slack, 0.0))
            start = _round_up(self.free_at + timedelta(minutes=gap))
            if start >= end:
                break
            trip = self._trip(start, min(remaining, 4))
            flying = sum(leg.block_minutes for leg in trip.legs) + self.turnaround.total_seconds() / 60 * len(
                trip.legs
            )
            self.minutes_per_leg = 0.9 * self.minutes_per_leg + 0.1 * flying / len(trip.legs)
            self.free_at = trip.legs[-1].busy_until
            if not trip.cancelled:
                self.location = trip.legs[-1].arrival
            trips.append(trip)
            made += len(trip.legs)
        self.behind = wanted - made
        return trips

    def _trip(self, start: datetime, most_legs: int) -> PlannedTrip:
        rng, network = self.rng, self.network
        reach = self.performance.range_nm * 0.9
        weights = LEGS_PER_TRIP_WEIGHTS[:most_legs]
        count = rng.choices(range(1, len(weights) + 1), weights=weights)[0]
        origin = self.location
        if count > 1 and rng.random() < 0.4:
            origin = network.destination(rng, self.location, reach)
        legs: list[PlannedLeg] = []
        at = start
        if origin != self.location:
            legs.append(self.leg(self.location, origin, at, positioning=True))
            at = _round_up(legs[-1].busy_until + timedelta(minutes=rng.uniform(0, 45)))
        here = origin
        revenue = count - len(legs)
        for n in range(revenue):
            if n == revenue - 1 and n > 0 and here != origin and rng.random() < 0.6:
                there = origin  # back home at the end of a round trip
            else:
                there = network.destination(rng, here, reach)
            legs.append(self.leg(here, there, at, positioning=False))
            at = _round_up(legs[-1].busy_until + timedelta(minutes=rng.uniform(0, 60)))
            here = there
        return PlannedTrip(aircraft=self.index, legs=tuple(legs), cancelled=rng.random() < self.cancel_share)


@dataclass(frozen=True)
class DutyLimits:
    """The rostering limits: report and release around the flying (operator settings), the
    longest duty, the rest before a duty and the flight-time limits (14 CFR 135.267)."""

    report: timedelta
    release: timedelta
    max_duty: timedelta
    min_rest: timedelta
    window: timedelta
    window_flight_minutes: int
    quarter_flight_minutes: int
    year_flight_minutes: int


@dataclass
class Duty:
    aircraft: int
    aircraft_type: str
    legs: list[PlannedLeg]
    report_at: datetime
    release_at: datetime
    flight_minutes: int


def flown_legs(trips: Iterable[PlannedTrip]) -> list[tuple[int, PlannedLeg]]:
    """(aircraft, leg) of every trip that is not cancelled."""
    return [(trip.aircraft, leg) for trip in trips if not trip.cancelled for leg in trip.legs]


def duties(
    legs: Iterable[tuple[int, PlannedLeg]], aircraft_types: Sequence[str], limits: DutyLimits
) -> list[Duty]:
    """Each aircraft's legs cut into duties: a duty ends before a leg that would make it
    longer than the longest duty or give it more flying than the 24-hour limit (as the
    timeline plans flying days, one day is one duty). Returned in report order."""
    by_aircraft: dict[int, list[PlannedLeg]] = {}
    for aircraft, leg in legs:
        by_aircraft.setdefault(aircraft, []).append(leg)
    found: list[Duty] = []
    for aircraft, flown in by_aircraft.items():
        current: Duty | None = None
        for leg in sorted(flown, key=lambda leg: leg.departure_at):
            release = leg.arrival_at + limits.release
            if (
                current is None
                or release - current.report_at > limits.max_duty
                or current.flight_minutes + leg.block_minutes > limits.window_flight_minutes
            ):
                current = Duty(
                    aircraft=aircraft,
                    aircraft_type=aircraft_types[aircraft],
                    legs=[],
                    report_at=leg.departure_at - limits.report,
                    release_at=release,
                    flight_minutes=0,
                )
                found.append(current)
            current.legs.append(leg)
            current.release_at = release
            current.flight_minutes += leg.block_minutes
    found.sort(key=lambda d: (d.report_at, d.aircraft))
    return found


@dataclass
class Pilot:
    index: int
    captain: bool
    aircraft_type: str
    available_at: datetime
    last_legs: list[tuple[datetime, int]] = field(default_factory=list)  # (on-block, block minutes)
    minutes: dict[tuple[int, int], int] = field(default_factory=dict)  # (year, quarter 1-4; 0 = year)


class Roster:
    """Gives each duty a captain (PIC) and a first officer (SIC) rated on the aircraft type,
    choosing the longest-rested pilot who is rested (``min_rest`` since the last release),
    within the flight-time limit of the 24 hours up to the duty's last landing (counting the
    previous duty's legs), and within the quarter and year limits. A duty nobody can take
    is left with an open seat, never double-booked."""

    def __init__(self, pilots: Sequence[Pilot], limits: DutyLimits) -> None:
        self.limits = limits
        self.captains: dict[str, list[Pilot]] = {}
        self.officers: dict[str, list[Pilot]] = {}
        for pilot in pilots:
            pool = self.captains if pilot.captain else self.officers
            pool.setdefault(pilot.aircraft_type, []).append(pilot)
        self.open_seats = 0

    def _eligible(self, pilot: Pilot, duty: Duty) -> bool:
        limits = self.limits
        if pilot.available_at > duty.report_at:
            return False
        window_start = duty.legs[-1].arrival_at - limits.window
        earlier = sum(block for on_block, block in pilot.last_legs if on_block > window_start)
        if earlier + duty.flight_minutes > limits.window_flight_minutes:
            return False
        year, quarter = duty.report_at.year, (duty.report_at.month - 1) // 3 + 1
        return (
            pilot.minutes.get((year, quarter), 0) + duty.flight_minutes <= limits.quarter_flight_minutes
            and pilot.minutes.get((year, 0), 0) + duty.flight_minutes <= limits.year_flight_minutes
        )

    def _take(self, pools: Iterable[list[Pilot]], duty: Duty, exclude: Pilot | None) -> Pilot | None:
        best: Pilot | None = None
        for pool in pools:
            for pilot in pool:
                if (
                    pilot is not exclude
                    and self._eligible(pilot, duty)
                    and (best is None or pilot.available_at < best.available_at)
                ):
                    best = pilot
            if best is not None:
                break
        if best is None:
            self.open_seats += 1
            return None
        year, quarter = duty.report_at.year, (duty.report_at.month - 1) // 3 + 1
        best.minutes[year, quarter] = best.minutes.get((year, quarter), 0) + duty.flight_minutes
        best.minutes[year, 0] = best.minutes.get((year, 0), 0) + duty.flight_minutes
        best.available_at = max(best.available_at, duty.release_at + self.limits.min_rest)
        best.last_legs = [(leg.arrival_at, leg.block_minutes) for leg in duty.legs]
        return best

    def staff(self, duty: Duty) -> tuple[Pilot | None, Pilot | None]:
        """The (PIC, SIC) of ``duty``; first officers take the SIC seat before captains do."""
        captains = self.captains.get(duty.aircraft_type, [])
        officers = self.officers.get(duty.aircraft_type, [])
        pic = self._take([captains], duty, None)
        sic = self._take([officers, captains], duty, pic)
        return pic, sic
