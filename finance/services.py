"""Finance writes: FX rates, invoices (from a completed trip or an accepted quote), issue and
numbering, void, credit notes, payments through the gateway, refunds, prepaid accounts,
dunning and the invoice e-mail (docs/rules.md#invoices-and-payments).

Every function takes ``actor`` (None: the system) and checks its permission through
``jetops.permissions``; credit notes and refunds are critical operations (step-up,
``jetops.critical``). A refusal is a ``Conflict``, a ``ValidationError`` or a
``PermissionDenied`` and leaves nothing written. Prices come from the pricing engine
(``flights.pricing`` through ``flights.quoting``), never from a second price list.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_create_with_history

from finance import invoicing
from finance.gateways import GatewayDeclined, GatewayError, payment_gateway
from finance.models import (
    OPEN_INVOICE_STATUSES,
    BillingProfile,
    DunningReminder,
    FxRate,
    GatewayEvent,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethodKind,
    PrepaidAccount,
    PrepaidEntry,
)
from finance.selectors import billing_profile_active, client_open_balance, fx_rate_find
from jetops.critical import critical_check
from jetops.errors import Conflict
from jetops.notifications import email_once
from jetops.permissions import user_can
from jetops.writes import save_validated

if TYPE_CHECKING:
    from clients.models import Client
    from clients.models import PaymentMethod as StoredPaymentMethod
    from flights.models import Quote, Trip
    from jetops.activity import RequestMeta
    from jetops.models import NotificationDelivery, User
from typing import TypeVar

from finance.models import PricingRule
from jetops.models import BaseModel, User
from jetops.writes import apply_fields, delete_recorded

logger = logging.getLogger(__name__)

ISSUE_INVOICE = "finance.issue_invoice"
VOID_INVOICE = "finance.void_invoice"
CREDIT_INVOICE = "finance.credit_invoice"
REFUND_PAYMENT = "finance.refund_payment"
ADD_INVOICE = "finance.add_invoice"
ADD_PAYMENT = "finance.add_payment"
ADD_FXRATE = "finance.add_fxrate"
ADD_PREPAID_ENTRY = "finance.add_prepaidentry"

TAX_RULES = {
    "fet": "Federal excise tax on air transportation, 26 U.S.C. 4261(a)",
    "segment_fee": "Domestic segment fee, 26 U.S.C. 4261(b)",
    "facilities_tax": "International facilities tax, 26 U.S.C. 4261(c)",
}
TIME_KINDS = ("flight_time", "positioning")


def _require(actor: User | None, perm: str, obj: Any = None, *, action: str) -> None:
    """The system (``actor`` None) may; a user needs ``perm`` (on ``obj``)."""
    if actor is not None and not user_can(actor, perm, obj):
        raise PermissionDenied(f"You may not {action}.")


# ------------------------------------------------------------------------------ FX rates


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount converted at a recorded rate: ``rate`` target units per source unit, from the
    FxRate row dated ``rate_date``."""

    amount: Decimal
    rate: Decimal
    rate_date: date


def convert_amount(amount: Decimal, source: str, target: str, on: date) -> Converted:
    """``amount`` of ``source`` in ``target`` at the rate in force on ``on``."""
    found = fx_rate_find(source, target, on)
    return Converted(invoicing.convert(amount, found.rate), found.rate, found.effective_on)


FX_CSV_COLUMNS = ("base", "quote", "rate", "effective_on")


def fx_rates_import(*, text: str, source: str, actor: User | None) -> int:
    """Load FX rates from CSV (header ``base,quote,rate,effective_on``; ISO dates). A row for a
    pair and date already on file replaces its rate. All or nothing: any bad row refuses the
    whole file, naming its line. Returns how many rows were written."""
    _require(actor, ADD_FXRATE, action="import FX rates")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or set(FX_CSV_COLUMNS) - {f.strip() for f in reader.fieldnames}:
        raise ValidationError({"file": [f"The header must name the columns {', '.join(FX_CSV_COLUMNS)}."]})
    errors: dict[str, list[str]] = {}
    rows: list[FxRate] = []
    for line, raw in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            row = FxRate.objects.filter(
                base=values["base"].upper(),
                quote=values["quote"].upper(),
                effective_on=date.fromisoformat(values["effective_on"]),
            ).first() or FxRate(
                base=values["base"].upper(),
                quote=values["quote"].upper(),
                effective_on=date.fromisoformat(values["effective_on"]),
            )
            row.rate = Decimal(values["rate"])
            row.source = source[:100]
            row.full_clean()
        except (ValueError, InvalidOperation):
            errors[f"line {line}"] = ["A date is YYYY-MM-DD and a rate a decimal number."]
            continue
        except ValidationError as exc:
            errors[f"line {line}"] = [m for messages in exc.message_dict.values() for m in messages]
            continue
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError({"file": ["The file holds no rates."]})
    with transaction.atomic():
        for row in rows:
            save_validated(row, actor, reason=f"imported from {source}")
    return len(rows)


def fx_rates_refresh(*, day: date) -> int:
    """Fetch ``day``'s rates from ``settings.FX_RATE_PROVIDER`` (a class whose ``rates(day)``
    returns ``(base, quote, rate)`` triples) and store them; 0 when none is configured."""
    if not settings.FX_RATE_PROVIDER:
        return 0
    provider = import_string(settings.FX_RATE_PROVIDER)()
    rows = provider.rates(day)
    text = "base,quote,rate,effective_on\n" + "".join(
        f"{base},{quote},{rate},{day.isoformat()}\n" for base, quote, rate in rows
    )
    return fx_rates_import(text=text, source=type(provider).__name__, actor=None) if rows else 0


