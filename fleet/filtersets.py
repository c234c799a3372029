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
from fleet.forms import AirportChoiceField
from fleet.models import Aircraft, Airport
from fleet.selectors import aircraft_available, aircraft_near
from jetops.api.filters import IntegerFilter

MAX_WINDOW = timedelta(days=366)
DEFAULT_RADIUS_NM = 500
MAX_RADIUS_NM = 10800  # half the Earth's circumference: everything


class AirportFilter(django_filters.Filter):
    """A parameter naming an airport by any code a person means (``AirportChoiceField``: ICAO
    or IATA, any case, K + IATA, a former ICAO code): the queryset is filtered on the airport
    itself; an unknown code is a 400 naming the parameter."""

    field_class = AirportChoiceField


class AircraftFilterForm(forms.Form):
    """Cross-parameter checks: the window's two ends go together and are ordered; ``radius_nm``
    goes with ``near``."""

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
        if data.get("near") is None and data.get("radius_nm") is not None and "near" not in self.errors:
            self.add_error("radius_nm", "radius_nm needs near (an airport code).")
        return data


class AircraftFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AircraftStatus.choices)
    category = django_filters.MultipleChoiceFilter(choices=AircraftCategory.choices)
    min_seats = IntegerFilter(field_name="seating_capacity", lookup_expr="gte", min_value=1)
    current_location = AirportFilter(label="Airport code (ICAO or IATA) where the aircraft is")
    home_base = AirportFilter(label="Airport code (ICAO or IATA) of the aircraft's home base")
    available_from = django_filters.IsoDateTimeFilter(
        method="filter_window", label="Free from (ISO 8601; with available_to)"
    )
    available_to = django_filters.IsoDateTimeFilter(
        method="filter_window", label="Free until (ISO 8601; with available_from; at most 366 days later)"
    )
    near = AirportFilter(method="filter_near", label="Airport code (ICAO or IATA): nearest first")
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

    # The window and the circle are applied together in filter_queryset once the whole form
    # is clean; these no-ops only give the schema each parameter's type.
    def filter_window(self, queryset: QuerySet[Aircraft], name: str, value: datetime) -> QuerySet[Aircraft]:
        return queryset

    def filter_near(self, queryset: QuerySet[Aircraft], name: str, value: Airport) -> QuerySet[Aircraft]:
        return queryset

    def filter_radius(self, queryset: QuerySet[Aircraft], name: str, value: Decimal) -> QuerySet[Aircraft]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Aircraft]) -> QuerySet[Aircraft]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("available_from") and data.get("available_to"):
            queryset = aircraft_available(queryset, data["available_from"], data["available_to"])
        if data.get("near") is not None:
            radius = float(data.get("radius_nm") or DEFAULT_RADIUS_NM)
            queryset = aircraft_near(queryset, data["near"], radius)
        return queryset


class AircraftOrderingFilter(OrderingFilter):
    """With ``near`` and no explicit ``ordering``, keep the nearest-first order."""

    def get_default_ordering(self, view: Any) -> Any:
        request = getattr(view, "request", None)
        if request is not None and request.query_params.get("near"):
            return None
        return super().get_default_ordering(view)
