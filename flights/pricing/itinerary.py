"""From requested legs to the flown itinerary: positioning legs, block times, fuel stops.

Block time (docs/rules.md#quoting-time-and-price), in whole minutes rounded up:

    flight = ceil(distance x routing_factor / (cruise_speed - wind_allowance) x 60)
    block  = taxi_out + flight + fuel_stops x fuel_stop_minutes + taxi_in

with ``distance`` the great-circle distance (``jetops.geo``, Earth radius 3440.065 NM) and
``fuel_stops = ceil(distance x routing_factor / range) - 1`` (never negative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from flights.pricing.inputs import AircraftSpec, LegRequest, Place, PricingTable
from jetops.geo import great_circle_nm

LegKind = Literal["revenue", "positioning"]

# Float slack before rounding up, so that 120.00000000001 minutes (float noise on an exact
# 120) does not become 121.
_EPSILON = 1e-9


def _ceil(value: float) -> int:
    return math.ceil(value - _EPSILON)


def hhmm(minutes: int) -> str:
    """``135`` → ``"2:15"``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class LegEstimate:
    """One leg the aircraft flies, revenue or positioning, with its estimated times.

    ``billed_minutes`` is the block time raised to the short-leg minimum for revenue legs
    (the block time itself for positioning). ``arrival_datetime`` = departure + block.
    ``passengers`` is 0 when positioning. ``domestic``: a domestic segment, i.e. taxable
    transportation under 26 U.S.C. 4262(a)(1); ``taxable_share``: the share of its miles that
    is taxable (``PricingTable.taxable_share()``).
    """

    kind: LegKind
    departure: Place
    arrival: Place
    departure_datetime: datetime
    arrival_datetime: datetime
    passengers: int
    distance_nm: float
    flight_minutes: int
    fuel_stops: int
    block_minutes: int
    billed_minutes: int
    domestic: bool
    taxable_share: Decimal

    @property
    def route(self) -> str:
        return f"{self.departure.icao}-{self.arrival.icao}"


def estimate_leg(
    aircraft: AircraftSpec,
    table: PricingTable,
    kind: LegKind,
    departure: Place,
    arrival: Place,
    *,
    passengers: int,
    at: datetime,
    arriving: bool = False,
) -> LegEstimate:
    """Estimate one leg that leaves at ``at`` (lands at ``at`` when ``arriving``)."""
    distance = great_circle_nm(departure.lat, departure.lon, arrival.lat, arrival.lon)
    air_distance = distance * float(aircraft.routing_factor)
    flight = _ceil(air_distance / aircraft.speed_kt * 60.0)
    fuel_stops = max(0, _ceil(air_distance / aircraft.range_nm) - 1)
    block = (
        aircraft.taxi_out_minutes + flight + fuel_stops * table.fuel_stop_minutes + aircraft.taxi_in_minutes
    )
    billed = max(block, table.short_leg_min_minutes) if kind == "revenue" else block
    duration = timedelta(minutes=block)
    departs_at = at - duration if arriving else at
    domestic, taxable_share = table.taxability(departure, arrival)
    return LegEstimate(
        kind=kind,
        departure=departure,
        arrival=arrival,
        departure_datetime=departs_at,
        arrival_datetime=departs_at + duration,
        passengers=passengers,
        distance_nm=distance,
        flight_minutes=flight,
        fuel_stops=fuel_stops,
        block_minutes=block,
        billed_minutes=billed,
        domestic=domestic,
        taxable_share=taxable_share,
    )


def _check_order(legs: Sequence[LegRequest]) -> None:
    if not legs:
        raise ValueError("an itinerary needs at least one leg")
    for number in range(1, len(legs)):
        before, after = legs[number - 1], legs[number]
        if after.departure_datetime <= before.departure_datetime:
            raise ValueError(
                f"legs are out of chronological order: leg {number + 1} "
                f"({after.departure.icao}-{after.arrival.icao}) departs at "
                f"{after.departure_datetime.isoformat()}, not after leg {number} "
                f"({before.departure.icao}-{before.arrival.icao}) at "
                f"{before.departure_datetime.isoformat()}"
            )