# ------------------------------------------------------------------------------ drafts


def _bill_to(client: Client) -> dict[str, Any]:
    return {"name": client.display_name, "email": client.email, "address": client.billing_address or {}}


def _draft(
    *, client: Client, kind: str, profile: BillingProfile, on: date, actor: User | None, **fields: Any
) -> tuple[Invoice, Converted]:
    """A draft in the client's billing currency with the base→billing rate of ``on``."""
    rate = convert_amount(Decimal("1"), profile.base_currency, client.billing_currency, on)
    invoice = Invoice(
        kind=kind,
        client=client,
        billing_profile=profile,
        currency=client.billing_currency,
        base_currency=profile.base_currency,
        fx_rate=rate.rate,
        fx_date=rate.rate_date if client.billing_currency != profile.base_currency else None,
        bill_to=_bill_to(client),
        **fields,
    )
    return invoice, rate


def _store(invoice: Invoice, lines: list[InvoiceLine], actor: User | None) -> Invoice:
    totals = invoicing.document_totals([(line.amount, line.is_tax) for line in lines])
    invoice.subtotal, invoice.tax_total, invoice.total = totals.subtotal, totals.tax_total, totals.total
    invoice.base_total = sum((line.base_amount for line in lines), Decimal("0.00"))
    invoice.balance = invoice.total
    # The constraints (one live invoice per trip, numbering) are the database's: a raced
    # duplicate is an IntegrityError the callers turn into a Conflict.
    save_validated(invoice, actor, validate_constraints=False)
    for position, line in enumerate(lines, start=1):
        line.invoice = invoice
        line.position = position
    bulk_create_with_history(lines, InvoiceLine, default_user=actor)
    return invoice


def _line(kind: str, description: str, base: Decimal, rate: Converted, **trace: Any) -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        description=description[:300],
        is_tax=kind in TAX_RULES,
        tax_rule=TAX_RULES.get(kind, ""),
        amount=invoicing.convert(base, rate.rate),
        base_amount=base,
        **trace,
    )


def _trip_for_invoice(trip: Trip) -> Trip:
    from flights.models import Flight, SpecialService, Trip

    return (
        Trip.objects.select_related("client", "quote__pricing_profile", "quote_option")
        .prefetch_related(
            Prefetch(
                "flights",
                queryset=Flight.objects.exclude(status="cancelled")
                .select_related("aircraft__home_base", "departure_airport", "arrival_airport", "diverted_to")
                .order_by("sequence", "departure_at"),
            ),
            Prefetch(
                "flights__special_services",
                queryset=SpecialService.objects.exclude(status="cancelled").filter(cost__gt=0),
            ),
        )
        .get(pk=trip.pk)
    )


def _in_base(amount: Decimal, quote_fx: Decimal) -> Decimal:
    """An amount the quote held in the client's currency, back in the operator's."""
    return invoicing.cents(amount / quote_fx)


