from __future__ import annotations

from rest_framework.routers import SimpleRouter

from flights.api.views import ConciergeViewSet, FlightViewSet, QuoteViewSet, TripViewSet

router = SimpleRouter(trailing_slash=False)
router.register("flights", FlightViewSet, basename="flight")
router.register("trips", TripViewSet, basename="trip")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("concierge", ConciergeViewSet, basename="concierge")
urlpatterns = router.urls
