"""Fleet fixtures: aircraft built through the services (``tests.builders``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fleet.models import Aircraft
from tests.builders import make_aircraft


@pytest.fixture
def aircraft_factory(db: Any) -> Callable[..., Aircraft]:
    return make_aircraft


@pytest.fixture
def aircraft(db: Any) -> Aircraft:
    return make_aircraft(tail_number="N100JA")
