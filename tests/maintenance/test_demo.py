"""``maintenance.demo.seed_maintenance``: realistic, idempotent demo maintenance."""

from __future__ import annotations

import pytest

from fleet.demo import seed_fleet
from fleet.models import Aircraft
from jetops.demo import SEEDERS
from maintenance.demo import seed_maintenance
from maintenance.models import Directive, Squawk, TrackedItem
from maintenance.selectors import due_list, grounded_by

pytestmark = pytest.mark.django_db


def test_seed_maintenance_is_realistic_and_idempotent():
    # after the fleet and the flights it reads (their flown hours and scheduled legs)
    assert SEEDERS.index("maintenance.demo.seed_maintenance") > SEEDERS.index("flights.demo.seed_flights")
    seed_fleet()
    seed_maintenance()
    light = Aircraft.objects.get(tail_number="N101JA")
    large = Aircraft.objects.get(tail_number="N402JA")
    light_rows = {row.code: row for row in due_list(light)}
    assert set(light_rows) == {"91.409(a)", "91.409(b)", "2025-14-09"}
    assert light_rows["91.409(b)"].evaluation.remaining_hours == 12
    assert TrackedItem.objects.filter(aircraft=large).count() == 361  # 360 program tasks + 1 AD
    assert Directive.objects.filter(recurring=True).count() == 2
    deferred = Squawk.objects.get(status="deferred")
    assert deferred.mel_category == "C"
    assert grounded_by(light) == []
    assert grounded_by(deferred.aircraft) == []
    before = TrackedItem.objects.count()
    seed_maintenance()
    assert TrackedItem.objects.count() == before
