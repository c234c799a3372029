"""Quotes, trips and flights in the admin. Writes go through ``flights.services``; the
forms here are for reading and for the actions (send, accept, cancel, status)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from clients.models import Client
from fleet.choices import AircraftCategory
from fleet.forms import AirportChoiceField
from fleet.models import Aircraft
from flights.models import (
    ConciergeRequest,
    Feedback,
    Flight,
    FlightPassenger,
    Quote,
    QuoteLine,
    QuoteOption,
    SpecialService,
    Trip,
    TripEvent,
)
from flights.permissions import CHANGE_FLIGHT_STATUS
from flights.services.booking import FLIGHT_EDIT_FIELDS, flight_update
from flights.services.extras import (
    SERVICE_FIELDS,
    concierge_request_create,
    concierge_request_update,
    special_service_save,
)
from flights.services.quotes import quote_accept, quote_create, quote_override_line, quote_send
from flights.services.status import flight_status_change
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin, ServiceAddAdminMixin, ServiceForm, adopt
from jetops.models import User
from jetops.permissions import user_can
from jetops.writes import save_validated


class FlightStatusActions:
    """Admin actions that move flights through their statuses (cancelling included) are
    offered to those who hold ``flights.change_flight_status``; the service checks it too."""

    def has_change_flight_status_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, CHANGE_FLIGHT_STATUS)


class QuoteLineInline(admin.TabularInline):
    """Edit a line's amount with a reason to override it; the service recomputes the tax and
    totals (and replaces the lines), so every kind is overridden as a whole."""

    model = QuoteLine
    extra = 0
    can_delete = False
    fields = (
        "position",
        "kind",
        "description",
        "amount",
        "computed_amount",
        "override_reason",
        "overridden_by",
    )
    readonly_fields = ("position", "kind", "description", "computed_amount", "overridden_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OptionWarnings:
    """An option's pricing warnings, read-only, on its page and on its quote's page."""

    @admin.display(description="Warnings")
    def pricing_warnings(self, option: QuoteOption) -> str:
        """One a line: the admin escapes the text and breaks the lines."""
        return "\n".join(option.warnings)


@admin.register(QuoteOption)
class QuoteOptionAdmin(OptionWarnings, JetOpsModelAdmin):
    """One candidate's breakdown; overrides are made with the quote's override API (step-up)."""

    list_display = ["quote", "aircraft", "rank", "subtotal", "taxes", "total", "currency"]
    list_select_related = ["quote", "aircraft"]
    search_fields = ["quote__number", "aircraft__tail_number"]
    readonly_fields = [
        "quote",
        "aircraft",
        "rank",
        "planned_legs",
        "subtotal",
        "taxes",
        "total",
        "currency",
        "method",
        "pricing_warnings",
    ]
    exclude = ["inputs", "warnings"]
    inlines = [QuoteLineInline]
    service_inlines = (QuoteLine,)

    def save_inline(self, request: HttpRequest, parent: Model, inline_form: Any) -> Model:
        """An override of a line's amount, with its reason (``quote_override_line``)."""
        line, data = inline_form.instance, inline_form.cleaned_data
        if "amount" not in inline_form.changed_data:
            raise ValidationError({"amount": ["Give the amount that overrides the computed one."]})
        quote_override_line(
            option=line.option,
            kind=line.kind,
            amount=data["amount"],
            reason=data.get("override_reason") or "",
            actor=acting_user(request),
        )
        return line

    def save_model(self, request: HttpRequest, obj: QuoteOption, form: Any, change: bool) -> None:
        """Options are computed; only their lines are overridden (see ``save_formset``)."""


class QuoteOptionInline(OptionWarnings, admin.TabularInline):
    model = QuoteOption
    extra = 0
    can_delete = False
    fields = ("rank", "aircraft", "subtotal", "taxes", "total", "currency", "pricing_warnings")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


QUOTE_FORM_LEGS = 4


