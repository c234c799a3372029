from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jetops.health import healthz
from jetops.metrics import metrics

api_v1: list[URLPattern | URLResolver] = [
    path("auth/", include("jetops.auth.urls")),
    path("", include("jetops.api.urls")),
    path("", include("clients.api.urls")),
    path("", include("fleet.api.urls")),
    path("", include("crew.api.urls")),
    path("", include("flights.api.urls")),
    path("", include("finance.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
]

handler404 = "jetops.api.errors.not_found"
handler500 = "jetops.api.errors.server_error"
