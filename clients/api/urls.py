from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from clients.api.views import ClientViewSet, PassengerViewSet

router = SimpleRouter(trailing_slash=False)
router.register("clients", ClientViewSet, basename="client")

passengers = PassengerViewSet.as_view({"get": "list", "post": "create"})
passenger = PassengerViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    *router.urls,
    path("clients/<id:client_pk>/passengers", passengers, name="passenger-list"),
    path("clients/<id:client_pk>/passengers/<id:pk>", passenger, name="passenger-detail"),
]