def invoice_from_trip(*, trip: Trip, actor: User | None, on: date | None = None) -> Invoice:
    """A draft invoice for a completed trip, priced by the pricing engine as the trip flew:
    the legs as flown (actual off-block, diverted arrivals), the agreed discounts and staff
    overrides of the accepted quote, with the time lines replaced by the actual block time of
    each flight (revenue at the hourly rate, positioning at the positioning rate) and the
    excise tax recomputed on them; special services at cost plus the billing profile's
    markup. Each line names its source; amounts are converted to the client's billing
    currency at the rate of ``on`` (default today), recorded with its date."""
    from flights import pricing
    from flights.choices import LegType, TripStatus
    from flights.quoting import active_profile, aircraft_spec, place, pricing_table

    _require(actor, ADD_INVOICE, action="create invoices")
    on = on or timezone.localdate()
    trip = _trip_for_invoice(trip)
    if trip.status != TripStatus.COMPLETED:
        raise Conflict(
            f"Trip {trip.number} is {trip.status}: only a completed trip is invoiced.", "trip_not_completed"
        )
    if trip.invoices.filter(kind=InvoiceKind.INVOICE).exclude(status=InvoiceStatus.VOID).exists():
        raise Conflict(f"Trip {trip.number} is already invoiced.", "already_invoiced")
    flights = list(trip.flights.all())
    revenue = [f for f in flights if f.leg_type == LegType.REVENUE]
    if not revenue:
        raise Conflict(f"Trip {trip.number} has no flown revenue leg.", "nothing_to_invoice")
    profile = trip.quote.pricing_profile if trip.quote else active_profile()
    billing = billing_profile_active()
    if profile.currency != billing.base_currency:
        raise Conflict(
            f"The pricing profile is in {profile.currency}, the books in {billing.base_currency}.",
            "currency_mismatch",
        )
    option = trip.quote_option
    inputs = option.inputs if option else {}
    quote_fx = Decimal(inputs.get("fx_rate", "1"))
    aircraft = revenue[0].aircraft
    start = flights[0].departure_airport
    if option and option.planned_legs:
        from fleet.models import Airport

        start = Airport.objects.get(pk=option.planned_legs[0]["departure_airport"])
    requests = [
        pricing.LegRequest(
            place(f.departure_airport),
            place(f.diverted_to or f.arrival_airport),
            f.actual_off_block or f.departure_at,
            max(f.passenger_count, 1),
        )
        for f in revenue
    ]
    staff_overrides = [
        pricing.LineOverride(o["kind"], _in_base(Decimal(o["amount"]), quote_fx), o["reason"])
        for o in inputs.get("overrides", [])
        if o["kind"] not in TIME_KINDS
    ]
    try:
        priced = pricing.quote(
            aircraft_spec(aircraft, start),
            requests,
            pricing_table(profile),
            now=trip.created_at,
            client_discount_percent=Decimal(
                inputs.get("client_discount_percent", trip.client.discount_percent)
            ),
            quote_discount=_in_base(Decimal(inputs.get("quote_discount", "0")), quote_fx),
            overrides=staff_overrides,
        )
    except ValueError as exc:
        raise Conflict(f"The trip cannot be priced: {exc}", "unpriceable") from exc

    def minutes(flight: Any) -> int:
        return flight.block_minutes_actual or flight.estimated_block_minutes

    per_flight = {
        f.pk: invoicing.actual_time_amount(
            [minutes(f)], aircraft.hourly_rate if f.leg_type == LegType.REVENUE else aircraft.positioning_rate
        )
        for f in flights
    }
    positioning = [f for f in flights if f.leg_type == LegType.POSITIONING]
    time_overrides = [
        pricing.LineOverride(
            "flight_time", sum((per_flight[f.pk] for f in revenue), Decimal("0.00")), "actual block time"
        )
    ]
    if positioning:
        time_overrides.append(
            pricing.LineOverride(
                "positioning",
                sum((per_flight[f.pk] for f in positioning), Decimal("0.00")),
                "actual block time",
            )
        )
    priced = pricing.apply_overrides(priced, time_overrides)

    with transaction.atomic():
        invoice, rate = _draft(
            client=trip.client,
            kind=InvoiceKind.INVOICE,
            profile=billing,
            on=on,
            actor=actor,
            trip=trip,
            quote=trip.quote,
        )
        charges: list[InvoiceLine] = []
        taxes: list[InvoiceLine] = []
        services_lines: list[InvoiceLine] = []
        for flight in flights:
            for service in flight.special_services.all():
                cost = convert_amount(service.cost, service.currency, billing.base_currency, on)
                base = invoicing.service_charge(cost.amount, billing.service_markup_percent)
                services_lines.append(
                    _line(
                        "service",
                        f"{service.get_kind_display()} ({flight.flight_number})"
                        f"{': ' + service.description if service.description else ''}"
                        f" at cost + {billing.service_markup_percent.normalize():f} %",
                        base,
                        rate,
                        special_service=service,
                        flight=flight,
                        source_currency=service.currency,
                        source_amount=service.cost,
                        fx_rate=cost.rate,
                        fx_date=cost.rate_date,
                    )
                )
        for engine_line in priced.lines:
            if engine_line.kind == "flight_time" or (engine_line.kind == "positioning" and positioning):
                legs = revenue if engine_line.kind == "flight_time" else positioning
                rate_used = (
                    aircraft.hourly_rate if engine_line.kind == "flight_time" else aircraft.positioning_rate
                )
                charges += [
                    _line(
                        engine_line.kind,
                        f"{f.flight_number} {f.departure_airport_id}-"
                        f"{(f.diverted_to or f.arrival_airport).icao}: {minutes(f)} min block "
                        f"at {rate_used:,.2f} {billing.base_currency}/h",
                        per_flight[f.pk],
                        rate,
                        flight=f,
                        quantity=(Decimal(minutes(f)) / 60).quantize(Decimal("0.01")),
                    )
                    for f in legs
                ]
                continue
            description = engine_line.description
            if engine_line.kind == "fet":  # the engine words it in the base currency's amounts
                taxable = invoicing.convert(priced.taxable_amount, rate.rate)
                percent = (priced.fet_rate * 100).normalize()
                description = f"federal excise tax {percent:f} % of {taxable:,.2f} {invoice.currency}"
            line = _line(engine_line.kind, description, engine_line.amount, rate)
            (taxes if line.is_tax else charges).append(line)
        try:
            # Special services are charges too: listed before the taxes.
            return _store(invoice, charges + services_lines + taxes, actor)
        except IntegrityError as exc:  # the one-live-invoice-per-trip constraint, raced
            raise Conflict(f"Trip {trip.number} is already invoiced.", "already_invoiced") from exc


