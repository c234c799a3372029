"""Market rules (docs/rules.md#dynamic-pricing-market-rules): the operator's dated pricing
rules, applied by ``quote()`` as adjustment lines that each name their rule.

Plain data, no ORM: ``flights.quoting`` copies the rules, the regions with their peak
calendars, the demand figures and the operating costs from the database into a ``Market``.

- ``peak_dates``, ``demand``, ``route``, ``lead_time``: a percentage of the trip's charter
  charges (``ADJUSTED_KINDS``: flight time, short-leg minimum, positioning, daily minimum).
  They stack additively on that same base, in ``(priority, id)`` order; the running total is
  held within ``[-cap_down_percent, +cap_up_percent]``, so the rule that crosses a cap is
  cut to what is left and the later ones add nothing (staff get a warning naming them).
- ``minimum_margin``: after every other charge, when the charges fall below the aircraft's
  operating cost x (1 + margin), one floor line brings them up to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, get_args

from flights.pricing.money import HUNDRED, ZERO, check_decimal, check_non_negative

RuleKind = Literal["peak_dates", "demand", "route", "lead_time", "minimum_margin"]
RULE_KINDS: tuple[RuleKind, ...] = get_args(RuleKind)
PERCENT_KINDS: tuple[RuleKind, ...] = ("peak_dates", "demand", "route", "lead_time")
"""The kinds that add a percentage of the charter charges (stacked and capped)."""
if TYPE_CHECKING:  # the table (inputs) holds a Market: import its leg types lazily
    from flights.pricing.inputs import Place
    from flights.pricing.itinerary import LegEstimate

MAX_PERCENT = Decimal(1000)
MIN_PERCENT = -HUNDRED


@dataclass(frozen=True, slots=True)
class Region:
    """Airports named one by one, whole countries, or subdivisions of a country.

    ``subdivisions`` are ``(country, subdivision)`` pairs spelled as the airport data spells
    them (``("US", "Colorado")``). An airport is in the region when any of the three says so.
    """

    name: str
    airports: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    subdivisions: frozenset[tuple[str, str]] = frozenset()

    def contains(self, place: Place) -> bool:
        return (
            place.icao in self.airports
            or place.country in self.countries
            or (place.country, place.subdivision) in self.subdivisions
        )


@dataclass(frozen=True, slots=True)
class PeakPeriod:
    """A named run of peak days, ``first_day`` through ``last_day``, both inclusive."""

    name: str
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"peak period {self.name!r} ends before it starts")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketRule:
    """One pricing rule.

    - in force for quotes made on days ``valid_from`` through ``valid_to`` (inclusive; no
      ``valid_to``: open-ended), when ``enabled``, for aircraft of ``category`` ("" = all);
    - ``peak_dates``: a revenue leg departs on a day of ``peak_periods`` (the calendar of
      ``region``) from or to an airport in ``region``;
    - ``demand``: the booked share of the aircraft's category around a revenue leg's
      departure is at least ``threshold_percent``; of the demand rules met, only the one with
      the highest threshold applies (tiers);
    - ``route``: a revenue leg flies from ``region`` to ``to_region`` (and back, when
      ``both_ways``);
    - ``lead_time``: the first revenue leg departs at least ``min_lead_hours`` and less than
      ``max_lead_hours`` (none: no upper bound) after the quote time;
    - ``minimum_margin``: ``percent`` is the margin over the operating cost.

    Guarantees: ``percent`` within [-100, 1000] (a margin >= 0); the fields its kind needs are
    set. Otherwise ``ValueError``.
    """

    id: int
    name: str
    kind: RuleKind
    percent: Decimal
    priority: int = 100
    valid_from: date
    valid_to: date | None = None
    enabled: bool = True
    category: str = ""
    region: Region | None = None
    to_region: Region | None = None
    both_ways: bool = False
    peak_periods: tuple[PeakPeriod, ...] = ()
    threshold_percent: Decimal = ZERO
    min_lead_hours: int = 0
    max_lead_hours: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}")
        if not isinstance(self.percent, Decimal) or not self.percent.is_finite():
            raise ValueError(f"{self.name}: percent must be a finite Decimal")
        low = ZERO if self.kind == "minimum_margin" else MIN_PERCENT
        if not low <= self.percent <= MAX_PERCENT:
            raise ValueError(
                f"{self.name}: percent must be within [{low}, {MAX_PERCENT}], got {self.percent}"
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.name}: valid_to is before valid_from")
        if self.kind == "peak_dates" and self.region is None:
            raise ValueError(f"{self.name}: a peak-dates rule needs a region (its calendar)")
        if self.kind == "route" and (self.region is None or self.to_region is None):
            raise ValueError(f"{self.name}: a route rule needs a from and a to region")
        check_decimal(f"{self.name}: threshold_percent", self.threshold_percent)
        if self.threshold_percent > HUNDRED:
            raise ValueError(f"{self.name}: threshold_percent must be <= 100")
        check_non_negative(f"{self.name}: min_lead_hours", self.min_lead_hours)
        if self.max_lead_hours is not None and self.max_lead_hours <= self.min_lead_hours:
            raise ValueError(f"{self.name}: max_lead_hours must be above min_lead_hours")

    def in_force(self, day: date, category: str) -> bool:
        return (
            self.enabled
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
            and self.category in ("", category)
        )

    def on_route(self, leg: LegEstimate) -> bool:
        if self.region is None or self.to_region is None:
            return False
        if self.region.contains(leg.departure) and self.to_region.contains(leg.arrival):
            return True
        return self.both_ways and self.to_region.contains(leg.departure) and self.region.contains(leg.arrival)


@dataclass(frozen=True, slots=True, kw_only=True)
class Market:
    """The rules and the figures they are judged on, for one quote request.

    ``demand`` maps ``(category, departure instant)`` of each requested leg to the booked
    share of that category in ``demand_window_hours`` either side of it, in percent (the
    adapter computes it). ``operating_costs`` maps an aircraft id to its operating cost per
    block hour in the operator's currency. ``cap_up_percent`` / ``cap_down_percent`` bound the
    sum of the percentage rules.
    """

    rules: tuple[MarketRule, ...] = ()
    cap_up_percent: Decimal = HUNDRED
    cap_down_percent: Decimal = HUNDRED
    demand_window_hours: int = 0
    demand: Mapping[tuple[str, datetime], Decimal] = field(default_factory=dict)
    operating_costs: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_decimal("cap_up_percent", self.cap_up_percent)
        check_decimal("cap_down_percent", self.cap_down_percent)
        if self.cap_down_percent > HUNDRED:
            raise ValueError("cap_down_percent must be <= 100: a price never goes below zero")
        for key, share in self.demand.items():
            check_decimal(f"demand{key}", share)
        for aircraft, cost in self.operating_costs.items():
            check_decimal(f"operating cost of aircraft {aircraft}", cost)
        object.__setattr__(self, "rules", tuple(sorted(self.rules, key=lambda r: (r.priority, r.id))))
        object.__setattr__(self, "demand", MappingProxyType(dict(self.demand)))
        object.__setattr__(self, "operating_costs", MappingProxyType(dict(self.operating_costs)))


NO_MARKET = Market()
"""No rules: the price the engine gave before market rules, exactly."""


@dataclass(frozen=True, slots=True)
class Match:
    """A percentage rule that applies, with what made it apply (for its line)."""

    rule: MarketRule
    why: str


def matches(
    market: Market,
    *,
    category: str,
    flown: Sequence[LegEstimate],
    departure_days: Sequence[date],
    quote_day: date,
    now: datetime,
) -> tuple[list[Match], tuple[str, ...]]:
    """The percentage rules that apply to an itinerary, in stacking order, and staff notes
    (a demand figure missing). ``departure_days`` are the flown legs' departure dates."""
    rules = [r for r in market.rules if r.kind in PERCENT_KINDS and r.in_force(quote_day, category)]
    revenue = [(leg, day) for leg, day in zip(flown, departure_days, strict=True) if leg.kind == "revenue"]
    notes: list[str] = []
    found: list[Match] = []
    share: Decimal | None = None
    if any(r.kind == "demand" for r in rules):
        shares = [market.demand.get((category, leg.departure_datetime)) for leg, _day in revenue]
        known = [s for s in shares if s is not None]
        share = max(known) if known else None
        if len(known) < len(shares):
            notes.append(
                f"no booked-share figure for {category or 'this aircraft'}: demand rules judged without it"
            )
    demand_rules = [
        r for r in rules if r.kind == "demand" and share is not None and share >= r.threshold_percent
    ]
    top = max(demand_rules, key=lambda r: (r.threshold_percent, -r.priority, -r.id), default=None)
    # Market.rules is in stacking order already.
    for rule in rules:
        why = _why(rule, revenue, share, top, market.demand_window_hours, now)
        if why is not None:
            found.append(Match(rule, why))
    return found, tuple(notes)


