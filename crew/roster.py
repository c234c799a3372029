"""A crew member's roster as the legality engine sees it, built from plain records.

Pure (no ORM, no clock): ``crew.selectors`` reads the rows and hands them over as ``Leg``,
``RecordedDuty`` and ``Unavailability`` values.

Flight duties are not typed in: consecutive legs a crew member is assigned to form one duty,
reported ``report_before`` the first off-block and released ``release_after`` the last
on-block; a gap shorter than ``min_rest`` between a release and the next report is not rest,
so both legs stay in one duty (the engine then judges that duty's length and rests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crew.legality import DEFAULT_RULES, RULE_OVERLAP, Duty, FlightEvent, Result, Rules, Status
from jetops.sun import night_along_route

RULE_AVAILABILITY = "JetOps: crew availability"
RULE_ACTIVE = "JetOps: active crew member"


Route = tuple[float, float, float, float]
"""(departure latitude, longitude, arrival latitude, longitude) of a leg."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One flight a crew member is on (or would be): actual block times when flown.

    ``two_pilot``: the flight's crew is two pilots (135.267(b)); ``attendants``: flight
    attendants assigned to it; ``seats``: its aircraft's passenger seats (the minimum
    attendant complement follows from them, ``Rules.required_attendants``);
    ``beyond_contiguous_us``: it takes off or lands outside the 48 contiguous States and
    DC; ``route``: where it flies, for the 61.57(b) night along the route.
    """

    flight_id: int
    off_block: datetime
    on_block: datetime
    aircraft_type: str
    two_pilot: bool
    positioning: bool
    overrun_minutes: int = 0
    ifr: bool = True
    attendants: int = 0
    seats: int = 0
    beyond_contiguous_us: bool = False
    route: Route | None = None


@dataclass(frozen=True, slots=True)
class RecordedDuty:
    """A duty recorded directly, with the block-out/block-in times of the flights it holds."""

    kind: str
    start: datetime
    end: datetime
    flights: tuple[tuple[datetime, datetime], ...] = ()
    aircraft_type: str = ""
    overrun_minutes: int = 0


@dataclass(frozen=True, slots=True)
class Unavailability:
    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class FlightDuty:
    duty: Duty
    flight_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DutySettings:
    report_before: timedelta = timedelta(minutes=60)
    release_after: timedelta = timedelta(minutes=30)
    min_rest: timedelta = timedelta(hours=10)
    rules: Rules = DEFAULT_RULES


@dataclass(slots=True)
class Roster:
    """Everything the engine needs of one crew member, except the proposed change."""

    legs: list[Leg] = field(default_factory=list)
    recorded: list[RecordedDuty] = field(default_factory=list)
    standby: list[Unavailability] = field(default_factory=list)
    unavailable: list[Unavailability] = field(default_factory=list)


def _grouped(legs: Iterable[Leg], settings: DutySettings) -> list[list[Leg]]:
    """Legs in time order, grouped into duty periods (see the module docstring)."""
    ordered = sorted(legs, key=lambda leg: (leg.off_block, leg.flight_id))
    groups: list[list[Leg]] = []
    for leg in ordered:
        if groups:
            previous_release = max(g.on_block for g in groups[-1]) + settings.release_after
            if leg.off_block - settings.report_before - previous_release < settings.min_rest:
                groups[-1].append(leg)
                continue
        groups.append([leg])
    return groups


def _event(leg: Leg, settings: DutySettings, *, judged: bool) -> FlightEvent:
    """The engine's view of a leg. Whether it flies in the night period is worked out only
    for the legs of a judged (proposed) duty: no other rule needs it, and it costs a walk
    along the route."""
    night = judged and leg.route is not None and night_along_route(leg.off_block, leg.on_block, leg.route)
    return FlightEvent(
        leg.off_block,
        leg.on_block,
        leg.aircraft_type,
        two_pilot=leg.two_pilot,
        positioning=leg.positioning,
        night=night,
        ifr=leg.ifr,
        attendants=leg.attendants,
        required_attendants=settings.rules.required_attendants(leg.seats),
        beyond_contiguous_us=leg.beyond_contiguous_us,
    )


def _flight_duty(group: list[Leg], settings: DutySettings, *, judged: bool = False) -> FlightDuty:
    start = min(g.off_block for g in group) - settings.report_before
    end = max(g.on_block for g in group) + settings.release_after
    flights = tuple(_event(g, settings, judged=judged) for g in group)
    overrun = max(g.overrun_minutes for g in group)
    duty = Duty(start, end, "flight", flights, overrun_minutes=overrun)
    return FlightDuty(duty, tuple(g.flight_id for g in group))


def flight_duties(legs: Iterable[Leg], settings: DutySettings) -> list[FlightDuty]:
    """Group legs into duty periods (see the module docstring), in time order."""
    return [_flight_duty(group, settings) for group in _grouped(legs, settings)]


def recorded_duty(duty: RecordedDuty) -> Duty:
    """A recorded duty with its flights placed where they were flown (block to block)."""
    flights = tuple(FlightEvent(off, on, duty.aircraft_type) for off, on in duty.flights)
    return Duty(
        duty.start,
        duty.end,
        duty.kind,  # type: ignore[arg-type]
        flights,
        overrun_minutes=duty.overrun_minutes,
    )


@dataclass(frozen=True, slots=True)
class Split:
    """A roster split for a proposal: the proposed duties and every other duty."""

    proposed: list[Duty]
    others: list[Duty]
    unavailable: list[Unavailability]


def split_for(roster: Roster, proposed_legs: Sequence[Leg], settings: DutySettings) -> Split:
    """Merge ``proposed_legs`` into the roster's flights, and return the duties holding a
    proposed leg (a proposed leg joins the duty of neighbouring assigned legs) apart from
    the rest. A standby overlapping a proposed duty becomes part of it (a call-out: the
    duty began when the standby did); other standby periods stay duties of their own."""
    proposed_ids = {leg.flight_id for leg in proposed_legs}
    legs = [leg for leg in roster.legs if leg.flight_id not in proposed_ids] + list(proposed_legs)
    proposed: list[Duty] = []
    others: list[Duty] = [recorded_duty(d) for d in roster.recorded]
    for group in _grouped(legs, settings):
        if proposed_ids & {leg.flight_id for leg in group}:
            proposed.append(_flight_duty(group, settings, judged=True).duty)
        else:
            others.append(_flight_duty(group, settings).duty)
    for standby in roster.standby:
        hits = [i for i, d in enumerate(proposed) if standby.start < d.end and d.start < standby.end]
        if hits:
            duty = proposed[hits[0]]
            proposed[hits[0]] = Duty(
                min(duty.start, standby.start), max(duty.end, standby.end), duty.kind, duty.flights
            )
        else:
            others.append(Duty(standby.start, standby.end, "standby"))
    return Split(proposed, others, list(roster.unavailable))


def availability_result(duties: Sequence[Duty], unavailable: Sequence[Unavailability]) -> Result:
    """Block a duty that falls in a day off, vacation or sick period."""
    for duty in duties:
        for period in unavailable:
            if period.start < duty.end and duty.start < period.end:
                return Result(
                    RULE_AVAILABILITY,
                    "block",
                    f"The crew member is unavailable ({period.kind.replace('_', ' ')}) "
                    f"from {period.start.isoformat()} to {period.end.isoformat()}.",
                    {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()},
                )
    return Result(RULE_AVAILABILITY, "ok", "No day off, vacation or sickness in the duty.", {})


def leg_overlap_result(roster_legs: Sequence[Leg], proposed_legs: Sequence[Leg]) -> Result | None:
    """Block a proposed leg flown at the same time as another leg the crew member is on
    (the duty grouping alone would merge the two into one duty and miss the clash)."""
    for leg in proposed_legs:
        for other in roster_legs:
            if (
                other.flight_id != leg.flight_id
                and other.off_block < leg.on_block
                and leg.off_block < other.on_block
            ):
                return Result(
                    RULE_OVERLAP,
                    "block",
                    f"Already on a flight from {other.off_block.isoformat()} "
                    f"to {other.on_block.isoformat()}.",
                    {
                        "flight": other.flight_id,
                        "overlapping_start": other.off_block.isoformat(),
                        "overlapping_end": other.on_block.isoformat(),
                    },
                )
    return None


_RANK: dict[Status, int] = {"ok": 0, "warn": 1, "block": 2}


def worst_per_rule(result_lists: Iterable[Sequence[Result]]) -> list[Result]:
    """One result per rule over several evaluations (several proposed duties): the worst,
    keeping the order in which rules first appear."""
    chosen: dict[str, Result] = {}
    for results in result_lists:
        for result in results:
            current = chosen.get(result.rule)
            if current is None or _RANK[result.status] > _RANK[current.status]:
                chosen[result.rule] = result
    return list(chosen.values())


Interval = tuple[datetime, datetime, str]


def duty_intervals(roster: Roster, settings: DutySettings) -> list[Interval]:
    """Every duty of the roster as ``(start, end, kind)``, in time order: flight duties,
    recorded duties and standby."""
    intervals: list[Interval] = [
        (d.duty.start, d.duty.end, "flight") for d in flight_duties(roster.legs, settings)
    ]
    intervals += [(d.start, d.end, d.kind) for d in roster.recorded]
    intervals += [(s.start, s.end, "standby") for s in roster.standby]
    return sorted(intervals)


def _clipped_seconds(lo: datetime, hi: datetime, start: datetime, end: datetime) -> float:
    return max((min(hi, end) - max(lo, start)).total_seconds(), 0.0)


def hours_within(intervals: Iterable[Interval], start: datetime, end: datetime) -> float:
    """Hours of ``intervals`` inside ``[start, end)`` (overlaps counted once)."""
    total = 0.0
    cursor = start
    for lo, hi, _kind in sorted(intervals):
        lo = max(lo, cursor)
        if hi > lo:
            total += _clipped_seconds(lo, hi, start, end)
            cursor = max(cursor, hi)
    return round(total / 3600, 2)


def flight_hours(roster: Roster, start: datetime, end: datetime) -> float:
    """Flight time of the roster's legs and recorded flying inside ``[start, end)``, in hours."""
    total = sum(_clipped_seconds(leg.off_block, leg.on_block, start, end) for leg in roster.legs)
    total += sum(_clipped_seconds(off, on, start, end) for d in roster.recorded for off, on in d.flights)
    return round(total / 3600, 2)


def rest_gaps(
    intervals: Sequence[Interval], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The rest periods between consecutive duties that lie inside ``[start, end)``."""
    gaps: list[tuple[datetime, datetime]] = []
    released: datetime | None = None
    for lo, hi, _kind in sorted(intervals):
        if released is not None and lo > released:
            gap_start, gap_end = max(released, start), min(lo, end)
            if gap_end > gap_start:
                gaps.append((gap_start, gap_end))
        released = hi if released is None else max(released, hi)
    return gaps


@dataclass(frozen=True, slots=True)
class Totals:
    """A roster's figures over a period: flights flown or planned, flight and duty hours."""

    flights: int
    flight_hours: float
    duty_hours: float


def totals(roster: Roster, start: datetime, end: datetime, settings: DutySettings) -> Totals:
    return Totals(
        flights=sum(1 for leg in roster.legs if leg.off_block < end and leg.on_block > start),
        flight_hours=flight_hours(roster, start, end),
        duty_hours=hours_within(duty_intervals(roster, settings), start, end),
    )