def invoice_from_quote(
    *, quote: Quote, actor: User | None, deposit_percent: Decimal | None = None, on: date | None = None
) -> Invoice:
    """A draft pro-forma invoice for an accepted quote: its accepted option's lines as quoted,
    or with ``deposit_percent`` one deposit line of that share of the quoted total. Amounts
    in the quote's currency are converted to the client's billing currency at ``on``."""
    from flights.choices import QuoteStatus

    _require(actor, ADD_INVOICE, action="create invoices")
    on = on or timezone.localdate()
    if quote.status != QuoteStatus.ACCEPTED:
        raise Conflict(
            f"Quote {quote.number} is {quote.status}: only an accepted quote is invoiced.",
            "quote_not_accepted",
        )
    trip = getattr(quote, "trip", None)
    option = trip.quote_option if trip is not None else None
    if option is None:
        raise Conflict(f"Quote {quote.number} has no accepted option.", "no_accepted_option")
    if deposit_percent is not None and not Decimal("0") < deposit_percent <= Decimal("100"):
        raise ValidationError({"deposit_percent": ["A deposit is more than 0 and at most 100 %."]})
    billing = billing_profile_active()
    with transaction.atomic():
        invoice, rate = _draft(
            client=quote.client, kind=InvoiceKind.PROFORMA, profile=billing, on=on, actor=actor, quote=quote
        )
        to_invoice = convert_amount(Decimal("1"), option.currency, invoice.currency, on)
        to_base = fx_rate_find(option.currency, billing.base_currency, on)

        def line(kind: str, description: str, amount: Decimal, **trace: Any) -> InvoiceLine:
            return InvoiceLine(
                kind=kind,
                description=description[:300],
                is_tax=kind in TAX_RULES,
                tax_rule=TAX_RULES.get(kind, ""),
                amount=invoicing.convert(amount, to_invoice.rate),
                base_amount=invoicing.convert(amount, to_base.rate),
                source_currency=option.currency,
                source_amount=amount,
                fx_rate=to_invoice.rate,
                fx_date=to_invoice.rate_date,
                **trace,
            )

        if deposit_percent is None:
            lines = [
                line(q.kind, q.description, q.amount, quote_line=q) for q in option.lines.order_by("position")
            ]
        else:
            share = invoicing.cents(option.total * deposit_percent / 100)
            lines = [
                line("deposit", f"Deposit {deposit_percent.normalize():f} % of quote {quote.number}", share)
            ]
        return _store(invoice, lines, actor)


# ------------------------------------------------------------------------------ issue, void


def _number_take(invoice: Invoice, on: date) -> None:
    """Give ``invoice`` the next number of its series: the counter row is locked until the
    issuing transaction ends, so numbers are taken one at a time and a rolled-back issue
    returns its number (no gaps); the unique (series, year, sequence) refuses a duplicate."""
    profile = invoice.billing_profile
    prefix = {
        InvoiceKind.INVOICE: profile.invoice_prefix,
        InvoiceKind.CREDIT_NOTE: profile.credit_note_prefix,
        InvoiceKind.PROFORMA: profile.proforma_prefix,
    }[InvoiceKind(invoice.kind)]
    year = on.year if profile.yearly_reset else 0
    counter, _ = InvoiceCounter.objects.select_for_update().get_or_create(series=invoice.kind, year=year)
    counter.value += 1
    counter.save(update_fields=["value"])
    invoice.series, invoice.year, invoice.sequence = invoice.kind, year, counter.value
    invoice.number = f"{prefix}{f'{year}-' if year else ''}{counter.value:0{profile.number_width}d}"


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("client", "billing_profile").get(pk=invoice.pk)


def invoice_issue(*, invoice: Invoice, actor: User | None, on: date | None = None) -> Invoice:
    """Issue a draft: number it, date it, set its due date from the client's payment terms
    (else the billing profile's), settle what the client's prepaid account covers, and e-mail
    it after commit. Finance and Admin only. The transaction is short: the PDF is rendered by
    the e-mail task, outside it."""
    _require(actor, ISSUE_INVOICE, invoice, action="issue invoices")
    on = on or timezone.localdate()
    with transaction.atomic():
        invoice = _locked(invoice)
        if not invoice.is_draft:
            raise Conflict(f"{invoice} is already {invoice.status}.", "not_draft")
        if invoice.total == 0 and not invoice.lines.exists():
            raise Conflict("An invoice without lines is not issued.", "empty_invoice")
        _number_take(invoice, on)
        terms = invoice.client.payment_terms_days
        invoice.issued_on = on
        invoice.due_on = invoicing.due_date(
            on, invoice.billing_profile.default_payment_terms_days if terms is None else terms
        )
        invoice.status = InvoiceStatus.ISSUED
        invoice.issued_by = actor
        save_validated(invoice, actor, reason="issued", validate_constraints=False)
        if invoice.kind == InvoiceKind.INVOICE:
            _prepaid_deduct(invoice, actor)
        invoice_id = invoice.pk
        transaction.on_commit(lambda: _send_later(invoice_id))
    return invoice


def _send_later(invoice_id: int) -> None:
    from finance.tasks import invoice_send_task

    invoice_send_task.delay(invoice_id)


def invoice_void(*, invoice: Invoice, actor: User | None, reason: str) -> Invoice:
    """Void an issued invoice nothing was paid or credited on (it keeps its number, so the
    series has no gap); a draft is deleted instead. Finance and Admin only."""
    _require(actor, VOID_INVOICE, invoice, action="void invoices")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the invoice is void."]})
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status not in OPEN_INVOICE_STATUSES:
            raise Conflict(
                f"{invoice} is {invoice.status}: only an issued invoice is voided.", "not_voidable"
            )
        if invoice.amount_paid or invoice.amount_credited:
            raise Conflict(f"{invoice} has payments or credit notes: credit it instead.", "has_settlements")
        invoice.status = InvoiceStatus.VOID
        invoice.balance = Decimal("0")
        invoice.voided_at = timezone.now()
        invoice.void_reason = reason.strip()[:300]
        save_validated(invoice, actor, reason=f"void: {invoice.void_reason}")
    return invoice


