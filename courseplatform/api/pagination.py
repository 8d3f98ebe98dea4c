"""Pages of a list: `?page=<n>&page_size=<1..100>` (20 by default).

A page size outside its bounds, like a page past the end, is a client error
(400 naming `page_size`), never silently changed: the client asked for
something the API does not give.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("Ask for 1 to %(max)d rows a page.") % {"max": self.max_page_size}]}
            )
        return size

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # DRF's says `nullable: true` (OpenAPI 3.0), which an OpenAPI 3.1 validator ignores: null is a type.
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param, "required": False, "in": "query",
                "description": "A page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": f"Rows a page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# For views that paginate by hand (the Depth points ledger).
PAGE = OpenApiParameter("page", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, description="A page number, from 1.")
PAGE_SIZE = OpenApiParameter(
    "page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}, OpenApiParameter.QUERY,
    description=f"Rows a page, 1 to {MAX_PAGE_SIZE} (default 20).",
)
