"""Pricing data in the admin: the quoting profile with its airport and permit fees, the
dated tax tables and FX rates. Every change is in the history."""

from __future__ import annotations

from django.contrib import admin

from finance.models import AirportFee, FxRate, PermitFee, PricingProfile, TaxRate
from jetops.admin import JetOpsModelAdmin


class AirportFeeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AirportFee
    extra = 0
    autocomplete_fields = ["airport"]


class PermitFeeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PermitFee
    extra = 0


@admin.register(PricingProfile)
class PricingProfileAdmin(JetOpsModelAdmin):
    list_display = [
        "name",
        "is_active",
        "currency",
        "fet_rate",
        "validity_hours",
        "return_to_base",
        "updated_at",
    ]
    list_filter = ["is_active", "currency"]
    search_fields = ["name"]
    inlines = [AirportFeeInline, PermitFeeInline]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "currency", "validity_hours", "turnaround_minutes"]}),
        ("Airport fees (defaults)", {"fields": ["landing_fee", "handling_fee", "passenger_fee"]}),
        (
            "Trip fees",
            {
                "fields": [
                    "catering_per_passenger",
                    "overnight_fee",
                    "crew_day_fee",
                    "urgent_fee",
                    "urgent_hours",
                ]
            },
        ),
        ("De-icing", {"fields": ["deicing_fee", "deicing_months", "deicing_min_abs_lat"]}),
        ("Fuel stops", {"fields": ["fuel_stop_fee", "fuel_stop_minutes", "max_fuel_stops_per_leg"]}),
        (
            "Policy",
            {
                "fields": [
                    "short_leg_min_minutes",
                    "positioning_buffer_minutes",
                    "return_to_base",
                    "day_boundary_tz",
                ]
            },
        ),
        (
            "Taxes",
            {
                "fields": [
                    "fet_rate",
                    "domestic_countries",
                    "zone_statute_miles",
                    "small_aircraft_max_mtow_lb",
                ],
                "description": "Per-passenger taxes (segment fee, facilities taxes) are dated "
                "amounts: see Tax rates.",
            },
        ),
    ]


@admin.register(TaxRate)
class TaxRateAdmin(JetOpsModelAdmin):
    list_display = ["tax", "effective_from", "amount", "currency", "source"]
    list_filter = ["tax", "currency"]
    ordering = ["tax", "-effective_from"]


@admin.register(FxRate)
class FxRateAdmin(JetOpsModelAdmin):
    list_display = ["base", "quote", "rate", "effective_on", "source"]
    list_filter = ["base", "quote"]
    ordering = ["base", "quote", "-effective_on"]
