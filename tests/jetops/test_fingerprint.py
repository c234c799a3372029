"""``manage.py data_fingerprint``, which the restore drill compares before and after a
restore: stable for the same data, changed by a changed row, and reading through the API."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from flights.models import Flight
from jetops.fingerprint import fingerprint

TINY = [
    "--years=0.01",
    "--flights-per-month=600",
    "--aircraft=3",
    "--crew=9",
    "--clients=5",
    "--passengers=10",
]


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_scale", *TINY, "--now=2026-03-01T12:00:00+00:00", stdout=StringIO())


@pytest.mark.usefixtures("seeded")
def test_same_data_same_fingerprint_with_the_api_read() -> None:
    out = StringIO()
    call_command("data_fingerprint", stdout=out)
    printed = json.loads(out.getvalue())

    again = fingerprint()

    assert printed == json.loads(json.dumps(again, default=str))
    assert printed["tables"]["flights_flight"] == Flight.objects.count() > 0
    assert printed["api"]["status"] == 200
    assert printed["api"]["user"].startswith("scale-")
    assert printed["api"]["body"]["count"] == Flight.objects.count()
    assert set(printed["checksums"]) >= {"flights_flight", "crew_crewassignment", "jetops_activitylog"}


@pytest.mark.usefixtures("seeded")
def test_a_changed_row_changes_its_table_checksum_only() -> None:
    before = fingerprint()

    Flight.objects.filter(pk=Flight.objects.order_by("pk").values("pk")[:1]).update(departure_fbo="Elsewhere")

    after = fingerprint()
    assert after["tables"] == before["tables"]
    changed = {t for t in before["checksums"] if before["checksums"][t] != after["checksums"][t]}
    assert changed == {"flights_flight"}


@pytest.mark.django_db
def test_without_a_staff_user_the_api_read_is_reported_not_raised() -> None:
    assert fingerprint()["api"] == {"status": None, "body": None}
