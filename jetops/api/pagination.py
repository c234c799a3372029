from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class JetOpsPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=&page_size=`` (max 200)."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
