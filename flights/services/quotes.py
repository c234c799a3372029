"""Quotes: price an itinerary on every suitable aircraft, override a line, send, decline,
expire and accept (which books the trip, ``flights.services.booking``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clients.models import Client
from fleet.models import Aircraft, Airport
from fleet.selectors import aircraft_occupancy
from flights import pricing
from flights.choices import (
    LegType,
    QuoteStatus,
)
from flights.conflicts import LegPlan
from flights.legs import RequestedLeg, requested_legs
from flights.models import Quote, QuoteLine, QuoteOption, Trip
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
from flights.services.booking import trip_book
from flights.services.common import notify_client
from jetops.errors import Conflict
from jetops.models import User
from jetops.numbering import number_last, pending_number
from jetops.permissions import PORTAL_REFUSAL, is_portal_user
from jetops.writes import delete_recorded, save_validated


def _leg_requests(legs: list[RequestedLeg]) -> list[pricing.LegRequest]:
    return [
        pricing.LegRequest(place(leg.departure), place(leg.arrival), leg.departure_at, leg.passengers)
        for leg in legs
    ]


@transaction.atomic
def quote_create(
    *,
    client: Client,
    legs: Sequence[Mapping[str, Any]],
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
    table = pricing_table(profile, departures=[leg.departure_at for leg in wanted], now=now)
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
        delete_recorded(stored, actor)
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
    notify_client("quote_sent", f"quote-sent:{quote.pk}:{quote.sent_at.timestamp():.0f}", quote_id=quote.pk)
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
