"""Planning routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from planning.api.views import AirportWeatherViewSet, FlightPlanningViewSet

router = SimpleRouter(trailing_slash=False)
router.register("flights", FlightPlanningViewSet, basename="flight-planning")
router.register("airports", AirportWeatherViewSet, basename="airport-weather")
urlpatterns = router.urls
