"""The operator's pricing data: the quoting profile (fees, policies), per-airport fees,
permit fees, the dated tax tables (segment fee, facilities taxes) and FX rates. Every number quoting uses is
here, editable in the admin, with history (numbers are data, never constants:
docs/rules.md#where-the-parameters-live)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fleet.choices import AircraftCategory
from fleet.models import Aircraft, AirportField
from jetops.models import BaseModel
from jetops.validators import country_validator, currency_validator


def money_field(help_text: str = "", default: str = "0") -> models.DecimalField:
    return models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


def default_deicing_months() -> list[int]:
    return [11, 12, 1, 2, 3]


def default_domestic_countries() -> list[str]:
    return ["US"]


class PricingProfile(BaseModel):
    """The quoting policy and fees in force. One profile is active at a time; quotes record
    the profile they used."""

    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    landing_fee = money_field("Default landing fee per landing.", "450")
    handling_fee = money_field("Default handling fee per turnaround.", "350")
    passenger_fee = money_field("Default fee per departing passenger.", "25")
    catering_per_passenger = money_field("Catering per passenger per revenue leg.", "85")
    overnight_fee = money_field("Per night the trip keeps the crew away.", "1200")
    crew_day_fee = money_field("Crew per diem per trip day.", "500")
    deicing_fee = money_field("Per departure in de-icing season.", "3500")
    deicing_months = models.JSONField(
        default=default_deicing_months, help_text="Northern-hemisphere months 1-12."
    )
    deicing_min_abs_lat = models.FloatField(
        default=35.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(90.0)],
        help_text="Degrees of latitude.",
    )
    fuel_stop_fee = money_field("Per technical fuel stop.", "1500")
    fuel_stop_minutes = models.PositiveSmallIntegerField(default=45)
    max_fuel_stops_per_leg = models.PositiveSmallIntegerField(default=2)
    urgent_fee = money_field("When the first departure is less than urgent_hours away.", "2500")
    urgent_hours = models.PositiveSmallIntegerField(default=24)
    short_leg_min_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="Least block time billed per leg."
    )
    positioning_buffer_minutes = models.PositiveSmallIntegerField(default=60)
    return_to_base = models.BooleanField(default=True, help_text="Bill the empty leg home after the trip.")
    fet_rate = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.075"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.9999"))],
        help_text="US Federal Excise Tax on air transportation (26 U.S.C. 4261): 0.075.",
    )
    domestic_countries = models.JSONField(
        default=default_domestic_countries,
        help_text="Countries whose airports are in the United States for the excise tax (US); "
        "empty: no US tax is collected.",
    )
    zone_statute_miles = models.PositiveSmallIntegerField(
        default=225,
        help_text="The 225-mile zone (26 U.S.C. 4262(c)(2)): Canada and Mexico within this many "
        "statute miles of the continental United States are taxed like the United States.",
    )
    small_aircraft_max_mtow_lb = models.PositiveIntegerField(
        default=6000,
        help_text="26 U.S.C. 4281: an aircraft whose certificated maximum take-off weight is at "
        "most this many pounds pays no federal excise tax, segment fee or facilities tax.",
    )
    day_boundary_tz = models.CharField(
        max_length=40, default="UTC", help_text="IANA zone where trip days start."
    )
    validity_hours = models.PositiveSmallIntegerField(default=72, help_text="How long a quote stays valid.")
    turnaround_minutes = models.PositiveSmallIntegerField(
        default=45, help_text="Least ground time between two flights of one aircraft (booking)."
    )
    market_cap_up_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text="Market rules together raise the charter charges by at most this percentage.",
    )
    market_cap_down_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Market rules together lower the charter charges by at most this percentage.",
    )
    demand_window_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="Demand rules read the share of the category's aircraft booked within this "
        "many hours either side of a departure.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="pricing_profile_one_active",
                violation_error_message="Only one pricing profile can be active.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{' (active)' if self.is_active else ''}"


class AirportFee(BaseModel):
    """Fees at one airport, overriding the profile's defaults."""

    profile = models.ForeignKey(PricingProfile, on_delete=models.CASCADE, related_name="airport_fees")
    airport = AirportField()
    landing = money_field()
    handling = money_field()
    per_passenger = money_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "airport"], name="airport_fee_unique")]

    def __str__(self) -> str:
        return f"{self.airport_id} fees"


