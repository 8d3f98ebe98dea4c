"""The OpenAPI schema: valid, warning-free, complete, and its docs page loads nothing from a CDN."""

import re

import yaml
from django.core.management import call_command
from django.test import Client

V1_OPERATIONS = {
    ("get", "/api/v1/me/"), ("patch", "/api/v1/me/"), ("delete", "/api/v1/me/"), ("get", "/api/v1/me/export/"),
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
    ("get", "/api/v1/dashboard/"), ("post", "/api/v1/dashboard/notices/read/"),
    ("get", "/api/v1/skills/"), ("get", "/api/v1/skills/export.csv"),
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
                    assert ref.startswith(f"#/components/schemas/Error{status}"), (method, path, status)


def test_every_write_documents_the_idempotency_key_and_its_errors(db):
    doc = schema()

    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "get" or (method, path) == ("delete", "/api/v1/me/"):
                # Deleting the account needs no key: once it ran, the token is gone and a retry answers 401.
                continue
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "Idempotency-Key" in names, (method, path)
            assert {"400", "409", "422"} <= set(operation["responses"]), (method, path)


def test_writable_fields_are_only_those_a_student_may_set(db):
    components = schema()["components"]["schemas"]

    assert set(components["PatchedMeUpdateRequest"]["properties"]) == {
        "display_name", "definition_of_success", "producer_path", "reminders_opt_in",
    }
    assert set(components["ReflectionWriteRequest"]["properties"]) == {"text", "client_id", "taken_at"}
    assert set(components["SnapshotWriteRequest"]["properties"]) == {"ratings", "client_id", "taken_at"}


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(db):
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources), sources


def test_a_strict_validator_accepts_the_served_schema(db):
    """openapi-spec-validator (OpenAPI 3.1 and its JSON Schema dialect) finds no error."""
    from openapi_spec_validator import validate

    doc = Client().get("/api/schema/?format=json").json()

    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] and doc["info"]["license"]["name"]


def test_nullable_objects_are_a_typed_one_of_with_null(db):
    lesson = schema()["components"]["schemas"]["LessonDetail"]["properties"]

    assert {"type": "null"} in lesson["next_lesson"]["oneOf"]
    assert {"$ref": "#/components/schemas/NextLesson"} in lesson["next_lesson"]["oneOf"]


def _ref_of(prop: dict) -> str:
    return (prop.get("$ref") or prop["allOf"][0]["$ref"]).rsplit("/", 1)[-1]


def test_error_codes_are_an_enum_per_status_and_track_locked_is_typed(db):
    doc = schema()
    components = doc["components"]["schemas"]
    lesson_403 = doc["paths"]["/api/v1/lessons/{slug}/"]["get"]["responses"]["403"]
    locked = lesson_403["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    detail = components[components[locked]["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]

    code = components[_ref_of(detail["properties"]["code"])]
    assert code["enum"] == ["permission_denied", "track_locked"]
    assert _ref_of(detail["properties"]["track"]) == "LockedTrack"
    assert set(components["LockedTrack"]["required"]) == {"slug", "title", "unlock_threshold", "points_needed"}
    me_401 = doc["paths"]["/api/v1/me/"]["get"]["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
    me_detail = components[components[me_401.rsplit("/", 1)[-1]]["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert components[_ref_of(me_detail["properties"]["code"])]["enum"] == [
        "not_authenticated", "authentication_failed",
    ]


def test_headers_a_client_reads_are_documented(db):
    paths = schema()["paths"]

    created = paths["/api/v1/lessons/{slug}/your-turn/snapshots/"]["post"]["responses"]["201"]["headers"]
    assert {"Location", "Idempotent-Replayed", "RateLimit", "RateLimit-Policy"} <= set(created)
    for path in ("/api/v1/lessons/{slug}/", "/api/v1/tracks/{slug}/", "/api/v1/tracks/"):
        get = paths[path]["get"]
        assert "ETag" in get["responses"]["200"]["headers"] and "304" in get["responses"], path
        assert "If-None-Match" in {p["name"] for p in get["parameters"]}, path
    for item in paths.values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                assert {"RateLimit", "RateLimit-Policy"} <= set(response["headers"]), status


def test_no_request_field_has_a_default_a_generated_client_would_require(db):
    components = schema()["components"]["schemas"]

    for name, component in components.items():
        if name.endswith("Request"):
            for field, spec in component.get("properties", {}).items():
                assert "default" not in spec, f"{name}.{field}"
    assert "finished" not in components["ProgressUpdateRequest"].get("required", [])


def test_every_list_documents_a_bounded_page_size(db):
    paths = schema()["paths"]

    for path in ("/api/v1/tracks/", "/api/v1/snapshots/", "/api/v1/depth-points/"):
        [size] = [p for p in paths[path]["get"]["parameters"] if p["name"] == "page_size"]
        assert size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}, path


def test_no_v1_operation_or_answer_field_has_disappeared(db):
    """Within v1 the API only grows: everything in the last release's baseline is still in the schema."""
    import json
    from pathlib import Path

    from tests.api.schema_surface import surface

    baseline = json.loads((Path(__file__).parent / "schema_baseline.json").read_text())
    current = set(surface(Client().get("/api/schema/?format=json").json()))

    missing = [entry for entry in baseline if entry not in current]
    assert not missing, f"{len(missing)} v1 entries are gone, e.g. {missing[:10]}"


def test_the_docs_page_shows_our_schema_which_links_allauths_spec(db):
    # The page's settings come as a script of its own (no inline script under the CSP); the
    # schema it shows links allauth's spec in its description.
    script = Client().get("/api/docs/?script=").content.decode()
    schema = Client().get("/api/schema/?format=json").json()

    assert 'url: "/api/schema/"' in script
    assert "(/_allauth/openapi.json)" in schema["info"]["description"]