def invoice_delete_draft(*, invoice: Invoice, actor: User | None) -> None:
    """Delete a draft (an issued invoice is never deleted)."""
    _require(actor, "finance.delete_invoice", invoice, action="delete invoices")
    with transaction.atomic():
        invoice = _locked(invoice)
        if not invoice.is_draft:
            raise Conflict(f"{invoice} is issued: void it or credit it.", "not_draft")
        invoice.lines.all().delete()
        invoice.delete()


def _settle(invoice: Invoice, actor: User | None, reason: str) -> None:
    """Refresh balance and status from the stored paid and credited amounts."""
    result = invoicing.settlement(invoice.total, invoice.amount_paid, invoice.amount_credited)
    invoice.balance = result.balance
    invoice.status = result.status
    save_validated(invoice, actor, reason=reason)


def credit_note_create(
    *,
    invoice: Invoice,
    actor: User | None,
    meta: RequestMeta | None,
    reason: str,
    amount: Decimal | None = None,
    on: date | None = None,
) -> Invoice:
    """Issue a credit note against an issued invoice, for ``amount`` (default: all not yet
    credited) in its currency and at its rate: one negative line naming the invoice, numbered
    in the credit-note series; the invoice's balance drops by as much. Step-up guarded."""
    critical_check(actor=actor, meta=meta, perm=CREDIT_INVOICE, action="issue a credit note", obj=invoice)
    if not reason.strip():
        raise ValidationError({"reason": ["Say what the credit note corrects."]})
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.kind == InvoiceKind.CREDIT_NOTE or invoice.status in (
            InvoiceStatus.DRAFT,
            InvoiceStatus.VOID,
        ):
            raise Conflict(f"{invoice} cannot be credited ({invoice.status}).", "not_creditable")
        creditable = invoice.total - invoice.amount_credited
        amount = creditable if amount is None else amount
        if not Decimal("0") < amount <= creditable:
            raise ValidationError({"amount": [f"Between 0.01 and {creditable} {invoice.currency}."]})
        note = Invoice(
            kind=InvoiceKind.CREDIT_NOTE,
            client=invoice.client,
            credit_for=invoice,
            trip=invoice.trip,
            billing_profile=invoice.billing_profile,
            currency=invoice.currency,
            base_currency=invoice.base_currency,
            fx_rate=invoice.fx_rate,
            fx_date=invoice.fx_date,
            bill_to=invoice.bill_to,
            notes=reason.strip(),
        )
        base = invoicing.cents(amount / invoice.fx_rate)
        line = InvoiceLine(
            kind="credit",
            description=f"Credit on {invoice.number}: {reason.strip()}",
            amount=-amount,
            base_amount=-base,
        )
        _store(note, [line], actor)
        today = on or timezone.localdate()
        _number_take(note, today)
        note.issued_on = note.due_on = today
        note.status = InvoiceStatus.ISSUED
        note.balance = Decimal("0")
        note.issued_by = actor
        save_validated(note, actor, reason="credit note issued")
        invoice.amount_credited += amount
        _settle(invoice, actor, f"credited by {note.number}")
        note_id = note.pk
        transaction.on_commit(lambda: _send_later(note_id))
    return note


# ------------------------------------------------------------------------------ payments


def _open_invoice(invoice: Invoice) -> Invoice:
    invoice = _locked(invoice)
    if invoice.status not in OPEN_INVOICE_STATUSES:
        raise Conflict(f"{invoice} is {invoice.status}: nothing is owed on it.", "not_payable")
    return invoice


def _applied(invoice: Invoice, amount: Decimal, currency: str, on: date) -> Converted:
    applied = convert_amount(amount, currency, invoice.currency, on)
    if applied.amount > invoice.balance:
        raise Conflict(
            f"{applied.amount} {invoice.currency} is more than the {invoice.balance} owed on {invoice}.",
            "overpayment",
            balance=str(invoice.balance),
        )
    return applied


def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    currency: str,
    method: str,
    idempotency_key: str,
    actor: User | None,
    reference: str = "",
    received_on: date | None = None,
    gateway: str = "record",
    gateway_reference: str = "",
) -> Payment:
    """Record money received for ``invoice`` (in any currency: converted at the rate of the
    day received, recorded on the payment) and settle the invoice. The same
    ``idempotency_key`` returns the payment already recorded and changes nothing."""
    _require(actor, ADD_PAYMENT, invoice, action="record payments")
    if method not in PaymentMethodKind.values:
        raise ValidationError({"method": [f"One of {', '.join(PaymentMethodKind.values)}."]})
    if amount <= 0:
        raise ValidationError({"amount": ["A payment is a positive amount."]})
    received_on = received_on or timezone.localdate()
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.invoice_id != invoice.pk:
            raise Conflict("This idempotency key was used for another invoice.", "idempotency_key_reused")
        return existing
    with transaction.atomic():
        invoice = _open_invoice(invoice)
        applied = _applied(invoice, amount, currency.upper(), received_on)
        payment = Payment(
            invoice=invoice,
            client=invoice.client,
            method=method,
            reference=reference[:120],
            amount=amount,
            currency=currency.upper(),
            applied_amount=applied.amount,
            fx_rate=applied.rate if currency.upper() != invoice.currency else None,
            fx_date=applied.rate_date if currency.upper() != invoice.currency else None,
            received_on=received_on,
            gateway=gateway,
            gateway_reference=gateway_reference,
            idempotency_key=idempotency_key,
            recorded_by=actor,
        )
        save_validated(payment, actor)
        invoice.amount_paid += applied.amount
        _settle(invoice, actor, f"payment {payment.pk}")
    return payment


