"""ETags and conditional GETs (`If-None-Match` → 304) for the phone's biggest reads.

The contract: a read's ETag changes exactly when what it answers changes,
content or the student's own state. The tag is a strong hash of the body, and
the body is built once per version of what it shows (the course's structure
and content versions and the student's state version) and kept with its tag
(`courseplatform.answers`): a repeated read, 200 or 304, costs no rebuilding
and no hashing.
"""

from __future__ import annotations

import hashlib

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

ETAG_HEADER = "ETag"


def etag_of(body: bytes) -> str:
    """A strong ETag (quoted) for a response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (or is `*`)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags


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
