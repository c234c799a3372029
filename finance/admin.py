"""Finance in the admin: the quoting profile with its airport and permit fees, the dated tax
tables and FX rates (with a CSV import); the market rules with their regions, peak calendars
and the aircraft operating costs; the billing profile; invoices (generated from a trip
or a quote, issued, voided, sent, paid, credited), payments (refunds), prepaid accounts,
reminders and gateway events. Every write goes through ``finance.services``; credit notes
and refunds ask for the authenticator code (step-up). Every change is in the history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from finance import services
from finance.models import (
    AircraftOperatingCost,
    AirportFee,
    BillingProfile,
    DunningReminder,
    FxRate,
    GatewayEvent,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethodKind,
    PeakPeriod,
    PermitFee,
    PrepaidAccount,
    PrepaidEntry,
    PricingProfile,
    PricingRegion,
    PricingRule,
    TaxRate,
)
from finance.tasks import invoice_send_task
from flights.models import Quote, Trip
from jetops.activity import acting_user, request_meta_with_code
from jetops.admin import (
    JetOpsModelAdmin,
    ReadOnlyAdmin,
    ServiceAddAdminMixin,
    ServiceForm,
    authenticator_code_field,
)
from jetops.models import User


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


class FxRateForm(ServiceForm):
    """One rate typed in, or a CSV file of rates (``base,quote,rate,effective_on``) imported
    all or nothing through ``fx_rates_import``."""

    csv_file = forms.FileField(
        required=False, help_text="Or import a CSV file with the columns base,quote,rate,effective_on."
    )

    class Meta:
        model = FxRate
        fields = ["base", "quote", "rate", "effective_on", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get("csv_file") or self.files.get("csv_file"):
            for name in ("base", "quote", "rate"):
                self.fields[name].required = False

    def _post_clean(self) -> None:
        if not self.files.get("csv_file"):
            super()._post_clean()  # type: ignore[misc]

    def perform(self, actor: User | None) -> Model:
        upload = self.cleaned_data.get("csv_file")
        if upload:
            text = upload.read().decode("utf-8-sig", errors="replace")
            services.fx_rates_import(text=text, source=upload.name[:100], actor=actor)
            return FxRate.objects.order_by("-updated_at", "-id").first()  # type: ignore[return-value]
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        rows = "base,quote,rate,effective_on\n{base},{quote},{rate},{effective_on}\n".format(**data)
        services.fx_rates_import(text=rows, source=data["source"] or "admin", actor=actor)
        return FxRate.objects.get(base=data["base"], quote=data["quote"], effective_on=data["effective_on"])


@admin.register(FxRate)
class FxRateAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    form = FxRateForm
    list_display = ["base", "quote", "rate", "effective_on", "source"]
    list_filter = ["base", "quote"]
    ordering = ["base", "quote", "-effective_on"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A rate in use is history: change it by entering a new dated row.
        return ["base", "quote", "rate", "effective_on", "source"] if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["base", "quote", "rate", "effective_on", "source"]
        return fields if obj else [*fields, "csv_file"]


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


@admin.register(BillingProfile)
class BillingProfileAdmin(JetOpsModelAdmin):
    list_display = ["name", "is_active", "legal_name", "base_currency", "invoice_prefix", "updated_at"]
    list_filter = ["is_active"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "base_currency"]}),
        (
            "On the invoice",
            {"fields": ["legal_name", "address", "tax_id", "email", "phone", "logo", "bank_details"]},
        ),
        (
            "Numbering",
            {
                "fields": [
                    "invoice_prefix",
                    "credit_note_prefix",
                    "proforma_prefix",
                    "number_width",
                    "yearly_reset",
                ]
            },
        ),
        ("Terms", {"fields": ["default_payment_terms_days", "service_markup_percent"]}),
    ]


class InvoiceLineInline(admin.TabularInline):
    """What the invoice bills, each line naming its source; written only by the services."""

    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "position",
        "kind",
        "description",
        "quantity",
        "amount",
        "base_amount",
        "flight",
        "special_service",
        "tax_rule",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fk_name = "invoice"
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "kind",
        "method",
        "amount",
        "currency",
        "applied_amount",
        "fx_rate",
        "fx_date",
        "received_on",
        "reference",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvoiceCreateForm(ServiceForm):
    """Generate a draft from a completed trip, or a pro-forma from an accepted quote."""

    deposit_percent = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text="Quote only: invoice this share as a deposit.",
    )

    class Meta:
        model = Invoice
        fields = ["trip", "quote"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = Trip.objects.filter(status="completed").select_related("client")  # type: ignore[attr-defined]
        self.fields["quote"].queryset = Quote.objects.filter(status="accepted").select_related("client")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("trip")) == bool(data.get("quote")):
            raise forms.ValidationError("Choose a completed trip or an accepted quote.")
        return data

    def _post_clean(self) -> None:
        """The service builds and validates the invoice."""

    def perform(self, actor: User | None) -> Model:
        if self.cleaned_data.get("trip"):
            return services.invoice_from_trip(trip=self.cleaned_data["trip"], actor=actor)
        return services.invoice_from_quote(
            quote=self.cleaned_data["quote"],
            actor=actor,
            deposit_percent=self.cleaned_data.get("deposit_percent"),
        )


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=300)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = forms.RegexField(r"^[A-Z]{3}$", help_text="ISO 4217, e.g. USD.")
    method = forms.ChoiceField(
        choices=[c for c in PaymentMethodKind.choices if c[0] != PaymentMethodKind.PREPAID]
    )
    reference = forms.CharField(max_length=120, required=False)
    received_on = forms.DateField(required=False, help_text="YYYY-MM-DD; empty: today.")


class CreditNoteForm(forms.Form):
    reason = forms.CharField(max_length=300)
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text="Empty: all of it.",
    )
    otp_code = authenticator_code_field("The code your authenticator app shows now.", required=True)


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(max_length=120)
    otp_code = authenticator_code_field("The code your authenticator app shows now.", required=True)


def action_form(
    model_admin: JetOpsModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    form_class: type[forms.Form],
    *,
    action: str,
    title: str,
) -> tuple[forms.Form | None, TemplateResponse | None]:
    """The form an admin action asks for (``templates/admin/finance/action_form.html``): the
    bound, valid form once posted, else the page to show."""
    form = form_class(request.POST if "confirmed" in request.POST else None)
    if form.is_valid():
        return form, None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "objects": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return None, TemplateResponse(request, "admin/finance/action_form.html", context)


@admin.register(Invoice)
class InvoiceAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "client",
        "trip",
        "total",
        "currency",
        "balance",
        "issued_on",
        "due_on",
    ]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["number", "client__company_name", "client__contact_person", "trip__number"]
    list_select_related = ["client", "trip"]
    inlines = [InvoiceLineInline, PaymentInline]
    actions = ["issue", "send", "void", "record_payment", "credit_note"]
    readonly_fields = [f.name for f in Invoice._meta.fields if f.name not in ("id",)]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = InvoiceCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj else ["trip", "quote", "deposit_percent"]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.invoice_delete_draft(invoice=obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for invoice in queryset:
            self.service_action(
                request,
                str(invoice),
                services.invoice_delete_draft,
                invoice=invoice,
                actor=acting_user(request),
            )

    @admin.action(description="Issue (number, date and e-mail)")
    def issue(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset:
            self.service_action(
                request,
                str(invoice),
                services.invoice_issue,
                invoice=invoice,
                actor=acting_user(request),
                done="issued",
            )

    @admin.action(description="E-mail again if not yet sent")
    def send(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset.exclude(status=InvoiceStatus.DRAFT):
            invoice_send_task.delay(invoice.pk)
        self.message_user(request, "The e-mails are queued (each invoice is sent once).", messages.SUCCESS)

    @admin.action(description="Void")
    def void(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> TemplateResponse | None:
        form, page = action_form(self, request, queryset, VoidForm, action="void", title="Void invoices")
        if form is None:
            return page
        for invoice in queryset:
            self.service_action(
                request,
                str(invoice),
                services.invoice_void,
                invoice=invoice,
                actor=acting_user(request),
                reason=form.cleaned_data["reason"],
                done="void",
            )
        return None

    @admin.action(description="Record a payment")
    def record_payment(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> TemplateResponse | None:
        form, page = action_form(
            self, request, queryset, PaymentForm, action="record_payment", title="Record a payment"
        )
        if form is None:
            return page
        data = form.cleaned_data
        # The form's masked CSRF token is new on every page shown: a form posted twice (a
        # double click) records one payment.
        token = request.POST.get("csrfmiddlewaretoken", "")
        for invoice in queryset:
            self.service_action(
                request,
                str(invoice),
                services.payment_record,
                invoice=invoice,
                actor=acting_user(request),
                idempotency_key=f"admin:{token}:{invoice.pk}",
                amount=data["amount"],
                currency=data["currency"],
                method=data["method"],
                reference=data["reference"],
                received_on=data["received_on"],
                done="payment recorded",
            )
        return None

    @admin.action(description="Issue a credit note (authenticator code)")
    def credit_note(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> TemplateResponse | None:
        form, page = action_form(
            self, request, queryset, CreditNoteForm, action="credit_note", title="Credit note"
        )
        if form is None:
            return page
        meta = request_meta_with_code(request, form.cleaned_data["otp_code"])
        for invoice in queryset:
            ok = self.service_action(
                request,
                str(invoice),
                services.credit_note_create,
                invoice=invoice,
                actor=acting_user(request),
                meta=meta,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data.get("amount"),
                done="credited",
            )
            if not ok:
                break  # a code works once: the next invoice would be refused too
        return None


@admin.register(Payment)
class PaymentAdmin(JetOpsModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "method",
        "amount",
        "currency",
        "applied_amount",
        "received_on",
        "gateway",
    ]
    list_filter = ["kind", "method", "gateway", "currency"]
    search_fields = ["reference", "gateway_reference", "invoice__number"]
    list_select_related = ["invoice"]
    actions = ["refund"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded on the invoice (action) or by the gateway

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Refund (authenticator code)", permissions=["refund"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> TemplateResponse | None:
        form, page = action_form(self, request, queryset, RefundForm, action="refund", title="Refund")
        if form is None:
            return page
        meta = request_meta_with_code(request, form.cleaned_data["otp_code"])
        for payment in queryset[:1]:  # one refund per code
            self.service_action(
                request,
                str(payment),
                services.payment_refund,
                payment=payment,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                idempotency_key=f"admin-refund:{request.POST.get('csrfmiddlewaretoken', '')}:{payment.pk}",
                actor=acting_user(request),
                meta=meta,
                done="refunded",
            )
        return None

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("finance.refund_payment"))


class PrepaidAccountForm(ServiceForm):
    class Meta:
        model = PrepaidAccount
        fields = ["client", "alert_threshold"]

    def _post_clean(self) -> None:
        """The service validates."""

    def perform(self, actor: User | None) -> Model:
        return services.prepaid_account_open(
            client=self.cleaned_data["client"],
            actor=actor,
            alert_threshold=self.cleaned_data["alert_threshold"],
        )


class DepositForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(max_length=120, required=False)


class PrepaidEntryInline(admin.TabularInline):
    model = PrepaidEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "amount", "balance_after", "invoice", "reference")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrepaidAccount)
class PrepaidAccountAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    form = PrepaidAccountForm
    list_display = ["client", "balance", "currency", "alert_threshold", "alerted"]
    list_select_related = ["client"]
    inlines = [PrepaidEntryInline]
    actions = ["deposit"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["client", "currency", "balance", "alert_threshold", "alerted"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Record a deposit")
    def deposit(self, request: HttpRequest, queryset: QuerySet[PrepaidAccount]) -> TemplateResponse | None:
        form, page = action_form(self, request, queryset, DepositForm, action="deposit", title="Deposit")
        if form is None:
            return page
        for account in queryset:
            self.service_action(
                request,
                str(account),
                services.prepaid_deposit,
                account=account,
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
                actor=acting_user(request),
                done="deposit recorded",
            )
        return None


@admin.register(DunningReminder)
class DunningReminderAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "days_overdue", "sent_at"]
    list_select_related = ["invoice"]


@admin.register(GatewayEvent)
class GatewayEventAdmin(ReadOnlyAdmin):
    list_display = ["gateway", "event_type", "event_id", "received_at", "outcome"]
    list_filter = ["gateway", "event_type"]
