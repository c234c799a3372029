"""The priced result: lines, discounts, taxes, totals, and staff overrides.

``assemble()`` is the one place where the charge lines become a ``Quote``'s totals, both
when the engine prices an itinerary and when staff override lines afterwards, so the
discount and the excise tax are derived the same way in both cases:

    charges   = sum of the charge lines (CHARGE_KINDS)
    discounts = client_discount_percent % of charges, rounded, + quote_discount
    subtotal  = charges - discounts
    taxable   = (sum of each charge line x its kind's taxable share) x subtotal / charges
    fet       = fet_rate x taxable, rounded
    total     = subtotal + fet + segment fees + facilities taxes  ==  sum of all lines, exactly
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, localcontext
from typing import Any, Literal, get_args

from flights.pricing.itinerary import LegEstimate
from flights.pricing.money import CONTEXT, HUNDRED, ZERO, cents, check_cents, money

LineKind = Literal[
    "flight_time",
    "short_leg_minimum",
    "positioning",
    "daily_minimum",
    "landing_fees",
    "handling_fees",
    "passenger_fees",
    "catering",
    "deicing",
    "fuel_stop",
    "permits",
    "overnight",
    "crew_per_diem",
    "urgent",
    "peak_dates",
    "demand",
    "route",
    "lead_time",
    "minimum_margin",
    "client_discount",
    "quote_discount",
    "fet",
    "segment_fee",
    "facilities_tax",
]
LINE_KINDS: tuple[LineKind, ...] = get_args(LineKind)
"""Every line kind, in the order lines appear in a quote."""
DISCOUNT_KINDS: frozenset[LineKind] = frozenset({"client_discount", "quote_discount"})
ADJUSTMENT_KINDS: tuple[LineKind, ...] = ("peak_dates", "demand", "route", "lead_time")
"""Market-rule lines (``flights.pricing.market``): a percentage of the charter charges, either sign."""
PER_PASSENGER_TAX_KINDS: tuple[LineKind, ...] = ("segment_fee", "facilities_tax")
"""Taxes computed by the engine per passenger, not derived from the other lines."""
TAX_KINDS: frozenset[LineKind] = frozenset({"fet", *PER_PASSENGER_TAX_KINDS})
CHARGE_KINDS: tuple[LineKind, ...] = tuple(
    kind for kind in LINE_KINDS if kind not in DISCOUNT_KINDS and kind not in TAX_KINDS
)
"""The kinds that add up to the charges discounts apply to (everything but discounts and taxes)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the breakdown, in the quote's currency, a whole number of cents.

    Charges and taxes are > 0 and discounts < 0, except market-rule adjustments
    (``ADJUSTMENT_KINDS``), which are < 0 when the rule lowers the price; a line is never 0
    unless a staff override set it to 0 (kept so the reason shows).
    """

    kind: LineKind
    description: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineOverride:
    """Staff replace the amount of every line of ``kind`` with one line of ``amount``.

    ``amount`` is in the quote's currency, whole cents; >= 0 for charges and taxes, <= 0 for
    discounts, either sign for market-rule adjustments. ``reason`` is required. Otherwise
    ``ValueError``.
    """

    kind: LineKind
    amount: Decimal
    reason: str

    def __post_init__(self) -> None:
        if self.kind not in LINE_KINDS:
            raise ValueError(f"unknown line kind {self.kind!r}")
        check_cents(f"override of {self.kind}", self.amount)
        if self.kind in DISCOUNT_KINDS and self.amount > 0:
            raise ValueError(f"a {self.kind} override must be <= 0, got {self.amount}")
        if self.kind not in DISCOUNT_KINDS and self.kind not in ADJUSTMENT_KINDS and self.amount < 0:
            raise ValueError(f"a {self.kind} override must be >= 0, got {self.amount}")
        if not self.reason.strip():
            raise ValueError(f"an override of {self.kind} needs a reason")


@dataclass(frozen=True, slots=True)
class AppliedOverride:
    """An override as recorded on a quote, with the amount the engine had ``computed``."""

    kind: LineKind
    amount: Decimal
    reason: str
    computed: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """One aircraft's price for an itinerary, as seen at the quote time.

    Guarantees: ``total == subtotal + taxes == sum(line.amount for line in lines)`` exactly;
    ``taxes`` is the sum of the ``TAX_KINDS`` lines; ``lines`` are in ``LINE_KINDS`` order,
    legs in flying order within a kind; ``legs`` is the flown itinerary (positioning
    included). ``feasible`` is False when the aircraft cannot fly the itinerary (``reasons``
    says why; the price is still computed, for information). ``warnings`` flag problems that
    do not refuse the quote: overlapping legs, a departure before the quote time, no tax
    amount entered for a date, and the small-aircraft exemption. ``taxable_amount`` is what
    the excise tax was computed on; ``taxable_shares`` the fraction of each charge kind that
    is taxable. ``inputs`` is a JSON-ready record of the method and everything used,
    overrides included.
    """

    aircraft_id: int
    currency: str
    feasible: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    legs: tuple[LegEstimate, ...]
    lines: tuple[Line, ...]
    subtotal: Decimal
    taxable_amount: Decimal
    taxes: Decimal
    total: Decimal
    valid_until: datetime
    client_discount_percent: Decimal
    quote_discount: Decimal
    fet_rate: Decimal
    taxable_shares: Mapping[LineKind, Decimal] = field(hash=False)
    overrides: tuple[AppliedOverride, ...]
    inputs: dict[str, Any] = field(hash=False)

    def amount(self, kind: LineKind) -> Decimal:
        """The sum of the lines of ``kind`` (``0.00`` when there is none)."""
        return sum((line.amount for line in self.lines if line.kind == kind), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[Line, ...]
    subtotal: Decimal
    taxable_amount: Decimal
    taxes: Decimal
    total: Decimal
    overrides: tuple[AppliedOverride, ...]


def assemble(
    charges: Sequence[Line],
    passenger_taxes: Sequence[Line],
    *,
    taxable_shares: Mapping[LineKind, Decimal],
    client_discount_percent: Decimal,
    quote_discount: Decimal,
    fet_rate: Decimal,
    overrides: Mapping[LineKind, LineOverride],
    computed_before: Mapping[LineKind, Decimal],
) -> Totals:
    """Apply ``overrides`` to the computed lines, derive discounts and taxes, add up.

    ``passenger_taxes`` are the lines of ``PER_PASSENGER_TAX_KINDS``, kept as they are unless
    overridden. Call inside ``localcontext(CONTEXT)``. A derived line (discount, excise tax) is
    recomputed from the lines above it unless it is itself overridden. ``computed_before``
    holds the engine amounts of kinds overridden earlier, so re-overriding keeps the
    original figure on record. Raises ``ValueError`` when the discounts exceed the charges.
    """
    applied: list[AppliedOverride] = []

    def settle(kind: LineKind, computed: list[Line]) -> list[Line]:
        override = overrides.get(kind)
        if override is None:
            return computed
        engine = computed_before.get(kind, sum((line.amount for line in computed), ZERO))
        applied.append(AppliedOverride(kind, override.amount, override.reason, engine))
        description = f"{override.reason} (staff override; computed {money(engine)})"
        return [Line(kind, description, override.amount)]

    by_kind: dict[LineKind, list[Line]] = {kind: [] for kind in CHARGE_KINDS}
    for line in charges:
        by_kind[line.kind].append(line)
    lines: list[Line] = []
    for kind in CHARGE_KINDS:
        lines.extend(settle(kind, by_kind[kind]))
    charged = sum((line.amount for line in lines), ZERO)
    taxable_charges = sum((taxable_shares[line.kind] * line.amount for line in lines), ZERO)

    client_discount = cents(charged * client_discount_percent / HUNDRED)
    discounts = settle(
        "client_discount",
        [
            Line(
                "client_discount",
                f"client discount {client_discount_percent.normalize():f} %",
                -client_discount,
            )
        ]
        if client_discount
        else [],
    )
    discounts += settle(
        "quote_discount",
        [Line("quote_discount", "discount on this quote", -quote_discount)] if quote_discount else [],
    )
    discounted = -sum((line.amount for line in discounts), ZERO)
    if discounted > charged:
        raise ValueError(f"discounts of {money(discounted)} exceed the charges of {money(charged)}")
    subtotal = charged - discounted
    # Discounts reduce the taxable and the untaxed parts of the charges in proportion.
    taxable = cents(taxable_charges * subtotal / charged if charged else ZERO)
    fet = cents(taxable * fet_rate)
    taxes = settle(
        "fet",
        [Line("fet", f"federal excise tax {(fet_rate * HUNDRED).normalize():f} % of {money(taxable)}", fet)]
        if fet
        else [],
    )
    for kind in PER_PASSENGER_TAX_KINDS:
        taxes += settle(kind, [line for line in passenger_taxes if line.kind == kind])
    lines += discounts + taxes

    subtotal = sum((line.amount for line in lines if line.kind not in TAX_KINDS), Decimal("0.00"))
    tax_total = sum((line.amount for line in taxes), Decimal("0.00"))
    return Totals(
        lines=tuple(lines),
        subtotal=subtotal,
        taxable_amount=taxable,
        taxes=tax_total,
        total=subtotal + tax_total,
        overrides=tuple(applied),
    )


def index_overrides(overrides: Sequence[LineOverride]) -> dict[LineKind, LineOverride]:
    """``overrides`` by kind; ``ValueError`` if a kind is overridden twice."""
    by_kind: dict[LineKind, LineOverride] = {}
    for override in overrides:
        if override.kind in by_kind:
            raise ValueError(f"{override.kind} is overridden twice")
        by_kind[override.kind] = override
    return by_kind


def overrides_record(applied: Sequence[AppliedOverride]) -> list[dict[str, str]]:
    return [
        {"kind": o.kind, "amount": str(o.amount), "reason": o.reason, "computed": str(o.computed)}
        for o in applied
    ]


def apply_overrides(quote: Quote, overrides: Sequence[LineOverride]) -> Quote:
    """Return ``quote`` with staff ``overrides`` applied; ``quote`` itself is unchanged.

    Each override replaces all lines of its kind with one line carrying the reason and the
    computed amount. Overrides already on ``quote`` stay, unless a new one of the same kind
    replaces them. The client discount and the excise tax are recomputed from the
    resulting lines unless overridden; every other line keeps its amount (overriding flight
    time does not recompute the daily minimum). Totals are recomputed, so
    ``total == sum(lines)`` still holds. Raises ``ValueError`` when a kind is given twice or
    the discounts would exceed the charges.
    """
    merged: dict[LineKind, LineOverride] = {
        o.kind: LineOverride(o.kind, o.amount, o.reason) for o in quote.overrides
    }
    merged.update(index_overrides(overrides))
    with localcontext(CONTEXT):
        totals = assemble(
            [line for line in quote.lines if line.kind in CHARGE_KINDS],
            [line for line in quote.lines if line.kind in PER_PASSENGER_TAX_KINDS],
            taxable_shares=quote.taxable_shares,
            client_discount_percent=quote.client_discount_percent,
            quote_discount=quote.quote_discount,
            fet_rate=quote.fet_rate,
            overrides=merged,
            computed_before={o.kind: o.computed for o in quote.overrides},
        )
    return replace(
        quote,
        lines=totals.lines,
        subtotal=totals.subtotal,
        taxable_amount=totals.taxable_amount,
        taxes=totals.taxes,
        total=totals.total,
        overrides=totals.overrides,
        inputs={**quote.inputs, "overrides": overrides_record(totals.overrides)},
    )
