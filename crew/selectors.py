"""Reads for the crew screens: who may log in as crew, the crew list, expiring
qualifications, a member's schedule, open seats and suggestions. What the legality engine
needs is read by the adapter, ``crew.adapter``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from crew.adapter import (
    crew_queryset,
    duty_settings,
    experience_by_member,
    expiries_by_member,
    flight_crews,
    judge,
    leg_of,
    record_of,
    result_json,
    rosters,
    rules_in_force,
    window_around,
)
from crew.choices import POSITION_ROLES, CrewRole
from crew.models import (
    CrewAssignment,
    CrewMember,
)
from crew.roster import (
    duty_intervals,
    flight_hours,
    hours_within,
    rest_gaps,
)
from flights.choices import FlightStatus
from flights.models import Flight, planned_during
from jetops.geo import great_circle_nm
from jetops.models import User
from jetops.roles import SUPER_ADMIN_LEVEL, Role


def crew_login_candidates() -> QuerySet[User]:
    """Users who may be linked to a crew record: they hold the Crew Member role (a super
    admin's mask holds every bit, but is not a crew login)."""
    crew = int(Role.CREW)
    return (
        User.objects.annotate(crew_bit=F("level").bitand(crew))
        .filter(crew_bit=crew)
        .exclude(level=SUPER_ADMIN_LEVEL)
        .order_by("username")
    )


def expiring_within(queryset: QuerySet[CrewMember], days: int) -> QuerySet[CrewMember]:
    """The members (of ``crew_queryset``) with an item expired, never recorded or expiring
    within ``days``."""
    today = timezone.localdate()
    expiries = expiries_by_member(list(queryset), today)
    soonest = {pk: items[0].days_left(today) for pk, items in expiries.items() if items}
    ids = [pk for pk, left in soonest.items() if left is None or left <= days]
    return queryset.filter(pk__in=ids)


def open_seats(flight: Flight) -> list[str]:
    """Seats still to fill: PIC, SIC when the aircraft needs two pilots, and a flight
    attendant while fewer are assigned than the flight is planned to carry or than 14 CFR
    135.107 requires (one above 19 passenger seats)."""
    taken = [a.role for a in flight.crew_assignments.all()]
    pilots = [CrewRole.PIC] + ([CrewRole.SIC] if flight.aircraft.min_crew >= 2 else [])
    seats = [s for s in pilots if s not in taken]
    rules = rules_in_force(timezone.localdate(flight.departure_at))
    required = 1 if flight.aircraft.seating_capacity > rules.fa_required_above_seats else 0
    if taken.count(CrewRole.FA) < max(flight.flight_attendants, required):
        seats.append(CrewRole.FA)
    return [str(s) for s in seats]


def candidate_members(flight: Flight, role: str) -> QuerySet[CrewMember]:
    """Active crew whose position allows ``role`` and, for pilots, rated on the type."""
    positions = [p for p, roles in POSITION_ROLES.items() if role in roles]
    queryset = crew_queryset().filter(is_active=True, position__in=positions)
    if role != CrewRole.FA:
        queryset = queryset.filter(ratings__aircraft_type=flight.aircraft.aircraft_type)
        if role == CrewRole.PIC:
            queryset = queryset.filter(ratings__role=CrewRole.PIC)
    return queryset.exclude(assignments__flight=flight).distinct()


def schedule(member: CrewMember, start: datetime, end: datetime) -> dict[str, Any]:
    """The crew member's flights, duties, rest and days off between ``start`` and ``end``."""
    roster = rosters([member.pk], start, end)[member.pk]
    assignments = (
        CrewAssignment.objects.filter(planned_during(start, end, "flight__"), crew_member=member)
        .exclude(flight__status=FlightStatus.CANCELLED)
        .select_related("flight__aircraft", "flight__departure_airport", "flight__arrival_airport")
        .order_by("flight__departure_at")
    )
    flights = [
        {
            "type": "flight",
            "flight": a.flight_id,
            "flight_number": a.flight.flight_number,
            "role": a.role,
            "status": a.flight.status,
            "tail_number": a.flight.aircraft.tail_number,
            "aircraft_type": a.flight.aircraft.aircraft_type,
            "departure_airport": a.flight.departure_airport_id,
            "arrival_airport": a.flight.arrival_airport_id,
            "start": (a.flight.actual_off_block or a.flight.departure_at).isoformat(),
            "end": (a.flight.actual_on_block or a.flight.arrival_at).isoformat(),
        }
        for a in assignments
    ]
    duties = duty_intervals(roster, duty_settings())
    items = flights + [
        {"type": "duty", "kind": kind, "start": s.isoformat(), "end": e.isoformat()} for s, e, kind in duties
    ]
    items += [
        {
            "type": "rest",
            "start": s.isoformat(),
            "end": e.isoformat(),
            "hours": round((e - s).total_seconds() / 3600, 2),
        }
        for s, e in rest_gaps(duties, start, end)
    ]
    items += [
        {"type": u.kind, "start": u.start.isoformat(), "end": u.end.isoformat()} for u in roster.unavailable
    ]
    items.sort(key=lambda item: (item["start"], item["type"]))
    return {
        "crew_member": member.pk,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "items": items,
        "totals": {
            "flight_hours": flight_hours(roster, start, end),
            "duty_hours": hours_within(duties, start, end),
        },
    }


BALANCE_DAYS = 28


def suggestions(flight: Flight, roles: Sequence[str], limit: int = 10) -> list[dict[str, Any]]:
    """For each seat in ``roles``: legal, qualified crew, best first — fewest warnings, then
    the longest rest before the duty (capped at two days: beyond that more rest is no
    better), then the fewest duty hours in the last 28 days, then the shortest positioning
    from home base. Queries: a fixed number per seat, whatever the size of the crew."""
    today = timezone.localdate()
    crew = flight_crews([flight])[flight.pk]
    report_at = flight.actual_off_block or flight.departure_at
    rules = rules_in_force(timezone.localdate(report_at))
    start, end = window_around([flight])
    departure = flight.departure_airport
    seats = []
    for role in roles:
        members = list(candidate_members(flight, role))
        ids = [m.pk for m in members]
        all_rosters = rosters(ids, start, end)
        experience = experience_by_member(ids, today)
        grouping = duty_settings(rules)
        report = report_at - grouping.report_before
        ranked = []
        for member in members:
            roster = all_rosters[member.pk]
            record = record_of(member, experience.get(member.pk, []))
            legs = [leg_of(flight, crew, member.pk, role)]
            verdict = judge(member, record, roster, legs, role, today, rules)
            if not verdict.legal:
                continue
            duties = duty_intervals(roster, grouping)
            before = [e for _s, e, _k in duties if e <= report]
            rest_hours = round((report - max(before)).total_seconds() / 3600, 1) if before else None
            balance = hours_within(duties, report - timedelta(days=BALANCE_DAYS), report)
            base = member.home_base
            positioning = round(
                great_circle_nm(base.latitude, base.longitude, departure.latitude, departure.longitude)
            )
            ranked.append(
                (
                    (
                        len(verdict.warnings),
                        -min(rest_hours if rest_hours is not None else 48.0, 48.0),
                        balance,
                        positioning,
                    ),
                    {
                        "crew_member": member.pk,
                        "name": member.name,
                        "position": member.position,
                        "home_base": base.pk,
                        "rest_before_hours": rest_hours,
                        "duty_hours_28_days": balance,
                        "positioning_nm": positioning,
                        "warnings": [result_json(r) for r in verdict.warnings],
                    },
                )
            )
        ranked.sort(key=lambda pair: pair[0])
        seats.append({"role": role, "candidates": [entry for _key, entry in ranked[:limit]]})
    return seats
