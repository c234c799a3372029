"""Maintenance API: thin views over ``maintenance.services`` and ``maintenance.selectors``;
visibility and permissions through ``jetops.permissions`` (via the base viewset).
Maintenance managers write, operations read, clients see nothing; crew may only raise
squawks, on aircraft they are assigned to (the service checks)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, DecimalField, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from fleet.models import Aircraft
from jetops.activity import acting_user
from jetops.api.renderers import CSVRenderer, FormatNegotiation, PDFRenderer
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.permissions import restrict
from maintenance import permissions as perms
from maintenance import records, selectors, services
from maintenance.api.serializers import (
    ComplianceRecordSerializer,
    CostPeriodSerializer,
    DirectiveApplySerializer,
    DirectiveSerializer,
    PartSerializer,
    PartUseSerializer,
    ProgramApplySerializer,
    ProgramSerializer,
    SignOffSerializer,
    SquawkCloseSerializer,
    SquawkDeferSerializer,
    SquawkSerializer,
    TaskSerializer,
    TimeCorrectionSerializer,
    TrackedItemSerializer,
    VendorSerializer,
    WorkOrderCloseSerializer,
    WorkOrderSerializer,
)
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

CRU = (mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin)


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ProgramViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/programs``: inspection programs; ``apply`` tracks a program's tasks on
    an aircraft; ``preset-91-409`` makes (or returns) the 91.409 annual + 100-hour preset."""

    queryset = Program.objects.annotate(task_count=Count("tasks"))
    serializer_class = ProgramSerializer
    search_fields = ["name", "aircraft_type"]
    ordering_fields = ["name", "kind", "created_at"]
    ordering = ["name"]
    action_perms = {"apply": perms.CHANGE_TRACKEDITEM, "preset_91_409": perms.ADD_PROGRAM}

    def perform_create(self, serializer: Any) -> None:
        program = services.program_save(actor=acting_user(self.request), **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=program.pk)

    def perform_update(self, serializer: Any) -> None:
        services.program_save(
            actor=acting_user(self.request), program=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(summary="Track the program's tasks on an aircraft", request=ProgramApplySerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str) -> Response:
        program = self.get_object()
        data = _valid(ProgramApplySerializer, request.data)
        added = services.program_apply(program=program, actor=acting_user(request), **data)
        return Response({"program": program.pk, "aircraft": data["aircraft"].pk, "added": added})

    @extend_schema(summary="The 91.409 annual + 100-hour preset", request=None)
    @action(detail=False, methods=["post"], url_path="preset-91-409")
    def preset_91_409(self, request: Request) -> Response:
        program = services.program_preset_91_409(actor=acting_user(request))
        body = ProgramSerializer(self.get_queryset().get(pk=program.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TaskViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/tasks``: program tasks and their limits (``?program=``)."""

    queryset = Task.objects.filter(program__isnull=False)
    serializer_class = TaskSerializer
    filterset_fields = ["program"]
    search_fields = ["code", "title"]
    ordering_fields = ["code", "title"]
    ordering = ["program", "code"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.task_save(actor=acting_user(self.request), **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("program", None)
        serializer.instance = services.task_save(
            actor=acting_user(self.request), task=serializer.instance, **data
        )


class DirectiveViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/directives``: airworthiness directives with their limits; ``apply``
    tracks one on an aircraft."""

    queryset = Directive.objects.select_related("task")
    serializer_class = DirectiveSerializer
    search_fields = ["number", "subject"]
    ordering_fields = ["number", "effective_on"]
    ordering = ["number"]
    action_perms = {"apply": perms.CHANGE_TRACKEDITEM}

    def _save(self, serializer: Any, directive: Directive | None) -> None:
        data = dict(serializer.validated_data)
        limits = data.pop("task", None)
        saved = services.directive_save(
            actor=acting_user(self.request), directive=directive, limits=limits, **data
        )
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    @extend_schema(summary="Track the directive on an aircraft", request=DirectiveApplySerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str) -> Response:
        directive = self.get_object()
        data = _valid(DirectiveApplySerializer, request.data)
        item = services.directive_apply(directive=directive, actor=acting_user(request), **data)
        return Response(TrackedItemSerializer(item).data, status=status.HTTP_201_CREATED)


def _decimal_param(params: Any, name: str, default: str) -> Decimal:
    try:
        value = Decimal(params.get(name, default))
    except InvalidOperation:
        raise ValidationError({name: ["A number."]}) from None
    if not value.is_finite() or value < 0 or value > 100000:
        raise ValidationError({name: ["A number from 0 to 100000."]})
    return value


class TrackedItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/maintenance/items``: tasks and directives tracked per aircraft (``?aircraft=``) with
    their stored due points; ``sign-off`` signs one off; ``due`` is the fleet-wide view of
    what is overdue or due within ``days`` (default 30) or ``hours`` (default 50)."""

    queryset = TrackedItem.objects.select_related("aircraft", "task")
    serializer_class = TrackedItemSerializer
    filterset_fields = ["aircraft", "task", "terminated"]
    ordering_fields = ["due_on", "due_hours", "id"]
    ordering = ["aircraft", "due_on", "id"]
    action_perms = {"sign_off": perms.SIGN_OFF, "due": perms.VIEW_TRACKEDITEM}

    @extend_schema(
        summary="Sign the item off", request=SignOffSerializer, responses=ComplianceRecordSerializer
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        data = _valid(SignOffSerializer, request.data)
        record = services.item_sign_off(item=item, actor=acting_user(request), **data)
        return Response(ComplianceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Fleet-wide: overdue, or due within days or flight hours",
        parameters=[
            OpenApiParameter("days", OpenApiTypes.INT, description="Default 30."),
            OpenApiParameter("hours", OpenApiTypes.NUMBER, description="Default 50."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def due(self, request: Request) -> Response:
        days = _decimal_param(request.query_params, "days", "30")
        hours = _decimal_param(request.query_params, "hours", "50")
        fleet = restrict(Aircraft.objects.filter(is_active=True), request.user, "view")
        tails = dict(fleet.values_list("pk", "tail_number"))
        rows = selectors.due_within(list(tails), days=int(days), hours=hours)
        results = [{"aircraft": pk, "tail_number": tails[pk], **row.as_dict()} for pk, row in rows]
        results.sort(key=lambda r: (r["forecast"] or "9999", r["tail_number"]))
        page = self.paginate_queryset(results)
        return self.get_paginated_response(page) if page is not None else Response(results)


class WorkOrderViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/work-orders``: work on an aircraft, planned over a period that blocks it;
    ``close`` signs its items off and closes its squawks; ``parts`` takes parts from stock."""

    queryset = (
        WorkOrder.objects.select_related("aircraft", "vendor")
        .prefetch_related("items", "squawks")
        .annotate(
            parts_cost=Coalesce(
                Sum(F("parts_used__quantity") * F("parts_used__unit_cost")),
                0,
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
    )
    serializer_class = WorkOrderSerializer
    filterset_fields = ["aircraft", "status", "vendor"]
    search_fields = ["number", "title"]
    ordering_fields = ["planned_start", "number", "status"]
    ordering = ["-planned_start", "-id"]
    action_perms = {"close": perms.SIGN_OFF, "parts": perms.CHANGE_WORKORDER, "costs": perms.VIEW_REPORTS}

    def _fresh(self, order: WorkOrder) -> WorkOrder:
        return self.get_queryset().get(pk=order.pk)

    def perform_create(self, serializer: Any) -> None:
        order = services.work_order_create(actor=acting_user(self.request), **serializer.validated_data)
        serializer.instance = self._fresh(order)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if "aircraft" in data and data["aircraft"] != serializer.instance.aircraft:
            raise ValidationError({"aircraft": ["A work order stays on its aircraft."]})
        data.pop("aircraft", None)
        order = services.work_order_update(
            work_order=serializer.instance, actor=acting_user(self.request), **data
        )
        serializer.instance = self._fresh(order)

    @extend_schema(
        summary="Costs per aircraft of the work orders closed in a period, against their budgets",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: the first of this month."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Default: today; at most 366 days."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def costs(self, request: Request) -> Response:
        period = _valid(CostPeriodSerializer, request.query_params)
        end = period.get("to") or timezone.localdate()
        start = period.get("from") or end.replace(day=1)
        if end < start or (end - start).days > 366:
            raise ValidationError({"to": ["After from, at most 366 days later."]})
        return Response({"from": start, "to": end, "aircraft": selectors.maintenance_costs(start, end)})

    @extend_schema(summary="Close: sign off the items, close the squawks", request=WorkOrderCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = _valid(WorkOrderCloseSerializer, request.data)
        closed = services.work_order_close(work_order=order, actor=acting_user(request), **data)
        return Response(WorkOrderSerializer(self._fresh(closed)).data)

    @extend_schema(summary="Take parts from stock for the work order", request=PartUseSerializer)
    @action(detail=True, methods=["post"])
    def parts(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = _valid(PartUseSerializer, request.data)
        services.part_use(work_order=order, actor=acting_user(request), **data)
        return Response(WorkOrderSerializer(self._fresh(order)).data, status=status.HTTP_201_CREATED)


class SquawkViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/squawks``: discrepancies; crew may POST one on an aircraft they are
    assigned to (and see nothing else); ``defer`` (MEL) and ``close`` for maintenance."""

    queryset = Squawk.objects.select_related("aircraft")
    serializer_class = SquawkSerializer
    filterset_fields = ["aircraft", "status", "severity", "reportable"]
    search_fields = ["description", "mel_item"]
    ordering_fields = ["raised_at", "deferred_until"]
    ordering = ["-raised_at", "-id"]
    action_perms = {"defer": perms.CHANGE_SQUAWK, "close": perms.CHANGE_SQUAWK, "sdr": perms.VIEW_REPORTS}

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.squawk_raise(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if "aircraft" in data and data["aircraft"] != serializer.instance.aircraft:
            raise ValidationError({"aircraft": ["A squawk stays on its aircraft."]})
        data.pop("aircraft", None)
        serializer.instance = services.squawk_update(
            squawk=serializer.instance, actor=acting_user(self.request), **data
        )

    @extend_schema(
        summary="Reportable squawks as Service Difficulty Reports (135.415), JSON or ?format=csv",
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer, CSVRenderer],
        content_negotiation_class=FormatNegotiation,
    )
    def sdr(self, request: Request) -> Response:
        squawks = records.reportable_squawks(self.filter_queryset(self.get_queryset()))
        if request.accepted_renderer.format == "csv":
            return Response(
                records.sdr_csv(squawks), headers={"Content-Disposition": 'attachment; filename="sdr.csv"'}
            )
        return Response(records.sdr_rows(squawks))

    @extend_schema(summary="Defer under the MEL", request=SquawkDeferSerializer)
    @action(detail=True, methods=["post"])
    def defer(self, request: Request, pk: str) -> Response:
        data = _valid(SquawkDeferSerializer, request.data)
        squawk = services.squawk_defer(squawk=self.get_object(), actor=acting_user(request), **data)
        return Response(SquawkSerializer(squawk).data)

    @extend_schema(summary="Close with the corrective action", request=SquawkCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        data = _valid(SquawkCloseSerializer, request.data)
        squawk = services.squawk_close(squawk=self.get_object(), actor=acting_user(request), **data)
        return Response(SquawkSerializer(squawk).data)


class VendorViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/vendors``: repair stations and service providers with their certificates."""

    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    search_fields = ["name", "certificate_number"]
    ordering_fields = ["name", "certificate_expires_on"]
    ordering = ["name"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.vendor_save(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.vendor_save(
            actor=acting_user(self.request), vendor=serializer.instance, **serializer.validated_data
        )


class PartViewSet(*CRU, JetOpsGenericViewSet):  # type: ignore[misc]
    """``/maintenance/parts``: stock by location, minimum stock, life-limited parts."""

    queryset = Part.objects.all()
    serializer_class = PartSerializer
    filterset_fields = ["part_number", "location", "aircraft"]
    search_fields = ["part_number", "description", "serial_number"]
    ordering_fields = ["part_number", "location", "quantity"]
    ordering = ["part_number", "location", "serial_number"]

    def get_queryset(self) -> QuerySet[Part]:
        queryset = super().get_queryset()
        if self.request.query_params.get("low_stock") in ("1", "true"):
            queryset = queryset.filter(quantity__lt=F("minimum_quantity"))
        return queryset

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.part_save(actor=acting_user(self.request), **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.part_save(
            actor=acting_user(self.request), part=serializer.instance, **serializer.validated_data
        )


class TimeCorrectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JetOpsGenericViewSet
):
    """``/maintenance/time-corrections``: audited corrections of aircraft hours and cycles."""

    queryset = TimeCorrection.objects.all()
    serializer_class = TimeCorrectionSerializer
    filterset_fields = ["aircraft"]
    ordering = ["-at", "-id"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.time_correct(
            actor=acting_user(self.request), **serializer.validated_data
        )


class ComplianceRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/maintenance/compliance``: sign-offs (``?item=``, ``?item__aircraft=``), latest first."""

    queryset = ComplianceRecord.objects.all()
    serializer_class = ComplianceRecordSerializer
    filterset_fields = ["item", "item__aircraft", "work_order"]
    ordering = ["-done_on", "-id"]


class MaintenanceRecordsViewSet(JetOpsGenericViewSet):
    """``/maintenance/records/{aircraft_id}``: the aircraft's 91.417(a)(2) maintenance records
    report, JSON or ``?format=csv`` / ``?format=pdf``."""

    queryset = Aircraft.objects.all()
    action_perms = {"retrieve": perms.VIEW_REPORTS}
    renderer_classes = [JSONRenderer, CSVRenderer, PDFRenderer]
    content_negotiation_class = FormatNegotiation
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The 91.417 maintenance records report of an aircraft",
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        aircraft = self.get_object()
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "pdf"):
            document = records.records_csv(aircraft) if fmt == "csv" else records.records_pdf(aircraft)
            name = f"{aircraft.tail_number}-91.417.{fmt}"
            return Response(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return Response(
            {
                "aircraft": aircraft.pk,
                "tail_number": aircraft.tail_number,
                "rows": records.records_rows(aircraft),
            }
        )
