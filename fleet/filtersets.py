"""Filters of ``GET /aircraft``: status, category, seats, an availability window, and aircraft
near an airport (``near`` + ``radius_nm``). Bad values are a 400 naming the parameter."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework.filters import OrderingFilter

from fleet.choices import AircraftCategory, AircraftStatus
from fleet.models import Aircraft, Airport
from fleet.selectors import aircraft_available, aircraft_near
from jetops.api.filters import IntegerFilter

MAX_WINDOW = timedelta(days=366)
DEFAULT_RADIUS_NM = 500
MAX_RADIUS_NM = 10800  # half the Earth's circumference: everything


class AircraftFilterForm(forms.Form):
    """Cross-parameter checks: the window's two ends go together and are ordered; ``near``
    must be a known airport (kept as ``near_airport``)."""

    near_airport: Airport | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None) and not self.errors:
            missing = "available_to" if end is None else "available_from"
            self.add_error(missing, "available_from and available_to go together.")
        elif start is not None and end is not None:
            if end <= start:
                self.add_error("available_to", "Must be after available_from.")
            elif end - start > MAX_WINDOW:
                self.add_error("available_to", "The window is at most 366 days.")
        near = (data.get("near") or "").strip().upper()
        if near:
            airport = Airport.objects.filter(icao=near).first()
            if airport is None:
                self.add_error("near", f"Unknown airport ICAO code {near!r}.")
            self.near_airport = airport
        elif data.get("radius_nm") is not None:
            self.add_error("radius_nm", "radius_nm needs near (an airport ICAO code).")
        return data


class AircraftFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AircraftStatus.choices)
    category = django_filters.MultipleChoiceFilter(choices=AircraftCategory.choices)
    min_seats = IntegerFilter(field_name="seating_capacity", lookup_expr="gte", min_value=1)
    current_location = django_filters.CharFilter(field_name="current_location_id", method="filter_airport")
    home_base = django_filters.CharFilter(field_name="home_base_id", method="filter_airport")
    available_from = django_filters.IsoDateTimeFilter(
        method="filter_window", label="Free from (ISO 8601; with available_to)"
    )
    available_to = django_filters.IsoDateTimeFilter(
        method="filter_window", label="Free until (ISO 8601; with available_from; at most 366 days later)"
    )
    near = django_filters.CharFilter(method="filter_near", label="ICAO code of an airport: nearest first")
    radius_nm = django_filters.NumberFilter(
        method="filter_radius",
        min_value=1,
        max_value=MAX_RADIUS_NM,
        label="Radius around near (NM, default 500)",
    )

    class Meta:
        model = Aircraft
        form = AircraftFilterForm
        fields = ["status", "category", "is_active", "min_crew"]

    def filter_airport(self, queryset: QuerySet[Aircraft], name: str, value: str) -> QuerySet[Aircraft]:
        return queryset.filter(**{name: value.strip().upper()})

    # The window and the circle are applied together in filter_queryset once the whole form
    # is clean; these no-ops only give the schema each parameter's type.
    def filter_window(self, queryset: QuerySet[Aircraft], name: str, value: datetime) -> QuerySet[Aircraft]:
        return queryset

    def filter_near(self, queryset: QuerySet[Aircraft], name: str, value: str) -> QuerySet[Aircraft]:
        return queryset

    def filter_radius(self, queryset: QuerySet[Aircraft], name: str, value: Decimal) -> QuerySet[Aircraft]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Aircraft]) -> QuerySet[Aircraft]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("available_from") and data.get("available_to"):
            queryset = aircraft_available(queryset, data["available_from"], data["available_to"])
        airport = getattr(self.form, "near_airport", None)
        if airport is not None:
            radius = float(data.get("radius_nm") or DEFAULT_RADIUS_NM)
            queryset = aircraft_near(queryset, airport, radius)
        return queryset


class AircraftOrderingFilter(OrderingFilter):
    """With ``near`` and no explicit ``ordering``, keep the nearest-first order."""

    def get_default_ordering(self, view: Any) -> Any:
        request = getattr(view, "request", None)
        if request is not None and request.query_params.get("near"):
            return None
        return super().get_default_ordering(view)
