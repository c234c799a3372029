"""Fleet routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from fleet.api.views import AircraftViewSet

router = SimpleRouter(trailing_slash=False)
router.register("aircraft", AircraftViewSet, basename="aircraft")
urlpatterns = router.urls
