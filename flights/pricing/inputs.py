"""What the quoting engine is given: airports, one aircraft, the operator's table, the legs.

Plain frozen dataclasses, checked on construction (``ValueError`` on anything the engine
could not price), copied by the caller from the ORM. No defaults on the money: every rate,
fee and policy is the operator's data (numbers are data, never constants: docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from types import MappingProxyType

from flights.pricing.market import NO_MARKET, Market
from flights.pricing.money import (
    CONTEXT,
    ONE,
    ZERO,
    check_aware,
    check_country,
    check_currency,
    check_decimal,
    check_non_negative,
)
from flights.pricing.territory import Territory

ZONE_COUNTRIES = frozenset({"CA", "MX"})
"""The countries part of whose territory is the 225-mile zone (26 U.S.C. 4262(c)(2))."""
ALASKA_HAWAII = frozenset({"Alaska", "Hawaii"})
"""US subdivisions outside the continental United States (26 U.S.C. 4262(c)(1))."""


@dataclass(frozen=True, slots=True)
class Place:
    """An airport. Two places are the same airport when their ``icao`` codes are equal.

    ``subdivision`` is the state or province by name (``"Alaska"``, ``"Quebec"``), as the
    airport reference data spells it; the excise tax tells Alaska and Hawaii by it.

    Guarantees: ``icao`` is non-empty, upper-case and unpadded; ``country`` is an upper-case
    ISO 3166 alpha-2 code; ``lat`` in [-90, 90] and ``lon`` in [-180, 180] (decimal degrees,
    north and east positive). Otherwise ``ValueError``.
    """

    icao: str
    lat: float
    lon: float
    country: str
    subdivision: str = ""

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
    ``mtow_lb`` is the certificated maximum take-off weight in pounds (``None``: unknown,
    taxed as a large aircraft). ``category`` is the fleet category market rules and demand
    are judged on ("" when unknown: only rules for every category apply).

    Guarantees: seats >= 1, range > 0, cruise - wind > 0, taxi minutes >= 0,
    ``routing_factor`` >= 1, rates and hours finite Decimals >= 0, ``mtow_lb`` > 0 when
    known. Otherwise ``ValueError``.
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
    mtow_lb: int | None = None
    category: str = ""

    def __post_init__(self) -> None:
        who = self.tail_number or f"aircraft {self.id}"
        if self.mtow_lb is not None and self.mtow_lb <= 0:
            raise ValueError(f"{who}: mtow_lb must be > 0 when known")
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
class DatedRate:
    """One row of a dated tax table (the domestic segment fee, the international facilities
    tax and its Alaska/Hawaii amount): from ``effective_from`` on, each passenger pays
    ``amount`` per taxed segment, arrival or departure, until a later row takes effect."""

    effective_from: date
    amount: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.effective_from, datetime):
            raise ValueError("DatedRate.effective_from must be a date, not a datetime")
        check_decimal("DatedRate.amount", self.amount)


def _dated(name: str, rows: tuple[DatedRate, ...]) -> tuple[DatedRate, ...]:
    """``rows`` sorted by date; ``ValueError`` when two take effect on one date."""
    ordered = tuple(sorted(rows, key=lambda row: row.effective_from))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.effective_from == later.effective_from:
            raise ValueError(f"two {name} take effect on {later.effective_from}")
    return ordered


def rate_on(rows: tuple[DatedRate, ...], day: date) -> Decimal | None:
    """The amount in force on ``day`` in a sorted dated table (the latest row with
    ``effective_from <= day``), or ``None`` when no row applies yet."""
    amount: Decimal | None = None
    for row in rows:
        if row.effective_from > day:
            break
        amount = row.amount
    return amount


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
    - Taxes on air transportation (26 U.S.C. 4261, 4262): ``domestic_countries`` are the
      countries whose airports are in the United States (``{"US"}``; empty: the operator
      collects no US tax). A leg is *taxable transportation* (4262(a)(1)) when each end is
      in the United States or in the 225-mile zone: the part of Canada and Mexico within
      ``zone_statute_miles`` of the continental United States, measured on ``territory``.
      Such a leg is a domestic segment: it pays ``fet_rate`` (0.075) on its taxable share
      and the ``segment_fees`` per passenger. A leg with an end in Alaska or Hawaii is
      taxable only for the share of its miles that 4262(b) does not exclude (see
      ``taxable_share()``). A leg not all taxable that begins or ends in the United States
      pays the international facilities tax per passenger per arrival and per departure
      in the United States (``facilities_taxes``, 4261(c)); a domestic segment to or from
      Alaska or Hawaii pays ``alaska_hawaii_facilities_taxes`` on its departure only
      (4261(c)(3)). An aircraft of at most ``small_aircraft_max_mtow_lb`` certificated
      maximum take-off weight pays none of these taxes (4281; charters are never on an
      established line). The three dated tables hold amounts entered by the operator,
      never built in.
    - ``day_boundary_tz`` is where calendar days start (trip days, nights, de-icing months,
      segment-fee dates); UTC unless the operator chose its own zone.
    - A quote is valid ``validity_hours`` after it is made, at most until the first departure.
    - ``market``: the operator's market rules (``flights.pricing.market``); ``NO_MARKET``
      prices exactly as the engine did before market rules.

    Guarantees after construction: money and ``fet_rate`` are finite Decimals >= 0 with
    ``fet_rate`` < 1; minutes, hours and counts >= 0; months within 1..12; country and
    currency codes well-formed; the mappings are read-only copies with upper-case keys;
    each dated table is sorted by date without two rows on one date. Otherwise ``ValueError``.
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
    segment_fees: tuple[DatedRate, ...]
    facilities_taxes: tuple[DatedRate, ...]
    alaska_hawaii_facilities_taxes: tuple[DatedRate, ...]
    zone_statute_miles: int
    small_aircraft_max_mtow_lb: int
    territory: Territory
    day_boundary_tz: tzinfo
    validity_hours: int
    market: Market = NO_MARKET

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
            "zone_statute_miles",
            "small_aircraft_max_mtow_lb",
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
        object.__setattr__(self, "segment_fees", _dated("segment fees", self.segment_fees))
        object.__setattr__(self, "facilities_taxes", _dated("facilities taxes", self.facilities_taxes))
        object.__setattr__(
            self,
            "alaska_hawaii_facilities_taxes",
            _dated("Alaska/Hawaii facilities taxes", self.alaska_hawaii_facilities_taxes),
        )

    def fees_at(self, icao: str) -> AirportFees:
        """The fees at ``icao``: its own row, else the default."""
        return self.airport_fees.get(icao, self.default_airport_fees)

    def in_united_states(self, place: Place) -> bool:
        return place.country in self.domestic_countries

    def in_alaska_or_hawaii(self, place: Place) -> bool:
        return self.in_united_states(place) and place.subdivision in ALASKA_HAWAII

    def zone_distance_mi(self, place: Place) -> float:
        """Statute miles from ``place`` to the nearest point of the continental United States."""
        return self.territory.continental_distance_mi(place.lat, place.lon)

    def in_zone(self, place: Place) -> bool:
        """Whether ``place`` is in the 225-mile zone (26 U.S.C. 4262(c)(2)): in Canada or
        Mexico, at most ``zone_statute_miles`` from the continental United States."""
        return (
            place.country in ZONE_COUNTRIES
            and bool(self.domestic_countries)
            and self.zone_distance_mi(place) <= self.zone_statute_miles
        )

    def is_domestic(self, departure: Place, arrival: Place) -> bool:
        """Whether a leg is taxable transportation under 26 U.S.C. 4262(a)(1) (26 CFR
        49.4262(a)-1(a)(1)): it begins in the United States or the 225-mile zone and ends
        in the United States or the zone, in either direction (KTEB-CYUL and CYUL-KTEB
        alike, and CYUL-CYYZ too: 26 CFR 49.4261-3(a))."""
        return self.taxability(departure, arrival)[0]

    def taxable_share(self, departure: Place, arrival: Place) -> Decimal:
        """The share of a leg's miles that is taxable transportation: 0 unless domestic;
        for a leg with an end in Alaska or Hawaii, what 26 U.S.C. 4262(b) (26 CFR
        49.4262(b)-1) leaves after excluding each stretch outside the United States that
        passes more than ``zone_statute_miles`` from it, to four decimals; else 1."""
        return self.taxability(departure, arrival)[1]

    def taxability(self, departure: Place, arrival: Place) -> tuple[bool, Decimal]:
        """``(is_domestic(), taxable_share())`` of a leg, computed together."""
        countries = self.domestic_countries
        if not (departure.country in countries or self.in_zone(departure)) or not (
            arrival.country in countries or self.in_zone(arrival)
        ):
            return False, ZERO
        if departure.subdivision not in ALASKA_HAWAII and arrival.subdivision not in ALASKA_HAWAII:
            return True, ONE
        if not (self.in_alaska_or_hawaii(departure) or self.in_alaska_or_hawaii(arrival)):
            return True, ONE
        excluded = self.territory.excluded_fraction(
            (departure.lat, departure.lon), (arrival.lat, arrival.lon), float(self.zone_statute_miles)
        )
        return True, CONTEXT.subtract(ONE, Decimal(f"{excluded:.4f}"))

    def small_aircraft(self, aircraft: AircraftSpec) -> bool:
        """Whether 26 U.S.C. 4281 exempts ``aircraft`` from the 4261 taxes: a certificated
        maximum take-off weight of ``small_aircraft_max_mtow_lb`` or less (an on-demand
        charter is never on an established line)."""
        return aircraft.mtow_lb is not None and aircraft.mtow_lb <= self.small_aircraft_max_mtow_lb

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
