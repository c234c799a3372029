"""Fuel planning for one leg: pure rules over plain data (docs/rules.md#fuel).

trip fuel = the aircraft's burn profile integrated over the flight time; + contingency (a
share of trip fuel); + alternate fuel (flying from the destination to the alternate at normal
cruise); + final reserve (IFR: 45 min at normal cruise, 14 CFR 135.223(a)(3) / 91.167; VFR day
30 min and VFR night 45 min, 135.209); + taxi fuel; + any extra the planner adds. The block
(ramp) fuel must fit the tanks. Every number comes in as a parameter; pounds and minutes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ZERO = Decimal("0")
SIXTY = Decimal("60")


@dataclass(frozen=True)
class BurnProfile:
    """Fuel flow by elapsed flight time: ``steps`` are (from minute, pounds per hour), the
    first starting at minute 0 (a climb-heavy first hour, then cruise). The last step is the
    normal cruise flow, used for the alternate and the final reserve."""

    steps: tuple[tuple[int, Decimal], ...]

    def __post_init__(self) -> None:
        if not self.steps or self.steps[0][0] != 0:
            raise ValueError("a burn profile starts at minute 0")
        minutes = [m for m, _ in self.steps]
        if minutes != sorted(set(minutes)) or any(rate <= 0 for _, rate in self.steps):
            raise ValueError("burn profile steps are increasing minutes with positive flows")

    @property
    def cruise_flow(self) -> Decimal:
        return self.steps[-1][1]

    def burn(self, minutes: int) -> Decimal:
        """Pounds burnt in the first ``minutes`` of flight."""
        total = ZERO
        for index, (start, rate) in enumerate(self.steps):
            end = self.steps[index + 1][0] if index + 1 < len(self.steps) else math.inf
            if minutes <= start:
                break
            span = min(minutes, end) - start
            total += rate * Decimal(span) / SIXTY
        return total


@dataclass(frozen=True)
class FuelPolicy:
    """The operator's fuel settings (defaults: Part 135, see ``PlanningProfile``)."""

    contingency_percent: Decimal
    ifr_reserve_minutes: int
    vfr_day_reserve_minutes: int
    vfr_night_reserve_minutes: int


@dataclass(frozen=True)
class FuelPlan:
    trip: Decimal
    contingency: Decimal
    alternate: Decimal
    final_reserve: Decimal
    reserve_minutes: int
    reserve_rule: str
    extra: Decimal
    taxi: Decimal
    flight_minutes: int
    alternate_minutes: int

    @property
    def takeoff(self) -> Decimal:
        """Fuel at brake release: everything but taxi."""
        return self.trip + self.contingency + self.alternate + self.final_reserve + self.extra

    @property
    def block(self) -> Decimal:
        """Ramp fuel: take-off fuel plus taxi."""
        return self.takeoff + self.taxi

    @property
    def landing(self) -> Decimal:
        """Expected on landing at the destination: take-off fuel less trip fuel."""
        return self.takeoff - self.trip

    def endurance_minutes(self, cruise_flow: Decimal) -> int:
        """Minutes of flight the take-off fuel gives at normal cruise (the FPL's E/ item)."""
        return int(self.takeoff * SIXTY / cruise_flow)


def _up(value: Decimal) -> Decimal:
    return value.to_integral_value(ROUND_CEILING)


def plan_fuel(
    *,
    profile: BurnProfile,
    policy: FuelPolicy,
    flight_minutes: int,
    taxi: Decimal,
    ifr: bool,
    night: bool,
    alternate_minutes: int = 0,
    extra: Decimal = ZERO,
) -> FuelPlan:
    """The fuel for a leg of ``flight_minutes`` airborne. Each figure is rounded up to a
    whole pound (never plan a fraction short). The final reserve follows the flight rules:
    IFR ``ifr_reserve_minutes`` (an alternate is then added when one is planned); VFR at night
    ``vfr_night_reserve_minutes``, by day ``vfr_day_reserve_minutes``."""
    if flight_minutes <= 0:
        raise ValueError("a leg flies for at least one minute")
    if alternate_minutes < 0 or taxi < 0 or extra < 0:
        raise ValueError("alternate minutes, taxi and extra fuel cannot be negative")
    trip = _up(profile.burn(flight_minutes))
    contingency = _up(trip * policy.contingency_percent / Decimal(100))
    if ifr:
        minutes, rule = policy.ifr_reserve_minutes, "14 CFR 135.223(a)(3)"
    elif night:
        minutes, rule = policy.vfr_night_reserve_minutes, "14 CFR 135.209(b)"
    else:
        minutes, rule = policy.vfr_day_reserve_minutes, "14 CFR 135.209(a)"
    reserve = _up(profile.cruise_flow * Decimal(minutes) / SIXTY)
    alternate = _up(profile.cruise_flow * Decimal(alternate_minutes) / SIXTY) if ifr else ZERO
    return FuelPlan(
        trip=trip,
        contingency=contingency,
        alternate=alternate,
        final_reserve=reserve,
        reserve_minutes=minutes,
        reserve_rule=rule,
        extra=_up(extra),
        taxi=_up(taxi),
        flight_minutes=flight_minutes,
        alternate_minutes=alternate_minutes if ifr else 0,
    )


def minutes_for(distance_nm: float, ground_speed_kt: int) -> int:
    """Whole minutes (rounded up) to fly ``distance_nm`` at ``ground_speed_kt``."""
    if ground_speed_kt <= 0:
        raise ValueError("ground speed must be positive")
    return max(1, math.ceil(distance_nm / ground_speed_kt * 60 - 1e-9))


def tank_check(block: Decimal, capacity: Decimal | None) -> str | None:
    """A refusal message when the block fuel does not fit the tanks, else None."""
    if capacity is not None and block > capacity:
        over = block - capacity
        return f"Block fuel {block:,} lb exceeds the usable tank capacity {capacity:,} lb by {over:,} lb."
    return None


def total_capacity(capacities: Sequence[Decimal | None]) -> Decimal | None:
    """Usable fuel of all tanks; unknown when any tank's is."""
    if not capacities or any(c is None for c in capacities):
        return None
    return sum((c for c in capacities if c is not None), ZERO)
