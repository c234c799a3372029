"""The operator's pricing data: the quoting profile (fees, policies), per-airport fees,
permit fees, the dated tax tables (segment fee, facilities taxes) and FX rates. Every number quoting uses is
here, editable in the admin, with history (numbers are data, never constants:
docs/rules.md#where-the-parameters-live)."""

from __future__ import annotations

import re
from decimal import Decimal

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
