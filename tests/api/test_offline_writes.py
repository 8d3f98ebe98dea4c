"""A write made offline carries a client-made `client_id` and its `taken_at`: synced again days later it
never writes twice, and the time kept is the student's, within bounds."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import PointsEntry, Reflection, ReflectionVersion, SkillSnapshot
from tests.api.conftest import error_of, ratings, words

SNAPSHOTS = "/api/v1/lessons/skills/your-turn/snapshots/"
STEP2 = "/api/v1/lessons/skills/your-turn/reflections/2/"


def test_a_snapshot_replayed_with_its_client_id_is_recorded_once_at_the_time_it_was_taken(api_client, student, course):
    client_id = str(uuid.uuid4())
    taken_at = timezone.now() - timedelta(days=3)
    body = {"ratings": ratings(), "client_id": client_id, "taken_at": taken_at.isoformat()}

    first = api_client.post(SNAPSHOTS, body, format="json")
    replay = api_client.post(SNAPSHOTS, body, format="json")

    assert first.status_code == 201 and replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    assert replay["Location"] == first["Location"]
    assert SkillSnapshot.objects.filter(user=student).count() == 1
    snapshot = SkillSnapshot.objects.get(user=student)
    assert snapshot.created_at == taken_at and str(snapshot.client_id) == client_id
    assert first.json()["created_at"].startswith(taken_at.date().isoformat())


def test_another_students_client_id_is_theirs(api_client, other_client, student, other_student, course):
    body = {"ratings": ratings(), "client_id": str(uuid.uuid4())}

    assert api_client.post(SNAPSHOTS, body, format="json").status_code == 201
    assert other_client.post(SNAPSHOTS, body, format="json").status_code == 201
    assert SkillSnapshot.objects.count() == 2


def test_a_reflection_replayed_after_an_edit_does_not_bring_back_the_old_text(api_client, student, course):
    offline = {"text": words(12, "offline"), "client_id": str(uuid.uuid4()),
               "taken_at": (timezone.now() - timedelta(days=2)).isoformat()}
    first = api_client.put(STEP2, offline, format="json")
    api_client.put(STEP2, {"text": words(12, "edited"), "client_id": str(uuid.uuid4())}, format="json")

    replay = api_client.put(STEP2, offline, format="json")

    assert first.status_code == 200 and first.json()["replayed"] is False and first.json()["points_awarded"] == 15
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["points_awarded"] == 0
    reflection = Reflection.objects.get(user=student)
    assert reflection.text == words(12, "edited")
    assert ReflectionVersion.objects.filter(reflection=reflection).count() == 2
    assert PointsEntry.objects.filter(user=student).count() == 1
    assert reflection.created_at.date() == (timezone.now() - timedelta(days=2)).date()


@pytest.mark.parametrize("offset, problem", [
    (timedelta(minutes=10), "future"),
    (-timedelta(days=31), "30 days"),
])
def test_taken_at_out_of_bounds_is_400_naming_it(api_client, course, offset, problem):
    when = (timezone.now() + offset).isoformat()

    for url, method, body in ((SNAPSHOTS, "post", {"ratings": ratings()}), (STEP2, "put", {"text": words(12)})):
        response = getattr(api_client, method)(url, {**body, "taken_at": when}, format="json")
        assert response.status_code == 400
        error = error_of(response)
        assert list(error["fields"]) == ["taken_at"]
        assert problem in error["fields"]["taken_at"][0]


def test_taken_at_within_the_skew_and_window_is_accepted(api_client, course):
    for offset in (timedelta(minutes=4), -timedelta(days=29)):
        body = {"ratings": ratings(), "taken_at": (timezone.now() + offset).isoformat()}
        assert api_client.post(SNAPSHOTS, body, format="json").status_code == 201


def test_a_client_id_must_be_a_uuid(api_client, course):
    response = api_client.post(SNAPSHOTS, {"ratings": ratings(), "client_id": "not-a-uuid"}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["client_id"]
