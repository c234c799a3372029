"""What the crew admin screens share: the traffic light of expiries, the rows that services
make and remove (``ServiceAddForm`` / ``ServiceAddAdmin``) and how a service's 409 reads on a
form.

A service may refuse a write with a 409 (an illegal assignment, an overlapping period), and
Django calls ``save_model`` only once the form is accepted: too late to show the refusal on
the form. So the add forms of rows a service makes (``ServiceAddForm``) call the service as
the last step of their validation, inside the transaction of the admin's add view, and
``save_model`` adopts the row it made. Those rows are never edited in place (there is no
update service): change views are read-only, and deletion goes through the removal service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from crew.qualifications import ExpiryItem, expiry_state
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin
from jetops.api.exceptions import Conflict
from jetops.models import User

# Colours of the traffic light (``crew.qualifications.expiry_state``).
LIGHTS = {
    "red": ("#dc2626", "expired, missing or within 7 days"),
    "amber": ("#d97706", "within 60 days"),
    "green": ("#16a34a", "valid"),
}


def traffic_light(item: ExpiryItem | None, today: date) -> str:
    """A coloured dot, the item and its last valid day (``—`` when nothing expires)."""
    if item is None:
        return "—"
    colour, title = LIGHTS[expiry_state(item.days_left(today))]
    until = item.valid_through.isoformat() if item.valid_through else "never recorded"
    return format_html(
        '<span title="{}" style="color:{}">●</span> {} <span class="quiet">{}</span>',
        title,
        colour,
        item.label,
        until,
    )


def conflict_messages(exc: Conflict) -> list[str]:
    """What a service's 409 says, one line per legality violation (rule: detail)."""
    violations = exc.extra.get("violations") or []
    if violations:
        return [
            "Refused: the assignment breaks these rules (an override needs a reason, the "
            "permission to override crew legality and a current authenticator code).",
            *(f"{v['rule']}: {v['detail']}" for v in violations),
        ]
    lines = [str(exc.detail)]
    if exc.extra.get("flights"):
        lines.append(f"Flights: {', '.join(str(f) for f in exc.extra['flights'])}.")
    return lines


class TypeDesignatorMixin:
    """ICAO type designators are upper case; people type them in either case."""

    def clean_aircraft_type(self) -> str:
        return str(self.cleaned_data.get("aircraft_type") or "").strip().upper()  # type: ignore[attr-defined]


class ServiceAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """An add form whose row is made by a service at the end of validation (module docstring):
    a 409 or a validation error from the service becomes a form error."""

    request: HttpRequest | None = None  # bound per request by ``ServiceAddAdmin.get_form``
    saved: Model | None = None

    def perform(self, actor: User | None) -> Model:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # not in django-stubs
        if self.errors or self.instance.pk:
            return
        try:
            self.saved = self.perform(acting_user(self.request) if self.request else None)
        except Conflict as exc:
            self.add_error(None, conflict_messages(exc))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc.messages)
                return
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class ServiceAddAdmin(JetOpsModelAdmin):
    """Rows made by a service through a ``ServiceAddForm`` and removed by another
    (``remove``); read-only in between."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        saved = getattr(form, "saved", None)
        return saved if saved is not None else super().save_form(request, form, change)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service while the form was validated (``ServiceAddForm``)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: these models have no many-to-many fields and no inlines."""

    def remove(self, request: HttpRequest, obj: Any) -> None:
        """Delete ``obj`` through its service (history with the acting user, side effects)."""
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # One service call per row, so each removal has its own history and side effects.
        for obj in queryset:
            self.remove(request, obj)