def payment_charge(
    *,
    invoice: Invoice,
    payment_method: StoredPaymentMethod,
    idempotency_key: str,
    actor: User | None,
    amount: Decimal | None = None,
) -> Payment:
    """Charge the client's stored payment method through the configured gateway for
    ``amount`` (default: the balance) and record the payment. The gateway gets the same
    idempotency key, so a retry after a lost answer charges once and records once."""
    _require(actor, ADD_PAYMENT, invoice, action="charge payments")
    if payment_method.client_id != invoice.client_id:
        raise ValidationError({"payment_method": ["This payment method belongs to another client."]})
    existing = Payment.objects.filter(idempotency_key=idempotency_key, invoice=invoice).first()
    if existing is not None:
        return existing
    invoice.refresh_from_db()
    amount = invoice.balance if amount is None else amount
    if invoice.status not in OPEN_INVOICE_STATUSES or not Decimal("0") < amount <= invoice.balance:
        raise Conflict(f"Nothing to charge for {amount} {invoice.currency} on {invoice}.", "not_payable")
    gateway = payment_gateway()
    try:
        result = gateway.charge(
            amount=amount,
            currency=invoice.currency,
            token=payment_method.token,
            idempotency_key=idempotency_key,
            description=f"Invoice {invoice.number}",
            metadata={"invoice_id": str(invoice.pk)},
        )
    except GatewayDeclined as exc:
        raise Conflict(str(exc), "payment_declined") from exc
    except GatewayError as exc:
        raise Conflict(str(exc), "gateway_error") from exc
    return payment_record(
        invoice=invoice,
        amount=amount,
        currency=invoice.currency,
        method=PaymentMethodKind.CARD,
        idempotency_key=idempotency_key,
        actor=actor,
        reference=str(payment_method),
        gateway=gateway.name,
        gateway_reference=result.reference,
    )


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    idempotency_key: str,
    actor: User | None,
    meta: RequestMeta | None,
    reason: str = "",
) -> Payment:
    """Refund part or all of a payment (through its gateway when it charged it); the invoice
    owes as much again. Step-up guarded; the same idempotency key refunds once."""
    critical_check(actor=actor, meta=meta, perm=REFUND_PAYMENT, action="refund a payment", obj=payment)
    existing = Payment.objects.filter(idempotency_key=idempotency_key, refund_of=payment).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.kind != PaymentKind.PAYMENT:
            raise Conflict("A refund is not refunded.", "not_refundable")
        refunded = sum((r.amount for r in payment.refunds.all()), Decimal("0"))
        if not Decimal("0") < amount <= payment.amount - refunded:
            raise ValidationError(
                {"amount": [f"Between 0.01 and {payment.amount - refunded} {payment.currency}."]}
            )
        invoice = _locked(payment.invoice)
        gateway = payment_gateway()
        reference = ""
        if gateway.charges and gateway.name == payment.gateway and payment.gateway_reference:
            try:
                reference = gateway.refund(
                    charge_reference=payment.gateway_reference,
                    amount=amount,
                    currency=payment.currency,
                    idempotency_key=idempotency_key,
                ).reference
            except GatewayError as exc:
                raise Conflict(str(exc), "gateway_error") from exc
        applied = invoicing.cents(amount * payment.applied_amount / payment.amount)
        refund = Payment(
            invoice=invoice,
            client=invoice.client,
            kind=PaymentKind.REFUND,
            refund_of=payment,
            method=payment.method,
            reference=reason[:120],
            amount=amount,
            currency=payment.currency,
            applied_amount=applied,
            fx_rate=payment.fx_rate,
            fx_date=payment.fx_date,
            gateway=payment.gateway,
            gateway_reference=reference,
            idempotency_key=idempotency_key,
            recorded_by=actor,
        )
        save_validated(refund, actor, reason=reason or None)
        invoice.amount_paid -= applied
        _settle(invoice, actor, f"refund {refund.pk}")
    return refund


def gateway_webhook(*, payload: bytes, signature: str) -> GatewayEvent:
    """Take a gateway's webhook: verified by signature (else ``GatewayError``), recorded once
    per event id (a redelivery returns the recorded event and does nothing). A
    ``payment_intent.succeeded`` for an invoice (``metadata.invoice_id``) not yet recorded
    (a charge made here is recorded when it answers, under its gateway reference) records the
    payment under the intent's id as idempotency key."""
    gateway = payment_gateway()
    event = gateway.webhook_event(payload, signature)
    with transaction.atomic():
        row, created = GatewayEvent.objects.get_or_create(
            gateway=gateway.name,
            event_id=event.event_id,
            defaults={"event_type": event.event_type, "payload": event.data},
        )
        if not created:
            return row
        outcome = "ignored"
        invoice_id = (event.data.get("metadata") or {}).get("invoice_id")
        if event.event_type == "payment_intent.succeeded" and invoice_id:
            invoice = Invoice.objects.filter(pk=invoice_id).first()
            known = Payment.objects.filter(gateway=gateway.name, gateway_reference=event.data["id"]).first()
            if known is not None:  # charged from here: recorded when the charge answered
                outcome = f"payment {known.pk}"
            elif invoice is not None:
                minor = Decimal(event.data["amount_received"])
                amount = minor if event.data["currency"].upper() in _zero_decimal() else minor / 100
                payment = payment_record(
                    invoice=invoice,
                    amount=amount,
                    currency=event.data["currency"].upper(),
                    method=PaymentMethodKind.CARD,
                    idempotency_key=event.data["id"],
                    actor=None,
                    gateway=gateway.name,
                    gateway_reference=event.data["id"],
                )
                outcome = f"payment {payment.pk}"
        row.outcome = outcome
        row.save(update_fields=["outcome"])
    return row