class QuoteAddForm(ServiceForm):
    """Quote an itinerary: the client, up to four legs (times in UTC) and optionally a category
    or a shortlist of aircraft. ``flights.services.quotes.quote_create`` prices every aircraft that
    can fly it and stores the quote with its options."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.filter(erased_at__isnull=True).order_by("company_name", "contact_person")
    )
    category = forms.ChoiceField(choices=[("", "Any"), *AircraftCategory.choices], required=False)
    aircraft = forms.ModelMultipleChoiceField(
        queryset=Aircraft.objects.filter(is_active=True).order_by("tail_number"),
        required=False,
        help_text="Only these aircraft (empty: every suitable one).",
    )

    class Meta:
        model = Quote
        fields = ["notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, QUOTE_FORM_LEGS + 1):
            first = n == 1
            self.fields[f"leg{n}_from"] = AirportChoiceField(label=f"Leg {n} from", required=first)
            self.fields[f"leg{n}_to"] = AirportChoiceField(label=f"Leg {n} to", required=first)
            self.fields[f"leg{n}_departure"] = forms.SplitDateTimeField(
                label=f"Leg {n} departure (UTC)", widget=AdminSplitDateTime, required=first
            )
            self.fields[f"leg{n}_passengers"] = forms.IntegerField(
                label=f"Leg {n} passengers", min_value=1, max_value=99, required=first
            )

    def legs(self) -> list[dict[str, Any]]:
        rows = []
        for n in range(1, QUOTE_FORM_LEGS + 1):
            values = [
                self.cleaned_data.get(f"leg{n}_{part}") for part in ("from", "to", "departure", "passengers")
            ]
            if not any(values):
                continue
            if not all(values):
                raise ValidationError(f"Leg {n}: give the airports, the departure time and the passengers.")
            origin, destination, departure, passengers = values
            rows.append(
                {
                    "departure_airport": origin,
                    "arrival_airport": destination,
                    "departure_datetime": departure.astimezone(UTC),  # type: ignore[union-attr]
                    "passengers": passengers,
                }
            )
        return rows

    def perform(self, actor: User | None) -> Model:
        aircraft = self.cleaned_data.get("aircraft")
        quote, left_out = quote_create(
            client=self.cleaned_data["client"],
            legs=self.legs(),
            actor=actor,
            aircraft_ids=[a.pk for a in aircraft] if aircraft else None,
            category=self.cleaned_data.get("category") or None,
        )
        if self.cleaned_data.get("notes"):
            quote.notes = self.cleaned_data["notes"]
            save_validated(quote, actor)
        self.left_out = left_out
        return quote


@admin.register(Quote)
class QuoteAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    list_display = ["number", "client", "status", "currency", "valid_until", "sent_at", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "client__company_name", "client__contact_person"]
    list_select_related = ["client"]
    readonly_fields = [
        "number",
        "client",
        "status",
        "legs",
        "category",
        "currency",
        "valid_until",
        "sent_at",
        "decided_at",
        "pricing_profile",
        "created_by",
    ]
    inlines = [QuoteOptionInline]
    actions = ["send_quotes", "accept_quotes"]
    date_hierarchy = "created_at"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = QuoteAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return super().get_fieldsets(request, obj)
        legs = [
            (
                f"Leg {n}",
                {"fields": [(f"leg{n}_from", f"leg{n}_to", f"leg{n}_passengers"), f"leg{n}_departure"]},
            )
            for n in range(1, QUOTE_FORM_LEGS + 1)
        ]
        return [
            (None, {"fields": ["client", "category", "aircraft"]}),
            *legs,
            ("Notes", {"fields": ["notes"]}),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Quote, form: Any, change: bool) -> None:
        """A new quote is made by ``quote_create`` (``QuoteAddForm.perform``)."""
        super().save_model(request, obj, form, change)
        for item in getattr(form, "left_out", []) or []:
            self.message_user(
                request, f"{item['tail_number']} not offered: {' '.join(item['reasons'])}", messages.INFO
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:  # a new quote has no inline rows and no many-to-many fields of its own
            super().save_related(request, form, formsets, change)

    @admin.action(description="Send to the client")
    def send_quotes(self, request: HttpRequest, queryset: QuerySet[Quote]) -> None:
        for quote in queryset:
            self.service_action(
                request,
                quote.number,
                quote_send,
                quote=quote,
                actor=acting_user(request),
                done="sent.",
            )

    @admin.action(description="Accept (book the cheapest option)")
    def accept_quotes(self, request: HttpRequest, queryset: QuerySet[Quote]) -> None:
        for quote in queryset:
            first = quote.options.order_by("rank").first()
            self.service_action(
                request,
                quote.number,
                quote_accept,
                quote=quote,
                option_id=first.pk if first else None,
                actor=acting_user(request),
                done="accepted.",
            )


class FlightInline(admin.TabularInline):
    model = Flight
    extra = 0
    can_delete = False
    fields = (
        "sequence",
        "flight_number",
        "leg_type",
        "aircraft",
        "departure_airport",
        "departure_at",
        "arrival_airport",
        "arrival_at",
        "status",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TripEventInline(admin.TabularInline):
    model = TripEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "flight", "from_status", "to_status", "actor", "detail")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Trip)
class TripAdmin(FlightStatusActions, JetOpsModelAdmin):
    list_display = ["number", "client", "status", "total", "currency", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "client__company_name", "client__contact_person", "flights__flight_number"]
    list_select_related = ["client"]
    readonly_fields = [
        "number",
        "client",
        "quote",
        "quote_option",
        "status",
        "total",
        "currency",
        "created_by",
    ]
    inlines = [FlightInline, TripEventInline]
    actions = ["cancel_trips"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A trip with flights is a booking: it is cancelled, never deleted."""
        if obj is not None and obj.flights.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Cancel every flight not yet departed", permissions=["change_flight_status"])
    def cancel_trips(self, request: HttpRequest, queryset: QuerySet[Trip]) -> None:
        for trip in queryset:
            for flight in trip.flights.filter(status__in=["scheduled", "boarding"]):
                self.service_action(
                    request,
                    flight.flight_number,
                    flight_status_change,
                    flight=flight,
                    status="cancelled",
                    reason="cancelled in the admin",
                    actor=acting_user(request),
                    done="cancelled.",
                )


