"""Idempotency-Key: a retried write replays the first response and has one effect."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from assessments import services
from assessments.models import PointsEntry, SkillSnapshot
from courseplatform.models import IdempotencyRecord
from lessons.models import Lesson
from lessons.services import lessons_publish
from tests.api.conftest import add_lesson3, error_of, ratings, words
from tests.factories import UserFactory

SNAPSHOTS = "/api/v1/lessons/skills/your-turn/snapshots/"


def post_snapshot(client, key, body=None):
    return client.post(SNAPSHOTS, body or {"ratings": ratings()}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_repeat_with_the_same_key_and_body_replays_the_first_response_once(api_client, student, course):
    first = post_snapshot(api_client, "key-1")
    again = post_snapshot(api_client, "key-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert not first.has_header("Idempotent-Replayed")
    assert SkillSnapshot.objects.filter(user=student).count() == 1


def test_the_same_key_with_a_different_body_is_422(api_client, student, course):
    post_snapshot(api_client, "key-1")

    response = post_snapshot(api_client, "key-1", {"ratings": ratings(technical=2)})

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert SkillSnapshot.objects.filter(user=student).count() == 1


def test_the_same_key_on_another_endpoint_is_422(api_client, course):
    post_snapshot(api_client, "key-1")

    response = api_client.put("/api/v1/lessons/skills/progress/", {}, format="json", HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 422


def test_a_body_with_its_keys_in_another_order_is_the_same_request(api_client, student, course):
    api_client.generic("POST", SNAPSHOTS, '{"ratings": {"technical": 8, "creative": 7, "interpersonal": 4, '
                       '"business": 3, "personal": 6}}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    again = api_client.generic("POST", SNAPSHOTS, '{"ratings":{"personal":6,"business":3,"interpersonal":4,'
                               '"creative":7,"technical":8}}', content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert SkillSnapshot.objects.filter(user=student).count() == 1


def test_without_a_key_every_request_counts(api_client, student, course):
    api_client.post(SNAPSHOTS, {"ratings": ratings()}, format="json")
    api_client.post(SNAPSHOTS, {"ratings": ratings()}, format="json")

    assert SkillSnapshot.objects.filter(user=student).count() == 2


def test_keys_belong_to_one_student(api_client, other_client, student, other_student, course):
    post_snapshot(api_client, "shared-key")

    theirs = post_snapshot(other_client, "shared-key")

    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert SkillSnapshot.objects.filter(user=other_student).count() == 1


# --- Refused before it ran: nothing stored, the retry runs (as Stripe does it) -----------


def test_a_400_is_not_stored_so_the_corrected_request_with_the_same_key_runs(api_client, student, course):
    refused = post_snapshot(api_client, "fix-me", {"ratings": ratings(technical=0)})
    again = post_snapshot(api_client, "fix-me", {"ratings": ratings(technical=0)})
    corrected = post_snapshot(api_client, "fix-me", {"ratings": ratings(technical=2)})

    assert refused.status_code == again.status_code == 400
    assert not again.has_header("Idempotent-Replayed")  # answered afresh, not replayed
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")
    assert post_snapshot(api_client, "fix-me", {"ratings": ratings(technical=2)})["Idempotent-Replayed"] == "true"
    assert SkillSnapshot.objects.filter(user=student).count() == 1
    assert IdempotencyRecord.objects.filter(key="fix-me").count() == 1


def test_a_locked_track_403_is_not_stored_so_the_retry_after_unlocking_runs(api_client, student, course):
    from lessons.services import track_unlock

    url = f"/api/v1/lessons/{course.ext_lesson.slug}/your-turn/reflections/1/"
    locked = api_client.put(url, {"text": words(3)}, format="json", HTTP_IDEMPOTENCY_KEY="wait-for-it")
    track_unlock(user=student, track=course.extension)
    retried = api_client.put(url, {"text": words(3)}, format="json", HTTP_IDEMPOTENCY_KEY="wait-for-it")

    assert locked.status_code == 403 and error_of(locked)["code"] == "track_locked"
    assert retried.status_code == 200 and not retried.has_header("Idempotent-Replayed")
    assert retried.json()["points_awarded"] == 5


def test_a_404_is_not_stored_so_the_retry_after_publishing_runs(api_client, course):
    url = f"/api/v1/lessons/{course.draft.slug}/progress/"
    missing = api_client.put(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="too-early")
    lessons_publish(lessons=Lesson.objects.filter(pk=course.draft.pk), publish=True)  # the admin's action
    retried = api_client.put(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="too-early")

    assert missing.status_code == 404
    assert retried.status_code == 200 and retried.json()["state"] == "in_progress"


def test_a_throttled_429_is_not_stored_so_the_retry_after_the_window_runs(api_client, student, course, settings):
    from django.core.cache import caches

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_read": "100/minute", "api_write": "1/minute"}}
    assert post_snapshot(api_client, "first").status_code == 201
    throttled = post_snapshot(api_client, "second", {"ratings": ratings(technical=2)})
    caches["throttle"].clear()  # the rate window has passed
    retried = post_snapshot(api_client, "second", {"ratings": ratings(technical=2)})

    assert throttled.status_code == 429
    assert retried.status_code == 201 and not retried.has_header("Idempotent-Replayed")
    assert SkillSnapshot.objects.filter(user=student).count() == 2


def test_a_reflection_retried_pays_once_and_replays_the_points(api_client, student, course):
    url = "/api/v1/lessons/skills/your-turn/reflections/2/"
    first = api_client.put(url, {"text": words(12)}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    again = api_client.put(url, {"text": words(12)}, format="json", HTTP_IDEMPOTENCY_KEY="r1")

    assert first.json()["points_awarded"] == again.json()["points_awarded"] == 15
    assert PointsEntry.objects.filter(user=student).count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "naïve"])
def test_a_malformed_key_is_a_400_naming_the_header(api_client, course, key):
    response = api_client.post(SNAPSHOTS, {"ratings": ratings()}, format="json",
                               HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["Idempotency-Key"]
    assert not SkillSnapshot.objects.exists()


def test_a_key_is_kept_24_hours_and_free_again_after(api_client, student, course):
    post_snapshot(api_client, "old-key")
    record = IdempotencyRecord.objects.get(user=student, key="old-key")

    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=record.created_at - timedelta(hours=23))
    assert post_snapshot(api_client, "old-key")["Idempotent-Replayed"] == "true"

    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=record.created_at - timedelta(hours=25))
    fresh = post_snapshot(api_client, "old-key", {"ratings": ratings(technical=1)})
    assert fresh.status_code == 201 and not fresh.has_header("Idempotent-Replayed")
    assert SkillSnapshot.objects.filter(user=student).count() == 2


def test_the_purge_command_deletes_only_records_past_their_keeping_time(api_client, student, course):
    from django.core.management import call_command

    post_snapshot(api_client, "old")
    post_snapshot(api_client, "new", {"ratings": ratings(technical=1)})
    IdempotencyRecord.objects.filter(key="old").update(created_at=IdempotencyRecord.objects.get(key="old").created_at
                                                       - timedelta(hours=25))

    call_command("purge_idempotency_keys", verbosity=0)

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_a_request_that_failed_with_a_500_can_be_retried_with_the_same_key(api_client, student, course, monkeypatch):
    real = services.snapshot_record
    monkeypatch.setattr(services, "snapshot_record", lambda **kw: 1 / 0)
    failing = APIClient(raise_request_exception=False)
    failing.force_authenticate(student)

    assert post_snapshot(failing, "retry-me").status_code == 500
    monkeypatch.setattr(services, "snapshot_record", real)
    retried = post_snapshot(api_client, "retry-me")

    assert retried.status_code == 201 and not retried.has_header("Idempotent-Replayed")
    assert SkillSnapshot.objects.filter(user=student).count() == 1


# --- Concurrent repeats (PostgreSQL: real row locks and concurrent connections) ----------

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")


def _concurrently(count: int, request) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def slow_snapshots(monkeypatch):
    """Make the write take a moment, so repeats really arrive while it runs."""
    real = services.snapshot_record

    def slow(**kwargs):
        time.sleep(0.3)
        return real(**kwargs)

    monkeypatch.setattr(services, "snapshot_record", slow)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_with_one_key_have_one_effect_and_one_response(slow_snapshots):
    add_lesson3()
    student = UserFactory()

    def send():
        client = APIClient()
        client.force_authenticate(student)
        return post_snapshot(client, "same-key")

    responses = _concurrently(6, send)

    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.content for r in responses}) == 1
    assert sum(1 for r in responses if r.has_header("Idempotent-Replayed")) == 5
    assert SkillSnapshot.objects.filter(user=student).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_reflection_repeats_pay_once():
    course = add_lesson3()
    student = UserFactory()

    def send():
        client = APIClient()
        client.force_authenticate(student)
        return client.put("/api/v1/lessons/skills/your-turn/reflections/2/", {"text": words(12)}, format="json",
                          HTTP_IDEMPOTENCY_KEY="r")

    responses = _concurrently(6, send)

    assert {r.status_code for r in responses} == {200}
    assert {r.json()["points_awarded"] for r in responses} == {15}
    assert PointsEntry.objects.filter(user=student, step=course.patterns).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_repeat_that_waits_too_long_is_409_with_retry_after(settings, monkeypatch):
    add_lesson3()
    student = UserFactory()
    settings.API_IDEMPOTENCY = {**settings.API_IDEMPOTENCY, "WAIT_SECONDS": 0.2}
    real = services.snapshot_record

    def very_slow(**kwargs):
        time.sleep(1.5)
        return real(**kwargs)

    monkeypatch.setattr(services, "snapshot_record", very_slow)

    def send():
        client = APIClient()
        client.force_authenticate(student)
        return post_snapshot(client, "slow-key")

    responses = _concurrently(2, send)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409]
    conflict = next(r for r in responses if r.status_code == 409)
    assert error_of(conflict)["code"] == "idempotency_in_progress"
    assert conflict["Retry-After"] == "1"
    assert SkillSnapshot.objects.filter(user=student).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_of_a_refused_request_are_each_answered_and_store_nothing(slow_snapshots):
    add_lesson3()
    student = UserFactory()

    def send():
        client = APIClient()
        client.force_authenticate(student)
        return post_snapshot(client, "refused-key", {"ratings": ratings(technical=0)})

    responses = _concurrently(4, send)

    assert [r.status_code for r in responses] == [400] * 4
    assert not any(r.has_header("Idempotent-Replayed") for r in responses)
    assert not IdempotencyRecord.objects.filter(key="refused-key").exists()
    assert not SkillSnapshot.objects.filter(user=student).exists()
