"""The crew's adapter between the database and the legality engine (as ``flights.quoting`` is
for pricing): it reads rows (the rule set in force, rosters in bulk in a fixed number of
queries, qualification records, recency) into the plain inputs of the pure modules
(``crew.legality``, ``crew.roster``, ``crew.qualifications``) and judges a proposed
assignment. The screens' reads are in ``crew.selectors``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from crew.choices import UNAVAILABLE_KINDS, AvailabilityKind, CrewRole
from crew.experience import PILOT_ROLES, flown_experience
from crew.expiries import ExperienceEvent
from crew.legality import DEFAULT_RULES, Result, Rules, Seat, evaluate, is_legal
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewMember,
    DutyPeriod,
    ExperienceRecord,
    LegalityRuleSet,
    MedicalCertificate,
    TrainingRecord,
)
from crew.qualifications import ExpiryItem, Record, expiry_items, qualifications_of
from crew.roster import (
    RULE_ACTIVE,
    DutySettings,
    Leg,
    RecordedDuty,
    Roster,
    Unavailability,
    availability_result,
    leg_overlap_result,
    split_for,
    worst_per_rule,
)
from flights.choices import FlightStatus, LegType
from flights.models import Flight, planned_during

# How far around a proposal the roster is read: a calendar year and two quarters back
# (135.267(a)), and what follows it in its quarter and the next week (135.267(f), 135.273).
HISTORY = timedelta(days=370)


HISTORY = timedelta(days=370)
FUTURE = timedelta(days=100)


FUTURE = timedelta(days=100)
RECENCY_LOOKBACK = timedelta(days=100)


def duty_settings(rules: Rules = DEFAULT_RULES) -> DutySettings:
    """Report and release times (operator settings); a gap shorter than the rules' look-back
    rest between two flights is not rest, so both stay in one duty."""
    return DutySettings(
        report_before=timedelta(minutes=settings.CREW_REPORT_MINUTES),
        release_after=timedelta(minutes=settings.CREW_RELEASE_MINUTES),
        min_rest=timedelta(hours=rules.lookback_rest_hours),
        rules=rules,
    )


def result_json(result: Result) -> dict[str, Any]:
    return {
        "rule": result.rule,
        "status": result.status,
        "detail": result.detail,
        "values": dict(result.values),
    }


def ruleset_in_force(day: date) -> LegalityRuleSet | None:
    """The rule set effective on ``day``, if one is recorded."""
    return LegalityRuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def rules_in_force(day: date) -> Rules:
    """The rules of the set effective on ``day`` (the built-in defaults when none is recorded)."""
    ruleset = ruleset_in_force(day)
    return ruleset.as_rules() if ruleset else DEFAULT_RULES


# US subdivisions outside the 48 contiguous States and the District of Columbia, as the
# airport data names them (135.273(b)(6)); an unnamed one counts as contiguous, the
# reading that never allows a longer duty.
NON_CONTIGUOUS_US = frozenset(
    {
        "Alaska",
        "Hawaii",
        "Puerto Rico",
        "Virgin Islands",
        "Guam",
        "American Samoa",
        "Northern Mariana Islands",
    }
)


def beyond_contiguous_us(country: str, subdivision: str) -> bool:
    return country != "US" or subdivision in NON_CONTIGUOUS_US


def two_pilots(pilots_assigned: int, aircraft_min_crew: int) -> bool:
    """Whether a flight's crew is two pilots for 135.267(b): the pilots actually assigned,
    or the aircraft's minimum crew while its second seat is still open (an aircraft
    certificated for two pilots does not fly with one)."""
    return max(pilots_assigned, aircraft_min_crew) >= 2


def attendants_carried(assigned: int, planned: int) -> int:
    """The flight attendants a flight carries for 135.273(b)(4)-(6): those assigned, or the
    number it is planned to carry while some of those seats are still open (the same
    reading as ``two_pilots``)."""
    return max(assigned, planned)


def flight_crews(flights: Iterable[Flight]) -> dict[int, list[tuple[int, str]]]:
    """(crew member, role) of every assignment of each flight, in one query."""
    crews: dict[int, list[tuple[int, str]]] = {f.pk: [] for f in flights}
    for flight_id, member_id, role in CrewAssignment.objects.filter(flight_id__in=list(crews)).values_list(
        "flight_id", "crew_member_id", "role"
    ):
        crews[flight_id].append((member_id, role))
    return crews


def leg_of(flight: Flight, crew: Sequence[tuple[int, str]], member_id: int, role: str) -> Leg:
    """``flight`` (with aircraft and airports loaded) as ``member_id`` would fly it in
    ``role``: the crew counts are its other assignments (``crew``) plus this one."""
    others = [r for m, r in crew if m != member_id]
    pilots = sum(r in PILOT_ROLES for r in others) + (role in PILOT_ROLES)
    departure = flight.departure_airport
    arrival = flight.diverted_to or flight.arrival_airport
    return Leg(
        flight_id=flight.pk,
        off_block=flight.actual_off_block or flight.departure_at,
        on_block=flight.actual_on_block or flight.arrival_at,
        aircraft_type=flight.aircraft.aircraft_type,
        two_pilot=two_pilots(pilots, flight.aircraft.min_crew),
        positioning=flight.leg_type == LegType.POSITIONING,
        ifr=flight.ifr,
        attendants=attendants_carried(
            sum(r == CrewRole.FA for r in others) + (role == CrewRole.FA), flight.flight_attendants
        ),
        seats=flight.aircraft.seating_capacity,
        beyond_contiguous_us=any(
            beyond_contiguous_us(a.country, a.subdivision) for a in (departure, arrival)
        ),
        route=(departure.latitude, departure.longitude, arrival.latitude, arrival.longitude),
    )


def experience_by_member(member_ids: Iterable[int], today: date) -> dict[int, list[ExperienceEvent]]:
    """Recency experience: recorded flying elsewhere, and the operator's flown legs credited
    to the pilot who flew them (``crew.experience``, cached per member)."""
    since = today - RECENCY_LOOKBACK
    ids = list(member_ids)
    events: dict[int, list[ExperienceEvent]] = defaultdict(list)
    for row in ExperienceRecord.objects.filter(crew_member_id__in=ids, date__gte=since, date__lte=today):
        events[row.crew_member_id].append(
            ExperienceEvent(
                on=row.date,
                aircraft_type=row.aircraft_type,
                takeoffs=row.takeoffs,
                landings=row.landings,
                night_takeoffs=row.night_takeoffs,
                night_landings=row.night_landings,
                approaches=row.approaches,
                holding=row.holding,
                intercepting_tracking=row.intercepting_tracking,
            )
        )
    for member_id, flown in flown_experience(ids, since).items():
        events[member_id].extend(flown)
    return events


def record_of(member: CrewMember, experience: Sequence[ExperienceEvent]) -> Record:
    """The pure view of a member fetched through ``crew_queryset``."""
    return Record(
        position=member.position,
        date_of_birth=member.date_of_birth,
        medicals=[(m.medical_class, m.exam_date) for m in member.medicals.all()],
        ratings=[(r.aircraft_type, r.role) for r in member.ratings.all()],  # type: ignore[misc]
        training=[(t.kind, t.completed_on) for t in member.training.all()],
        licenses=[(lic.get_kind_display(), lic.number, lic.expires_on) for lic in member.licenses.all()],
        experience=list(experience),
    )


def expiries_by_member(
    members: Sequence[CrewMember], today: date | None = None, rules: Rules | None = None
) -> dict[int, list[ExpiryItem]]:
    """Every member's expiry items, soonest first (members from ``crew_queryset``), under
    ``rules`` (default: those in force ``today``)."""
    today = today or timezone.localdate()
    rules = rules or rules_in_force(today)
    experience = experience_by_member([m.pk for m in members], today)
    return {m.pk: expiry_items(record_of(m, experience.get(m.pk, [])), today, rules) for m in members}


def rosters(member_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, Roster]:
    """Each member's roster between ``start`` and ``end``, in four queries."""
    ids = list(member_ids)
    result: dict[int, Roster] = {pk: Roster() for pk in ids}
    # Plain values, not model instances: a year of legs per crew member is read here, each
    # with its flight's pilots and attendants counted.
    crew_on_flight = "flight__crew_assignments"
    legs = (
        CrewAssignment.objects.filter(planned_during(start, end, "flight__"), crew_member_id__in=ids)
        .exclude(flight__status=FlightStatus.CANCELLED)
        .annotate(
            pilots=Count(crew_on_flight, filter=Q(flight__crew_assignments__role__in=PILOT_ROLES)),
            attendants=Count(crew_on_flight, filter=Q(flight__crew_assignments__role=CrewRole.FA)),
        )
        .values_list(
            "crew_member_id",
            "flight_id",
            "flight__actual_off_block",
            "flight__departure_at",
            "flight__actual_on_block",
            "flight__arrival_at",
            "flight__aircraft__aircraft_type",
            "flight__aircraft__min_crew",
            "flight__aircraft__seating_capacity",
            "flight__leg_type",
            "flight__ifr",
            "flight__flight_attendants",
            "overrun_minutes",
            "pilots",
            "attendants",
            "flight__departure_airport__country",
            "flight__departure_airport__subdivision",
            "flight__departure_airport__latitude",
            "flight__departure_airport__longitude",
            "flight__arrival_airport__country",
            "flight__arrival_airport__subdivision",
            "flight__arrival_airport__latitude",
            "flight__arrival_airport__longitude",
            "flight__diverted_to__country",
            "flight__diverted_to__subdivision",
            "flight__diverted_to__latitude",
            "flight__diverted_to__longitude",
        )
    )
    for row in legs:
        member_id, flight_id, off, departure, on, arrival, aircraft_type, min_crew, seats = row[:9]
        leg_type, ifr, planned_attendants, overrun, pilots, attendants = row[9:15]
        dep_country, dep_subdivision, dep_lat, dep_lon = row[15:19]
        arr_country, arr_subdivision, arr_lat, arr_lon = row[23:27] if row[25] is not None else row[19:23]
        result[member_id].legs.append(
            Leg(
                flight_id=flight_id,
                off_block=off or departure,
                on_block=on or arrival,
                aircraft_type=aircraft_type,
                two_pilot=two_pilots(pilots, min_crew),
                positioning=leg_type == LegType.POSITIONING,
                overrun_minutes=overrun,
                ifr=ifr,
                attendants=attendants_carried(attendants, planned_attendants),
                seats=seats,
                beyond_contiguous_us=beyond_contiguous_us(dep_country, dep_subdivision)
                or beyond_contiguous_us(arr_country, arr_subdivision),
                route=(dep_lat, dep_lon, arr_lat, arr_lon),
            )
        )
    for duty in DutyPeriod.objects.filter(crew_member_id__in=ids, report_at__lt=end, release_at__gt=start):
        result[duty.crew_member_id].recorded.append(
            RecordedDuty(
                duty.kind,
                duty.report_at,
                duty.release_at,
                tuple(duty.flight_times),
                duty.aircraft_type,
                duty.overrun_minutes,
            )
        )
    for period in CrewAvailability.objects.filter(crew_member_id__in=ids, start__lt=end, end__gt=start):
        target = result[period.crew_member_id]
        item = Unavailability(period.kind, period.start, period.end)
        if period.kind == AvailabilityKind.STANDBY:
            target.standby.append(item)
        elif period.kind in UNAVAILABLE_KINDS:
            target.unavailable.append(item)
    return result