class PermitFee(BaseModel):
    """A per-trip permit fee for each country the itinerary touches."""

    profile = models.ForeignKey(PricingProfile, on_delete=models.CASCADE, related_name="permit_fees")
    country = models.CharField(max_length=2, validators=[country_validator])
    amount = money_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "country"], name="permit_fee_unique")]

    def __str__(self) -> str:
        return f"Permit {self.country}"


class TaxKind(models.TextChoices):
    """The per-passenger taxes on air transportation, each with its own dated amounts."""

    SEGMENT_FEE = "segment_fee", "Domestic segment fee (26 U.S.C. 4261(b))"
    FACILITIES = "facilities", "International facilities tax (26 U.S.C. 4261(c))"
    FACILITIES_ALASKA_HAWAII = (
        "facilities_alaska_hawaii",
        "International facilities tax, Alaska/Hawaii (26 U.S.C. 4261(c)(3))",
    )


class TaxRate(BaseModel):
    """One dated amount of a per-passenger tax: from ``effective_from`` on, each passenger
    pays ``amount`` per domestic segment (segment fee), per international arrival or
    departure (facilities tax) or per departure to or from Alaska or Hawaii. The amounts
    are indexed every year: the operator enters the published ones; none is built in."""

    tax = models.CharField(max_length=30, choices=TaxKind.choices, default=TaxKind.SEGMENT_FEE)
    effective_from = models.DateField()
    amount = money_field()
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    source = models.CharField(max_length=200, blank=True, help_text="Where the amount was published.")

    class Meta:
        ordering = ["tax", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax", "effective_from"],
                name="tax_rate_one_per_day",
                violation_error_message="This tax already has an amount from that date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tax_display()}: {self.amount} {self.currency} from {self.effective_from}"


class FxRate(BaseModel):
    """Units of ``quote`` currency per one unit of ``base`` currency, from a date on."""

    base = models.CharField(max_length=3, validators=[currency_validator])
    quote = models.CharField(max_length=3, validators=[currency_validator])
    rate = models.DecimalField(
        max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))]
    )
    effective_on = models.DateField(default=timezone.localdate)
    source = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["base", "quote", "-effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "effective_on"], name="fx_rate_unique_per_day"),
            models.CheckConstraint(
                condition=~Q(base=models.F("quote")),
                name="fx_rate_distinct_currencies",
                violation_error_message="An FX rate converts between two different currencies.",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.effective_on})"


