"""Recency from flown legs is cached per crew member (docs/architecture.md#caches): the
writes that change it — a flight's status, the pilot recorded as flying a leg — make the next
read see the change, through the API as operations make them."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from crew import adapter, services
from crew.experience import flown_experience
from jetops.critical import operator_context
from tests.builders import bearer, book, future, make_crew

pytestmark = pytest.mark.django_db


def recency(member):
    return adapter.experience_by_member([member.pk], timezone.localdate()).get(member.pk, [])


def test_a_leg_flown_after_a_read_counts_at_once(ops_user, client_a, jet):
    captain = make_crew("E1", recent_landings=None)
    first_officer = make_crew("E2", position="first_officer", recent_landings=None)
    leg = book(client_a, jet, at=future(10, 14))
    setup = {"actor": None, "override_reason": "test set-up", "meta": operator_context("tests")}
    services.crew_assign(flight=leg, member=captain, role="PIC", **setup)
    sic = services.crew_assign(flight=leg, member=first_officer, role="SIC", **setup)
    assert recency(captain) == []
    assert recency(first_officer) == []

    api = bearer(ops_user)
    past = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=3)
    for status, at in (("departed", past), ("arrived", past + timedelta(hours=2))):
        moved = api.post(
            f"/api/v1/flights/{leg.pk}/status", {"status": status, "at": at.isoformat()}, format="json"
        )
        assert moved.status_code == 200, moved.json()

    (event,) = recency(captain)
    assert (event.on, event.aircraft_type, event.takeoffs, event.landings) == (
        timezone.localdate(past + timedelta(hours=2)),
        "C25B",
        1,
        1,
    )
    assert recency(first_officer) == []

    # the first officer flew it: the leg moves to them, and the captain's cache forgets it
    moved = api.post(f"/api/v1/flights/{leg.pk}/crew/{sic.pk}/pilot-flying")
    assert moved.status_code == 200, moved.json()
    assert recency(captain) == []
    assert [e.takeoffs for e in recency(first_officer)] == [1]


def test_a_shorter_window_keeps_only_its_days(client_a, jet):
    """A member cached for 100 days answers a later day's window from the cache, without the
    legs that landed before it."""
    captain = make_crew("E1", recent_landings=None)
    leg = book(client_a, jet, at=future(10, 14))
    services.crew_assign(
        flight=leg,
        member=captain,
        role="PIC",
        actor=None,
        override_reason="test set-up",
        meta=operator_context("tests"),
    )
    from flights.services.status import flight_status_change

    past = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=3)
    flight_status_change(flight=leg, status="departed", actor=None, at=past)
    flight_status_change(flight=leg, status="arrived", actor=None, at=past + timedelta(hours=2))
    planned = leg.arrival_at.astimezone(UTC).date()  # the window follows the planned landing
    assert len(flown_experience([captain.pk], timezone.localdate() - timedelta(days=100))[captain.pk]) == 1
    assert flown_experience([captain.pk], planned + timedelta(days=1))[captain.pk] == []
    assert len(flown_experience([captain.pk], planned)[captain.pk]) == 1
