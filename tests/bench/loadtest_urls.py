"""The application's routes plus the data floor the load test compares every endpoint with:
the simplest correct DRF list over the same flights table (25 rows by departure time, a
plain serializer, no authentication, no count) and its detail."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from flights.models import Flight
from jetops.urls import handler404, handler500
from jetops.urls import urlpatterns as app_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


class FloorFlightSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Flight
        fields = [
            "id",
            "flight_number",
            "departure_airport",
            "arrival_airport",
            "departure_at",
            "arrival_at",
            "status",
        ]


class FloorView:
    queryset = Flight.objects.order_by("departure_at", "id")
    serializer_class = FloorFlightSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []


class FloorList(FloorView, generics.ListAPIView):  # type: ignore[type-arg]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Flight]:
        return super().get_queryset()[:25]


class FloorDetail(FloorView, generics.RetrieveAPIView):  # type: ignore[type-arg]
    pass


urlpatterns = [
    path("loadtest/floor/flights", FloorList.as_view()),
    path("loadtest/floor/flights/<int:pk>", FloorDetail.as_view()),
    *app_urlpatterns,
]
