"""Finance routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from finance.api.views import PricingRuleViewSet

router = SimpleRouter(trailing_slash=False)
router.register("pricing/rules", PricingRuleViewSet, basename="pricing-rule")
urlpatterns = router.urls
