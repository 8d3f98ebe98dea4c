"""allauth headless's OpenAPI spec, served at /_allauth/openapi.json (and .yaml) with two gaps closed.

allauth 65.21's spec lists the login flows a 401 answer can carry, but not the
`password_reset_by_code` flow that ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED adds,
and it allows only `"is_pending": true` while that flow answers `false`. A client
generated from the spec as shipped fails to read those answers (a reset request
on a phone). The spec is allauth's own (`get_schema`); only the `Flow` schema is
widened to what the server sends. Remove this once allauth's spec says so itself.
"""

import json

from allauth.headless.spec.internal.schema import get_schema
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

MISSING_FLOW_IDS = ("password_reset_by_code",)


def corrected_spec() -> dict:
    spec = get_schema()
    flow = spec.get("components", {}).get("schemas", {}).get("Flow", {}).get("properties", {})
    ids = flow.get("id", {}).get("enum")
    if ids is not None:
        ids.extend(flow_id for flow_id in MISSING_FLOW_IDS if flow_id not in ids)
    if "is_pending" in flow:
        flow["is_pending"].pop("enum", None)
    return spec


@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(corrected_spec()), content_type="application/vnd.oai.openapi+json",
        headers={"Content-Disposition": "inline; filename=allauth-openapi.json"},
    )


@require_GET
def openapi_yaml(request: HttpRequest) -> HttpResponse:
    import yaml

    return HttpResponse(
        yaml.dump(corrected_spec(), Dumper=yaml.Dumper), content_type="application/vnd.oai.openapi",
        headers={"Content-Disposition": "inline; filename=allauth-openapi.yaml"},
    )
