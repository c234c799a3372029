"""Writes on quotes, trips and flights. Admin, API and Celery call these; each keeps its
invariants inside one transaction (no double booking, legal status moves, manifests within
capacity) and enqueues notifications only after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers
from simple_history.utils import bulk_create_with_history

from clients.models import Client, Passenger
from finance.models import PricingProfile
from fleet.choices import AircraftStatus
from fleet.models import Aircraft, Airport, unknown_airport_message
from fleet.selectors import aircraft_occupancy
from fleet.services import aircraft_status_change
from flights import pricing
from flights.choices import (
    FlightStatus,
    LegType,
    QuoteStatus,
    TripEventKind,
    TripStatus,
)
from flights.conflicts import LegPlan, alternatives
from flights.models import Flight, FlightPassenger, Quote, QuoteLine, QuoteOption, Trip, TripEvent
from flights.quoting import (
    active_profile,
    aircraft_spec,
    candidate_aircraft,
    fx_rate,
    legs_json,
    place,
    pricing_table,
    quote_inputs_record,
    rebuild_quote,
)
from jetops.errors import Conflict
from jetops.models import User
from jetops.numbering import next_number, number_last, pending_number
from jetops.permissions import PORTAL_REFUSAL, is_portal_user, user_can
from jetops.writes import save_validated

CHANGE_FLIGHT_STATUS = "flights.change_flight_status"

# Legal status moves (from → allowed targets). "diverted" is an arrival elsewhere.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    FlightStatus.SCHEDULED: (FlightStatus.BOARDING, FlightStatus.DEPARTED, FlightStatus.CANCELLED),
    FlightStatus.BOARDING: (FlightStatus.SCHEDULED, FlightStatus.DEPARTED, FlightStatus.CANCELLED),
    FlightStatus.DEPARTED: (FlightStatus.ARRIVED, FlightStatus.DIVERTED),
    FlightStatus.ARRIVED: (FlightStatus.COMPLETED,),
    FlightStatus.DIVERTED: (FlightStatus.COMPLETED,),
    FlightStatus.COMPLETED: (),
    FlightStatus.CANCELLED: (),
}


def _event(
    trip: Trip, kind: str, actor: User | None, *, flight: Flight | None = None, **detail: Any
) -> TripEvent:
    event = TripEvent(
        trip=trip,
        flight=flight,
        kind=kind,
        actor=actor,
        from_status=str(detail.pop("from_status", "")),
        to_status=str(detail.pop("to_status", "")),
        at=detail.pop("at", None) or timezone.now(),
        detail=detail,
    )
    save_validated(event, actor)
    return event


def _notify(event: str, key: str, **ids: Any) -> None:
    """Enqueue a client notification after the transaction commits (idempotent by key)."""
    from flights.tasks import client_notify_task

    transaction.on_commit(lambda: client_notify_task.delay(event=event, key=key, **ids))


def _broadcast(flight: Flight) -> None:
    from flights.live import flight_status_broadcast

    flight_id = flight.pk
    transaction.on_commit(lambda: flight_status_broadcast(flight_id))


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True)
class RequestedLeg:
    departure: Airport
    arrival: Airport
    departure_at: datetime
    passengers: int


# Each leg multiplies the rows a quote stores (options × lines × history).
MAX_QUOTE_LEGS = 12


def requested_legs(legs: list[dict[str, Any]], *, now: datetime) -> list[RequestedLeg]:
    """Validate the client's legs: 1 to ``MAX_QUOTE_LEGS`` of them, known airports (an
    ``Airport``, or any code a person means: ``AirportQuerySet.resolve``), aware times after
    ``now`` and in order, passengers ≥ 1."""
    if not legs:
        raise ValidationError({"legs": ["At least one leg is required."]})
    if len(legs) > MAX_QUOTE_LEGS:
        raise ValidationError({"legs": [f"At most {MAX_QUOTE_LEGS} legs in one quote."]})
    errors: dict[str, Any] = {}
    result: list[RequestedLeg] = []
    for index, leg in enumerate(legs):
        problems: dict[str, list[str]] = {}
        ends: dict[str, Airport | None] = {}
        for name in ("departure_airport", "arrival_airport"):
            value = leg.get(name)
            ends[name] = value if isinstance(value, Airport) else Airport.objects.resolve(value)
            if ends[name] is None:
                problems[name] = [unknown_airport_message(value)]
        dep, arr = ends["departure_airport"], ends["arrival_airport"]
        if dep is not None and dep == arr:
            problems["arrival_airport"] = ["Arrival must differ from departure."]
        at = leg.get("departure_datetime")
        if not isinstance(at, datetime) or timezone.is_naive(at):
            problems["departure_datetime"] = ["An ISO 8601 date-time with a time zone offset."]
        elif at <= now:
            problems["departure_datetime"] = ["The departure is in the past."]
        elif result and at <= result[-1].departure_at:
            problems["departure_datetime"] = ["Each leg departs after the previous one."]
        passengers = leg.get("passengers")
        if not isinstance(passengers, int) or passengers < 1:
            problems["passengers"] = ["At least 1."]
        if problems:
            errors[str(index)] = problems
            continue
        if dep is not None and arr is not None and isinstance(at, datetime) and isinstance(passengers, int):
            result.append(RequestedLeg(dep, arr, at, passengers))
    if errors:
        # DRF's exception keeps the per-leg nesting ({"legs": {"0": {field: [..]}}}).
        raise serializers.ValidationError({"legs": errors})
    return result


def _leg_requests(legs: list[RequestedLeg]) -> list[pricing.LegRequest]:
    return [
        pricing.LegRequest(place(leg.departure), place(leg.arrival), leg.departure_at, leg.passengers)
        for leg in legs
    ]


@transaction.atomic
def quote_create(
    *,
    client: Client,
    legs: list[dict[str, Any]],
    actor: User | None,
    aircraft_ids: list[int] | None = None,
    category: str | None = None,
    quote_discount: Decimal = Decimal("0"),
    now: datetime | None = None,
) -> tuple[Quote, list[dict[str, Any]]]:
    """Price the itinerary on every suitable, available aircraft and store the quote with one
    option per candidate. Returns the quote and the aircraft left out, with the reason.
    A discount is a staff decision: a portal user asking for one is refused."""
    if quote_discount and is_portal_user(actor):
        raise ValidationError({"discount": [PORTAL_REFUSAL]})
    now = now or timezone.now()
    wanted = requested_legs(legs, now=now)
    profile = active_profile()
    table = pricing_table(profile)
    currency = client.billing_currency
    rate = fx_rate(profile.currency, currency, now)
    requests = _leg_requests(wanted)
    passengers = max(leg.passengers for leg in wanted)
    candidates = candidate_aircraft(ids=aircraft_ids, category=category, passengers=1)
    first, last = wanted[0].departure_at, wanted[-1].departure_at
    # Wide enough for a positioning leg before the first departure and the last leg's flight.
    occupancy = aircraft_occupancy(candidates, first - timedelta(days=1), last + timedelta(days=2))
    turnaround = timedelta(minutes=profile.turnaround_minutes)
    results: list[tuple[Aircraft, pricing.Quote]] = []
    left_out: list[dict[str, Any]] = []
    for aircraft in candidates:
        spec = aircraft_spec(aircraft, occupancy.position_at(aircraft.pk, first))
        if aircraft.seating_capacity < passengers:
            left_out.append(
                {
                    "aircraft": aircraft.pk,
                    "tail_number": aircraft.tail_number,
                    "reasons": [f"{aircraft.seating_capacity} seats for {passengers} passengers."],
                }
            )
            continue
        feasibility = pricing.check_feasibility(spec, requests, table)
        if not feasibility.feasible:
            left_out.append(
                {
                    "aircraft": aircraft.pk,
                    "tail_number": aircraft.tail_number,
                    "reasons": list(feasibility.reasons),
                }
            )
            continue
        flown = feasibility.legs
        conflicts = occupancy.conflicts(
            aircraft.pk, flown[0].departure_datetime, flown[-1].arrival_datetime + turnaround
        )
        if conflicts:
            left_out.append(
                {
                    "aircraft": aircraft.pk,
                    "tail_number": aircraft.tail_number,
                    "reasons": [conflict["detail"] for conflict in conflicts],
                }
            )
            continue
        try:
            result = pricing.quote(
                spec,
                requests,
                table,
                now=now,
                client_discount_percent=client.discount_percent,
                quote_discount=quote_discount,
                client_currency=currency if rate is not None else None,
                fx_rate=rate,
            )
        except (
            ValueError
        ) as exc:  # the engine refuses inputs it cannot price, e.g. a discount above the charges
            raise ValidationError({"discount": [str(exc)]}) from exc
        results.append((aircraft, result))
    results.sort(key=lambda pair: (pair[1].total, pair[0].pk))
    valid_until = min(
        [r.valid_until for _, r in results], default=now + timedelta(hours=profile.validity_hours)
    )
    quote = Quote(
        number=pending_number(),  # the real one last: number_last below
        client=client,
        legs=[
            {
                "departure_airport": leg.departure.icao,
                "arrival_airport": leg.arrival.icao,
                "departure_datetime": leg.departure_at.isoformat(),
                "passengers": leg.passengers,
            }
            for leg in wanted
        ],
        category=category or "",
        currency=currency,
        valid_until=valid_until,
        pricing_profile=profile,
        created_by=actor,
    )
    save_validated(quote, actor)
    options = [
        QuoteOption(
            quote=quote,
            aircraft=aircraft,
            rank=rank,
            planned_legs=legs_json(result.legs),
            subtotal=result.subtotal,
            taxes=result.taxes,
            total=result.total,
            currency=result.currency,
            method=pricing.METHOD,
            inputs=quote_inputs_record(result),
            warnings=list(result.warnings),
        )
        for rank, (aircraft, result) in enumerate(results)
    ]
    # Engine output: one insert for the options and one for all their lines, with history.
    bulk_create_with_history(options, QuoteOption, default_user=actor)
    stored = {o.rank: o for o in QuoteOption.objects.filter(quote=quote)}
    _lines_create([(stored[rank], result) for rank, (_aircraft, result) in enumerate(results)], actor)
    number_last(quote, "quote", prefix="Q-")
    return quote, left_out


def _lines_create(priced: list[tuple[QuoteOption, pricing.Quote]], actor: User | None) -> None:
    """Store each option's breakdown. The lines come from the pricing engine, so they are
    inserted in one statement with their history rows rather than validated one by one (the
    table's constraints still hold)."""
    lines = []
    for option, result in priced:
        overrides: dict[str, pricing.AppliedOverride] = {o.kind: o for o in result.overrides}
        for position, line in enumerate(result.lines):
            applied = overrides.get(line.kind)
            lines.append(
                QuoteLine(
                    option=option,
                    position=position,
                    kind=line.kind,
                    description=line.description,
                    amount=line.amount,
                    computed_amount=applied.computed if applied else None,
                    override_reason=applied.reason if applied else "",
                    overridden_by=actor if applied else None,
                )
            )
    bulk_create_with_history(lines, QuoteLine, default_user=actor)


def _lines_replace(option: QuoteOption, result: pricing.Quote, actor: User | None) -> None:
    for stored in option.lines.all():
        stored._history_user = actor  # type: ignore[attr-defined]
        stored.delete()
    _lines_create([(option, result)], actor)


@transaction.atomic
def quote_override_line(
    *, option: QuoteOption, kind: str, amount: Decimal, reason: str, actor: User | None
) -> QuoteOption:
    """Staff replace a line kind's amount with a reason; totals and FET follow."""
    quote = Quote.objects.select_for_update().get(pk=option.quote_id)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise Conflict(f"A {quote.status} quote cannot be changed.", "quote_closed")
    if kind not in pricing.LINE_KINDS:
        raise ValidationError({"kind": [f"Unknown line kind; one of {', '.join(pricing.LINE_KINDS)}."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the line is overridden."]})
    inputs = dict(option.inputs)
    overrides = [o for o in inputs.get("overrides", []) if o["kind"] != kind]
    overrides.append(
        {"kind": kind, "amount": str(amount), "reason": reason.strip(), "by": actor.pk if actor else None}
    )
    base = rebuild_quote(
        inputs, aircraft_id=option.aircraft_id, currency=option.currency, valid_until=quote.valid_until
    )
    try:
        result = pricing.apply_overrides(
            base, [pricing.LineOverride(o["kind"], Decimal(o["amount"]), o["reason"]) for o in overrides]
        )
    except ValueError as exc:
        raise ValidationError({"amount": [str(exc)]}) from exc
    inputs["overrides"] = overrides
    option.inputs = inputs
    option.subtotal, option.taxes, option.total = result.subtotal, result.taxes, result.total
    save_validated(option, actor, reason=f"override {kind}: {reason}")
    _lines_replace(option, result, actor)
    return option


@transaction.atomic
def quote_send(*, quote: Quote, actor: User | None) -> Quote:
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise Conflict(f"A {quote.status} quote cannot be sent.", "quote_closed")
    if not quote.options.exists():
        raise Conflict("This quote has no aircraft option to offer.", "quote_empty")
    if quote.is_expired():
        raise Conflict("This quote has expired: make a new one.", "quote_expired")
    quote.status = QuoteStatus.SENT
    quote.sent_at = timezone.now()
    save_validated(quote, actor)
    _notify("quote_sent", f"quote-sent:{quote.pk}:{quote.sent_at.timestamp():.0f}", quote_id=quote.pk)
    return quote


@transaction.atomic
def quote_decline(*, quote: Quote, actor: User | None) -> Quote:
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise Conflict(f"A {quote.status} quote cannot be declined.", "quote_closed")
    quote.status = QuoteStatus.DECLINED
    quote.decided_at = timezone.now()
    save_validated(quote, actor)
    return quote


def quotes_expire(*, now: datetime | None = None) -> int:
    """Mark open quotes past their validity as expired (beat task)."""
    now = now or timezone.now()
    count = 0
    for quote in Quote.objects.filter(status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT], valid_until__lte=now):
        with transaction.atomic():
            quote.status = QuoteStatus.EXPIRED
            save_validated(quote, None, reason="validity ended")
        count += 1
    return count


def quote_accept(*, quote: Quote, actor: User | None, option_id: int | None = None) -> Trip:
    """Book the chosen option: re-check availability and create the trip and its flights in
    one transaction. An expired quote is marked expired and refused. A portal user accepts
    only what staff sent (staff may book a draft, e.g. a booking taken on the phone)."""
    expired = False
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            raise Conflict(f"This quote is {quote.status}: it cannot be accepted.", "quote_closed")
        if quote.status != QuoteStatus.SENT and is_portal_user(actor):
            raise Conflict(
                "This quote has not been sent to you yet: our team will send it once it is priced.",
                "quote_not_sent",
            )
        if quote.is_expired():
            quote.status = QuoteStatus.EXPIRED
            save_validated(quote, actor, reason="accepted after validity")
            expired = True
        else:
            options = quote.options.select_related("aircraft")
            if option_id is None and options.count() != 1:
                raise ValidationError({"option": ["Choose one of the quote's options."]})
            option = options.filter(pk=option_id).first() if option_id is not None else options.first()
            if option is None:
                raise ValidationError({"option": ["Not an option of this quote."]})
            plans = [_plan_from_json(leg) for leg in option.planned_legs]
            trip = trip_book(
                client=quote.client,
                aircraft=option.aircraft,
                legs=plans,
                actor=actor,
                quote=quote,
                option=option,
            )
            quote.status = QuoteStatus.ACCEPTED
            quote.decided_at = timezone.now()
            save_validated(quote, actor)
            return trip
    assert expired  # noqa: S101
    raise Conflict("This quote has expired: ask for a new one.", "quote_expired")


def _plan_from_json(leg: dict[str, Any]) -> LegPlan:
    return LegPlan(
        departure_airport=Airport.objects.get(icao=leg["departure_airport"]),
        arrival_airport=Airport.objects.get(icao=leg["arrival_airport"]),
        departure_at=datetime.fromisoformat(leg["departure_datetime"]),
        arrival_at=datetime.fromisoformat(leg["arrival_datetime"]),
        leg_type=LegType.POSITIONING if leg["kind"] == "positioning" else LegType.REVENUE,
        passengers=int(leg.get("passengers", 0)),
        distance_nm=int(leg.get("distance_nm", 0)),
        block_minutes=int(leg.get("block_minutes", 0)),
        estimated_block_minutes=int(leg["block_minutes"]) if leg.get("block_minutes") else None,
    )


# ---------------------------------------------------------------- booking


def _turnaround() -> timedelta:
    profile = PricingProfile.objects.filter(is_active=True).first()
    return timedelta(minutes=profile.turnaround_minutes if profile else 45)


def _check_block_speed(aircraft: Aircraft, plan: LegPlan) -> None:
    """Refuse an arrival sooner than ``FLIGHT_FASTEST_BLOCK_PERCENT`` of the block time the
    pricing engine estimates for this aircraft: faster than the aircraft can fly."""
    estimate = plan.estimated_block_minutes
    if estimate is None:
        _, _, estimate = flight_arrival_estimate(
            aircraft, plan.departure_airport, plan.arrival_airport, plan.departure_at
        )
    fastest = estimate * settings.FLIGHT_FASTEST_BLOCK_PERCENT / 100
    if (plan.arrival_at - plan.departure_at).total_seconds() / 60 < fastest:
        raise ValidationError(
            {
                "arrival": [
                    f"{aircraft.tail_number} needs about {estimate} minutes block to fly "
                    f"{plan.departure_airport.icao}-{plan.arrival_airport.icao}: "
                    "this arrival is faster than the aircraft can fly."
                ]
            }
        )


def _check_leg(
    aircraft: Aircraft,
    plan: LegPlan,
    *,
    exclude: tuple[int, ...],
    previous: LegPlan | None,
    turnaround: timedelta,
) -> None:
    busy_until = plan.arrival_at + turnaround
    if plan.arrival_at <= plan.departure_at:
        raise ValidationError({"arrival": ["The arrival must be after the departure."]})
    _check_block_speed(aircraft, plan)
    occupancy = aircraft_occupancy([aircraft], plan.departure_at, busy_until, exclude={"flights": exclude})
    conflicts = occupancy.conflicts(aircraft.pk, plan.departure_at, busy_until)
    where = previous.arrival_airport if previous else occupancy.position_at(aircraft.pk, plan.departure_at)
    if where != plan.departure_airport:
        from jetops.geo import great_circle_nm

        distance = great_circle_nm(
            where.latitude, where.longitude, plan.departure_airport.latitude, plan.departure_airport.longitude
        )
        conflicts.append(
            {
                "type": "position",
                "detail": f"{aircraft.tail_number} will be at {where.icao}, "
                f"not {plan.departure_airport.icao}: add a positioning leg.",
                "positioning_leg": {
                    "departure_airport": where.icao,
                    "arrival_airport": plan.departure_airport.icao,
                    "distance_nm": round(distance),
                    "arrive_before": plan.departure_at.isoformat(),
                },
            }
        )
    following = occupancy.next_departure(aircraft.pk, plan.departure_at)
    if (
        following is not None
        and following.origin is not None
        and following.start >= busy_until
        and following.origin != plan.arrival_airport
    ):
        conflicts.append(
            {
                "type": "position",
                "detail": f"{following.title} departs {following.origin.icao} afterwards, "
                f"but this flight ends at {plan.arrival_airport.icao}.",
                "id": following.ref,
                "kind": following.kind,
            }
        )
    if conflicts:
        raise Conflict(
            f"{aircraft.tail_number} cannot fly {plan.departure_airport.icao}-{plan.arrival_airport.icao} "
            f"at {plan.departure_at.isoformat()}.",
            "aircraft_unavailable",
            conflicts=conflicts,
            alternatives=alternatives(
                aircraft=aircraft,
                departure_airport=plan.departure_airport,
                start=plan.departure_at,
                busy_until=busy_until,
                passengers=plan.passengers,
            ),
        )


def _flight_from_plan(
    trip: Trip, aircraft: Aircraft, plan: LegPlan, sequence: int, turnaround: timedelta
) -> Flight:
    return Flight(
        flight_number=next_number("flight", prefix="JO", width=5),
        trip=trip,
        client=trip.client,
        aircraft=aircraft,
        sequence=sequence,
        leg_type=plan.leg_type,
        departure_airport=plan.departure_airport,
        arrival_airport=plan.arrival_airport,
        departure_at=plan.departure_at,
        arrival_at=plan.arrival_at,
        busy_until=plan.arrival_at + turnaround,
        departure_fbo=plan.departure_fbo,
        arrival_fbo=plan.arrival_fbo,
        distance_nm=plan.distance_nm,
        estimated_block_minutes=plan.block_minutes
        or int((plan.arrival_at - plan.departure_at).total_seconds() // 60),
        passenger_count=plan.passengers,
        **plan.extra,
    )


def _booking_conflict(exc: IntegrityError) -> Conflict:
    return Conflict(
        "Another booking took this aircraft for that time first.",
        "aircraft_unavailable",
        conflicts=[{"type": "flight"}],
    )


def trip_book(
    *,
    client: Client,
    aircraft: Aircraft,
    legs: list[LegPlan],
    actor: User | None,
    quote: Quote | None = None,
    option: QuoteOption | None = None,
    notes: str = "",
) -> Trip:
    """Book ``legs`` on ``aircraft`` for ``client`` as one trip. The aircraft row is locked so
    concurrent bookings queue; any conflict (overlap with turnaround, blackout, status,
    position) is a 409 listing it with alternatives. On PostgreSQL the exclusion constraint
    makes an overlap impossible even if this check were bypassed."""
    if client.is_erased:
        raise Conflict("This client's account was erased.", "client_erased")
    turnaround = _turnaround()
    try:
        with transaction.atomic():
            aircraft = (
                Aircraft.objects.select_for_update().select_related("current_location").get(pk=aircraft.pk)
            )
            previous: LegPlan | None = None
            for plan in legs:
                _check_leg(aircraft, plan, exclude=(), previous=previous, turnaround=turnaround)
                previous = plan
            trip = Trip(
                number=next_number("trip", prefix="T-"),
                client=client,
                quote=quote,
                quote_option=option,
                total=option.total if option else Decimal("0"),
                currency=option.currency if option else client.billing_currency,
                notes=notes,
                created_by=actor,
            )
            save_validated(trip, actor)
            for sequence, plan in enumerate(legs, start=1):
                flight = _flight_from_plan(trip, aircraft, plan, sequence, turnaround)
                save_validated(flight, actor)
            _event(trip, TripEventKind.BOOKED, actor, flights=[f.flight_number for f in trip.flights.all()])
            _notify("booking_confirmed", f"booking-confirmed:{trip.pk}", trip_id=trip.pk)
            return trip
    except IntegrityError as exc:
        raise _booking_conflict(exc) from exc


FLIGHT_EDIT_FIELDS = (
    "departure_airport",
    "arrival_airport",
    "departure_at",
    "arrival_at",
    "departure_fbo",
    "arrival_fbo",
    "aircraft",
    "flight_plan",
    "billing_info",
    "passenger_count",
    "ifr",
    "flight_attendants",
)
SCHEDULE_FIELDS = {"departure_airport", "arrival_airport", "departure_at", "arrival_at", "aircraft"}
CREW_RULE_FIELDS = SCHEDULE_FIELDS | {"ifr", "flight_attendants"}
"""Changes after which the flight's crew is judged again (135.297 and 61.57(c) follow IFR,
135.273(b)(4)-(6) the attendants carried)."""


def flight_update(*, flight: Flight, actor: User | None, **data: Any) -> Flight:
    """Change a scheduled flight; schedule changes are re-checked for conflicts and notify
    the client as an itinerary change."""
    unknown = set(data) - set(FLIGHT_EDIT_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
    try:
        with transaction.atomic():
            flight = Flight.objects.select_for_update().select_related("aircraft").get(pk=flight.pk)
            if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
                raise Conflict(f"A {flight.status} flight cannot be changed.", "flight_closed")
            changed = {k for k, v in data.items() if getattr(flight, k) != v}
            for name, value in data.items():
                setattr(flight, name, value)
            if changed & SCHEDULE_FIELDS:
                turnaround = _turnaround()
                aircraft = Aircraft.objects.select_for_update().get(pk=flight.aircraft_id)
                plan = LegPlan(
                    departure_airport=flight.departure_airport,
                    arrival_airport=flight.arrival_airport,
                    departure_at=flight.departure_at,
                    arrival_at=flight.arrival_at,
                    passengers=flight.passenger_count,
                )
                _check_leg(aircraft, plan, exclude=(flight.pk,), previous=None, turnaround=turnaround)
                flight.busy_until = flight.arrival_at + turnaround
            save_validated(flight, actor)
            if changed & SCHEDULE_FIELDS:
                _event(
                    flight.trip,
                    TripEventKind.ITINERARY_CHANGED,
                    actor,
                    flight=flight,
                    changed=sorted(changed),
                )
                _notify(
                    "itinerary_changed",
                    f"itinerary:{flight.pk}:{flight.updated_at.timestamp():.0f}",
                    flight_id=flight.pk,
                )
            if changed & CREW_RULE_FIELDS:
                from crew.services import assignments_recheck  # crew builds on flights

                assignments_recheck(flight=flight, actor=actor)
            return flight
    except IntegrityError as exc:
        raise _booking_conflict(exc) from exc


# ---------------------------------------------------------------- status workflow


def _trip_status_sync(trip: Trip, actor: User | None) -> None:
    statuses = set(trip.flights.values_list("status", flat=True))
    if statuses <= {FlightStatus.CANCELLED}:
        target = TripStatus.CANCELLED
    elif statuses <= {FlightStatus.COMPLETED, FlightStatus.CANCELLED}:
        target = TripStatus.COMPLETED
    elif statuses & {
        FlightStatus.DEPARTED,
        FlightStatus.ARRIVED,
        FlightStatus.DIVERTED,
        FlightStatus.COMPLETED,
    }:
        target = TripStatus.IN_PROGRESS
    else:
        target = TripStatus.BOOKED
    if trip.status != target:
        trip.status = target
        save_validated(trip, actor)


ACTUAL_TIME_STATUSES = (
    FlightStatus.BOARDING,
    FlightStatus.DEPARTED,
    FlightStatus.ARRIVED,
    FlightStatus.DIVERTED,
    FlightStatus.COMPLETED,
)
"""Statuses whose ``at`` records something that happened, so it cannot be in the future."""


def _check_actual_time(flight: Flight, at: datetime) -> None:
    """An actual time is not ahead of the clock (beyond ``FLIGHT_CLOCK_SKEW_MINUTES``) nor
    before the flight's previous status time."""
    latest = timezone.now() + timedelta(minutes=settings.FLIGHT_CLOCK_SKEW_MINUTES)
    if at > latest:
        raise ValidationError({"at": ["This time is in the future: record what has happened."]})
    previous = (
        TripEvent.objects.filter(flight=flight, kind=TripEventKind.STATUS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if previous is not None and at < previous:
        raise ValidationError({"at": [f"This time is before the previous status ({previous.isoformat()})."]})


def _check_block_time(flight: Flight, off_block: datetime, on_block: datetime) -> None:
    """The block time may not exceed the longer of the aircraft's still-air endurance (range
    at cruise speed, plus taxi) and the flight's planned block time (fuel stops included),
    plus ``FLIGHT_BLOCK_ALLOWANCE_MINUTES`` for reserve fuel and holding."""
    aircraft = flight.aircraft
    endurance = aircraft.range_nautical_miles * 60 // aircraft.cruise_speed + aircraft.taxi_minutes
    limit = max(endurance, flight.estimated_block_minutes) + settings.FLIGHT_BLOCK_ALLOWANCE_MINUTES
    if on_block - off_block > timedelta(minutes=limit):
        raise ValidationError(
            {
                "at": [
                    f"A block time above {limit // 60} h {limit % 60:02d} min is beyond "
                    f"{aircraft.tail_number}'s endurance."
                ]
            }
        )


@transaction.atomic
def flight_status_change(
    *,
    flight: Flight,
    status: str,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
    diverted_to: Airport | None = None,
    landings: int | None = None,
) -> Flight:
    """Move a flight along scheduled → boarding → departed → arrived → completed (or
    cancelled before departure, diverted on arrival elsewhere). Illegal moves are a 409.
    Arrival records the on-block time, moves the aircraft and adds block hours and landings.
    A user ``actor`` needs ``flights.change_flight_status`` on the flight (Operations), from the
    API, the admin's actions or anywhere else; ``None`` is the system."""
    if actor is not None and not user_can(actor, CHANGE_FLIGHT_STATUS, flight):
        raise PermissionDenied("Only operations move a flight through its statuses or cancel it.")
    flight = (
        Flight.objects.select_for_update()
        .select_related("aircraft", "trip", "arrival_airport")
        .get(pk=flight.pk)
    )
    current = flight.status
    if status not in FlightStatus.values:
        raise ValidationError({"status": [f"One of {', '.join(FlightStatus.values)}."]})
    if status not in TRANSITIONS[current]:
        raise Conflict(
            f"A {current} flight cannot become {status}.",
            "illegal_transition",
            allowed=list(TRANSITIONS[current]),
        )
    at = at or timezone.now()
    if status in ACTUAL_TIME_STATUSES:
        _check_actual_time(flight, at)
    if status == FlightStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": ["Say why the flight is cancelled."]})
    if status == FlightStatus.DIVERTED:
        if diverted_to is None:
            raise ValidationError({"diverted_to": ["The airport the flight landed at instead."]})
        if diverted_to == flight.arrival_airport:
            raise ValidationError({"diverted_to": ["That is the planned arrival: use status arrived."]})
    if status == FlightStatus.DEPARTED:
        flight.actual_off_block = at
    if status in (FlightStatus.ARRIVED, FlightStatus.DIVERTED):
        if flight.actual_off_block is None or at <= flight.actual_off_block:
            raise ValidationError({"at": ["The arrival must be after the departure time recorded."]})
        _check_block_time(flight, flight.actual_off_block, at)
        flight.actual_on_block = at
        flight.landings = landings if landings is not None else 1
        flight.diverted_to = diverted_to if status == FlightStatus.DIVERTED else None
        _aircraft_arrived(flight, actor)
    if status == FlightStatus.CANCELLED:
        flight.cancel_reason = reason.strip()
    flight.status = status
    save_validated(flight, actor, reason=reason or None)
    from crew.experience import forget_flight_crew  # crew builds on flights

    forget_flight_crew(flight.pk)  # its pilots' recency (a flown leg) is read again
    _event(
        flight.trip,
        TripEventKind.STATUS,
        actor,
        flight=flight,
        from_status=current,
        to_status=status,
        at=at,
        reason=reason,
    )
    _trip_status_sync(flight.trip, actor)
    if status == FlightStatus.COMPLETED:
        _flight_completed(flight, actor)
    _notify("flight_status", f"flight-status:{flight.pk}:{status}", flight_id=flight.pk, status=status)
    _broadcast(flight)
    return flight


def _aircraft_arrived(flight: Flight, actor: User | None) -> None:
    """Move the aircraft to where the flight landed, add its block time and landings, and
    return it from in flight to available on its status timeline."""
    aircraft = Aircraft.objects.select_for_update().get(pk=flight.aircraft_id)
    minutes = flight.block_minutes_actual or 0
    aircraft.current_location = flight.diverted_to or flight.arrival_airport
    # The row is locked, so plain arithmetic is safe (and history records real numbers).
    aircraft.total_hours += (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))
    aircraft.total_cycles += flight.landings
    aircraft._history_user = actor  # type: ignore[attr-defined]
    aircraft._change_reason = f"arrival of {flight.flight_number}"  # type: ignore[attr-defined]
    aircraft.save()
    if aircraft.status == AircraftStatus.IN_FLIGHT:
        aircraft_status_change(
            aircraft=aircraft,
            status=AircraftStatus.AVAILABLE,
            reason=f"arrival of {flight.flight_number}",
            actor=actor,
            at=flight.actual_on_block,
        )


def _flight_completed(flight: Flight, actor: User | None) -> None:
    from flights.models import Feedback

    if flight.leg_type == LegType.REVENUE:
        minutes = flight.block_minutes_actual or flight.estimated_block_minutes
        Client.objects.filter(pk=flight.client_id).update(
            flights_count=F("flights_count") + 1,
            flight_hours=F("flight_hours") + (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1")),
        )
        feedback, created = Feedback.objects.get_or_create(flight=flight)
        if created:
            _notify("feedback_request", f"feedback:{flight.pk}", flight_id=flight.pk)


# ---------------------------------------------------------------- manifest


def passport_warnings(flight: Flight, passengers: list[Passenger], months: int) -> list[dict[str, Any]]:
    limit = (flight.departure_at + timedelta(days=round(months * 30.44))).date()
    warnings = []
    for passenger in passengers:
        if passenger.passport_expiry is None:
            warnings.append(
                {"passenger": passenger.pk, "detail": f"{passenger}: no passport expiry on file."}
            )
        elif passenger.passport_expiry < limit:
            warnings.append(
                {
                    "passenger": passenger.pk,
                    "detail": f"{passenger}: passport expires "
                    f"{passenger.passport_expiry.isoformat()}, within {months} months of the flight.",
                }
            )
    return warnings


@transaction.atomic
def manifest_set(
    *, flight: Flight, entries: list[dict[str, Any]], actor: User | None
) -> list[dict[str, Any]]:
    """Replace the flight's manifest. Passengers must belong to the flight's client; never more
    than the aircraft's seats. Returns passport warnings (not refusals)."""

    flight = Flight.objects.select_for_update().select_related("aircraft").get(pk=flight.pk)
    if flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
        raise Conflict(f"The manifest of a {flight.status} flight is closed.", "flight_closed")
    capacity = flight.aircraft.seating_capacity
    if len(entries) > capacity:
        raise ValidationError(
            {
                "passengers": [
                    f"{len(entries)} passengers exceed the {capacity} seats of {flight.aircraft.tail_number}."
                ]
            }
        )
    ids = [int(e["passenger"]) for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError({"passengers": ["A passenger is listed twice."]})
    passengers = {
        p.pk: p for p in Passenger.objects.filter(pk__in=ids, client_id=flight.client_id, is_active=True)
    }
    missing = [i for i in ids if i not in passengers]
    if missing:
        raise ValidationError(
            {"passengers": [f"Not passengers of this client: {', '.join(map(str, missing))}."]}
        )
    for row in flight.manifest.all():
        row._history_user = actor  # type: ignore[attr-defined]
        row.delete()
    for entry in entries:
        save_validated(
            FlightPassenger(
                flight=flight,
                passenger=passengers[int(entry["passenger"])],
                seat=entry.get("seat") or "",
                weight_kg=entry.get("weight"),
                bags=entry.get("bags") or 0,
            ),
            actor,
        )
    flight.passenger_count = len(entries)
    save_validated(flight, actor)
    return passport_warnings(flight, [passengers[i] for i in ids], settings.PASSPORT_WARNING_MONTHS)


# ---------------------------------------------------------------- services, concierge, feedback


def flight_arrival_estimate(
    aircraft: Aircraft, departure: Airport, arrival: Airport, at: datetime
) -> tuple[datetime, int, int]:
    """Planned on-block time, distance and block minutes from the pricing engine's method."""
    profile = active_profile()
    table = pricing_table(profile)
    spec = aircraft_spec(aircraft, departure)
    from flights.pricing.itinerary import estimate_leg

    leg = estimate_leg(spec, table, "revenue", place(departure), place(arrival), passengers=1, at=at)
    return leg.arrival_datetime, round(leg.distance_nm), leg.block_minutes


def flight_create(
    *,
    client: Client,
    aircraft: Aircraft,
    departure_airport: Airport,
    arrival_airport: Airport,
    departure_at: datetime,
    actor: User | None,
    arrival_at: datetime | None = None,
    trip: Trip | None = None,
    leg_type: str = LegType.REVENUE,
    ifr: bool = True,
    flight_attendants: int = 0,
    departure_fbo: str = "",
    arrival_fbo: str = "",
    flight_plan: dict[str, Any] | None = None,
    billing_info: dict[str, Any] | None = None,
    passengers: list[dict[str, Any]] | None = None,
) -> Flight:
    """Book one flight (a new one-leg trip, or a leg added to ``trip``). Without an arrival
    time, it is estimated like a quote's block time."""
    estimated, distance, block = flight_arrival_estimate(
        aircraft, departure_airport, arrival_airport, departure_at
    )
    plan = LegPlan(
        departure_airport=departure_airport,
        arrival_airport=arrival_airport,
        departure_at=departure_at,
        arrival_at=arrival_at or estimated,
        leg_type=leg_type,
        passengers=len(passengers or []),
        distance_nm=distance,
        block_minutes=block if arrival_at is None else 0,
        estimated_block_minutes=block,
        departure_fbo=departure_fbo,
        arrival_fbo=arrival_fbo,
        extra={
            "flight_plan": flight_plan or {},
            "billing_info": billing_info or {},
            "ifr": ifr,
            "flight_attendants": flight_attendants,
        },
    )
    with transaction.atomic():
        if trip is None:
            trip = trip_book(client=client, aircraft=aircraft, legs=[plan], actor=actor)
            flight = trip.flights.get()
        else:
            if trip.client_id != client.pk:
                raise ValidationError({"trip_id": ["The trip belongs to another client."]})
            turnaround = _turnaround()
            try:
                with transaction.atomic():
                    locked = Aircraft.objects.select_for_update().get(pk=aircraft.pk)
                    _check_leg(locked, plan, exclude=(), previous=None, turnaround=turnaround)
                    sequence = (
                        trip.flights.order_by("-sequence").values_list("sequence", flat=True).first() or 0
                    ) + 1
                    flight = _flight_from_plan(trip, locked, plan, sequence, turnaround)
                    save_validated(flight, actor)
            except IntegrityError as exc:
                raise _booking_conflict(exc) from exc
            _event(trip, TripEventKind.ITINERARY_CHANGED, actor, flight=flight, added=flight.flight_number)
            _notify("itinerary_changed", f"itinerary:{flight.pk}:added", flight_id=flight.pk)
        if passengers:
            manifest_set(flight=flight, entries=passengers, actor=actor)
            flight.refresh_from_db()
        return flight


SERVICE_FIELDS = ("kind", "description", "vendor", "status", "cost", "currency")


@transaction.atomic
def special_service_save(*, flight: Flight, actor: User | None, service: Any = None, **data: Any) -> Any:
    """Add (``service`` None) or change a special service of a flight."""
    from flights.models import SpecialService

    unknown = set(data) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
    if service is None:
        if "kind" not in data:
            raise ValidationError({"kind": ["This field is required."]})
        service = SpecialService(flight=flight, currency=flight.trip.currency)
        if data.get("kind") == "catering" and not data.get("description"):
            dietary = flight.client.preferences.get("dietary_restrictions") or []
            data["description"] = "Dietary: " + ", ".join(dietary) if dietary else ""
    for name, value in data.items():
        setattr(service, name, value)
    save_validated(service, actor)
    return service


@transaction.atomic
def concierge_request_create(*, trip: Trip, subject: str, detail: str, actor: User | None) -> Any:

    from flights.models import ConciergeRequest

    request = ConciergeRequest(
        trip=trip,
        raised_by=actor,
        subject=subject,
        detail=detail,
        due_at=timezone.now() + timedelta(minutes=settings.CONCIERGE_SLA_MINUTES),
    )
    save_validated(request, actor)
    return request


@transaction.atomic
def concierge_request_update(
    *, request: Any, actor: User | None, status: str | None = None, assignee: User | None | bool = False
) -> Any:
    from flights.choices import ConciergeStatus

    if status is not None:
        request.status = status
        if status in (ConciergeStatus.DONE, ConciergeStatus.CANCELLED) and request.resolved_at is None:
            request.resolved_at = timezone.now()
    if assignee is not False:
        request.assignee = assignee
    save_validated(request, actor)
    return request


@transaction.atomic
def feedback_submit(*, flight: Flight, rating: int, comment: str, actor: User | None) -> Any:
    from flights.models import Feedback

    if flight.status != FlightStatus.COMPLETED:
        raise Conflict("Feedback opens when the flight is completed.", "flight_not_completed")
    feedback, _ = Feedback.objects.select_for_update().get_or_create(flight=flight)
    if feedback.submitted_at is not None:
        raise Conflict("Feedback was already given for this flight.", "feedback_given")
    feedback.rating = rating
    feedback.comment = comment
    feedback.submitted_at = timezone.now()
    save_validated(feedback, actor)
    return feedback
