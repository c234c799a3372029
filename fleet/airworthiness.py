"""Whether an aircraft may fly a planned leg, and what its maintenance view shows, as far as
apps above fleet know: a registry like ``fleet.occupancy``.

Occupancy answers "is the aircraft free then"; some limits depend on how much the aircraft
will have flown, not only on when (an inspection due at so many hours, counting the flights
already scheduled before the leg). An app that knows such limits registers a *leg check*
from its ``AppConfig.ready()`` (``maintenance.apps`` is the example); booking code calls
``leg_conflicts`` with every planned leg and refuses the leg if any conflict comes back.

The maintenance view of an aircraft (``fleet.selectors.aircraft_maintenance_overview``) adds
the sections registered with ``register_overview_section`` (due list, open items…).
Registering a name again replaces it (safe on reload).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fleet.models import Aircraft


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedLeg:
    """A leg to check: off-block and on-block times (UTC), and flights left out of the
    projection (a flight being rescheduled does not count twice)."""

    departure_at: datetime
    arrival_at: datetime
    exclude: Collection[int] = ()


LegCheck = Callable[["Aircraft", PlannedLeg], list[dict[str, Any]]]
OverviewSection = Callable[["Aircraft"], dict[str, Any]]

_LEG_CHECKS: dict[str, LegCheck] = {}
_SECTIONS: dict[str, OverviewSection] = {}


def register_leg_check(name: str, check: LegCheck) -> None:
    """Register (or replace) a leg check: it returns the conflicts of a planned leg, each a
    dict with at least ``type`` and ``detail`` (the shape of ``FleetOccupancy.conflicts``)."""
    _LEG_CHECKS[name] = check


def register_overview_section(name: str, section: OverviewSection) -> None:
    """Register (or replace) keys added to an aircraft's maintenance view."""
    _SECTIONS[name] = section


def unregister(name: str) -> None:
    """Remove the leg check and section ``name`` if registered (tests use it to clean up)."""
    _LEG_CHECKS.pop(name, None)
    _SECTIONS.pop(name, None)


def leg_conflicts(
    aircraft: Aircraft, departure_at: datetime, arrival_at: datetime, *, exclude: Collection[int] = ()
) -> list[dict[str, Any]]:
    """Every registered check's conflicts for flying ``aircraft`` from ``departure_at`` to
    ``arrival_at`` (empty: nothing registered objects)."""
    leg = PlannedLeg(departure_at=departure_at, arrival_at=arrival_at, exclude=exclude)
    return [conflict for check in _LEG_CHECKS.values() for conflict in check(aircraft, leg)]


def overview_sections(aircraft: Aircraft) -> dict[str, Any]:
    """The keys every registered section adds to the aircraft's maintenance view."""
    found: dict[str, Any] = {}
    for section in _SECTIONS.values():
        found.update(section(aircraft))
    return found
