"""Crew routes, mounted under ``/api/v1/`` by ``jetops.urls``. The fixed paths
(``crew/availability``, ``crew/assignments``, ``crew/calendar``) come before ``crew/{id}``."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from crew.api.views import (
    CrewAssignmentViewSet,
    CrewAvailabilityViewSet,
    CrewCalendarView,
    CrewMemberViewSet,
    FlightCrewViewSet,
)
from jetops.api.filters import ID_PATTERN

router = SimpleRouter(trailing_slash=False)
router.register("crew/availability", CrewAvailabilityViewSet, basename="crew-availability")
router.register("crew/assignments", CrewAssignmentViewSet, basename="crew-assignments")
router.register("crew", CrewMemberViewSet, basename="crew")
router.register(rf"flights/(?P<flight_pk>{ID_PATTERN})/crew", FlightCrewViewSet, basename="flight-crew")

urlpatterns = [
    path("crew/calendar/<str:token>.ics", CrewCalendarView.as_view(), name="crew-calendar"),
    *router.urls,
]
