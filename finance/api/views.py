"""Finance API: thin views over ``finance.services``. Clients list and download only their
own invoices (the queryset is restricted to their account); staff generate, issue, void,
credit and record payments, each with its own permission (Finance and Admin)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import PaymentMethod
from finance import services
from finance.api.serializers import (
    ChargeSerializer,
    CreditNoteSerializer,
    FromQuoteSerializer,
    FromTripSerializer,
    InvoiceDetailSerializer,
    InvoiceSerializer,
    PaymentRecordSerializer,
    PaymentSerializer,
    PricingRuleSerializer,
    ReasonSerializer,
    RefundSerializer,
)
from finance.documents import invoice_pdf
from finance.gateways import GatewayError
from finance.models import Invoice, Payment, PricingRule, PricingRuleKind
from finance.selectors import INVOICE_LIST_RELATED
from fleet.choices import AircraftCategory
from flights.models import Quote, Trip
from jetops.activity import acting_user
from jetops.api.renderers import PDFRenderer
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.permissions import restrict


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/invoices``: a client's own invoices (list, detail, PDF); staff actions to create
    from a trip or quote, issue, void, credit, and record or charge payments."""

    queryset = Invoice.objects.select_related(*INVOICE_LIST_RELATED)
    filterset_fields = ["status", "kind", "client", "trip", "currency"]
    search_fields = ["number"]
    ordering_fields = ["created_at", "issued_on", "due_on", "total", "balance"]
    ordering = ["-created_at", "-id"]
    action_perms = {
        "pdf": "finance.view_invoice",
        "from_trip": "finance.add_invoice",
        "from_quote": "finance.add_invoice",
        "issue": "finance.issue_invoice",
        "void": "finance.void_invoice",
        "credit_note": "finance.credit_invoice",
        "payments": "finance.view_payment",
        "charge": "finance.add_payment",
    }
    step_up_actions = ("credit_note",)

    def get_serializer_class(self) -> Any:
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines", "payments")
        return queryset

    def get_permissions(self) -> Any:
        if self.action == "payments" and self.request.method == "POST":
            self.action_perms = {**self.action_perms, "payments": "finance.add_payment"}
        return super().get_permissions()

    def _detail(self, invoice: Invoice, code: int = status.HTTP_200_OK) -> Response:
        invoice = Invoice.objects.prefetch_related("lines", "payments").get(pk=invoice.pk)
        return Response(InvoiceDetailSerializer(invoice).data, status=code)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer])
    def pdf(self, request: Request, pk: str) -> Response:
        invoice = self.get_object()
        name = invoice.number or f"draft-{invoice.pk}"
        return Response(
            invoice_pdf(invoice), headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'}
        )

    @extend_schema(request=FromTripSerializer, responses={201: InvoiceDetailSerializer})
    @action(detail=False, methods=["post"], url_path="from-trip")
    def from_trip(self, request: Request) -> Response:
        body = FromTripSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trip = get_object_or_404(
            restrict(Trip.objects.all(), request.user), pk=body.validated_data["trip_id"]
        )
        invoice = services.invoice_from_trip(trip=trip, actor=acting_user(request))
        return self._detail(invoice, status.HTTP_201_CREATED)

    @extend_schema(request=FromQuoteSerializer, responses={201: InvoiceDetailSerializer})
    @action(detail=False, methods=["post"], url_path="from-quote")
    def from_quote(self, request: Request) -> Response:
        body = FromQuoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = get_object_or_404(
            restrict(Quote.objects.all(), request.user), pk=body.validated_data["quote_id"]
        )
        invoice = services.invoice_from_quote(
            quote=quote,
            actor=acting_user(request),
            deposit_percent=body.validated_data.get("deposit_percent"),
        )
        return self._detail(invoice, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        return self._detail(services.invoice_issue(invoice=self.get_object(), actor=acting_user(request)))

    @extend_schema(request=ReasonSerializer, responses={200: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice = services.invoice_void(
            invoice=self.get_object(), actor=acting_user(request), reason=body.validated_data["reason"]
        )
        return self._detail(invoice)

    @extend_schema(request=CreditNoteSerializer, responses={201: InvoiceDetailSerializer})
    @action(detail=True, methods=["post"], url_path="credit-notes")
    def credit_note(self, request: Request, pk: str) -> Response:
        body = CreditNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.credit_note_create(
            invoice=self.get_object(),
            actor=acting_user(request),
            meta=self.meta,
            reason=body.validated_data["reason"],
            amount=body.validated_data.get("amount"),
        )
        return self._detail(note, status.HTTP_201_CREATED)

    @extend_schema(request=PaymentRecordSerializer, responses={200: PaymentSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def payments(self, request: Request, pk: str) -> Response:
        invoice = self.get_object()
        if request.method == "GET":
            return Response(PaymentSerializer(invoice.payments.all(), many=True).data)
        body = PaymentRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.payment_record(invoice=invoice, actor=acting_user(request), **body.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChargeSerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def charge(self, request: Request, pk: str) -> Response:
        invoice = self.get_object()
        body = ChargeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        method = get_object_or_404(
            PaymentMethod, pk=body.validated_data["payment_method_id"], client_id=invoice.client_id
        )
        payment = services.payment_charge(
            invoice=invoice,
            payment_method=method,
            idempotency_key=body.validated_data["idempotency_key"],
            amount=body.validated_data.get("amount"),
            actor=acting_user(request),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    """``/payments``: payments and refunds; staff refund with a step-up."""

    queryset = Payment.objects.select_related("invoice", "client")
    serializer_class = PaymentSerializer
    filterset_fields = ["invoice", "client", "kind", "method"]
    ordering = ["-received_on", "-id"]
    action_perms = {"refund": "finance.refund_payment"}
    step_up_actions = ("refund",)

    @extend_schema(request=RefundSerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: str) -> Response:
        body = RefundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refund = services.payment_refund(
            payment=self.get_object(), actor=acting_user(request), meta=self.meta, **body.validated_data
        )
        return Response(PaymentSerializer(refund).data, status=status.HTTP_201_CREATED)


class GatewayWebhookView(APIView):
    """``POST /payments/webhook``: the payment gateway's events, verified by their signature
    (no user: the signature is the authentication), each taken once."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        signature = request.headers.get("Stripe-Signature", "")
        try:
            event = services.gateway_webhook(payload=request.body, signature=signature)
        except GatewayError as exc:
            return Response({"code": "bad_signature", "detail": str(exc), "errors": {}}, status=400)
        return Response({"event": event.event_id, "outcome": event.outcome})


class PricingRuleFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=PricingRuleKind.choices)
    is_enabled = django_filters.BooleanFilter()
    category = django_filters.MultipleChoiceFilter(choices=AircraftCategory.choices)
    in_force_on = django_filters.DateFilter(method="filter_in_force", label="In force on (YYYY-MM-DD)")

    class Meta:
        model = PricingRule
        fields = ["kind", "is_enabled", "category", "region"]

    def filter_in_force(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(valid_from__lte=value).exclude(valid_to__lt=value)


@extend_schema_view(
    list=extend_schema(summary="List market pricing rules (staff)"),
    retrieve=extend_schema(summary="A market pricing rule"),
    create=extend_schema(summary="Add a market pricing rule"),
    update=extend_schema(summary="Replace a market pricing rule"),
    partial_update=extend_schema(summary="Change a market pricing rule (is_enabled: false switches it off)"),
)
class PricingRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/pricing/rules``: the dated market rules quotes apply. No DELETE: a rule is switched
    off (``is_enabled``) or ended (``valid_to``), so its history stays readable."""

    queryset = PricingRule.objects.select_related("region", "to_region")
    serializer_class = PricingRuleSerializer
    filterset_class = PricingRuleFilterSet
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["priority", "name", "kind", "valid_from", "updated_at"]
    ordering = ["priority", "id"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.pricing_rule_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.pricing_rule_update(
            rule=serializer.instance, actor=acting_user(self.request), **serializer.validated_data
        )
