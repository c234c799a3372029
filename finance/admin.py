"""Pricing data in the admin: the quoting profile with its airport and permit fees, the
dated tax tables and FX rates, and the market rules with their regions, peak calendars and
the aircraft operating costs. Every change is in the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from finance import services
from finance.models import (
    AircraftOperatingCost,
    AirportFee,
    FxRate,
    PeakPeriod,
    PermitFee,
    PricingProfile,
    PricingRegion,
    PricingRule,
    TaxRate,
)
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin


class AirportFeeInline(admin.TabularInline):
    model = AirportFee
    extra = 0
    autocomplete_fields = ["airport"]


class PermitFeeInline(admin.TabularInline):
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
        (
            "Market rules",
            {
                "fields": ["market_cap_up_percent", "market_cap_down_percent", "demand_window_hours"],
                "description": "Caps on the sum of the market rules' percentages, and the window "
                "demand rules read: see Pricing rules.",
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


class PricingDataAdmin(JetOpsModelAdmin):
    """Saves and deletes through ``finance.services`` (validated, history naming the actor)."""

    service_inlines: tuple[type[Model], ...] = (PeakPeriod,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.pricing_row_save(row=obj, actor=acting_user(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.pricing_row_delete(row=obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for row in queryset:
            self.service_action(
                request, str(row), services.pricing_row_delete, row=row, actor=acting_user(request)
            )

    def save_inline(self, request: HttpRequest, parent: Model, inline_form: Any) -> Model:
        row = inline_form.instance
        row.region = parent
        return services.pricing_row_save(row=row, actor=acting_user(request))

    def delete_inline(self, request: HttpRequest, instance: Model) -> None:
        services.pricing_row_delete(row=instance, actor=acting_user(request))  # type: ignore[arg-type]


class PeakPeriodInline(admin.TabularInline):
    model = PeakPeriod
    extra = 0
    fields = ["name", "first_day", "last_day"]
    ordering = ["-first_day"]


@admin.register(PricingRegion)
class PricingRegionAdmin(PricingDataAdmin):
    """A region: airports, countries or subdivisions, with its peak calendar inline."""

    list_display = ["name", "airports", "countries", "subdivisions", "updated_at"]
    search_fields = ["name"]
    inlines = [PeakPeriodInline]


@admin.register(PeakPeriod)
class PeakPeriodAdmin(PricingDataAdmin):
    list_display = ["name", "region", "first_day", "last_day"]
    list_filter = ["region"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]
    date_hierarchy = "first_day"
    ordering = ["-first_day"]


class InForceFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("now", "In force today"), ("future", "Starts later"), ("ended", "Ended")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.filter(valid_from__lte=today).exclude(valid_to__lt=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


@admin.register(PricingRule)
class PricingRuleAdmin(PricingDataAdmin):
    """The market rules (docs/rules.md#dynamic-pricing-market-rules), filtered by kind,
    switch, dates and category."""

    list_display = [
        "name",
        "kind",
        "is_enabled",
        "priority",
        "percent",
        "category",
        "region",
        "to_region",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "is_enabled", InForceFilter, "category", "region"]
    search_fields = ["name"]
    list_select_related = ["region", "to_region"]
    autocomplete_fields = ["region", "to_region"]
    ordering = ["priority", "id"]
    actions = ["switch_off", "switch_on"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_enabled", "priority", "percent", "category"]}),
        ("In force (quote dates, inclusive)", {"fields": ["valid_from", "valid_to"]}),
        ("Peak dates and routes", {"fields": ["region", "to_region", "both_ways"]}),
        ("Demand", {"fields": ["threshold_percent"]}),
        ("Lead time", {"fields": ["min_lead_hours", "max_lead_hours"]}),
    ]

    def _switch(self, request: HttpRequest, queryset: QuerySet[PricingRule], on: bool) -> None:
        for rule in queryset:
            self.service_action(
                request,
                str(rule),
                services.pricing_rule_update,
                rule=rule,
                actor=acting_user(request),
                is_enabled=on,
                done="switched on" if on else "switched off",
            )

    @admin.action(description="Switch the selected rules off", permissions=["change"])
    def switch_off(self, request: HttpRequest, queryset: QuerySet[PricingRule]) -> None:
        self._switch(request, queryset, on=False)

    @admin.action(description="Switch the selected rules on", permissions=["change"])
    def switch_on(self, request: HttpRequest, queryset: QuerySet[PricingRule]) -> None:
        self._switch(request, queryset, on=True)


@admin.register(AircraftOperatingCost)
class AircraftOperatingCostAdmin(PricingDataAdmin):
    """Operating cost per block hour, read by minimum-margin rules; staff only."""

    list_display = ["aircraft", "cost_per_block_hour", "source", "updated_at"]
    list_filter = ["aircraft__category"]
    search_fields = ["aircraft__tail_number"]
    list_select_related = ["aircraft"]
    autocomplete_fields = ["aircraft"]
