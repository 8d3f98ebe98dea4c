"""Built for phones: ETags with If-None-Match → 304 on the big reads, RateLimit headers before a 429,
and CORS for configured origins with preflights answered before authentication."""

import re

import pytest

from assessments import services
from lessons.models import Lesson
from lessons.services import content_changed
from tests.api.conftest import ratings

READS = ["/api/v1/lessons/skills/", "/api/v1/tracks/core-skills/", "/api/v1/tracks/"]


@pytest.mark.parametrize("url", READS)
def test_an_unchanged_read_answers_304_with_the_same_etag(api_client, course, url):
    first = api_client.get(url)
    etag = first["ETag"]

    again = api_client.get(url)
    conditional = api_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert again["ETag"] == etag
    assert conditional.status_code == 304
    assert conditional.content == b"" and conditional["ETag"] == etag
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert api_client.get(url, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304


@pytest.mark.parametrize("url", READS)
def test_the_etag_changes_after_the_students_write(api_client, student, course, url):
    etag = api_client.get(url)["ETag"]

    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.turn_complete(user=student, turn=course.turn)  # the lesson is done: lesson, outline and list change

    after = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag


@pytest.mark.parametrize("url", READS)
def test_the_etag_changes_after_an_author_edit(api_client, course, url):
    etag = api_client.get(url)["ETag"]

    lesson = Lesson.objects.get(slug="skills")
    lesson.title = "What Skills Does a Producer Need?"  # in the lesson and the outline
    lesson.save()
    course.track.summary = "Start here."  # in the track list
    course.track.save()
    content_changed(lessons=[lesson], structure=True)  # what the admin and the importers call after a save

    after = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag


def test_another_students_state_does_not_change_my_etag(api_client, other_student, course):
    etag = api_client.get("/api/v1/lessons/skills/")["ETag"]

    services.snapshot_record(user=other_student, turn=course.turn, ratings=ratings())

    assert api_client.get("/api/v1/lessons/skills/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.fixture
def small_rates(settings, throttle_clock):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "5/minute", "api_write": "3/minute"},
    }


def test_ratelimit_headers_count_down_to_the_429(api_client, course, small_rates):
    url = "/api/v1/lessons/skills/progress/"
    answers = [api_client.put(url, {}, format="json") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert {a["RateLimit-Policy"] for a in answers} == {'"api_write";q=3;w=60'}
    remaining = [int(re.search(r";r=(\d+)", a["RateLimit"]).group(1)) for a in answers]
    assert remaining == [2, 1, 0, 0]
    assert all(0 < int(re.search(r";t=(\d+)", a["RateLimit"]).group(1)) <= 60 for a in answers)


def test_reads_report_the_read_rate(api_client, course, small_rates):
    response = api_client.get("/api/v1/me/")

    assert response["RateLimit-Policy"] == '"api_read";q=5;w=60'
    assert response["RateLimit"].startswith('"api_read";r=4;t=')


@pytest.fixture
def app_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.softsynced.example"]


def test_a_preflight_from_a_configured_origin_is_answered_without_a_session(client, app_origin):
    response = client.options(
        "/api/v1/lessons/skills/progress/",
        HTTP_ORIGIN="https://app.softsynced.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-session-token, idempotency-key, content-type",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.softsynced.example"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "x-session-token" in allowed and "idempotency-key" in allowed and "if-none-match" in allowed


def test_answers_to_a_configured_origin_expose_the_headers_an_app_reads(api_client, course, app_origin):
    response = api_client.get("/api/v1/lessons/skills/", HTTP_ORIGIN="https://app.softsynced.example")

    assert response["Access-Control-Allow-Origin"] == "https://app.softsynced.example"
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert {"etag", "ratelimit", "ratelimit-policy", "location", "retry-after"} <= set(re.split(r",\s*", exposed))


def test_other_origins_get_no_cors_headers(client, app_origin):
    response = client.options("/api/v1/me/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")

    assert not response.has_header("Access-Control-Allow-Origin")
