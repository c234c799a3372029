"""What the apps built on flights do when a flight changes, without flights importing them.

The dependency runs one way (fleet ← flights ← crew): crew re-judges a flight's crew when its
schedule, aircraft or crew-rule fields change, so crew registers a *flight-change hook* from
``CrewConfig.ready()``, the way flights registers an occupancy provider with fleet
(``fleet.occupancy``, from ``FlightsConfig.ready()``).

``flight_changed`` calls every hook inside the change's transaction, once the flight is saved,
with the names of the fields that changed: a hook that raises rolls the change back.
Registering a name again replaces the hook (safe on reload).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from flights.models import Flight
    from jetops.models import User


class FlightChangeHook(Protocol):
    def __call__(self, *, flight: Flight, actor: User | None, changed: frozenset[str]) -> None: ...


_HOOKS: dict[str, FlightChangeHook] = {}


def register_flight_change(name: str, hook: FlightChangeHook) -> None:
    """Call ``hook`` after every change of a scheduled flight (``flight_update``)."""
    _HOOKS[name] = hook


def flight_changed(*, flight: Flight, actor: User | None, changed: frozenset[str]) -> None:
    for hook in list(_HOOKS.values()):
        hook(flight=flight, actor=actor, changed=changed)
