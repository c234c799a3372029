"""What the quoting engine is given: airports, one aircraft, the operator's table, the legs.

Plain frozen dataclasses, checked on construction (``ValueError`` on anything the engine
could not price), copied by the caller from the ORM. No defaults on the money: every rate,
fee and policy is the operator's data (DOMAIN.md: numbers are data, never constants).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from types import MappingProxyType

from flights.pricing.money import (
    check_aware,
    check_country,
    check_currency,
    check_decimal,
    check_non_negative,
)


@dataclass(frozen=True, slots=True)
class Place:
    """An airport. Two places are the same airport when their ``icao`` codes are equal.

    Guarantees: ``icao`` is non-empty, upper-case and unpadded; ``country`` is an upper-case
    ISO 3166 alpha-2 code; ``lat`` in [-90, 90] and ``lon`` in [-180, 180] (decimal degrees,
    north and east positive). Otherwise ``ValueError``.
    """

    icao: str
    lat: float
    lon: float
    country: str

    def __post_init__(self) -> None:
        if not self.icao or self.icao != self.icao.strip().upper():
            raise ValueError(f"airport code {self.icao!r} must be non-empty upper-case")
        check_country(f"{self.icao} country", self.country)
        # "not inside" so that NaN, which fails every comparison, is refused too.
        if not -90.0 <= self.lat <= 90.0 or not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"{self.icao}: coordinates ({self.lat}, {self.lon}) out of range")


@dataclass(frozen=True, slots=True, kw_only=True)
class AircraftSpec:
    """What quoting needs to know about one aircraft (a plain copy of fleet data).

    ``cruise_speed_kt``, ``wind_allowance_kt`` and ``routing_factor`` are per-type settings:
    flight time = distance x routing_factor / (cruise_speed_kt - wind_allowance_kt), so a
    positive allowance is a headwind margin and a negative one a tailwind credit.
    ``daily_minimum_hours`` is billed at ``hourly_rate``; ``positioning_rate`` prices empty
    legs. ``current_location`` is where the aircraft will be when the trip starts.

    Guarantees: seats >= 1, range > 0, cruise - wind > 0, taxi minutes >= 0,
    ``routing_factor`` >= 1, rates and hours finite Decimals >= 0. Otherwise ``ValueError``.
    """

    id: int
    tail_number: str
    aircraft_type: str
    seating_capacity: int
    range_nm: int
    cruise_speed_kt: int
    wind_allowance_kt: int
    routing_factor: Decimal
    taxi_out_minutes: int
    taxi_in_minutes: int
    hourly_rate: Decimal
    positioning_rate: Decimal
    daily_minimum_hours: Decimal
    current_location: Place
    home_base: Place

    def __post_init__(self) -> None:
        who = self.tail_number or f"aircraft {self.id}"
        if self.seating_capacity < 1:
            raise ValueError(f"{who}: seating_capacity must be >= 1")
        if self.range_nm <= 0:
            raise ValueError(f"{who}: range_nm must be > 0")
        if self.cruise_speed_kt - self.wind_allowance_kt <= 0:
            raise ValueError(f"{who}: cruise_speed_kt - wind_allowance_kt must be > 0")
        check_non_negative(f"{who}: taxi_out_minutes", self.taxi_out_minutes)
        check_non_negative(f"{who}: taxi_in_minutes", self.taxi_in_minutes)
        check_decimal(f"{who}: routing_factor", self.routing_factor)
        if self.routing_factor < 1:
            raise ValueError(f"{who}: routing_factor must be >= 1 (a route is never shorter)")
        check_decimal(f"{who}: hourly_rate", self.hourly_rate)
        check_decimal(f"{who}: positioning_rate", self.positioning_rate)
        check_decimal(f"{who}: daily_minimum_hours", self.daily_minimum_hours)

    @property
    def speed_kt(self) -> int:
        """The speed flight time is computed with: cruise speed less the wind allowance."""
        return self.cruise_speed_kt - self.wind_allowance_kt


@dataclass(frozen=True, slots=True)
class AirportFees:
    """Fees at one airport: per landing, per handling turnaround, per departing passenger."""

    landing: Decimal
    handling: Decimal
    per_passenger: Decimal

    def __post_init__(self) -> None:
        check_decimal("AirportFees.landing", self.landing)
        check_decimal("AirportFees.handling", self.handling)
        check_decimal("AirportFees.per_passenger", self.per_passenger)


@dataclass(frozen=True, slots=True)
class SegmentFee:
    """One row of the dated domestic segment-fee table: from ``effective_from`` on, each
    passenger pays ``amount`` per domestic segment (until a later row takes effect)."""

    effective_from: date
    amount: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.effective_from, datetime):
            raise ValueError("SegmentFee.effective_from must be a date, not a datetime")
        check_decimal("SegmentFee.amount", self.amount)


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingTable:
    """The operator's fees, rates and policies, all in the operator's ``currency``.

    - ``airport_fees`` overrides ``default_airport_fees`` per ICAO code; fuel stops (airport
      not known in advance) pay the default landing and handling fees.
    - ``deicing_months`` are northern-hemisphere months (1-12); south of the equator the
      season is shifted by six months. A departure is charged ``deicing_fee`` when it falls in
      season from an airport at ``abs(lat) >= deicing_min_abs_lat``.
    - A leg needs ceil(distance x routing_factor / range) - 1 fuel stops, each adding
      ``fuel_stop_minutes`` of block time (landing, taxi, refuel, take-off) and
      ``fuel_stop_fee``; more than ``max_fuel_stops_per_leg`` makes the aircraft unsuitable.
    - ``urgent_fee`` applies when the first revenue leg departs less than ``urgent_hours``
      after the quote time. ``short_leg_min_minutes`` is the least block time billed for a
      revenue leg.
    - Positioning legs arrive ``positioning_buffer_minutes`` before the departure they serve;
      when ``return_to_base``, the aircraft flies home empty after the last leg, leaving
      ``positioning_buffer_minutes`` after it lands.
    - ``permit_fees``: one fee per trip for each country (ISO alpha-2) the itinerary touches.
    - ``domestic_countries`` is the tax territory: a leg with both ends in it is domestic,
      subject to ``fet_rate`` (0.075 for the US FET) and to the segment fee from the dated
      ``segment_fees`` table (amounts entered by the operator, never built in).
    - ``day_boundary_tz`` is where calendar days start (trip days, nights, de-icing months,
      segment-fee dates); UTC unless the operator chose its own zone.
    - A quote is valid ``validity_hours`` after it is made, at most until the first departure.

    Guarantees after construction: money and ``fet_rate`` are finite Decimals >= 0 with
    ``fet_rate`` < 1; minutes, hours and counts >= 0; months within 1..12; country and
    currency codes well-formed; the mappings are read-only copies with upper-case keys;
    ``segment_fees`` is sorted by date without two rows on one date. Otherwise ``ValueError``.
    """

    currency: str
    default_airport_fees: AirportFees
    airport_fees: Mapping[str, AirportFees]
    catering_per_passenger: Decimal
    overnight_fee: Decimal
    crew_day_fee: Decimal
    deicing_fee: Decimal
    deicing_months: frozenset[int]
    deicing_min_abs_lat: float
    fuel_stop_fee: Decimal
    fuel_stop_minutes: int
    max_fuel_stops_per_leg: int
    urgent_fee: Decimal
    urgent_hours: int
    short_leg_min_minutes: int
    positioning_buffer_minutes: int
    return_to_base: bool
    permit_fees: Mapping[str, Decimal]
    fet_rate: Decimal
    domestic_countries: frozenset[str]
    segment_fees: tuple[SegmentFee, ...]
    day_boundary_tz: tzinfo
    validity_hours: int

    def __post_init__(self) -> None:
        check_currency("currency", self.currency)
        for name in ("catering_per_passenger", "overnight_fee", "crew_day_fee", "deicing_fee"):
            check_decimal(name, getattr(self, name))
        for name in ("fuel_stop_fee", "urgent_fee", "fet_rate"):
            check_decimal(name, getattr(self, name))
        if self.fet_rate >= 1:
            raise ValueError(f"fet_rate is a fraction (0.075 for 7.5 %), got {self.fet_rate}")
        for name in (
            "fuel_stop_minutes",
            "max_fuel_stops_per_leg",
            "urgent_hours",
            "short_leg_min_minutes",
            "positioning_buffer_minutes",
            "validity_hours",
        ):
            check_non_negative(name, getattr(self, name))
        if not self.deicing_months <= frozenset(range(1, 13)):
            raise ValueError(f"deicing_months must be within 1..12, got {sorted(self.deicing_months)}")
        if not 0.0 <= self.deicing_min_abs_lat <= 90.0:
            raise ValueError("deicing_min_abs_lat must be within [0, 90]")
        airports: dict[str, AirportFees] = {}
        for icao, fees in self.airport_fees.items():
            if not isinstance(fees, AirportFees):
                raise ValueError(f"airport_fees[{icao!r}] must be AirportFees, got {fees!r}")
            airports[icao.strip().upper()] = fees
        object.__setattr__(self, "airport_fees", MappingProxyType(airports))
        permits: dict[str, Decimal] = {}
        for country, fee in self.permit_fees.items():
            check_country("permit_fees", country)
            check_decimal(f"permit_fees[{country!r}]", fee)
            permits[country] = fee
        object.__setattr__(self, "permit_fees", MappingProxyType(permits))
        for country in self.domestic_countries:
            check_country("domestic_countries", country)
        rows = tuple(sorted(self.segment_fees, key=lambda row: row.effective_from))
        for earlier, later in zip(rows, rows[1:], strict=False):
            if earlier.effective_from == later.effective_from:
                raise ValueError(f"two segment fees take effect on {later.effective_from}")
        object.__setattr__(self, "segment_fees", rows)

    def fees_at(self, icao: str) -> AirportFees:
        """The fees at ``icao``: its own row, else the default."""
        return self.airport_fees.get(icao, self.default_airport_fees)

    def segment_fee_on(self, day: date) -> Decimal | None:
        """The segment fee in force on ``day`` (the latest row with ``effective_from <= day``),
        or ``None`` when no row applies yet."""
        amount: Decimal | None = None
        for row in self.segment_fees:  # sorted ascending
            if row.effective_from > day:
                break
            amount = row.amount
        return amount

    def is_domestic(self, departure: Place, arrival: Place) -> bool:
        return departure.country in self.domestic_countries and arrival.country in self.domestic_countries

    def in_deicing_season(self, place: Place, day: date) -> bool:
        if abs(place.lat) < self.deicing_min_abs_lat:
            return False
        # Southern winter is northern summer: July south counts as January north.
        month = day.month if place.lat >= 0 else (day.month + 5) % 12 + 1
        return month in self.deicing_months


@dataclass(frozen=True, slots=True)
class LegRequest:
    """One leg the client asks for; ``departure_datetime`` is the off-block time.

    Guarantees: departure and arrival are different airports, ``departure_datetime`` is
    timezone-aware, ``passengers`` >= 1. Otherwise ``ValueError``.
    """

    departure: Place
    arrival: Place
    departure_datetime: datetime
    passengers: int

    def __post_init__(self) -> None:
        if self.departure.icao == self.arrival.icao:
            raise ValueError(f"leg departs from and arrives at the same airport {self.arrival.icao}")
        check_aware("departure_datetime", self.departure_datetime)
        if self.passengers < 1:
            raise ValueError(f"a leg needs at least 1 passenger, got {self.passengers}")
