"""Between the database and the pure pricing engine (``flights.pricing``): builds its inputs
from the fleet, the pricing profile and the client, and turns its results into rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from finance.models import (
    AircraftOperatingCost,
    AirportFee,
    FxRate,
    PeakPeriod,
    PermitFee,
    PricingProfile,
    PricingRegion,
    PricingRule,
    TaxKind,
    TaxRate,
)
from fleet.models import Aircraft, Airport
from flights import pricing
from flights.choices import FlightStatus
from flights.models import Flight
from flights.tax_territory import us_territory
from jetops.errors import Conflict


def place(airport: Airport) -> pricing.Place:
    return pricing.Place(
        airport.icao, airport.latitude, airport.longitude, airport.country, airport.subdivision
    )


def aircraft_spec(aircraft: Aircraft, location: Airport) -> pricing.AircraftSpec:
    taxi_out = aircraft.taxi_minutes // 2
    return pricing.AircraftSpec(
        id=aircraft.pk,
        tail_number=aircraft.tail_number,
        aircraft_type=aircraft.aircraft_type,
        seating_capacity=aircraft.seating_capacity,
        range_nm=aircraft.range_nautical_miles,
        cruise_speed_kt=aircraft.cruise_speed,
        wind_allowance_kt=aircraft.wind_allowance_knots,
        routing_factor=aircraft.routing_factor,
        taxi_out_minutes=taxi_out,
        taxi_in_minutes=aircraft.taxi_minutes - taxi_out,
        hourly_rate=aircraft.hourly_rate,
        positioning_rate=aircraft.positioning_rate,
        daily_minimum_hours=aircraft.daily_minimum_hours,
        current_location=place(location),
        home_base=place(aircraft.home_base),
        mtow_lb=aircraft.mtow,
        category=aircraft.category,
    )


def active_profile() -> PricingProfile:
    profile = PricingProfile.objects.filter(is_active=True).first()
    if profile is None:
        raise Conflict("No pricing profile is active: activate one in the admin.", "no_pricing_profile")
    return profile


def pricing_table(
    profile: PricingProfile, *, departures: Sequence[datetime] = (), now: datetime | None = None
) -> pricing.PricingTable:
    """The engine's table for ``profile``. With the requested ``departures`` (a quote), the
    table carries the market rules in force on the quote date and the figures they read
    (``market()``); without, none apply (estimates that price nothing)."""
    fees = {
        row.airport_id: pricing.AirportFees(row.landing, row.handling, row.per_passenger)
        for row in AirportFee.objects.filter(profile=profile)
    }
    permits = {row.country: row.amount for row in PermitFee.objects.filter(profile=profile)}
    rates: dict[str, list[pricing.DatedRate]] = defaultdict(list)
    for row in TaxRate.objects.filter(currency=profile.currency):
        rates[row.tax].append(pricing.DatedRate(row.effective_from, row.amount))
    return pricing.PricingTable(
        currency=profile.currency,
        default_airport_fees=pricing.AirportFees(
            profile.landing_fee, profile.handling_fee, profile.passenger_fee
        ),
        airport_fees=fees,
        catering_per_passenger=profile.catering_per_passenger,
        overnight_fee=profile.overnight_fee,
        crew_day_fee=profile.crew_day_fee,
        deicing_fee=profile.deicing_fee,
        deicing_months=frozenset(int(m) for m in profile.deicing_months),
        deicing_min_abs_lat=profile.deicing_min_abs_lat,
        fuel_stop_fee=profile.fuel_stop_fee,
        fuel_stop_minutes=profile.fuel_stop_minutes,
        max_fuel_stops_per_leg=profile.max_fuel_stops_per_leg,
        urgent_fee=profile.urgent_fee,
        urgent_hours=profile.urgent_hours,
        short_leg_min_minutes=profile.short_leg_min_minutes,
        positioning_buffer_minutes=profile.positioning_buffer_minutes,
        return_to_base=profile.return_to_base,
        permit_fees=permits,
        fet_rate=profile.fet_rate,
        domestic_countries=frozenset(profile.domestic_countries),
        segment_fees=tuple(rates[TaxKind.SEGMENT_FEE]),
        facilities_taxes=tuple(rates[TaxKind.FACILITIES]),
        alaska_hawaii_facilities_taxes=tuple(rates[TaxKind.FACILITIES_ALASKA_HAWAII]),
        zone_statute_miles=profile.zone_statute_miles,
        small_aircraft_max_mtow_lb=profile.small_aircraft_max_mtow_lb,
        territory=us_territory(),
        day_boundary_tz=ZoneInfo(profile.day_boundary_tz),
        validity_hours=profile.validity_hours,
        market=market(profile, departures, now=now) if departures else pricing.NO_MARKET,
    )


# A flight is counted in a demand window by its departure: one that left more than this long
# before the window starts is taken as finished (keeps the query a range scan on departure_at).
LONGEST_FLIGHT = timedelta(hours=24)


def market(
    profile: PricingProfile, departures: Sequence[datetime], *, now: datetime | None = None
) -> pricing.Market:
    """The market rules that may apply to a quote for ``departures``, with the figures they
    read (docs/rules.md#dynamic-pricing-market-rules). A fixed number of queries, none of
    which grows with history: the enabled rules still in force, the peak periods of their
    regions around the departures, and — only when such rules exist — the booked share of
    each category around each departure (flights departing within the windows, by the
    ``departure_at`` index) and the fleet's operating costs."""
    today = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(profile.day_boundary_tz)).date()
    rows = list(
        PricingRule.objects.filter(is_enabled=True, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("region", "to_region")
    )
    if not rows:
        return pricing.NO_MARKET
    tz = ZoneInfo(profile.day_boundary_tz)
    days = [moment.astimezone(tz).date() for moment in departures]
    calendars: dict[int, list[pricing.PeakPeriod]] = defaultdict(list)
    peak_regions = {row.region_id for row in rows if row.kind == "peak_dates"}
    if peak_regions:
        for period in PeakPeriod.objects.filter(
            region_id__in=peak_regions, last_day__gte=min(days), first_day__lte=max(days)
        ):
            calendars[period.region_id].append(
                pricing.PeakPeriod(period.name, period.first_day, period.last_day)
            )
    window = timedelta(hours=profile.demand_window_hours)
    kinds = {row.kind for row in rows}
    return pricing.Market(
        rules=tuple(_rule(row, calendars) for row in rows),
        cap_up_percent=profile.market_cap_up_percent,
        cap_down_percent=profile.market_cap_down_percent,
        demand_window_hours=profile.demand_window_hours,
        demand=booked_shares(departures, window) if "demand" in kinds else {},
        operating_costs=dict(AircraftOperatingCost.objects.values_list("aircraft_id", "cost_per_block_hour"))
        if "minimum_margin" in kinds
        else {},
    )


def _region(row: PricingRegion | None) -> pricing.Region | None:
    if row is None:
        return None
    return pricing.Region(
        row.name,
        airports=frozenset(row.airports),
        countries=frozenset(row.countries),
        subdivisions=frozenset(tuple(entry.split("/", 1)) for entry in row.subdivisions),
    )


def _rule(row: PricingRule, calendars: dict[int, list[pricing.PeakPeriod]]) -> pricing.MarketRule:
    return pricing.MarketRule(
        id=row.pk,
        name=row.name,
        kind=row.kind,  # type: ignore[arg-type]
        percent=row.percent,
        priority=row.priority,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        enabled=row.is_enabled,
        category=row.category,
        region=_region(row.region),
        to_region=_region(row.to_region),
        both_ways=row.both_ways,
        peak_periods=tuple(calendars.get(row.region_id, ())) if row.region_id else (),
        threshold_percent=row.threshold_percent or Decimal(0),
        min_lead_hours=row.min_lead_hours,
        max_lead_hours=row.max_lead_hours,
    )


def booked_shares(departures: Sequence[datetime], window: timedelta) -> dict[tuple[str, datetime], Decimal]:
    """For each departure and fleet category, the percentage of the category's aircraft in
    service that have a flight (not cancelled) overlapping ``departure ± window`` (half-open:
    a flight ending exactly at the window's start does not count). Two queries: the fleet by
    category, and the flights departing within the windows (``departure_at`` index)."""
    fleet = dict(
        Aircraft.objects.in_service().values("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    start = min(departures) - window
    flights = list(
        Flight.objects.filter(
            departure_at__gte=start - LONGEST_FLIGHT,
            departure_at__lt=max(departures) + window,
            busy_until__gt=start,
            aircraft__is_active=True,
        )
        .exclude(status=FlightStatus.CANCELLED)
        .values_list("aircraft_id", "aircraft__category", "departure_at", "busy_until")
    )
    shares: dict[tuple[str, datetime], Decimal] = {}
    for departure in departures:
        low, high = departure - window, departure + window
        busy: dict[str, set[int]] = defaultdict(set)
        for aircraft_id, category, off, until in flights:
            if off < high and until > low:
                busy[category].add(aircraft_id)
        for category, count in fleet.items():
            if count:
                share = Decimal(min(len(busy[category]), count) * 100) / Decimal(count)
                shares[(category, departure)] = share.quantize(Decimal("0.01"))
    return shares


def fx_rate(base: str, quote: str, on: datetime) -> Decimal | None:
    """Units of ``quote`` per ``base`` in force on ``on`` (None when the same currency)."""
    if base == quote:
        return None
    row = (
        FxRate.objects.filter(base=base, quote=quote, effective_on__lte=on.date())
        .order_by("-effective_on")
        .first()
    )
    if row is not None:
        return row.rate
    inverse = (
        FxRate.objects.filter(base=quote, quote=base, effective_on__lte=on.date())
        .order_by("-effective_on")
        .first()
    )
    if inverse is not None:
        return (Decimal(1) / inverse.rate).quantize(Decimal("0.00000001"))
    raise Conflict(f"No FX rate from {base} to {quote} is on file: add one in the admin.", "no_fx_rate")


def candidate_aircraft(*, ids: list[int] | None, category: str | None, passengers: int) -> list[Aircraft]:
    """Aircraft in service that may be offered (whether each is free for the itinerary is
    ``fleet.selectors.FleetOccupancy``'s answer, once the legs it would fly are known)."""
    queryset = Aircraft.objects.in_service().filter(seating_capacity__gte=passengers)
    if ids:
        queryset = queryset.filter(pk__in=ids)
    if category:
        queryset = queryset.filter(category=category)
    return list(queryset.select_related("current_location", "home_base").order_by("pk"))


def legs_json(legs: tuple[pricing.LegEstimate, ...]) -> list[dict[str, Any]]:
    return [
        {
            "kind": leg.kind,
            "departure_airport": leg.departure.icao,
            "arrival_airport": leg.arrival.icao,
            "departure_datetime": leg.departure_datetime.isoformat(),
            "arrival_datetime": leg.arrival_datetime.isoformat(),
            "passengers": leg.passengers,
            "distance_nm": round(leg.distance_nm),
            "flight_minutes": leg.flight_minutes,
            "block_minutes": leg.block_minutes,
            "fuel_stops": leg.fuel_stops,
            "domestic": leg.domestic,
            "taxable_share": str(leg.taxable_share),
        }
        for leg in legs
    ]


def quote_inputs_record(result: pricing.Quote) -> dict[str, Any]:
    """What a stored option keeps to re-apply staff overrides exactly as the engine would."""
    return {
        **result.inputs,
        "computed_lines": [
            {"kind": line.kind, "description": line.description, "amount": str(line.amount)}
            for line in result.lines
        ],
        "taxable_amount": str(result.taxable_amount),
        "taxable_shares": {kind: str(share) for kind, share in result.taxable_shares.items()},
        "fet_rate": str(result.fet_rate),
        "client_discount_percent": str(result.client_discount_percent),
        "quote_discount": str(result.quote_discount),
        "overrides": [],
    }


def rebuild_quote(
    option_inputs: dict[str, Any], *, aircraft_id: int, currency: str, valid_until: datetime
) -> pricing.Quote:
    """The engine's ``Quote`` as computed when the option was made (before overrides)."""
    lines = tuple(
        pricing.Line(row["kind"], row["description"], Decimal(row["amount"]))
        for row in option_inputs["computed_lines"]
    )
    taxes = sum((line.amount for line in lines if line.kind in pricing.TAX_KINDS), Decimal("0.00"))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return pricing.Quote(
        aircraft_id=aircraft_id,
        currency=currency,
        feasible=True,
        reasons=(),
        warnings=(),
        legs=(),
        lines=lines,
        subtotal=total - taxes,
        taxable_amount=Decimal(option_inputs["taxable_amount"]),
        taxes=taxes,
        total=total,
        valid_until=valid_until,
        client_discount_percent=Decimal(option_inputs["client_discount_percent"]),
        quote_discount=Decimal(option_inputs["quote_discount"]),
        fet_rate=Decimal(option_inputs["fet_rate"]),
        taxable_shares={kind: Decimal(v) for kind, v in option_inputs["taxable_shares"].items()},
        overrides=(),
        inputs={},
    )
