"""Finance API: thin views over ``finance.services``; permissions through
``jetops.permissions`` (via the base viewset). Staff with the finance permissions list, add
and change market rules; clients and crew have none (403)."""

from __future__ import annotations

from typing import Any

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.filters import OrderingFilter, SearchFilter

from finance import services
from finance.api.serializers import PricingRuleSerializer
from finance.models import PricingRule, PricingRuleKind
from fleet.choices import AircraftCategory
from jetops.activity import acting_user
from jetops.api.viewsets import JetOpsGenericViewSet


class PricingRuleFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=PricingRuleKind.choices)
    is_enabled = django_filters.BooleanFilter()
    category = django_filters.MultipleChoiceFilter(choices=AircraftCategory.choices)
    in_force_on = django_filters.DateFilter(method="filter_in_force", label="In force on (YYYY-MM-DD)")

    class Meta:
        model = PricingRule
        fields = ["kind", "is_enabled", "category", "region"]

    def filter_in_force(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(valid_from__lte=value).exclude(valid_to__lt=value)


@extend_schema_view(
    list=extend_schema(summary="List market pricing rules (staff)"),
    retrieve=extend_schema(summary="A market pricing rule"),
    create=extend_schema(summary="Add a market pricing rule"),
    update=extend_schema(summary="Replace a market pricing rule"),
    partial_update=extend_schema(summary="Change a market pricing rule (is_enabled: false switches it off)"),
)
class PricingRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    JetOpsGenericViewSet,
):
    """``/pricing/rules``: the dated market rules quotes apply. No DELETE: a rule is switched
    off (``is_enabled``) or ended (``valid_to``), so its history stays readable."""

    queryset = PricingRule.objects.select_related("region", "to_region")
    serializer_class = PricingRuleSerializer
    filterset_class = PricingRuleFilterSet
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["priority", "name", "kind", "valid_from", "updated_at"]
    ordering = ["priority", "id"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.pricing_rule_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.pricing_rule_update(
            rule=serializer.instance, actor=acting_user(self.request), **serializer.validated_data
        )
