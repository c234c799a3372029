"""Client API: thin views over ``clients.services``; visibility through ``jetops.permissions``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clients import permissions as perms
from clients import services
from clients.api.serializers import (
    ClientDetailSerializer,
    ClientSerializer,
    DataRequestSerializer,
    PassengerSerializer,
    PaymentMethodSerializer,
    PortalClientSerializer,
    PortalUserCreateSerializer,
    PortalUserSerializer,
    PreferencesSerializer,
)
from clients.filtersets import ClientFilterSet
from clients.models import Client, Passenger, PaymentMethod
from clients.preferences import PREFERENCE_KEYS
from jetops.activity import acting_user
from jetops.api.filters import ID_PATTERN
from jetops.api.viewsets import JetOpsGenericViewSet, JetOpsModelViewSet
from jetops.models import User
from jetops.permissions import has_global, restrict


class ClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/clients``: accounts with preferences, payment tokens, portal users and GDPR rights."""

    queryset = Client.objects.select_related("account_manager").prefetch_related("payment_methods")
    filterset_class = ClientFilterSet
    search_fields = ["contact_person", "company_name", "email", "phone"]
    ordering_fields = ["company_name", "contact_person", "created_at", "vip_status"]
    ordering = ["company_name", "contact_person", "id"]
    action_perms = {
        "preferences": perms.CHANGE_CLIENT_PREFERENCES,
        "users": perms.VIEW_CLIENT,
        "export": perms.EXPORT_CLIENT,
        "erase": perms.ERASE_CLIENT,
        "payment_methods": perms.VIEW_PAYMENTMETHOD,
        "payment_method_detail": perms.DELETE_PAYMENTMETHOD,
        "data_requests": perms.VIEW_DATAREQUEST,
        # Writes inside an action need their own permission instead of the action's read one.
        ("users", "POST"): perms.MANAGE_CLIENT_USERS,
        ("payment_methods", "POST"): perms.ADD_PAYMENTMETHOD,
        ("data_requests", "POST"): perms.ADD_DATAREQUEST,
    }
    # Storing or removing a card needs a recent second factor.
    step_up_actions = (("payment_methods", "POST"), "payment_method_detail")
    # The portal keeps its own preferences and cards and files data-subject requests (received
    # today: the date a request reached the operator by other means is staff's to record).
    portal_fields = {
        "preferences": PREFERENCE_KEYS,
        "payment_methods": (
            "provider",
            "token",
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "holder_name",
            "is_default",
        ),
        "data_requests": ("kind", "notes"),
    }

    def get_serializer_class(self) -> Any:
        staff = getattr(self, "swagger_fake_view", False)  # the schema documents the staff shape
        if not staff and not has_global(self.request.user, perms.VIEW_CLIENT):
            return PortalClientSerializer
        return ClientDetailSerializer if self.action == "retrieve" else ClientSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.client_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.client_update(
            client=serializer.instance, actor=acting_user(self.request), **serializer.validated_data
        )

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer})
    @action(detail=True, methods=["post"])
    def preferences(self, request: Request, pk: str) -> Response:
        client = services.client_preferences_update(
            client=self.get_object(),
            preferences=request.data,
            actor=acting_user(request),
        )
        return Response(client.preferences)

    @extend_schema(request=PortalUserCreateSerializer, responses={200: PortalUserSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def users(self, request: Request, pk: str) -> Response:
        client = self.get_object()
        if request.method == "GET":
            users = User.objects.filter(client_memberships__client=client).order_by("username")
            return Response(PortalUserSerializer(users, many=True).data)
        serializer = PortalUserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.portal_user_create(
            client=client,
            actor=acting_user(request),
            meta=self.meta,
            **serializer.validated_data,
        )
        return Response(PortalUserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentMethodSerializer, responses={200: PaymentMethodSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="payment-methods")
    def payment_methods(self, request: Request, pk: str) -> Response:
        client = self.get_object()
        if request.method == "GET":
            return Response(PaymentMethodSerializer(client.payment_methods.all(), many=True).data)
        serializer = PaymentMethodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        method = services.payment_method_add(
            client=client,
            actor=acting_user(request),
            meta=self.meta,
            **serializer.validated_data,
        )
        return Response(PaymentMethodSerializer(method).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=rf"payment-methods/(?P<method_id>{ID_PATTERN})")
    def payment_method_detail(self, request: Request, pk: str, method_id: str) -> Response:
        client = self.get_object()
        method = get_object_or_404(PaymentMethod, client=client, pk=int(method_id))
        services.payment_method_remove(method=method, actor=acting_user(request), meta=self.meta)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=DataRequestSerializer, responses={200: DataRequestSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="data-requests")
    def data_requests(self, request: Request, pk: str) -> Response:
        client = self.get_object()
        if request.method == "GET":
            return Response(DataRequestSerializer(client.data_requests.all(), many=True).data)
        serializer = DataRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.data_request_create(
            client=client, actor=acting_user(request), **serializer.validated_data
        )
        return Response(DataRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        data = services.client_export_record(
            client=self.get_object(), actor=acting_user(request), meta=self.meta
        )
        response = Response(data)
        response["Content-Disposition"] = f'attachment; filename="client-{pk}-export.json"'
        return response

    @extend_schema(request=None, responses={200: ClientSerializer})
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str) -> Response:
        client = services.client_erase(client=self.get_object(), actor=acting_user(request), meta=self.meta)
        return Response(ClientSerializer(client).data)


class PassengerViewSet(JetOpsModelViewSet):
    """``/clients/{id}/passengers``: the people who fly on the account."""

    serializer_class = PassengerSerializer
    queryset = Passenger.objects.all()
    search_fields = ["first_name", "last_name", "email"]
    ordering_fields = ["last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name", "id"]
    filterset_fields = ["is_active", "nationality"]
    portal_fields = dict.fromkeys(("create", "update", "partial_update"), services.PASSENGER_FIELDS)

    def parent(self) -> Client:
        if not hasattr(self, "_parent"):
            visible = restrict(Client.objects.all(), self.request.user, "view")
            self._parent = get_object_or_404(visible, pk=self.kwargs["client_pk"])
        return self._parent

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().filter(client=self.parent())

    def check_permissions(self, request: Request) -> None:
        self.parent()  # an invisible account is a 404 before any permission talk
        super().check_permissions(request)

    def perform_create(self, serializer: Any) -> None:
        self.check_object_permissions(self.request, self.parent())
        serializer.instance = services.passenger_create(
            client=self.parent(), actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.passenger_update(
            passenger=serializer.instance, actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: Passenger) -> None:
        services.passenger_delete(passenger=instance, actor=acting_user(self.request))
