"""What a v1 client can rely on in the schema: every operation and every property of every answer.

`surface(spec)` lists them as strings:

    "GET /api/v1/me/"                                  an operation
    "GET /api/v1/me/ 200 email"                        a property of an answer
    "GET /api/v1/lessons/{slug}/ 200 sections[].prompt.answers[].text"

tests/api/schema_baseline.json holds the surface of the last release; a test fails
when any of it is gone (within v1 the API only grows). After a release that adds
to the API, refresh the file: `python -m tests.api.schema_surface > tests/api/schema_baseline.json`.
"""

from __future__ import annotations

import json
from typing import Any


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    ref = schema.get("$ref")
    if ref is None:
        return schema, None
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node, ref


def _walk(spec: dict[str, Any], schema: dict[str, Any], prefix: str, out: set[str], seen: frozenset[str]) -> None:
    schema, ref = _resolve(spec, schema)
    if ref is not None:
        if ref in seen:
            return
        seen = seen | {ref}
    for key in ("oneOf", "anyOf", "allOf"):
        for part in schema.get(key, []):
            _walk(spec, part, prefix, out, seen)
    for name, child in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        out.add(path)
        _walk(spec, child, path, out, seen)
    if "items" in schema:
        _walk(spec, schema["items"], f"{prefix}[]", out, seen)


def surface(spec: dict[str, Any]) -> list[str]:
    out: set[str] = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            operation_name = f"{method.upper()} {path}"
            out.add(operation_name)
            for status, response in operation.get("responses", {}).items():
                for media_type, content in response.get("content", {}).items():
                    if media_type != "application/json":
                        out.add(f"{operation_name} {status} {media_type}")
                        continue
                    properties: set[str] = set()
                    _walk(spec, content.get("schema", {}), "", properties, frozenset())
                    out.update(f"{operation_name} {status} {p}" for p in properties)
    return sorted(out)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseplatform.settings.test")
    django.setup()
    from tests.api.openapi_check import spec

    print(json.dumps(surface(spec()), indent=1))
