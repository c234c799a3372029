"""The base class of every ModelAdmin, and the admin screens of the core models."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from jetops import services
from jetops.activity import acting_user, activity_record, request_meta, request_meta_with_code
from jetops.critical import CriticalOperationRefused, step_up_failure_recount
from jetops.errors import Conflict, DomainError
from jetops.jsondepth import DepthBoundJSONFormField
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, EncryptedTOTPDevice, User
from jetops.roles import ROLES, SUPER_ADMIN_LEVEL, Role

# What a service raises to refuse a write (``jetops.errors``): a domain error (``Conflict``),
# Django's ValidationError (``full_clean`` and the services' own field checks), and Django's
# PermissionDenied (a service's own permission check, and the guard of a critical operation,
# ``jetops.critical.CriticalOperationRefused``: permission, network, authenticator code).
Refused = DomainError | ValidationError | PermissionDenied
REFUSALS: tuple[type[DomainError], type[ValidationError], type[PermissionDenied]] = (
    DomainError,
    ValidationError,
    PermissionDenied,
)
REFUSAL_ATTR = "_jetops_refusal"  # the refusal a form shows again (on the request)


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


def critical_refusal_after_rollback(request: HttpRequest, exc: CriticalOperationRefused) -> None:
    """A critical operation refused while a form was saved: the admin rolled the attempt back
    with what the guard wrote, so record the refusal now and count a wrong authenticator code
    again (``jetops.critical``: a wrong code counts against the device's throttle whatever
    happens to the operation)."""
    actor = acting_user(request)
    if exc.code == "otp_invalid" and actor is not None:
        step_up_failure_recount(actor, request_meta(request))
    critical_refusal(request, exc)


def conflict_lines(exc: Conflict) -> list[str]:
    """What a 409 says, as a person reads it: the broken rules one per line (crew legality),
    or the detail, then what it names (conflicts, flights, what is allowed, what is free)."""
    extra = exc.details
    violations = extra.get("violations") or []
    lines = (
        ["Refused: these rules are broken.", *(f"{v['rule']}: {v['detail']}" for v in violations)]
        if violations
        else [str(exc.detail)]
    )
    for item in [*(extra.get("conflicts") or []), *(extra.get("overlapping") or [])]:
        if isinstance(item, dict) and item.get("detail"):
            lines.append(str(item["detail"]))
        elif isinstance(item, dict) and item.get("start"):
            lines.append(f"Overlaps {item.get('kind', 'a period')} {item['start']} – {item.get('end', '')}.")
    if extra.get("flights"):
        lines.append(f"Flights: {', '.join(str(f) for f in extra['flights'])}.")
    if extra.get("allowed") is not None:
        lines.append(f"Allowed next: {', '.join(extra['allowed']) or 'nothing'}.")
    if extra.get("alternatives"):
        lines.append(f"Free instead: {', '.join(a['tail_number'] for a in extra['alternatives'])}.")
    return lines


@dataclass(frozen=True)
class Refusal:
    """A service's refusal, read once for the admin: messages per form field (``None``: the
    whole form) and, for an inline row, its formset prefix and index."""

    errors: dict[str | None, list[str]]
    row: tuple[str, int] | None = None

    @classmethod
    def of(
        cls,
        exc: Refused,
        row: tuple[str, int] | None = None,
    ) -> Refusal:
        errors: dict[str | None, list[str]]
        if isinstance(exc, CriticalOperationRefused):
            # A missing or wrong authenticator code goes on the form's code field.
            errors = {"otp_code" if exc.code in ("otp_required", "otp_invalid") else None: [exc.detail]}
        elif isinstance(exc, PermissionDenied):
            errors = {None: [str(exc) or "You may not do this."]}
        elif isinstance(exc, Conflict):
            errors = {None: conflict_lines(exc)}
        elif isinstance(exc, DomainError):
            errors = {None: [exc.detail]}
        elif hasattr(exc, "error_dict"):
            errors = {
                None if key == NON_FIELD_ERRORS else key: lines for key, lines in exc.message_dict.items()
            }
        else:
            errors = {None: exc.messages}
        return cls(errors, row)

    def lines(self) -> list[str]:
        return [
            f"{name}: {line}" if name and name != "otp_code" else line
            for name, lines in self.errors.items()
            for line in lines
        ]

    def show_on(self, form: forms.BaseForm) -> None:
        """Put the messages on ``form``: on a field it has, or on the whole form."""
        for name, lines in self.errors.items():
            if name is not None and name in form.fields:
                form.add_error(name, lines)
            else:
                form.add_error(None, [f"{name}: {line}" if name else line for line in lines])


class RowRefused(Exception):
    """A refusal on its way out of an admin view, with the inline row it concerns (none for a
    deletion)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.lines())
        self.refusal = refusal