@dataclass(frozen=True, slots=True)
class Verdict:
    """Legality of a proposal: every result (one per rule) and whether none blocks."""

    results: list[Result]

    @property
    def legal(self) -> bool:
        return is_legal(self.results)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.status == "block"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.status == "warn"]


def judge(
    member: CrewMember,
    record: Record,
    roster: Roster,
    legs: Sequence[Leg],
    role: str,
    today: date,
    rules: Rules | None = None,
) -> Verdict:
    """Legality of ``member`` flying ``legs`` (from ``leg_of``) as ``role`` on top of ``roster``."""
    rules = rules or rules_in_force(timezone.localdate(min(leg.off_block for leg in legs)))
    split = split_for(roster, legs, duty_settings(rules))
    quals = qualifications_of(record, today, rules)
    evaluations: list[list[Result]] = []
    for i, proposed in enumerate(split.proposed):
        others = split.others + split.proposed[:i] + split.proposed[i + 1 :]
        evaluations.append(evaluate(others, proposed, _engine_role(role), rules, quals))
    clash = leg_overlap_result(roster.legs, legs)
    results = worst_per_rule([*evaluations, [clash] if clash else []])
    results.append(availability_result(split.proposed, split.unavailable))
    results.append(
        Result(RULE_ACTIVE, "ok", "Active crew member.", {})
        if member.is_active
        else Result(RULE_ACTIVE, "block", "The crew member is inactive.", {})
    )
    return Verdict(results)


