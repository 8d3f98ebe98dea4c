"""The student's versions (accounts.state) move exactly when, and as far as, a change reaches.

`state_version` moves on every change, `shared_version` on a change other lessons'
answers show, and the lesson's own version on a change only that lesson shows; each
once per write, in the write's transaction, and not at all when the write is refused.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import state
from accounts.models import LessonVersion, User
from assessments import services
from assessments.models import Reflection
from tests.api.conftest import ratings, words

pytestmark = pytest.mark.django_db


def versions(user, lesson) -> tuple[int, int, int]:
    """(state, shared, the lesson's own) as the database holds them."""
    row = User.objects.filter(pk=user.pk).values_list("state_version", "shared_version").get()
    own = LessonVersion.objects.filter(user=user, lesson=lesson).values_list("version", flat=True).first() or 0
    return (*row, own)


def moved(user, lesson, write) -> tuple[int, int, int]:
    before = versions(user, lesson)
    write()
    after = versions(user, lesson)
    return tuple(b - a for a, b in zip(before, after, strict=True))


def test_a_rating_that_starts_a_new_attempt_moves_each_number_once(student, course):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())

    # A second rating starts attempt 2: an attempt and a snapshot are written, one move each.
    assert moved(student, course.lesson, lambda: services.snapshot_record(
        user=student, turn=course.turn, ratings=ratings())) == (1, 0, 1)


def test_a_reflection_that_pays_moves_the_shared_number_too(student, course):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())

    assert moved(student, course.lesson, lambda: services.reflection_save(
        user=student, step=course.patterns, text=words(12))) == (1, 1, 1)
    # The same step edited again pays nothing more: only this lesson's answers change.
    assert moved(student, course.lesson, lambda: services.reflection_save(
        user=student, step=course.patterns, text=words(14, "other"))) == (1, 0, 1)


@pytest.mark.parametrize("kind", ["step", "section"])
def test_drafts_move_their_lessons_number(student, course, kind):
    target = {"step": course.patterns} if kind == "step" else {"section": course.prompt}
    payload = {"text": "half"} if kind == "step" else {"answers": [{"text": "half"}]}

    assert moved(student, course.lesson, lambda: services.draft_save(user=student, **target, **payload)) == (1, 0, 1)
    assert moved(student, course.lesson, lambda: services.draft_discard(user=student, **target)) == (1, 0, 1)


def test_warm_up_answers_move_the_shared_number(student, course):
    """Later lessons recall them."""
    assert moved(student, course.lesson, lambda: services.prompt_answers_save(
        user=student, section=course.prompt, answers=[{"text": "Mixing", "category": "technical"}])) == (1, 1, 0)


def test_a_refused_write_moves_nothing(student, course):
    def refused():
        with pytest.raises(ValidationError):
            services.snapshot_record(user=student, turn=course.turn, ratings={"nope": 3})

    assert moved(student, course.lesson, refused) == (0, 0, 0)


def test_a_write_that_fails_inside_its_scope_moves_nothing(student, course):
    def failing():
        with pytest.raises(RuntimeError), transaction.atomic(), state.lesson_scope(course.lesson.pk):
            services.draft_save(user=student, step=course.patterns, text="half")
            raise RuntimeError("the request died half-way")

    assert moved(student, course.lesson, failing) == (0, 0, 0)


def test_a_change_made_outside_a_service_moves_the_shared_number(student, course):
    """The admin deleting a reflection says nothing of its lesson: the safe, wider move."""
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    reflection = Reflection.objects.get(user=student)

    assert moved(student, course.lesson, reflection.delete) == (1, 1, 0)


def test_saving_the_account_moves_state_and_shared(student, course):
    student.display_name = "Renamed"

    assert moved(student, course.lesson, student.save) == (1, 1, 0)
    student.refresh_from_db()
    assert student.display_name == "Renamed"
