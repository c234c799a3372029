"""Demo crew for the quick start: captains and first officers rated on the demo fleet's types
at its bases, two flight attendants, all checks recently done and recent simulator landings,
so they are legal; one captain's medical runs out at the next month end (amber in the list,
an expiry alert on the way). The demo user ``crew`` is Chris Captain's login. Upcoming demo
flights get a legal crew through ``crew.services.crew_assign``, except the last one, whose
seats are left open to try assigning in the admin or the API.

Idempotent: a crew member whose employee id exists is left as it is; a seat already taken is
not filled again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from crew import selectors, services
from crew.choices import CrewRole, ExperienceSource, LicenseKind, Position, TrainingKind
from crew.expiries import end_of_month_after, first_of_month_after
from crew.models import CrewAssignment, CrewMember
from fleet.demo import demo_airport
from flights.choices import FlightStatus
from flights.models import Flight
from jetops.errors import Conflict
from jetops.models import User

CREW_USERNAME = "crew"  # jetops.demo.DEMO_USERS


@dataclass(frozen=True)
class DemoCrew:
    employee_id: str
    name: str
    position: str
    base: str
    born: date
    types: tuple[str, ...] = ()
    # Days before today of the medical exam and of the checks (recent: everything valid).
    exam_days_ago: int = 40
    checks_days_ago: int = 30
    expiring_medical: bool = False
    username: str = ""


DEMO_CREW: tuple[DemoCrew, ...] = (
    DemoCrew(
        "JA-101",
        "Chris Captain",
        Position.CAPTAIN,
        "KTEB",
        date(1981, 3, 14),
        types=("CL35", "C25B"),
        username=CREW_USERNAME,
    ),
    DemoCrew(
        "JA-102",
        "Maria Alvarez",
        Position.CAPTAIN,
        "KTEB",
        date(1976, 9, 2),
        types=("CL35", "GLEX"),
        exam_days_ago=55,
        checks_days_ago=45,
    ),
    DemoCrew("JA-201", "Daniel Okafor", Position.FIRST_OFFICER, "KTEB", date(1990, 1, 23), ("CL35", "GLEX")),
    DemoCrew(
        "JA-202",
        "Priya Natarajan",
        Position.FIRST_OFFICER,
        "KTEB",
        date(1993, 7, 8),
        types=("CL35",),
        exam_days_ago=70,
        checks_days_ago=20,
    ),
    DemoCrew(
        "JA-103",
        "James Whitfield",
        Position.CAPTAIN,
        "KVNY",
        date(1972, 11, 30),
        types=("LJ75", "GLF4"),
        expiring_medical=True,
    ),
    DemoCrew("JA-203", "Sofia Moreno", Position.FIRST_OFFICER, "KVNY", date(1988, 4, 17), ("LJ75", "GLF4")),
    DemoCrew(
        "JA-104",
        "Robert Chen",
        Position.CAPTAIN,
        "KMIA",
        date(1979, 5, 5),
        types=("GLF6",),
        exam_days_ago=25,
        checks_days_ago=60,
    ),
    DemoCrew("JA-204", "Hannah Lindqvist", Position.FIRST_OFFICER, "KMIA", date(1991, 12, 12), ("GLF6",)),
    DemoCrew("JA-301", "Grace Bennett", Position.FLIGHT_ATTENDANT, "KTEB", date(1992, 2, 29)),
    DemoCrew("JA-302", "Lucas Ferreira", Position.FLIGHT_ATTENDANT, "KMIA", date(1987, 8, 21)),
)


def _email(spec: DemoCrew, user: User | None) -> str:
    if user is not None and user.email:
        return user.email
    return f"{spec.name.lower().replace(' ', '.')}@crew.jetops.example"


def _expiring_exam(today: date) -> date:
    """An exam whose first-class privileges (6 months at 40 or over) end at the first month
    end at least 8 days away: amber in the crew list, and alerted at 7 days."""
    until = end_of_month_after(today, 0)
    if (until - today).days < 8:
        until = end_of_month_after(today, 1)
    return first_of_month_after(until, -6) + timedelta(days=14)


def _qualifications(spec: DemoCrew, today: date) -> dict[str, Any]:
    checks_on = today - timedelta(days=spec.checks_days_ago)
    attendant = spec.position == Position.FLIGHT_ATTENDANT
    kinds = [TrainingKind.RECURRENT_TRAINING] if attendant else list(TrainingKind)
    qualifications: dict[str, Any] = {
        "recurrent_training": [{"kind": kind, "completed_on": checks_on} for kind in kinds],
    }
    number = int(spec.employee_id.removeprefix("JA-"))
    if attendant:
        qualifications["licenses"] = [
            {
                "kind": LicenseKind.PASSPORT,
                "number": f"5{number:08d}",
                "authority": "US",
                "issued_on": today - timedelta(days=2 * 365),
                "expires_on": today + timedelta(days=8 * 365),
            }
        ]
        return qualifications
    captain = spec.position == Position.CAPTAIN
    qualifications["licenses"] = [
        {
            "kind": LicenseKind.ATP if captain else LicenseKind.COMMERCIAL,
            "number": f"{3_104_000 + number}",
            "authority": "FAA",
            "issued_on": date(spec.born.year + 25, 6, 1),
        }
    ]
    qualifications["ratings"] = [
        {"aircraft_type": t, "role": CrewRole.PIC if captain else CrewRole.SIC} for t in spec.types
    ]
    exam = _expiring_exam(today) if spec.expiring_medical else today - timedelta(days=spec.exam_days_ago)
    qualifications["medical"] = {"medical_class": 1 if captain else 2, "exam_date": exam}
    return qualifications


def _create(spec: DemoCrew, today: date) -> CrewMember:
    user = User.objects.filter(username=spec.username).first() if spec.username else None
    if user is not None and CrewMember.objects.filter(user=user).exists():
        user = None
    member = services.crew_member_create(
        actor=None,
        employee_id=spec.employee_id,
        name=spec.name,
        position=spec.position,
        user=user,
        date_of_birth=spec.born,
        home_base=demo_airport(spec.base),
        contact_info={
            "email": _email(spec, user),
            "phone": f"+1212555{int(spec.employee_id.removeprefix('JA-')):04d}",
        },
        emergency_contact={"name": "Next of kin (demo)", "phone": "+15550199000"},
        qualifications=_qualifications(spec, today),
    )
    for aircraft_type in spec.types:
        services.experience_add(
            member=member,
            actor=None,
            date=today - timedelta(days=12),
            aircraft_type=aircraft_type,
            takeoffs=3,
            landings=3,
            night_takeoffs=3,
            night_landings=3,
            source=ExperienceSource.SIMULATOR,
            remarks="Recurrent simulator session (day and night)",
        )
    return member


def _link_crew_user() -> None:
    """Link the demo crew login to its captain (when both exist and neither is linked)."""
    spec = next(s for s in DEMO_CREW if s.username)
    user = User.objects.filter(username=spec.username).first()
    member = CrewMember.objects.filter(employee_id=spec.employee_id, user__isnull=True).first()
    if user is None or member is None or CrewMember.objects.filter(user=user).exists():
        return
    services.crew_member_update(member=member, actor=None, user=user)


def _crew_flights(ids: list[str]) -> int:
    """Fill the pilot seats of every upcoming demo flight but the last with legal demo crew."""
    flights = list(
        Flight.objects.filter(status=FlightStatus.SCHEDULED, departure_at__gt=timezone.now())
        .select_related("aircraft", "departure_airport", "trip")
        .prefetch_related("crew_assignments")
        .order_by("departure_at", "id")
    )
    order = {employee_id: index for index, employee_id in enumerate(ids)}
    made = 0
    for flight in flights[:-1]:
        for role in selectors.open_seats(flight):
            if role == CrewRole.FA:
                continue
            # First officers take the SIC seat before captains do.
            candidates = sorted(
                selectors.candidate_members(flight, role).filter(employee_id__in=ids),
                key=lambda m: (
                    role == CrewRole.SIC and m.position != Position.FIRST_OFFICER,
                    order[m.employee_id],
                ),
            )
            for member in candidates:
                try:
                    services.crew_assign(flight=flight, member=member, role=role, actor=None)
                except (Conflict, ValidationError):
                    continue
                made += 1
                break
    return made


@transaction.atomic
def seed_crew() -> list[str]:
    """Create the demo crew and their assignments (idempotent); return the lines to print."""
    today = timezone.localdate()
    for spec in DEMO_CREW:
        if not CrewMember.objects.filter(employee_id=spec.employee_id).exists():
            _create(spec, today)
    _link_crew_user()
    _crew_flights([spec.employee_id for spec in DEMO_CREW])
    linked = CrewMember.objects.filter(user__username=CREW_USERNAME).first()
    lines = [
        f"  crew: {CrewMember.objects.count()} crew members, "
        f"{CrewAssignment.objects.count()} flight assignment(s)"
    ]
    if linked is not None:
        lines.append(f"  crew login '{CREW_USERNAME}' is {linked.name} ({linked.employee_id})")
    return lines
