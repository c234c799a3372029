"""Maintenance fixtures: a light jet on the 91.409 preset, built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fleet.models import Aircraft
from maintenance import services
from maintenance.models import Program, TrackedItem
from maintenance.services import Done
from tests.builders import make_aircraft


def on_preset(aircraft: Aircraft, *, hours_done: Decimal, annual_done: date) -> dict[str, TrackedItem]:
    """Put ``aircraft`` on the 91.409 preset: the 100-hour done at ``hours_done``, the annual
    on ``annual_done``. Returns the items by task code."""
    program = services.program_preset_91_409(actor=None)
    annual, hundred = program.tasks.order_by("code")
    services.program_apply(
        program=program,
        aircraft=aircraft,
        actor=None,
        done={
            annual.pk: Done(annual_done, aircraft.total_hours, aircraft.total_cycles),
            hundred.pk: Done(timezone.localdate() - timedelta(days=30), hours_done, aircraft.total_cycles),
        },
    )
    return {i.task.code: i for i in TrackedItem.objects.filter(aircraft=aircraft).select_related("task")}


@pytest.fixture
def light_jet(profile: Any) -> Aircraft:  # noqa: F811  (the imported fixture)
    """N100JA at Teterboro, 1,150 h and 900 cycles."""
    return make_aircraft(tail_number="N100JA", total_hours=Decimal("1150.0"), total_cycles=900)


@pytest.fixture
def preset_items(light_jet: Aircraft) -> dict[str, TrackedItem]:
    """The light jet's 100-hour due at 1,200 h, annual due at the end of the month 6 months on."""
    return on_preset(
        light_jet, hours_done=Decimal("1100.0"), annual_done=timezone.localdate() - timedelta(days=180)
    )


@pytest.fixture
def preset(db: Any) -> Program:
    return services.program_preset_91_409(actor=None)
