"""The account calls a phone makes through allauth headless (client `app`), each as docs/api.md shows it:
sign up, verify the address by code, log in, log out, reset the password by code, change the
password and the e-mail address, and re-authenticate. Its spec is served at /_allauth/openapi.json.
"""

import re

import pytest
from django.core import mail
from openapi_spec_validator import validate as validate_spec
from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, SESSION_URL, SIGNUP_URL
from tests.factories import DEFAULT_PASSWORD

APP = "/_allauth/app/v1"
CODE = re.compile(r"^\s*([A-Z0-9]{3,4}-?[A-Z0-9]{3,4})\s*$", re.M)


def code_in(message) -> str:
    return CODE.search(message.body).group(1)


@pytest.fixture
def mandatory_verification(settings):
    """Production's setting: an address is proven by a code before the account is used."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True


def test_allauths_spec_is_served_valid_and_linked_from_the_api_docs(db):
    client = APIClient()

    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    validate_spec(document)
    assert f"{APP}/auth/signup" in document["paths"]
    assert f"{APP}/auth/email/verify" in document["paths"]
    assert f"{APP}/auth/password/reset" in document["paths"]
    ours = client.get("/api/schema/?format=json").json()
    assert "/_allauth/openapi.json" in ours["info"]["description"]


def test_sign_up_then_verify_by_code_gives_a_working_token(db, mandatory_verification):
    client = APIClient()

    signup = client.post(SIGNUP_URL, {"email": "new@example.com", "password": "a-long-producer-pass"}, format="json")
    assert signup.status_code == 401, signup.content  # not yet: the address must be verified
    body = signup.json()
    pending = [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["verify_email"]
    token = body["meta"]["session_token"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]

    wrong = client.post(f"{APP}/auth/email/verify", {"key": "AAAA-AAAA"}, format="json", HTTP_X_SESSION_TOKEN=token)
    assert wrong.status_code == 400
    verified = client.post(f"{APP}/auth/email/verify", {"key": code_in(mail.outbox[0])}, format="json",
                           HTTP_X_SESSION_TOKEN=token)

    assert verified.status_code == 200, verified.content
    token = verified.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).json()["email"] == "new@example.com"


def test_forgotten_password_is_reset_by_code_and_the_new_one_logs_in(student):
    client = APIClient()

    requested = client.post(f"{APP}/auth/password/request", {"email": student.email}, format="json")
    assert requested.status_code == 401, requested.content  # a pending flow, with its own session token
    token = requested.json()["meta"]["session_token"]
    code = code_in(mail.outbox[0])

    check = client.get(f"{APP}/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY=code, HTTP_X_SESSION_TOKEN=token)
    assert check.status_code == 200, check.content
    reset = client.post(f"{APP}/auth/password/reset", {"key": code, "password": "brand-new-groove-77"},
                        format="json", HTTP_X_SESSION_TOKEN=token)
    assert reset.status_code == 401, reset.content  # reset, not logged in: log in with the new password
    assert reset.json()["meta"]["is_authenticated"] is False

    login = client.post(LOGIN_URL, {"email": student.email, "password": "brand-new-groove-77"}, format="json")
    assert login.status_code == 200
    old = client.post(LOGIN_URL, {"email": student.email, "password": DEFAULT_PASSWORD}, format="json")
    assert old.status_code == 400


def test_change_password_and_email_then_reauthenticate_and_log_out(token_client, student):
    change = token_client.post(f"{APP}/account/password/change",
                               {"current_password": DEFAULT_PASSWORD, "new_password": "brand-new-groove-77"},
                               format="json")
    assert change.status_code == 200, change.content
    student.refresh_from_db()
    assert student.check_password("brand-new-groove-77")
    # The change rotates the session: the answer carries the token to use from now on.
    new_token = change.json()["meta"]["session_token"]
    assert token_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token_client.token).status_code == 401
    token_client.credentials(HTTP_X_SESSION_TOKEN=new_token)

    added = token_client.post(f"{APP}/account/email", {"email": "learner-new@example.com"}, format="json")
    assert added.status_code == 200, added.content
    assert "learner-new@example.com" in {a["email"] for a in added.json()["data"]}
    assert mail.outbox[-1].to == ["learner-new@example.com"]

    again = token_client.post(f"{APP}/auth/reauthenticate", {"password": "brand-new-groove-77"}, format="json")
    assert again.status_code == 200, again.content

    out = token_client.delete(SESSION_URL)
    assert out.status_code == 401  # allauth: "no longer authenticated"
    assert token_client.get("/api/v1/me/").status_code == 401
