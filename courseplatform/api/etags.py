"""ETags and conditional GETs (`If-None-Match` → 304) for the phone's biggest reads.

The contract: a read's ETag changes exactly when what it answers changes,
content or the student's own state. Today the tag is a strong hash of the
response body itself, which makes that true by construction. This is the one
place that computes it, so it can later be switched to versions (a course
structure version and a per-student state version) without touching the views.
"""

from __future__ import annotations

import hashlib
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

ETAG_HEADER = "ETag"


def etag_for(data: Any) -> str:
    """A strong ETag (quoted) for the JSON the API would send for `data`."""
    body = JSONRenderer().render(data)
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags


def conditional_response(request: Request, data: Any) -> Response:
    """200 with `data` and its ETag, or 304 (no body) when the client's copy is current."""
    etag = etag_for(data)
    if _matches(request.headers.get("If-None-Match"), etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response[ETAG_HEADER] = etag
    return response


# --- OpenAPI ----------------------------------------------------------------------

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="The ETag of the copy the client holds: a 304 with no body answers when it is still current.",
)
ETAG = OpenApiParameter(
    ETAG_HEADER, str, OpenApiParameter.HEADER, response=[200, 304],
    description="A strong validator of this answer; send it back as If-None-Match.",
)
NOT_MODIFIED = {304: OpenApiResponse(description="The copy the client holds (If-None-Match) is still current.")}
