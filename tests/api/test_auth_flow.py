"""The mobile client's sign-up → token → API → logout flow through allauth headless."""

from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, SESSION_URL, SIGNUP_URL, error_of


def test_signup_gives_a_token_that_opens_the_api_and_logout_ends_it_at_once(db):
    client = APIClient()

    signup = client.post(SIGNUP_URL, {"email": "new@example.com", "password": "a-long-producer-pass"}, format="json")
    assert signup.status_code == 200, signup.content
    token = signup.json()["meta"]["session_token"]

    me = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["email"] == "new@example.com"

    logout = client.delete(SESSION_URL, HTTP_X_SESSION_TOKEN=token)
    assert logout.status_code == 401  # allauth: "no longer authenticated"

    after = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert after.status_code == 401
    assert error_of(after)["code"] == "not_authenticated"


def test_login_gives_a_token_for_writes_without_csrf(student, course):
    client = APIClient(enforce_csrf_checks=True)
    login = client.post(LOGIN_URL, {"email": student.email, "password": "correct-horse-battery"}, format="json")
    token = login.json()["meta"]["session_token"]
    client.cookies.clear()  # the app sends only the token

    response = client.put("/api/v1/lessons/skills/progress/", {}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200


def test_a_wrong_password_gets_no_token(student):
    response = APIClient().post(LOGIN_URL, {"email": student.email, "password": "nope"}, format="json")

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_the_browser_session_works_for_reads_and_needs_csrf_for_writes(student, course):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    assert client.get("/api/v1/me/").status_code == 200
    write = client.patch("/api/v1/me/", {"display_name": "X"}, format="json")
    assert write.status_code == 403
    assert error_of(write)["code"] == "permission_denied"


def test_logging_out_one_token_leaves_another_device_signed_in(student):
    phone, tablet = APIClient(), APIClient()
    phone_token = phone.post(LOGIN_URL, {"email": student.email, "password": "correct-horse-battery"},
                             format="json").json()["meta"]["session_token"]
    tablet_token = tablet.post(LOGIN_URL, {"email": student.email, "password": "correct-horse-battery"},
                               format="json").json()["meta"]["session_token"]

    phone.delete(SESSION_URL, HTTP_X_SESSION_TOKEN=phone_token)

    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=phone_token).status_code == 401
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=tablet_token).status_code == 200
