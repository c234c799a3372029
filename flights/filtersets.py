from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from fleet.filtersets import AirportFilter
from fleet.models import Airport
from flights.models import ConciergeRequest, Flight, Quote, Trip
from jetops.api.filters import IdFilter


class FlightFilterSet(django_filters.FilterSet):
    # ``status IN (...)`` matches each row once: no DISTINCT (django-filter's default) over wide rows.
    status = django_filters.MultipleChoiceFilter(
        choices=Flight._meta.get_field("status").choices, distinct=False
    )
    aircraft = IdFilter(field_name="aircraft_id")
    client = IdFilter(field_name="client_id")
    trip = IdFilter(field_name="trip_id")
    airport = AirportFilter(method="filter_airport", label="Departs from or arrives at this airport code")
    date_from = django_filters.IsoDateTimeFilter(field_name="departure_at", lookup_expr="gte")
    date_to = django_filters.IsoDateTimeFilter(field_name="departure_at", lookup_expr="lt")

    class Meta:
        model = Flight
        fields = ["status", "aircraft", "client", "trip", "leg_type"]

    def filter_airport(self, queryset: QuerySet[Flight], name: str, value: Airport) -> QuerySet[Flight]:
        return queryset.filter(Q(departure_airport=value) | Q(arrival_airport=value))


class TripFilterSet(django_filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Trip
        fields = ["status", "client"]


class QuoteFilterSet(django_filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Quote
        fields = ["status", "client"]


class ConciergeFilterSet(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ConciergeRequest
        fields = ["status", "assignee"]

    def filter_overdue(
        self, queryset: QuerySet[ConciergeRequest], name: str, value: bool
    ) -> QuerySet[ConciergeRequest]:
        from django.utils import timezone

        overdue = Q(resolved_at__isnull=True, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
