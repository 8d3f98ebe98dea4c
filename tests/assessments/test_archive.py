"""Learners' records outlive content, at the database level: what students wrote to, answered
or rated cannot be deleted (ProtectedError, whoever asks); archived content is hidden from
the course and kept in the student's history; a re-created identical step never pays twice.
(The admin's refusal in words and its Archived box are pinned in test_admin_archive.py.)"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from assessments import services
from assessments.models import (
    PointsEntry,
    PromptAnswer,
    Reflection,
    SkillCategory,
    SkillFramework,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnStep,
)
from lessons.models import Lesson, Section
from lessons.services import content_changed
from tests.assessments.conftest import ratings, words
from tests.factories import TurnStepFactory

SLUG = "skills"


def archive(row) -> None:
    """As an author's archive does: save the row, then report the content change."""
    row.archived_at = timezone.now()
    row.save()
    content_changed(parts=[row])


def new_step(**fields) -> TurnStep:
    """A step an author adds (saved, then reported as a content change)."""
    step = TurnStepFactory(**fields)
    content_changed(parts=[step])
    return step


@pytest.fixture
def written(student, course):
    """The student rated the spectrum, tagged a warm-up answer and wrote step 2."""
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.prompt_answers_save(user=student, section=course.prompt,
                                 answers=[{"text": "Gain staging", "category": "technical"}])
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    return course


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Reflection, SkillSnapshot, SnapshotRating, PromptAnswer, TurnStep, SkillCategory, Section)}


@pytest.mark.parametrize(
    "target",
    [
        "step",  # a step with reflections
        "turn",  # its Turn, whose steps would cascade
        "lesson",  # the lesson, whose Turn and sections would cascade
        "category",  # a category students rated
        "framework",  # a framework students rated on
        "warm-up",  # a warm-up prompt students answered
    ],
)
def test_what_students_wrote_to_cannot_be_deleted_one_by_one_or_in_bulk(written, target):
    row = {
        "step": written.patterns, "turn": written.turn, "lesson": written.lesson, "category": written.categories[0],
        "framework": written.framework, "warm-up": written.prompt,
    }[target]
    before = counts()

    with pytest.raises(ProtectedError):
        row.delete()
    with pytest.raises(ProtectedError):
        type(row).objects.filter(pk=row.pk).delete()  # the admin's "delete selected"

    assert counts() == before
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_category_only_used_to_tag_a_warm_up_answer_cannot_be_deleted(student, course):
    services.prompt_answers_save(user=student, section=course.prompt,
                                 answers=[{"text": "Networking", "category": "business"}])
    business = SkillCategory.objects.get(framework=course.framework, slug="business")

    assert business.has_learner_records()
    with pytest.raises(ProtectedError):
        business.delete()
    assert PromptAnswer.objects.get(user=student).category == business


def test_content_nobody_used_can_still_be_deleted(written):
    assert not written.goals.has_learner_records()
    written.goals.delete()
    assert not TurnStep.objects.filter(pk=written.goals.pk).exists()

    unused = SkillFramework.objects.create(name="Unused", slug="unused")
    assert not unused.has_learner_records()
    unused.delete()
    assert not SkillFramework.objects.filter(slug="unused").exists()


def test_has_learner_records_says_which_rows_students_used(written):
    assert written.patterns.has_learner_records()
    assert not written.goals.has_learner_records()
    assert written.framework.has_learner_records()
    assert all(c.has_learner_records() for c in written.categories)  # every category was rated


def test_an_archived_step_is_hidden_from_the_turn_page_and_the_api(written, student_client, api_client):
    # Read once first: the Turn is cached, and archiving must still show at once.
    assert "Notice patterns" in student_client.get(f"/lessons/{SLUG}/your-turn/").content.decode()
    api_client.get(f"/api/v1/lessons/{SLUG}/")

    archive(written.patterns)

    page = student_client.get(f"/lessons/{SLUG}/your-turn/").content.decode()
    assert "Notice patterns" not in page and 'id="step-2"' not in page
    steps = api_client.get(f"/api/v1/lessons/{SLUG}/").json()["turn"]["steps"]
    assert [s["number"] for s in steps] == [1, 3]
    assert student_client.post(f"/lessons/{SLUG}/your-turn/reflections/2/", {"step2-text": words(12)}).status_code == 404
    assert api_client.put(f"/api/v1/lessons/{SLUG}/your-turn/reflections/2/", {"text": words(12)},
                          format="json").status_code == 404


