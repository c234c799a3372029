from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jetops.api.serializers import StrictSerializer
from jetops.auth import otp as otp_lib
from jetops.backends import role_permissions
from jetops.models import User
from jetops.roles import roles_of


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    captcha_uid = serializers.CharField(max_length=64, required=False, allow_blank=True)
    captcha_answer = serializers.CharField(max_length=32, required=False, allow_blank=True)
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True)


class LoginOTPSerializer(StrictSerializer):
    otp_token = serializers.CharField(max_length=1024)
    otp = serializers.CharField(max_length=32)


class RefreshSerializer(StrictSerializer):
    refresh = serializers.CharField(max_length=4096)


class OTPCodeSerializer(StrictSerializer):
    otp = serializers.CharField(max_length=32)


class ChangePasswordSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    """The seed's user fields plus roles."""

    role = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active", read_only=True)
    phone = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "email",
            "phone",
            "level",
            "role",
            "roles",
            "active",
            "last_login",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        return [r.label for r in roles_of(obj.level)]


class MeSerializer(UserSerializer):
    """``/auth/me``: the user, its effective permissions and 2FA state."""

    permissions = serializers.SerializerMethodField()
    own_object_permissions = serializers.SerializerMethodField()
    two_factor = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "permissions", "own_object_permissions", "two_factor"]
        read_only_fields = fields

    def get_permissions(self, obj: User) -> list[str]:
        return sorted(obj.get_all_permissions())

    def get_own_object_permissions(self, obj: User) -> list[str]:
        return sorted(role_permissions(obj)[1])

    def get_two_factor(self, obj: User) -> dict[str, Any]:
        return {
            "enabled": otp_lib.otp_enabled(obj),
            "required": otp_lib.otp_required(obj),
            "recovery_codes_left": otp_lib.recovery_codes_left(obj),
        }
