"""Admin screens of the work: tracked items (the due list with traffic lights, per aircraft
or fleet-wide, and the sign-off action), work orders (items, parts used as an inline through
``part_use``, the close-and-sign-off action) and squawks (defer under the MEL, close)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html

from fleet.models import Aircraft
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin, adopt
from jetops.permissions import has_global
from maintenance import permissions as perms
from maintenance import selectors, services
from maintenance.choices import MelCategory
from maintenance.models import PartUsage, Squawk, TrackedItem, WorkOrder
from maintenance.services.work import SQUAWK_FIELDS, WORK_ORDER_FIELDS

LIGHTS = {"overdue": ("#b91c1c", "Overdue"), "due_soon": ("#d97706", "Due soon"), "ok": ("#16a34a", "OK")}


def light(status: str) -> str:
    colour, label = LIGHTS[status]
    return format_html('<span style="color:{}">●</span> {}', colour, label)


class SignOffForm(ActionForm):
    """What a sign-off action asks for: who signs, under which certificate."""

    signer_name = forms.CharField(required=False, max_length=120)
    certificate_number = forms.CharField(required=False, max_length=40)
    corrective_action = forms.CharField(required=False, max_length=500, help_text="For squawks.")


def _signer(request: HttpRequest) -> dict[str, str]:
    return {
        "signer_name": request.POST.get("signer_name", ""),
        "certificate_number": request.POST.get("certificate_number", ""),
    }


class DueForm(forms.Form):
    aircraft = forms.ModelChoiceField(queryset=Aircraft.objects.filter(is_active=True), required=False)
    days = forms.IntegerField(min_value=0, max_value=3650, initial=30, required=False)
    hours = forms.DecimalField(min_value=0, max_value=100000, initial=50, required=False)


@admin.register(TrackedItem)
class TrackedItemAdmin(JetOpsModelAdmin):
    """Tasks and directives tracked per aircraft. Due points are written by the services
    (sign-off, program applied), never typed in here."""

    list_display = ["aircraft", "task", "last_done_on", "due_hours", "due_cycles", "due_on", "terminated"]
    list_filter = ["terminated", "task__program"]
    search_fields = ["aircraft__tail_number", "task__code", "task__title"]
    list_select_related = ["aircraft", "task"]
    readonly_fields = [f.name for f in TrackedItem._meta.fields]
    action_form = SignOffForm
    actions = ["sign_off"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # due points are written by the services only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Sign off (signer and certificate above)", permissions=["sign_off"])
    def sign_off(self, request: HttpRequest, queryset: QuerySet[TrackedItem]) -> None:
        for item in queryset.select_related("aircraft", "task"):
            self.service_action(
                request,
                str(item),
                services.item_sign_off,
                item=item,
                actor=acting_user(request),
                done="signed off",
                **_signer(request),
            )

    def has_sign_off_permission(self, request: HttpRequest) -> bool:
        return has_global(request.user, perms.SIGN_OFF)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.due_view)
        return [path("due/", view, name="maintenance_trackeditem_due"), *super().get_urls()]

    def due_view(self, request: HttpRequest) -> HttpResponse:
        """One aircraft's whole due list (``?aircraft=``), else the fleet's items overdue or
        due within ``days`` (default 30) or ``hours`` (default 50), by forecast date."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DueForm(request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        aircraft = data.get("aircraft")
        days: int = data["days"] if data.get("days") is not None else 30
        hours: Decimal = data["hours"] if data.get("hours") is not None else Decimal("50")
        fleet = {a.pk: a for a in Aircraft.objects.filter(is_active=True)}
        if aircraft is not None:
            pairs = [(aircraft.pk, row) for row in selectors.due_list(aircraft)]
        else:
            pairs = selectors.due_within(list(fleet), days=days, hours=hours)
        rows = []
        for aircraft_id, row in pairs:
            values = row.as_dict()
            values.update(
                aircraft_id=aircraft_id,
                tail_number=fleet[aircraft_id].tail_number if aircraft_id in fleet else "",
                light=light(row.evaluation.status),
            )
            rows.append(values)
        rows.sort(key=lambda r: (r["forecast"] or "9999", r["tail_number"]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Due list — {aircraft.tail_number}" if aircraft else "Due list — fleet",
            "form": form if form.is_bound else DueForm(),
            "rows": rows,
            "aircraft": aircraft,
            "days": days,
            "hours": hours,
        }
        return TemplateResponse(request, "admin/maintenance/trackeditem/due.html", context)


class PartUsageInline(admin.TabularInline):
    """Parts taken from stock (``part_use``: the stock goes down, the unit cost is kept)."""

    model = PartUsage
    extra = 0
    fields = ["part", "quantity", "unit_cost"]
    readonly_fields = ["unit_cost"]
    autocomplete_fields = ["part"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SquawkInline(admin.TabularInline):
    model = Squawk
    extra = 0
    fields = ("description", "severity", "status", "mel_category", "deferred_until")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WorkOrderForm(forms.ModelForm):
    class Meta:
        model = WorkOrder
        fields = ["aircraft", *WORK_ORDER_FIELDS, "items"]


@admin.register(WorkOrder)
class WorkOrderAdmin(JetOpsModelAdmin):
    """A work order: items to sign off, parts used, squawks; closing signs the items off."""

    form = WorkOrderForm
    list_display = ["number", "aircraft", "title", "status", "planned_start", "planned_end", "vendor"]
    list_filter = ["status"]
    search_fields = ["number", "title", "aircraft__tail_number"]
    list_select_related = ["aircraft", "vendor"]
    autocomplete_fields = ["aircraft"]
    filter_horizontal = ["items"]
    readonly_fields = ["number", "status", "closed_at", "closed_by"]
    inlines = [PartUsageInline, SquawkInline]
    service_inlines = (PartUsage,)
    action_form = SignOffForm
    actions = ["close"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*self.readonly_fields, "aircraft"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancelled through the status, kept as a record

    def save_model(self, request: HttpRequest, obj: WorkOrder, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in WORK_ORDER_FIELDS if name in form.cleaned_data}
        items = list(form.cleaned_data.get("items") or [])
        actor = acting_user(request)
        if change:
            saved = services.work_order_update(
                work_order=WorkOrder.objects.get(pk=obj.pk), actor=actor, items=items, **data
            )
        else:
            saved = services.work_order_create(
                aircraft=form.cleaned_data["aircraft"], actor=actor, items=items, **data
            )
        adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # the items were set by the service; only the inlines remain
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_inline(self, request: HttpRequest, parent: Any, inline_form: Any) -> Any:
        data = inline_form.cleaned_data
        return services.part_use(
            work_order=WorkOrder.objects.get(pk=parent.pk),
            part=data["part"],
            quantity=data["quantity"],
            actor=acting_user(request),
        )

    def delete_inline(self, request: HttpRequest, instance: Any) -> None:
        raise PermissionDenied("Parts used stay on the work order's record.")

    @admin.action(description="Close and sign off (signer, certificate, corrective action above)")
    def close(self, request: HttpRequest, queryset: QuerySet[WorkOrder]) -> None:
        for order in queryset:
            self.service_action(
                request,
                str(order),
                services.work_order_close,
                work_order=order,
                actor=acting_user(request),
                corrective_action=request.POST.get("corrective_action", ""),
                done="closed and signed off",
                **_signer(request),
            )


class SquawkActionForm(ActionForm):
    mel_item = forms.CharField(required=False, max_length=30)
    mel_category = forms.ChoiceField(required=False, choices=[("", "—"), *MelCategory.choices])
    mel_interval_days = forms.IntegerField(required=False, min_value=1, max_value=365)
    corrective_action = forms.CharField(required=False, max_length=500)


@admin.register(Squawk)
class SquawkAdmin(JetOpsModelAdmin):
    """Discrepancies: raised and changed through the services; deferred (MEL) and closed by
    the actions."""

    list_display = [
        "aircraft",
        "description",
        "severity",
        "status",
        "mel_category",
        "deferred_until",
        "raised_at",
    ]
    list_filter = ["status", "severity", "reportable"]
    search_fields = ["aircraft__tail_number", "description", "mel_item"]
    list_select_related = ["aircraft"]
    autocomplete_fields = ["aircraft"]
    fields = ["aircraft", *SQUAWK_FIELDS]
    action_form = SquawkActionForm
    actions = ["defer", "close"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["aircraft"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # closed with a corrective action, kept as a record

    def save_model(self, request: HttpRequest, obj: Squawk, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in SQUAWK_FIELDS if name in form.cleaned_data}
        actor = acting_user(request)
        if change:
            saved = services.squawk_update(squawk=Squawk.objects.get(pk=obj.pk), actor=actor, **data)
        else:
            saved = services.squawk_raise(aircraft=form.cleaned_data["aircraft"], actor=actor, **data)
        adopt(obj, saved)

    @admin.action(description="Defer under the MEL (item, category above)", permissions=["change"])
    def defer(self, request: HttpRequest, queryset: QuerySet[Squawk]) -> None:
        interval = request.POST.get("mel_interval_days") or None
        for squawk in queryset:
            self.service_action(
                request,
                str(squawk),
                services.squawk_defer,
                squawk=squawk,
                actor=acting_user(request),
                mel_item=request.POST.get("mel_item", ""),
                mel_category=request.POST.get("mel_category", ""),
                mel_interval_days=int(interval) if interval and interval.isdigit() else None,
                done="deferred",
            )

    @admin.action(description="Close (corrective action above)", permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Squawk]) -> None:
        for squawk in queryset:
            self.service_action(
                request,
                str(squawk),
                services.squawk_close,
                squawk=squawk,
                actor=acting_user(request),
                corrective_action=request.POST.get("corrective_action", ""),
                done="closed",
            )
