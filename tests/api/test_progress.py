"""PUT /api/v1/lessons/<slug>/progress/: reading progress, which only moves forward."""

from lessons.models import LessonProgress
from tests.api.conftest import error_of

URL = "/api/v1/lessons/{}/progress/"


def test_an_empty_put_starts_the_lesson(api_client, student, course):
    response = api_client.put(URL.format("skills"), {}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == "in_progress"
    assert LessonProgress.objects.filter(user=student, lesson=course.lesson).count() == 1


def test_the_furthest_section_is_the_resume_point_and_never_moves_back(api_client, course):
    api_client.put(URL.format("skills"), {"section": course.recall.pk}, format="json")

    response = api_client.put(URL.format("skills"), {"section": course.prompt.pk}, format="json")

    body = response.json()
    assert body["furthest_section"] == course.recall.pk
    assert body["resume_anchor"] == "where-your-attention-went"


def test_finished_marks_the_guide_read(api_client, course):
    body = api_client.put(URL.format("skills"), {"finished": True}, format="json").json()

    assert body["guide_finished"] is True
    assert body["guide_finished_at"] is not None
    assert body["state"] == "in_progress"


def test_a_section_of_another_lesson_is_a_400_naming_section(api_client, course):
    other = course.next_lesson
    from tests.factories import SectionFactory

    foreign = SectionFactory(lesson=other)

    response = api_client.put(URL.format("skills"), {"section": foreign.pk}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["section"]


def test_a_non_integer_section_is_400(api_client, course):
    response = api_client.put(URL.format("skills"), {"section": "three"}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["section"]


def test_progress_on_an_unknown_draft_or_locked_lesson_is_refused(api_client, course):
    assert api_client.put(URL.format("nope"), {}, format="json").status_code == 404
    assert api_client.put(URL.format("draft-lesson"), {}, format="json").status_code == 404
    assert error_of(api_client.put(URL.format("working-with-artists"), {}, format="json"))["code"] == "track_locked"
