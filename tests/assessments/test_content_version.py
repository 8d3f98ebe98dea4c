"""Author edits to a Turn, its steps or its skill categories make a new lesson version."""

from lessons.models import Lesson


def version(lesson) -> int:
    return Lesson.objects.get(pk=lesson.pk).content_version


def test_editing_a_step_a_turn_or_a_category_bumps_the_lesson_version(course):
    start = version(course.lesson)
    course.patterns.title = "Look for patterns"
    course.patterns.save()
    after_step = version(course.lesson)
    course.turn.title = "Map your skills"
    course.turn.save()
    after_turn = version(course.lesson)
    course.categories[0].name = "Technical craft"
    course.categories[0].save()
    after_category = version(course.lesson)
    assert start < after_step < after_turn < after_category


def test_deleting_a_step_bumps_the_lesson_version(course):
    start = version(course.lesson)
    course.goals.delete()
    assert version(course.lesson) > start


def test_the_api_shows_an_edited_step_on_the_next_request(api_client, course):
    url = f"/api/v1/lessons/{course.lesson.slug}/"
    first = api_client.get(url).json()
    course.patterns.title = "Look for patterns"
    course.patterns.save()
    second = api_client.get(url).json()
    assert second["content_version"] > first["content_version"]
    assert "Look for patterns" in str(second)
