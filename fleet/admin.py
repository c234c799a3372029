"""The fleet in the admin. Every write goes through ``fleet.services`` (history with the
acting user, status timeline, blackout merging, document expiry sync)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from fleet import services
from fleet.choices import STATUSES_NEEDING_REASON, AircraftStatus
from fleet.models import (
    Aircraft,
    AircraftDocument,
    AircraftDocumentAlert,
    AircraftStatusChange,
    Airport,
    AirportQuerySet,
    Blackout,
)
from fleet.selectors import aircraft_next_expiry, document_expiry_state
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin

LIGHTS = {
    "expired": ("#b91c1c", "expired"),
    "critical": ("#dc2626", "≤ 7 days"),
    "warning": ("#d97706", "≤ 60 days"),
    "ok": ("#16a34a", "valid"),
    "none": ("#9ca3af", "no expiry"),
}


def traffic_light(expires_on: Any) -> str:
    """A coloured dot and the date: red (expired or ≤ 7 days), amber (≤ 60 days), green."""
    colour, label = LIGHTS[document_expiry_state(expires_on)]
    text = expires_on.isoformat() if expires_on else "—"
    return format_html('<span title="{}" style="color:{}">●</span> {}', label, colour, text)


class ReadOnlyMixin:
    """Records written only by services (timeline events, alert log): viewable, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Airport)
class AirportAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """Reference data from ``airportsdata`` (``manage.py load_airports``): searchable, read-only.
    Airports keep no change history, so the plain admin history page is used."""

    list_display = ["icao", "iata", "name", "city", "country", "time_zone", "elevation_ft"]
    list_filter = ["country"]
    search_fields = ["icao", "iata", "name", "city"]
    ordering = ["icao"]
    object_history_template = "admin/object_history.html"
    change_form_template = "admin/change_form.html"

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Airport], search_term: str
    ) -> tuple[QuerySet[Airport], bool]:
        """Also the airport the term means as a code (``AirportQuerySet.resolve``: KPBI finds
        KDJT), so every airport picker of the admin answers to the codes the API takes."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        meant = cast(AirportQuerySet, queryset).resolve(search_term)
        if meant is not None:
            found = found | queryset.filter(pk=meant.pk)
        return found, duplicates


class DocumentInline(admin.TabularInline):
    model = AircraftDocument
    extra = 0
    fields = ["kind", "number", "issued_on", "expires_on", "file", "notes"]


class BlackoutInline(admin.TabularInline):
    """Current and coming blackouts (those that ended over 30 days ago are on the blackout
    list). Saved one by one through the services: same-kind overlaps merge, other overlaps
    are refused on their row."""

    model = Blackout
    extra = 0
    fields = ["kind", "start", "end", "reason", "created_by"]
    readonly_fields = ["created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Blackout]:
        recent = timezone.now() - timedelta(days=30)
        return super().get_queryset(request).filter(end__gte=recent).select_related("created_by")


class AircraftAdminForm(forms.ModelForm):
    status_reason = forms.CharField(
        required=False,
        max_length=500,
        help_text="Why the status changes (required for maintenance, AOG and inactive); on the timeline.",
    )

    class Meta:
        model = Aircraft
        fields = [*services.AIRCRAFT_FIELDS, "status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        changed = "status" in self.changed_data or not self.instance.pk
        if changed and status in STATUSES_NEEDING_REASON and not (data.get("status_reason") or "").strip():
            self.add_error("status_reason", "Say why the aircraft goes to this status.")
        return data


@admin.register(Aircraft)
class AircraftAdmin(JetOpsModelAdmin):
    """The fleet: specs, rates, documents and blackouts. No deletion: set the status to
    inactive. Status changes (form field or actions) are recorded on the timeline."""

    form = AircraftAdminForm
    list_display = [
        "tail_number",
        "aircraft_type",
        "model",
        "category",
        "status",
        "location",
        "seating_capacity",
        "hourly_rate_display",
        "next_expiry",
    ]
    list_filter = ["status", "category", "is_active", "min_crew", "manufacturer"]
    search_fields = ["tail_number", "aircraft_type", "manufacturer", "model"]
    autocomplete_fields = ["current_location", "home_base"]
    readonly_fields = [
        "is_active",
        "registration_expires_on",
        "insurance_policy",
        "insurance_expires_on",
        "airworthiness_expires_on",
        "created_at",
        "updated_at",
    ]
    inlines = [DocumentInline, BlackoutInline]
    service_inlines = (AircraftDocument, Blackout)
    actions = ["ground_aog", "return_to_service"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "tail_number",
                    "aircraft_type",
                    "manufacturer",
                    "model",
                    "year",
                    "category",
                    "registration_country",
                ]
            },
        ),
        (
            "Status and location",
            {"fields": ["status", "status_reason", "is_active", "current_location", "home_base"]},
        ),
        (
            "Performance and quoting",
            {
                "fields": [
                    "seating_capacity",
                    "range_nautical_miles",
                    "cruise_speed",
                    "taxi_minutes",
                    "routing_factor",
                    "wind_allowance_knots",
                    "fuel_burn_per_hour",
                    "min_crew",
                ]
            },
        ),
        ("Rates", {"fields": ["currency", "hourly_rate", "positioning_rate", "daily_minimum_hours"]}),
        ("Weights", {"fields": ["mtow", "mlw", "mzfw", "basic_empty_weight", "basic_empty_arm"]}),
        (
            "Certificates (follow the documents)",
            {
                "fields": [
                    "registration_expires_on",
                    "airworthiness_expires_on",
                    "insurance_policy",
                    "insurance_expires_on",
                    "insurance_info",
                ]
            },
        ),
        ("Times", {"fields": ["total_hours", "total_cycles", "maintenance_schedule"]}),
        ("Cabin", {"fields": ["amenities", "interior_config", "photos"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Location", ordering="current_location")
    def location(self, aircraft: Aircraft) -> str:
        return str(aircraft.current_location_id)

    @admin.display(description="Hourly rate", ordering="hourly_rate")
    def hourly_rate_display(self, aircraft: Aircraft) -> str:
        return f"{aircraft.hourly_rate:,.2f} {aircraft.currency}"

    @admin.display(description="Next certificate expiry")
    def next_expiry(self, aircraft: Aircraft) -> str:
        return traffic_light(aircraft_next_expiry(aircraft))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Aircraft, form: Any, change: bool) -> None:
        actor = acting_user(request)
        data = form.cleaned_data
        reason = (data.get("status_reason") or "").strip()
        if not change:
            fields = {name: data[name] for name in services.AIRCRAFT_FIELDS if name in data}
            saved = services.aircraft_create(
                actor=actor, status=data["status"], status_reason=reason, **fields
            )
            obj.pk = saved.pk
            return
        current = Aircraft.objects.get(pk=obj.pk)
        fields = {name: data[name] for name in form.changed_data if name in services.AIRCRAFT_FIELDS}
        if fields:
            services.aircraft_update(aircraft=current, actor=actor, **fields)
        if "status" in form.changed_data:
            services.aircraft_status_change(
                aircraft=current, status=data["status"], reason=reason, actor=actor
            )

    def delete_inline(self, request: HttpRequest, instance: Any) -> None:
        actor = acting_user(request)
        if isinstance(instance, AircraftDocument):
            services.document_remove(document=instance, actor=actor)
        else:
            services.blackout_remove(blackout=instance, actor=actor)

    def save_inline(self, request: HttpRequest, parent: Any, inline_form: Any) -> Any:
        actor, aircraft = acting_user(request), Aircraft.objects.get(pk=parent.pk)
        instance, data = inline_form.instance, inline_form.cleaned_data
        if isinstance(instance, AircraftDocument):
            fields = {name: data[name] for name in services.DOCUMENT_FIELDS if name in data}
            if fields.get("file") is False:  # "clear" ticked
                fields["file"] = ""
            if instance.pk:
                document = AircraftDocument.objects.get(pk=instance.pk)
                return services.document_update(document=document, actor=actor, **fields)
            return services.document_add(aircraft=aircraft, actor=actor, **fields)
        fields = {name: data[name] for name in services.BLACKOUT_FIELDS if name in data}
        if instance.pk:
            result = services.blackout_update(
                blackout=Blackout.objects.get(pk=instance.pk), actor=actor, **fields
            )
        else:
            result = services.blackout_add(aircraft=aircraft, actor=actor, **fields)
        if result.merged:
            self.message_user(
                request,
                f"Merged into the overlapping {result.blackout.get_kind_display()} blackout.",
                messages.INFO,
            )
        return result.blackout

    def _status(self, request: HttpRequest, queryset: QuerySet[Aircraft], status: str, reason: str) -> int:
        return sum(
            self.service_action(
                request,
                aircraft.tail_number,
                services.aircraft_status_change,
                aircraft=aircraft,
                status=status,
                reason=reason,
                actor=acting_user(request),
            )
            for aircraft in queryset
        )

    @admin.action(description="Ground (AOG)", permissions=["change"])
    def ground_aog(self, request: HttpRequest, queryset: QuerySet[Aircraft]) -> None:
        done = self._status(
            request, queryset, AircraftStatus.AOG, f"Grounded from the admin by {request.user}"
        )
        self.message_user(request, f"{done} aircraft grounded (AOG).", messages.SUCCESS)

    @admin.action(description="Return to service (available)", permissions=["change"])
    def return_to_service(self, request: HttpRequest, queryset: QuerySet[Aircraft]) -> None:
        reason = f"Returned to service from the admin by {request.user}"
        done = self._status(request, queryset, AircraftStatus.AVAILABLE, reason)
        self.message_user(request, f"{done} aircraft available.", messages.SUCCESS)


@admin.register(Blackout)
class BlackoutAdmin(JetOpsModelAdmin):
    """Periods an aircraft cannot be booked. Overlapping blackouts of one kind are merged."""

    fields = ["aircraft", "kind", "start", "end", "reason", "created_by"]
    list_display = ["aircraft", "kind", "start", "end", "reason", "created_by"]
    list_filter = ["kind", "aircraft__category"]
    search_fields = ["aircraft__tail_number", "reason"]
    autocomplete_fields = ["aircraft"]
    list_select_related = ["aircraft", "created_by"]
    date_hierarchy = "start"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["aircraft", "created_by"] if obj else ["created_by"]

    def save_model(self, request: HttpRequest, obj: Blackout, form: Any, change: bool) -> None:
        actor = acting_user(request)
        data = {name: form.cleaned_data[name] for name in services.BLACKOUT_FIELDS}
        if change:
            result = services.blackout_update(blackout=Blackout.objects.get(pk=obj.pk), actor=actor, **data)
        else:
            result = services.blackout_add(aircraft=form.cleaned_data["aircraft"], actor=actor, **data)
        if result.merged:
            self.message_user(
                request, "Merged with the overlapping blackout of the same kind.", messages.INFO
            )
        obj.pk = result.blackout.pk

    def remove(self, request: HttpRequest, obj: Blackout) -> None:
        services.blackout_remove(blackout=obj, actor=acting_user(request))


class ExpiringFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("60", "Expiring within 60 days"), ("expired", "Expired")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AircraftDocument]
    ) -> QuerySet[AircraftDocument]:
        today = timezone.localdate()
        if self.value() == "60":
            return queryset.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=60))
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(AircraftDocument)
class AircraftDocumentAdmin(JetOpsModelAdmin):
    """Certificates and policies; the aircraft's expiry dates follow them."""

    list_display = ["aircraft", "kind", "number", "issued_on", "expiry"]
    list_filter = [ExpiringFilter, "kind"]
    search_fields = ["aircraft__tail_number", "number"]
    autocomplete_fields = ["aircraft"]
    list_select_related = ["aircraft"]

    @admin.display(description="Expires", ordering="expires_on")
    def expiry(self, document: AircraftDocument) -> str:
        return traffic_light(document.expires_on)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["aircraft"] if obj else []

    def save_model(self, request: HttpRequest, obj: AircraftDocument, form: Any, change: bool) -> None:
        actor = acting_user(request)
        data = {
            name: form.cleaned_data[name] for name in services.DOCUMENT_FIELDS if name in form.cleaned_data
        }
        if data.get("file") is False:
            data["file"] = ""
        if change:
            services.document_update(document=AircraftDocument.objects.get(pk=obj.pk), actor=actor, **data)
        else:
            obj.pk = services.document_add(aircraft=form.cleaned_data["aircraft"], actor=actor, **data).pk

    def remove(self, request: HttpRequest, obj: AircraftDocument) -> None:
        services.document_remove(document=obj, actor=acting_user(request))


@admin.register(AircraftStatusChange)
class AircraftStatusChangeAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """The status timeline (written by ``fleet.services.aircraft_status_change``)."""

    list_display = ["at", "aircraft", "from_status", "to_status", "reason", "actor"]
    list_filter = ["to_status"]
    search_fields = ["aircraft__tail_number", "reason"]
    list_select_related = ["aircraft", "actor"]
    date_hierarchy = "at"


@admin.register(AircraftDocumentAlert)
class AircraftDocumentAlertAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """Expiry alerts sent to operations (one per document, expiry date and threshold)."""

    list_display = ["sent_at", "document", "days_before", "expires_on"]
    list_filter = ["days_before"]
    search_fields = ["document__aircraft__tail_number", "document__number"]
    list_select_related = ["document__aircraft"]
