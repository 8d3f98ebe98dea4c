"""A second student walks every object endpoint and sees nothing of the first student's."""

from assessments import services
from assessments.models import PromptAnswer, Reflection
from lessons.services import progress_record
from tests.api.conftest import error_of, ratings, words


def test_a_second_student_gets_404_for_every_snapshot_of_the_first(api_client, other_client, student, course):
    mine = api_client.post("/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": ratings()}, format="json")
    snapshot_id = mine.json()["id"]
    own = other_client.post("/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": ratings()}, format="json")
    own_id = own.json()["id"]

    for path in (
        f"/api/v1/snapshots/{snapshot_id}/",
        f"/api/v1/snapshots/compare/?from={snapshot_id}&to={own_id}",
        f"/api/v1/snapshots/compare/?from={own_id}&to={snapshot_id}",
    ):
        response = other_client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"

    assert [s["id"] for s in other_client.get("/api/v1/snapshots/").json()["results"]] == [own_id]
    assert api_client.get(f"/api/v1/snapshots/{snapshot_id}/").status_code == 200


def test_a_second_student_sees_only_their_own_data_in_every_lesson_and_list(other_client, student, course):
    services.prompt_answers_save(user=student, section=course.prompt, answers=[{"text": "Mixing", "category": ""}])
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    services.turn_complete(user=student, turn=course.turn)
    progress_record(user=student, lesson=course.lesson, section=course.recall)

    lesson = other_client.get("/api/v1/lessons/skills/").json()
    assert lesson["sections"][0]["prompt"]["answers"] == []
    assert lesson["sections"][1]["recall"]["answers"] == []
    assert lesson["progress"]["state"] == "not_started"
    assert lesson["turn"]["latest_snapshot"] is None
    assert all(step["reflection"] is None for step in lesson["turn"]["steps"])
    assert lesson["turn"]["completed"] is False
    assert lesson["turn"]["points"]["balance"] == 0

    outline = other_client.get(f"/api/v1/tracks/{course.track.slug}/").json()
    assert {row["state"] for row in outline["modules"][0]["lessons"]} == {"not_started"}
    assert other_client.get("/api/v1/snapshots/").json()["count"] == 0
    points = other_client.get("/api/v1/depth-points/").json()
    assert (points["balance"], points["count"]) == (0, 0)
    assert other_client.get("/api/v1/me/").json()["email"] == "someone-else@example.com"


def test_a_second_students_writes_never_touch_the_first_students_rows(other_client, student, course):
    services.prompt_answers_save(user=student, section=course.prompt, answers=[{"text": "Mine", "category": ""}])
    services.reflection_save(user=student, step=course.patterns, text=words(12))

    other_client.put("/api/v1/lessons/skills/prompt-response/", {"answers": [{"text": "Theirs"}]}, format="json")
    other_client.put("/api/v1/lessons/skills/your-turn/reflections/2/", {"text": words(3)}, format="json")

    assert PromptAnswer.objects.get(user=student).text == "Mine"
    assert Reflection.objects.get(user=student).text == words(12)
    student.refresh_from_db()
    assert student.depth_points == 15


def test_the_locked_track_stays_locked_for_a_student_who_did_not_unlock_it(api_client, other_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    services.reflection_save(user=student, step=course.goals, text=words(12, "goal"))

    assert api_client.get("/api/v1/lessons/working-with-artists/").status_code == 200
    assert other_client.get("/api/v1/lessons/working-with-artists/").status_code == 403
