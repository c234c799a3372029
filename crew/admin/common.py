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

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from crew.qualifications import ExpiryItem, expiry_state
from jetops.admin import JetOpsModelAdmin, ServiceAddAdminMixin
from jetops.admin import ServiceAddForm as BaseServiceAddForm
from jetops.api.exceptions import Conflict

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


class ServiceAddForm(BaseServiceAddForm):
    """``jetops.admin.ServiceAddForm`` with the crew wording of a refusal."""

    def conflict_lines(self, exc: Conflict) -> list[str]:
        return conflict_messages(exc)


class ServiceAddAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    """Rows made by a service through a ``ServiceAddForm`` and removed by another
    (``remove``); read-only in between."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service while the form was validated (``ServiceAddForm``)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: these models have no many-to-many fields and no inlines."""

    # Each subclass defines ``remove(request, obj)``: delete ``obj`` through its service
    # (history with the acting user, side effects).
    remove: Callable[[HttpRequest, Any], None]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # One service call per row, so each removal has its own history and side effects.
        for obj in queryset:
            self.remove(request, obj)
