"""Edits to a Turn, its steps or its skill categories make a new lesson version when reported to the service.

Nothing in Model.save()/delete() moves a version any more: the admin, the
importers and the loaders call `lessons.services.content_changed`. The admin's
side is pinned in tests/assessments/test_content_changes.py.
"""

import threading

import pytest
from django.db import connection

from lessons.models import Lesson
from lessons.services import content_changed


def version(lesson) -> int:
    return Lesson.objects.get(pk=lesson.pk).content_version


def test_editing_a_step_a_turn_or_a_category_bumps_the_lesson_version(course):
    start = version(course.lesson)
    course.patterns.title = "Look for patterns"
    course.patterns.save()
    content_changed(parts=[course.patterns])
    after_step = version(course.lesson)
    course.turn.title = "Map your skills"
    course.turn.save()
    content_changed(parts=[course.turn])
    after_turn = version(course.lesson)
    course.categories[0].name = "Technical craft"
    course.categories[0].save()
    content_changed(parts=[course.categories[0]])
    after_category = version(course.lesson)
    course.categories[0].framework.name = "Spectrum"
    course.categories[0].framework.save()
    content_changed(parts=[course.categories[0].framework])
    after_framework = version(course.lesson)
    assert start < after_step < after_turn < after_category < after_framework


def test_a_save_alone_moves_no_version(course):
    """Versions move in the service only, never as a side effect of Model.save()."""
    start = version(course.lesson)
    course.patterns.title = "Look for patterns"
    course.patterns.save()
    course.lesson.title = "Renamed"
    course.lesson.save()
    assert version(course.lesson) == start


def test_deleting_a_step_bumps_the_lesson_version(course):
    start = version(course.lesson)
    ids = course.goals.affected_lesson_ids()
    course.goals.delete()
    content_changed(lesson_ids=ids)
    assert version(course.lesson) == start + 1


def test_the_api_shows_an_edited_step_on_the_next_request(api_client, course):
    url = f"/api/v1/lessons/{course.lesson.slug}/"
    first = api_client.get(url).json()
    course.patterns.title = "Look for patterns"
    course.patterns.save()
    content_changed(parts=[course.patterns])
    second = api_client.get(url).json()
    assert second["content_version"] > first["content_version"]
    assert "Look for patterns" in str(second)


def test_bumps_are_increments_so_none_is_lost(course):
    """Twenty bumps, however they interleave, move the version by exactly twenty (F(), not read-then-write)."""
    start = version(course.lesson)
    for _ in range(20):
        content_changed(lessons=[Lesson.objects.get(pk=course.lesson.pk)])
    assert version(course.lesson) == start + 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bumps_are_not_lost(course):
    """Authors saving at the same moment on several app servers: every bump counts."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to lose.")
    start = version(course.lesson)
    stale = Lesson.objects.get(pk=course.lesson.pk)  # every thread holds the same old copy
    barrier = threading.Barrier(4)

    def bump() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                content_changed(lessons=[Lesson(pk=stale.pk, content_version=stale.content_version)])
        finally:
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert version(course.lesson) == start + 20
