"""``/api/v1/users``: user management for Super Admins. A level (role) change is a critical
operation, guarded by ``jetops.services`` (a recent 2FA verification, an allowed network), and
revokes the user's tokens at once."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from jetops import services
from jetops.api.serializers import StrictModelSerializer
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.auth.serializers import UserSerializer
from jetops.models import User


class UserWriteSerializer(StrictModelSerializer):
    """The seed's writable user fields (``active``, as the answer shows it) and a password."""

    password = serializers.CharField(write_only=True, required=False, max_length=256, trim_whitespace=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    active = serializers.BooleanField(source="is_active", required=False)

    class Meta:
        model = User
        fields = ["username", "name", "email", "phone", "level", "active", "password"]


@extend_schema_view(
    create=extend_schema(responses={201: UserSerializer}),
    update=extend_schema(responses={200: UserSerializer}),
    partial_update=extend_schema(responses={200: UserSerializer}),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    queryset = User.objects.all().order_by("username")
    search_fields = ["username", "name", "email"]
    filterset_fields = ["is_active", "level"]
    ordering_fields = ["username", "created_at", "last_login"]

    def get_serializer_class(self) -> Any:
        return UserSerializer if self.action in ("list", "retrieve") else UserWriteSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = UserWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = services.user_create(
            username=data.pop("username"),
            password=data.pop("password", None),
            level=data.pop("level", 0),
            actor=request.user,  # type: ignore[arg-type]
            meta=self.meta,
            **data,
        )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        serializer = UserWriteSerializer(user, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        if password is not None:
            raise serializers.ValidationError(
                {"password": ["Users change their own password (POST /auth/change-password)."]}
            )
        user = services.user_update(user=user, actor=request.user, meta=self.meta, **data)  # type: ignore[arg-type]
        return Response(UserSerializer(user).data)
