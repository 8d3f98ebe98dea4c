"""Rates for writes, reads and authentication answer 429 with Retry-After; rates are settings.

The API's rates count in fixed windows (a new count each minute for a rate per
minute); `throttle_clock` stops the throttles' clock 30 seconds into one.
"""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, SIGNUP_URL, error_of


@pytest.fixture
def small_rates(settings, throttle_clock):
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


def test_retry_after_is_the_time_left_in_the_window_and_a_refusal_does_not_extend_it(
        api_client, course, small_rates, throttle_clock):
    url = "/api/v1/lessons/skills/progress/"
    for _ in range(2):
        api_client.put(url, {}, format="json")

    first_refusal = api_client.put(url, {}, format="json")
    throttle_clock.now += 20.5
    later_refusal = api_client.put(url, {}, format="json")

    assert first_refusal["Retry-After"] == "30"
    assert later_refusal.status_code == 429
    assert later_refusal["Retry-After"] == "10"  # 9.5 seconds left, rounded up


def test_the_count_starts_again_when_the_window_ends(api_client, course, small_rates, throttle_clock):
    url = "/api/v1/lessons/skills/progress/"
    for _ in range(3):
        api_client.put(url, {}, format="json")

    throttle_clock.now += 29.5
    still_refused = api_client.put(url, {}, format="json")
    throttle_clock.now += 0.5  # the next minute
    statuses = [api_client.put(url, {}, format="json").status_code for _ in range(3)]

    assert still_refused.status_code == 429
    assert statuses == [200, 200, 429]


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
