"""Admin screens of maintenance reference records: programs, tasks, directives, vendors,
parts (through their services), and the read-only sign-offs, corrections and alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fleet.admin import ReadOnlyMixin
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin, adopt
from maintenance import services
from maintenance.models import (
    ComplianceRecord,
    Directive,
    MaintenanceAlert,
    Part,
    Program,
    Task,
    TimeCorrection,
    Vendor,
)
from maintenance.services.programs import DIRECTIVE_FIELDS, PROGRAM_FIELDS, TASK_FIELDS
from maintenance.services.work import PART_FIELDS, VENDOR_FIELDS


class SavedByService(JetOpsModelAdmin):
    """A record created and changed by one ``<model>_save(actor=, <model>=, **fields)`` service.
    Never deleted here: sign-offs, work orders and reports refer to it."""

    save_service: Callable[..., Any]
    save_fields: tuple[str, ...] = ()
    instance_kw = ""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in self.save_fields if name in form.cleaned_data}
        existing = {self.instance_kw: type(obj).objects.get(pk=obj.pk)} if change else {}
        adopt(obj, type(self).save_service(actor=acting_user(request), **existing, **data))


@admin.register(Program)
class ProgramAdmin(SavedByService):
    list_display = ["name", "kind", "aircraft_type"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = list(PROGRAM_FIELDS)
    save_service = services.program_save
    save_fields = PROGRAM_FIELDS
    instance_kw = "program"


@admin.register(Task)
class TaskAdmin(SavedByService):
    list_display = [
        "code",
        "title",
        "program",
        "interval_hours",
        "interval_cycles",
        "interval_days",
        "interval_months",
    ]
    list_filter = ["program"]
    search_fields = ["code", "title"]
    list_select_related = ["program"]
    fields = ["program", *TASK_FIELDS]
    save_fields = TASK_FIELDS
    instance_kw = "task"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["program"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in TASK_FIELDS if name in form.cleaned_data}
        target = (
            {"task": Task.objects.get(pk=obj.pk)} if change else {"program": form.cleaned_data["program"]}
        )
        adopt(obj, services.task_save(actor=acting_user(request), **target, **data))


@admin.register(Directive)
class DirectiveAdmin(SavedByService):
    list_display = ["number", "revision", "subject", "effective_on", "recurring"]
    list_filter = ["recurring"]
    search_fields = ["number", "subject"]
    fields = list(DIRECTIVE_FIELDS)
    save_service = services.directive_save
    save_fields = DIRECTIVE_FIELDS
    instance_kw = "directive"


@admin.register(Vendor)
class VendorAdmin(SavedByService):
    list_display = ["name", "certificate_number", "certificate_expires_on", "contact_name"]
    search_fields = ["name", "certificate_number"]
    fields = list(VENDOR_FIELDS)
    save_service = services.vendor_save
    save_fields = VENDOR_FIELDS
    instance_kw = "vendor"


@admin.register(Part)
class PartAdmin(SavedByService):
    list_display = ["part_number", "description", "serial_number", "location", "quantity", "minimum_quantity"]
    list_filter = ["location"]
    search_fields = ["part_number", "description", "serial_number"]
    fields = list(PART_FIELDS)
    save_service = services.part_save
    save_fields = PART_FIELDS
    instance_kw = "part"


@admin.register(ComplianceRecord)
class ComplianceRecordAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """Sign-offs (written by ``maintenance.services.item_sign_off``)."""

    list_display = ["done_on", "item", "hours", "cycles", "signer_name", "certificate_number", "work_order"]
    search_fields = ["item__aircraft__tail_number", "item__task__code", "signer_name"]
    list_select_related = ["item__aircraft", "item__task", "work_order"]
    date_hierarchy = "done_on"


@admin.register(TimeCorrection)
class TimeCorrectionAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """Corrections of aircraft times (``maintenance.services.time_correct``)."""

    list_display = [
        "at",
        "aircraft",
        "hours_delta",
        "cycles_delta",
        "hours_after",
        "cycles_after",
        "reason",
        "actor",
    ]
    list_select_related = ["aircraft", "actor"]
    search_fields = ["aircraft__tail_number", "reason"]


@admin.register(MaintenanceAlert)
class MaintenanceAlertAdmin(ReadOnlyMixin, JetOpsModelAdmin):
    """Alerts sent by the daily task, once each."""

    list_display = ["sent_at", "kind", "aircraft", "message"]
    list_filter = ["kind"]
    list_select_related = ["aircraft"]
