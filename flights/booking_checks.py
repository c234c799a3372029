"""Checks other apps run before a booking is written, without flights importing them: the
finance app registers the client's credit check here at start-up (``FinanceConfig.ready``).

A check is called with the client, the amount the booking adds and its currency, inside the
booking's transaction, and refuses by raising (``jetops.errors.Conflict``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from clients.models import Client


class BookingCheck(Protocol):
    def __call__(self, *, client: Client, amount: Decimal, currency: str) -> None: ...


_checks: list[BookingCheck | Callable[..., None]] = []


def register(check: BookingCheck) -> None:
    """Run ``check`` on every booking (registering it twice runs it once)."""
    if check not in _checks:
        _checks.append(check)


def run(*, client: Client, amount: Decimal, currency: str) -> None:
    """Run every registered check; the first refusal propagates."""
    for check in _checks:
        check(client=client, amount=amount, currency=currency)
