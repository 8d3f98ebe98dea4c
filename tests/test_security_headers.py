"""Security headers: CSP with no inline script, Permissions-Policy, and no shared caching of personal answers."""

import re

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, add_lesson3, login_token

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_private(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, response["Cache-Control"]
    assert not cache_control & {"public"}
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"cookie", "x-session-token"} <= vary, response["Vary"]


def test_every_page_has_a_csp_allowing_no_inline_script_and_a_permissions_policy(client, db):
    response = client.get("/accounts/login/")

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("default-src", []) and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]


def test_a_signed_in_page_is_private_and_not_stored(student_client, db):
    add_lesson3()
    for path in ("/", "/lessons/skills/", "/lessons/skills/your-turn/", "/skills/", "/profile/"):
        response = student_client.get(path)
        assert response.status_code == 200, path
        assert_private(response)


def test_api_answers_are_private_and_vary_on_the_session_token(student, db):
    add_lesson3()
    client = APIClient()
    token = login_token(client, student.email)

    for path in ("/api/v1/me/", "/api/v1/lessons/skills/", "/api/v1/snapshots/"):
        response = client.get(path, HTTP_X_SESSION_TOKEN=token)
        assert response.status_code == 200
        assert_private(response)
    assert_private(client.get("/api/v1/me/"))  # a 401 too
    assert_private(client.post(LOGIN_URL, {"email": student.email, "password": "wrong"}, format="json"))


@pytest.mark.parametrize("path", ["/", "/lessons/skills/", "/lessons/skills/your-turn/", "/skills/", "/profile/",
                                  "/depth-points/", "/accounts/email/", "/accounts/password/change/",
                                  "/tracks/core-skills/", "/admin/", "/admin/lessons/lesson/", "/api/docs/"])
def test_no_page_carries_an_inline_script_or_event_handler(author_client, author, path):
    """The CSP refuses inline scripts; this finds one before a browser does (admin and API docs included)."""
    course = add_lesson3()
    author_client.get(f"/admin/lessons/lesson/{course.lesson.pk}/change/")

    html = author_client.get(path).content.decode()

    for attributes, body in SCRIPT.findall(html):
        is_data = re.search(r'type="application/(ld\+)?json"', attributes)
        assert "src=" in attributes or is_data, f"inline script on {path}: {body[:200]}"
    assert not EVENT_HANDLER.search(html), f"inline event handler on {path}: {EVENT_HANDLER.search(html).group()}"


def test_the_admin_change_form_carries_no_inline_script(author_client, author):
    course = add_lesson3()

    html = author_client.get(f"/admin/lessons/lesson/{course.lesson.pk}/change/").content.decode()

    assert all("src=" in attributes or "json" in attributes for attributes, _ in SCRIPT.findall(html))


def test_the_api_docs_load_their_init_script_as_a_file(client, db):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200 and 'src="/api/docs/?script=' in page.content.decode()
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
