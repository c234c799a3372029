"""Finance routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from finance.api.views import GatewayWebhookView, InvoiceViewSet, PaymentViewSet, PricingRuleViewSet

router = SimpleRouter(trailing_slash=False)
router.register("pricing/rules", PricingRuleViewSet, basename="pricing-rule")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
urlpatterns = [path("payments/webhook", GatewayWebhookView.as_view(), name="payment-webhook"), *router.urls]
