"""The operator's pricing data: the quoting profile (fees, policies), per-airport fees,
permit fees, the dated tax tables (segment fee, facilities taxes) and FX rates. Every number quoting uses is
here, editable in the admin, with history (numbers are data, never constants:
docs/rules.md#where-the-parameters-live)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fleet.models import AirportField
from jetops.models import BaseModel
from jetops.validators import country_validator, currency_validator


def money_field(help_text: str = "", default: str = "0") -> models.DecimalField:  # type: ignore[type-arg]
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
