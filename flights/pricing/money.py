"""Decimal arithmetic for quoting: one explicit context, cents, and input checks.

Every calculation in ``flights.pricing`` runs inside ``localcontext(CONTEXT)``. ``CONTEXT``
spells out every field instead of copying the caller's (or ``decimal.DefaultContext``), so a
caller that lowered the precision, changed the rounding or enabled the ``Inexact`` trap gets
exactly the same quote as everyone else.
"""

from __future__ import annotations

from datetime import datetime
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

CONTEXT = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""34 significant digits (IEEE decimal128): far more than any amount needs."""

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
SIXTY = Decimal(60)


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half away from zero (commercial rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)


def money(amount: Decimal) -> str:
    """``1234.5`` → ``"1,234.50"``, for descriptions."""
    return f"{cents(amount):,.2f}"


def check_decimal(name: str, value: object, *, positive: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite ``Decimal`` >= 0 (> 0 if ``positive``)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value}")


def check_cents(name: str, value: object) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite ``Decimal`` with at most two decimals."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, got {value!r}")
    if value != cents(value):
        raise ValueError(f"{name} must be a whole number of cents, got {value}")


def check_non_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def check_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def check_country(name: str, code: str) -> None:
    if len(code) != 2 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise ValueError(f"{name}: {code!r} is not an upper-case ISO 3166 alpha-2 code")


def check_currency(name: str, code: str) -> None:
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise ValueError(f"{name}: {code!r} is not an upper-case ISO 4217 code")
