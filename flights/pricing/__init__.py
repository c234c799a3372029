"""Charter quoting engine (docs/rules.md#quoting-time-and-price): pure functions over plain data.

No Django, no ORM, no clock, no I/O: every rate, fee and policy comes from the caller
(``AircraftSpec``, ``PricingTable``) and the quote time is an argument, so the same inputs
always give the same ``Quote``, whatever the process-wide ``decimal`` context is.

- ``inputs``: ``Place``, ``AircraftSpec``, ``AirportFees``, ``DatedRate`` (one row of a
  dated tax table), ``PricingTable``, ``LegRequest`` — validated on construction;
- ``territory``: ``Territory``, the outline of the United States the excise tax is decided
  on (the 225-mile zone, the Alaska/Hawaii exclusion);
- ``itinerary``: ``plan_legs()`` (positioning, block times, fuel stops) and
  ``check_feasibility()`` (seats, range);
- ``engine``: ``quote()``, the price with its line-by-line breakdown;
- ``market``: ``Market``, ``MarketRule``, ``Region``, ``PeakPeriod`` — the operator's
  dated market rules (peak dates, demand, routes, lead time, minimum margin);
- ``breakdown``: ``Line``, ``Quote``, the line kinds, and ``apply_overrides()`` for staff
  overrides with a reason.
"""

from __future__ import annotations

from flights.pricing.breakdown import (
    ADJUSTMENT_KINDS,
    CHARGE_KINDS,
    DISCOUNT_KINDS,
    LINE_KINDS,
    TAX_KINDS,
    AppliedOverride,
    Line,
    LineKind,
    LineOverride,
    Quote,
    apply_overrides,
)
from flights.pricing.engine import METHOD, quote
from flights.pricing.inputs import (
    AircraftSpec,
    AirportFees,
    DatedRate,
    LegRequest,
    Place,
    PricingTable,
    rate_on,
)
from flights.pricing.itinerary import Feasibility, LegEstimate, LegKind, check_feasibility, plan_legs
from flights.pricing.market import NO_MARKET, RULE_KINDS, Market, MarketRule, PeakPeriod, Region, RuleKind
from flights.pricing.territory import BoundaryLine, Territory

__all__ = [
    "ADJUSTMENT_KINDS",
    "NO_MARKET",
    "RULE_KINDS",
    "Market",
    "MarketRule",
    "PeakPeriod",
    "Region",
    "RuleKind",
    "CHARGE_KINDS",
    "DISCOUNT_KINDS",
    "LINE_KINDS",
    "METHOD",
    "TAX_KINDS",
    "AircraftSpec",
    "AirportFees",
    "AppliedOverride",
    "BoundaryLine",
    "DatedRate",
    "Feasibility",
    "LegEstimate",
    "LegKind",
    "LegRequest",
    "Line",
    "LineKind",
    "LineOverride",
    "Place",
    "PricingTable",
    "Quote",
    "Territory",
    "apply_overrides",
    "check_feasibility",
    "plan_legs",
    "quote",
    "rate_on",
]
