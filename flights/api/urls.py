from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from flights.api.views import (
    ClientBookingsViewSet,
    ConciergeViewSet,
    FlightViewSet,
    QuoteViewSet,
    TripViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("flights", FlightViewSet, basename="flight")
router.register("trips", TripViewSet, basename="trip")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("concierge", ConciergeViewSet, basename="concierge")

urlpatterns = [
    *router.urls,
    # A client's bookings hang off the client's path but are flights' to list.
    path("clients/<id:pk>/bookings", ClientBookingsViewSet.as_view({"get": "list"}), name="client-bookings"),
]
