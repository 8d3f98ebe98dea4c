"""Your Turn through the API: snapshots, reflections and completion, by the web's services."""

import pytest

from assessments.models import PointsEntry, Reflection, SkillSnapshot, TurnCompletion
from lessons.models import LessonProgress
from tests.api.conftest import error_of, ratings, words

SNAPSHOTS = "/api/v1/lessons/{}/your-turn/snapshots/"
REFLECTION = "/api/v1/lessons/{}/your-turn/reflections/{}/"
COMPLETE = "/api/v1/lessons/{}/your-turn/complete/"


# --- Snapshots ------------------------------------------------------------------------

def test_a_snapshot_is_recorded_and_answered_with_its_insights(api_client, student, course):
    student.producer_path = "client"
    student.save()

    response = api_client.post(SNAPSHOTS.format("skills"), {"ratings": ratings()}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/snapshots/{body['id']}/"
    assert body["lesson"] == "skills"
    assert body["framework"]["name"] == "Producer skill spectrum"
    assert [(r["slug"], r["value"]) for r in body["ratings"]] == list(ratings().items())
    patterns = body["insights"]["pattern_summary"]
    assert patterns["sentences"][:2] == ["Your highest score is Technical (8).", "Your lowest score is Business (3)."]
    assert patterns["cluster"] == "craft"
    assert SkillSnapshot.objects.filter(user=student).count() == 1


@pytest.mark.parametrize("value", [0, 11, "abc", 7.5, True, None, "7"])
def test_a_rating_out_of_range_or_not_a_whole_number_names_its_category(api_client, course, value):
    response = api_client.post(SNAPSHOTS.format("skills"), {"ratings": ratings(technical=value)}, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["ratings.technical"]
    assert not SkillSnapshot.objects.exists()


def test_a_missing_category_and_an_unknown_one_are_both_named(api_client, course):
    sent = ratings(astrology=5)
    del sent["business"]

    response = api_client.post(SNAPSHOTS.format("skills"), {"ratings": sent}, format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"ratings.business", "ratings.astrology"}


@pytest.mark.parametrize("body", [{}, {"ratings": [8, 7]}, {"ratings": "high"}])
def test_ratings_missing_or_not_an_object_is_a_400_naming_ratings(api_client, course, body):
    response = api_client.post(SNAPSHOTS.format("skills"), body, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["ratings"]


def test_snapshots_on_a_lesson_without_a_turn_are_404(api_client, course):
    response = api_client.post(SNAPSHOTS.format("skills-next"), {"ratings": ratings()}, format="json")

    assert response.status_code == 404


# --- Reflections ----------------------------------------------------------------------

def test_a_long_enough_reflection_pays_its_points_once(api_client, student, course):
    first = api_client.put(REFLECTION.format("skills", 2), {"text": words(12)}, format="json")
    edited = api_client.put(REFLECTION.format("skills", 2), {"text": words(20)}, format="json")

    assert first.status_code == 200
    assert first.json()["points_awarded"] == 15
    assert first.json()["balance"] == 15
    assert first.json()["reflection"]["word_count"] == 12
    assert edited.json()["points_awarded"] == 0
    assert edited.json()["balance"] == 15
    assert edited.json()["reflection"]["word_count"] == 20
    assert PointsEntry.objects.filter(user=student).count() == 1


def test_a_short_reflection_is_saved_without_points(api_client, student, course):
    body = api_client.put(REFLECTION.format("skills", 2), {"text": words(3)}, format="json").json()

    assert (body["points_awarded"], body["balance"], body["min_words"]) == (0, 0, 10)
    assert Reflection.objects.get(user=student).text == words(3)


def test_reaching_the_threshold_reports_the_unlocked_track(api_client, student, course):
    api_client.put(REFLECTION.format("skills", 2), {"text": words(12)}, format="json")

    body = api_client.put(REFLECTION.format("skills", 3), {"text": words(12, "goal")}, format="json").json()

    assert body["balance"] == 30
    assert body["unlocked"] == [{"slug": "studio-culture", "title": "Studio Culture"}]
    assert api_client.get("/api/v1/lessons/working-with-artists/").status_code == 200


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_reflection_is_400_naming_text(api_client, course, text):
    response = api_client.put(REFLECTION.format("skills", 2), {"text": text}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]
    assert not Reflection.objects.exists()


def test_a_reflection_over_10000_characters_is_400_naming_text(api_client, course):
    response = api_client.put(REFLECTION.format("skills", 2), {"text": "x" * 10_001}, format="json")

    assert response.status_code == 400
    assert "10,000" in error_of(response)["fields"]["text"][0]


def test_a_reflection_of_exactly_10000_characters_is_saved(api_client, course):
    assert api_client.put(REFLECTION.format("skills", 2), {"text": "x" * 10_000}, format="json").status_code == 200


def test_a_missing_text_is_400(api_client, course):
    response = api_client.put(REFLECTION.format("skills", 2), {}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]


@pytest.mark.parametrize("step", [1, 4, 999])
def test_a_step_that_takes_no_reflection_or_does_not_exist_is_404(api_client, course, step):
    response = api_client.put(REFLECTION.format("skills", step), {"text": words(12)}, format="json")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_points_field_cannot_be_set_by_the_client(api_client, student, course):
    body = api_client.put(REFLECTION.format("skills", 2), {"text": words(3), "points_awarded": 500, "points": 500},
                          format="json").json()

    assert body["points_awarded"] == 0
    student.refresh_from_db()
    assert student.depth_points == 0


# --- Complete -------------------------------------------------------------------------

def test_completing_needs_a_snapshot_first(api_client, course):
    response = api_client.post(COMPLETE.format("skills"), format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["snapshot"]


def test_completing_marks_the_turn_and_the_lesson_done_once(api_client, student, course):
    api_client.post(SNAPSHOTS.format("skills"), {"ratings": ratings()}, format="json")

    first = api_client.post(COMPLETE.format("skills"), format="json")
    again = api_client.post(COMPLETE.format("skills"), format="json")

    assert first.status_code == 200
    assert first.json()["created"] is True
    assert first.json()["message"] == "Come back in six months."
    assert first.json()["lesson_state"] == "done"
    assert again.json()["created"] is False
    assert TurnCompletion.objects.filter(user=student).count() == 1
    assert LessonProgress.objects.get(user=student, lesson=course.lesson).completed_at is not None
    lesson = api_client.get("/api/v1/lessons/skills/").json()
    assert lesson["turn"]["completed"] is True
    assert lesson["progress"]["state"] == "done"


def test_your_turn_writes_on_a_locked_lesson_are_403(api_client, course):
    for response in (
        api_client.post(SNAPSHOTS.format("working-with-artists"), {"ratings": ratings()}, format="json"),
        api_client.put(REFLECTION.format("working-with-artists", 1), {"text": "x"}, format="json"),
        api_client.post(COMPLETE.format("working-with-artists"), format="json"),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "track_locked"
