"""``fleet.demo.seed_fleet``: a realistic, idempotent demo fleet."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fleet.demo import seed_fleet
from fleet.models import Aircraft, AircraftDocument, Blackout
from jetops.demo import SEEDERS

pytestmark = pytest.mark.django_db


def test_seed_fleet_is_idempotent_and_realistic():
    assert "fleet.demo.seed_fleet" in SEEDERS
    assert seed_fleet() == ["  fleet: 11 aircraft"]
    assert seed_fleet() == ["  fleet: 11 aircraft"]
    assert Aircraft.objects.count() == 11
    assert set(Aircraft.objects.values_list("category", flat=True)) == {
        "light",
        "midsize",
        "super_midsize",
        "heavy",
        "ultra_long_range",
    }
    assert Aircraft.objects.get(tail_number="N501JA").current_location_id == "KTEB"
    assert Aircraft.objects.get(tail_number="N402JA").status == "maintenance"
    assert Blackout.objects.count() == 1
    soon = timezone.localdate() + timezone.timedelta(days=30)
    assert AircraftDocument.objects.filter(expires_on__lte=soon).exists()
    assert AircraftDocument.objects.count() == 33
    for aircraft in Aircraft.objects.all():
        assert aircraft.history.count() >= 1
        assert aircraft.registration_expires_on is not None
