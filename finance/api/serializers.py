"""Shapes of the finance API: the market rules staff list, add and change."""

from __future__ import annotations

from rest_framework import serializers

from finance.models import PricingRegion, PricingRule
from fleet.choices import AircraftCategory
from jetops.api.serializers import StrictModelSerializer


class PricingRuleSerializer(StrictModelSerializer):
    """A market rule (docs/rules.md#dynamic-pricing-market-rules); regions by id, shown with
    their names. The model's ``clean()`` checks what each kind needs (the service saves
    through it), so the API and the admin refuse the same rules."""

    region = serializers.PrimaryKeyRelatedField(
        queryset=PricingRegion.objects.all(), allow_null=True, required=False
    )
    to_region = serializers.PrimaryKeyRelatedField(
        queryset=PricingRegion.objects.all(), allow_null=True, required=False
    )
    # The fleet's category choices (the same schema enum as an aircraft's); blank: every category.
    category = serializers.ChoiceField(choices=AircraftCategory.choices, allow_blank=True, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None)
    to_region_name = serializers.CharField(source="to_region.name", read_only=True, default=None)

    class Meta:
        model = PricingRule
        fields = [
            "id",
            "name",
            "kind",
            "is_enabled",
            "priority",
            "valid_from",
            "valid_to",
            "percent",
            "category",
            "region",
            "region_name",
            "to_region",
            "to_region_name",
            "both_ways",
            "threshold_percent",
            "min_lead_hours",
            "max_lead_hours",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "region_name", "to_region_name", "created_at", "updated_at"]
        # The model's constraints are checked by the service (full_clean), field-keyed.
        validators: list[object] = []
