"""Authors cannot destroy learners' records: the admin refuses the delete, says why, and offers archive."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import PointsEntry, PromptAnswer, Reflection, SkillCategory, SkillFramework, TurnStep
from lessons.models import Section
from tests.assessments.conftest import ratings, words
from tests.lessons.pages import form_data, parse

pytestmark = pytest.mark.django_db


def admin_form(client, url: str, form_id: str) -> dict[str, list[str]]:
    """The change form's fields as the author's browser would send them back unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(parse(response).one("form", id_=form_id))
    return {name: values for name, values in data.items() if "__prefix__" not in name}


def row_prefix(data: dict[str, list[str]], inline: str, pk: int) -> str:
    for name, values in data.items():
        if name.startswith(f"{inline}-") and name.endswith("-id") and values == [str(pk)]:
            return name[: -len("-id")]
    raise AssertionError(f"no {inline} row for id {pk}")


def turn_url(course) -> str:
    return reverse("admin:assessments_turn_change", args=[course.turn.pk])


def lesson_url(course) -> str:
    return reverse("admin:lessons_lesson_change", args=[course.lesson.pk])


def framework_url(course) -> str:
    return reverse("admin:assessments_skillframework_change", args=[course.framework.pk])


def test_deleting_a_step_with_reflections_is_refused_in_words_and_nothing_is_lost(author_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    data = admin_form(author_client, turn_url(course), "turn_form")
    data[f"{row_prefix(data, 'steps', course.patterns.pk)}-DELETE"] = ["on"]

    response = author_client.post(turn_url(course), data)

    page = response.content.decode()
    assert response.status_code == 200  # the form again, with the reason
    assert "cannot be deleted: students have answered, rated or written to it" in page
    assert "Tick “Archived” instead" in page
    assert TurnStep.objects.filter(pk=course.patterns.pk, archived_at__isnull=True).exists()
    assert Reflection.objects.filter(step=course.patterns).count() == 1


def test_a_step_nobody_wrote_to_can_still_be_deleted(author_client, course):
    data = admin_form(author_client, turn_url(course), "turn_form")
    data[f"{row_prefix(data, 'steps', course.goals.pk)}-DELETE"] = ["on"]

    response = author_client.post(turn_url(course), data)

    assert response.status_code == 302
    assert not TurnStep.objects.filter(pk=course.goals.pk).exists()


def test_archiving_a_step_hides_it_keeps_the_writing_and_an_identical_new_step_never_pays_twice(
    author_client, student, client, course
):
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    assert PointsEntry.objects.filter(user=student).count() == 1
    data = admin_form(author_client, turn_url(course), "turn_form")
    prefix = row_prefix(data, "steps", course.patterns.pk)
    data[f"{prefix}-archived"] = ["on"]
    assert author_client.post(turn_url(course), data).status_code == 302
    assert TurnStep.objects.get(pk=course.patterns.pk).archived_at is not None

    # The author re-creates the same step (same key; it goes where it was) as a new row.
    data = admin_form(author_client, turn_url(course), "turn_form")
    total = int(data["steps-TOTAL_FORMS"][0])
    new = f"steps-{total}"
    data.update({
        "steps-TOTAL_FORMS": [str(total + 1)], f"{new}-number": ["2"], f"{new}-kind": ["reflection"],
        f"{new}-title": ["Notice patterns"], f"{new}-body_md": [""], f"{new}-points": ["15"],
        f"{new}-min_words": ["10"], f"{new}-key": [course.patterns.key], f"{new}-turn": [str(course.turn.pk)],
    })
    response = author_client.post(turn_url(course), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    recreated = TurnStep.objects.get(turn=course.turn, number=2, archived_at__isnull=True)
    assert recreated.pk != course.patterns.pk and recreated.key == course.patterns.key

    # The student sees only the new step; writing in it pays nothing more.
    client.force_login(student)
    page = client.get(f"/lessons/{course.lesson.slug}/your-turn/").content.decode()
    assert page.count("turn-step--reflection") == 1
    result = services.reflection_save(user=student, step=recreated, text=words(14, "fresh"))
    assert result.points_awarded == 0 and result.already_paid
    assert PointsEntry.objects.filter(user=student).count() == 1
    # The archived step's reflection is still the student's, readable on /skills/.
    assert Reflection.objects.filter(step=course.patterns, user=student).exists()


def test_deleting_a_rated_category_is_refused_and_archive_is_offered(author_client, student, course):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    category = course.categories[0]
    data = admin_form(author_client, framework_url(course), "skillframework_form")
    data[f"{row_prefix(data, 'categories', category.pk)}-DELETE"] = ["on"]

    response = author_client.post(framework_url(course), data)

    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert SkillCategory.objects.filter(pk=category.pk).exists()


def test_deleting_a_rated_framework_says_why_instead_of_listing_students_rows(author_client, student, course):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    url = reverse("admin:assessments_skillframework_delete", args=[course.framework.pk])

    page = author_client.get(url).content.decode()

    assert "Archive its parts instead of deleting" in page
    assert student.email not in page
    author_client.post(url, {"post": "yes"})
    assert SkillFramework.objects.filter(pk=course.framework.pk).exists()


def test_deleting_an_answered_warm_up_section_is_refused_and_archiving_hides_it(author_client, student, client, course):
    services.prompt_answers_save(user=student, section=course.prompt, answers=[{"text": "Mixing", "category": ""}])
    data = admin_form(author_client, lesson_url(course), "lesson_form")
    prefix = row_prefix(data, "sections", course.prompt.pk)
    data[f"{prefix}-DELETE"] = ["on"]

    response = author_client.post(lesson_url(course), data)
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert Section.objects.filter(pk=course.prompt.pk).exists()

    data = admin_form(author_client, lesson_url(course), "lesson_form")
    data[f"{prefix}-archived"] = ["on"]
    assert author_client.post(lesson_url(course), data).status_code == 302
    client.force_login(student)
    page = client.get(f"/lessons/{course.lesson.slug}/").content.decode()
    assert f'id="{course.prompt.anchor}"' not in page
    assert PromptAnswer.objects.filter(user=student, section=course.prompt).count() == 1
