"""Crew fixtures: qualified crew members, flights to put them on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from crew import services
from crew.models import CrewMember
from fleet.models import Airport
from flights.models import Flight
from flights.services.booking import flight_create
from tests.flights.conftest import future, jet, midsize, profile  # noqa: F401  (fixtures)

ALL_CHECKS = (
    "knowledge_test",
    "competency_check",
    "instrument_proficiency_check",
    "line_check",
    "recurrent_training",
)


def qualified(aircraft_type: str = "C25B", rating: str = "PIC", medical_class: int = 1) -> dict[str, Any]:
    done = timezone.localdate() - timedelta(days=20)
    return {
        "licenses": [{"kind": "atp", "number": "ATP123", "authority": "FAA"}],
        "ratings": [{"aircraft_type": aircraft_type, "role": rating}],
        "medical": {"medical_class": medical_class, "exam_date": done},
        "recurrent_training": [{"kind": k, "completed_on": done} for k in ALL_CHECKS],
    }


def make_crew(
    employee_id: str,
    *,
    position: str = "captain",
    base: str = "KTEB",
    qualifications: dict[str, Any] | None = None,
    recent_landings: str | None = "C25B",
    **fields: Any,
) -> CrewMember:
    if qualifications is None:
        qualifications = (
            {"recurrent_training": [{"kind": "recurrent_training", "completed_on": timezone.localdate()}]}
            if position == "flight_attendant"
            else qualified(rating="PIC" if position == "captain" else "SIC")
        )
    member = services.crew_member_create(
        actor=None,
        employee_id=employee_id,
        name=fields.pop("name", f"Crew {employee_id}"),
        position=position,
        date_of_birth=fields.pop("date_of_birth", date(1980, 6, 1)),
        home_base=Airport.objects.get(icao=base),
        contact_info=fields.pop("contact_info", {"email": f"{employee_id.lower()}@crew.example"}),
        qualifications=qualifications,
        **fields,
    )
    if recent_landings:
        services.experience_add(
            member=member,
            actor=None,
            date=timezone.localdate() - timedelta(days=5),
            aircraft_type=recent_landings,
            takeoffs=3,
            landings=3,
            source="simulator",
        )
    return member


@pytest.fixture
def crew_factory(db: Any) -> Callable[..., CrewMember]:
    return make_crew


def book(client: Any, aircraft: Any, *, days: int = 10, hour: int = 14, **kwargs: Any) -> Flight:
    return flight_create(
        client=client,
        aircraft=aircraft,
        departure_airport=Airport.objects.get(icao=kwargs.pop("dep", "KTEB")),
        arrival_airport=Airport.objects.get(icao=kwargs.pop("arr", "KDJT")),
        departure_at=kwargs.pop("at", future(days, hour)),
        actor=None,
        **kwargs,
    )
