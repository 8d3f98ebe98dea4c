"""A retake keeps the past: a new rating after the first starts attempt 2 with empty boxes,
attempt 1's reflections stay readable (Turn page, /skills/, the snapshot API), and every
saved version of a reflection is kept."""

import re

import pytest
from rest_framework.test import APIClient

from assessments.models import PointsEntry, Reflection, ReflectionVersion, SkillSnapshot, TurnAttempt
from tests.assessments.conftest import ratings, words
from tests.assessments.doors import page_text

SLUG = "skills"
THEN = "Then my chart leaned on craft " + words(12, "then")
NOW = "Now the people side has grown " + words(12, "now")


def snapshots(student) -> list[SkillSnapshot]:
    return list(SkillSnapshot.objects.filter(user=student).order_by("created_at", "id"))


def box(page: str, number: int) -> str:
    found = re.search(rf'<textarea[^>]*id="id_step{number}-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no box for step {number}"
    return found.group(1).strip()


@pytest.fixture
def retaken(door, student, course):
    """Rated and reflected, then rated again six months on: through one door."""
    assert door.rate(SLUG, ratings(interpersonal=3)).accepted
    assert door.reflect(SLUG, 2, THEN).points == 15
    assert door.rate(SLUG, ratings(interpersonal=7)).accepted
    return door


def test_rating_again_after_the_first_starts_attempt_2_and_keeps_attempt_1(retaken, student, course):
    first, second = snapshots(student)

    assert (first.attempt.number, second.attempt.number) == (1, 2)
    assert Reflection.objects.get(user=student, attempt=first.attempt).text == THEN
    assert not Reflection.objects.filter(attempt=second.attempt).exists()


def test_attempt_2s_turn_page_has_empty_boxes_and_says_attempt_2(retaken, student_client):
    page = student_client.get(f"/lessons/{SLUG}/your-turn/").content.decode()

    assert "This is attempt 2, started" in page_text(page.encode())
    assert "What you wrote in your earlier attempt is kept" in page_text(page.encode())
    assert box(page, 2) == "" and box(page, 3) == ""
    assert THEN not in page


def test_attempt_2_in_the_api_has_no_reflections_yet(retaken, api_client):
    turn = api_client.get(f"/api/v1/lessons/{SLUG}/").json()["turn"]

    assert turn["attempt"]["number"] == 2
    assert [s["reflection"] for s in turn["steps"]] == [None, None, None]
    assert turn["points"]["earned_here"] == 15  # step 2 paid in attempt 1, for good


def test_writing_in_attempt_2_changes_nothing_in_attempt_1_and_pays_nothing(retaken, student):
    outcome = retaken.reflect(SLUG, 2, NOW)

    assert outcome.accepted and outcome.points == 0
    first, second = snapshots(student)
    then = Reflection.objects.get(attempt=first.attempt)
    assert (then.text, [v.text for v in then.versions.all()]) == (THEN, [THEN])
    assert Reflection.objects.get(attempt=second.attempt).text == NOW
    assert PointsEntry.objects.filter(user=student).count() == 1


def test_each_snapshot_in_the_api_lists_the_reflections_of_its_own_attempt(retaken, api_client, student):
    retaken.reflect(SLUG, 2, NOW)
    retaken.reflect(SLUG, 2, NOW + " and more")
    first, second = snapshots(student)

    before = api_client.get(f"/api/v1/snapshots/{first.pk}/").json()
    after = api_client.get(f"/api/v1/snapshots/{second.pk}/").json()

    assert before["attempt"]["number"] == 1 and after["attempt"]["number"] == 2
    assert [(r["step"], r["step_key"], r["kind"], r["text"]) for r in before["reflections"]] == [
        (2, "reflection-2", "reflection", THEN)
    ]
    assert [v["text"] for v in before["reflections"][0]["versions"]] == [THEN]
    assert [r["text"] for r in after["reflections"]] == [NOW + " and more"]
    assert [v["text"] for v in after["reflections"][0]["versions"]] == [NOW, NOW + " and more"]


def test_skills_compares_what_was_written_then_and_now(retaken, student_client, student):
    retaken.reflect(SLUG, 2, NOW)
    first, second = snapshots(student)

    page = student_client.get(f"/skills/?from={first.pk}&to={second.pk}").content.decode()

    then_side = page[page.index('data-testid="writing-before"'):page.index('data-testid="writing-after"')]
    now_side = page[page.index('data-testid="writing-after"'):]
    assert THEN in then_side and NOW not in then_side
    assert NOW in now_side.split("</section>")[0]


def test_skills_history_lists_each_attempts_reflections_beside_its_snapshot(retaken, student_client):
    retaken.reflect(SLUG, 2, NOW)

    page = student_client.get("/skills/").content.decode()

    assert page.index(NOW) < page.index(THEN)  # newest snapshot first, each with its own writing
    assert "1 reflection written in this attempt" in page


def test_rating_twice_before_writing_starts_attempt_2_too(door, student, course):
    door.rate(SLUG, ratings())
    door.rate(SLUG, ratings(business=5))

    assert [s.attempt.number for s in snapshots(student)] == [1, 2]


def test_a_reflection_written_before_the_first_rating_stays_in_attempt_1(door, student, course):
    door.reflect(SLUG, 2, THEN)
    door.rate(SLUG, ratings())

    (only,) = snapshots(student)
    assert only.attempt.number == 1
    assert TurnAttempt.objects.filter(user=student).count() == 1
    assert Reflection.objects.get(user=student).attempt == only.attempt


def test_editing_a_reflection_three_times_keeps_three_versions(door, api_client, student, course):
    door.rate(SLUG, ratings())
    texts = [words(10, "first"), words(11, "second"), words(12, "third")]
    for text in texts:
        assert door.reflect(SLUG, 2, text).accepted
    door.reflect(SLUG, 2, texts[-1])  # saving the same text again is no new version

    reflection = Reflection.objects.get(user=student)
    assert reflection.text == texts[-1]
    assert [v.text for v in ReflectionVersion.objects.filter(reflection=reflection).order_by("created_at", "id")] == texts
    assert [v.word_count for v in reflection.versions.all()] == [10, 11, 12]
    (snapshot,) = snapshots(student)
    versions = api_client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()["reflections"][0]["versions"]
    assert [v["text"] for v in versions] == texts


def test_another_students_snapshot_and_its_reflections_are_404(retaken, student, other_student):
    first, _second = snapshots(student)
    client = APIClient()
    client.force_authenticate(other_student)

    response = client.get(f"/api/v1/snapshots/{first.pk}/")

    assert response.status_code == 404
    assert THEN not in response.content.decode()
