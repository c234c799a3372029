"""Crew fixtures: qualified crew members built through the services (``tests.builders``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crew.models import CrewMember
from tests.builders import make_crew


@pytest.fixture
def crew_factory(db: Any) -> Callable[..., CrewMember]:
    return make_crew
