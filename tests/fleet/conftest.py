"""Fleet test helpers: aircraft built through the services, like the admin and API do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from fleet import services
from fleet.models import Aircraft

_tails = count(0)
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # never I or O in an N-number


def next_tail() -> str:
    """N100AA, N101AA, … N999AA, N100AB, …: valid, distinct N-numbers."""
    n = next(_tails)
    block = n // 900
    return (
        f"N{100 + n % 900}{_LETTERS[block // len(_LETTERS) % len(_LETTERS)]}{_LETTERS[block % len(_LETTERS)]}"
    )


def aircraft_data(**overrides: Any) -> dict[str, Any]:
    """Valid ``aircraft_create`` arguments for a light jet at Teterboro."""
    data: dict[str, Any] = {
        "tail_number": next_tail(),
        "aircraft_type": "C25B",
        "manufacturer": "Cessna",
        "model": "Citation CJ3+",
        "year": 2019,
        "category": "light",
        "seating_capacity": 7,
        "range_nautical_miles": 2040,
        "cruise_speed": 416,
        "current_location": "KTEB",
        "hourly_rate": Decimal("4200.00"),
    }
    data.update(overrides)
    return data


def make_aircraft(actor: Any = None, **overrides: Any) -> Aircraft:
    return services.aircraft_create(actor=actor, **aircraft_data(**overrides))


@pytest.fixture
def aircraft_factory(db: Any) -> Callable[..., Aircraft]:
    return make_aircraft


@pytest.fixture
def aircraft(db: Any) -> Aircraft:
    return make_aircraft(tail_number="N100JA")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
