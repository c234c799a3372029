"""Planning routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from planning.api.views import FlightPlanningViewSet

router = SimpleRouter(trailing_slash=False)
router.register("flights", FlightPlanningViewSet, basename="flight-planning")
urlpatterns = router.urls
