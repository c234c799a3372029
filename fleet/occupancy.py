"""Who else keeps an aircraft busy, and where it goes: a small registry other apps plug into.

The fleet app knows blackouts and statuses; flights (and later maintenance work orders) know
when an aircraft is booked and where each booking takes it. Rather than importing those apps
(they depend on fleet, never the reverse), fleet asks every registered *occupancy provider*.
A provider is registered once, from its app's ``AppConfig.ready()`` — ``flights.occupancy``
is the example — and ``fleet.selectors`` turns what the providers report, with blackouts
and the aircraft's status, into the one answer every screen uses (availability search,
schedule, quoting, booking checks, alternatives).

A provider gives three functions:

``busy(start, end)``
    ids of aircraft with a blocking period overlapping ``[start, end)``: a values queryset of
    one column (``.values("aircraft_id")``) is best, fleet uses it as a subquery so the
    availability search stays one SQL query; an iterable of ints also works.
``entries(aircraft_ids, start, end, exclude)``
    the periods of those aircraft overlapping ``[start, end)``, as ``OccupancyEntry``, without
    the records whose ``ref`` is in ``exclude`` (a flight being rescheduled is not in its own
    way). Blocking periods must be exactly those ``busy`` reports.
``neighbours(aircraft_ids, start, end, exclude)`` (optional, for providers that move aircraft)
    for each aircraft, its last blocking entry starting before ``start`` and its first one
    starting at or after ``end``: where it comes from and where it must go next, however far.

Each function runs a fixed number of queries, whatever the number of aircraft. Intervals are
half-open ``[start, end)`` in UTC: a flight ending at 12:00 does not overlap a window starting
at 12:00. Registering a name again replaces the provider (safe on reload).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from fleet.models import Airport

BusyFn = Callable[[datetime, datetime], "QuerySet[Any] | Iterable[int]"]
EntriesFn = Callable[[Collection[int], datetime, datetime, Collection[Any]], "Iterable[OccupancyEntry]"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OccupancyEntry:
    """One period of one aircraft, as a provider reports it.

    ``kind`` is a short machine word ("flight", "positioning", "work_order"…) shown as the
    schedule entry's type; ``ref`` the provider's own id of the record; ``detail`` extra
    JSON-safe data. ``start`` and ``end`` are timezone-aware; ``end`` is None for an
    open-ended period. ``origin`` is where the aircraft must be when the period starts and
    ``destination`` where it is when it ends (None: it does not move). ``blocks`` is False for
    a period that is history only (a completed flight): shown, never in the way.
    """

    aircraft_id: int
    kind: str
    start: datetime
    end: datetime | None
    title: str
    ref: int | str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    origin: Airport | None = None
    destination: Airport | None = None
    blocks: bool = True


@dataclass(frozen=True, slots=True)
class OccupancyProvider:
    name: str
    busy: BusyFn
    entries: EntriesFn
    neighbours: EntriesFn | None = None


_PROVIDERS: dict[str, OccupancyProvider] = {}


def register_occupancy(
    name: str, *, busy: BusyFn, entries: EntriesFn, neighbours: EntriesFn | None = None
) -> None:
    """Register (or replace) the provider ``name`` (see the module's docstring)."""
    if not name:
        raise ValueError("An occupancy provider needs a name.")
    _PROVIDERS[name] = OccupancyProvider(name=name, busy=busy, entries=entries, neighbours=neighbours)


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


Exclude = Mapping[str, Collection[Any]]
"""Records left out, by provider name: ``{"flights": {flight_id}}``."""


def occupancy_entries(
    aircraft_ids: Collection[int], start: datetime, end: datetime, *, exclude: Exclude | None = None
) -> list[OccupancyEntry]:
    """Every provider's periods for ``aircraft_ids`` overlapping ``[start, end)``."""
    found: list[OccupancyEntry] = []
    for provider in occupancy_providers():
        found.extend(provider.entries(aircraft_ids, start, end, (exclude or {}).get(provider.name, ())))
    return found


def occupancy_neighbours(
    aircraft_ids: Collection[int], start: datetime, end: datetime, *, exclude: Exclude | None = None
) -> list[OccupancyEntry]:
    """Every provider's blocking entries just outside ``[start, end)`` (see the docstring)."""
    found: list[OccupancyEntry] = []
    for provider in occupancy_providers():
        if provider.neighbours is not None:
            found.extend(
                provider.neighbours(aircraft_ids, start, end, (exclude or {}).get(provider.name, ()))
            )
    return found
