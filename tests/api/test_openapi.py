"""The OpenAPI schema: valid, warning-free, complete, and its docs page loads nothing from a CDN."""

import re

import yaml
from django.core.management import call_command
from django.test import Client

V1_OPERATIONS = {
    ("get", "/api/v1/me/"), ("patch", "/api/v1/me/"),
    ("get", "/api/v1/tracks/"), ("get", "/api/v1/tracks/{slug}/"),
    ("get", "/api/v1/lessons/{slug}/"),
    ("put", "/api/v1/lessons/{slug}/progress/"),
    ("put", "/api/v1/lessons/{slug}/prompt-response/"),
    ("put", "/api/v1/lessons/{slug}/prompt-response/draft/"), ("delete", "/api/v1/lessons/{slug}/prompt-response/draft/"),
    ("put", "/api/v1/lessons/{slug}/your-turn/reflections/{step}/draft/"),
    ("delete", "/api/v1/lessons/{slug}/your-turn/reflections/{step}/draft/"),
    ("post", "/api/v1/lessons/{slug}/your-turn/snapshots/"),
    ("put", "/api/v1/lessons/{slug}/your-turn/reflections/{step}/"),
    ("post", "/api/v1/lessons/{slug}/your-turn/complete/"),
    ("get", "/api/v1/snapshots/"), ("get", "/api/v1/snapshots/{id}/"), ("get", "/api/v1/snapshots/compare/"),
    ("get", "/api/v1/depth-points/"),
    ("get", "/api/v1/cohorts/"), ("post", "/api/v1/cohorts/join/"), ("post", "/api/v1/cohorts/{id}/leave/"),
    ("get", "/api/v1/cohorts/attempts/"),
    ("get", "/api/v1/cohorts/attempts/{id}/share/"), ("put", "/api/v1/cohorts/attempts/{id}/share/"),
    ("get", "/api/v1/feedback/"), ("post", "/api/v1/feedback/{id}/reply/"), ("post", "/api/v1/feedback/{id}/report/"),
}


def test_spectacular_validate_fail_on_warn_is_clean(db, tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` exits cleanly (it raises on any warning)."""
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert out.stat().st_size > 0


def schema(client=None) -> dict:
    response = (client or Client()).get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_describes_every_v1_endpoint_with_the_session_token_scheme(db):
    doc = schema()

    operations = {(method, path) for path, item in doc["paths"].items() for method in item}
    assert operations == V1_OPERATIONS
    assert doc["components"]["securitySchemes"]["sessionToken"] == {
        "type": "apiKey", "in": "header", "name": "X-Session-Token",
        "description": doc["components"]["securitySchemes"]["sessionToken"]["description"],
    }
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert {"sessionToken": []} in operation["security"], (method, path)
            assert "401" in operation["responses"] and "429" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, status)


def test_every_write_documents_the_idempotency_key_and_its_errors(db):
    doc = schema()

    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "get":
                continue
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "Idempotency-Key" in names, (method, path)
            assert {"400", "409", "422"} <= set(operation["responses"]), (method, path)


def test_writable_fields_are_only_those_a_student_may_set(db):
    components = schema()["components"]["schemas"]

    assert set(components["PatchedMeUpdateRequest"]["properties"]) == {
        "display_name", "definition_of_success", "producer_path", "reminders_opt_in",
    }
    assert set(components["ReflectionWriteRequest"]["properties"]) == {"text"}
    assert set(components["SnapshotWriteRequest"]["properties"]) == {"ratings"}


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(db):
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
