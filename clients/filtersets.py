from __future__ import annotations

import django_filters

from clients.models import Client


class ClientFilterSet(django_filters.FilterSet):
    type = django_filters.CharFilter(field_name="client_type")

    class Meta:
        model = Client
        fields = ["client_type", "vip_status", "billing_currency", "account_manager", "legal_hold"]
