"""The base class of every ModelAdmin, and the admin screens of the core models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import APIException
from simple_history.admin import SimpleHistoryAdmin

from jetops import services
from jetops.activity import acting_user, activity_record, request_meta, request_meta_with_code
from jetops.api.exceptions import Conflict
from jetops.critical import CriticalOperationRefused
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, EncryptedTOTPDevice, User
from jetops.roles import ROLES, SUPER_ADMIN_LEVEL, Role


class JetOpsModelAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    """Every ModelAdmin inherits this: change history on every object, list pagination, and
    the rule that admin writes go through services (subclasses override ``save_model``)."""

    list_per_page = 50
    show_full_result_count = False


def error_lines(detail: Any) -> list[str]:
    """A DRF error detail (string, list or dict, nested) as plain lines for a form."""
    if isinstance(detail, dict):
        return [
            f"{key}: {line}" if key not in ("non_field_errors", "detail") else line
            for key, value in detail.items()
            for line in error_lines(value)
        ]
    if isinstance(detail, list):
        return [line for item in detail for line in error_lines(item)]
    return [str(detail)]


def authenticator_code_field(help_text: str, *, required: bool = False) -> forms.CharField:
    """The admin's step-up: the code the user's authenticator app shows now
    (``jetops.critical``; ``request_meta_with_code`` hands it to the service)."""
    return forms.CharField(
        label="Authenticator code",
        required=required,
        max_length=16,
        strip=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def critical_refusal(request: HttpRequest | None, exc: CriticalOperationRefused) -> str:
    """Record a critical operation the admin refused (the API's exception handler records its
    own) and return what to tell the user."""
    activity_record(
        action=ActivityAction.DENIED,
        outcome=ActivityOutcome.DENIED,
        user=acting_user(request) if request is not None else None,
        reason=f"admin:{exc.code}",
        meta=request_meta(request) if request is not None else None,
    )
    return exc.detail


class ServiceAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """An add form whose row is made by a service as the last step of validation.

    Django calls ``save_model`` only once a form is accepted: too late to show a service's
    refusal (a 409, a validation error, a critical operation refused) on the form. So
    ``perform`` runs in ``_post_clean``, inside the admin add view's transaction, its
    refusals become form errors, and the admin adopts ``saved`` (``ServiceAddAdminMixin``).
    With ``performs_changes`` the change form saves through ``perform`` too.
    """

    request: HttpRequest | None = None  # bound per request by ``ServiceAddAdminMixin.get_form``
    saved: Model | None = None
    performs_changes = False
    # Each subclass defines ``perform(actor)``: call its service with ``cleaned_data``.
    perform: Callable[[User | None], Model]

    def conflict_lines(self, exc: Conflict) -> list[str]:
        return [str(exc.detail)]

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # not in django-stubs
        if self.errors or (self.instance.pk and not self.performs_changes):
            return
        try:
            self.saved = self.perform(acting_user(self.request) if self.request else None)
        except CriticalOperationRefused as exc:
            on_code = exc.code in ("otp_required", "otp_invalid") and "otp_code" in self.fields
            self.add_error("otp_code" if on_code else None, critical_refusal(self.request, exc))
        except Conflict as exc:
            self.add_error(None, self.conflict_lines(exc))
        except APIException as exc:  # a service's DRF validation error
            self.add_error(None, error_lines(exc.detail))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc.messages)
                return
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class ServiceAddAdminMixin:
    """For a ModelAdmin whose add form is a ``ServiceAddForm``: binds the request to the
    form and adopts the row the service saved."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        return type(form.__name__, (form,), {"request": request})

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        saved = getattr(form, "saved", None)
        return saved if saved is not None else super().save_form(request, form, change)  # type: ignore[misc]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For append-only records: viewable, never editable or deletable."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _role_choices() -> list[tuple[str, str]]:
    return [(str(int(r.role)), f"{r.label} (0x{int(r.role):04x})") for r in ROLES]


PROFILE_FIELDS = ("name", "email", "phone", "is_active")


class UserAdminForm(ServiceAddForm):
    """Roles as checkboxes; the level is their bit mask. Saved by ``jetops.services`` while the
    form is validated, so a refused role change (``jetops.critical``: permission, network,
    authenticator code) shows on the form."""

    performs_changes = True

    roles = forms.MultipleChoiceField(
        choices=_role_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = ReadOnlyPasswordHashField(
        required=False, help_text="Users change their own password; set one below for a new user."
    )
    new_password = forms.CharField(
        required=False, widget=forms.PasswordInput, strip=False, label="Password (new users)"
    )
    otp_code = authenticator_code_field(
        "Required to change roles: the code your authenticator app shows now."
    )

    class Meta:
        model = User
        fields = ["username", "name", "email", "phone", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = [
                str(int(r.role)) for r in ROLES if self.instance.level & int(r.role)
            ]
            self.fields["new_password"].widget = forms.HiddenInput()
        else:
            self.fields["new_password"].required = True

    def clean_new_password(self) -> str:
        password = self.cleaned_data.get("new_password") or ""
        if not self.instance.pk:
            candidate = User(username=self.data.get("username", ""), email=self.data.get("email", ""))
            validate_password(password, candidate)
        return password

    def level(self) -> int:
        bits = [int(b) for b in self.cleaned_data.get("roles", [])]
        if int(Role.SUPER_ADMIN) in bits:
            return SUPER_ADMIN_LEVEL
        level = 0
        for bit in bits:
            level |= bit
        return level

    def perform(self, actor: User | None) -> Model:
        data = {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
        assert self.request is not None  # noqa: S101  (bound by ServiceAddAdminMixin)
        meta = request_meta_with_code(self.request, self.cleaned_data["otp_code"])
        if self.instance.pk:
            # The stored user, not the form's instance, which already carries the new values.
            user = User.objects.get(pk=self.instance.pk)
            return services.user_update(user=user, actor=actor, meta=meta, level=self.level(), **data)
        return services.user_create(
            username=self.cleaned_data["username"],
            password=self.cleaned_data["new_password"],
            level=self.level(),
            actor=actor,
            meta=meta,
            **data,
        )


@admin.register(User)
class UserAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    form = UserAdminForm
    list_display = ["username", "name", "email", "role", "is_active", "last_login", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["username", "name", "email"]
    readonly_fields = ["level", "last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["username", "password", "new_password"]}),
        ("Profile", {"fields": ["name", "email", "phone", "is_active"]}),
        ("Roles", {"fields": ["roles", "level", "otp_code"]}),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Saved by ``jetops.services`` while the form was validated (``UserAdminForm``)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: the form has no many-to-many fields and the admin no inlines."""


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "action", "outcome", "reason", "ip", "path"]
    list_filter = ["action", "outcome", "created_at"]
    search_fields = ["username", "ip", "path", "user_agent", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


# django-otp's device, superseded by ``EncryptedTOTPDevice``: its admin shows the secret as a
# QR code and lets anyone with the permission create one with a chosen key, in clear.
admin.site.unregister(TOTPDevice)


@admin.register(EncryptedTOTPDevice)
class EncryptedTOTPDeviceAdmin(ReadOnlyAdmin):
    """Who has an authenticator app and when it was last used. A device can be removed (a lost
    phone: the user enrols again at the next sign-in), never shown or edited: the secret stays
    encrypted."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_select_related = ["user"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(JetOpsModelAdmin, DjangoGroupAdmin):
    """Role groups: admins edit what each role may do; every edit is in the history."""