def _engine_role(role: str) -> Seat:
    if role not in (CrewRole.PIC, CrewRole.SIC, CrewRole.FA):
        raise ValueError(f"Unknown crew role {role!r}.")
    return role  # type: ignore[return-value]


def window_around(flights: Sequence[Flight]) -> tuple[datetime, datetime]:
    start = min(f.actual_off_block or f.departure_at for f in flights)
    end = max(f.actual_on_block or f.arrival_at for f in flights)
    return start - HISTORY, end + FUTURE


def legality(member: CrewMember, flights: Sequence[Flight], role: str) -> Verdict:
    """Legality of one crew member for ``flights`` (with ``aircraft`` loaded) as ``role``,
    whether or not already assigned (an existing assignment to one of them is replaced)."""
    today = timezone.localdate()
    member = crew_queryset().get(pk=member.pk)
    start, end = window_around(flights)
    roster = rosters([member.pk], start, end)[member.pk]
    experience = experience_by_member([member.pk], today).get(member.pk, [])
    crews = flight_crews(flights)
    legs = [leg_of(f, crews[f.pk], member.pk, role) for f in flights]
    return judge(member, record_of(member, experience), roster, legs, role, today)


def crew_queryset() -> QuerySet[CrewMember]:
    """Crew members with every qualification row prefetched (for ``record_of``)."""
    return CrewMember.objects.select_related("home_base", "user").prefetch_related(
        "licenses",
        "ratings",
        Prefetch("medicals", queryset=MedicalCertificate.objects.order_by("-exam_date")),
        Prefetch("training", queryset=TrainingRecord.objects.order_by("kind", "-completed_on")),
    )
