"""Invoice arithmetic (docs/rules.md#invoices-and-payments): pure functions over plain data,
no Django, no ORM, no clock. Amounts are ``Decimal`` rounded like the pricing engine's
(``flights.pricing.money.cents``); the callers pass every rate, date and percentage.

- ``convert``: an amount in another currency at a recorded rate;
- ``actual_time_amount``: the block-time charge of flown legs at an hourly rate;
- ``service_charge``: a special service at cost plus the operator's markup;
- ``document_totals``: subtotal, taxes and total of a document's lines;
- ``settlement``: balance and status of an invoice from what was paid and credited;
- ``due_date`` and ``reminders_due``: payment terms and the dunning steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# The pricing engine's rounding (half away from zero, to the cent), so an invoice rounds
# exactly as the quote did.
from flights.pricing.money import HUNDRED, SIXTY, cents

ZERO = Decimal("0.00")


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` times ``rate`` (target units per source unit), to the cent."""
    if rate <= 0:
        raise ValueError(f"an FX rate is positive, got {rate}")
    return cents(amount * rate)


def actual_time_amount(block_minutes: Iterable[int], hourly_rate: Decimal) -> Decimal:
    """The time charge of legs flown for ``block_minutes`` each, at ``hourly_rate``."""
    minutes = sum(block_minutes)
    if minutes < 0:
        raise ValueError("block minutes cannot be negative")
    return cents(Decimal(minutes) * hourly_rate / SIXTY)


def service_charge(cost: Decimal, markup_percent: Decimal) -> Decimal:
    """A special service billed at ``cost`` plus ``markup_percent`` of it."""
    if markup_percent < 0:
        raise ValueError("a markup cannot be negative")
    return cents(cost + cost * markup_percent / HUNDRED)


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal


def document_totals(lines: Sequence[tuple[Decimal, bool]]) -> Totals:
    """Totals of ``(amount, is_tax)`` lines: the total is exactly the sum of the lines."""
    taxes = sum((amount for amount, is_tax in lines if is_tax), ZERO)
    total = sum((amount for amount, _ in lines), ZERO)
    return Totals(subtotal=total - taxes, tax_total=taxes, total=total)


@dataclass(frozen=True, slots=True)
class Settlement:
    balance: Decimal
    status: str


def settlement(total: Decimal, paid: Decimal, credited: Decimal) -> Settlement:
    """What is still owed on an issued invoice and its status: *paid* once payments and
    credit notes cover the total, *partially_paid* once anything was paid or credited,
    else *issued*. A balance below zero is an overpayment the operator owes back."""
    balance = total - paid - credited
    if balance <= 0:
        return Settlement(balance, "paid")
    if paid > 0 or credited > 0:
        return Settlement(balance, "partially_paid")
    return Settlement(balance, "issued")


def due_date(issued_on: date, terms_days: int) -> date:
    """The due date of an invoice issued on ``issued_on`` with ``terms_days`` of credit."""
    if terms_days < 0:
        raise ValueError("payment terms cannot be negative")
    return issued_on + timedelta(days=terms_days)


def reminders_due(due_on: date, today: date, steps: Sequence[int], sent: Iterable[int]) -> list[int]:
    """The dunning steps (days after the due date) reached by ``today`` and not yet sent.
    Only the latest one is returned: an invoice found late is reminded once, not three times."""
    done = set(sent)
    reached = [step for step in sorted(steps) if due_on + timedelta(days=step) <= today]
    if not reached or reached[-1] in done:
        return []
    return [reached[-1]]