def string_list_errors(value: object, pattern: str, label: str) -> list[str]:
    """Why ``value`` is not a list of distinct strings matching ``pattern`` (empty: it is)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [f"A list of {label}."]
    bad = [item for item in value if not re.fullmatch(pattern, item)]
    if bad:
        return [f"Not {label}: {', '.join(bad[:5])}."]
    if len(set(value)) != len(value):
        return ["Each entry once."]
    return []


class PricingRegion(BaseModel):
    """Where market rules apply: airports one by one, whole countries, or subdivisions
    (``"US/Colorado"``: the country code and the subdivision as the airport data spells it).
    An airport is in the region when any of the three lists names it. A region also holds
    its peak calendar (``PeakPeriod``)."""

    name = models.CharField(max_length=80, unique=True)
    airports = models.JSONField(default=list, blank=True, help_text='ICAO codes, e.g. ["KASE", "KEGE"].')
    countries = models.JSONField(default=list, blank=True, help_text='ISO 3166 alpha-2 codes, e.g. ["BS"].')
    subdivisions = models.JSONField(
        default=list, blank=True, help_text='"Country/Subdivision", e.g. ["US/Florida", "US/Colorado"].'
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {
            name: messages
            for name, messages in (
                ("airports", string_list_errors(self.airports, r"[A-Z0-9]{3,4}", "ICAO codes")),
                ("countries", string_list_errors(self.countries, r"[A-Z]{2}", "ISO 3166 alpha-2 codes")),
                (
                    "subdivisions",
                    string_list_errors(self.subdivisions, r"[A-Z]{2}/\S.{0,78}", '"US/Florida" entries'),
                ),
            )
            if messages
        }
        if not errors and not (self.airports or self.countries or self.subdivisions):
            errors["airports"] = ["Name at least one airport, country or subdivision."]
        if errors:
            raise ValidationError(errors)


class PeakPeriod(BaseModel):
    """A run of peak days in a region's calendar, ``first_day`` through ``last_day`` (both
    inclusive), e.g. US Thanksgiving week. Peak-dates rules read the calendar of their region."""

    region = models.ForeignKey(PricingRegion, on_delete=models.CASCADE, related_name="peak_periods")
    name = models.CharField(max_length=80)
    first_day = models.DateField()
    last_day = models.DateField(help_text="Inclusive.")

    class Meta:
        ordering = ["first_day", "name"]
        indexes = [models.Index(fields=["region", "last_day"], name="peak_period_region_last_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="peak_period_ends_after_start",
                violation_error_message="A peak period ends on or after its first day.",
            ),
            models.UniqueConstraint(
                fields=["region", "name", "first_day"],
                name="peak_period_unique",
                violation_error_message="This region already has that period from that day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day} to {self.last_day})"


class PricingRuleKind(models.TextChoices):
    """What a market rule reacts to (docs/rules.md#dynamic-pricing-market-rules)."""

    PEAK_DATES = "peak_dates", "Peak dates (region calendar)"
    DEMAND = "demand", "Demand (booked share of the category)"
    ROUTE = "route", "Route (from region to region)"
    LEAD_TIME = "lead_time", "Lead time (last-minute / far-advance)"
    MINIMUM_MARGIN = "minimum_margin", "Minimum margin over operating cost"


RULE_NEEDS: dict[str, tuple[str, ...]] = {
    PricingRuleKind.PEAK_DATES: ("region",),
    PricingRuleKind.DEMAND: ("threshold_percent",),
    PricingRuleKind.ROUTE: ("region", "to_region"),
    PricingRuleKind.LEAD_TIME: (),
    PricingRuleKind.MINIMUM_MARGIN: (),
}
"""The fields each kind of rule must have."""


class PricingRule(BaseModel):
    """One dated market rule. The quoting engine applies the enabled rules in force on the
    quote date (``valid_from`` through ``valid_to``, inclusive) as breakdown lines naming the
    rule: a percentage of the charter charges (peak dates, demand, route, lead time; stacked
    in ``priority`` order within the profile's caps) or a floor at the operating cost plus a
    margin. Switching ``is_enabled`` off removes the rule from every new quote."""

    name = models.CharField(max_length=80, unique=True, help_text="Shown on the quote line.")
    kind = models.CharField(max_length=20, choices=PricingRuleKind.choices)
    is_enabled = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower first; decides which rule a cap cuts (the later ones)."
    )
    valid_from = models.DateField(default=timezone.localdate, help_text="First quote date, inclusive.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last quote date, inclusive; empty: open.")
    percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("1000"))],
        help_text="Adjustment of the charter charges (negative lowers them); for a minimum "
        "margin, the margin over the operating cost.",
    )
    category = models.CharField(
        max_length=20, choices=AircraftCategory.choices, blank=True, help_text="Empty: every category."
    )
    region = models.ForeignKey(
        PricingRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        help_text="Peak dates: the region (and calendar); route: where the leg departs.",
    )
    to_region = models.ForeignKey(
        PricingRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_rules",
        help_text="Route: where the leg arrives.",
    )
    both_ways = models.BooleanField(default=False, help_text="Route: the reverse direction too.")
    threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Demand: applies when at least this share of the category is booked.",
    )
    min_lead_hours = models.PositiveIntegerField(default=0, help_text="Lead time: from (inclusive).")
    max_lead_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Lead time: up to (exclusive); empty: no upper bound."
    )

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="pricing_rule_valid_to_after_from",
                violation_error_message="valid_to is on or after valid_from.",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=-100, percent__lte=1000),
                name="pricing_rule_percent_range",
                violation_error_message="The percentage is within -100 and 1000.",
            ),
            models.CheckConstraint(
                condition=Q(max_lead_hours__isnull=True) | Q(max_lead_hours__gt=models.F("min_lead_hours")),
                name="pricing_rule_lead_band",
                violation_error_message="max_lead_hours is above min_lead_hours.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{'' if self.is_enabled else ' (off)'}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in RULE_NEEDS.get(self.kind, ()):
            if getattr(self, f"{name}_id" if name.endswith("region") else name) is None:
                errors[name] = [f"A {self.get_kind_display().lower()} rule needs this."]
        if self.kind == PricingRuleKind.MINIMUM_MARGIN and self.percent is not None and self.percent < 0:
            errors["percent"] = ["A margin is 0 or more."]
        if self.valid_to is not None and self.valid_from is not None and self.valid_to < self.valid_from:
            errors["valid_to"] = ["On or after valid_from."]
        if self.max_lead_hours is not None and self.max_lead_hours <= self.min_lead_hours:
            errors["max_lead_hours"] = ["Above min_lead_hours."]
        if errors:
            raise ValidationError(errors)


class AircraftOperatingCost(BaseModel):
    """What one block hour of the aircraft costs the operator (fuel, crew, maintenance
    reserves, ...), in the pricing profile's currency. Read by minimum-margin rules; never
    shown to clients."""

    aircraft = models.OneToOneField(Aircraft, on_delete=models.CASCADE, related_name="operating_cost")
    cost_per_block_hour = money_field("Operator's currency.")
    source = models.CharField(max_length=200, blank=True, help_text="How the figure was made.")

    def __str__(self) -> str:
        return f"{self.aircraft} operating cost {self.cost_per_block_hour}/h"


# ------------------------------------------------------------------------------ invoicing
# Money below is Decimal with two places in the document's currency; every amount converted
# from another currency stores the rate and the date of the FxRate row it used
# (docs/rules.md#invoices-and-payments).


def amount_field(help_text: str = "") -> models.DecimalField:
    """A signed amount (credit notes and refunds reduce what is owed)."""
    return models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"), help_text=help_text)


def rate_field() -> models.DecimalField:
    return models.DecimalField(
        max_digits=18,
        decimal_places=8,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Units of the document's currency per unit of the base currency.",
    )


class BillingProfile(BaseModel):
    """The operator as it appears on invoices (name, addresses, tax id, bank details, logo),
    its numbering schema (prefixes, width, yearly reset) and base currency. One is active."""

    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField(default=False)
    legal_name = models.CharField(max_length=200)
    address = models.TextField(help_text="Postal address, one line per line.")
    tax_id = models.CharField(max_length=60, blank=True, help_text="E.g. the EIN or VAT number.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    bank_details = models.TextField(help_text="Printed at the foot of every invoice.")
    logo = models.FileField(upload_to="finance/logos/", blank=True)
    base_currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    invoice_prefix = models.CharField(max_length=10, default="INV-")
    credit_note_prefix = models.CharField(max_length=10, default="CN-")
    proforma_prefix = models.CharField(max_length=10, default="PF-")
    number_width = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    yearly_reset = models.BooleanField(default=True, help_text="Start each series at 1 every year.")
    service_markup_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("500"))],
        help_text="Added to the cost of special services (catering, transport…) on invoices.",
    )
    default_payment_terms_days = models.PositiveSmallIntegerField(
        default=30, help_text="For clients without their own payment terms."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="billing_profile_one_active",
                violation_error_message="Only one billing profile can be active.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{' (active)' if self.is_active else ''}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    PROFORMA = "proforma", "Pro-forma / deposit"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


OPEN_INVOICE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


class InvoiceCounter(models.Model):
    """The last number taken in one series and year (year 0 when the series never resets).
    Taken under a row lock in the transaction that issues the document, so a rolled-back
    issue gives its number back: no gaps, no duplicates (the invoice's unique constraint)."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="invoice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.value}"


class Invoice(BaseModel):
    """An invoice, a pro-forma/deposit invoice or a credit note, in the client's billing
    currency. A draft may be edited and deleted; from issue on its number, lines and amounts
    never change (``IssuedInvoiceGuard``): a correction is a credit note. ``amount_paid``,
    ``amount_credited`` and ``balance`` are stored and refreshed by the services that record
    payments and credit notes, so lists never sum history."""

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="invoices")
    trip = models.ForeignKey(
        "flights.Trip", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    quote = models.ForeignKey(
        "flights.Quote", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    credit_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    billing_profile = models.ForeignKey(BillingProfile, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(max_length=30, null=True, blank=True, unique=True)
    currency = models.CharField(max_length=3, validators=[currency_validator])
    base_currency = models.CharField(max_length=3, validators=[currency_validator])
    fx_rate = rate_field()
    fx_date = models.DateField(
        null=True, blank=True, help_text="Date of the FX rate used (none: same currency)."
    )
    subtotal = amount_field()
    tax_total = amount_field()
    total = amount_field()
    base_total = amount_field("The total in the base currency.")
    amount_paid = amount_field()
    amount_credited = amount_field()
    balance = amount_field("What the client still owes on it.")
    bill_to = models.JSONField(default=dict, blank=True, help_text="Name and address as printed.")
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    tenant_path = "client"
    # Accounting records are kept under the operator's legal retention duty (GDPR art. 17(3)(b)):
    # the client row is anonymised, an issued invoice keeps the name and address it was issued to.
    gdpr_erasure = "keep"

    FROZEN_FIELDS: ClassVar[tuple[str, ...]] = (
        "kind",
        "client_id",
        "trip_id",
        "quote_id",
        "credit_for_id",
        "series",
        "year",
        "sequence",
        "number",
        "currency",
        "base_currency",
        "fx_rate",
        "fx_date",
        "subtotal",
        "tax_total",
        "total",
        "base_total",
        "bill_to",
        "issued_on",
        "due_on",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_number_once_per_series",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.DRAFT) | (Q(number__isnull=False) & Q(sequence__gte=1)),
                name="invoice_issued_has_number",
                violation_error_message="An issued invoice has a number.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=InvoiceKind.CREDIT_NOTE) | Q(credit_for__isnull=False),
                name="credit_note_credits_an_invoice",
                violation_error_message="A credit note credits an invoice.",
            ),
            models.UniqueConstraint(
                fields=["trip"],
                condition=Q(kind=InvoiceKind.INVOICE) & ~Q(status=InvoiceStatus.VOID),
                name="invoice_one_live_per_trip",
                violation_error_message="This trip already has an invoice.",
            ),
        ]
        permissions = [
            ("issue_invoice", "Can issue and send invoices"),
            ("void_invoice", "Can void invoices"),
            ("credit_invoice", "Can issue credit notes"),
            ("refund_payment", "Can refund payments"),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft {self.get_kind_display().lower()} #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    def frozen_values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FROZEN_FIELDS)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuses to change what an issued document says (guard, no side effect)."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).exclude(status=InvoiceStatus.DRAFT).first()
            if stored is not None and stored.frozen_values() != self.frozen_values():
                raise IssuedInvoiceGuard(f"{stored} is issued: correct it with a credit note.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.number:
            raise IssuedInvoiceGuard(f"{self} is issued: it is never deleted (void it or credit it).")
        return super().delete(*args, **kwargs)


class IssuedInvoiceGuard(Exception):
    """A write tried to change or delete an issued document (a programming error: services
    refuse first with a Conflict)."""


class InvoiceLine(BaseModel):
    """One line of an invoice, traceable to what it bills: a flight, a special service, a
    fee kind of the pricing engine, a tax (with the rule it came from) or a quote line."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, help_text="The pricing engine's line kind, or service/deposit.")
    description = models.CharField(max_length=300)
    is_tax = models.BooleanField(default=False)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"))
    amount = amount_field("In the invoice's currency.")
    base_amount = amount_field("In the base currency.")
    source_currency = models.CharField(max_length=3, blank=True, validators=[currency_validator])
    source_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    fx_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    fx_date = models.DateField(null=True, blank=True)
    flight = models.ForeignKey(
        "flights.Flight", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    special_service = models.ForeignKey(
        "flights.SpecialService", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote_line = models.ForeignKey(
        "flights.QuoteLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_rule = models.CharField(max_length=120, blank=True, help_text="The tax and its legal basis.")

    tenant_path = "invoice__client"
    gdpr_erasure = "keep"  # part of the invoice (see Invoice)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Invoice.objects.filter(pk=self.invoice_id).exclude(status=InvoiceStatus.DRAFT).exists():
            raise IssuedInvoiceGuard("The lines of an issued invoice never change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Invoice.objects.filter(pk=self.invoice_id).exclude(status=InvoiceStatus.DRAFT).exists():
            raise IssuedInvoiceGuard("The lines of an issued invoice never change.")
        return super().delete(*args, **kwargs)


class PaymentMethodKind(models.TextChoices):
    CARD = "card", "Card"
    ACH = "ach", "ACH"
    WIRE = "wire", "Wire transfer"
    CHECK = "check", "Check"
    CASH = "cash", "Cash"
    PREPAID = "prepaid", "Prepaid hours account"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"


class Payment(BaseModel):
    """Money received for (or refunded against) an invoice. ``amount`` is in ``currency``;
    ``applied_amount`` is what it settles in the invoice's currency, at ``fx_rate`` of
    ``fx_date`` when the currencies differ. ``idempotency_key`` is unique: recording or
    charging twice with one key returns the first payment."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    refund_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    method = models.CharField(max_length=10, choices=PaymentMethodKind.choices)
    reference = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3, validators=[currency_validator])
    applied_amount = models.DecimalField(max_digits=14, decimal_places=2)
    fx_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    fx_date = models.DateField(null=True, blank=True)
    received_on = models.DateField(default=timezone.localdate)
    gateway = models.CharField(max_length=40, default="record")
    gateway_reference = models.CharField(max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    tenant_path = "client"
    gdpr_erasure = "keep"

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind=PaymentKind.PAYMENT) | Q(refund_of__isnull=False),
                name="refund_names_its_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} on {self.invoice}"


class GatewayEvent(models.Model):
    """A webhook event received from a payment gateway, once (unique per gateway and id), so
    a redelivered event changes nothing. Append-only, no history."""

    gateway = models.CharField(max_length=40)
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="gateway_event_once")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_type} {self.event_id}"


class DunningReminder(BaseModel):
    """One payment reminder for an invoice, ``days_overdue`` days after its due date. The
    unique pair makes the nightly run idempotent."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    days_overdue = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    tenant_path = "invoice__client"
    gdpr_erasure = "keep"  # no personal data

    class Meta:
        ordering = ["invoice", "days_overdue"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "days_overdue"], name="dunning_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"Reminder +{self.days_overdue} d for {self.invoice}"


class PrepaidAccount(BaseModel):
    """A client's jet-card / prepaid account: deposits add to ``balance``, issued invoices
    are settled from it first; below ``alert_threshold`` the client and finance are told.
    ``balance`` is stored and changed only with an entry, under a row lock."""

    client = models.OneToOneField("clients.Client", on_delete=models.PROTECT, related_name="prepaid_account")
    currency = models.CharField(max_length=3, validators=[currency_validator])
    balance = amount_field()
    alert_threshold = money_field("Alert when the balance falls below this.")
    alerted = models.BooleanField(default=False, help_text="Alert sent since the balance last rose above.")

    tenant_path = "client"
    gdpr_erasure = "keep"  # amounts only

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="prepaid_balance_non_negative")
        ]

    def __str__(self) -> str:
        return f"Prepaid account of {self.client}: {self.balance} {self.currency}"


class PrepaidEntry(BaseModel):
    """A deposit into, or a deduction (for an invoice) from, a prepaid account."""

    account = models.ForeignKey(PrepaidAccount, on_delete=models.PROTECT, related_name="entries")
    amount = amount_field("Positive: deposit; negative: deduction.")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=120, blank=True)
    balance_after = amount_field()

    tenant_path = "account__client"
    gdpr_erasure = "keep"  # accounting record (see Invoice)

    class Meta:
        ordering = ["account", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "invoice"],
                condition=Q(invoice__isnull=False),
                name="prepaid_once_per_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.account}"