def _zero_decimal() -> frozenset[str]:
    from finance.gateways import ZERO_DECIMAL_CURRENCIES

    return ZERO_DECIMAL_CURRENCIES


# ------------------------------------------------------------------------------ prepaid


def prepaid_account_open(
    *, client: Client, actor: User | None, alert_threshold: Decimal = Decimal("0")
) -> PrepaidAccount:
    """Open the client's prepaid (jet-card) account in its billing currency."""
    _require(actor, "finance.add_prepaidaccount", client, action="open prepaid accounts")
    account = PrepaidAccount(client=client, currency=client.billing_currency, alert_threshold=alert_threshold)
    save_validated(account, actor)
    return account


def _prepaid_entry(
    account: PrepaidAccount, amount: Decimal, actor: User | None, **fields: Any
) -> PrepaidEntry:
    account.balance += amount
    if account.balance >= account.alert_threshold:
        account.alerted = False
    elif not account.alerted and account.alert_threshold > 0:
        account.alerted = True
        account_id = account.pk
        transaction.on_commit(lambda: _alert_later(account_id))
    save_validated(account, actor)
    entry = PrepaidEntry(account=account, amount=amount, balance_after=account.balance, **fields)
    save_validated(entry, actor)
    return entry


def _alert_later(account_id: int) -> None:
    from finance.tasks import prepaid_low_balance_alert_task

    prepaid_low_balance_alert_task.delay(account_id)


def prepaid_deposit(
    *, account: PrepaidAccount, amount: Decimal, reference: str, actor: User | None
) -> PrepaidEntry:
    """Add a deposit to a prepaid account."""
    _require(actor, ADD_PREPAID_ENTRY, account, action="record prepaid deposits")
    if amount <= 0:
        raise ValidationError({"amount": ["A deposit is a positive amount."]})
    with transaction.atomic():
        account = PrepaidAccount.objects.select_for_update().get(pk=account.pk)
        return _prepaid_entry(account, amount, actor, reference=reference[:120])


def _prepaid_deduct(invoice: Invoice, actor: User | None) -> None:
    """At issue, settle what the client's prepaid account in the invoice's currency covers."""
    account = PrepaidAccount.objects.select_for_update().filter(client_id=invoice.client_id).first()
    if account is None or account.currency != invoice.currency or account.balance <= 0:
        return
    amount = min(account.balance, invoice.balance)
    if amount <= 0:
        return
    _prepaid_entry(account, -amount, actor, invoice=invoice, reference=f"invoice {invoice.number}")
    payment = Payment(
        invoice=invoice,
        client=invoice.client,
        method=PaymentMethodKind.PREPAID,
        reference=f"prepaid account {account.pk}",
        amount=amount,
        currency=invoice.currency,
        applied_amount=amount,
        idempotency_key=f"prepaid:{invoice.pk}",
        recorded_by=actor,
    )
    save_validated(payment, actor)
    invoice.amount_paid += amount
    _settle(invoice, actor, "settled from the prepaid account")


# ------------------------------------------------------------------------------ booking check


def booking_credit_check(*, client: Client, amount: Decimal, currency: str) -> None:
    """Refuse a booking that would take the client's open invoices plus ``amount`` above its
    credit limit plus its prepaid balance. A limit of 0 means no limit is set (the default
    of every account). Registered with ``flights.hooks`` at start-up."""
    if client.credit_limit <= 0:
        return
    if amount and currency != client.billing_currency:
        amount = convert_amount(amount, currency, client.billing_currency, timezone.localdate()).amount
    prepaid = PrepaidAccount.objects.filter(client=client, currency=client.billing_currency).values_list(
        "balance", flat=True
    ).first() or Decimal("0")
    owed = client_open_balance(client.pk)
    if owed + amount > client.credit_limit + prepaid:
        raise Conflict(
            f"The booking would take {client} to {owed + amount} {client.billing_currency} owed, above the "
            f"credit limit of {client.credit_limit} (plus {prepaid} prepaid).",
            "credit_limit_exceeded",
            owed=str(owed),
            amount=str(amount),
            credit_limit=str(client.credit_limit),
            prepaid=str(prepaid),
        )


# ------------------------------------------------------------------------------ e-mail, dunning


def _document_email(
    invoice: Invoice, template: str, subject: str, key: str, **context: Any
) -> NotificationDelivery | None:
    from finance.documents import invoice_pdf

    client = invoice.client
    if client.is_erased or not (client.email or "").strip():
        return None
    text = render_to_string(f"emails/{template}.txt", {"invoice": invoice, "client": client, **context})
    return email_once(
        key=key,
        event=template,
        client_id=client.pk,
        to=client.email,
        subject=subject,
        text=text,
        attachments=[(f"{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")],
    )


