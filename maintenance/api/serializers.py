"""Maintenance API shapes. Writes are validated here and performed by ``maintenance.services``."""

from __future__ import annotations

from rest_framework import serializers

from fleet.models import Aircraft
from jetops.api.serializers import StrictModelSerializer, StrictSerializer
from maintenance.choices import MelCategory
from maintenance.models import (
    ComplianceRecord,
    Directive,
    Part,
    Program,
    Squawk,
    Task,
    TimeCorrection,
    TrackedItem,
    Vendor,
    WorkOrder,
)
from maintenance.services.programs import TASK_FIELDS

LIMIT_FIELDS = tuple(f for f in TASK_FIELDS if f not in ("code", "title"))


class ProgramSerializer(StrictModelSerializer):
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "kind",
            "aircraft_type",
            "description",
            "task_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ProgramApplySerializer(StrictSerializer):
    aircraft = serializers.PrimaryKeyRelatedField(queryset=Aircraft.objects.all())
    baseline_on = serializers.DateField(required=False, help_text="Default: today.")


class TaskSerializer(StrictModelSerializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all())

    class Meta:
        model = Task
        fields = ["id", "program", "directive", "code", "title", *LIMIT_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "directive", "created_at", "updated_at"]


class LimitsSerializer(StrictModelSerializer):
    class Meta:
        model = Task
        fields = list(LIMIT_FIELDS)


class DirectiveSerializer(StrictModelSerializer):
    limits = LimitsSerializer(source="task", required=False)

    class Meta:
        model = Directive
        fields = [
            "id",
            "number",
            "revision",
            "revision_date",
            "effective_on",
            "subject",
            "applicability",
            "method_of_compliance",
            "recurring",
            "terminating_action",
            "limits",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class DirectiveApplySerializer(StrictSerializer):
    aircraft = serializers.PrimaryKeyRelatedField(queryset=Aircraft.objects.all())


class TrackedItemSerializer(StrictModelSerializer):
    tail_number = serializers.CharField(source="aircraft.tail_number", read_only=True)
    code = serializers.CharField(source="task.code", read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)

    class Meta:
        model = TrackedItem
        fields = [
            "id",
            "aircraft",
            "tail_number",
            "task",
            "code",
            "title",
            "last_done_on",
            "last_done_hours",
            "last_done_cycles",
            "due_hours",
            "due_cycles",
            "due_on",
            "whichever_later",
            "terminated",
        ]
        read_only_fields = fields


class SignOffSerializer(StrictSerializer):
    signer_name = serializers.CharField(max_length=120)
    certificate_number = serializers.CharField(max_length=40)
    done_on = serializers.DateField(required=False)
    hours = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    cycles = serializers.IntegerField(min_value=0, required=False)
    method = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    terminating = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ComplianceRecordSerializer(StrictModelSerializer):
    class Meta:
        model = ComplianceRecord
        fields = [
            "id",
            "item",
            "work_order",
            "done_on",
            "hours",
            "cycles",
            "signer_name",
            "certificate_number",
            "method",
            "terminating",
            "notes",
        ]
        read_only_fields = fields


class WorkOrderSerializer(StrictModelSerializer):
    aircraft = serializers.PrimaryKeyRelatedField(queryset=Aircraft.objects.all())
    items = serializers.PrimaryKeyRelatedField(queryset=TrackedItem.objects.all(), many=True, required=False)
    squawks = serializers.PrimaryKeyRelatedField(queryset=Squawk.objects.all(), many=True, required=False)
    parts_cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    total_cost = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "aircraft",
            "title",
            "vendor",
            "planned_start",
            "planned_end",
            "status",
            "items",
            "squawks",
            "labour_hours",
            "labour_cost",
            "other_cost",
            "parts_cost",
            "total_cost",
            "budget",
            "currency",
            "closed_at",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "number", "closed_at", "created_at", "updated_at"]

    def get_total_cost(self, order: WorkOrder) -> str:
        parts = getattr(order, "parts_cost", None) or 0
        return str(order.labour_cost + order.other_cost + parts)


class CostPeriodSerializer(serializers.Serializer):
    """``?from=&to=`` of the costs report (other query parameters are ignored)."""

    to = serializers.DateField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields


class WorkOrderCloseSerializer(StrictSerializer):
    signer_name = serializers.CharField(max_length=120)
    certificate_number = serializers.CharField(max_length=40)
    done_on = serializers.DateField(required=False)
    hours = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    cycles = serializers.IntegerField(min_value=0, required=False)
    corrective_action = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class PartUseSerializer(StrictSerializer):
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=100000)


class SquawkSerializer(StrictModelSerializer):
    aircraft = serializers.PrimaryKeyRelatedField(queryset=Aircraft.objects.all())

    class Meta:
        model = Squawk
        fields = [
            "id",
            "aircraft",
            "description",
            "severity",
            "status",
            "raised_at",
            "discovered_on",
            "ata_chapter",
            "mel_item",
            "mel_category",
            "mel_interval_days",
            "deferred_until",
            "work_order",
            "corrective_action",
            "closed_at",
            "reportable",
            "part_name",
            "part_number",
            "part_condition",
            "stage_of_operation",
        ]
        read_only_fields = [
            "id",
            "status",
            "raised_at",
            "mel_item",
            "mel_category",
            "mel_interval_days",
            "deferred_until",
            "work_order",
            "closed_at",
        ]


class SquawkDeferSerializer(StrictSerializer):
    mel_item = serializers.CharField(max_length=30)
    mel_category = serializers.ChoiceField(choices=MelCategory.choices)
    mel_interval_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class SquawkCloseSerializer(StrictSerializer):
    corrective_action = serializers.CharField(max_length=5000)


class VendorSerializer(StrictModelSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "certificate_number",
            "certificate_expires_on",
            "approvals",
            "contact_name",
            "email",
            "phone",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class PartSerializer(StrictModelSerializer):
    low_stock = serializers.SerializerMethodField()

    class Meta:
        model = Part
        fields = [
            "id",
            "part_number",
            "description",
            "serial_number",
            "location",
            "quantity",
            "minimum_quantity",
            "low_stock",
            "unit_cost",
            "currency",
            "aircraft",
            "life_limit_hours",
            "life_limit_cycles",
            "life_limit_on",
            "hours_used",
            "cycles_used",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_low_stock(self, part: Part) -> bool:
        return part.quantity < part.minimum_quantity


class TimeCorrectionSerializer(StrictModelSerializer):
    aircraft = serializers.PrimaryKeyRelatedField(queryset=Aircraft.objects.all())

    class Meta:
        model = TimeCorrection
        fields = [
            "id",
            "aircraft",
            "hours_delta",
            "cycles_delta",
            "hours_after",
            "cycles_after",
            "reason",
            "at",
        ]
        read_only_fields = ["id", "hours_after", "cycles_after", "at"]
