"""Touches drf-spectacular cannot express per view (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

- Every v1 answer may carry the RateLimit headers (`courseplatform.api.ratelimit`):
  every v1 endpoint is throttled.
- The general `Error` component stays in the schema for clients generated from
  v1.0/1.1 (operations now document a typed error per status: `Error400`, ...).
"""

from drf_spectacular.hooks import postprocess_schema_enums

from .ratelimit import LIMIT_HEADER, POLICY_HEADER

RATELIMIT_HEADERS = {
    POLICY_HEADER: {
        "schema": {"type": "string"},
        "description": 'The rate that applies, e.g. "api_write";q=120;w=60 (120 requests a 60-second window).',
    },
    LIMIT_HEADER: {
        "schema": {"type": "string"},
        "description": 'Room left, e.g. "api_write";r=119;t=60 (119 more requests; full again in 60 seconds).',
    },
}

GENERAL_ERROR = {
    "Error": {
        "type": "object",
        "description": "The general error shape; each operation documents a typed one per status.",
        "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
        "required": ["error"],
    },
    "ErrorDetail": {
        "type": "object",
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status, repeated."},
            "code": {"type": "string", "description": "Machine-readable; each operation lists its codes."},
            "message": {"type": "string", "description": "A sentence a person can read."},
            "fields": {
                "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Only when particular fields are wrong: field name → problems.",
            },
            "track": {"$ref": "#/components/schemas/LockedTrack"},
        },
        "required": ["status", "code", "message"],
    },
}


def postprocess(result, generator, request, public):
    result = postprocess_schema_enums(result, generator)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                headers = response.setdefault("headers", {})
                for name, header in RATELIMIT_HEADERS.items():
                    headers.setdefault(name, header)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in GENERAL_ERROR.items():
        schemas.setdefault(name, schema)
    return result
