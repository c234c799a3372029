"""What the crew admin screens share: the traffic light of expiries, and the rows that
services make and remove (``ServiceForm`` / ``ServiceAddAdmin``).

A service may refuse a write with a 409 (an illegal assignment, an overlapping period): the
admin adapter (``jetops.admin.JetOpsModelAdmin``) shows it on the form. Those rows are never
edited in place (there is no update service): change views are read-only, and deletion goes
through the removal service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html

from crew.qualifications import ExpiryItem, expiry_state
from jetops.admin import JetOpsModelAdmin, ServiceAddAdminMixin

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


class TypeDesignatorMixin:
    """ICAO type designators are upper case; people type them in either case."""

    def clean_aircraft_type(self) -> str:
        return str(self.cleaned_data.get("aircraft_type") or "").strip().upper()  # type: ignore[attr-defined]


class ServiceAddAdmin(ServiceAddAdminMixin, JetOpsModelAdmin):
    """Rows made by a service through a ``ServiceForm`` and removed by another
    (``remove``); read-only in between."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: these models have no many-to-many fields and no inlines."""