def plan_legs(
    aircraft: AircraftSpec, legs: Sequence[LegRequest], table: PricingTable
) -> tuple[LegEstimate, ...]:
    """Turn the requested legs into the flown itinerary, in flying order.

    Adds a positioning leg from ``aircraft.current_location`` to the first departure, and
    between revenue legs whenever one lands somewhere other than where the next departs;
    each lands ``table.positioning_buffer_minutes`` before the departure it serves. When
    ``table.return_to_base`` and the last leg does not land at ``aircraft.home_base``, adds a
    positioning leg home leaving ``positioning_buffer_minutes`` after that landing.

    Raises ``ValueError`` when ``legs`` is empty or a leg does not depart strictly after the
    previous one. Overlapping legs are not refused here: ``quote()`` warns about them.
    """
    _check_order(legs)
    buffer = timedelta(minutes=table.positioning_buffer_minutes)
    flown: list[LegEstimate] = []
    previous = aircraft.current_location
    for leg in legs:
        if previous.icao != leg.departure.icao:
            flown.append(
                estimate_leg(
                    aircraft,
                    table,
                    "positioning",
                    previous,
                    leg.departure,
                    passengers=0,
                    at=leg.departure_datetime - buffer,
                    arriving=True,
                )
            )
        flown.append(
            estimate_leg(
                aircraft,
                table,
                "revenue",
                leg.departure,
                leg.arrival,
                passengers=leg.passengers,
                at=leg.departure_datetime,
            )
        )
        previous = leg.arrival
    if table.return_to_base and previous.icao != aircraft.home_base.icao:
        flown.append(
            estimate_leg(
                aircraft,
                table,
                "positioning",
                previous,
                aircraft.home_base,
                passengers=0,
                at=flown[-1].arrival_datetime + buffer,
            )
        )
    return tuple(flown)


@dataclass(frozen=True, slots=True)
class Feasibility:
    """Whether one aircraft can fly an itinerary: ``feasible`` is True exactly when
    ``reasons`` is empty. ``legs`` is the flown itinerary it was judged on."""

    feasible: bool
    reasons: tuple[str, ...]
    legs: tuple[LegEstimate, ...]


def unsuitability(
    aircraft: AircraftSpec, flown: Sequence[LegEstimate], table: PricingTable
) -> tuple[str, ...]:
    """Why ``aircraft`` cannot fly ``flown``: too many passengers on a leg, or a leg (empty
    legs included) needing more fuel stops than ``table.max_fuel_stops_per_leg``."""
    reasons: list[str] = []
    for leg in flown:
        if leg.passengers > aircraft.seating_capacity:
            reasons.append(
                f"{leg.route} carries {leg.passengers} passengers; {aircraft.tail_number} "
                f"seats {aircraft.seating_capacity}"
            )
        if leg.fuel_stops > table.max_fuel_stops_per_leg:
            reasons.append(
                f"{leg.route} ({leg.distance_nm:.0f} NM) needs {leg.fuel_stops} fuel stop(s) with "
                f"the {aircraft.range_nm} NM range of {aircraft.tail_number}; at most "
                f"{table.max_fuel_stops_per_leg} allowed"
            )
    return tuple(reasons)


def check_feasibility(aircraft: AircraftSpec, legs: Sequence[LegRequest], table: PricingTable) -> Feasibility:
    """Judge whether ``aircraft`` can fly ``legs``: seats on every revenue leg, and range,
    i.e. every flown leg within ``table.max_fuel_stops_per_leg`` fuel stops. Legs within
    that allowance are feasible; the stops show in ``legs`` and are priced by ``quote()``.

    Raises ``ValueError`` like ``plan_legs()``.
    """
    flown = plan_legs(aircraft, legs, table)
    reasons = unsuitability(aircraft, flown, table)
    return Feasibility(feasible=not reasons, reasons=reasons, legs=flown)
