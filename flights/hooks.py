"""What the apps built on flights do when a flight is booked or changes, without flights
importing them.

The dependency runs one way (fleet ← flights ← crew, finance's invoicing): an app above
registers a hook from its ``AppConfig.ready()``, the way flights registers an occupancy
provider with fleet (``fleet.occupancy``, from ``FlightsConfig.ready()``).

- *Flight-change hooks*: crew re-judges a flight's crew when its schedule, aircraft or
  crew-rule fields change. ``flight_changed`` calls every hook inside the change's
  transaction, once the flight is saved, with the names of the fields that changed.
- *Booking checks*: finance checks the client's credit before a trip is booked.
  ``booking_checked`` calls every check inside the booking's transaction with the client, the
  amount the booking adds and its currency.

A hook or check that raises (``jetops.errors.Conflict``) rolls the write back. Registering a
name again replaces the hook (safe on reload).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from clients.models import Client
    from flights.models import Flight
    from jetops.models import User


class FlightChangeHook(Protocol):
    def __call__(self, *, flight: Flight, actor: User | None, changed: frozenset[str]) -> None: ...


_HOOKS: dict[str, FlightChangeHook] = {}


def register_flight_change(name: str, hook: FlightChangeHook) -> None:
    """Call ``hook`` after every change of a scheduled flight (``flight_update``) and every
    status change (``flight_status_change``: ``changed`` holds "status")."""
    _HOOKS[name] = hook


def flight_changed(*, flight: Flight, actor: User | None, changed: frozenset[str]) -> None:
    for hook in list(_HOOKS.values()):
        hook(flight=flight, actor=actor, changed=changed)


class BookingCheck(Protocol):
    def __call__(self, *, client: Client, amount: Decimal, currency: str) -> None: ...


_CHECKS: dict[str, BookingCheck] = {}


def register_booking_check(name: str, check: BookingCheck) -> None:
    """Call ``check`` before every booking (``trip_book``) is written."""
    _CHECKS[name] = check


def booking_checked(*, client: Client, amount: Decimal, currency: str) -> None:
    for check in list(_CHECKS.values()):
        check(client=client, amount=amount, currency=currency)