def invoice_send(*, invoice_id: int) -> NotificationDelivery | None:
    """E-mail an issued invoice or credit note with its PDF to the client, once: the delivery
    is recorded before the message leaves (``jetops.notifications.email_once``)."""
    invoice = Invoice.objects.select_related("client", "billing_profile").filter(pk=invoice_id).first()
    if invoice is None or invoice.is_draft:
        return None
    noun = "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    return _document_email(
        invoice, "invoice_issued", f"{noun} {invoice.number}", f"invoice:{invoice.pk}", noun=noun
    )


def dunning_run(*, today: date | None = None) -> list[int]:
    """Record the reminders due today for open invoices past due (``INVOICE_DUNNING_DAYS``
    after the due date, once per step, only the latest step reached) and return their ids;
    each is e-mailed by its task. A paid or void invoice gets none."""
    today = today or timezone.localdate()
    steps = settings.INVOICE_DUNNING_DAYS
    first = min(steps)
    candidates = (
        Invoice.objects.filter(
            status__in=OPEN_INVOICE_STATUSES,
            kind__in=(InvoiceKind.INVOICE, InvoiceKind.PROFORMA),
            due_on__lte=today - timedelta(days=first),
        )
        .prefetch_related("reminders")
        .order_by("pk")
    )
    created: list[int] = []
    for invoice in candidates.iterator(chunk_size=500):
        due_on = invoice.due_on or today  # issued invoices always have one (the filter above)
        for step in invoicing.reminders_due(
            due_on, today, steps, [r.days_overdue for r in invoice.reminders.all()]
        ):
            with transaction.atomic():
                reminder, new = DunningReminder.objects.get_or_create(invoice=invoice, days_overdue=step)
            if new:
                created.append(reminder.pk)
    return created


def reminder_send(*, reminder_id: int) -> NotificationDelivery | None:
    """E-mail one payment reminder, once, unless the invoice was settled meanwhile."""
    reminder = (
        DunningReminder.objects.select_related("invoice__client", "invoice__billing_profile")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.invoice.status not in OPEN_INVOICE_STATUSES:
        return None
    invoice = reminder.invoice
    return _document_email(
        invoice,
        "invoice_reminder",
        f"Reminder: invoice {invoice.number} is {reminder.days_overdue} days overdue",
        f"invoice-reminder:{invoice.pk}:{reminder.days_overdue}",
        days=reminder.days_overdue,
    )


def prepaid_low_balance_alert(*, account_id: int) -> NotificationDelivery | None:
    """Tell the client (copy to finance) that the prepaid balance fell below its threshold."""
    account = PrepaidAccount.objects.select_related("client").filter(pk=account_id).first()
    if account is None or not account.alerted or not account.client.email:
        return None
    entry = account.entries.order_by("-created_at", "-id").first()
    text = render_to_string("emails/prepaid_low_balance.txt", {"account": account, "client": account.client})
    return email_once(
        key=f"prepaid-low:{account.pk}:{entry.pk if entry else 0}",
        event="prepaid_low_balance",
        client_id=account.client_id,
        to=account.client.email,
        subject=f"Your prepaid balance is {account.balance} {account.currency}",
        text=text,
        cc=[settings.FINANCE_EMAIL],
    )


RULE_FIELDS = (
    "name",
    "kind",
    "is_enabled",
    "priority",
    "valid_from",
    "valid_to",
    "percent",
    "category",
    "region",
    "to_region",
    "both_ways",
    "threshold_percent",
    "min_lead_hours",
    "max_lead_hours",
)
"""What a pricing rule's writer may set."""

Row = TypeVar("Row", bound=BaseModel)


@transaction.atomic
def pricing_row_save(*, row: Row, actor: User | None, reason: str | None = None) -> Row:
    """Validate and save one row of the pricing data (a region, a peak period, an operating
    cost, a rule), recording ``actor`` (and ``reason``) in its history. Raises
    ``ValidationError`` (field → messages) and writes nothing when the row is invalid."""
    save_validated(row, actor, reason)
    return row


@transaction.atomic
def pricing_row_delete(*, row: BaseModel, actor: User | None) -> None:
    """Delete one row of the pricing data, the history naming ``actor``. A region still used
    by a rule is protected (``ProtectedError``): switch the rule off or point it elsewhere."""
    delete_recorded(row, actor)


def pricing_rule_create(*, actor: User | None, **data: Any) -> PricingRule:
    """Add a market rule (docs/rules.md#dynamic-pricing-market-rules); it applies to quotes
    made from then on, in force from ``valid_from``. Unknown fields are a ``ValidationError``."""
    rule = PricingRule()
    apply_fields(rule, data, RULE_FIELDS)
    return pricing_row_save(row=rule, actor=actor, reason="Rule added")


def pricing_rule_update(*, rule: PricingRule, actor: User | None, **data: Any) -> PricingRule:
    """Change a market rule (``is_enabled=False`` switches it off). Quotes already made keep
    their lines; the rule's history keeps every earlier version."""
    apply_fields(rule, data, RULE_FIELDS)
    return pricing_row_save(row=rule, actor=actor)
