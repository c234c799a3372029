"""Filters of the crew list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from crew.choices import Position
from crew.models import CrewMember
from fleet.filtersets import AirportFilter


class CrewFilterSet(django_filters.FilterSet):
    position = django_filters.MultipleChoiceFilter(choices=Position.choices, distinct=False)
    base = AirportFilter(field_name="home_base", label="Home base airport code (ICAO or IATA)")
    type_rating = django_filters.CharFilter(method="filter_type_rating", label="Rated on this aircraft type")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = CrewMember
        fields = ["position", "base", "type_rating", "is_active"]

    def filter_type_rating(
        self, queryset: QuerySet[CrewMember], name: str, value: Any
    ) -> QuerySet[CrewMember]:
        return queryset.filter(ratings__aircraft_type=str(value).strip().upper()).distinct()
