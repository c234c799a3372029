"""Planning in the admin: the operator's planning settings, each aircraft's loading data with
its stations as inline rows, and the flight plans (computed, recomputed and filed by actions).
Loading data and stations are written through ``planning.services``; plans only by its
compute and file services, so the admin meets the API's permissions and refusals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from flights.models import Flight
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin, ReadOnlyAdmin, ServiceAddAdminMixin, ServiceForm
from jetops.models import User
from planning import services
from planning.models import (
    AircraftLoading,
    AirportRequirement,
    FlightPlan,
    LoadingStation,
    PlanningProfile,
    WeatherAlert,
)


@admin.register(PlanningProfile)
class PlanningProfileAdmin(JetOpsModelAdmin):
    """The newest profile is in force (with none, the Part 135 defaults shown on a new one)."""

    list_display = [
        "name",
        "use_actual_weights",
        "adult_weight_summer_lb",
        "adult_weight_winter_lb",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "use_actual_weights"]}),
        (
            "Standard weights (AC 120-27E era)",
            {
                "fields": [
                    "adult_weight_summer_lb",
                    "adult_weight_winter_lb",
                    "summer_first_month",
                    "summer_last_month",
                    "bag_weight_lb",
                    "crew_weight_lb",
                ]
            },
        ),
        (
            "Fuel",
            {
                "fields": [
                    "contingency_percent",
                    "ifr_reserve_minutes",
                    "vfr_day_reserve_minutes",
                    "vfr_night_reserve_minutes",
                ]
            },
        ),
        ("Flight plan", {"fields": ["equipment", "operator_name"]}),
        ("Weather", {"fields": ["weather_alert_category"]}),
    ]


class LoadingStationInline(admin.TabularInline):
    model = LoadingStation
    extra = 0
    fields = ["position", "name", "kind", "arm", "seats", "max_weight_lb", "fuel_arms"]


class AircraftLoadingForm(ServiceForm):
    performs_changes = True

    class Meta:
        model = AircraftLoading
        fields = ["aircraft", "weighed_on", "envelope", "burn_profile", "taxi_fuel_lb", "cruise_level_ft"]

    def perform(self, actor: User | None) -> Model:
        data = dict(self.cleaned_data)
        aircraft = data.pop("aircraft", None) or self.instance.aircraft
        return services.aircraft_loading_save(aircraft=aircraft, actor=actor, **data)


@admin.register(AircraftLoading)
class AircraftLoadingAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    """Loading data beside the weighing record (basic empty weight and arm, edited on the
    aircraft). Stations are inline rows written one by one through the station service."""

    form = AircraftLoadingForm
    list_display = ["aircraft", "weighed_on", "taxi_fuel_lb", "cruise_level_ft", "updated_at"]
    list_select_related = ["aircraft"]
    autocomplete_fields = ["aircraft"]
    search_fields = ["aircraft__tail_number"]
    inlines = [LoadingStationInline]
    service_inlines = (LoadingStation,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["aircraft"] if obj is not None else []

    def save_inline(self, request: HttpRequest, parent: Model, inline_form: Any) -> Model:
        data = {
            name: inline_form.cleaned_data[name]
            for name in services.STATION_FIELDS
            if name in inline_form.cleaned_data
        }
        instance = inline_form.instance
        station = LoadingStation.objects.get(pk=instance.pk) if instance.pk else None
        loading = AircraftLoading.objects.get(pk=parent.pk)
        return services.loading_station_save(
            loading=loading, actor=acting_user(request), station=station, **data
        )

    def delete_inline(self, request: HttpRequest, instance: Model) -> None:
        assert isinstance(instance, LoadingStation)  # noqa: S101  (the only service inline)
        services.loading_station_delete(station=instance, actor=acting_user(request))


@admin.register(FlightPlan)
class FlightPlanAdmin(JetOpsModelAdmin):
    """Plans are computed and filed by actions (the services the API calls); nothing here is
    typed in by hand. A refusal (a limit broken) is an error message naming the flight."""

    list_display = [
        "flight",
        "status",
        "route",
        "cruise_level_ft",
        "ete_minutes",
        "block_fuel_lb",
        "takeoff_weight_lb",
        "souls_on_board",
        "computed_at",
        "filed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["flight"]
    search_fields = ["flight__flight_number", "flight__aircraft__tail_number"]
    actions = ["recompute", "file"]
    readonly_fields = [f.name for f in FlightPlan._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Recompute the selected plans", permissions=["view"])
    def recompute(self, request: HttpRequest, queryset: QuerySet[FlightPlan]) -> None:
        for plan in queryset.select_related("flight"):
            flight = Flight.objects.get(pk=plan.flight_id)
            self.service_action(
                request,
                flight.flight_number,
                services.flight_plan_compute,
                flight=flight,
                actor=acting_user(request),
                done="recomputed.",
            )

    @admin.action(description="File the selected plans", permissions=["view"])
    def file(self, request: HttpRequest, queryset: QuerySet[FlightPlan]) -> None:
        for plan in queryset.select_related("flight"):
            self.service_action(
                request,
                plan.flight.flight_number,
                services.flight_plan_file,
                flight=plan.flight,
                actor=acting_user(request),
                done="filed.",
            )


@admin.register(WeatherAlert)
class WeatherAlertAdmin(ReadOnlyAdmin, JetOpsModelAdmin):
    """Weather alerts sent (``planning.tasks.weather_alerts_task``), one per flight, airport
    and category."""

    list_display = ["created_at", "flight", "airport", "category", "forecast_for"]
    list_filter = ["category"]
    search_fields = ["flight__flight_number", "airport__icao"]
    list_select_related = ["flight", "airport"]


@admin.register(AirportRequirement)
class AirportRequirementAdmin(JetOpsModelAdmin):
    """Reference data the operator keeps (slot, PPR, curfew, customs hours); the briefing warns
    about a leg that meets them."""

    list_display = [
        "airport",
        "slot_coordinated",
        "ppr_required",
        "curfew_start",
        "curfew_end",
        "customs_open",
    ]
    list_filter = ["slot_coordinated", "ppr_required"]
    search_fields = ["airport__icao", "airport__name"]
    autocomplete_fields = ["airport"]
