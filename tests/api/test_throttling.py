"""Rates for writes, reads and authentication answer 429 with Retry-After; rates are settings."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, SIGNUP_URL, error_of


@pytest.fixture
def small_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "5/minute", "api_write": "2/minute"},
    }


def test_writes_beyond_the_write_rate_are_429_with_retry_after(api_client, course, small_rates):
    url = "/api/v1/lessons/skills/progress/"
    statuses = [api_client.put(url, {}, format="json").status_code for _ in range(2)]

    throttled = api_client.put(url, {}, format="json")

    assert statuses == [200, 200]
    assert throttled.status_code == 429
    assert error_of(throttled)["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60


def test_reads_do_not_use_up_the_write_rate(api_client, course, small_rates):
    for _ in range(4):
        assert api_client.get("/api/v1/me/").status_code == 200

    assert api_client.put("/api/v1/lessons/skills/progress/", {}, format="json").status_code == 200


def test_reads_have_their_own_rate(api_client, course, small_rates):
    for _ in range(5):
        api_client.get("/api/v1/me/")

    response = api_client.get("/api/v1/me/")

    assert response.status_code == 429
    assert response.has_header("Retry-After")


def test_each_student_has_their_own_counter(api_client, other_client, course, small_rates):
    for _ in range(2):
        api_client.put("/api/v1/lessons/skills/progress/", {}, format="json")

    assert other_client.put("/api/v1/lessons/skills/progress/", {}, format="json").status_code == 200


@pytest.fixture
def auth_rates(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip", "login_failed": "3/m/ip", "signup": "2/m/ip"}


def test_headless_login_is_rate_limited_with_retry_after(student, auth_rates):
    client = APIClient()
    for _ in range(2):
        client.post(LOGIN_URL, {"email": student.email, "password": "wrong"}, format="json")

    response = client.post(LOGIN_URL, {"email": student.email, "password": "correct-horse-battery"}, format="json")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_headless_signup_is_rate_limited_with_retry_after(db, auth_rates):
    client = APIClient()
    for n in range(2):
        client.post(SIGNUP_URL, {"email": f"new{n}@example.com", "password": "a-long-producer-pass"}, format="json")

    response = client.post(SIGNUP_URL, {"email": "new9@example.com", "password": "a-long-producer-pass"},
                           format="json")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
