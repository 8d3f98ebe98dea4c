"""Check real API answers against the served OpenAPI schema, strictly.

`check_response` finds the operation a request hit (path template + method)
and checks the answer: its status is documented, its body validates against
the documented schema with an OpenAPI 3.1 validator (formats checked; an
object may carry no property the schema does not describe), a documented
body-less answer (304, 204) has no body, and each documented response header
that is present matches its schema.

Requests outside /api/v1/ (allauth, web pages, the schema itself) and paths
or methods the schema does not name (a JSON 404 for an unknown path, a 405)
are not API operations and are left alone.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

API_PREFIX = "/api/v1/"


@functools.cache
def spec() -> dict[str, Any]:
    """The schema exactly as /api/schema/?format=json serves it (plain JSON types)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document = json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))
    validate_spec(document)  # strict: a broken schema fails every API test, not only test_openapi
    return document


def _closed(schema: Any) -> Any:
    """A copy where every object that lists its properties allows no others (JSON Schema 2020-12)."""
    if isinstance(schema, dict):
        out = {key: _closed(value) for key, value in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["unevaluatedProperties"] = False
        return out
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


@functools.cache
def _components() -> dict[str, Any]:
    return _closed(copy.deepcopy(spec()["components"]))


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    routes = []
    # Fixed paths first: /snapshots/compare/ is not /snapshots/{id}/.
    for template in sorted(spec()["paths"], key=lambda t: t.count("{")):
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        routes.append((re.compile(f"^{pattern}$"), template))
    return routes


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for pattern, template in _routes():
        if pattern.match(path):
            operation = spec()["paths"][template].get(method.lower())
            return (f"{method.upper()} {template}", operation) if operation is not None else None
    return None


def _validate(schema: dict[str, Any], instance: Any, where: str) -> None:
    validator = OAS31Validator(
        {**_closed(schema), "components": _components()}, format_checker=OAS31Validator.FORMAT_CHECKER
    )
    problems = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message[:300]}" for e in problems[:5]]
        raise AssertionError(f"{where}: the answer does not match the schema:\n  " + "\n  ".join(lines))


def check_response(method: str, path: str, response) -> None:
    """Raise AssertionError when `response` to METHOD path breaks the schema (see the module docstring)."""
    if not path.startswith(API_PREFIX):
        return
    found = operation_for(method, path)
    if found is None:
        return
    where, operation = found
    if response.status_code >= 500:
        return  # a bug, never documented; the test that provokes one on purpose says what it expects
    status = str(response.status_code)
    documented = operation["responses"].get(status) or operation["responses"].get("default")
    assert documented is not None, f"{where} answered {status}, which its schema does not document"
    where = f"{where} → {status}"

    for name, header in documented.get("headers", {}).items():
        if response.has_header(name):
            value: Any = response[name]
            if header.get("schema", {}).get("type") == "integer":
                assert value.isdigit(), f"{where}: header {name}: {value!r} is not an integer"
                value = int(value)
            _validate(header.get("schema", {}), value, f"{where} header {name}")

    content = documented.get("content")
    body = b"" if getattr(response, "streaming", False) else response.content
    if not content:
        assert not body, f"{where}: the schema documents no body, but one was sent: {body[:200]!r}"
        return
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    assert media_type in content, f"{where}: Content-Type {media_type!r} is not one of {sorted(content)}"
    schema = content[media_type].get("schema", {})
    if media_type == "application/json":
        _validate(schema, json.loads(body), where)
    else:
        _validate(schema, body.decode("utf-8"), where)