@contextmanager
def refusal_at(prefix: str, index: int) -> Iterator[None]:
    """Name the inline row (formset ``prefix``, form ``index``) of a refusal raised inside."""
    try:
        yield
    except REFUSALS as exc:
        raise RowRefused(Refusal.of(exc, row=(prefix, index))) from exc


class RefusedForm:
    """Mixed into a view's form class when a service refused what it posted: once the form
    validated, the refusal's messages make it invalid again, so the page shows them."""

    refusal: Refusal

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if self.is_bound:  # type: ignore[attr-defined]
            self.refusal.show_on(self)  # type: ignore[arg-type]


class RefusedFormSet:
    """Mixed into the inline formset holding the row a service refused."""

    refusal: Refusal

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        prefix, index = self.refusal.row or ("", -1)
        if self.prefix != prefix:  # type: ignore[attr-defined]
            return
        form = self.forms[index]  # type: ignore[attr-defined]
        if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
            # Rows being deleted are not validated: the refusal goes above the rows.
            raise ValidationError([f"{form.instance}: {line}" for line in self.refusal.lines()])
        self.refusal.show_on(form)


def adopt(obj: Model, saved: Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved (``saved``), so the admin's
    messages, log entry and redirect name the real row."""
    obj.__dict__.update(saved.__dict__)


class JetOpsModelAdmin(SimpleHistoryAdmin):
    """Every ModelAdmin inherits this: change history on every object, list pagination, and
    the admin adapter of the services.

    Admin writes go through services (subclasses override ``save_model``; inline rows of the
    models in ``service_inlines`` go through ``save_inline`` and ``delete_inline``; actions
    call ``service_action``). A service's refusal never escapes as a server error: raised
    while a form is saved, the whole attempt is rolled back and the form shown again with the
    refusal on it, on the field it names, or on the inline row it concerns; raised by an
    action or a bulk deletion, it is an error message naming the object.
    """

    list_per_page = 50
    show_full_result_count = False
    # JSON text boxes refuse text nested too deep as a form error (``jetops.jsondepth``).
    formfield_overrides: ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]] = {
        models.JSONField: {"form_class": DepthBoundJSONFormField}
    }
    service_inlines: tuple[type[Model], ...] = ()
    # Admins whose rows a service deletes define ``remove(request, obj)``: the delete view
    # (``delete_model``) and the bulk deletion (``delete_queryset``) go through it.
    remove: Callable[[HttpRequest, Any], None] | None = None
    # Admins listing ``service_inlines`` define these two: write one inline row (its form,
    # under the saved parent) through its service and return the row; delete one.
    save_inline: Callable[[HttpRequest, Model, forms.ModelForm], Model]
    delete_inline: Callable[[HttpRequest, Model], None]

    def _refusals_shown(
        self, view: Callable[..., HttpResponse], request: HttpRequest, *args: Any
    ) -> HttpResponse:
        """Run a form view; if a service refuses the write it posted, roll everything back and
        run the view again with the refusal shown on the form (which then does not save)."""
        error: Exception
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, *args)
        except RowRefused as exc:
            error, refusal = exc, exc.refusal
        except REFUSALS as exc:
            error, refusal = exc, Refusal.of(exc)
        critical = error.__cause__ if isinstance(error, RowRefused) else error
        if isinstance(critical, CriticalOperationRefused):
            critical_refusal_after_rollback(request, critical)
        if request.method != "POST" or hasattr(request, REFUSAL_ATTR):
            raise error
        setattr(request, REFUSAL_ATTR, refusal)
        return view(request, *args)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        return self._refusals_shown(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """Reverting to an old version saves through ``save_model`` too."""
        return self._refusals_shown(super().history_form_view, request, object_id, version_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """A service refusing the deletion (``remove``) is an error message on the object's
        page; nothing is deleted (Django's delete view runs in one transaction)."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except RowRefused as exc:
            obj = self.get_object(request, unquote(object_id))
            if isinstance(exc.__cause__, CriticalOperationRefused):
                critical_refusal(request, exc.__cause__)
            self.message_user(request, f"{obj}: {' '.join(exc.refusal.lines())}", messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=(quote(object_id),),
                    current_app=self.admin_site.name,
                )
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.remove is None:
            super().delete_model(request, obj)
            return
        try:
            self.remove(request, obj)
        except REFUSALS as exc:
            raise RowRefused(Refusal.of(exc)) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """With ``remove``: one service call per row, so each removal has its own history and
        side effects, and a refused row is an error message naming it."""
        if self.remove is None:
            super().delete_queryset(request, queryset)
            return
        for obj in queryset:
            self.service_action(request, str(obj), self.remove, request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """The form, bound to the request (forms that check the user read ``self.request``),
        with the refusal of the previous attempt when there was one on the form itself."""
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal: Refusal | None = getattr(request, REFUSAL_ATTR, None)
        if refusal is not None and refusal.row is None:
            return type(form.__name__, (RefusedForm, form), {"request": request, "refusal": refusal})
        return type(form.__name__, (form,), {"request": request})

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None) -> Iterator[Any]:
        refusal: Refusal | None = getattr(request, REFUSAL_ATTR, None)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if refusal is not None and refusal.row is not None:
                formset = type(formset.__name__, (RefusedFormSet, formset), {"refusal": refusal})
            yield formset, inline

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows of ``service_inlines`` through ``save_inline`` / ``delete_inline``, one at a
        time; a refusal names its row. Other inlines save as Django saves them."""
        if formset.model not in self.service_inlines:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message reads (``construct_change_message``).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for index, row in enumerate(formset.forms):
            with refusal_at(formset.prefix, index):
                if formset.can_delete and formset._should_delete_form(row):
                    if row.instance.pk is not None:
                        self.delete_inline(request, row.instance)
                        formset.deleted_objects.append(row.instance)
                    continue
                if not row.has_changed():
                    continue
                new = row.instance.pk is None
                saved = self.save_inline(request, form.instance, row)
                if new:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, row.changed_data))

    def service_action(
        self,
        request: HttpRequest,
        label: str,
        service: Callable[..., Any],
        /,
        *args: Any,
        done: str = "",
        **kwargs: Any,
    ) -> bool:
        """Call ``service(*args, **kwargs)`` for an admin action or a bulk deletion: a refusal
        is an error message naming ``label``; success says ``done`` when given. True when it
        went through."""
        try:
            service(*args, **kwargs)
        except REFUSALS as exc:
            self.refusal_message(request, label, exc)
            return False
        if done:
            self.message_user(request, f"{label}: {done}", messages.SUCCESS)
        return True

    def refusal_message(self, request: HttpRequest, label: str, exc: Refused) -> None:
        """Say a service's refusal as an error message naming ``label`` (a critical
        operation's refusal is recorded in the activity log too)."""
        lines = Refusal.of(exc).lines()
        if isinstance(exc, CriticalOperationRefused):
            critical_refusal(request, exc)
        self.message_user(request, f"{label}: {' '.join(lines)}", messages.ERROR)


class ServiceForm(forms.ModelForm):
    """The add form of a row a service makes: ``perform(actor)`` calls the service with
    ``cleaned_data``. ``ServiceAddAdminMixin.save_model`` calls it, so a refusal goes through
    the admin adapter like any other. With ``performs_changes`` the change form saves through
    ``perform`` too."""

    request: HttpRequest | None = None  # bound per request by ``JetOpsModelAdmin.get_form``
    performs_changes = False
    # Each subclass defines ``perform(actor)``: call its service with ``cleaned_data``.
    perform: Callable[[User | None], Model]


class ServiceAddAdminMixin:
    """For a ModelAdmin whose add form is a ``ServiceForm``: the service makes the row (and
    changes it, when the form ``performs_changes``)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and not form.performs_changes:
            super().save_model(request, obj, form, change)  # type: ignore[misc]
        else:
            adopt(obj, form.perform(acting_user(request)))


class ReadOnlyAdmin(admin.ModelAdmin):
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


class UserAdminForm(ServiceForm):
    """Roles as checkboxes; the level is their bit mask. Saved by ``jetops.services``; a
    refused role change (``jetops.critical``: permission, network, authenticator code) shows
    on the form (the admin adapter, ``JetOpsModelAdmin``)."""

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
        assert self.request is not None  # noqa: S101  (bound by JetOpsModelAdmin.get_form)
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
