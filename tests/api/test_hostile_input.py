"""Hostile input gets a 4xx naming the problem: never a 500, never a half-write.

Every write endpoint of /api/v1/ is taken from the OpenAPI schema, so a new one
is covered the day it is added; each is sent a 20 MB body, JSON nested 1,000
deep, a NUL byte in each of its text fields and a number in each of them.
allauth's headless login and sign-up get the same bodies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from assessments import services
from tests.api.conftest import LOGIN_URL, SIGNUP_URL, error_of, ratings
from tests.factories import UserFactory

WRITE_METHODS = ("post", "put", "patch", "delete")
OUR_APPS = ("accounts", "lessons", "assessments", "mentoring", "courseplatform", "account", "sessions")
TWENTY_MB = json.dumps({"text": "x" * (20 * 1024 * 1024)}).encode()
DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"text": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1000 + b"}"


# --- The write endpoints, from the schema ---------------------------------------------------


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _text_fields(schema: dict, node: dict, prefix: str = "") -> list[str]:
    """Dotted paths of every string field a request body can carry (list positions from 1)."""
    node = _resolve(schema, node)
    if node.get("type") == "object" or "properties" in node:
        paths = []
        for name, child in node.get("properties", {}).items():
            if _resolve(schema, child).get("readOnly"):
                continue
            paths += _text_fields(schema, child, f"{prefix}.{name}" if prefix else name)
        return paths
    if node.get("type") == "array":
        return _text_fields(schema, node["items"], f"{prefix}.1" if prefix else "1")
    kinds = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
    if "string" in kinds and "format" not in node:  # OpenAPI 3.1: a nullable text is ["string", "null"]
        return [prefix]
    return []


def write_operations() -> list[tuple[str, str, list[str]]]:
    schema = _schema()
    found = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append((method.upper(), path, _text_fields(schema, body) if body else []))
    return found


OPERATIONS = write_operations()


def test_the_schema_lists_the_write_endpoints_we_know():
    """A guard on the discovery itself: if this shrinks, the loops below test less."""
    names = {f"{method} {path}" for method, path, _ in OPERATIONS}
    assert {"PATCH /api/v1/me/", "PUT /api/v1/lessons/{slug}/progress/",
            "PUT /api/v1/lessons/{slug}/prompt-response/", "POST /api/v1/lessons/{slug}/your-turn/snapshots/",
            "PUT /api/v1/lessons/{slug}/your-turn/reflections/{step}/",
            "POST /api/v1/lessons/{slug}/your-turn/complete/"} <= names
    texts = {f"{method} {path}": fields for method, path, fields in OPERATIONS}
    assert texts["PUT /api/v1/lessons/{slug}/prompt-response/"] == ["answers.1.text", "answers.1.category"]
    assert texts["PUT /api/v1/lessons/{slug}/your-turn/reflections/{step}/"] == ["text"]


def url_for(path: str, ids: dict[str, int] | None = None) -> str:
    real = {"{slug}": "skills", "{step}": "2", **{k: str(v) for k, v in (ids or {}).items()}}
    for name, value in sorted(real.items(), key=lambda item: -len(item[0])):
        path = path.replace(name, value)
    assert "{" not in path, f"give the test a real value for the path parameter in {path}"
    return path


def body_with(path: str, value: Any) -> dict:
    """A body whose field at dotted `path` is `value`: `answers.1.text` → {"answers": [{"text": value}]}."""
    parts = path.split(".")
    for part in reversed(parts):
        value = [value] if part.isdigit() else {part: value}
    return value


def rows_and_profile(student) -> tuple[dict[str, int], dict]:
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models() if model._meta.app_label in OUR_APPS
    }
    return counts, model_to_dict(User.objects.get(pk=student.pk))


@pytest.fixture
def ids(student, course) -> dict[str, int]:
    """Real ids for the path parameters: the student's cohort, shared attempt and a mentor's comment on it."""
    from mentoring import services as mentoring
    from mentoring.models import Cohort

    cohort = Cohort.objects.create(name="A cohort", invite_code="hostile-input")
    mentor = UserFactory(email="mentor@hostile.example")
    mentoring.mentor_role_grant(user=mentor)
    cohort.mentors.add(mentor)
    mentoring.cohort_join(user=student, code="hostile-input")
    snapshot = services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    mentoring.share_set(user=student, attempt=snapshot.attempt, with_mentors=True, with_peers=False)
    feedback = mentoring.feedback_give(author=mentor, attempt_id=snapshot.attempt_id, text="A clear start.")
    return {"cohorts/{id}/": f"cohorts/{cohort.pk}/", "attempts/{id}/": f"attempts/{snapshot.attempt_id}/",
            "feedback/{id}/": f"feedback/{feedback.pk}/"}


@pytest.fixture
def unchanged(student, course, ids):
    """Asserts, after the test, that no row was written and the student's profile is as it was."""
    before = rows_and_profile(student)
    yield
    assert rows_and_profile(student) == before


