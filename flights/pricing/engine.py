"""``quote()``: price an itinerary flown by one aircraft (docs/rules.md#quoting-time-and-price).

Amounts are computed exactly in the operator's currency, multiplied by the FX rate and
rounded once to the cent per line; everything derived from lines (daily-minimum top-up,
discounts, tax, totals) is computed from those rounded lines, so the breakdown always adds
up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Any

from flights.pricing.breakdown import (
    CHARGE_KINDS,
    Line,
    LineKind,
    LineOverride,
    Quote,
    assemble,
    index_overrides,
    overrides_record,
)
from flights.pricing.inputs import (
    AircraftSpec,
    AirportFees,
    DatedRate,
    LegRequest,
    Place,
    PricingTable,
    rate_on,
)
from flights.pricing.itinerary import LegEstimate, hhmm, plan_legs, unsuitability
from flights.pricing.market import margin_rule, matches, stacked
from flights.pricing.money import (
    CONTEXT,
    HUNDRED,
    ONE,
    SIXTY,
    ZERO,
    cents,
    check_aware,
    check_cents,
    check_currency,
    check_decimal,
    money,
)

METHOD = "great-circle block time v4"
"""Recorded in ``Quote.inputs["method"]``; bump it whenever the method changes (v4: market
rules; with none, v4 prices exactly as v3)."""
ADJUSTED_KINDS: tuple[LineKind, ...] = ("flight_time", "short_leg_minimum", "positioning", "daily_minimum")
"""The charter charges market rules take their percentage of."""


def quote(
    aircraft: AircraftSpec,
    legs: Sequence[LegRequest],
    table: PricingTable,
    *,
    now: datetime,
    client_discount_percent: Decimal = ZERO,
    quote_discount: Decimal = ZERO,
    client_currency: str | None = None,
    fx_rate: Decimal | None = None,
    overrides: Sequence[LineOverride] = (),
) -> Quote:
    """Price ``legs`` flown by ``aircraft`` under ``table``, as seen at ``now``.

    ``client_discount_percent`` is the client account's discount (0-100);
    ``quote_discount`` a discount on this quote only, in the client's currency. Without
    ``client_currency`` the quote is in ``table.currency``; with it, ``fx_rate`` (client
    currency per unit of the operator's) is required. ``overrides`` are applied as by
    ``apply_overrides()``.

    Method (lines in ``LINE_KINDS`` order):

    - legs: ``plan_legs()`` (positioning from the aircraft's location, between legs, and home
      when the table says so); block times and fuel stops as in ``flights.pricing.itinerary``;
    - ``flight_time`` per revenue leg = block minutes x hourly_rate / 60, plus
      ``short_leg_minimum`` for the minutes the short-leg minimum adds;
      ``positioning`` per empty leg = block minutes x positioning_rate / 60;
    - ``daily_minimum``: trip days (first departure date to last landing date, in
      ``table.day_boundary_tz``) x daily_minimum_hours x hourly_rate, less the three time
      lines above, when positive (the minimum is averaged over the trip, so a day without
      flying is covered by the busier days around it);
    - ``landing_fees`` and ``handling_fees`` per landing (fuel stops at the default
      rates); ``passenger_fees`` per passenger at each revenue departure airport;
      ``catering`` per passenger per revenue leg; ``deicing`` per departure in season;
      ``fuel_stop`` per fuel stop; ``permits`` once per country touched that has a fee;
      ``overnight`` per night the aircraft spends away from home base (where the last leg
      departed by that date lands); ``crew_per_diem`` per trip day; ``urgent`` once when the
      first revenue leg departs less than urgent_hours after ``now``;
    - market rules (``table.market``, ``flights.pricing.market``): ``peak_dates``,
      ``demand``, ``route``, ``lead_time`` lines, each naming its rule, a percentage of the
      ``ADJUSTED_KINDS`` lines, stacked and capped; then ``minimum_margin`` when the charges
      are below the aircraft's operating cost x (1 + margin). Their taxable share is that of
      the charges they adjust (the floor: the trip's);
    - ``client_discount``, ``quote_discount``, ``fet`` as in ``flights.pricing.breakdown``.
      Taxable shares: revenue-leg lines by their own leg's ``taxable_share`` (1 for taxable
      transportation, 0 otherwise, the US share of the miles to or from Alaska or Hawaii);
      positioning, empty-leg fees and trip-wide lines in the proportion of taxable revenue
      block time, since they are part of what the client pays for that transportation
      (26 U.S.C. 4262(e): layover, waiting time and deadhead movement are transportation);
    - ``segment_fee`` = passengers x segments x the dated amount in force on the departure
      date, per domestic revenue leg (a fuel stop makes one more segment);
    - ``facilities_tax`` = passengers x the dated amount in force on the departure date, for
      each departure from and arrival in the United States of a revenue leg that is not all
      taxable transportation (26 U.S.C. 4261(c)(1)-(2)); on a domestic segment to or from
      Alaska or Hawaii, for its departure only at the Alaska/Hawaii amount (4261(c)(3));
    - an aircraft that ``table.small_aircraft()`` says is exempt (26 U.S.C. 4281) pays no
      ``fet``, ``segment_fee`` or ``facilities_tax``, and the quote says so in its warnings.

    Raises ``ValueError`` for no legs, legs out of order, a naive ``now``, a discount out
    of range or above the charges, an inconsistent currency/FX pair, or an override kind
    given twice. An aircraft that cannot fly the itinerary is not an error: the quote
    comes back with ``feasible=False`` and the reasons.
    """
    check_aware("now", now)
    check_decimal("client_discount_percent", client_discount_percent)
    if client_discount_percent > HUNDRED:
        raise ValueError(f"client_discount_percent must be <= 100, got {client_discount_percent}")
    check_cents("quote_discount", quote_discount)
    if quote_discount < 0:
        raise ValueError(f"quote_discount must be >= 0, got {quote_discount}")
    currency, fx = _conversion(table, client_currency, fx_rate)
    requested_overrides = index_overrides(overrides)
    flown = plan_legs(aircraft, legs, table)
    reasons = unsuitability(aircraft, flown, table)
    revenue = [leg for leg in flown if leg.kind == "revenue"]

    with localcontext(CONTEXT):
        priced = _Pricing(aircraft, table, flown, now, fx)
        shares = priced.shares()
        totals = assemble(
            priced.lines,
            priced.passenger_taxes,
            taxable_shares=shares,
            client_discount_percent=client_discount_percent,
            quote_discount=quote_discount,
            fet_rate=table.fet_rate,
            overrides=requested_overrides,
            computed_before={},
        )

    return Quote(
        aircraft_id=aircraft.id,
        currency=currency,
        feasible=not reasons,
        reasons=reasons,
        warnings=_schedule_warnings(flown, now) + priced.warnings + priced.market_warnings,
        legs=flown,
        lines=totals.lines,
        subtotal=totals.subtotal,
        taxable_amount=totals.taxable_amount,
        taxes=totals.taxes,
        total=totals.total,
        valid_until=min(now + timedelta(hours=table.validity_hours), revenue[0].departure_datetime),
        client_discount_percent=client_discount_percent,
        quote_discount=quote_discount,
        fet_rate=table.fet_rate,
        taxable_shares=MappingProxyType(shares),
        overrides=totals.overrides,
        inputs=_inputs(
            aircraft,
            legs,
            table,
            now=now,
            currency=currency,
            fx=fx,
            client_discount_percent=client_discount_percent,
            quote_discount=quote_discount,
            overrides=overrides_record(totals.overrides),
            market=priced.market_record,
        ),
    )


def _conversion(table: PricingTable, currency: str | None, fx_rate: Decimal | None) -> tuple[str, Decimal]:
    if currency is None:
        if fx_rate is not None:
            raise ValueError("fx_rate given without client_currency")
        return table.currency, ONE
    check_currency("client_currency", currency)
    if fx_rate is None:
        if currency != table.currency:
            raise ValueError(f"converting {table.currency} to {currency} needs an fx_rate")
        return currency, ONE
    check_decimal("fx_rate", fx_rate, positive=True)
    if currency == table.currency and fx_rate != ONE:
        raise ValueError(f"fx_rate must be 1 from {currency} to itself, got {fx_rate}")
    return currency, fx_rate


def _fraction(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else ZERO


class _Pricing:
    """The charge lines and per-passenger taxes of one itinerary (construct inside CONTEXT)."""

    def __init__(
        self,
        aircraft: AircraftSpec,
        table: PricingTable,
        flown: tuple[LegEstimate, ...],
        now: datetime,
        fx: Decimal,
    ) -> None:
        self.aircraft = aircraft
        self.table = table
        self.flown = flown
        self.fx = fx
        self.lines: list[Line] = []
        self.passenger_taxes: list[Line] = []
        self.warnings: tuple[str, ...] = ()
        self.market_warnings: tuple[str, ...] = ()
        self.market_record: dict[str, Any] = {}
        self._amounts: dict[LineKind, Decimal] = {}
        self._taxable: dict[LineKind, Decimal] = {}
        self.exempt = table.small_aircraft(aircraft)

        revenue = [leg for leg in flown if leg.kind == "revenue"]
        taxable_minutes = sum((leg.billed_minutes * leg.taxable_share for leg in revenue), ZERO)
        revenue_minutes = sum(leg.billed_minutes for leg in revenue)
        if self.exempt:
            self.trip_share = ZERO
        elif revenue_minutes:
            self.trip_share = taxable_minutes / Decimal(revenue_minutes)
        else:  # only zero-length legs with no taxi time and no short-leg minimum
            self.trip_share = sum((leg.taxable_share for leg in revenue), ZERO) / Decimal(len(revenue))
        tz = table.day_boundary_tz
        self.departure_days = [leg.departure_datetime.astimezone(tz).date() for leg in flown]
        self.first_day = min(self.departure_days)
        last_day = max(leg.arrival_datetime.astimezone(tz).date() for leg in flown)
        self.trip_days = (last_day - self.first_day).days + 1

        self._time_charges()
        self._airport_fees()
        self._trip_fees(revenue[0], now)
        if table.market.rules:
            self._market(now)
        if self.exempt:
            self.warnings = (
                f"{aircraft.tail_number}: certificated maximum take-off weight {aircraft.mtow_lb:,} lb, "
                f"at most {table.small_aircraft_max_mtow_lb:,} lb: no federal excise tax, segment fee "
                "or facilities tax (26 U.S.C. 4281)",
            )
        else:
            self._passenger_taxes()

    def _share(self, leg: LegEstimate) -> Decimal:
        """The taxable fraction of a charge that belongs to ``leg``."""
        if leg.kind == "positioning" or self.exempt:
            return self.trip_share
        return leg.taxable_share

    def _add(self, kind: LineKind, description: str, base: Decimal, taxable_base: Decimal) -> None:
        """Add ``base`` (operator currency), of which ``taxable_base`` is taxable."""
        self._add_converted(kind, description, cents(base * self.fx), _fraction(taxable_base, base))

    def _add_converted(self, kind: LineKind, description: str, amount: Decimal, share: Decimal) -> None:
        if amount:
            self.lines.append(Line(kind, description, amount))
            self._amounts[kind] = self._amounts.get(kind, ZERO) + amount
            self._taxable[kind] = self._taxable.get(kind, ZERO) + amount * share

    def shares(self) -> dict[LineKind, Decimal]:
        """The taxable fraction of each charge kind; the trip's for kinds with no line."""
        return {
            kind: _fraction(self._taxable[kind], self._amounts[kind])
            if self._amounts.get(kind)
            else self.trip_share
            for kind in CHARGE_KINDS
        }

    def _time_charges(self) -> None:
        aircraft = self.aircraft
        hourly = aircraft.hourly_rate
        for leg in self.flown:
            share = self._share(leg)
            if leg.kind == "positioning":
                base = leg.block_minutes * aircraft.positioning_rate / SIXTY
                self._add("positioning", f"{leg.route} {hhmm(leg.block_minutes)} empty", base, base * share)
                continue
            base = leg.block_minutes * hourly / SIXTY
            self._add("flight_time", f"{leg.route} {hhmm(leg.block_minutes)} block", base, base * share)
            extra = leg.billed_minutes - leg.block_minutes
            if extra:
                base = extra * hourly / SIXTY
                description = f"{leg.route} billed at the {hhmm(leg.billed_minutes)} short-leg minimum"
                self._add("short_leg_minimum", description, base, base * share)

        charged = sum(
            (self._amounts.get(kind, ZERO) for kind in ("flight_time", "short_leg_minimum", "positioning")),
            ZERO,
        )
        minimum = cents(self.trip_days * aircraft.daily_minimum_hours * hourly * self.fx)
        if minimum > charged:
            description = (
                f"{self.trip_days} day(s) x {aircraft.daily_minimum_hours.normalize():f} h daily "
                f"minimum = {money(minimum)}; flying charged {money(charged)}"
            )
            self._add_converted("daily_minimum", description, minimum - charged, self.trip_share)

    def _airport_fees(self) -> None:
        table = self.table
        default = table.default_airport_fees
        landing = landing_taxable = handling = handling_taxable = ZERO
        passengers = 0
        passenger_fees = passenger_taxable = catering_taxable = ZERO
        deicing = deicing_taxable = stop_fees = stop_taxable = ZERO
        landed: list[str] = []
        stops = 0
        iced: list[str] = []
        for leg, day in zip(self.flown, self.departure_days, strict=True):
            share = self._share(leg)
            fees = table.fees_at(leg.arrival.icao)
            fee = fees.landing + leg.fuel_stops * default.landing
            landing += fee
            landing_taxable += fee * share
            fee = fees.handling + leg.fuel_stops * default.handling
            handling += fee
            handling_taxable += fee * share
            landed.append(leg.arrival.icao)
            stops += leg.fuel_stops
            fee = leg.fuel_stops * table.fuel_stop_fee
            stop_fees += fee
            stop_taxable += fee * share
            if table.in_deicing_season(leg.departure, day):
                deicing += table.deicing_fee
                deicing_taxable += table.deicing_fee * share
                iced.append(leg.departure.icao)
            if leg.passengers:
                passengers += leg.passengers
                fee = leg.passengers * table.fees_at(leg.departure.icao).per_passenger
                passenger_fees += fee
                passenger_taxable += fee * share
                catering_taxable += leg.passengers * share

        where = ", ".join(landed) + (f" + {stops} fuel stop(s)" if stops else "")
        count = len(landed) + stops
        self._add("landing_fees", f"{count} landing(s): {where}", landing, landing_taxable)
        self._add("handling_fees", f"{count} turnaround(s): {where}", handling, handling_taxable)
        self._add("passenger_fees", f"{passengers} passenger departure(s)", passenger_fees, passenger_taxable)
        self._add(
            "catering",
            f"{passengers} passenger meal(s)",
            passengers * table.catering_per_passenger,
            catering_taxable * table.catering_per_passenger,
        )
        self._add(
            "deicing",
            f"{len(iced)} departure(s) in de-icing season: {', '.join(iced)}",
            deicing,
            deicing_taxable,
        )
        self._add("fuel_stop", f"{stops} fuel stop(s)", stop_fees, stop_taxable)

    def _trip_fees(self, first_revenue: LegEstimate, now: datetime) -> None:
        table = self.table
        share = self.trip_share
        touched = {place.country for leg in self.flown for place in (leg.departure, leg.arrival)}
        permits = sorted(touched & table.permit_fees.keys())
        base = sum((table.permit_fees[country] for country in permits), ZERO)
        self._add("permits", f"permits: {', '.join(permits)}", base, base * share)

        home = self.aircraft.home_base.icao
        nights = 0
        where: str | None = None
        index = 0
        for offset in range(self.trip_days - 1):
            day = self.first_day + timedelta(days=offset)
            while index < len(self.flown) and self.departure_days[index] <= day:
                where = self.flown[index].arrival.icao
                index += 1
            if where is not None and where != home:
                nights += 1
        base = nights * table.overnight_fee
        self._add("overnight", f"{nights} night(s) away from {home}", base, base * share)
        base = self.trip_days * table.crew_day_fee
        self._add("crew_per_diem", f"{self.trip_days} crew day(s)", base, base * share)

        lead = first_revenue.departure_datetime - now
        if lead < timedelta(hours=table.urgent_hours):
            hours = max(0, int(lead.total_seconds() // 3600))
            description = f"departure {hours} h after the request, under {table.urgent_hours} h"
            self._add("urgent", description, table.urgent_fee, table.urgent_fee * share)

    def _market(self, now: datetime) -> None:
        """Market-rule lines (see ``flights.pricing.market``), recorded for staff in
        ``market_record``; notes about caps and missing figures in ``market_warnings``."""
        market, aircraft = self.table.market, self.aircraft
        quote_day = now.astimezone(self.table.day_boundary_tz).date()
        found, notes = matches(
            market,
            category=aircraft.category,
            flown=self.flown,
            departure_days=self.departure_days,
            quote_day=quote_day,
            now=now,
        )
        warnings = list(notes)
        base = sum((self._amounts.get(kind, ZERO) for kind in ADJUSTED_KINDS), ZERO)
        share = _fraction(sum((self._taxable.get(kind, ZERO) for kind in ADJUSTED_KINDS), ZERO), base)
        applied: list[dict[str, Any]] = []
        before = ZERO
        for match, added, after in stacked(found, market.cap_up_percent, market.cap_down_percent):
            rule = match.rule
            # Each line is the change in the rounded running total, so the lines add up to
            # base x total % exactly and never take the charges below zero.
            amount = cents(base * after / HUNDRED) - cents(base * before / HUNDRED)
            before = after
            if added != rule.percent:
                warnings.append(
                    f"{rule.name}: {_percent(added)} of the {_percent(rule.percent)} it asks "
                    f"(adjustments capped at +{_plain(market.cap_up_percent)} % / "
                    f"-{_plain(market.cap_down_percent)} %)"
                )
            applied.append({"rule": rule.id, "name": rule.name, "kind": rule.kind, "percent": str(added)})
            description = f"{rule.name}: {_percent(added)} of {money(base)} ({match.why})"
            self._add_converted(rule.kind, description[:300], amount, share)
        self.market_record = {"applied": applied}
        self._floor(market, quote_day, warnings)
        self.market_warnings = tuple(warnings)

    def _floor(self, market: Any, quote_day: date, warnings: list[str]) -> None:
        aircraft = self.aircraft
        rule = margin_rule(market, category=aircraft.category, quote_day=quote_day)
        if rule is None:
            return
        hourly = market.operating_costs.get(aircraft.id)
        if hourly is None:
            warnings.append(f"{rule.name}: no operating cost entered for {aircraft.tail_number}, not checked")
            return
        minutes = sum(leg.block_minutes for leg in self.flown)
        cost = cents(hourly * minutes / SIXTY * self.fx)
        floor = cents(cost * (ONE + rule.percent / HUNDRED))
        charged = sum(self._amounts.values(), ZERO)
        self.market_record["minimum_margin"] = {
            "rule": rule.id,
            "operating_cost_per_hour": str(hourly),
            "operating_cost": str(cost),
            "floor": str(floor),
            "charges": str(charged),
        }
        if charged >= floor:
            return
        warnings.append(
            f"{rule.name}: operating cost {money(cost)} ({money(hourly)}/block h x {hhmm(minutes)}) "
            f"+ {_plain(rule.percent)} % = {money(floor)}; the charges were {money(charged)}"
        )
        self._add_converted(
            "minimum_margin", f"{rule.name}: minimum price {money(floor)}", floor - charged, self.trip_share
        )

    def _passenger_taxes(self) -> None:
        table = self.table
        segment_fees = facilities = alaska_hawaii = ZERO
        segments = movements = departures = 0
        missing: dict[str, set[date]] = {}

        def rate(rows: tuple[DatedRate, ...], name: str, day: date) -> Decimal | None:
            amount = rate_on(rows, day)
            if amount is None:
                missing.setdefault(name, set()).add(day)
            return amount

        for leg, day in zip(self.flown, self.departure_days, strict=True):
            if leg.kind != "revenue":
                continue
            if leg.domestic:
                amount = rate(table.segment_fees, "domestic segment fee", day)
                if amount is not None:
                    count = leg.passengers * (leg.fuel_stops + 1)
                    segments += count
                    segment_fees += count * amount
            if leg.taxable_share == ONE:
                continue  # all taxable under 4261(a): no facilities tax (4261(c)(2))
            ends = (leg.departure, leg.arrival)
            if leg.domestic and any(table.in_alaska_or_hawaii(place) for place in ends):
                amount = rate(table.alaska_hawaii_facilities_taxes, "Alaska/Hawaii facilities tax", day)
                if amount is not None:
                    departures += leg.passengers
                    alaska_hawaii += leg.passengers * amount
                continue
            count = leg.passengers * sum(table.in_united_states(place) for place in ends)
            if count:
                amount = rate(table.facilities_taxes, "international facilities tax", day)
                if amount is not None:
                    movements += count
                    facilities += count * amount
        for kind, description, base in (
            ("segment_fee", f"{segments} domestic passenger segment(s)", segment_fees),
            ("facilities_tax", f"{movements} international passenger arrival(s)/departure(s)", facilities),
            ("facilities_tax", f"{departures} Alaska/Hawaii passenger departure(s)", alaska_hawaii),
        ):
            amount = cents(base * self.fx)
            if amount:
                self.passenger_taxes.append(Line(kind, description, amount))  # type: ignore[arg-type]
        self.warnings = tuple(
            f"no {name} entered for {day.isoformat()}: none charged"
            for name, days in sorted(missing.items())
            for day in sorted(days)
        )


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _percent(value: Decimal) -> str:
    return f"{'+' if value > 0 else ''}{_plain(value)} %"


def _schedule_warnings(flown: Sequence[LegEstimate], now: datetime) -> tuple[str, ...]:
    warnings: list[str] = []
    for leg in flown:
        if leg.departure_datetime < now:
            warnings.append(
                f"{leg.route} ({leg.kind}) would leave at {leg.departure_datetime.isoformat()}, "
                "before the quote time"
            )
    for before, after in zip(flown, flown[1:], strict=False):
        if after.departure_datetime < before.arrival_datetime:
            warnings.append(
                f"{after.route} ({after.kind}) leaves at {after.departure_datetime.isoformat()}, "
                f"before {before.route} lands at {before.arrival_datetime.isoformat()}"
            )
    return tuple(warnings)


def _place(place: Place) -> dict[str, Any]:
    return {
        "icao": place.icao,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "subdivision": place.subdivision,
    }


def _dated(rows: tuple[DatedRate, ...]) -> list[dict[str, str]]:
    return [{"effective_from": row.effective_from.isoformat(), "amount": str(row.amount)} for row in rows]


def _inputs(
    aircraft: AircraftSpec,
    legs: Sequence[LegRequest],
    table: PricingTable,
    *,
    now: datetime,
    currency: str,
    fx: Decimal,
    client_discount_percent: Decimal,
    quote_discount: Decimal,
    overrides: list[dict[str, str]],
    market: dict[str, Any],
) -> dict[str, Any]:
    def fees(row: AirportFees) -> dict[str, str]:
        return {
            "landing": str(row.landing),
            "handling": str(row.handling),
            "per_passenger": str(row.per_passenger),
        }

    return {
        "method": METHOD,
        "now": now.isoformat(),
        "currency": currency,
        "operator_currency": table.currency,
        "fx_rate": str(fx),
        "client_discount_percent": str(client_discount_percent),
        "quote_discount": str(quote_discount),
        "legs": [
            {
                "departure": _place(leg.departure),
                "arrival": _place(leg.arrival),
                "departure_datetime": leg.departure_datetime.isoformat(),
                "passengers": leg.passengers,
            }
            for leg in legs
        ],
        "aircraft": {
            "id": aircraft.id,
            "tail_number": aircraft.tail_number,
            "aircraft_type": aircraft.aircraft_type,
            "seating_capacity": aircraft.seating_capacity,
            "range_nm": aircraft.range_nm,
            "cruise_speed_kt": aircraft.cruise_speed_kt,
            "wind_allowance_kt": aircraft.wind_allowance_kt,
            "routing_factor": str(aircraft.routing_factor),
            "taxi_out_minutes": aircraft.taxi_out_minutes,
            "taxi_in_minutes": aircraft.taxi_in_minutes,
            "hourly_rate": str(aircraft.hourly_rate),
            "positioning_rate": str(aircraft.positioning_rate),
            "daily_minimum_hours": str(aircraft.daily_minimum_hours),
            "current_location": _place(aircraft.current_location),
            "home_base": _place(aircraft.home_base),
            "mtow_lb": aircraft.mtow_lb,
            "category": aircraft.category,
        },
        "table": {
            "currency": table.currency,
            "default_airport_fees": fees(table.default_airport_fees),
            "airport_fees": {icao: fees(row) for icao, row in sorted(table.airport_fees.items())},
            "catering_per_passenger": str(table.catering_per_passenger),
            "overnight_fee": str(table.overnight_fee),
            "crew_day_fee": str(table.crew_day_fee),
            "deicing_fee": str(table.deicing_fee),
            "deicing_months": sorted(table.deicing_months),
            "deicing_min_abs_lat": table.deicing_min_abs_lat,
            "fuel_stop_fee": str(table.fuel_stop_fee),
            "fuel_stop_minutes": table.fuel_stop_minutes,
            "max_fuel_stops_per_leg": table.max_fuel_stops_per_leg,
            "urgent_fee": str(table.urgent_fee),
            "urgent_hours": table.urgent_hours,
            "short_leg_min_minutes": table.short_leg_min_minutes,
            "positioning_buffer_minutes": table.positioning_buffer_minutes,
            "return_to_base": table.return_to_base,
            "permit_fees": {country: str(fee) for country, fee in sorted(table.permit_fees.items())},
            "fet_rate": str(table.fet_rate),
            "domestic_countries": sorted(table.domestic_countries),
            "segment_fees": _dated(table.segment_fees),
            "facilities_taxes": _dated(table.facilities_taxes),
            "alaska_hawaii_facilities_taxes": _dated(table.alaska_hawaii_facilities_taxes),
            "zone_statute_miles": table.zone_statute_miles,
            "small_aircraft_max_mtow_lb": table.small_aircraft_max_mtow_lb,
            "territory": table.territory.source,
            "day_boundary_tz": str(table.day_boundary_tz),
            "validity_hours": table.validity_hours,
        },
        "overrides": overrides,
        "market": market,
    }