def _why(
    rule: MarketRule,
    revenue: Sequence[tuple[LegEstimate, date]],
    share: Decimal | None,
    top: MarketRule | None,
    window_hours: int,
    now: datetime,
) -> str | None:
    """What makes ``rule`` apply (for its line), or None when it does not."""
    if rule.kind == "peak_dates":
        region = rule.region
        for leg, day in revenue:
            if region is None:
                break
            if region.contains(leg.departure) or region.contains(leg.arrival):
                for period in rule.peak_periods:
                    if period.covers(day):
                        return f"{leg.route} on {day.isoformat()}, {period.name}"
        return None
    if rule.kind == "demand":
        if rule is not top or share is None:
            return None
        return f"{share.normalize():f} % of the category booked within {window_hours} h"
    if rule.kind == "route":
        for leg, _day in revenue:
            if rule.on_route(leg):
                return leg.route
        return None
    lead = revenue[0][0].departure_datetime - now
    if lead < timedelta(hours=rule.min_lead_hours):
        return None
    if rule.max_lead_hours is not None and lead >= timedelta(hours=rule.max_lead_hours):
        return None
    return f"departure {max(0, int(lead.total_seconds() // 3600))} h ahead"


def stacked(
    found: Sequence[Match], cap_up: Decimal, cap_down: Decimal
) -> list[tuple[Match, Decimal, Decimal]]:
    """Each match with the percent it adds and the running total after it, within the caps."""
    total = ZERO
    result = []
    for match in found:
        after = min(max(total + match.rule.percent, -cap_down), cap_up)
        result.append((match, after - total, after))
        total = after
    return result


def margin_rule(market: Market, *, category: str, quote_day: date) -> MarketRule | None:
    """The minimum-margin rule in force with the highest margin (the strictest floor)."""
    rules = [r for r in market.rules if r.kind == "minimum_margin" and r.in_force(quote_day, category)]
    return max(rules, key=lambda r: (r.percent, -r.priority, -r.id), default=None)
