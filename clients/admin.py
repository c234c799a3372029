"""Client accounts in the admin: the same services as the API do the writes, inline rows
(passengers, data requests) included."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from clients import services
from clients.choices import NotificationChannel, NotificationEvent
from clients.models import Client, ClientMembership, DataRequest, Passenger, PaymentMethod
from clients.permissions import ERASE_CLIENT
from clients.personal import masked_value, sees_sensitive, sensitive_fields
from clients.preferences import MAX_ITEMS, MAX_SHORT_TEXT, default_preferences
from jetops.activity import acting_user, request_meta_with_code
from jetops.admin import REFUSALS, JetOpsModelAdmin, adopt, authenticator_code_field, critical_refusal
from jetops.critical import CriticalOperationRefused
from jetops.jsondepth import DepthBoundJSONFormField
from jetops.permissions import has_global

PREFERENCE_FIELDS = (
    "dietary_restrictions",
    "special_requests",
    "preferred_aircraft",
    "notification_preferences",
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _listed(value: Any) -> list[str]:
    """A stored list of texts (or one text, as special requests were once stored)."""
    return [value] if isinstance(value, str) and value else list(value or [])


class ClientAdminForm(forms.ModelForm):
    """A client account, its preferences as fields: the lists one item per line, preferred
    aircraft picked from the fleet, notifications as ticks. ``clients.services`` checks them
    with the API's rules (``clients.preferences``)."""

    dietary_restrictions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line."
    )
    special_requests = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=f"One request per line: at most {MAX_ITEMS}, each up to {MAX_SHORT_TEXT} characters.",
    )
    preferred_aircraft: forms.ModelMultipleChoiceField[Model] = forms.ModelMultipleChoiceField(
        queryset=None, required=False
    )
    notification_preferences = forms.MultipleChoiceField(
        label="Notifications",
        choices=[
            (f"{channel.value}:{event.value}", f"{channel.label}: {event.label}")
            for channel in NotificationChannel
            for event in NotificationEvent
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    emergency_contacts = DepthBoundJSONFormField(
        required=False, help_text='[{"name", "relationship", "phone", "email"}, …]'
    )

    class Meta:
        model = Client
        fields = list(services.CLIENT_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        aircraft = apps.get_model("fleet", "Aircraft")
        self.fields["preferred_aircraft"].queryset = aircraft.objects.order_by("tail_number")  # type: ignore[attr-defined]
        stored = {**default_preferences(), **(self.instance.preferences or {})}
        self.fields["dietary_restrictions"].initial = "\n".join(_listed(stored["dietary_restrictions"]))
        self.fields["special_requests"].initial = "\n".join(_listed(stored["special_requests"]))
        self.fields["preferred_aircraft"].initial = stored["preferred_aircraft"]
        self.fields["notification_preferences"].initial = [
            f"{channel}:{event}"
            for channel, events in stored["notification_preferences"].items()
            for event, on in events.items()
            if on
        ]

    def preferences(self) -> dict[str, Any] | None:
        """The preferences posted, in the API's shape, or None when none changed."""
        if not set(self.changed_data) & set(PREFERENCE_FIELDS):
            return None
        data = self.cleaned_data
        ticked = set(data["notification_preferences"])
        return {
            "dietary_restrictions": _lines(data["dietary_restrictions"]),
            "special_requests": _lines(data["special_requests"]),
            "preferred_aircraft": [a.pk for a in data["preferred_aircraft"]],
            "notification_preferences": {
                channel: {event: f"{channel}:{event}" in ticked for event in NotificationEvent.values}
                for channel in NotificationChannel.values
            },
        }


class PassengerInline(admin.TabularInline):
    model = Passenger
    extra = 0
    fields = ["first_name", "last_name", "nationality", "passport_expiry", "weight_kg", "is_active"]
    show_change_link = True


class PaymentMethodInline(admin.TabularInline):
    """Masked: brand, last four and expiry only; tokens are added through the API."""

    model = PaymentMethod
    extra = 0
    fields = ("brand", "last4", "exp_month", "exp_year", "holder_name", "provider", "is_default")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = ClientMembership
    extra = 0
    fields = ("user", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DataRequestInline(admin.TabularInline):
    """The account's data-subject requests: a register, so rows are never deleted."""

    model = DataRequest
    extra = 0
    fields = ["kind", "status", "received_on", "due_on", "completed_at"]
    readonly_fields = ["due_on", "completed_at"]
    can_delete = False


class EraseConfirmForm(forms.Form):
    otp_code = authenticator_code_field(
        "The code your authenticator app shows now: erasure cannot be undone.", required=True
    )


@admin.register(Client)
class ClientAdmin(JetOpsModelAdmin):
    form = ClientAdminForm
    list_display = [
        "display_name",
        "client_type",
        "email",
        "phone",
        "vip_status",
        "billing_currency",
        "flights_count",
        "account_manager",
        "legal_hold",
        "erased_at",
    ]
    list_filter = ["client_type", "vip_status", "billing_currency", "legal_hold"]
    search_fields = ["contact_person", "company_name", "email", "phone"]
    autocomplete_fields = ["account_manager"]
    readonly_fields = ["flights_count", "flight_hours", "total_spend", "erased_at", "pseudonym", "created_at"]
    inlines = [PassengerInline, PaymentMethodInline, MembershipInline, DataRequestInline]
    service_inlines = (Passenger, DataRequest)
    actions = ["erase_personal_data"]
    fieldsets = [
        (None, {"fields": ["client_type", "company_name", "contact_person", "email", "phone", "vip_status"]}),
        ("Billing", {"fields": ["billing_address", "billing_currency", "discount_percent", "credit_limit"]}),
        (
            "Service",
            {"fields": ["account_manager", "special_instructions", "emergency_contacts"]},
        ),
        ("Preferences", {"fields": list(PREFERENCE_FIELDS)}),
        ("Loyalty", {"fields": ["flights_count", "flight_hours", "total_spend"]}),
        ("GDPR", {"fields": ["legal_hold", "legal_hold_reason", "erased_at", "pseudonym", "created_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        actor, preferences = acting_user(request), form.preferences()
        if change:
            fields = {
                name: form.cleaned_data[name] for name in form.changed_data if name in services.CLIENT_FIELDS
            }
            services.client_update(
                client=Client.objects.get(pk=obj.pk), actor=actor, preferences=preferences, **fields
            )
        else:
            fields = {
                name: form.cleaned_data[name] for name in services.CLIENT_FIELDS if name in form.cleaned_data
            }
            adopt(obj, services.client_create(actor=actor, preferences=preferences, **fields))

    def save_inline(self, request: HttpRequest, parent: Model, inline_form: Any) -> Model:
        actor, row, data = acting_user(request), inline_form.instance, inline_form.cleaned_data
        client = Client.objects.get(pk=parent.pk)
        if isinstance(row, Passenger):
            fields = {
                name: data[name] for name in inline_form.changed_data if name in services.PASSENGER_FIELDS
            }
            if row.pk is None:
                return services.passenger_create(client=client, actor=actor, **fields)
            return services.passenger_update(
                passenger=Passenger.objects.get(pk=row.pk), actor=actor, **fields
            )
        if row.pk is None:
            return services.data_request_create(
                client=client,
                kind=data["kind"],
                received_on=data.get("received_on"),
                actor=actor,
            )
        return services.data_request_update(
            request=DataRequest.objects.get(pk=row.pk), status=data["status"], actor=actor
        )

    def delete_inline(self, request: HttpRequest, instance: Model) -> None:
        """Only passengers are deleted inline (one on a manifest is kept: deactivate it)."""
        services.passenger_delete(passenger=instance, actor=acting_user(request))  # type: ignore[arg-type]

    @admin.action(description="Erase personal data (GDPR; refused under legal hold)", permissions=["erase"])
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet[Client]
    ) -> TemplateResponse | None:
        """A confirmation page asks for the authenticator code (the step-up of a critical
        operation), then ``client_erase`` erases each client or says why it refused."""
        form = EraseConfirmForm(request.POST if "erase_confirmed" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase personal data",
                "opts": self.model._meta,
                "clients": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/clients/client/erase_confirmation.html", context)
        meta = request_meta_with_code(request, form.cleaned_data["otp_code"])
        for client in queryset:
            try:
                services.client_erase(client=client, actor=acting_user(request), meta=meta)
            except CriticalOperationRefused as exc:
                # The same refusal would meet every other client: stop here.
                self.message_user(
                    request, f"{critical_refusal(request, exc)} Nothing more was erased.", messages.ERROR
                )
                break
            except REFUSALS as exc:
                self.refusal_message(request, str(client), exc)
            else:
                self.message_user(request, f"{client}: personal data erased.", messages.SUCCESS)
        return None

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return has_global(request.user, ERASE_CLIENT)


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """A change history whose sensitive values read as masked (``clients.personal``)."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        return super().prepare_delta_change_value(change, masked_value(self.model, change.field, value))


@admin.register(Passenger)
class PassengerAdmin(JetOpsModelAdmin):
    list_display = ["__str__", "client", "nationality", "passport_expiry", "is_active"]
    list_filter = ["is_active", "nationality"]
    search_fields = ["first_name", "last_name", "email", "client__company_name", "client__contact_person"]
    autocomplete_fields = ["client"]
    list_select_related = ["client"]

    def get_exclude(self, request: HttpRequest, obj: Passenger | None = None) -> Any:
        """Passports in clear only for those the API shows them to (``clients.personal``);
        the others' form leaves the fields out, so they are neither shown nor changed."""
        if sees_sensitive(request.user, obj.client if obj is not None else None):
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or ()), *sensitive_fields(Passenger)]

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        # The change history shows old and new values: masked like the form.
        if sees_sensitive(request.user, historical_record.client):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskedHistoryContextHelper(self.model, historical_record)

    def save_model(self, request: HttpRequest, obj: Passenger, form: Any, change: bool) -> None:
        data = {
            name: form.cleaned_data[name] for name in services.PASSENGER_FIELDS if name in form.cleaned_data
        }
        if change:
            services.passenger_update(
                passenger=Passenger.objects.get(pk=obj.pk), actor=acting_user(request), **data
            )
        else:
            adopt(
                obj,
                services.passenger_create(
                    client=form.cleaned_data["client"], actor=acting_user(request), **data
                ),
            )

    def remove(self, request: HttpRequest, obj: Passenger) -> None:
        services.passenger_delete(passenger=obj, actor=acting_user(request))


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Overdue"), ("open", "Open")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DataRequest]) -> QuerySet[DataRequest]:
        open_requests = queryset.filter(status__in=["received", "in_progress"])
        if self.value() == "overdue":
            return open_requests.filter(due_on__lt=timezone.localdate())
        if self.value() == "open":
            return open_requests
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(JetOpsModelAdmin):
    list_display = ["client", "kind", "status", "received_on", "due_on", "completed_at", "handled_by"]
    list_filter = [OverdueFilter, "kind", "status"]
    search_fields = ["client__company_name", "client__contact_person"]
    autocomplete_fields = ["client"]
    readonly_fields = ["due_on", "completed_at", "requested_by", "handled_by"]
    list_select_related = ["client", "handled_by"]
    date_hierarchy = "received_on"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a register: requests are completed or refused, never removed

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        if change:
            services.data_request_update(
                request=obj,
                actor=acting_user(request),
                status=obj.status,
                notes=obj.notes,
            )
        else:
            adopt(
                obj,
                services.data_request_create(
                    client=obj.client,
                    kind=obj.kind,
                    actor=acting_user(request),
                    received_on=obj.received_on,
                    notes=obj.notes,
                ),
            )