class ManifestInline(admin.TabularInline):
    model = FlightPassenger
    extra = 0
    fields = ("passenger", "seat", "weight_kg", "bags")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SpecialServiceInline(admin.TabularInline):
    """Written by ``flights.services.extras.special_service_save``; a service no longer wanted is
    cancelled (its status), not deleted."""

    model = SpecialService
    extra = 0
    fields = ("kind", "description", "vendor", "status", "cost", "currency")
    can_delete = False


@admin.register(Flight)
class FlightAdmin(FlightStatusActions, JetOpsModelAdmin):
    list_display = [
        "flight_number",
        "client",
        "aircraft",
        "departure_airport",
        "departure_at",
        "arrival_airport",
        "status",
        "leg_type",
    ]
    list_filter = ["status", "leg_type", "ifr", "aircraft", ("departure_at", admin.DateFieldListFilter)]
    search_fields = [
        "flight_number",
        "aircraft__tail_number",
        "client__company_name",
        "client__contact_person",
    ]
    list_select_related = ["client", "aircraft"]
    date_hierarchy = "departure_at"
    readonly_fields = [
        "flight_number",
        "trip",
        "client",
        "aircraft",
        "sequence",
        "leg_type",
        "departure_airport",
        "arrival_airport",
        "departure_at",
        "arrival_at",
        "busy_until",
        "status",
        "actual_off_block",
        "actual_on_block",
        "landings",
        "diverted_to",
        "cancel_reason",
        "distance_nm",
        "estimated_block_minutes",
        "passenger_count",
    ]
    fields = [
        *readonly_fields,
        "ifr",
        "flight_attendants",
        "departure_fbo",
        "arrival_fbo",
        "flight_plan",
        "billing_info",
    ]
    # Crew adds the flight's crew below these (``crew.admin.assignments``): flights depends
    # on nothing of crew.
    inlines = [ManifestInline, SpecialServiceInline]
    service_inlines = (SpecialService,)
    actions = ["mark_boarding", "mark_departed", "mark_arrived", "mark_completed"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Every flight is booked (it belongs to a trip): it is cancelled through the status
        workflow and its record kept, never deleted, whoever asks."""
        return False

    def save_model(self, request: HttpRequest, obj: Flight, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in FLIGHT_EDIT_FIELDS}
        if data:
            flight_update(flight=obj, actor=acting_user(request), **data)

    def save_inline(self, request: HttpRequest, parent: Model, inline_form: Any) -> Model:
        data = {
            name: inline_form.cleaned_data[name]
            for name in SERVICE_FIELDS
            if name in inline_form.cleaned_data
        }
        existing = inline_form.instance.pk
        return special_service_save(
            flight=Flight.objects.get(pk=parent.pk),
            service=SpecialService.objects.get(pk=existing) if existing else None,
            actor=acting_user(request),
            **data,
        )

    def _status(self, request: HttpRequest, queryset: QuerySet[Flight], status: str) -> None:
        for flight in queryset:
            self.service_action(
                request,
                flight.flight_number,
                flight_status_change,
                flight=flight,
                status=status,
                actor=acting_user(request),
                done=f"{status}.",
            )

    @admin.action(description="Status: boarding", permissions=["change_flight_status"])
    def mark_boarding(self, request: HttpRequest, queryset: QuerySet[Flight]) -> None:
        self._status(request, queryset, "boarding")

    @admin.action(description="Status: departed (now)", permissions=["change_flight_status"])
    def mark_departed(self, request: HttpRequest, queryset: QuerySet[Flight]) -> None:
        self._status(request, queryset, "departed")

    @admin.action(description="Status: arrived (now)", permissions=["change_flight_status"])
    def mark_arrived(self, request: HttpRequest, queryset: QuerySet[Flight]) -> None:
        self._status(request, queryset, "arrived")

    @admin.action(description="Status: completed", permissions=["change_flight_status"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Flight]) -> None:
        self._status(request, queryset, "completed")


@admin.register(ConciergeRequest)
class ConciergeRequestAdmin(JetOpsModelAdmin):
    """The concierge queue. Requests are raised (``concierge_request_create``: the SLA due
    time) and worked (``concierge_request_update``: done or cancelled records when) through
    the services; a request is cancelled, never deleted."""

    list_display = ["subject", "trip", "status", "assignee", "due_at", "resolved_at"]
    list_filter = ["status", "assignee"]
    search_fields = ["subject", "trip__number"]
    list_select_related = ["trip", "assignee"]
    autocomplete_fields = ["trip", "assignee"]
    ordering = ["due_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["trip", "subject", "detail"]
        return ["trip", "subject", "detail", "raised_by", "status", "assignee", "due_at", "resolved_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["trip", "subject", "detail", "raised_by", "due_at", "resolved_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ConciergeRequest, form: Any, change: bool) -> None:
        data, actor = form.cleaned_data, acting_user(request)
        if change:
            concierge_request_update(
                request=ConciergeRequest.objects.get(pk=obj.pk),
                status=data["status"],
                assignee=data.get("assignee"),
                actor=actor,
            )
        else:
            adopt(
                obj,
                concierge_request_create(
                    trip=data["trip"], subject=data["subject"], detail=data.get("detail") or "", actor=actor
                ),
            )


@admin.register(Feedback)
class FeedbackAdmin(JetOpsModelAdmin):
    list_display = ["flight", "rating", "submitted_at", "requested_at"]
    list_filter = ["rating"]
    search_fields = ["flight__flight_number", "comment"]
    list_select_related = ["flight"]
    readonly_fields = ["flight", "rating", "comment", "requested_at", "submitted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requested when a flight completes; the client answers it