def send(client, method: str, url: str, raw: bytes):
    return client.generic(method, url, raw, content_type="application/json")


# --- Our API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS])
def test_a_20_mb_body_is_413_before_it_is_parsed(api_client, unchanged, ids, method, path):
    response = send(api_client, method, url_for(path, ids), TWENTY_MB)

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS])
def test_json_nested_1000_deep_is_400_too_deep(api_client, unchanged, ids, method, path, body):
    response = send(api_client, method, url_for(path, ids), body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "too_deep" and "32" in error["message"]


TEXT_FIELDS = [(m, p, f) for m, p, fields in OPERATIONS for f in fields]


@pytest.mark.parametrize("bad", ["before\x00after", "bell\x07", "escape\x1b[31m", "del\x7f"],
                         ids=["nul", "bell", "escape", "del"])
@pytest.mark.parametrize(("method", "path", "field"), TEXT_FIELDS)
def test_a_control_character_in_any_text_field_is_400_naming_it(api_client, unchanged, ids, method, path, field, bad):
    response = send(api_client, method, url_for(path, ids), json.dumps(body_with(field, bad)).encode())

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize(("method", "path", "field"), TEXT_FIELDS)
def test_a_number_where_text_belongs_is_400_naming_the_field(api_client, unchanged, ids, method, path, field):
    response = send(api_client, method, url_for(path, ids), json.dumps(body_with(field, 12345)).encode())

    assert response.status_code == 400
    error = error_of(response)
    assert field in error["fields"], error
    assert "text" in error["fields"][field][0].lower()


def test_tab_newline_and_carriage_return_are_still_welcome(api_client, student, course):
    text = "Line one\r\n\tindented line two with enough words to count as a reflection here"
    response = api_client.put("/api/v1/lessons/skills/your-turn/reflections/2/", {"text": text}, format="json")

    assert response.status_code == 200 and response.json()["reflection"]["text"] == text


# --- allauth headless: anonymous login and sign-up ---------------------------------------------


HEADLESS = [LOGIN_URL, SIGNUP_URL]


def headless_error(response) -> dict:
    body = response.json()
    assert body["status"] == response.status_code and body["errors"], body
    return body["errors"][0]


@pytest.mark.parametrize("url", HEADLESS)
def test_headless_refuses_a_20_mb_body_with_413(client, student, unchanged, url):
    response = send(client, "POST", url, TWENTY_MB)

    assert response.status_code == 413
    assert headless_error(response)["code"] == "too_large"


@pytest.mark.parametrize("url", HEADLESS)
def test_headless_refuses_deep_json_with_400(client, student, unchanged, url):
    response = send(client, "POST", url, b'{"email": "a@example.com", "password": ' + DEEP + b"}")

    assert response.status_code == 400
    assert headless_error(response)["code"] == "too_deep"


@pytest.mark.parametrize(("url", "field"), [(LOGIN_URL, "email"), (LOGIN_URL, "password"),
                                            (SIGNUP_URL, "email"), (SIGNUP_URL, "password")])
def test_headless_refuses_a_nul_byte_naming_the_field(client, student, unchanged, url, field):
    body = {"email": "new-person@example.com", "password": "a-long-enough-passphrase"}
    body[field] = body[field][:5] + "\x00" + body[field][5:]

    response = send(client, "POST", url, json.dumps(body).encode())

    assert response.status_code == 400
    assert field in {error.get("param") for error in response.json()["errors"]}


@pytest.mark.parametrize("url", HEADLESS)
def test_headless_refuses_a_number_as_the_email(client, student, unchanged, url):
    response = send(client, "POST", url, json.dumps({"email": 12345, "password": "a-long-enough-passphrase"}).encode())

    assert response.status_code == 400
    assert "email" in {error.get("param") for error in response.json()["errors"]}
