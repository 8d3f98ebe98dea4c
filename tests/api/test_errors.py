"""Every 4xx under /api/ has the one JSON error shape, and bad input never makes a 500."""

import pytest
from rest_framework.test import APIClient

from courseplatform.api.errors import flatten_errors
from tests.api.conftest import error_of


def test_an_unknown_api_path_is_a_json_404(api_client):
    for path in ("/api/v1/nothing-here/", "/api/v2/me/", "/api/v1/me", "/api/whatever"):
        response = api_client.get(path)

        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert error_of(response)["code"] == "not_found"


def test_malformed_json_is_a_400_parse_error(api_client, course):
    response = api_client.generic(
        "POST", "/api/v1/lessons/skills/your-turn/snapshots/", '{"ratings": {', content_type="application/json"
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_form_encoded_body_is_415(api_client, course):
    response = api_client.post("/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": "x"})

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_a_method_the_endpoint_lacks_is_405(api_client):
    response = api_client.post("/api/v1/me/", {}, format="json")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/tracks/", "/api/v1/snapshots/", "/api/v1/depth-points/"])
def test_without_a_session_the_api_answers_401(db, path):
    response = APIClient().get(path)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert "X-Session-Token" in response["WWW-Authenticate"]


def test_an_unknown_session_token_is_401(db):
    response = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-token")

    assert response.status_code == 401


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_a_body_that_is_not_an_object_is_a_400_not_a_500(api_client, course, body):
    for method, path in [
        ("PATCH", "/api/v1/me/"),
        ("PUT", "/api/v1/lessons/skills/progress/"),
        ("PUT", "/api/v1/lessons/skills/prompt-response/"),
        ("POST", "/api/v1/lessons/skills/your-turn/snapshots/"),
        ("PUT", "/api/v1/lessons/skills/your-turn/reflections/2/"),
    ]:
        response = api_client.generic(method, path, body, content_type="application/json")

        assert response.status_code == 400, (method, path, response.content)
        assert error_of(response)["fields"]


def test_huge_ids_are_404_not_500(api_client, course):
    assert api_client.get("/api/v1/snapshots/99999999999999999999999/").status_code == 404
    assert api_client.put(
        "/api/v1/lessons/skills/your-turn/reflections/99999999999999999999/", {"text": "x"}, format="json"
    ).status_code == 404


def test_nested_errors_are_flattened_with_dotted_names_counting_list_positions_from_1():
    detail = {"answers": [{}, {"text": ["Too long."]}], "ratings": {"technical": ["Out of range."]},
              "non_field_errors": ["Wrong."], "list": {0: ["First item bad."]}}

    assert flatten_errors(detail) == {
        "answers.2.text": ["Too long."],
        "ratings.technical": ["Out of range."],
        "non_field_errors": ["Wrong."],
        "list.1": ["First item bad."],
    }
