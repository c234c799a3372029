"""Who else keeps an aircraft busy: a small registry other apps plug into.

The fleet app knows blackouts and statuses; flights (and later maintenance work orders) know
when an aircraft is booked. Rather than importing those apps, fleet asks every registered
*occupancy provider*. A provider is registered once, from its app's ``AppConfig.ready()``::

    from fleet.occupancy import OccupancyEntry, register_occupancy

    def busy_aircraft(start, end):
        # ids of aircraft with a flight overlapping [start, end) — a values queryset is best:
        # fleet uses it as a subquery, so the availability search stays one SQL query.
        return Flight.objects.active().filter(
            block_out__lt=end, block_in__gt=start
        ).values("aircraft_id")

    def flight_entries(aircraft_ids, start, end):
        for f in Flight.objects.active().filter(
            aircraft_id__in=aircraft_ids, block_out__lt=end, block_in__gt=start
        ):
            yield OccupancyEntry(
                aircraft_id=f.aircraft_id, kind="flight", start=f.block_out, end=f.block_in,
                title=f"{f.departure_id}–{f.arrival_id}", ref=f.pk,
            )

    register_occupancy("flights", busy=busy_aircraft, entries=flight_entries)

Intervals are half-open ``[start, end)`` in UTC: a flight ending at 12:00 does not overlap a
window starting at 12:00. Registering a name again replaces the provider (safe on reload).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

BusyFn = Callable[[datetime, datetime], "QuerySet[Any] | Iterable[int]"]
"""``busy(start, end)``: ids of aircraft busy at some time in ``[start, end)``; either an
iterable of ints or a queryset with a single column of aircraft ids (``.values("aircraft_id")``)."""

EntriesFn = Callable[[Collection[int], datetime, datetime], "Iterable[OccupancyEntry]"]
"""``entries(aircraft_ids, start, end)``: the busy periods of those aircraft overlapping
``[start, end)``, shown on the aircraft schedule."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OccupancyEntry:
    """One busy period of one aircraft, as a provider reports it.

    ``kind`` is a short machine word ("flight", "work_order"…), ``ref`` the provider's own id
    of the record (shown as the schedule entry's ``id``), ``detail`` any extra JSON-safe data.
    ``start`` and ``end`` are timezone-aware; ``end`` is None for an open-ended period.
    """

    aircraft_id: int
    kind: str
    start: datetime
    end: datetime | None
    title: str
    ref: int | str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OccupancyProvider:
    name: str
    busy: BusyFn
    entries: EntriesFn | None = None


_PROVIDERS: dict[str, OccupancyProvider] = {}


def register_occupancy(name: str, *, busy: BusyFn, entries: EntriesFn | None = None) -> None:
    """Register (or replace) the provider ``name``.

    ``busy`` makes aircraft unavailable in ``fleet.selectors.aircraft_available``;
    ``entries`` (optional) adds its periods to ``fleet.selectors.aircraft_schedule``.
    """
    if not name:
        raise ValueError("An occupancy provider needs a name.")
    _PROVIDERS[name] = OccupancyProvider(name=name, busy=busy, entries=entries)


def unregister_occupancy(name: str) -> None:
    """Remove the provider ``name`` if registered (tests use it to clean up)."""
    _PROVIDERS.pop(name, None)


def occupancy_providers() -> list[OccupancyProvider]:
    """The registered providers, in registration order."""
    return list(_PROVIDERS.values())


def busy_sources(start: datetime, end: datetime) -> list[QuerySet[Any] | set[int]]:
    """What each provider reports busy in ``[start, end)``: querysets are passed through
    unevaluated (usable as subqueries), other iterables become sets of ints."""
    sources: list[QuerySet[Any] | set[int]] = []
    for provider in occupancy_providers():
        result = provider.busy(start, end)
        sources.append(result if isinstance(result, QuerySet) else {int(i) for i in result})
    return sources


def occupancy_entries(aircraft_ids: Collection[int], start: datetime, end: datetime) -> list[OccupancyEntry]:
    """Every provider's busy periods for ``aircraft_ids`` overlapping ``[start, end)``."""
    found: list[OccupancyEntry] = []
    for provider in occupancy_providers():
        if provider.entries is not None:
            found.extend(provider.entries(aircraft_ids, start, end))
    return found