def test_an_archived_steps_reflections_still_appear_in_the_students_history(written, student, student_client,
                                                                             api_client):
    archive(written.patterns)

    page = student_client.get("/skills/").content.decode()
    snapshot = SkillSnapshot.objects.get(user=student)
    detail = api_client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()

    assert words(12) in page and "Notice patterns" in page
    assert [(r["step_title"], r["text"]) for r in detail["reflections"]] == [("Notice patterns", words(12))]
    assert Reflection.objects.get(user=student).step == written.patterns


def test_an_archived_category_is_not_rated_again_but_old_snapshots_keep_it(written, student, api_client):
    archive(written.categories[4])  # Personal qualities

    categories = api_client.get(f"/api/v1/lessons/{SLUG}/").json()["turn"]["framework"]["categories"]
    assert [c["slug"] for c in categories] == ["technical", "creative", "interpersonal", "business"]
    second = api_client.post(f"/api/v1/lessons/{SLUG}/your-turn/snapshots/",
                             {"ratings": {k: v for k, v in ratings().items() if k != "personal"}}, format="json")
    assert second.status_code == 201
    first = SkillSnapshot.objects.filter(user=student).order_by("created_at", "id").first()
    assert [r["slug"] for r in api_client.get(f"/api/v1/snapshots/{first.pk}/").json()["ratings"]][-1] == "personal"


def test_recreating_an_identical_step_after_archiving_never_pays_twice(door, student, course):
    assert door.reflect(SLUG, 2, words(12)).points == 15
    archive(course.patterns)

    again = new_step(turn=course.turn, number=2, key=course.patterns.key, kind=TurnStep.Kind.REFLECTION,
                            title="Notice patterns", points=15, min_words=10)
    outcome = door.reflect(SLUG, 2, words(14, "fresh"))

    assert outcome.accepted and outcome.points == 0
    assert again.points_source_key == course.patterns.points_source_key
    assert PointsEntry.objects.filter(user=student).count() == 1
    assert Reflection.objects.filter(user=student).count() == 2  # the archived step's text is kept


def test_a_step_recreated_under_another_number_but_the_same_key_does_not_pay_either(door, student, course):
    door.reflect(SLUG, 2, words(12))
    archive(course.patterns)
    new_step(turn=course.turn, number=4, key=course.patterns.key, kind=TurnStep.Kind.REFLECTION,
                    points=15, min_words=10)

    assert door.reflect(SLUG, 4, words(14, "fresh")).points == 0


def test_a_new_step_with_its_own_key_pays(door, student, course):
    door.reflect(SLUG, 2, words(12))
    archive(course.patterns)
    new_step(turn=course.turn, number=2, key="notice-patterns-v2", kind=TurnStep.Kind.REFLECTION,
                    points=15, min_words=10)

    assert door.reflect(SLUG, 2, words(14, "fresh")).points == 15


def test_two_live_steps_cannot_share_a_key_or_a_number(course):
    with pytest.raises(IntegrityError), transaction.atomic():
        TurnStepFactory(turn=course.turn, number=7, key=course.patterns.key)
    with pytest.raises(IntegrityError), transaction.atomic():
        TurnStepFactory(turn=course.turn, number=course.patterns.number, key="another")


def test_a_step_left_without_a_key_gets_kind_and_number(course):
    step = TurnStepFactory(turn=course.turn, number=5, kind=TurnStep.Kind.GOALS, key="")

    assert step.key == "goals-5"
    assert step.points_source_key == f"reflection:lesson-{course.lesson.pk}:goals-5"


def test_unused_lessons_turns_still_delete_with_their_steps(course):
    lesson = course.lesson
    Turn.objects.filter(pk=course.turn.pk).delete()

    assert not TurnStep.objects.filter(turn_id=course.turn.pk).exists()
    assert Lesson.objects.filter(pk=lesson.pk).exists()
