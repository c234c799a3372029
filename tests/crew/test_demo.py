"""``crew.demo.seed_crew``: a legal, idempotent demo crew with the demo crew login linked."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clients.demo import seed_clients
from crew import adapter, selectors
from crew.demo import DEMO_CREW, seed_crew
from crew.models import (
    CrewAssignment,
    CrewMember,
    ExperienceRecord,
    License,
    MedicalCertificate,
    TrainingRecord,
    TypeRating,
)
from fleet.demo import seed_fleet
from flights.demo import seed_flights
from flights.models import Flight
from jetops.demo import SEEDERS, seed_users

pytestmark = pytest.mark.django_db

COUNTED = (
    CrewMember,
    License,
    TypeRating,
    MedicalCertificate,
    TrainingRecord,
    ExperienceRecord,
    CrewAssignment,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed_everything() -> list[str]:
    lines: list[str] = []
    for seeder in (seed_users, seed_fleet, seed_clients, seed_flights, seed_crew):
        lines.extend(seeder())
    return lines


def test_seed_crew_runs_after_the_flights():
    assert SEEDERS.index("crew.demo.seed_crew") == SEEDERS.index("flights.demo.seed_flights") + 1


def test_seed_crew_is_idempotent_legal_and_links_the_crew_user():
    # given / when
    first_lines = seed_everything()
    first = counts()
    second_lines = seed_everything()
    # then: nothing duplicated
    assert counts() == first
    assert [line for line in first_lines if "crew" in line] == [
        line for line in second_lines if "crew" in line
    ]
    assert first["CrewMember"] == len(DEMO_CREW) == 10
    assert first["TrainingRecord"] == 8 * 5 + 2  # pilots: every check; attendants: training
    chris = CrewMember.objects.get(user__username="crew")
    assert chris.position == "captain"
    assert "  crew login 'crew' is Chris Captain (JA-101)" in second_lines

    # every assignment is legal (no override), and one flight still has open seats
    assignments = list(CrewAssignment.objects.select_related("flight__aircraft", "crew_member"))
    assert assignments
    assert not any(a.overridden for a in assignments)
    assert chris.pk in {a.crew_member_id for a in assignments}
    flights = list(
        Flight.objects.filter(departure_at__gt=timezone.now())
        .select_related("aircraft")
        .order_by("departure_at")
    )
    assert any(selectors.open_seats(f) for f in flights)
    for flight in {a.flight for a in assignments}:
        roles = {a.role for a in assignments if a.flight_id == flight.pk}
        assert roles == ({"PIC", "SIC"} if flight.aircraft.min_crew == 2 else {"PIC"})

    # one captain's medical runs out within two months (amber or red in the crew list)
    members = list(adapter.crew_queryset())
    expiries = adapter.expiries_by_member(members)
    today = timezone.localdate()
    soon = {
        m.employee_id
        for m in members
        if (left := expiries[m.pk][0].days_left(today)) is not None and left <= 60
    }
    assert soon == {"JA-103"}
    assert expiries[CrewMember.objects.get(employee_id="JA-103").pk][0].key == "medical"
