"""``/api/v1/activity``: the security log, read-only (no write route exists)."""

from __future__ import annotations

import django_filters
from django import forms
from rest_framework import mixins, serializers

from jetops.api.pagination import EstimatedCountPagination
from jetops.api.viewsets import JetOpsGenericViewSet
from jetops.models import ActivityLog


class ActivityLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityLog
        fields = [
            "id",
            "created_at",
            "user",
            "username",
            "action",
            "outcome",
            "reason",
            "ip",
            "user_agent",
            "method",
            "path",
            "subject_type",
            "subject_id",
            "detail",
        ]
        read_only_fields = fields


class IPAddressFilter(django_filters.CharFilter):
    """An IPv4 or IPv6 address: anything else is a 400 naming the parameter, never a query
    the database refuses (PostgreSQL's ``inet`` does)."""

    field_class = forms.GenericIPAddressField


class ActivityLogFilterSet(django_filters.FilterSet):
    ip = IPAddressFilter()

    class Meta:
        model = ActivityLog
        fields = ["action", "outcome", "user", "username", "ip"]


class ActivityLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JetOpsGenericViewSet):
    queryset = ActivityLog.objects.all()
    pagination_class = EstimatedCountPagination
    serializer_class = ActivityLogSerializer
    filterset_class = ActivityLogFilterSet
    search_fields = ["username", "path", "reason"]
    ordering_fields = ["created_at"]
